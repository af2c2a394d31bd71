"""The peers' site settings and templates, written by bench/generate.py.

Each layout does the work of handbook's default theme that the peer can do:
a sidebar of the sections above the page, open down to the page's own
section; breadcrumbs; a table of contents; previous/next links; code
highlighted by class; section listings. Hugo renders the sidebar once per
section (`partialCached`); Zola has no cached partials, so every page asks
`get_section` for the sections it shows, as handbook's default theme shows
them (the top-level sections, the sections on the open path to the page, the
pages of the page's own section): the metadata only (title, path,
subsections) for every section, and the full section, which is Zola's one
way to list a section's pages, for the page's own section alone (asking it
at every open level had Zola serialize pages with their content and
neighbours for nothing, 45 s of its time at 10,000 pages). mdBook has no listings, breadcrumbs or in-page TOC, highlights code in
the browser and builds its sidebar in JavaScript: its figures compare page
rendering only, and its search index is off.
"""

HUGO_CONFIG = """title = "Synthetic handbook"
baseURL = "https://bench.example.com/"
disableKinds = ["taxonomy", "term", "RSS"]
[markup.goldmark.parser.attribute]
  block = true
[markup.highlight]
  noClasses = false
[markup.tableOfContents]
  startLevel = 2
  endLevel = 3
"""

