#!/usr/bin/env python3
"""Dev tool for the built-in `mkmulti new` templates (templates/new/*): render one without mkmulti, and keep the
Rust templates' Cargo.lock what Cargo writes.

  scripts/new-templates.py render TEMPLATE DEST [--name N] [--port P] [--var KEY=VALUE ...]
      Renders templates/new/TEMPLATE into DEST (which must not exist) the way `mkmulti new` does: minijinja's
      settings of src/render/mod.rs, here with Jinja2 (trim_blocks, lstrip_blocks, keep_trailing_newline,
      strict undefined), the built-in variables, declared variables with their defaults and patterns, the `toml`
      and `md` filters, `gitignore` written as `.gitignore`, `{{name}}`/`{{crate}}` in paths.
  scripts/new-templates.py lock TEMPLATE
      Rewrites the template's Cargo.lock from a fresh `cargo generate-lockfile` on a rendered copy: the
      registry packages as data, this project's own packages named from `name`, all sorted by name when
      rendered, as Cargo sorts them, so the new repository's Cargo.lock is exactly what Cargo writes.
  scripts/new-templates.py check-lock TEMPLATE [NAME ...]
      Renders the template with each NAME (names that sort before, between and after its dependencies), runs
      `cargo metadata --locked` (the lock resolves as it is) and `cargo update --workspace --offline` (Cargo
      rewrites it in its own order): both must succeed and leave the file byte for byte as rendered.

Needs Python 3.11+ (tomllib) and Jinja2. Development only: mkmulti itself renders with minijinja.
"""

import argparse
import datetime
import fnmatch
import json
import re
import shutil
import string
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import jinja2

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates" / "new"
MANIFEST = "mkmulti-template.toml"
# The grammars of new-design: project/app names, and the `text` default of declared variables.
NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
TEXT = r"^[A-Za-z0-9][A-Za-z0-9 ._,:/@+()-]{0,199}$"
SAMPLE_NAME = "demo-svc"
REGISTRY = "registry+https://github.com/rust-lang/crates.io-index"


def toml_string(v):
    """A TOML basic string: JSON's escapes are TOML's; TOML also wants DEL escaped."""
    return json.dumps(str(v), ensure_ascii=False).replace("\x7f", "\\u007f")


def markdown(v):
    """src/render/filters.rs `markdown`, the same rules."""
    inline = set("\\`*_[]<>&|~$!#")
    body = v.lstrip(" ")
    out = "&#32;" * (len(v) - len(body))
    digits = len(body) - len(body.lstrip(string.digits))
    for i, c in enumerate(body):
        list_marker = i == digits and digits > 0 and c in ".)"
        if c in inline or (i == 0 and c in string.punctuation) or list_marker:
            out += "\\"
        out += c
    return out


def environment():
    env = jinja2.Environment(
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )
    env.filters["toml"] = toml_string
    env.filters["md"] = markdown
    return env


def mkmulti_version():
    return tomllib.loads((ROOT / "Cargo.toml").read_text())["package"]["version"]


def context(manifest, name, port, given):
    if not NAME.match(name):
        sys.exit(f"name {name!r} does not match {NAME.pattern}")
    ctx = {
        "name": name,
        "crate": name.replace("-", "_"),
        "module": f"example.com/{name}",
        "port": port,
        "year": datetime.date.today().year,
        "mkmulti_version": mkmulti_version(),
    }
    declared = manifest.get("variables", {})
    unknown = set(given) - set(declared)
    if unknown:
        sys.exit(f"--var {', '.join(sorted(unknown))}: not declared in the manifest")
    for key, spec in declared.items():
        value = given.get(key, spec.get("default"))
        if value is None:
            sys.exit(f"variable {key!r} has no default and no --var")
        pattern = spec.get("pattern", TEXT)
        if not re.match(pattern, value):
            sys.exit(f"variable {key!r}: {value!r} does not match {pattern}")
        ctx[key] = value
    return ctx


def matches(rel, globs):
    # `**/` also matches no directory at all, as in the usual glob crates.
    return any(fnmatch.fnmatchcase(rel, g) or fnmatch.fnmatchcase(rel, g.replace("**/", "")) for g in globs)


def render(template, dest, name=SAMPLE_NAME, port=8080, given=None):
    src = TEMPLATES / template
    manifest = tomllib.loads((src / MANIFEST).read_text())
    ctx = context(manifest, name, port, given or {})
    files = manifest.get("files", {})
    env = environment()
    if dest.exists():
        sys.exit(f"{dest} exists")
    for path in sorted(p for p in src.rglob("*") if p.is_file()):
        rel = path.relative_to(src).as_posix()
        if rel == MANIFEST:
            continue
        out_rel = rel.replace("{{name}}", ctx["name"]).replace("{{crate}}", ctx["crate"])
        if out_rel == "gitignore":
            out_rel = ".gitignore"
        out = dest / out_rel
        out.parent.mkdir(parents=True, exist_ok=True)
        if matches(rel, files.get("render", [])) and not matches(rel, files.get("copy", [])):
            text = env.from_string(path.read_text()).render(ctx)
            out.write_text(text)
        else:
            shutil.copyfile(path, out)


