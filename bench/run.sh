#!/usr/bin/env bash
# Benchmark handbook against Hugo on synthetic handbooks of the same content.
#
#   bench/run.sh [PAGES ...]        default: 1000 10000
#
# For each size: generates the site under /dev/shm (tmpfs: file creation on
# disk is slow and erratic on shared machines), then builds it with handbook
# and with Hugo (when installed: Debian package `hugo`) alternately, RUNS times
# each, and prints median wall time, median peak memory (max RSS) and the
# ratios. It also times `handbook check`, a no-op rebuild and a one-page edit.
# Output: a Markdown table on stdout (pasted into BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 10000)
WORK=${BENCH_DIR:-/dev/shm/handbook-bench}
cargo build --release --quiet
HB=$PWD/target/release/handbook
HUGO=$(command -v hugo || true)

# Runs a command, prints "wall_seconds max_rss_kb".
measure() {
  /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" >/dev/null 2>&1 || true
  cat "$WORK/time.txt"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

mkdir -p "$WORK"
echo "| pages | handbook build | Hugo build | time ratio | handbook RSS | Hugo RSS | RSS ratio | handbook check | no-op rebuild | one-page edit |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for n in "${SIZES[@]}"; do
  site="$WORK/site-$n"
  [ -d "$site/handbook" ] || python3 bench/generate.py "$n" "$site" >/dev/null
  : > "$WORK/hb.txt"; : > "$WORK/hugo.txt"
  for _ in $(seq "$RUNS"); do
    rm -rf "$site/out-hb" "$site/out-hugo"
    measure "$HB" build --root "$site/handbook" --output "$site/out-hb" --quiet >> "$WORK/hb.txt"
    if [ -n "$HUGO" ]; then
      measure "$HUGO" --quiet --source "$site/hugo" --destination "$site/out-hugo" >> "$WORK/hugo.txt"
    fi
  done
  hb_wall=$(cut -d' ' -f1 "$WORK/hb.txt" | median); hb_rss=$(cut -d' ' -f2 "$WORK/hb.txt" | median)
  if [ -n "$HUGO" ]; then
    hugo_wall=$(cut -d' ' -f1 "$WORK/hugo.txt" | median); hugo_rss=$(cut -d' ' -f2 "$WORK/hugo.txt" | median)
    t_ratio=$(awk -v a="$hb_wall" -v b="$hugo_wall" 'BEGIN {printf "%.2f", a/b}')
    m_ratio=$(awk -v a="$hb_rss" -v b="$hugo_rss" 'BEGIN {printf "%.2f", a/b}')
  else
    hugo_wall="n/a"; hugo_rss="n/a"; t_ratio="n/a"; m_ratio="n/a"
  fi
  : > "$WORK/check.txt"; : > "$WORK/noop.txt"; : > "$WORK/edit.txt"
  page=$(find "$site/handbook/content" -name 'page-00.md' | head -1)
  for i in $(seq "$RUNS"); do
    measure "$HB" check --root "$site/handbook" --quiet >> "$WORK/check.txt"
    measure "$HB" build --root "$site/handbook" --output "$site/out-hb" --quiet >> "$WORK/noop.txt"
    printf '\nEdited %s.\n' "$i" >> "$page"
    measure "$HB" build --root "$site/handbook" --output "$site/out-hb" --quiet >> "$WORK/edit.txt"
  done
  check=$(cut -d' ' -f1 "$WORK/check.txt" | median)
  noop=$(cut -d' ' -f1 "$WORK/noop.txt" | median)
  edit=$(cut -d' ' -f1 "$WORK/edit.txt" | median)
  echo "| $n | ${hb_wall}s | ${hugo_wall}s | $t_ratio | $((hb_rss / 1024)) MB | $([ "$hugo_rss" = n/a ] && echo n/a || echo "$((hugo_rss / 1024)) MB") | $m_ratio | ${check}s | ${noop}s | ${edit}s |"
done
