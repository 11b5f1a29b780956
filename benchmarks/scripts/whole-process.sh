#!/usr/bin/env bash
# Whole-process comparison: `remediate events --count FILE` against a bare Jackson token pass
# (dev.remediate.benchmarks.TokenPass) over the same file, alternating, RUNS times each.
# Prints every run's wall-clock seconds and the ratio of the medians.
# Usage: benchmarks/scripts/whole-process.sh FILE [RUNS]   (jars built first: see docs/performance.md)
# BASELINE_OPTS: JVM options of the token pass (default none: java as a user runs it); e.g.
# BASELINE_OPTS="-XX:+UseSerialGC -XX:TieredStopAtLevel=1" gives it the launcher's options.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
file="$1"; runs="${2:-5}"
cli="$(ls "$root"/examples/target/remediate-examples-*-cli.jar | head -n 1)"
bench="$root/benchmarks/target/benchmarks.jar"
now() { date +%s.%N; }
cli_times=(); base_times=()
for ((i = 1; i <= runs; i++)); do
  t0=$(now); java ${BASELINE_OPTS:-} -cp "$bench" dev.remediate.benchmarks.TokenPass "$file" >/dev/null; t1=$(now)
  "$root/remediate" events --count "$file" >/dev/null; t2=$(now)
  base_times+=("$(echo "$t1 - $t0" | bc)"); cli_times+=("$(echo "$t2 - $t1" | bc)")
  echo "run $i: token pass ${base_times[-1]} s, remediate events --count ${cli_times[-1]} s"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
mb=$(median "${base_times[@]}"); mc=$(median "${cli_times[@]}")
echo "median: token pass $mb s, remediate $mc s, ratio $(echo "scale=2; $mc / $mb" | bc)"
