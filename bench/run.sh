#!/usr/bin/env bash
# Benchmark handbook against Hugo on synthetic handbooks of the same content.
#
#   bench/run.sh [PAGES[:RUNS] ...]      default: 1000 10000; RUNS default: $RUNS or 5
#
# e.g. `bench/run.sh 1000 10000 50000:3`. For each size: generates the site
# under /dev/shm (tmpfs: file creation on disk is slow and erratic on shared
# machines) with bench/generate.py, builds it once with each tool and checks
# that both wrote every page, comparably (bench/outputs.py verify), then builds
# it with handbook and with Hugo (Debian package `hugo`) alternately, RUNS
# times each, from an empty output folder, and takes the median wall time and
# the median peak memory (max RSS, from GNU time: Debian package `time`). Then,
# RUNS times: `handbook check`, a no-op rebuild (asserting that no output file
# was touched) and a rebuild after appending a line to one page (reporting how
# many output files changed). Prints the machine, then Markdown tables
# (pasted into BENCHMARKS.md). Diagnostics go to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 10000)
WORK=${BENCH_DIR:-/dev/shm/handbook-bench}
GEN_STAMP=$(sha1sum bench/generate.py | cut -c1-12)
[ -x /usr/bin/time ] || { echo "bench/run.sh needs GNU time: apt-get install time" >&2; exit 2; }
cargo build --release --quiet --bin handbook
HB=${CARGO_TARGET_DIR:-$PWD/target}/release/handbook
HUGO=$(command -v hugo || true)
log() { echo "$@" >&2; }

# Runs a command under GNU time and prints "wall_seconds max_rss_kb"; a
# failing command stops the benchmark with its output.
measure() {
  if ! /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" >"$WORK/cmd.log" 2>&1; then
    log "failed: $*"; cat "$WORK/cmd.log" >&2; cat "$WORK/time.txt" >&2; exit 1
  fi
  tail -n 1 "$WORK/time.txt"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }
mb() { awk -v k="$1" 'BEGIN {printf "%.0f MB", k/1024}'; }
mb_of_dir() { du -sk "$1" | awk '{printf "%.0f", $1/1024}'; }

