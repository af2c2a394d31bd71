#!/usr/bin/env bash
# Times `handbook build` on the small inputs that once made a pass quadratic
# (or a page's memory explode), at two sizes each, so a return to quadratic
# shows as a ratio far above the size ratio.
#
#   bench/hostile.sh            # prints a Markdown table: case, size, seconds, peak MB
#
# Sites are generated under /dev/shm; needs GNU time (Debian package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /usr/bin/time ] || { echo "bench/hostile.sh needs GNU time: apt-get install time" >&2; exit 2; }
cargo build --release --quiet --bin handbook
HB=${CARGO_TARGET_DIR:-$PWD/target}/release/handbook
WORK=${BENCH_DIR:-/dev/shm/handbook-hostile}

make_case() { # case size dir
  python3 - "$1" "$2" "$3" <<'PY'
import os, sys
case, n, root = sys.argv[1], int(sys.argv[2]), sys.argv[3]
content = os.path.join(root, "content")
os.makedirs(content, exist_ok=True)
open(os.path.join(content, "index.md"), "w").write("# Home\n")
page = os.path.join(content, "case.md")
if case == "block-ial":
    open(page, "w").write("p\n{: .c}\n" * n)
elif case == "liquid-line":
    open(page, "w").write("{{ x }} " * n + "\n")
elif case == "broken-links-line":
    open(page, "w").write(" ".join(f"[a](/missing{i}/)" for i in range(n)) + "\n")
elif case == "yaml-brackets":
    open(page, "w").write("---\nx: " + "[" * n + "\n---\nbody\n")
elif case == "emphasis-runs":
    open(page, "w").write("*a_ " * n)
elif case == "cadence-owners":
    os.remove(page)
    for i in range(n):
        open(os.path.join(content, f"p{i}.md"), "w").write(
            f"---\ntitle: P{i}\ncadence:\n  - activity: Review {i}\n    every: weekly\n    owner: Owner {i}\n---\nBody\n")
PY
}

echo "| case | size | seconds | peak MB |"
echo "| --- | ---: | ---: | ---: |"
for spec in block-ial:25000:100000 liquid-line:31250:125000 broken-links-line:100000:400000 \
            yaml-brackets:25000:100000 emphasis-runs:1310720:5242880 cadence-owners:500:2000; do
  IFS=: read -r name small large <<<"$spec"
  for n in "$small" "$large"; do
    dir="$WORK/$name-$n"
    rm -rf "$dir"
    make_case "$name" "$n" "$dir"
    out=$( { /usr/bin/time -f '%e %M' "$HB" build --quiet --keep-going --root "$dir" \
             --output "$dir/public" >/dev/null 2>/dev/null || true; } 2>&1 | tail -1)
    read -r secs kb <<<"$out"
    echo "| $name | $n | $secs | $((kb / 1024)) |"
  done
done
