#!/usr/bin/env bash
# fuzz.sh - fuzz mkmulti's parse, validate and render passes with cargo-fuzz, then report what ran.
#
# Usage: scripts/fuzz.sh [SECONDS] [TARGET]
#   SECONDS  how long to fuzz each target (default 60)
#   TARGET   one of fuzz/fuzz_targets/*.rs by name (default: each in turn)
#
# Targets. Both assert no panic and, for every config that loads, that two renders give identical files and
# every file has a `# mkmulti-hash:` header line matching its body, ends with exactly one newline and has a
# unique path that stays inside the output directory (checks in fuzz/src/lib.rs):
#   pipeline_bytes   any bytes as multiarch.toml: decode -> parse and plan -> render
#   pipeline_config  configs built from the schema's keys, so inputs reach the planner and the renderer
#
# Needs a nightly toolchain (libFuzzer's instrumentation); installs cargo-fuzz (pinned below) if missing.
# pipeline_bytes is seeded from examples/*/multiarch.toml and tests/fixtures/invalid/*.toml, with a
# dictionary of the schema's keys and values. Corpora stay in fuzz/corpus/ (gitignored), so a later run
# starts where the last one stopped; logs go to fuzz/logs/.
#
# Prints one line per target: executions, executions per second, corpus size and coverage, crashes.
# Exit status: 0 no crash, 1 some target crashed (the artifact and the commands that reproduce and minimise
# it are printed), 2 usage or setup error. Not part of CI: .ci/run never calls it.
set -euo pipefail

cd "$(dirname "$0")/.."

readonly CARGO_FUZZ_VERSION=0.13.2
# The same flags build every run and every reproduction. Overflow checks and debug assertions stay on: an
# overflow in a span computation is a bug to report, not to wrap past. No sanitizer: mkmulti has no `unsafe`,
# panics are what the targets look for, and AddressSanitizer would cost most of the executions.
readonly BUILD_FLAGS=(--debug-assertions --sanitizer none)
readonly SEEDED_TARGET=pipeline_bytes

usage() {
    echo "usage: $0 [SECONDS] [TARGET]"
}

fail_setup() {
    echo "fuzz.sh: $*" >&2
    exit 2
}

all_targets=()
for f in fuzz/fuzz_targets/*.rs; do
    all_targets+=("$(basename "$f" .rs)")
done

case "${1:-}" in
    -h | --help)
        usage
        exit 0
        ;;
esac
if [[ $# -gt 2 ]]; then
    usage >&2
    exit 2
fi
seconds=${1:-60}
if [[ ! $seconds =~ ^[1-9][0-9]*$ ]]; then
    usage >&2
    fail_setup "SECONDS must be a whole number of seconds, not '$seconds'"
fi
targets=("${all_targets[@]}")
if [[ $# -eq 2 ]]; then
    found=0
    for t in "${all_targets[@]}"; do
        if [[ $t == "$2" ]]; then
            found=1
        fi
    done
    [[ $found -eq 1 ]] || fail_setup "no target '$2'; the targets are: ${all_targets[*]}"
    targets=("$2")
fi

if ! command -v rustup >/dev/null 2>&1 || ! rustup toolchain list | grep -q '^nightly'; then
    cat >&2 <<'EOF'
fuzz.sh: cargo-fuzz needs a nightly Rust toolchain, and rustup lists none. Install it with

    rustup toolchain install nightly --profile minimal

(rustup itself comes from https://rustup.rs), then run this script again.
EOF
    exit 2
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== installing cargo-fuzz $CARGO_FUZZ_VERSION"
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked ||
        fail_setup "could not install cargo-fuzz; try: cargo install cargo-fuzz --version $CARGO_FUZZ_VERSION --locked"
fi
installed=$(cargo fuzz --version | awk '{ print $2 }')
if [[ $installed != "$CARGO_FUZZ_VERSION" ]]; then
    echo "note: using the installed cargo-fuzz $installed; this script pins $CARGO_FUZZ_VERSION"
fi

echo "== seeding fuzz/corpus/$SEEDED_TARGET"
seed_dir=fuzz/corpus/$SEEDED_TARGET
mkdir -p "$seed_dir" fuzz/logs
for f in examples/*/multiarch.toml; do
    cp "$f" "$seed_dir/seed-example-$(basename "$(dirname "$f")").toml"
