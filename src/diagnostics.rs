//! Diagnostics: what every stage reports to the user.
//!
//! Stages keep byte offsets while they work; a [`Diagnostic`] is made at the edge
//! with a [`LineIndex`] so it carries its own file, line, column and source line,
//! and can be printed by any emitter without going back to the file.

use std::fmt::Write as _;
use std::ops::Range;

use annotate_snippets::{Level, Renderer, Snippet};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// Where in a source file a diagnostic points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// The whole source line, without its line ending.
    #[serde(skip)]
    pub source_line: String,
    /// Byte range inside `source_line` to underline.
    #[serde(skip)]
    pub underline: Range<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// File path as shown to the user (relative to the content folder or site root).
    pub file: Option<String>,
    pub location: Option<Location>,
    pub message: String,
    /// Short text under the underline.
    pub label: Option<String>,
    /// "did you mean ..." and similar.
    pub help: Option<String>,
    /// Machine-readable kind, e.g. `missing-page`, `front-matter`.
    pub code: &'static str,
    /// The link target, for link diagnostics.
    pub target: Option<String>,
}

impl Diagnostic {
    pub fn new(severity: Severity, code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            file: None,
            location: None,
            message: message.into(),
            label: None,
            help: None,
            code,
            target: None,
        }
    }
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message)
    }
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message)
    }
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }
    /// Point at `span` (byte offsets) in `text`, the file's full contents.
    pub fn at(mut self, text: &str, span: Range<usize>) -> Self {
        self.location = Some(LineIndex::new(text).location(text, span));
        self
    }
    pub fn at_location(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    pub fn with_target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
    pub fn line(&self) -> usize {
        self.location.as_ref().map_or(1, |l| l.line)
    }
    pub fn column(&self) -> usize {
        self.location.as_ref().map_or(1, |l| l.column)
    }
}

/// Turns byte offsets into line and column, built once per file.
pub struct LineIndex {
    line_starts: Vec<usize>,
    /// The last offset whose column was counted, and that column: the next
    /// span on the same line counts on from there, so a line holding 100,000
    /// diagnostics is read once, not once per diagnostic.
    last_column: std::cell::Cell<(usize, usize)>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex {
            line_starts,
            last_column: std::cell::Cell::new((0, 1)),
        }
    }

    /// 1-based column, in characters, of `offset` on the line starting at
    /// `line_start` (a char boundary).
    fn column(&self, text: &str, line_start: usize, offset: usize) -> usize {
        let (last, last_column) = self.last_column.get();
        let column = if last >= line_start && last <= offset {
            last_column + text[last..offset].chars().count()
        } else {
            text[line_start..offset].chars().count() + 1
        };
        self.last_column.set((offset, column));
        column
    }

    /// 0-based line number of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    pub fn location(&self, text: &str, span: Range<usize>) -> Location {
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let end = floor_char_boundary(text, span.end.clamp(start, text.len()));
        let line = self.line_of(start);
        let line_start = self.line_starts[line];
        let line_end = self
            .line_starts
            .get(line + 1)
            .map_or(text.len(), |next| next - 1)
            .min(text.len());
        let source_line = text[line_start..line_end].trim_end_matches('\r');
        let column = self.column(text, line_start, start);
        let underline_start = (start - line_start).min(source_line.len());
        let underline_end =
            (end.min(line_end) - line_start).clamp(underline_start, source_line.len());
        let (shown, underline) = window(source_line, underline_start..underline_end);
        Location {
            line: line + 1,
            column,
            source_line: shown,
            underline,
        }
    }
}

/// Longest source line shown in full; longer ones are cut around the span.
const MAX_SHOWN_LINE: usize = 240;

/// A long line cut to a window around `span` (`…` marks the cuts), with the
/// span moved into the window and shortened to fit.
fn window(line: &str, span: Range<usize>) -> (String, Range<usize>) {
    if line.len() <= MAX_SHOWN_LINE {
        return (line.to_string(), span);
    }
    let start = floor_char_boundary(line, span.start.saturating_sub(60));
    let span_end = ceil_char_boundary(line, span.end.min(span.start + MAX_SHOWN_LINE / 2));
    let end = ceil_char_boundary(line, (span_end + 60).min(line.len()));
    let prefix = if start > 0 { "…" } else { "" };
    let mut shown = String::with_capacity(end - start + 8);
    shown.push_str(prefix);
    shown.push_str(&line[start..end]);
    if end < line.len() {
        shown.push('…');
    }
    let offset = prefix.len() + span.start - start;
    (shown, offset..offset + (span_end - span.start))
}

pub fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    if index >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

pub fn ceil_char_boundary(text: &str, mut index: usize) -> usize {
    if index >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(index) {
        index += 1;
    }
    index
}

