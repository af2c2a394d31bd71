#!/usr/bin/env python3
"""Checks on the outputs of bench/run.sh (standard library only).

    bench/outputs.py verify SITE TOOL=OUT ...      each tool built every page, comparably
    bench/outputs.py snapshot DIR FILE             record every file's mtime
    bench/outputs.py changed DIR FILE              files added, removed or touched since

`verify` checks that every Markdown page of SITE/handbook/content has an HTML
page in the output of each TOOL (handbook, hugo, zola, mdbook), and on a
sample of about 200 pages that each has every heading (h2, h3) with its id, a
table of contents listing them, the page's internal links, highlighted code
and a sidebar linking to the top-level sections and the pages of the page's
own section (mdBook: no TOC, code highlighted in the browser, the sidebar in
toc.html). It exits 1 on the first difference.

`changed` prints "N changed: a, b, ..." (N = 0 means every mtime stayed).
"""
import json
import os
import re
import sys


# What each tool writes: its output path for a content path, its href for a
# site URL (`/area/section/page/#anchor`), and the trace of code highlighting.
PRETTY = "pretty"  # `a/b.md` -> `a/b/index.html`
BOOK = "book"  # `a/b.md` -> `a/b.html`, `a/_index.md` -> `a/index.html`
TOOLS = {
    "handbook": {"layout": PRETTY, "highlight": r'<span class="hl-', "toc": True},
    "hugo": {"layout": PRETTY, "highlight": r'<span class="(?!line"|cl")[a-z0-9]+">', "toc": True},
    "zola": {"layout": PRETTY, "highlight": r'<span class="z-', "toc": True, "base": "https://bench.example.com"},
    # mdBook highlights in the browser (highlight.js) and has no in-page
    # table of contents: its headings, links and code classes are checked.
    "mdbook": {"layout": BOOK, "highlight": r'<code class="language-', "toc": False},
}


def output_of(rel, layout=PRETTY):
    """Content path -> output path."""
    rel = rel[: -len(".md")]
    if rel == "_index":
        return "index.html"
    if rel.endswith("/_index"):
        return rel[: -len("_index")] + "index.html"
    return rel + ("/index.html" if layout == PRETTY else ".html")


def href_of(tool, url, from_rel, content):
    """The href `tool` writes for the site URL `url` on the page `from_rel`."""
    if tool == "zola":
        return TOOLS[tool]["base"] + url
    if tool != "mdbook":
        return url
    path, _, anchor = url.partition("#")
    target = path.strip("/")
    section = os.path.isfile(os.path.join(content, target, "_index.md"))
    out = f"{target}/index.html" if section else f"{target}.html"
    rel = os.path.relpath(out, os.path.dirname(from_rel) or ".")
    return rel + (f"#{anchor}" if anchor else "")


def sources(content):
    for root, _, files in os.walk(content):
        for name in files:
            if name.endswith(".md"):
                yield os.path.relpath(os.path.join(root, name), content)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def heading_id(text):
    return re.sub(r"[^a-z0-9_\- ]", "", text.lower()).replace(" ", "-")


class Sidebar:
    """What a page's sidebar must link to: the top-level sections and the
    pages of the page's own section (open down to it)."""

    def __init__(self, pages):
        self.tops = sorted({p.split("/")[0] for p in pages if p.count("/") >= 1})
        self.siblings = {}
        for p in pages:
            if not p.endswith("_index.md"):
                self.siblings.setdefault(os.path.dirname(p), []).append(p)

    def urls(self, rel, limit=None):
        """Site URLs (`/area-000/`) the sidebar of the page `rel` links to.
        With `limit` (handbook's `sidebar_limit`), a list longer than that
        shows its first `limit` entries and, always, the ones on the way to
        the page, then a link to the rest."""
        def shown(entries, current):
            if limit is None or len(entries) <= limit:
                return entries
            return entries[:limit] + ([current] if current not in entries[:limit] else [])
        own_top = f"/{rel.split('/')[0]}/"
        own = [f"/{p[: -len('.md')]}/" for p in self.siblings[os.path.dirname(rel)]]
        tops = [f"/{t}/" for t in self.tops]
        return shown(tops, own_top) + shown(own, f"/{rel[: -len('.md')]}/")

    def cut(self, limit):
        """Whether the top-level list is longer than `limit`."""
        return limit is not None and len(self.tops) > limit


# handbook's `sidebar_limit` by default (src/config/mod.rs).
HANDBOOK_SIDEBAR_LIMIT = 100


