#!/usr/bin/env bash
# Finds tests that fail only sometimes: runs the whole suite N times (default 5) beside a
# CPU hog (one busy loop per core), then once with --test-threads 1 without it, and
# reports how many runs each failing test failed.
#
#   scripts/stress-tests.sh [N]
#
# The tests are built once first. Each run's output is kept in
# ${CARGO_TARGET_DIR:-target}/stress-tests/. Exits 1 if any test failed in any run.
set -uo pipefail

runs=${1:-5}
if ! [[ $runs =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: scripts/stress-tests.sh [N]   (N runs under load, default 5)" >&2
    exit 2
fi

cd "$(dirname "$0")/.."
logs="${CARGO_TARGET_DIR:-target}/stress-tests"
rm -rf "$logs"
mkdir -p "$logs"

# Job control: each background job (a hog, a run of the suite) is a process group of its
# own, so that a run can be stopped with everything it started (test binaries, servers).
set -m
hogs=()
running=""
stop_hogs() {
    if ((${#hogs[@]})); then
        kill "${hogs[@]}" 2>/dev/null
        wait "${hogs[@]}" 2>/dev/null
        hogs=()
    fi
}
stop_all() {
    stop_hogs
    if [[ -n $running ]]; then
        kill -TERM -- "-$running" 2>/dev/null
        wait "$running" 2>/dev/null
        running=""
    fi
}
trap stop_all EXIT
trap 'stop_all; echo "stopped" >&2; exit 130' INT TERM

echo "building the tests once"
if ! cargo test --no-run --quiet >"$logs/build.log" 2>&1; then
    cat "$logs/build.log" >&2
    echo "the tests do not build" >&2
    exit 1
fi

# One run of the suite, its output in $1; extra arguments go to cargo test. Returns
# cargo's status.
run_suite() {
    local log=$1
    shift
    local started=$SECONDS
    # In the background, waited for: a signal to this script is handled at once.
    cargo test --no-fail-fast "$@" >"$log" 2>&1 &
    running=$!
    wait "$running"
    local status=$?
    running=""
    echo "  $((SECONDS - started)) s, exit status $status"
    return $status
}

# The failures in a run's output, one a line: binary::test, or binary::(the binary
# itself) when it failed without naming a test (it crashed or did not start).
failures_in() {
    awk '
        / Running (unittests )?[^ ]+ \(/ {
            name = $0
            sub(/.*Running (unittests )?/, "", name)
            sub(/ \(.*/, "", name)
            n = split(name, parts, "/")
            binary = (n >= 2 && parts[n] == "main.rs") ? parts[n - 1] : parts[n]
            sub(/\.rs$/, "", binary)
            named = 0
        }
        /^test .* \.\.\. FAILED$/ {
            test = $0
            sub(/^test /, "", test)
            sub(/ \.\.\. FAILED$/, "", test)
            print binary "::" test
            named = 1
        }
        /^error: test failed, to rerun pass/ && !named { print binary "::(the binary itself)" }
        /^error: .*(could not compile|failed to run)/ { print "(cargo)::" $0 }
    ' "$1" | sort -u
}

cores=$(nproc 2>/dev/null || echo 2)
echo "starting a CPU hog: $cores busy loops"
for ((i = 0; i < cores; i++)); do
    yes >/dev/null &
    hogs+=($!)
done

failed_runs=0
for ((run = 1; run <= runs; run++)); do
    echo "run $run of $runs under load"
    if ! run_suite "$logs/load-$run.log"; then
        failed_runs=$((failed_runs + 1))
    fi
    failures_in "$logs/load-$run.log" >"$logs/load-$run.failures"
done
stop_hogs

echo "one run with --test-threads 1, no hog"
single_failed=0
run_suite "$logs/single.log" -- --test-threads 1 || single_failed=1
failures_in "$logs/single.log" >"$logs/single.failures"

# The table: every test that failed at least once.
cat "$logs"/load-*.failures "$logs/single.failures" | sort -u >"$logs/all.failures"
echo
if [[ -s $logs/all.failures ]]; then
    printf '%-100s %12s %18s\n' "test" "under load" "--test-threads 1"
    while IFS= read -r test; do
        under_load=$(cat "$logs"/load-*.failures | grep -cxF -- "$test")
        single=$(grep -cxF -- "$test" "$logs/single.failures")
        printf '%-100s %12s %18s\n' "$test" "$under_load/$runs" "$single/1"
    done <"$logs/all.failures"
    echo
else
    echo "no test failed"
fi

failing_under_load=$(cat "$logs"/load-*.failures | sort -u | paste -sd, - | sed 's/,/, /g')
echo "$runs runs under load: $failed_runs failed runs; failing tests: ${failing_under_load:-none}"
failing_single=$(paste -sd, - <"$logs/single.failures" | sed 's/,/, /g')
if ((single_failed)); then
    echo "1 run with --test-threads 1: failed; failing tests: ${failing_single:-none named}"
else
    echo "1 run with --test-threads 1: passed"
fi
echo "(each run's output: $logs)"

if ((failed_runs || single_failed)); then
    exit 1
fi
exit 0
