// mermaid-check.mjs - parse every ```mermaid block of Markdown files with Mermaid's own parser.
//
// Usage: node scripts/lib/mermaid-check.mjs NODE_MODULES FILE.md...
//        node scripts/lib/mermaid-check.mjs NODE_MODULES --version
//
// NODE_MODULES holds the pinned `mermaid` and `jsdom` packages (scripts/install-checkers.sh puts them in
// PREFIX/node/node_modules). jsdom gives Mermaid the window and document it expects; mermaid.parse runs the
// diagram's real grammar (the one GitHub's renderer uses) without drawing, so no browser is needed.
// A file with no mermaid block fails: the files checked are the ones that must hold a diagram.
// Prints one line per problem, `FILE:LINE: message`. Exit status: 0 every block parsed, 1 a block did not
// parse or a file has none, 2 a usage or set-up error.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [modules, ...args] = process.argv.slice(2);
if (!modules || args.length === 0) {
  console.error('usage: mermaid-check.mjs NODE_MODULES (--version | FILE.md...)');
  process.exit(2);
}
const require = createRequire(join(modules, 'mkmulti-checker.js'));
let mermaid;
try {
  const { JSDOM } = require('jsdom');
  const dom = new JSDOM('<!doctype html><html><body></body></html>');
  globalThis.window = dom.window;
  globalThis.document = dom.window.document;
  mermaid = (await import(pathToFileURL(require.resolve('mermaid')).href)).default;
  mermaid.initialize({ startOnLoad: false });
} catch (e) {
  console.error(`mermaid-check: cannot load mermaid and jsdom from ${modules}: ${e.message}`);
  process.exit(2);
}
if (args[0] === '--version') {
  const version = (name) => require(`${name}/package.json`).version;
  console.log(`mermaid ${version('mermaid')} (jsdom ${version('jsdom')})`);
  process.exit(0);
}

// The blocks of a CommonMark file: a line opening with ```mermaid (up to three spaces before it) up to the
// next closing fence of at least as many backticks.
function blocks(text) {
  const found = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,})\s*mermaid\s*$/.exec(lines[i]);
    if (!open) continue;
    const close = new RegExp(`^ {0,3}\`{${open[1].length},}\\s*$`);
    const start = i + 1;
    let end = start;
    while (end < lines.length && !close.test(lines[end])) end++;
    found.push({ line: start + 1, source: lines.slice(start, end).join('\n') });
    i = end;
  }
  return found;
}

let failed = 0;
for (const file of args) {
  const found = blocks(readFileSync(file, 'utf8'));
  if (found.length === 0) {
    console.log(`${file}: no mermaid block`);
    failed++;
  }
  for (const block of found) {
    try {
      await mermaid.parse(block.source);
    } catch (e) {
      console.log(`${file}:${block.line}: ${String(e.message ?? e).split('\n').join('\n    ')}`);
      failed++;
    }
  }
}
process.exit(failed === 0 ? 0 : 1);
