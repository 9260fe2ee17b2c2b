#!/usr/bin/env bash
# lint-examples.sh - generate every example and lint configs and output.
#
# Usage: scripts/lint-examples.sh [--zizmor]
#
# 1. Lints each in-repo examples/*/multiarch.toml in place against the schema
#    named by its `#:schema ../../schema/multiarch.schema.json` first line:
#    taplo lint and tombi lint (offline; tombi warnings count as failures).
# 2. Builds mkmulti (cargo build --quiet), copies each example directory to a
#    fresh temporary directory and runs `mkmulti generate` there.
#    Then a service config below a repository's top: examples/go-monorepo's
#    services/api with its own multiarch.toml and `ci.root = "../.."`, so its
#    workflow is written at the copy's top (as GitHub needs it).
#    Then every built-in template's repository made by `mkmulti new`.
# 3. Runs scripts/check-generated.sh (passing --zizmor through) over all the
#    generated directories: hadolint, BuildKit's parser, actionlint, the
#    compose and workflow schemas, shellcheck, make -n, Bake, and Mermaid's
#    parser over MULTIARCH.md's diagrams.
# Prints PASS/FAIL lines and one closing `checks: N passed, M failed` line that
# counts every check above. Exit status: 0 all passed, 1 some check failed,
# 2 usage or setup error.
#
# Environment:
#   MKMULTI_CHECKERS  checker virtualenv (default $HOME/.cache/mkmulti-checkers),
#                     created by scripts/install-checkers.sh
#   MKMULTI_BIN       use this mkmulti binary instead of building one
set -euo pipefail

usage() {
    echo "usage: $0 [--zizmor]"
}

check_args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --zizmor) check_args+=(--zizmor) ;;
        -h | --help)
            usage
            exit 0
            ;;
        *)
            echo "lint-examples: unexpected argument: $1" >&2
            usage >&2
            exit 2
            ;;
    esac
    shift
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
checkers="${MKMULTI_CHECKERS:-$HOME/.cache/mkmulti-checkers}"
for tool in taplo tombi; do
    if [[ ! -x "$checkers/bin/$tool" ]]; then
        {
            echo "lint-examples: $tool missing from $checkers/bin"
            echo "lint-examples: install the checkers with: scripts/install-checkers.sh${MKMULTI_CHECKERS:+ \"\$MKMULTI_CHECKERS\"}"
        } >&2
        exit 2
    fi
done
export PATH="$checkers/bin:$PATH"
exec </dev/null

