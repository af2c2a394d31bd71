#!/usr/bin/env python3
"""Checks on the outputs of bench/run.sh (standard library only).

    bench/outputs.py verify SITE HB_OUT HUGO_OUT   both built every page, comparably
    bench/outputs.py snapshot DIR FILE             record every file's mtime
    bench/outputs.py changed DIR FILE              files added, removed or touched since

`verify` checks that every Markdown page of SITE/handbook/content has an HTML
page in both outputs, and on a sample of pages that both have every heading
with its id, a table of contents listing them, the page's internal links,
highlighted code and a sidebar. It exits 1 on the first difference.

`changed` prints "N changed: a, b, ..." (N = 0 means every mtime stayed).
"""
import json
import os
import re
import sys


def output_of(rel):
    """Content path -> output path, for the generator's plain layout."""
    rel = rel[: -len(".md")]
    if rel == "_index":
        return "index.html"
    if rel.endswith("/_index"):
        return rel[: -len("_index")] + "index.html"
    return rel + "/index.html"


def sources(content):
    for root, _, files in os.walk(content):
        for name in files:
            if name.endswith(".md"):
                yield os.path.relpath(os.path.join(root, name), content)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def verify(site, hb_out, hugo_out):
    content = os.path.join(site, "handbook", "content")
    pages = sorted(sources(content))
    missing = {"handbook": [], "hugo": []}
    for rel in pages:
        out = output_of(rel)
        for name, root in (("handbook", hb_out), ("hugo", hugo_out)):
            if not os.path.isfile(os.path.join(root, out)):
                missing[name].append(out)
    for name, miss in missing.items():
        if miss:
            sys.exit(f"verify: {name} did not write {len(miss)} of {len(pages)} pages, e.g. {miss[:3]}")
    regular = [p for p in pages if not p.endswith("_index.md")]
    sample = regular[:: max(1, len(regular) // 200)]
    totals = {"headings": 0, "links": 0}
    for rel in sample:
        text = read(os.path.join(content, rel))
        headings = re.findall(r"^## (.+)$", text, re.M)
        links = re.findall(r"\]\((/[^)#]*#[^)]+)\)", text)
        totals["headings"] += len(headings)
        totals["links"] += len(links)
        for name, root in (("handbook", hb_out), ("hugo", hugo_out)):
            html = read(os.path.join(root, output_of(rel)))
            where = f"{name} {output_of(rel)}"
            for h in headings:
                hid = re.sub(r"[^a-z0-9_\- ]", "", h.lower()).replace(" ", "-")
                if f'<h2 id="{hid}"' not in html:
                    sys.exit(f"verify: {where}: no <h2 id=\"{hid}\">")
                if f'href="#{hid}"' not in html:
                    sys.exit(f"verify: {where}: the table of contents has no #{hid}")
            for url in links:
                if f'href="{url}"' not in html:
                    sys.exit(f"verify: {where}: no link to {url}")
            if "```" in text and not re.search(r'<span class="[^"]+">', html):
                sys.exit(f"verify: {where}: code blocks are not highlighted")
            if 'class="sidebar' not in html:
                sys.exit(f"verify: {where}: no sidebar")
    print(
        f"verify: both wrote all {len(pages)} pages; on {len(sample)} sampled pages both have "
        f"all {totals['headings']} headings (ids + TOC entries), all {totals['links']} "
        f"internal links with anchors, highlighted code and a sidebar"
    )


def mtimes(root):
    out = {}
    for dirpath, _, files in os.walk(root):
        for name in files:
            path = os.path.join(dirpath, name)
            out[os.path.relpath(path, root)] = os.stat(path).st_mtime_ns
    return out


def snapshot(root, file):
    with open(file, "w") as f:
        json.dump(mtimes(root), f)


def changed(root, file):
    with open(file) as f:
        before = json.load(f)
    after = mtimes(root)
    diff = sorted(
        set(before) ^ set(after) | {p for p in before.keys() & after.keys() if before[p] != after[p]}
    )
    shown = ", ".join(diff[:8]) + (", ..." if len(diff) > 8 else "")
    print(f"{len(diff)} changed: {shown}" if diff else "0 changed")


def main():
    command, args = sys.argv[1], sys.argv[2:]
    {"verify": verify, "snapshot": snapshot, "changed": changed}[command](*args)


if __name__ == "__main__":
    main()
