#!/usr/bin/env python3
"""What owners and reviews cost a build.

    bench/owners_cost.py BASE NEW [--pages 10000] [--runs 7] [--threads N] [--work DIR]
    bench/owners_cost.py HANDBOOK [--pages 10000] [--runs 9] [--threads N] [--work DIR]
    bench/owners_cost.py HANDBOOK --callgrind [--pages 10000] [--work DIR]

Generates two sites with bench/generate.py (in DIR, tmpfs by default): a
plain one, and the same pages with `--owners` (a CODEOWNERS file, section
owners, a review date on every page, `[review] every`). Each build is run
with `--no-cache`, alternating run by run so a busy machine slows both
sides alike; the first round only warms the OS's page cache. The medians of
wall time and CPU time (user + system: what the build asks of the machine,
less swayed by other work on a shared one) are printed with the difference.

With two binaries, one without the feature (BASE) and one with it (NEW),
both build each site; BASE builds the owners site from a root without
`[review]` (it does not know the table) and ignores the front matter fields
and CODEOWNERS, so it does the rest of the same work.

With one binary, it builds the plain site and the owners site: what using
owners and reviews adds to the same pages (front matter, the line on every
page, `/owners/`, the review feeds, owners in the search index).

`--callgrind` counts the instructions of one build of each site under
valgrind's callgrind, on one thread: the same on a busy machine, where wall
time is not. (Valgrind runs a build about 50 times slower.)
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


def callgrind_instructions(binary, root, output, work):
    """Instructions one build executes (callgrind's Ir total), on one thread."""
    profile = os.path.join(work, "callgrind.out")
    env = dict(os.environ, RAYON_NUM_THREADS="1")
    subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={profile}", binary,
         "build", "--quiet", "--no-cache", "--root", root, "--output", output],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )
    with open(profile) as f:
        for line in f:
            if line.startswith(("summary:", "totals:")):
                os.remove(profile)
                return int(line.split()[1])
    raise RuntimeError(f"no instruction total in {profile}")


def compare(cases, runs, label, pages, threads, out):
    """Alternating builds of each case's two sides; prints the medians."""
    for name, sides in cases.items():
        first, second = list(sides)
        times = {first: [], second: []}
        for run in range(runs + 1):
            order = (first, second) if run % 2 == 0 else (second, first)
            for side in order:
                binary, root, content = sides[side]
                shutil.rmtree(out, ignore_errors=True)
                measured = build(binary, root, content, out)
                if run > 0:  # the first round warms the page cache of the OS
                    times[side].append(measured)
        for k, what in ((0, "wall"), (1, "CPU")):
            base = statistics.median(t[k] for t in times[first])
            new = statistics.median(t[k] for t in times[second])
            print(
                f"{name:>6}, {pages} pages, {runs} runs each, {threads or 'all'} thread(s), {what:>4}: "
                f"median {base:.3f} s {first}, {new:.3f} s {second} "
                f"({(new / base - 1) * 100:+.1f}% {label}); "
                f"{first} {', '.join(f'{t[k]:.2f}' for t in times[first])}; "
                f"{second} {', '.join(f'{t[k]:.2f}' for t in times[second])}",
                flush=True,
            )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binaries", nargs="+", help="BASE NEW (without and with the feature), or one handbook binary (the plain site against the owners site)")
    parser.add_argument("--pages", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--work", default="/dev/shm/owners-cost")
    parser.add_argument("--threads", type=int, default=0, help="RAYON_NUM_THREADS for the builds (0: all cores); 1 makes CPU time the work alone, without idle workers spinning")
    parser.add_argument("--callgrind", action="store_true", help="count instructions under callgrind instead of timing (one binary)")
    args = parser.parse_args()
    if len(args.binaries) > 2 or (args.callgrind and len(args.binaries) != 1):
        parser.error("give BASE NEW, or one binary (--callgrind: one binary)")
    if args.threads:
        os.environ["RAYON_NUM_THREADS"] = str(args.threads)
    here = os.path.dirname(os.path.abspath(__file__))
    plain = os.path.join(args.work, "plain")
    owned = os.path.join(args.work, "owned")
    base_root = os.path.join(args.work, "owned-base-root")
    for site, extra in ((plain, []), (owned, ["--owners"])):
        if not os.path.isdir(os.path.join(site, "handbook")):
            subprocess.run([sys.executable, os.path.join(here, "generate.py"), str(args.pages), site, *extra], check=True)
            for peer in ("hugo", "zola", "mdbook"):
                shutil.rmtree(os.path.join(site, peer), ignore_errors=True)
    out = os.path.join(args.work, "out")
    plain_root = os.path.join(plain, "handbook")
    owned_root = os.path.join(owned, "handbook")
    if len(args.binaries) == 1:
        binary = args.binaries[0]
        if args.callgrind:
            counts = {}
            for name, root in (("plain", plain_root), ("owners", owned_root)):
                shutil.rmtree(out, ignore_errors=True)
                counts[name] = callgrind_instructions(binary, root, out, args.work)
            print(
                f"callgrind, {args.pages} pages, 1 thread: {counts['plain']:,} instructions plain, "
                f"{counts['owners']:,} with owners and reviews "
                f"({(counts['owners'] / counts['plain'] - 1) * 100:+.2f}%)",
                flush=True,
            )
        else:
            compare(
                {"sites": {"plain": (binary, plain_root, None), "owners": (binary, owned_root, None)}},
                args.runs, "using owners and reviews", args.pages, args.threads, out,
            )
        shutil.rmtree(out, ignore_errors=True)
        return
    base_binary, new_binary = args.binaries
    os.makedirs(base_root, exist_ok=True)
    shutil.copy(os.path.join(plain, "handbook", "site.toml"), os.path.join(base_root, "site.toml"))
    cases = {
        "plain": {
            "without": (base_binary, plain_root, None),
            "with": (new_binary, plain_root, None),
        },
        "owners": {
            "without": (base_binary, base_root, os.path.join(owned_root, "content")),
            "with": (new_binary, owned_root, None),
        },
    }
    compare(cases, args.runs, "with the feature", args.pages, args.threads, out)
    shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