mkdir -p "$WORK"
rows=(); scaling=(); incremental=()
for spec in "${SIZES[@]}"; do
  n=${spec%%:*}; runs=$RUNS; [ "$spec" = "$n" ] || runs=${spec#*:}
  site="$WORK/site-$n"
  if [ "$(cat "$site/.generator" 2>/dev/null || true)" != "$GEN_STAMP" ]; then
    log "== $n pages: generating $site"
    rm -rf "$site"
    python3 bench/generate.py "$n" "$site" >/dev/null
    echo "$GEN_STAMP" > "$site/.generator"
  fi
  hb_build=("$HB" build --root "$site/handbook" --output "$site/out-hb" --quiet)
  hugo_build=("$HUGO" --quiet --source "$site/hugo" --destination "$site/out-hugo")

  log "== $n pages: checking both outputs"
  rm -rf "$site/out-hb" "$site/out-hugo"
  if [ -n "$HUGO" ]; then "${hugo_build[@]}" >&2; fi
  out=$("$HB" build --root "$site/handbook" --output "$site/out-hb" 2>&1) || { log "$out"; exit 1; }
  summary=$(grep "^Built" <<< "$out" | tail -n 1)
  log "handbook: $summary"
  case "$summary" in *" 0 error(s), 0 warning(s)"*) ;; *) log "handbook build is not clean"; exit 1 ;; esac
  if [ -n "$HUGO" ]; then
    python3 bench/outputs.py verify "$site" "$site/out-hb" "$site/out-hugo" >&2
  fi

  log "== $n pages: $runs full builds each, alternating"
  : > "$WORK/hb.txt"; : > "$WORK/hugo.txt"
  for i in $(seq "$runs"); do
    # One output at a time on the tmpfs (it counts as memory): Hugo's is
    # removed once measured, handbook's is kept for the rebuilds below.
    rm -rf "$site/out-hb" "$site/out-hugo"
    if [ -n "$HUGO" ]; then
      measure "${hugo_build[@]}" >> "$WORK/hugo.txt"
      hugo_out_mb=$(mb_of_dir "$site/out-hugo"); rm -rf "$site/out-hugo"
    fi
    measure "${hb_build[@]}" >> "$WORK/hb.txt"
    log "run $i: handbook $(tail -n 1 "$WORK/hb.txt"), hugo $(tail -n 1 "$WORK/hugo.txt" 2>/dev/null || true)"
  done
  hb_wall=$(cut -d' ' -f1 "$WORK/hb.txt" | median); hb_rss=$(cut -d' ' -f2 "$WORK/hb.txt" | median)
  if [ -n "$HUGO" ]; then
    hugo_wall=$(cut -d' ' -f1 "$WORK/hugo.txt" | median); hugo_rss=$(cut -d' ' -f2 "$WORK/hugo.txt" | median)
    t_ratio=$(ratio "$hb_wall" "$hugo_wall"); m_ratio=$(ratio "$hb_rss" "$hugo_rss")
    hugo_wall="${hugo_wall}s"; hugo_rss_mb=$(mb "$hugo_rss"); hugo_out="$hugo_out_mb MB"
  else
    hugo_wall="n/a"; hugo_rss_mb="n/a"; t_ratio="n/a"; m_ratio="n/a"; hugo_out="n/a"
  fi

  # Above 10,000 pages once: the targets are set at 10,000.
  iruns=$runs; [ "$n" -le 10000 ] || iruns=1
  log "== $n pages: check, no-op rebuild, one-page edit, title edit ($iruns each)"
  : > "$WORK/check.txt"; : > "$WORK/noop.txt"; : > "$WORK/edit.txt"; : > "$WORK/title.txt"
  page="$site/handbook/content/area-000/section-00/page-01.md"
  cp "$page" "$WORK/page.orig"
  trap 'cp "$WORK/page.orig" "$page"' EXIT
  edited=""
  for i in $(seq "$iruns"); do
    measure "$HB" check --root "$site/handbook" --quiet >> "$WORK/check.txt"
    python3 bench/outputs.py snapshot "$site/out-hb" "$WORK/mtimes.json"
    measure "${hb_build[@]}" >> "$WORK/noop.txt"
    touched=$(python3 bench/outputs.py changed "$site/out-hb" "$WORK/mtimes.json")
    [ "$touched" = "0 changed" ] || { log "no-op rebuild touched outputs: $touched"; exit 1; }
    printf '\nEdited %s.\n' "$i" >> "$page"
    measure "${hb_build[@]}" >> "$WORK/edit.txt"
    edited=$(python3 bench/outputs.py changed "$site/out-hb" "$WORK/mtimes.json")
    # A title edit: the page's title shows in its section's navigation and
    # listing, and in the search index.
    python3 bench/outputs.py snapshot "$site/out-hb" "$WORK/mtimes.json"
    sed -i "0,/^title: .*/s//title: \"Retitled $i\"/" "$page"
    measure "${hb_build[@]}" >> "$WORK/title.txt"
    retitled=$(python3 bench/outputs.py changed "$site/out-hb" "$WORK/mtimes.json")
    log "run $i: check $(tail -n 1 "$WORK/check.txt"), no-op $(tail -n 1 "$WORK/noop.txt") (0 files touched), edit $(tail -n 1 "$WORK/edit.txt") ($edited), title $(tail -n 1 "$WORK/title.txt") ($retitled)"
  done
  cp "$WORK/page.orig" "$page"; trap - EXIT
  check=$(cut -d' ' -f1 "$WORK/check.txt" | median)
  noop=$(cut -d' ' -f1 "$WORK/noop.txt" | median)
  edit=$(cut -d' ' -f1 "$WORK/edit.txt" | median)
  title=$(cut -d' ' -f1 "$WORK/title.txt" | median)

  content_mb=$(mb_of_dir "$site/handbook/content")
  rows+=("| $n | $runs | ${hb_wall}s | $hugo_wall | **$t_ratio** | $(mb "$hb_rss") | $hugo_rss_mb | **$m_ratio** |")
  incremental+=("| $n | $iruns | ${check}s | ${noop}s | ${edit}s | ${edited%%:*} | ${title}s | ${retitled%%:*} |")
  scaling+=("$n $hb_wall $hb_rss $content_mb $(mb_of_dir "$site/out-hb") ${hugo_out% MB}")
done

echo "Machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/^Mem:/ {print $2}') GB RAM; $(uname -sr)"
echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC'); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "handbook $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src themes Cargo.toml || echo '+changes'); $($HUGO version 2>/dev/null | cut -d' ' -f1-2 || echo 'no hugo')"
echo
echo "Full builds (median of RUNS, alternating; RSS = peak resident memory):"
echo
echo "| pages | runs | handbook build | Hugo build | time ratio | handbook RSS | Hugo RSS | RSS ratio |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
printf '%s\n' "${rows[@]}"
echo
echo "handbook alone (median of RUNS), rebuilds with the build cache: check, rebuild with nothing changed, after a one-page body edit, after a title edit:"
echo
echo "| pages | runs | handbook check | no-op rebuild | one-page edit | files touched by the edit | title edit | files touched by the title edit |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
printf '%s\n' "${incremental[@]}"
echo
echo "Scaling (x: relative to the row above):"
echo
echo "| pages | x pages | handbook build | x time | handbook RSS | x RSS | content (x) | handbook output | Hugo output |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
read -r n0 t0 r0 c0 _ <<< "${scaling[0]}"
for s in "${scaling[@]}"; do
  read -r n t r c o h <<< "$s"
  echo "| $n | $(ratio "$n" "$n0") | ${t}s | $(ratio "$t" "$t0") | $(mb "$r") | $(ratio "$r" "$r0") | $c MB (x $(ratio "$c" "$c0")) | $o MB | ${h} MB |"
  n0=$n; t0=$t; r0=$r; c0=$c
done
