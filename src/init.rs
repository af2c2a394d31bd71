//! `handbook init DIR`: a new handbook with site.toml, content/ and a first page.

use std::path::Path;

const SITE_TOML: &str = r#"# handbook site configuration. Every key is optional.
title = "Our Handbook"
description = "How we work."
base_url = "https://handbook.example.com"
# content_dir = "content"
# output_dir = "public"
# edit_url = "https://git.example.com/handbook/-/edit/main/content/"

[links]
# Broken internal links fail `handbook build` as well as `handbook check`.
broken = "warning"
# Paths that are served by other sites.
# ignore = ["^/company/"]
"#;

const INDEX: &str = r#"---
title: Our Handbook
description: How we work, in one place.
---

Welcome. This handbook is built with `handbook`.

- Read [how we plan](planning/) our year.
- Add a page: create a Markdown file in `content/`, give it a `title` in its
  front matter, and link to it.
"#;

const PLANNING: &str = r#"---
title: Planning
description: Our planning rhythm.
weight: 1
cadence:
  - activity: Quarterly planning
    every: quarterly
    owner: Leadership team
    section: quarterly-planning
---

## Quarterly planning

Each quarter we agree on priorities. Back to the [home page](/).
"#;

pub fn init(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .map(|mut d| d.next().is_none())
            .map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        if !empty {
            return Err(format!("{} already exists and is not empty", dir.display()));
        }
    }
    let write = |rel: &str, text: &str| {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    write("site.toml", SITE_TOML)?;
    write("content/index.md", INDEX)?;
    write("content/planning/index.md", PLANNING)?;
    write(".gitignore", "/public/\n/.handbook-cache/\n")?;
    Ok(())
}