done
for f in tests/fixtures/invalid/*.toml; do
    cp "$f" "$seed_dir/seed-invalid-$(basename "$f")"
done
# Dictionary: the quoted words of the schema (keys, enum values, defaults) and the table headers. It sits
# beside the corpus directory, not in it, so libFuzzer does not take it for an input.
dict=fuzz/corpus/$SEEDED_TARGET.dict
{
    grep -oE '"[A-Za-z0-9/._:*+-]{2,40}"' schema/multiarch.schema.json | sort -u
    for header in '[project]' '[registry]' '[[app]]' '[ci]' '[output]' '[tags]' '[app.go]' '[app.rust]'; do
        printf '"%s"\n' "$header"
    done
    # libFuzzer's escapes: \x0a newline, \x22 double quote, \x5c backslash.
    printf '"%s"\n' ' = ' '\x0a' '[\x22' '\x22]' '\x22, \x22' '{ ' ' }' '\x22\x22\x22' "'''" '\x5c' "\${{" \
        'linux/' 'aarch64' 'x86_64'
} >"$dict"

echo "== testing the checks and the config generator (cargo test in fuzz/)"
cargo test --quiet --manifest-path fuzz/Cargo.toml || fail_setup "the fuzz crate's own tests failed"

echo "== building ${targets[*]} (nightly, ${BUILD_FLAGS[*]})"
for t in "${targets[@]}"; do
    cargo +nightly fuzz build "${BUILD_FLAGS[@]}" "$t" || fail_setup "building fuzz target $t failed"
done

# Reads the value after `key` (libFuzzer's `stat::key: N`, or `cov: N`) from the last line that has it.
last_value() {
    local key=$1 log=$2
    grep -oE "$key:? +[0-9]+" "$log" | tail -n 1 | grep -oE '[0-9]+$' || true
}

report=()
crashed=0
for t in "${targets[@]}"; do
    log=fuzz/logs/$t.log
    artifacts=fuzz/artifacts/$t
    mkdir -p "$artifacts"
    marker=$(mktemp)
    args=(-max_total_time="$seconds" -timeout=10 -print_final_stats=1)
    if [[ $t == "$SEEDED_TARGET" ]]; then
        args+=(-dict="$dict")
    else
        # A structured target starts with no seeds, and libFuzzer's default grows the length limit from a few
        # bytes only slowly; a config with several apps takes a few hundred bytes of choices.
        args+=(-len_control=0 -max_len=4096)
    fi
    echo "== fuzzing $t for $seconds s (log: $log)"
    status=0
    cargo +nightly fuzz run "${BUILD_FLAGS[@]}" "$t" -- "${args[@]}" 2>&1 | tee "$log" || status=$?

    runs=$(last_value 'stat::number_of_executed_units' "$log")
    if [[ -z $runs ]]; then
        runs=$(grep -oE '^Done [0-9]+ runs' "$log" | grep -oE '[0-9]+' || true)
    fi
    per_sec=$(last_value 'stat::average_exec_per_sec' "$log")
    cov=$(last_value 'cov' "$log")
    ft=$(last_value 'ft' "$log")
    corpus=$(find "fuzz/corpus/$t" -type f | wc -l)
    mapfile -t found < <(find "$artifacts" -type f -newer "$marker" \
        \( -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' -o -name 'leak-*' \) | sort)
    rm -f "$marker"
    report+=("$(printf '%-16s executions %s  exec/s %s  corpus %s inputs (cov %s, ft %s)  crashes %s' \
        "$t" "${runs:-?}" "${per_sec:-?}" "$corpus" "${cov:-?}" "${ft:-?}" "${#found[@]}")")

    if [[ ${#found[@]} -gt 0 ]]; then
        crashed=1
        for a in "${found[@]}"; do
            report+=("  $a"
                "    reproduce: cargo +nightly fuzz run ${BUILD_FLAGS[*]} $t $a"
                "    minimise:  cargo +nightly fuzz tmin ${BUILD_FLAGS[*]} $t $a"
                "    show:      cargo +nightly fuzz fmt ${BUILD_FLAGS[*]} $t $a")
        done
    elif [[ $status -ne 0 ]]; then
        fail_setup "cargo fuzz run $t exited with $status but left no crash artifact; see $log"
    fi
done

echo "== report ($seconds s per target)"
printf '%s\n' "${report[@]}"
exit "$crashed"