/// Prints diagnostics the way rustc does: `file:line:col`, the source line, the
/// span underlined, help below.
pub fn render_human(diagnostic: &Diagnostic, color: bool) -> String {
    let level = match diagnostic.severity {
        Severity::Error => Level::Error,
        Severity::Warning => Level::Warning,
    };
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let origin;
    // The column annotate-snippets computes, in the shown line.
    let mut shown_column = 0;
    let mut message = level.title(&diagnostic.message);
    match (&diagnostic.file, &diagnostic.location) {
        (Some(file), Some(location)) => {
            let label = diagnostic.label.as_deref().unwrap_or("");
            let mut underline = location.underline.clone();
            // annotate-snippets shows no line for an empty source, and then
            // names line 1 in its header: give it a blank to point at.
            let line = match location.source_line.as_str() {
                "" => " ",
                line => line,
            };
            underline.start = floor_char_boundary(line, underline.start);
            underline.end = ceil_char_boundary(line, underline.end.max(underline.start));
            if underline.is_empty() {
                // annotate-snippets needs something to point at: the next
                // character, or the last one at the end of a line.
                underline.end = ceil_char_boundary(line, underline.start + 1);
                if underline.is_empty() && underline.start > 0 {
                    underline.start = floor_char_boundary(line, underline.start - 1);
                }
            }
            shown_column = line[..underline.start].chars().count() + 1;
            message = message.snippet(
                Snippet::source(line)
                    .line_start(location.line)
                    .origin(file)
                    .annotation(level.span(underline).label(label)),
            );
        }
        (Some(file), None) => {
            origin = file.clone();
            message = message.snippet(Snippet::source("").origin(&origin));
        }
        _ => {}
    }
    if let Some(help) = &diagnostic.help {
        message = message.footer(Level::Help.title(help));
    }
    let mut out = String::new();
    let _ = write!(out, "{}", renderer.render(message));
    if let (Some(file), Some(location)) = (&diagnostic.file, &diagnostic.location) {
        correct_header_column(&mut out, file, location, shown_column);
    }
    out
}

/// annotate-snippets counts the column in the line it is given; a long line
/// is cut to a window (`…` and a suffix of the line), so its `--> file:l:c`
/// header must be given the column in the whole line.
fn correct_header_column(out: &mut String, file: &str, location: &Location, shown_column: usize) {
    if shown_column == location.column {
        return;
    }
    let shown = format!("{file}:{}:{shown_column}", location.line);
    let mut line_start = 0;
    for line in out.split_inclusive('\n') {
        let header = line.trim_end();
        // The sigil may be wrapped in colour codes; the position follows it.
        if header.ends_with(&shown) && header.contains("-->") {
            let at = line_start + header.len() - shown.len();
            let real = format!("{file}:{}:{}", location.line, location.column);
            out.replace_range(at..at + shown.len(), &real);
            return;
        }
        line_start += line.len();
    }
}

/// A collection of diagnostics from one run, with counts.
#[derive(Debug, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    pub fn push(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }
    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.diagnostics.extend(ds);
    }
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
    /// Stable order: by file, then position, so output does not depend on threads.
    pub fn sort(&mut self) {
        self.diagnostics.sort_by(|a, b| {
            (a.file.as_deref(), a.line(), a.column()).cmp(&(
                b.file.as_deref(),
                b.line(),
                b.column(),
            ))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let text = "first\nsé [x](/y/)\n";
        let span = text.find("/y/").unwrap()..text.find("/y/").unwrap() + 3;
        let loc = LineIndex::new(text).location(text, span);
        assert_eq!((loc.line, loc.column), (2, 8));
        assert_eq!(loc.source_line, "sé [x](/y/)");
        assert_eq!(&loc.source_line[loc.underline.clone()], "/y/");
    }

    #[test]
    fn long_lines_are_cut_around_the_span() {
        let text = format!("{}[x](/target/){}", "a".repeat(5000), "b".repeat(5000));
        let at = text.find("/target/").unwrap();
        let loc = LineIndex::new(&text).location(&text, at..at + 8);
        assert!(loc.source_line.len() < 300, "{}", loc.source_line.len());
        assert_eq!(&loc.source_line[loc.underline.clone()], "/target/");
        assert_eq!(loc.column, 5005);
        // The header names the column in the whole line, not in the window.
        let d = Diagnostic::warning("missing-page", "broken link")
            .in_file("a.md")
            .at(&text, at..at + 8);
        for color in [false, true] {
            let out = render_human(&d, color);
            assert!(out.contains("a.md:1:5005"), "{out}");
        }
    }

    #[test]
    fn a_diagnostic_on_an_empty_line_names_that_line() {
        let text = "---\n\n{title: [1]}\n---\n";
        let d = Diagnostic::error("front-matter", "`title` must be text")
            .in_file("a.md")
            .at(text, 4..4);
        let out = render_human(&d, false);
        assert!(out.contains("--> a.md:2:1"), "{out}");
        assert!(out.contains("2 |"), "{out}");
    }

    #[test]
    fn human_output_names_file_line_and_column() {
        let text = "a\nbad: [\n";
        let d = Diagnostic::error("front-matter", "invalid YAML")
            .in_file("a.md")
            .at(text, 7..8)
            .with_help("close the list");
        let out = render_human(&d, false);
        assert!(out.contains("error: invalid YAML"), "{out}");
        assert!(out.contains("--> a.md:2:6"), "{out}");
        assert!(out.contains("help: close the list"), "{out}");
    }
}
