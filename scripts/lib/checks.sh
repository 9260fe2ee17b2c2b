# PASS/FAIL accounting shared by check-generated.sh and lint-examples.sh (sourced, not run).
# shellcheck shell=bash

passed=0
failed=0

# report CHECKER FILE STATUS OUTPUT
report() {
    if [[ "$3" -eq 0 ]]; then
        echo "PASS $1 $2"
        passed=$((passed + 1))
    else
        echo "FAIL $1 $2"
        failed=$((failed + 1))
        local line
        if [[ -n "$4" ]]; then
            while IFS= read -r line; do
                printf '    %s\n' "$line"
            done <<<"$4"
        fi
    fi
}

# run_check CHECKER FILE COMMAND... : run COMMAND, PASS if it exits 0.
run_check() {
    local checker="$1" file="$2" out status=0
    shift 2
    out="$("$@" 2>&1)" || status=$?
    report "$checker" "$file" "$status" "$out"
}
