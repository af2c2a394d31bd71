"""The heading ids real Python-Markdown gives each document, as MkDocs renders
it: the extensions MkDocs always loads (toc with its default slugify,
tables, fenced_code) and those the site's mkdocs.yml names under
`markdown_extensions`, with their settings, as MkDocs passes them. Reads a
JSON array of Markdown documents on stdin, writes a JSON array with each
document's heading ids in page order. Run by tests/heading_ids_differential.rs:

    python3 python_markdown_ids.py [--mkdocs PATH/mkdocs.yml]

`python3 python_markdown_ids.py --characters` instead writes what the toc
slugify makes of every single code point.
"""

import json
import sys
import unicodedata

import markdown
from markdown.extensions.toc import slugify
from markdown.treeprocessors import Treeprocessor

MKDOCS_DEFAULT_EXTENSIONS = ["toc", "tables", "fenced_code"]
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


class IdRecorder(Treeprocessor):
    """Runs after toc (priority 5) and notes every heading's id."""

    def __init__(self, md, found):
        super().__init__(md)
        self.found = found

    def run(self, root):
        for element in root.iter():
            if element.tag in HEADINGS:
                self.found.append(element.get("id", ""))


def mkdocs_extensions(path):
    """MkDocs' defaults plus the site's `markdown_extensions` (names, or
    one-key mappings of a name to its settings)."""
    extensions = list(MKDOCS_DEFAULT_EXTENSIONS)
    configs = {}
    if path:
        import yaml  # pymdown-extensions' dependency; only MkDocs sites need it

        class Loader(yaml.SafeLoader):
            """mkdocs.yml may carry `!!python/name:` tags; they name settings
            of other extensions, not anything ids depend on."""

        Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda *_: None)
        Loader.add_multi_constructor("!", lambda *_: None)
        with open(path, encoding="utf-8") as file:
            site = yaml.load(file, Loader=Loader) or {}
        for entry in site.get("markdown_extensions") or []:
            if isinstance(entry, dict):
                for name, settings in entry.items():
                    if name not in extensions:
                        extensions.append(name)
                    configs[name] = settings or {}
            elif entry not in extensions:
                extensions.append(entry)
    return extensions, configs


def ids_of(text, extensions, configs):
    found = []
    md = markdown.Markdown(extensions=extensions, extension_configs=configs)
    md.treeprocessors.register(IdRecorder(md, found), "id_recorder", 1)
    try:
        md.convert(text)
    except Exception as error:  # a crash is reported, not fatal
        print(f"Python-Markdown failed: {error!r}", file=sys.stderr)
        return None
    return found


def ranges(points):
    out = []
    for point in points:
        if out and out[-1][1] == point - 1:
            out[-1][1] = point
        else:
            out.append([point, point])
    return out


def characters():
    removed, unassigned, changed = [], [], {}
    for point in range(0x110000):
        if 0xD800 <= point <= 0xDFFF:
            continue
        char = chr(point)
        if unicodedata.category(char) == "Cn":
            unassigned.append(point)
        slug = slugify(char, "-")
        if slug == "":
            removed.append(point)
        elif slug != char:
            changed[str(point)] = slug
    return {"removed": ranges(removed), "changed": changed, "unassigned": ranges(unassigned)}


if __name__ == "__main__":
    if sys.argv[1:] == ["--characters"]:
        print(json.dumps(characters()))
    else:
        mkdocs = sys.argv[2] if sys.argv[1:2] == ["--mkdocs"] else None
        extensions, configs = mkdocs_extensions(mkdocs)
        documents = json.load(sys.stdin)
        print(json.dumps([ids_of(text, extensions, configs) for text in documents]))
