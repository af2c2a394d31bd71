#!/usr/bin/env python3
"""Generate a synthetic handbook of N pages for handbook and its peers.

    bench/generate.py N OUT_DIR [--shape default|wide] [--seed S] [--owners]
                      [--peer-layout full|plain] [--highlight on|off|defaults]

writes the same pages four times: OUT_DIR/handbook (site.toml + content/),
OUT_DIR/hugo (hugo.toml + content/ + layouts), OUT_DIR/zola (config.toml +
content/ + templates) and OUT_DIR/mdbook (book.toml + src/ with a SUMMARY.md
of every page). Layouts and settings of the peers: bench/layouts.py.

Shapes (neither is the one handbook is tuned for):
- `default`: area/section/page, 10 pages a section, 10 sections an area;
  about 900 words a page (300-1,700) under 4-9 headings, lists, tables, a
  code block under every fourth heading (six languages, different on every
  page) and 5-20 internal links a page (median 10), each with an anchor
  that exists.
- `wide`: area/group/section/page, 20 pages a section, 8 sections a group,
  6 groups an area; about 3,500 words a page (1,800-6,000) under 8-14
  headings with 0-2 subheadings each, a code block on one page in three,
  20-50 internal links a page (median 34), one in five to a section.

Front matter has a title, a weight and, on one page in seven, a cadence.
handbook pages open with the kramdown TOC marker (`- TOC` + `{:toc}`, as in
the GitLab handbook), which its default theme shows inline and in a side
column. Links: `/area/section/page/#anchor` for handbook and Hugo (Hugo
does not check them), `@/area/section/page.md#anchor` for Zola (which checks
pages and anchors, as handbook does), relative `.md` links for mdBook (which
checks neither). mdBook reads no front matter: its pages start with the
title as `# heading`. Only handbook writes the cadence pages, an Atom feed
and a search index.

`--owners` gives the handbook site owners and reviews (docs/owners.md): a
CODEOWNERS file with a pattern per top-level section, an `owner:` on every
other section index page, a `reviewed:` date on every page and
`[review] every = "6 months"`, to measure what the feature costs.

`--peer-layout plain` gives Hugo and Zola the plain layouts of
bench/layouts.py (title, table of contents and content; no sidebar,
breadcrumbs or neighbours): the peers at their lightest.

`--highlight` says which tools highlight code at build time: `on` (the
default) every tool, by class; `off` none (`[markdown] highlight = false`,
Hugo's `codeFences = false`, Zola without `[markdown.highlighting]`);
`defaults` each tool as it comes: handbook and Hugo highlight, Zola does
not. mdBook highlights in the browser in every mode.
"""
import os
import random
import re
import sys
from dataclasses import dataclass

import layouts

WORDS = (
    "account plan pipeline forecast commit quarter review territory partner coach "
    "customer renewal opportunity stage close deal manager team weekly monthly "
    "quarterly goal metric owner process handbook agenda outcome risk signal "
    "expansion enablement onboarding hiring career growth feedback priority"
).split()
CADENCES = ["daily", "weekly", "bi-weekly", "monthly", "quarterly", "semi-annual", "annual", "ad-hoc", "ongoing"]


@dataclass(frozen=True)
class Shape:
    # Folder levels above a page, outermost first, and how many children a
    # folder of each level has (the last: pages a section).
    levels: tuple
    fanout: tuple


HIGHLIGHT_MODES = ("on", "off", "defaults")

SHAPES = {
    "default": Shape(levels=("area", "section"), fanout=(10, 10)),
    "wide": Shape(levels=("area", "group", "section"), fanout=(6, 8, 20)),
}


@dataclass
class Page:
    path: str  # "area-000/section-00/page-01": no extension, no slashes around
    headings: list  # (level, text), level 2 or 3
    title: str = ""
    weight: int = 0


def sentence(rng, n=None):
    n = n or rng.randint(8, 18)
    words = [rng.choice(WORDS) for _ in range(n)]
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def heading_id(text):
    out = []
    for c in text.lower():
        if c.isalnum() or c in "_-":
            out.append(c)
        elif c in " \t":
            out.append("-")
    return "".join(out)


