#!/usr/bin/env bash
# Edit-to-reload latency of `handbook serve` on the shared corpus: the time
# from a page's file being saved until the reload event reaches the browser's
# event stream. The corpus is copied to a temporary folder first; it is never
# modified.
#
#   bench/serve-latency.sh [--content DIR] [--page REL] [--runs N] [--interval-ms MS]
#
# --interval-ms 500: an author typing, a save every half second (the next once
# the last one is served) without waiting for the rebuild's second pass.
#
# Defaults: ../shared/corpus/gitlab-handbook, handbook/values/index.html.md
# (a 131 KB page), 20 runs. Target: under 100 ms for a body edit.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin handbook --example serve-latency
target="${CARGO_TARGET_DIR:-target}"
exec "$target/release/examples/serve-latency" "$@"
