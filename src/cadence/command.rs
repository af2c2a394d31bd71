//! `handbook cadence`: the rhythm in the terminal, and `--suggest`, which
//! turns a page's prose cadences into front matter.

use std::path::Path;

use super::index::{ActivityView, RhythmView};
use super::prose;
use super::vocabulary::Vocabulary;
use crate::config::SiteConfig;
use crate::content::front_matter;
use crate::diagnostics::Diagnostic;
use crate::markdown::{self, RenderOptions};

/// The front matter YAML for the prose cadences of the file at `path`, and
/// how many it found. `None` when the file has none.
pub fn suggest(
    path: &Path,
    site: &SiteConfig,
    vocabulary: &Vocabulary,
) -> Result<Option<(String, usize)>, Box<Diagnostic>> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| Diagnostic::error("io", format!("cannot read {shown}: {e}")))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let split =
        front_matter::split(text).map_err(|e| front_matter::error_diagnostic(&shown, text, &e))?;
    let options = RenderOptions {
        smart_punctuation: site.markdown.smart_punctuation,
        parse_block_html: site.markdown.parse_block_html,
        erb: shown.ends_with(".erb"),
        html: false,
        ..RenderOptions::standalone(site.markdown.heading_ids)
    };
    let rendered = markdown::render(&text[split.body_start..], split.body_start, &options);
    let found = prose::scan(
        text,
        split.body_start,
        &rendered.headings,
        site.markdown.heading_ids,
        vocabulary,
    );
    if found.is_empty() {
        return Ok(None);
    }
    Ok(Some((
        prose::suggest_yaml(&found, &rendered.anchors, vocabulary),
        found.len(),
    )))
}

/// The rhythm as an aligned text table, one activity a line.
pub fn table(view: &RhythmView) -> String {
    let header = ["CADENCE", "ACTIVITY", "WHEN", "OWNER", "PAGE"];
    let rows: Vec<[String; 5]> = view.activities.iter().map(row).collect();
    let mut widths = header.map(|h| h.chars().count());
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &[String]| {
        let mut text = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == cells.len() {
                text.push_str(cell);
            } else {
                text.push_str(cell);
                text.extend(std::iter::repeat_n(' ', w - cell.chars().count() + 2));
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(&header.map(str::to_string));
    for r in &rows {
        line(r);
    }
    out
}

fn row(a: &ActivityView) -> [String; 5] {
    let every: Vec<&str> = a.every.iter().map(|c| c.label.as_str()).collect();
    let fragment = if a.section.is_empty() {
        String::new()
    } else {
        format!("#{}", a.section)
    };
    [
        every.join(" / "),
        a.activity.clone(),
        a.when.clone(),
        if a.owner.is_empty() {
            "-".into()
        } else {
            a.owner.clone()
        },
        format!("{}{fragment}", a.page.source),
    ]
}
