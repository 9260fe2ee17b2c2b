#!/usr/bin/env bash
# check-generated.sh - run the standard checkers over mkmulti's generated files.
#
# Usage: scripts/check-generated.sh [--zizmor] DIR [DIR...]
#
# Each DIR holds one project's generated files (any of them may be absent):
#   Dockerfile, Dockerfile.<app>   hadolint (any finding, style included, fails)
#                                  + BuildKit's parser + known-instruction check;
#                                  also in build-context subdirectories
#                                  (services/api/Dockerfile), each needing a
#                                  .dockerignore in its own directory
#   .github/workflows/*.yml|yaml   actionlint (shellchecks run: blocks),
#                                  SchemaStore github-workflows schema,
#                                  zizmor --offline (only with --zizmor)
#   compose.yaml                   compose-spec schema + `docker-compose config`
#                                  with DOCKER_DEFAULT_PLATFORM unset, set to
#                                  linux/amd64 and linux/arm64, and to each
#                                  platform listed in build.platforms
#   scripts/**/*.sh                shellcheck (all severities), +x, #! line
#   Makefile                       `make -n --warn-undefined-variables` for the
#                                  default goal and every target, with a
#                                  `docker` stub first on PATH
#   *.mk (a Makefile to include,   the same, run alone (`make -f X.mk`) and
#   `output.makefile-path`)        included from a stand-in project Makefile,
#                                  before and after that Makefile's own target:
#                                  its default goal stays its own, every target
#                                  of X.mk runs through it, and X.mk's help
#                                  target (its own default goal) lists them all
#   docker-bake.hcl                python-hcl2 parses it; the default group
#                                  names exactly the image targets, the test
#                                  group the test-stage ones; each target has
#                                  a dockerfile that exists (relative to its
#                                  context, as Bake reads it); image targets
#                                  have platforms, test targets none and the
#                                  output type=cacheonly
#   .dockerignore                  present (when there is a Dockerfile) and
#                                  holds at least one pattern
#   MULTIARCH.md                   every ```mermaid block parses with Mermaid's
#                                  own parser (scripts/lib/mermaid-check.mjs,
#                                  under node), and there is one at least
# multiarch.toml is skipped (scripts/lint-examples.sh lints configs).
#
# Prints `PASS <checker> <file>` or `FAIL <checker> <file>` (followed by the
# checker's findings, indented) per check, then `checks: N passed, M failed`.
# Exit status: 0 all passed, 1 some check failed, 2 usage or setup error.
#
# The checkers come from ${MKMULTI_CHECKERS:-$HOME/.cache/mkmulti-checkers}/bin;
# run scripts/install-checkers.sh first to create it.
set -euo pipefail

usage() {
    echo "usage: $0 [--zizmor] DIR [DIR...]"
}

run_zizmor=0
dirs=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --zizmor) run_zizmor=1 ;;
        -h | --help)
            usage
            exit 0
            ;;
        --)
            shift
            dirs+=("$@")
            break
            ;;
        -*)
            echo "check-generated: unknown option: $1" >&2
            usage >&2
            exit 2
            ;;
        *) dirs+=("$1") ;;
    esac
    shift