HUGO_LAYOUTS = {
    "_default/baseof.html": """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title>
<meta name="description" content="{{ .Description }}"><link rel="canonical" href="{{ .Permalink }}"></head>
<body><nav class="sidebar">{{ partialCached "nav.html" .CurrentSection .CurrentSection.RelPermalink }}</nav>
<main><nav class="breadcrumbs"><ol>{{ range .Ancestors.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}<li>{{ .Title }}</li></ol></nav>
{{ block "main" . }}{{ end }}</main></body></html>
""",
    "_default/single.html": """{{ define "main" }}<h1>{{ .Title }}</h1><p>{{ .ReadingTime }} min read</p>
<aside class="toc-column">{{ .TableOfContents }}</aside>{{ .Content }}
<nav class="pager">{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>{{ end }}
""",
    "_default/list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
""",
    # The sidebar of a section: the top-level sections, opened down to `.`.
    "partials/nav.html": """{{ $current := . }}<ul>{{ range site.Home.Sections }}{{ partial "nav-node.html" (dict "node" . "current" $current) }}{{ end }}{{ range site.Home.RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
""",
    "partials/nav-node.html": """<li><a href="{{ .node.RelPermalink }}">{{ .node.Title }}</a>{{ if or (.node.Eq .current) (.current.IsDescendant .node) }}<ul>{{ $current := .current }}{{ range .node.Sections }}{{ partial "nav-node.html" (dict "node" . "current" $current) }}{{ end }}{{ range .node.RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}</li>
""",
}

# Zola 0.22: highlighting by Giallo, by class; internal links are `@/` links,
# whose pages and anchors Zola checks at build time (as handbook does). Paths
# are printed `| safe`: Tera would escape their slashes.
ZOLA_CONFIG = """title = "Synthetic handbook"
base_url = "https://bench.example.com"
compile_sass = false
build_search_index = false
generate_feeds = false
[markdown.highlighting]
theme = "github-dark"
style = "class"
error_on_missing_language = true
[link_checker]
internal_level = "error"
"""



def hugo_config(highlight):
    """Hugo's settings; `--highlight off` turns its highlighting off
    (`defaults` keeps it: Hugo highlights unless told not to)."""
    if highlight == "off":
        return HUGO_CONFIG.replace("  noClasses = false", "  codeFences = false")
    return HUGO_CONFIG


def zola_config(highlight):
    """Zola's settings; it highlights only with `[markdown.highlighting]`,
    which `--highlight off` and `defaults` leave out."""
    if highlight == "on":
        return ZOLA_CONFIG
    start = ZOLA_CONFIG.index("[markdown.highlighting]")
    end = ZOLA_CONFIG.index("[link_checker]")
    return ZOLA_CONFIG[:start] + ZOLA_CONFIG[end:]


ZOLA_TEMPLATES = {
    "base.html": """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{% block title %}{% endblock title %} · {{ config.title }}</title>
<link rel="canonical" href="{{ current_url | safe }}"></head>
<body><nav class="sidebar">{% block sidebar %}{% endblock sidebar %}</nav>
<main><nav class="breadcrumbs"><ol>{% block crumbs %}{% endblock crumbs %}</ol></nav>
{% block main %}{% endblock main %}</main></body></html>
""",
    # The sidebar: the top-level sections, opened down to the section `open`
    # (a path as `get_section` takes it, e.g. `area-000/section-01/_index.md`),
    # whose pages are listed; the sections on the way show their subsections.
    "macros.html": """{% macro sidebar(open) %}{% set home = get_section(path="_index.md", metadata_only=true) %}<ul>{% for path in home.subsections %}{{ self::node(path=path, open=open) }}{% endfor %}</ul>{% endmacro sidebar %}
{% macro node(path, open) %}{% set s = get_section(path=path, metadata_only=true) %}<li><a href="{{ s.path | safe }}">{{ s.title }}</a>{% if open is starting_with(path | replace(from="_index.md", to="")) %}<ul>{% for sub in s.subsections %}{{ self::node(path=sub, open=open) }}{% endfor %}{% if path == open %}{% set full = get_section(path=path) %}{% for p in full.pages %}<li><a href="{{ p.path | safe }}">{{ p.title }}</a></li>{% endfor %}{% endif %}</ul>{% endif %}</li>{% endmacro node %}
{% macro crumbs(ancestors) %}{% for path in ancestors %}{% set s = get_section(path=path, metadata_only=true) %}<li><a href="{{ s.path | safe }}">{{ s.title }}</a></li>{% endfor %}{% endmacro crumbs %}
{% macro toc(headings) %}<ul>{% for h in headings %}<li><a href="#{{ h.id }}">{{ h.title }}</a>{% if h.children %}<ul>{% for c in h.children %}<li><a href="#{{ c.id }}">{{ c.title }}</a></li>{% endfor %}</ul>{% endif %}</li>{% endfor %}</ul>{% endmacro toc %}
""",
    "page.html": """{% extends "base.html" %}{% import "macros.html" as m %}
{% block title %}{{ page.title }}{% endblock title %}
{% block sidebar %}{{ m::sidebar(open=page.ancestors | last) }}{% endblock sidebar %}
{% block crumbs %}{{ m::crumbs(ancestors=page.ancestors) }}<li>{{ page.title }}</li>{% endblock crumbs %}
{% block main %}<h1>{{ page.title }}</h1><p>{{ page.reading_time }} min read</p>
<aside class="toc-column">{{ m::toc(headings=page.toc) }}</aside>{{ page.content | safe }}
<nav class="pager">{% if page.lower %}<a href="{{ page.lower.path | safe }}">{{ page.lower.title }}</a>{% endif %}{% if page.higher %}<a href="{{ page.higher.path | safe }}">{{ page.higher.title }}</a>{% endif %}</nav>{% endblock main %}
""",
    "section.html": """{% extends "base.html" %}{% import "macros.html" as m %}
{% block title %}{{ section.title }}{% endblock title %}
{% block sidebar %}{{ m::sidebar(open=section.relative_path) }}{% endblock sidebar %}
{% block crumbs %}{{ m::crumbs(ancestors=section.ancestors) }}<li>{{ section.title }}</li>{% endblock crumbs %}
{% block main %}<h1>{{ section.title }}</h1>{{ section.content | safe }}<ul>{% for path in section.subsections %}{% set s = get_section(path=path, metadata_only=true) %}<li><a href="{{ s.path | safe }}">{{ s.title }}</a></li>{% endfor %}{% for p in section.pages %}<li><a href="{{ p.path | safe }}">{{ p.title }}</a></li>{% endfor %}</ul>{% endblock main %}
""",
}
ZOLA_TEMPLATES["index.html"] = ZOLA_TEMPLATES["section.html"]

# The plain layouts (`bench/run.sh --peer-layout plain`): each peer as
# fast as it goes, a page with its title, table of contents and content, no
# sidebar, breadcrumbs or neighbours; sections list their pages. Settings
# (highlighting, link checking) as above. handbook keeps its default theme:
# this measures the peers at their lightest, not like for like.
HUGO_PLAIN_LAYOUTS = {
    "_default/baseof.html": """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title></head>
<body><main>{{ block "main" . }}{{ end }}</main></body></html>
""",
    "_default/single.html": """{{ define "main" }}<h1>{{ .Title }}</h1><aside class="toc-column">{{ .TableOfContents }}</aside>{{ .Content }}{{ end }}
""",
    "_default/list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
""",
}

ZOLA_PLAIN_TEMPLATES = {
    "page.html": """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ page.title }} · {{ config.title }}</title></head>
<body><main><h1>{{ page.title }}</h1><aside class="toc-column"><ul>{% for h in page.toc %}<li><a href="#{{ h.id }}">{{ h.title }}</a>{% if h.children %}<ul>{% for c in h.children %}<li><a href="#{{ c.id }}">{{ c.title }}</a></li>{% endfor %}</ul>{% endif %}</li>{% endfor %}</ul></aside>{{ page.content | safe }}</main></body></html>
""",
    "section.html": """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ section.title }} · {{ config.title }}</title></head>
<body><main><h1>{{ section.title }}</h1>{{ section.content | safe }}<ul>{% for p in section.pages %}<li><a href="{{ p.path | safe }}">{{ p.title }}</a></li>{% endfor %}</ul></main></body></html>
""",
}
ZOLA_PLAIN_TEMPLATES["index.html"] = ZOLA_PLAIN_TEMPLATES["section.html"]

# mdBook: page rendering only. No print page (every page again in one file,
# which no other tool writes) and no search index: mdBook's is one
# elasticlunr file of the whole book, which took 40% of its time and 85% of
# its memory on 1,000 wide pages (17.5 s and 1.3 GB against 10.1 s and
# 0.2 GB without). handbook still writes its own, so the comparison leans
# towards mdBook.
MDBOOK_CONFIG = """[book]
title = "Synthetic handbook"
src = "src"

[output.html]
site-url = "/"

[output.html.print]
enable = false

[output.html.search]
enable = false
"""