def page_path(shape, i):
    """The i-th page's path: the folders of its shape, numbered by fanout."""
    per_section = shape.fanout[-1]
    folders = []
    span = per_section
    for level, count in zip(reversed(shape.levels[1:]), reversed(shape.fanout[:-1])):
        folders.append(f"{level}-{(i // span) % count:02d}")
        span *= count
    folders.append(f"{shape.levels[0]}-{i // span:03d}")
    return "/".join(reversed(folders)) + f"/page-{i % per_section:02d}"


def heading_text(rng, k, sub=""):
    return f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {k}{sub}"


def plan(n, rng, shape_name):
    """Every page's path and headings."""
    shape = SHAPES[shape_name]
    pages = []
    for i in range(n):
        if shape_name == "default":
            headings = [(2, heading_text(rng, k)) for k in range(rng.randint(4, 9))]
        else:
            headings = []
            for k in range(rng.randint(8, 14)):
                headings.append((2, heading_text(rng, k)))
                headings += [(3, heading_text(rng, k, f" {'abc'[j]}")) for j in range(rng.randint(0, 2))]
        pages.append(Page(page_path(shape, i), headings, weight=i % shape.fanout[-1]))
    return pages


def code_block(rng):
    """A fenced block in one of a few languages, different on every page."""
    w = lambda: rng.choice(WORDS)
    lang = rng.choice(["yaml", "bash", "python", "json", "ruby", "sql"])
    if lang == "yaml":
        lines = [f"{w()}:", f"  owner: {w()}", f"  every: {rng.choice(CADENCES)}", f"  items: [{w()}, {w()}, {w()}]", f"  limit: {rng.randint(1, 500)}"]
    elif lang == "bash":
        lines = [f"# {sentence(rng, 5)}", f"export {w().upper()}_DIR=/srv/{w()}", f"for f in {w()}/*.csv; do", f"  ./bin/{w()} --{w()} \"$f\" | grep -v {w()} >> {w()}.log", "done"]
    elif lang == "python":
        lines = [f"def {w()}_{w()}(items, limit={rng.randint(1, 99)}):", f'    """{sentence(rng, 6)}"""', f"    return [i for i in items if i.{w()} > limit][:{rng.randint(2, 9)}]"]
    elif lang == "json":
        lines = ["{", f'  "{w()}": "{w()}",', f'  "{w()}": {rng.randint(1, 1000)},', f'  "{w()}": [true, false, null]', "}"]
    elif lang == "ruby":
        lines = [f"class {w().capitalize()}{w().capitalize()}", f"  def {w()}(x)", f"    x.map {{ |v| v * {rng.randint(2, 9)} }}.select(&:{w()}?)", "  end", "end"]
    else:
        lines = [f"SELECT {w()}, count(*) FROM {w()}s", f"WHERE {w()} = '{w()}' AND created_at > now() - interval '{rng.randint(1, 90)} days'", f"GROUP BY {w()} ORDER BY 2 DESC LIMIT {rng.randint(5, 50)};"]
    return f"```{lang}\n" + "\n".join(lines) + "\n```\n"


def link(rng, pages, sections):
    """A link to a heading of a random page (or, given sections, one time in
    five to a section), written `@@path#anchor` / `@@section/` until
    `links_for` turns it into each tool's form."""
    if sections and rng.randrange(5) == 0:
        return f"[{rng.choice(WORDS)} {rng.choice(WORDS)}](@@{rng.choice(sections)}/)"
    target = pages[rng.randrange(len(pages))]
    anchor = heading_id(rng.choice(target.headings)[1])
    return f"[{rng.choice(WORDS)} {rng.choice(WORDS)}](@@{target.path}#{anchor})"


def block(rng, kind, code):
    if kind == 0:
        return "\n".join(f"- {sentence(rng, 6)}" for _ in range(rng.randint(3, 6))) + "\n"
    if kind == 1:
        rows = ["| Activity | Owner | Cadence |", "|---|---|---|"]
        rows += [f"| {rng.choice(WORDS)} | {rng.choice(WORDS)} | {rng.choice(CADENCES)} |" for _ in range(4)]
        return "\n".join(rows) + "\n"
    if kind == 2 and code:
        return code_block(rng)
    return "> " + sentence(rng) + "\n"


