#!/usr/bin/env bash
# Builds the seed corpora of the fuzz targets in fuzz/corpus/<target>/ from
# real input: the sample handbook (content/), the test fixtures, the kept
# regression inputs (tests/fixtures/fuzz/) and, when present, a sample of the
# GitLab handbook corpus. fuzz/corpus/ is git-ignored: corpus pages are never
# committed.
#
#   fuzz/seed.sh [CORPUS_DIR]     default: ../shared/corpus/gitlab-handbook
#
# Inputs follow the harness formats in fuzz/src/lib.rs: `markdown` starts with
# two option bytes, `links` with one and joins pages with NUL (`@path` first
# lines name them), `cadence` may start with `site.toml NUL`, `diagnostics`
# starts with eight bytes of span, flags and line number.
set -euo pipefail
# Paths are split on line breaks only: some pages have spaces in their names.
IFS=$'\n'
cd "$(dirname "$0")/.."
CORPUS=${1:-../shared/corpus/gitlab-handbook}
OUT=fuzz/corpus
SAMPLE=${SAMPLE:-60}   # corpus pages per target
MAX_SIZE=${MAX_SIZE:-12000}

mkdir -p "$OUT"/{front_matter,markdown,links,cadence,diagnostics}

# Small pages: the project's own, then every 10th small corpus page.
pages=$(find content tests/fixtures -name '*.md' -size -"$MAX_SIZE"c | sort)
corpus_pages=""
if [ -d "$CORPUS" ]; then
  corpus_pages=$(cd "$CORPUS" && find . -name '*.md*' -size -"$MAX_SIZE"c | sort | awk 'NR % 10 == 0' |
    head -n "$SAMPLE" | sed "s|^\./|$CORPUS/|")
else
  echo "seed.sh: $CORPUS not found; seeding from the project only" >&2
fi

n=0
for page in $pages $corpus_pages; do
  n=$((n + 1))
  cp "$page" "$OUT/front_matter/page-$n"
  # markdown: defaults; block HTML + ERB; highlighted; kramdown ids under /docs.
  for flags in '\x08\x00' '\x0b\x00' '\x18\x01' '\x48\x01' '\xa0\x00'; do
    { printf "$flags"; cat "$page"; } >"$OUT/markdown/page-$n-${flags//\\x/}"
  done
  # diagnostics: a span in the first lines, one near the end.
  { printf '\x05\x00\x19\x00\x1b\x02\x00\x00'; cat "$page"; } >"$OUT/diagnostics/page-$n-a"
  size=$(wc -c <"$page")
  printf -v end '\\x%02x\\x%02x' $(((size - 3) & 255)) $((((size - 3) >> 8) & 255))
  { printf "${end}${end}\x3e\x07\x00\x00"; cat "$page"; } >"$OUT/diagnostics/page-$n-b"
done

# links: the pages of one folder together, named by their paths.
site_from() { # DIR PREFIX_TO_STRIP FLAGS OUTPUT
  local dir=$1 strip=$2 first=1
  {
    printf "$3"
    for page in $(find "$dir" -maxdepth 2 -name '*.md*' -size -"$MAX_SIZE"c | sort | head -n 6); do
      [ $first = 1 ] || printf '\x00'
      first=0
      printf '@%s\n' "${page#"$strip"/}"
      cat "$page"
    done
  } >"$4"
}
for dir in content/*/; do
  name=$(basename "$dir")
  site_from "$dir" content '\x00' "$OUT/links/content-$name"
  site_from "$dir" content '\x01' "$OUT/links/content-$name-docs"
done
if [ -d "$CORPUS" ]; then
  for dir in $(cd "$CORPUS" && find handbook -mindepth 1 -maxdepth 2 -type d | sort | awk 'NR % 4 == 0' | head -n 30); do
    site_from "$CORPUS/$dir" "$CORPUS" '\x00' "$OUT/links/corpus-${dir//\//-}"
  done
fi

# cadence: pages that declare or state a rhythm, alone and with the site's settings.
n=0
for page in $(grep -rlE '^cadence:|[Cc]adence' content tests/fixtures --include='*.md'); do
  n=$((n + 1))
  cp "$page" "$OUT/cadence/page-$n"
  { cat site.toml; printf '\x00'; cat "$page"; } >"$OUT/cadence/site-$n"
done
for toml in tests/fixtures/*/site.toml; do
  n=$((n + 1))
  { cat "$toml"; printf '\x00'; cat content/planning/gtm-planning.md; } >"$OUT/cadence/site-$n"
done

# The kept regression inputs seed their own targets.
for dir in tests/fixtures/fuzz/*/; do
  target=$(basename "$dir")
  cp "$dir"* "$OUT/$target/" 2>/dev/null || true
done

for target in "$OUT"/*/; do
  echo "$(basename "$target"): $(find "$target" -type f | wc -l) seeds"
done