def sidebar_links(tool, root, html, where, rel, sidebar):
    """The sidebar is in the page (mdBook: in toc.html, which every page
    loads) and links to what `Sidebar.urls` says."""
    if tool == "mdbook":
        if 'class="sidebar' not in html:
            sys.exit(f"verify: {where}: no sidebar")
        nav = read(os.path.join(root, "toc.html"))
        hrefs = [u.strip("/") + ("/index.html" if u.count("/") == 2 else ".html") for u in sidebar.urls(rel)]
    else:
        start = html.find('class="sidebar')
        if start < 0:
            sys.exit(f"verify: {where}: no sidebar")
        nav = html[start : html.find("</nav>", start)]
        limit = HANDBOOK_SIDEBAR_LIMIT if tool == "handbook" else None
        hrefs = sidebar.urls(rel, limit)
        if sidebar.cut(limit) and 'class="nav-more"' not in nav:
            sys.exit(f"verify: {where}: the sidebar's long list has no link to the rest")
    for href in hrefs:
        if f'href="{href}"' not in nav:
            sys.exit(f"verify: {where}: the sidebar has no link to {href}")


def verify_tool(tool, root, content, pages, sample, plain, highlighted):
    """Stops at the first page `tool` did not write, or wrote without what
    the sample's sources ask for (code highlighted, or not, as `highlighted`
    says); returns what was checked."""
    spec = TOOLS[tool]
    missing = [p for p in pages if not os.path.isfile(os.path.join(root, output_of(p, spec["layout"])))]
    if missing:
        examples = [output_of(p, spec["layout"]) for p in missing[:3]]
        sys.exit(f"verify: {tool} did not write {len(missing)} of {len(pages)} pages, e.g. {examples}")
    totals = {"headings": 0, "links": 0, "code": 0}
    sidebar = Sidebar(pages)
    for rel in sample:
        text = read(os.path.join(content, rel))
        html = read(os.path.join(root, output_of(rel, spec["layout"])))
        where = f"{tool} {output_of(rel, spec['layout'])}"
        for level, heading in re.findall(r"^(##|###) (.+)$", text, re.M):
            hid = heading_id(heading)
            if f'<h{len(level)} id="{hid}"' not in html:
                sys.exit(f'verify: {where}: no <h{len(level)} id="{hid}">')
            if spec["toc"] and f'href="#{hid}"' not in html:
                sys.exit(f"verify: {where}: the table of contents has no #{hid}")
            totals["headings"] += 1
        for url in re.findall(r"\]\((/[^)]*)\)", text):
            href = href_of(tool, url, rel, content)
            if f'href="{href}"' not in html:
                sys.exit(f"verify: {where}: no link to {href}")
            totals["links"] += 1
        if "```" in text:
            if highlighted and not re.search(spec["highlight"], html):
                sys.exit(f"verify: {where}: code blocks are not highlighted")
            if not highlighted and re.search(spec["highlight"], html):
                sys.exit(f"verify: {where}: code blocks are highlighted (highlighting is off)")
            totals["code"] += 1
        if not (plain and tool in PLAIN_PEERS):
            sidebar_links(tool, root, html, where, rel, sidebar)
    toc = "ids + TOC entries" if spec["toc"] else "ids; no in-page TOC"
    code = "highlighted by class" if highlighted else "not highlighted"
    if tool == "mdbook":
        code = "marked for highlighting in the browser"
    nav = "a sidebar open down to the page's section" if tool != "mdbook" else "the whole book in the sidebar (toc.html)"
    if plain and tool in PLAIN_PEERS:
        nav = "no sidebar (plain layout)"
    return (
        f"{tool}: all {len(pages)} pages; on {len(sample)} sampled pages all {totals['headings']} "
        f"headings ({toc}), all {totals['links']} internal links, code on {totals['code']} pages "
        f"{code}, {nav}"
    )


# The peers that have a plain layout (bench/layouts.py), checked without
# their sidebar under `--peer-layout=plain`.
PLAIN_PEERS = ("hugo", "zola")


def highlights(tool, mode):
    """Whether `tool` highlights code at build time under `--highlight=MODE`
    (bench/generate.py): `on` every tool, `off` none, `defaults` each as it
    comes (handbook and Hugo do, Zola does not). mdBook marks code for the
    browser whatever the mode."""
    if tool == "mdbook":
        return True
    return mode == "on" or (mode == "defaults" and tool != "zola")


def verify(site, *outputs):
    """`outputs`: TOOL=DIR for each tool that built SITE, after the optional
    `--peer-layout=plain` and `--highlight=MODE` the site was generated with."""
    options = {}
    while outputs and outputs[0].startswith("--"):
        name, _, value = outputs[0][2:].partition("=")
        options[name] = value
        outputs = outputs[1:]
    plain = options.get("peer-layout") == "plain"
    mode = options.get("highlight", "on")
    content = os.path.join(site, "handbook", "content")
    pages = sorted(sources(content))
    regular = [p for p in pages if not p.endswith("_index.md")]
    sample = regular[:: max(1, len(regular) // 200)]
    for spec in outputs:
        tool, _, root = spec.partition("=")
        if tool not in TOOLS:
            sys.exit(f"verify: unknown tool {tool!r} (known: {', '.join(TOOLS)})")
        highlighted = highlights(tool, mode)
        print("verify: " + verify_tool(tool, root, content, pages, sample, plain, highlighted))


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