def body(rng, page_index, pages, shape_name, sections):
    """The page's Markdown, with its links in the `@@` form."""
    page = pages[page_index]
    parts = []
    if shape_name == "default":
        link_budget, paragraphs, code = rng.randint(5, 20), (1, 3), True
    else:
        link_budget, paragraphs, code = rng.randint(20, 50), (2, 3), page_index % 3 == 0
    for k, (level, heading) in enumerate(page.headings):
        parts.append(f"{'#' * level} {heading}\n")
        for _ in range(rng.randint(*paragraphs)):
            para = [sentence(rng) for _ in range(rng.randint(3, 6))]
            if link_budget > 0:
                para.insert(1, f"See {link(rng, pages, sections)}.")
                link_budget -= 1
            parts.append(" ".join(para) + "\n")
        if shape_name == "default":
            parts.append(block(rng, k % 4, code))
        elif level == 2:
            # One code block a page at most, under its third heading.
            parts.append(block(rng, k % 4, code and k == 2))
    return "\n".join(parts)


LINK = re.compile(r"\]\(@@([^)#]*)(#[^)]*)?\)")


def links_for(tool, text, from_path):
    """`text` with its `@@` links in the form `tool` reads."""
    from_dir = os.path.dirname(from_path)

    def rewrite(m):
        target, anchor = m.group(1), m.group(2) or ""
        section = target.endswith("/")
        if tool == "zola":
            url = f"@/{target}_index.md" if section else f"@/{target}.md"
        elif tool == "mdbook":
            url = os.path.relpath(f"{target}index.md" if section else f"{target}.md", from_dir or ".")
        else:
            url = f"/{target}" if section else f"/{target}/"
        return f"]({url}{anchor})"

    return LINK.sub(rewrite, text)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def yaml_front(fields):
    return "---\n" + "\n".join(fields) + "\n---\n\n"


def write_settings(out, owners, peer_layout, highlight):
    settings = 'title = "Synthetic handbook"\nbase_url = "https://bench.example.com"\n'
    if owners:
        settings += '[review]\nevery = "6 months"\n'
    if highlight == "off":
        settings += "[markdown]\nhighlight = false\n"
    write(f"{out}/handbook/site.toml", settings)
    plain = peer_layout == "plain"
    write(f"{out}/hugo/hugo.toml", layouts.hugo_config(highlight))
    for name, text in (layouts.HUGO_PLAIN_LAYOUTS if plain else layouts.HUGO_LAYOUTS).items():
        write(f"{out}/hugo/layouts/{name}", text)
    write(f"{out}/zola/config.toml", layouts.zola_config(highlight))
    for name, text in (layouts.ZOLA_PLAIN_TEMPLATES if plain else layouts.ZOLA_TEMPLATES).items():
        write(f"{out}/zola/templates/{name}", text)
    write(f"{out}/mdbook/book.toml", layouts.MDBOOK_CONFIG)


def section_paths(pages):
    sections = set()
    for page in pages:
        parts = page.path.split("/")
        for depth in range(1, len(parts)):
            sections.add("/".join(parts[:depth]))
    return sorted(sections)


def summary(pages, sections):
    """mdBook's SUMMARY.md: every section as a chapter, its pages nested."""
    by_parent = {}
    for s in sections:
        by_parent.setdefault(os.path.dirname(s), []).append(("section", s))
    for page in pages:
        by_parent.setdefault(os.path.dirname(page.path), []).append(("page", page))
    lines = ["# Summary", "", "[Home](index.md)", ""]

    def walk(parent, depth):
        for kind, item in by_parent.get(parent, []):
            if kind == "section":
                lines.append(f"{'  ' * depth}- [{item}]({item}/index.md)")
                walk(item, depth + 1)
            else:
                lines.append(f"{'  ' * depth}- [{item.title}]({item.path}.md)")

    walk("", 0)
    return "\n".join(lines) + "\n"


