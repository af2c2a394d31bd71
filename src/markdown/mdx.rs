//! MDX, as Docusaurus reads its `.mdx` pages (and its `.md` pages, which
//! Docusaurus 3 reads as MDX too): what is JavaScript rather than Markdown
//! is left out of the page, so readers never see it as text.
//!
//! - `import` and `export` statements at the top level: a block of lines
//!   from the statement to the next blank line, as MDX reads them;
//! - `{/* comments */}`.
//!
//! JSX components (`<Tabs>`, `<TabItem value="a" label="A">`) stay as
//! raw HTML: a browser shows what they hold.

use super::kramdown::{Builder, OffsetMap};

/// The body without its ESM statements and comments, with a map back to
/// it; `None` when it has none (most pages).
pub fn strip(body: &str) -> Option<(String, OffsetMap)> {
    let has_esm = body.contains("import ") || body.contains("export ");
    if !has_esm && !body.contains("{/*") {
        return None;
    }
    let mut builder = Builder::new(body);
    let mut copied = 0;
    let mut changed = false;
    let mut fence: Option<(u8, usize)> = None;
    let mut skipping_statement = false;
    let mut line_start = 0;
    while line_start < body.len() {
        let line_end = body[line_start..]
            .find('\n')
            .map_or(body.len(), |i| line_start + i + 1);
        let line = &body[line_start..line_end];
        let blank = line.trim().is_empty();
        if skipping_statement {
            if blank {
                skipping_statement = false;
                copied = line_start;
            }
        } else if let Some(marker) = fence {
            if closes_fence(line, marker) {
                fence = None;
            }
        } else if let Some(marker) = opens_fence(line) {
            fence = Some(marker);
        } else if line.starts_with("import ") || line.starts_with("export ") {
            builder.copy(copied..line_start);
            skipping_statement = true;
            changed = true;
        } else if let Some(start) = line.find("{/*") {
            // A comment may run over lines; its end is looked for from here.
            let from = line_start + start;
            if let Some(end) = body[from..].find("*/}").map(|i| from + i + 3) {
                builder.copy(copied..from);
                copied = end;
                changed = true;
                line_start = body[end..].find('\n').map_or(body.len(), |i| end + i + 1);
                continue;
            }
        }
        line_start = line_end;
    }
    if !changed {
        return None;
    }
    if !skipping_statement {
        builder.copy(copied..body.len());
    }
    Some(builder.finish())
}

/// The fence a line opens: its character and length (three or more
/// backticks or tildes, indented less than four spaces).
fn opens_fence(line: &str) -> Option<(u8, usize)> {
    let trimmed = line.trim_start_matches(' ');
    if line.len() - trimmed.len() > 3 {
        return None;
    }
    let first = *trimmed.as_bytes().first()?;
    if first != b'`' && first != b'~' {
        return None;
    }
    let run = trimmed.bytes().take_while(|&b| b == first).count();
    (run >= 3).then_some((first, run))
}

fn closes_fence(line: &str, (marker, length): (u8, usize)) -> bool {
    opens_fence(line).is_some_and(|(c, run)| c == marker && run >= length)
        && line.trim().bytes().all(|b| b == marker)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stripped(body: &str) -> String {
        strip(body).map_or_else(|| body.to_string(), |(text, _)| text)
    }

    #[test]
    fn statements_and_comments_are_left_out() {
        let body = "---\ntitle: T\n---\nimport Tabs from '@theme/Tabs';\nimport {\n  TabItem,\n} from '@theme/TabItem';\n\n# Setup {/* the first step */}\n\n<Tabs>\n<TabItem value=\"a\">\n\nRun it.\n\n</TabItem>\n</Tabs>\n\nexport const owner = 'ops';\n";
        assert_eq!(
            stripped(body),
            "---\ntitle: T\n---\n\n# Setup \n\n<Tabs>\n<TabItem value=\"a\">\n\nRun it.\n\n</TabItem>\n</Tabs>\n\n"
        );
        let (text, map) = strip(body).expect("stripped");
        let run = text.find("Run it").expect("run");
        assert_eq!(map.to_original(run), body.find("Run it").expect("run"));
    }

    #[test]
    fn code_and_prose_stay() {
        let body = "```js\nimport x from 'y';\n{/* kept */}\n```\n\nWe import goods.\n  import indented stays\n";
        assert_eq!(stripped(body), body);
        assert!(strip("Plain page.\n").is_none());
    }
}