def lock(template):
    with tempfile.TemporaryDirectory() as tmp:
        dest = Path(tmp) / "copy"
        render(template, dest)
        (dest / "Cargo.lock").unlink(missing_ok=True)
        subprocess.run(["cargo", "generate-lockfile", "--quiet"], cwd=dest, check=True)
        text = (dest / "Cargo.lock").read_text()
    data = tomllib.loads(text)

    def named(n):
        # This project's own packages are `name` or `name-<part>`: written from the variable.
        if n == SAMPLE_NAME:
            return "name"
        if n.startswith(SAMPLE_NAME + "-"):
            return f'name ~ "{n[len(SAMPLE_NAME):]}"'
        return json.dumps(n)

    def own(p):
        return "source" not in p

    rows = []
    # The registry's packages first, then this project's: the order of the data is free, the sort decides.
    for p in sorted(data["package"], key=own):
        fields = [f'"name": {named(p["name"])}', f'"version": {json.dumps(p["version"])}']
        if "source" in p:
            if p["source"] != REGISTRY:
                sys.exit(f"{p['name']} comes from {p['source']}: only crates.io is written as data")
            fields.append(f'"checksum": {json.dumps(p["checksum"])}')
        elif named(p["name"]).startswith('"'):
            sys.exit(f"{p['name']}: a path package not named after the project")
        if p.get("dependencies"):
            fields.append(f'"dependencies": [{", ".join(named(d) for d in p["dependencies"])}]')
        rows.append("  {" + ", ".join(fields) + "},")
    if len(rows) == 1:
        # Only this project's package: no sorting to do.
        (TEMPLATES / template / "Cargo.lock").write_text(text.replace(json.dumps(SAMPLE_NAME), "{{ name | toml }}"))
        return
    out = [
        "{#- Written by scripts/new-templates.py lock. Cargo writes packages sorted by name: this project's own",
        "    packages are sorted in where their names fall, so the file is exactly what Cargo writes. -#}",
        "# This file is automatically @generated by Cargo.",
        "# It is not intended for manual editing.",
        f"version = {data['version']}",
        "{% set packages = [",
        *rows,
        "] %}",
        '{% for p in packages | sort(attribute="name") %}',
        "",
        "[[package]]",
        "name = {{ p.name | toml }}",
        "version = {{ p.version | toml }}",
        "{% if p.checksum is defined %}",
        f'source = "{REGISTRY}"',
        "checksum = {{ p.checksum | toml }}",
        "{% endif %}",
        "{% if p.dependencies is defined %}",
        "dependencies = [",
        "{% for d in p.dependencies %}",
        " {{ d | toml }},",
        "{% endfor %}",
        "]",
        "{% endif %}",
        "{% endfor %}",
    ]
    (TEMPLATES / template / "Cargo.lock").write_text("\n".join(out) + "\n")


def check_lock(template, names):
    failed = False
    for name in names or [SAMPLE_NAME, "a", "h", "m", "signal", "tiny-a", "zz"]:
        with tempfile.TemporaryDirectory() as tmp:
            dest = Path(tmp) / name
            render(template, dest, name=name)
            before = (dest / "Cargo.lock").read_bytes()
            for command in (
                ["cargo", "metadata", "--locked", "--format-version", "1"],
                ["cargo", "update", "--workspace", "--offline"],
            ):
                run = subprocess.run(command, cwd=dest, capture_output=True, text=True)
                ok = run.returncode == 0 and (dest / "Cargo.lock").read_bytes() == before
                if not ok:
                    break
            failed |= not ok
            print(f"{template} name={name}: {'ok' if ok else 'FAILED: ' + ' '.join(command)}")
            if not ok:
                print(run.stderr)
    return 1 if failed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("render")
    r.add_argument("template")
    r.add_argument("dest", type=Path)
    r.add_argument("--name", default=SAMPLE_NAME)
    r.add_argument("--port", type=int, default=8080)
    r.add_argument("--var", action="append", default=[])
    lk = sub.add_parser("lock")
    lk.add_argument("template")
    c = sub.add_parser("check-lock")
    c.add_argument("template")
    c.add_argument("names", nargs="*")
    args = parser.parse_args()
    if args.command == "render":
        given = dict(v.split("=", 1) for v in args.var)
        if not 1 <= args.port <= 65535:
            sys.exit("--port is 1 to 65535")
        render(args.template, args.dest, args.name, args.port, given)
    elif args.command == "lock":
        lock(args.template)
    else:
        sys.exit(check_lock(args.template, args.names))


if __name__ == "__main__":
    main()
