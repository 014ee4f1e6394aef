#!/usr/bin/env bash
# One command: runs the three session and two group workloads through libsignal's Node binding and through
# E2EMessaging, one after the other on this machine, and prints the ratios beside each workload's
# primitive floor. See README.md in this folder.
#
#   benchmarks/compare-libsignal/run.sh
#
# Environment: BENCH_DURATION_MS (timed milliseconds per workload, default 3000) and
# BENCH_WARMUP_MS (default 1000) for the libsignal side; DOTNET_BENCH_ARGS, extra arguments for
# our side. KEEP_RESULTS=1 keeps the two JSON files (their paths are printed).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
peer="$root/tests/E2EMessaging.Interop.Tests/peer"

work="$(mktemp -d "${TMPDIR:-/tmp}/compare-libsignal.XXXXXX")"
if [[ "${KEEP_RESULTS:-0}" != "1" ]]; then
  trap 'rm -rf "$work"' EXIT
fi

command -v node >/dev/null || { echo "compare-libsignal: node (20+) is required on PATH" >&2; exit 2; }
command -v dotnet >/dev/null || { echo "compare-libsignal: dotnet is required on PATH" >&2; exit 2; }

# (a) libsignal's Node binding, pinned by the interop peer's package-lock.json.
if [[ ! -d "$peer/node_modules/@signalapp/libsignal-client" ]]; then
  echo "compare-libsignal: installing the interop peer's packages (npm ci in $peer)" >&2
  (cd "$peer" && npm ci --no-audit --no-fund) >&2
fi

# Build ours first, so that compiling does not overlap the libsignal measurements.
echo "compare-libsignal: building benchmarks/E2EMessaging.Benchmarks (Release)" >&2
ours_status=0
dotnet build -c Release "$root/benchmarks/E2EMessaging.Benchmarks" -nologo -v quiet >&2 || ours_status=$?

# (b) libsignal, then (c) ours: sequential, never both at once.
echo "compare-libsignal: libsignal (Node)" >&2
node "$here/libsignal-bench.mjs" \
  --duration-ms "${BENCH_DURATION_MS:-3000}" --warmup-ms "${BENCH_WARMUP_MS:-1000}" \
  >"$work/libsignal.json"

if [[ $ours_status -eq 0 ]]; then
  echo "compare-libsignal: E2EMessaging (.NET)" >&2
  # shellcheck disable=SC2086 # DOTNET_BENCH_ARGS is split on purpose
  dotnet run -c Release --no-build --project "$root/benchmarks/E2EMessaging.Benchmarks" -- \
    compare-libsignal --json "$work/ours.json" ${DOTNET_BENCH_ARGS:-} </dev/null >&2 || ours_status=$?
else
  echo "compare-libsignal: the build failed (exit $ours_status); only libsignal is measured" >&2
fi
if [[ $ours_status -eq 0 && ! -s "$work/ours.json" ]]; then
  echo "compare-libsignal: our side exited 0 but wrote no $work/ours.json" >&2
  ours_status=1
fi

# (d) the table.
echo
node "$here/report.mjs" "$work/libsignal.json" "$work/ours.json"
if [[ "${KEEP_RESULTS:-0}" == "1" ]]; then
  echo "results: $work/libsignal.json $work/ours.json" >&2
fi
exit "$ours_status"
