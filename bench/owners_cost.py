#!/usr/bin/env python3
"""What owners and reviews cost a build: two handbook binaries, one without
the feature (BASE) and one with it (NEW), on the same synthetic handbook.

    bench/owners_cost.py BASE NEW [--pages 10000] [--runs 7] [--threads N] [--work DIR]

Generates two sites with bench/generate.py: a plain one, and one with
`--owners` (a CODEOWNERS file, section owners, a review date on every page,
`[review] every`). Each site is built with `--no-cache`, alternating the
binaries run by run so a busy machine slows both alike, and the medians of
each one's wall time and CPU time (user + system: what the build asks of the
machine, less swayed by other work on a shared one) are printed with the
differences. BASE builds the owners site
from a root without `[review]` (it does not know the table) and ignores the
front matter fields and CODEOWNERS, so it does the rest of the same work.
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time


def build(binary, root, content, output):
    """Wall time and CPU time (user + system, all threads) of one build."""
    args = [binary, "build", "--quiet", "--no-cache", "--root", root, "--output", output]
    if content:
        args += ["--content", content]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("new")
    parser.add_argument("--pages", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--work", default="/dev/shm/owners-cost")
    parser.add_argument("--threads", type=int, default=0, help="RAYON_NUM_THREADS for the builds (0: all cores); 1 makes CPU time the work alone, without idle workers spinning")
    args = parser.parse_args()
    if args.threads:
        os.environ["RAYON_NUM_THREADS"] = str(args.threads)
    here = os.path.dirname(os.path.abspath(__file__))
    plain = os.path.join(args.work, "plain")
    owned = os.path.join(args.work, "owned")
    base_root = os.path.join(args.work, "owned-base-root")
    for site, extra in ((plain, []), (owned, ["--owners"])):
        if not os.path.isdir(os.path.join(site, "handbook")):
            subprocess.run([sys.executable, os.path.join(here, "generate.py"), str(args.pages), site, *extra], check=True)
            shutil.rmtree(os.path.join(site, "hugo"), ignore_errors=True)
    os.makedirs(base_root, exist_ok=True)
    shutil.copy(os.path.join(plain, "handbook", "site.toml"), os.path.join(base_root, "site.toml"))
    out = os.path.join(args.work, "out")
    cases = {
        "plain": {
            "base": (os.path.join(plain, "handbook"), None),
            "new": (os.path.join(plain, "handbook"), None),
        },
        "owners": {
            "base": (base_root, os.path.join(owned, "handbook", "content")),
            "new": (os.path.join(owned, "handbook"), None),
        },
    }
    for name, sides in cases.items():
        times = {"base": [], "new": []}
        for run in range(args.runs + 1):
            order = ("base", "new") if run % 2 == 0 else ("new", "base")
            for side in order:
                root, content = sides[side]
                shutil.rmtree(out, ignore_errors=True)
                measured = build(getattr(args, side), root, content, out)
                if run > 0:  # the first round warms the page cache of the OS
                    times[side].append(measured)
        for k, what in ((0, "wall"), (1, "CPU")):
            base = statistics.median(t[k] for t in times["base"])
            new = statistics.median(t[k] for t in times["new"])
            print(
                f"{name:>6} site, {args.pages} pages, {args.runs} runs each, {args.threads or 'all'} thread(s), {what:>4}: "
                f"median {base:.3f} s without, {new:.3f} s with owners and reviews "
                f"({(new / base - 1) * 100:+.1f}%); "
                f"without {', '.join(f'{t[k]:.2f}' for t in times['base'])}; "
                f"with {', '.join(f'{t[k]:.2f}' for t in times['new'])}",
                flush=True,
            )
    shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