done
if [[ ${#dirs[@]} -eq 0 ]]; then
    usage >&2
    exit 2
fi
for dir in "${dirs[@]}"; do
    if [[ ! -d "$dir" ]]; then
        echo "check-generated: not a directory: $dir" >&2
        exit 2
    fi
done

# --- locate the checkers -----------------------------------------------------
checkers="${MKMULTI_CHECKERS:-$HOME/.cache/mkmulti-checkers}"
tools=(python hadolint actionlint shellcheck check-jsonschema docker-compose)
if [[ $run_zizmor -eq 1 ]]; then
    tools+=(zizmor)
fi
missing=()
for tool in "${tools[@]}"; do
    [[ -x "$checkers/bin/$tool" ]] || missing+=("$tool")
done
if [[ ${#missing[@]} -eq 0 ]] && ! "$checkers/bin/python" -c 'import dockerfile' 2>/dev/null; then
    missing+=("dockerfile (python package)")
fi
if [[ ${#missing[@]} -eq 0 ]] && ! "$checkers/bin/python" -c 'import hcl2' 2>/dev/null; then
    missing+=("python-hcl2 (python package)")
fi
mermaid_modules="$checkers/node/node_modules"
if [[ ${#missing[@]} -eq 0 ]] && { ! command -v node >/dev/null 2>&1 || [[ ! -d "$mermaid_modules/mermaid" ]]; }; then
    missing+=("mermaid (npm package, run by node)")
fi
if [[ ${#missing[@]} -gt 0 ]]; then
    {
        echo "check-generated: checkers missing from $checkers/bin: ${missing[*]}"
        echo "check-generated: install them with: scripts/install-checkers.sh${MKMULTI_CHECKERS:+ \"\$MKMULTI_CHECKERS\"}"
    } >&2
    exit 2
fi
export PATH="$checkers/bin:$PATH" # the venv's shellcheck first, for actionlint
py="$checkers/bin/python"
mermaid_check="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/mermaid-check.mjs"
exec </dev/null # no checker may wait for input

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# make -n still runs $(shell ...) and `+`/$(MAKE) lines: put a no-op docker first.
mkdir "$work/stub"
printf '#!/bin/sh\nexit 0\n' >"$work/stub/docker"
chmod +x "$work/stub/docker"

# An explicit, empty hadolint config so no .hadolint.yaml (cwd, ~/.config) can
# silence rules.
printf '{}\n' >"$work/hadolint.yaml"

# --- accounting --------------------------------------------------------------
# shellcheck source=scripts/lib/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"

# --- the checks (each runs inside the project directory) ----------------------

# hadolint's default threshold (info) lets style findings through: fail on all.
hadolint_strict() {
    local out status=0
    out="$(hadolint --no-color --config "$work/hadolint.yaml" --failure-threshold style "$1" 2>&1)" || status=$?
    [[ -n "$out" ]] && printf '%s\n' "$out"
    [[ $status -eq 0 && -z "$out" ]]
}

# BuildKit's parser accepts any instruction name; check the names too.
buildkit_parse() {
    "$py" - "$1" <<'PY'
import sys
import dockerfile

KNOWN = {"FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY",
         "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL",
         "HEALTHCHECK", "SHELL"}
try:
    commands = dockerfile.parse_file(sys.argv[1])
except dockerfile.GoParseError as err:
    print(f"{sys.argv[1]}: parse error: {err}")
    sys.exit(1)
bad = 0
for c in commands:
    names = [c.cmd] + ([c.sub_cmd] if c.cmd.upper() == "ONBUILD" and c.sub_cmd else [])
    for name in names:
        if name.upper() not in KNOWN:
            print(f"{sys.argv[1]}:{c.start_line}: unknown instruction {name!r}: {c.original}")
            bad += 1
if not commands:
    print(f"{sys.argv[1]}: no instructions")
    bad += 1
sys.exit(1 if bad else 0)
PY
}

# A Bake file: HCL that parses, a default group naming exactly the targets, and
# every target with platforms and a Dockerfile that exists.
bake_check() {
    "$py" - "$1" <<'PY'
import os
import sys
import hcl2

path = sys.argv[1]
try:
    with open(path) as f:
        doc = hcl2.load(f)
except Exception as err:  # the parser raises lark errors of several kinds
    print(f"{path}: parse error: {err}")
    sys.exit(1)
unquote = lambda v: v[1:-1] if isinstance(v, str) and len(v) >= 2 and v[0] == v[-1] == '"' else v
targets = {}
for block in doc.get("target", []):
    for name, body in block.items():
        targets[unquote(name)] = body
groups = {}
for block in doc.get("group", []):
    for name, body in block.items():
        groups[unquote(name)] = [unquote(t) for t in body.get("targets", [])]
bad = []
# A target of a Dockerfile's test stage builds for the builder's own platform and keeps nothing: it is in the
# `test` group, not the default one.
tests = sorted(n for n, b in targets.items() if unquote(b.get("target", "")) == "test")
images = sorted(n for n in targets if n not in tests)
if sorted(groups.get("default", [])) != images:
    bad.append(f"default group {groups.get('default')} != image targets {images}")
if sorted(groups.get("test", [])) != tests:
    bad.append(f"test group {groups.get('test')} != test targets {tests}")
for name, body in targets.items():
    dockerfile = unquote(body.get("dockerfile", ""))
    context = unquote(body.get("context", "."))
    # Bake joins a relative dockerfile to the target's context.
    if not dockerfile or not os.path.isfile(os.path.join(context, dockerfile)):
        bad.append(f"target {name}: dockerfile {dockerfile!r} missing from context {context!r}")
    if name in tests:
        if body.get("platforms") or [unquote(o) for o in body.get("output", [])] != ["type=cacheonly"]:
            bad.append(f"target {name}: a test target has no platforms and the output type=cacheonly")
    elif not body.get("platforms"):
        bad.append(f"target {name}: no platforms")
for b in bad:
    print(f"{path}: {b}")
sys.exit(1 if bad else 0)
PY
}

# `config --quiet` prints nothing for a clean file; compose only warns (exit 0)
# about unset variables, so any output is a failure too.
compose_config() {
    local platform="$1" file="$2" out status=0
    if [[ -z "$platform" ]]; then
        out="$(env -u DOCKER_DEFAULT_PLATFORM docker-compose -f "$file" config --quiet 2>&1)" || status=$?
    else
        out="$(DOCKER_DEFAULT_PLATFORM="$platform" docker-compose -f "$file" config --quiet 2>&1)" || status=$?
    fi
    [[ -n "$out" ]] && printf '%s\n' "$out"
    [[ $status -eq 0 && -z "$out" ]]
}

# Print the platforms to check a compose file under, one a line: the two machines compose runs on (amd64 and
# arm64, as DOCKER_DEFAULT_PLATFORM) and any build.platforms entry.
compose_platforms() {
    "$py" - "$1" <<'PY'
import sys
try:
    from ruamel.yaml import YAML
    with open(sys.argv[1]) as f:
        data = YAML(typ="safe", pure=True).load(f)
except ImportError:
    import yaml
    with open(sys.argv[1]) as f:
        data = yaml.safe_load(f)
seen = ["linux/amd64", "linux/arm64"]
services = (data or {}).get("services") or {}
for service in services.values():
    build = (service or {}).get("build")
    if isinstance(build, dict):
        for platform in build.get("platforms") or []:
            if isinstance(platform, str) and platform not in seen:
                seen.append(platform)
print("\n".join(seen))
PY
}

script_header() {
    local status=0
    if [[ ! -x "$1" ]]; then
        echo "$1: not executable"
        status=1
    fi
    if [[ "$(head -c 2 "$1")" != "#!" ]]; then
        echo "$1: first line is not a #! line"
        status=1
    fi
    return "$status"
}

# Targets named in .PHONY lines and on `name...:` rule lines (not variable
# assignments, not GNU special targets like .PHONY, not pattern rules).
make_targets() {
    awk '
        /^[ \t]*((override|export)[ \t]+)?define([ \t]|$)/ { indef = 1; next }
        indef { if ($0 ~ /^[ \t]*endef/) indef = 0; next }
        /^\t/ { next }
        {
            line = $0
            while (line ~ /\\$/ && (getline more) > 0)
                line = substr(line, 1, length(line) - 1) " " more
            sub(/#.*/, "", line)
            if (line ~ /^\.PHONY[ \t]*:/) {
                sub(/^\.PHONY[ \t]*:/, "", line)
                n = split(line, words, /[ \t]+/)
                for (i = 1; i <= n; i++) if (words[i] != "") print words[i]
                next
            }
            if (line !~ /^[A-Za-z0-9_.-]+([ \t]+[A-Za-z0-9_.-]+)*[ \t]*:/) next
            colon = index(line, ":")
            if (substr(line, colon) ~ /^:(:|::)?=/) next
            n = split(substr(line, 1, colon - 1), words, /[ \t]+/)
            for (i = 1; i <= n; i++)
                if (words[i] != "" && words[i] !~ /^\.[A-Z_]+$/) print words[i]
        }
    ' "$1" | awk '!seen[$0]++'
}

# make_dry DIR [TARGET]: dry run, failing on any undefined-variable warning.
make_dry() {
    local status=0
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES PATH="$work/stub:$PATH" \
        make -n --warn-undefined-variables --no-print-directory -C "$@" \
        >"$work/make.out" 2>"$work/make.err" || status=$?
    if [[ $status -ne 0 ]] || grep -q 'warning: undefined variable' "$work/make.err"; then
        cat "$work/make.err" "$work/make.out"
        return 1
    fi
}

# make_include MK TARGET...: MK included from a stand-in for a project's own
# Makefile, once before and once after that Makefile's own target. The default
# goal must stay the project's; every TARGET must dry-run through the includer;
# MK's help target (the goal it sets when run alone) must list every `## `
# target of MK, run for real (it only prints).
make_include() {
    local mk="$1" status=0 includer placement target help listed
    shift
    for placement in before after; do
        includer="$work/includer-$placement.mk"
        if [[ $placement == before ]]; then
            printf 'include %s\n\nown-default:\n\t@echo own-default\n' "$mk" >"$includer"
        else
            printf 'own-default:\n\t@echo own-default\n\ninclude %s\n' "$mk" >"$includer"
        fi
        if ! make_dry "$PWD" -f "$includer"; then
            echo "$mk included $placement the project's own target: make -n failed"
            status=1
            continue
        fi
        if [[ "$(cat "$work/make.out")" != "echo own-default" ]]; then
            echo "$mk included $placement the project's own target took the default goal:"
            sed 's/^/  /' "$work/make.out" | head -n 5
            status=1
        fi
        for target in "$@"; do
            if ! make_dry "$PWD" -f "$includer" "$target"; then
                echo "$mk included $placement the project's own target: make -n $target failed"
                status=1
            fi
        done
    done
    help="$(sed -n 's/^\.DEFAULT_GOAL := \([A-Za-z0-9_-]*\)$/\1/p' "$mk" | head -n 1)"
    if [[ -z "$help" ]]; then
        echo "$mk: sets no default goal of its own for when it runs alone"
        return 1
    fi
    listed="$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES PATH="$work/stub:$PATH" \
        make -s --no-print-directory -C "$PWD" -f "$work/includer-after.mk" "$help" 2>&1)" || {
        printf '%s\n' "$listed"
        return 1
    }
    while IFS= read -r target; do
        if ! grep -qE "^  $target( |\$)" <<<"$listed"; then
            echo "$mk: make $help through the includer does not list $target"
            status=1
        fi
    done < <(sed -nE 's/^([a-zA-Z0-9_-]+):.*## .*/\1/p' "$mk")
    return "$status"
}

# has_pattern FILE: a .dockerignore with at least one non-comment line.
has_pattern() {
    if [[ ! -s "$1" ]]; then
        echo "$1: empty"
        return 1
    fi
    if ! grep -qv -E '^[[:space:]]*(#.*)?$' "$1"; then
        echo "$1: only comments and blank lines"
        return 1
    fi
}

check_dir() {
    local label="$1" before=$((passed + failed))
    local f platform target
    shopt -s nullglob

    # Dockerfiles (Dockerfile.<name>.dockerignore files are ignore files), here and in the build contexts below
    # (an app's `context`), where each directory with a Dockerfile needs its own .dockerignore.
    local dockerfiles=() dirs=() d
    mapfile -t dockerfiles < <(find . \( -name .git -o -name target -o -name node_modules \) -prune -o -type f \
        \( -name Dockerfile -o -name 'Dockerfile.*' \) ! -name '*.dockerignore' -print | sed 's|^\./||' | LC_ALL=C sort)
    for f in "${dockerfiles[@]}"; do
        run_check hadolint "$label/$f" hadolint_strict "$f"
        run_check buildkit-parser "$label/$f" buildkit_parse "$f"
    done

    # .dockerignore: one beside the Dockerfiles of each directory, unless each has its own Dockerfile.*.dockerignore
    mapfile -t dirs < <(for f in "${dockerfiles[@]}"; do
        [[ -f "$f.dockerignore" ]] || dirname "$f"
    done | LC_ALL=C sort -u)
    for d in "${dirs[@]}"; do
        if [[ ! -f "$d/.dockerignore" ]]; then
            report dockerignore "$label/${d#./}/.dockerignore" 1 "missing (the Dockerfiles there need one)"
        fi
    done
    while IFS= read -r f; do
        run_check dockerignore "$label/$f" has_pattern "$f"
    done < <(find . \( -name .git -o -name target -o -name node_modules \) -prune -o -type f \
        \( -name .dockerignore -o -name 'Dockerfile*.dockerignore' \) -print | sed 's|^\./||' | LC_ALL=C sort)

    # GitHub workflows
    for f in .github/workflows/*.yml .github/workflows/*.yaml; do
        run_check actionlint "$label/$f" actionlint -no-color -oneline "$f"
        run_check schema:github-workflow "$label/$f" \
            check-jsonschema --builtin-schema vendor.github-workflows "$f"
        if [[ $run_zizmor -eq 1 ]]; then
            run_check zizmor "$label/$f" zizmor --offline --no-progress "$f"
        fi
    done

    # Bake
    if [[ -f docker-bake.hcl ]]; then
        run_check bake-hcl "$label/docker-bake.hcl" bake_check docker-bake.hcl
    fi

    # compose
    for f in compose.yaml compose.yml docker-compose.yaml docker-compose.yml; do
        [[ -f "$f" ]] || continue
        run_check schema:compose-spec "$label/$f" \
            check-jsonschema --builtin-schema vendor.compose-spec "$f"
        run_check compose-config "$label/$f" compose_config "" "$f"
        local platforms out status=0
        out="$(compose_platforms "$f" 2>&1)" || status=$?
        if [[ $status -ne 0 ]]; then
            report compose-platforms "$label/$f" "$status" "$out"
            continue
        fi
        mapfile -t platforms <<<"$out"
        for platform in "${platforms[@]}"; do
            [[ -n "$platform" ]] || continue
            run_check "compose-config@$platform" "$label/$f" compose_config "$platform" "$f"
        done
    done

    # shell scripts
    if [[ -d scripts ]]; then
        local scripts
        mapfile -t scripts < <(find scripts -type f -name '*.sh' | LC_ALL=C sort)
        for f in "${scripts[@]}"; do
            run_check shellcheck "$label/$f" shellcheck --norc --severity=style "$f"
            run_check script-header "$label/$f" script_header "$f"
        done
    fi

    # The guide's diagrams
    if [[ -f MULTIARCH.md ]]; then
        run_check mermaid "$label/MULTIARCH.md" node "$mermaid_check" "$mermaid_modules" MULTIARCH.md
    fi

    # Makefile
    if [[ -f Makefile ]]; then
        local targets
        mapfile -t targets < <(make_targets Makefile)
        run_check make-n "$label/Makefile" make_dry "$PWD"
        if [[ ${#targets[@]} -eq 0 ]]; then
            report make-targets "$label/Makefile" 1 "no targets found"
        fi
        for target in "${targets[@]}"; do
            run_check "make-n:$target" "$label/Makefile" make_dry "$PWD" "$target"
        done
    fi

    # Makefiles made to be included (`output.makefile-path`, e.g. docker.mk)
    local mks
    mapfile -t mks < <(find . -name '*.mk' -type f -not -path './.git/*' | sed 's|^\./||' | LC_ALL=C sort)
    for f in "${mks[@]}"; do
        local mk_targets
        mapfile -t mk_targets < <(make_targets "$f")
        run_check make-n "$label/$f" make_dry "$PWD" -f "$f"
        for target in "${mk_targets[@]}"; do
            run_check "make-n:$target" "$label/$f" make_dry "$PWD" -f "$f" "$target"
        done
        run_check make-include "$label/$f" make_include "$f" "${mk_targets[@]}"
    done

    shopt -u nullglob
    if [[ $((passed + failed)) -eq $before ]]; then
        report layout "$label" 1 "no generated files found"
    fi
}

start="$PWD"
for dir in "${dirs[@]}"; do
    label="${dir%/}"
    cd "$dir"
    check_dir "${label:-/}"
    cd "$start"
done

echo "checks: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
