#!/usr/bin/env python3
"""Generate a synthetic handbook of N pages, as a handbook site and as a Hugo site.

    bench/generate.py N OUT_DIR [--seed S] [--owners]

writes OUT_DIR/handbook (site.toml + content/) and OUT_DIR/hugo (hugo.toml +
content/ + a minimal layout), both from the same pages: nested sections, front
matter (some with cadence), 600-1,500 words a page, headings, lists, tables,
code blocks (six languages, different on every page) and 5-20 internal links
a page, each with an anchor that exists.

The two sites do comparable work per page. handbook pages open with the
kramdown TOC marker (`- TOC` + `{:toc}`, as in the GitLab handbook), which its
default theme shows inline and in a side column; the Hugo layout prints
`.TableOfContents` (goldmark, Hugo's default renderer, with chroma
highlighting by class). Both print a sidebar of the sections above the page,
open down to the page's own section, rendered once per section (handbook does
this itself; Hugo through `partialCached`), breadcrumbs and previous/next
links. Only handbook writes a search index, the cadence pages and an Atom feed.

`--owners` gives the handbook site owners and reviews (docs/owners.md): a
CODEOWNERS file with a pattern per top-level section, an `owner:` on every
other section index page, a `reviewed:` date on every page and
`[review] every = "6 months"`, to measure what the feature costs.
"""
import os
import random
import sys

WORDS = (
    "account plan pipeline forecast commit quarter review territory partner coach "
    "customer renewal opportunity stage close deal manager team weekly monthly "
    "quarterly goal metric owner process handbook agenda outcome risk signal "
    "expansion enablement onboarding hiring career growth feedback priority"
).split()
CADENCES = ["daily", "weekly", "bi-weekly", "monthly", "quarterly", "semi-annual", "annual", "ad-hoc", "ongoing"]


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