def main():
    n = int(sys.argv[1])
    out = sys.argv[2]
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 1
    shape = sys.argv[sys.argv.index("--shape") + 1] if "--shape" in sys.argv else "default"
    if shape not in SHAPES:
        sys.exit(f"generate.py: unknown shape {shape!r} (known: {', '.join(SHAPES)})")
    owners = "--owners" in sys.argv
    peer_layout = sys.argv[sys.argv.index("--peer-layout") + 1] if "--peer-layout" in sys.argv else "full"
    if peer_layout not in ("full", "plain"):
        sys.exit(f"generate.py: unknown peer layout {peer_layout!r} (full or plain)")
    highlight = sys.argv[sys.argv.index("--highlight") + 1] if "--highlight" in sys.argv else "on"
    if highlight not in HIGHLIGHT_MODES:
        sys.exit(f"generate.py: unknown highlight mode {highlight!r} ({', '.join(HIGHLIGHT_MODES)})")
    rng = random.Random(seed)
    pages = plan(n, rng, shape)
    sections = section_paths(pages)
    write_settings(out, owners, peer_layout, highlight)
    # Sections are link targets in the wide shape only (the default shape's
    # pages stay what they were before shapes existed).
    link_sections = sections if shape == "wide" else []
    for i, page in enumerate(pages):
        page.title = f"{page.headings[0][1]} {i}"
        front = [f'title: "{page.title}"', f"weight: {page.weight}"]
        cadence = []
        if i % 7 == 0:
            cadence = [f"  - activity: {page.headings[0][1]}", f"    every: {CADENCES[i % len(CADENCES)]}", f"    owner: Owner {i % 5}", f"    section: {heading_id(page.headings[0][1])}"]
        text = body(rng, i, pages, shape, link_sections)
        own = [f"reviewed: 2025-{i % 12 + 1:02d}-{i % 28 + 1:02d}"] if owners else []
        plain = links_for("handbook", text, page.path)
        fm = front + (["cadence:"] + cadence if cadence else [])
        write(f"{out}/handbook/content/{page.path}.md", yaml_front(own + fm) + KRAMDOWN_TOC + plain)
        write(f"{out}/hugo/content/{page.path}.md", yaml_front(fm) + plain)
        # Zola takes front matter it does not know under `extra`.
        zola_fm = front + (["extra:", "  cadence:"] + ["  " + line for line in cadence] if cadence else [])
        write(f"{out}/zola/content/{page.path}.md", yaml_front(zola_fm) + links_for("zola", text, page.path))
        write(f"{out}/mdbook/src/{page.path}.md", f"# {page.title}\n\n" + links_for("mdbook", text, page.path))
    for k, section in enumerate(sections):
        fm = f'---\ntitle: "{section}"\n---\n\nThe {section} section.\n'
        own = f"---\nowner: Owner {k % 5}\n" if owners and k % 2 == 0 else "---\n"
        write(f"{out}/handbook/content/{section}/_index.md", own + fm[4:])
        write(f"{out}/hugo/content/{section}/_index.md", fm)
        # A weight, or Zola lists subsections in no set order.
        write(f"{out}/zola/content/{section}/_index.md", f'---\ntitle: "{section}"\nweight: {k}\nsort_by: weight\n---\n\nThe {section} section.\n')
        write(f"{out}/mdbook/src/{section}/index.md", f"# {section}\n\nThe {section} section.\n")
    fm = '---\ntitle: "Home"\n---\n\nThe synthetic handbook.\n'
    write(f"{out}/handbook/content/_index.md", fm)
    write(f"{out}/hugo/content/_index.md", fm)
    write(f"{out}/zola/content/_index.md", '---\ntitle: "Home"\nsort_by: weight\n---\n\nThe synthetic handbook.\n')
    write(f"{out}/mdbook/src/index.md", "# Home\n\nThe synthetic handbook.\n")
    write(f"{out}/mdbook/src/SUMMARY.md", summary(pages, sections))
    if owners:
        tops = sorted({s.split("/")[0] for s in sections})
        rules = ["* @handbook-team"] + [f"/content/{t}/ @team-{j % 7}" for j, t in enumerate(tops)]
        write(f"{out}/handbook/CODEOWNERS", "\n".join(rules) + "\n/content/retired/ @nobody\n")


KRAMDOWN_TOC = "- TOC\n{:toc .hidden-md .hidden-lg}\n\n"

if __name__ == "__main__":
    main()