cd "$root"
shopt -s nullglob
configs=(examples/*/multiarch.toml)
shopt -u nullglob
if [[ ${#configs[@]} -eq 0 ]]; then
    echo "lint-examples: no examples/*/multiarch.toml found in the repository" >&2
    exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# shellcheck source=scripts/lib/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/checks.sh"

# Without a `#:schema` line taplo and tombi only check TOML syntax, so insist
# on one that names an existing file (resolved relative to the config).
schema_pointer() {
    local pointer
    pointer="$(sed -n 's/^#:schema[[:space:]]\{1,\}\([^[:space:]]*\).*/\1/p' "$1" | head -n 1)"
    if [[ -z "$pointer" ]]; then
        echo "$1: no '#:schema <path>' line; taplo and tombi would skip schema validation"
        return 1
    fi
    if [[ "$pointer" != *://* && ! -f "$(dirname "$1")/$pointer" ]]; then
        echo "$1: #:schema $pointer: no such file"
        return 1
    fi
}

taplo_lint() {
    RUST_LOG=error taplo lint --no-auto-config --colors never "$1"
}

tombi_lint() {
    NO_COLOR=1 tombi lint --offline --error-on-warnings "$1"
}

# --- 1. the configs, in place --------------------------------------------------
for config in "${configs[@]}"; do
    run_check schema-pointer "$config" schema_pointer "$config"
    run_check taplo "$config" taplo_lint "$config"
    run_check tombi "$config" tombi_lint "$config"
done

# --- 2. generate each example into a temporary copy -------------------------------
if [[ -n "${MKMULTI_BIN:-}" ]]; then
    mkmulti="$MKMULTI_BIN"
else
    echo "lint-examples: cargo build --quiet"
    if ! cargo build --quiet; then
        echo "lint-examples: cargo build failed" >&2
        exit 1
    fi
    mkmulti="${CARGO_TARGET_DIR:-$root/target}/debug/mkmulti"
    [[ "$mkmulti" == /* ]] || mkmulti="$root/$mkmulti"
fi
if [[ ! -x "$mkmulti" ]]; then
    echo "lint-examples: mkmulti binary not found: $mkmulti" >&2
    exit 2
fi

# The copies live at $work/examples/<name> so that the output reads
# examples/<name>/<file> (paths are shown relative to $work).
generated=()
mkdir "$work/examples"
for config in "${configs[@]}"; do
    example="$(dirname "$config")"
    copy="$work/$example"
    cp -R "$example" "$copy"
    out=""
    status=0
    out="$("$mkmulti" generate --config "$copy/multiarch.toml" --out "$copy" 2>&1)" || status=$?
    report mkmulti-generate "$config" "$status" "$out"
    if [[ $status -eq 0 ]]; then
        generated+=("$example")
    else
        echo "lint-examples: mkmulti generate failed for $config (exit $status)" >&2
    fi
done

# A service's own config, below the repository's top: the workflow goes to the top (`ci.root`), the rest beside
# the config. Built from go-monorepo's api service; checked as one more generated directory (its top).
if [[ -d examples/go-monorepo/services/api ]]; then
    repo="examples/go-monorepo-ci-root"
    mkdir -p "$work/$repo/.git" "$work/$repo/services"
    cp -R examples/go-monorepo/services/api "$work/$repo/services/api"
    cat >"$work/$repo/services/api/multiarch.toml" <<'TOML'
[project]
name = "api"
[registry]
host = "ghcr.io"
namespace = "example"
[ci]
root = "../.."
[[app]]
name = "api"
language = "go"
ports = [8080]
go.version = "1.22"
TOML
    out=""
    status=0
    out="$("$mkmulti" generate --config "$work/$repo/services/api/multiarch.toml" 2>&1)" || status=$?
    if [[ $status -eq 0 && ! -f "$work/$repo/.github/workflows/docker.yml" ]]; then
        status=1
        out="$out"$'\n'"no workflow at the repository's top"
    fi
    report mkmulti-generate "$repo/services/api/multiarch.toml (ci.root)" "$status" "$out"
    # The top (the workflow, the Dockerfile below) and the service (Makefile, compose.yaml, scripts).
    [[ $status -eq 0 ]] && generated+=("$repo" "$repo/services/api")
fi

# Every built-in template's repository, as `mkmulti new` writes it (its own config and every generated file),
# checked like the examples: new/<template>.
mkdir "$work/new"
while read -r template _; do
    repo="new/$template"
    out=""
    status=0
    out="$("$mkmulti" new "new-$template" --template "$template" --dir "$work/$repo" --no-git 2>&1)" || status=$?
    report mkmulti-new "$template" "$status" "$out"
    [[ $status -eq 0 ]] && generated+=("$repo")
done < <("$mkmulti" new --list)

# --- 3. lint the generated files ---------------------------------------------------
# Stream check-generated's report, but fold its closing count into ours.
run_check_generated() {
    local status=0
    (cd "$work" && "$here/check-generated.sh" "$@") 2>&1 || status=$?
    echo "$status" >"$work/check-generated.status"
}

if [[ ${#generated[@]} -gt 0 ]]; then
    summary_re='^checks: ([0-9]+) passed, ([0-9]+) failed$'
    summary_seen=0
    while IFS= read -r line; do
        if [[ "$line" =~ $summary_re ]]; then
            passed=$((passed + BASH_REMATCH[1]))
            failed=$((failed + BASH_REMATCH[2]))
            summary_seen=1
        else
            printf '%s\n' "$line"
        fi
    done < <(run_check_generated "${check_args[@]}" "${generated[@]}")
    gen_status="$(cat "$work/check-generated.status")"
    if [[ "$gen_status" -eq 2 ]]; then
        echo "lint-examples: check-generated.sh could not run (see above)" >&2
        exit 2
    fi
    if [[ $summary_seen -eq 0 ]]; then
        report check-generated "${generated[*]}" 1 "exited $gen_status without a summary line"
    elif [[ "$gen_status" -ne 0 && "$failed" -eq 0 ]]; then
        report check-generated "${generated[*]}" 1 "exited $gen_status but reported no failed check"
    fi
fi

echo "checks: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