def plan(n, rng):
    """Page paths and their headings, in sections of about 10 pages, 10 sections per area."""
    pages = []
    area_count = max(1, n // 100)
    i = 0
    while len(pages) < n:
        area = f"area-{i // 100:03d}"
        section = f"section-{(i // 10) % 10:02d}"
        path = f"{area}/{section}/page-{i % 10:02d}"
        headings = [f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {k}" for k in range(rng.randint(4, 9))]
        pages.append((path, headings))
        i += 1
    return pages, area_count


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


def body(rng, page_index, pages):
    path, headings = pages[page_index]
    parts = []
    link_budget = rng.randint(5, 20)
    for k, heading in enumerate(headings):
        parts.append(f"## {heading}\n")
        for _ in range(rng.randint(1, 3)):
            para = [sentence(rng) for _ in range(rng.randint(3, 6))]
            if link_budget > 0:
                target_path, target_headings = pages[rng.randrange(len(pages))]
                anchor = heading_id(rng.choice(target_headings))
                url = f"/{target_path}/#{anchor}"
                para.insert(1, f"See [{rng.choice(WORDS)} {rng.choice(WORDS)}]({url}).")
                link_budget -= 1
            parts.append(" ".join(para) + "\n")
        kind = k % 4
        if kind == 0:
            parts.append("\n".join(f"- {sentence(rng, 6)}" for _ in range(rng.randint(3, 6))) + "\n")
        elif kind == 1:
            rows = ["| Activity | Owner | Cadence |", "|---|---|---|"]
            rows += [f"| {rng.choice(WORDS)} | {rng.choice(WORDS)} | {rng.choice(CADENCES)} |" for _ in range(4)]
            parts.append("\n".join(rows) + "\n")
        elif kind == 2:
            parts.append(code_block(rng))
        else:
            parts.append("> " + sentence(rng) + "\n")
    return "\n".join(parts)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def main():
    n = int(sys.argv[1])
    out = sys.argv[2]
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 1
    rng = random.Random(seed)
    pages, _ = plan(n, rng)
    owners = "--owners" in sys.argv
    settings = 'title = "Synthetic handbook"\nbase_url = "https://bench.example.com"\n'
    if owners:
        settings += '[review]\nevery = "6 months"\n'
    write(f"{out}/handbook/site.toml", settings)
    write(f"{out}/hugo/hugo.toml", 'title = "Synthetic handbook"\nbaseURL = "https://bench.example.com/"\ndisableKinds = ["taxonomy", "term", "RSS"]\n[markup.goldmark.parser.attribute]\n  block = true\n[markup.highlight]\n  noClasses = false\n')
    write(f"{out}/hugo/layouts/_default/baseof.html", HUGO_BASEOF)
    write(f"{out}/hugo/layouts/_default/single.html", HUGO_SINGLE)
    write(f"{out}/hugo/layouts/_default/list.html", HUGO_LIST)
    write(f"{out}/hugo/layouts/partials/nav.html", HUGO_NAV)
    write(f"{out}/hugo/layouts/partials/nav-node.html", HUGO_NAV_NODE)
    sections = set()
    for i, (path, headings) in enumerate(pages):
        front = [f'title: "{headings[0]} {i}"', f"weight: {i % 10}"]
        if i % 7 == 0:
            front.append(f"cadence:\n  - activity: {headings[0]}\n    every: {CADENCES[i % len(CADENCES)]}\n    owner: Owner {i % 5}\n    section: {heading_id(headings[0])}")
        fm = "---\n" + "\n".join(front) + "\n---\n\n"
        text = body(rng, i, pages)
        own = f"---\nreviewed: 2025-{i % 12 + 1:02d}-{i % 28 + 1:02d}\n" if owners else "---\n"
        write(f"{out}/handbook/content/{path}.md", own + fm[4:] + KRAMDOWN_TOC + text)
        write(f"{out}/hugo/content/{path}.md", fm + text)
        parts = path.split("/")
        for depth in range(1, len(parts)):
            sections.add("/".join(parts[:depth]))
    for k, section in enumerate(sorted(sections)):
        fm = f'---\ntitle: "{section}"\n---\n\nThe {section} section.\n'
        own = f"---\nowner: Owner {k % 5}\n" if owners and k % 2 == 0 else "---\n"
        write(f"{out}/handbook/content/{section}/_index.md", own + fm[4:])
        write(f"{out}/hugo/content/{section}/_index.md", fm)
    fm = '---\ntitle: "Home"\n---\n\nThe synthetic handbook.\n'
    write(f"{out}/handbook/content/_index.md", fm)
    if owners:
        tops = sorted({s.split("/")[0] for s in sections})
        rules = ["* @handbook-team"] + [f"/content/{t}/ @team-{j % 7}" for j, t in enumerate(tops)]
        write(f"{out}/handbook/CODEOWNERS", "\n".join(rules) + "\n/content/retired/ @nobody\n")
    write(f"{out}/hugo/content/_index.md", fm)


KRAMDOWN_TOC = "- TOC\n{:toc .hidden-md .hidden-lg}\n\n"

HUGO_BASEOF = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title>
<meta name="description" content="{{ .Description }}"><link rel="canonical" href="{{ .Permalink }}"></head>
<body><nav class="sidebar">{{ partialCached "nav.html" .CurrentSection .CurrentSection.RelPermalink }}</nav>
<main><nav class="breadcrumbs"><ol>{{ range .Ancestors.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}<li>{{ .Title }}</li></ol></nav>
{{ block "main" . }}{{ end }}</main></body></html>
"""
HUGO_SINGLE = """{{ define "main" }}<h1>{{ .Title }}</h1><p>{{ .ReadingTime }} min read</p>
<aside class="toc-column">{{ .TableOfContents }}</aside>{{ .Content }}
<nav class="pager">{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>{{ end }}
"""
HUGO_LIST = """{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
"""
# The sidebar of a section: the top-level sections, opened down to `.`.
HUGO_NAV = """{{ $current := . }}<ul>{{ range site.Home.Sections }}{{ partial "nav-node.html" (dict "node" . "current" $current) }}{{ end }}{{ range site.Home.RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
"""
HUGO_NAV_NODE = """<li><a href="{{ .node.RelPermalink }}">{{ .node.Title }}</a>{{ if or (.node.Eq .current) (.current.IsDescendant .node) }}<ul>{{ $current := .current }}{{ range .node.Sections }}{{ partial "nav-node.html" (dict "node" . "current" $current) }}{{ end }}{{ range .node.RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}</li>
"""

if __name__ == "__main__":
    main()
