//! CODEOWNERS files as GitHub and GitLab read them: `pattern owner...`
//! lines, the last matching pattern wins; GitLab's `[Section]` and
//! optional `^[Section]` headers (with default owners after the header),
//! each section deciding on its own and the owners of every section
//! adding up; `!pattern` exclusions (GitLab: a matching file has no owner
//! in that section).
//!
//! Patterns follow the gitignore rules both platforms document: a pattern
//! with a `/` at its start or in its middle is anchored at the repository
//! root, one without floats (matches at any depth); a trailing `/` matches
//! everything below that folder; a pattern that names a folder matches its
//! whole contents, except `dir/*`, which matches the files directly in
//! `dir` only; `*` and `?` stay within one path segment, `**` spans any
//! number of them, `[abc]` is a character class.

use std::ops::Range;

/// Where handbooks keep the file, relative to the repository root, in the
/// order GitHub and GitLab look for it.
pub const LOCATIONS: &[&str] = &[
    ".github/CODEOWNERS",
    ".gitlab/CODEOWNERS",
    "CODEOWNERS",
    "docs/CODEOWNERS",
];

/// One pattern line.
#[derive(Debug, Clone)]
pub struct Rule {
    /// 1-based line in the file.
    pub line: usize,
    /// The pattern as written (with a leading `!` for an exclusion).
    pub pattern: String,
    pub owners: Vec<String>,
    /// `!pattern`: matching paths have no owner in this section.
    pub exclusion: bool,
    /// Index into [`CodeOwners::sections`].
    pub section: usize,
    glob: Glob,
}

/// A GitLab section (the part of the file before the first header is the
/// unnamed section 0).
#[derive(Debug, Clone)]
pub struct Section {
    pub name: String,
    pub optional: bool,
    /// Owners given on the header line, for the section's patterns that
    /// name none.
    pub default_owners: Vec<String>,
}

/// A parsed CODEOWNERS file.
#[derive(Debug, Clone, Default)]
pub struct CodeOwners {
    pub sections: Vec<Section>,
    pub rules: Vec<Rule>,
}

/// The owners a path gets, with the rule that gave each section's owners.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Match {
    pub owners: Vec<String>,
    /// Indices into [`CodeOwners::rules`] of the deciding rules.
    pub rules: Vec<usize>,
}

impl CodeOwners {
    /// Parses a file; lines that cannot be read are skipped, as both
    /// platforms skip them (GitHub shows them as errors in its UI).
    pub fn parse(text: &str) -> CodeOwners {
        let mut file = CodeOwners {
            sections: vec![Section {
                name: String::new(),
                optional: false,
                default_owners: Vec::new(),
            }],
            rules: Vec::new(),
        };
        for (n, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(section) = section_header(line) {
                // Sections with the same name (any case) are one section.
                let existing = file
                    .sections
                    .iter()
                    .position(|s| !s.name.is_empty() && s.name.eq_ignore_ascii_case(&section.name));
                if let Some(i) = existing {
                    file.sections[i]
                        .default_owners
                        .extend(section.default_owners);
                    file.rules.push(Rule::marker(i));
                } else {
                    file.sections.push(section);
                    file.rules.push(Rule::marker(file.sections.len() - 1));
                }
                continue;
            }
            let section = file.rules.last().map_or(0, |r| r.section);
            let (pattern, rest) = split_pattern(line);
            if pattern.is_empty() {
                continue;
            }
            let owners: Vec<String> = rest
                .split_whitespace()
                .take_while(|w| !w.starts_with('#'))
                .map(str::to_string)
                .collect();
            let (exclusion, glob_text) = match pattern.strip_prefix('!') {
                Some(rest) => (true, rest),
                None => (false, pattern.as_str()),
            };
            file.rules.push(Rule {
                line: n + 1,
                glob: Glob::new(glob_text),
                pattern: pattern.clone(),
                owners,
                exclusion,
                section,
            });
        }
        file.rules.retain(|r| r.line > 0);
        file
    }

    /// The owners of `path` (relative to the repository root, `/`-separated):
    /// in each section the last rule that matches decides; the sections'
    /// owners add up, in the order of the file.
    pub fn owners_of(&self, path: &str) -> Match {
        let segments = segments(path);
        let mut decided: Vec<Option<usize>> = vec![None; self.sections.len()];
        let mut settled = 0;
        for (i, rule) in self.rules.iter().enumerate().rev() {
            if decided[rule.section].is_some() || !rule.glob.matches(&segments) {
                continue;
            }
            decided[rule.section] = Some(i);
            settled += 1;
            if settled == self.sections.len() {
                break;
            }
        }
        let mut result = Match::default();
        for (section, rule) in decided.iter().enumerate() {
            let Some(i) = *rule else { continue };
            let rule = &self.rules[i];
            if rule.exclusion {
                continue;
            }
            let owners = if rule.owners.is_empty() {
                &self.sections[section].default_owners
            } else {
                &rule.owners
            };
            if owners.is_empty() {
                continue;
            }
            result.rules.push(i);
            for owner in owners {
                if !result.owners.contains(owner) {
                    result.owners.push(owner.clone());
                }
            }
        }
        result
    }

    /// Whether rule `i` matches a path given as its segments
    /// ([`segments`]).
    pub fn rule_matches(&self, i: usize, path: &[&str]) -> bool {
        self.rules
            .get(i)
            .is_some_and(|rule| rule.glob.matches(path))
    }

    /// The path rule `i` names when it is an anchored pattern without
    /// wildcards that covers what is below it (`/content/people/`): it
    /// matches exactly the paths at or below that one.
    pub fn plain_path(&self, i: usize) -> Option<String> {
        let glob = &self.rules.get(i)?.glob;
        if !glob.anchored || !glob.contents {
            return None;
        }
        let mut path = Vec::with_capacity(glob.segments.len());
        for segment in &glob.segments {
            match segment {
                Segment::Literal(text) => path.push(text.as_str()),
                _ => return None,
            }
        }
        (!path.is_empty()).then(|| path.join("/"))
    }

    /// Whether rule `i` can only match paths outside `prefix` (a folder
    /// relative to the repository root): an anchored pattern whose leading
    /// literal segments leave it.
    pub fn rule_outside(&self, i: usize, prefix: &str) -> bool {
        let Some(rule) = self.rules.get(i) else {
            return true;
        };
        if !rule.glob.anchored {
            return false;
        }
        let wanted = prefix.split('/').filter(|s| !s.is_empty());
        for (want, seg) in wanted.zip(&rule.glob.segments) {
            match seg {
                Segment::Literal(text) if text != want => return true,
                Segment::Literal(_) => {}
                _ => return false,
            }
        }
        false
    }
}

/// A `/`-separated path's segments.
pub fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

impl Rule {
    /// A placeholder that records where a section starts (dropped after
    /// parsing; line 0 marks it).
    fn marker(section: usize) -> Rule {
        Rule {
            line: 0,
            pattern: String::new(),
            owners: Vec::new(),
            exclusion: false,
            section,
            glob: Glob::new(""),
        }
    }
}

/// `[Name]`, `^[Name]`, `[Name][2]`, each optionally followed by default
/// owners.
fn section_header(line: &str) -> Option<Section> {
    let (optional, rest) = match line.strip_prefix('^') {
        Some(rest) => (true, rest),
        None => (false, line),
    };
    let rest = rest.strip_prefix('[')?;
    let close = rest.find(']')?;
    let name = rest[..close].trim();
    if name.is_empty() {
        return None;
    }
    let mut after = &rest[close + 1..];
    // An approval count: `[Name][2]`.
    if let Some(count) = after.strip_prefix('[') {
        let end = count.find(']')?;
        if !count[..end].chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        after = &count[end + 1..];
    }
    if !after.is_empty() && !after.starts_with(char::is_whitespace) {
        return None;
    }
    Some(Section {
        name: name.to_string(),
        optional,
        default_owners: after
            .split_whitespace()
            .take_while(|w| !w.starts_with('#'))
            .map(str::to_string)
            .collect(),
    })
}

/// The pattern (with `\ ` as a space and `\#` as `#`) and the rest of the line.
fn split_pattern(line: &str) -> (String, &str) {
    let mut pattern = String::new();
    let mut chars = line.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some((_, next @ (' ' | '#' | '\t'))) => pattern.push(next),
                Some((_, next)) => {
                    pattern.push('\\');
                    pattern.push(next);
                }
                None => pattern.push('\\'),
            },
            c if c.is_whitespace() => return (pattern, &line[at..]),
            c => pattern.push(c),
        }
    }
    (pattern, "")
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// `**`: any number of segments.
    AnyDepth,
    Literal(String),
    Wild(String),
}

/// A compiled pattern: segments matched against a path's segments.
#[derive(Debug, Clone)]
struct Glob {
    segments: Vec<Segment>,
    anchored: bool,
    /// Also matches everything below a matching folder.
    contents: bool,
}

impl Glob {
    fn new(pattern: &str) -> Glob {
        let trailing_slash = pattern.ends_with('/');
        let body = pattern.trim_end_matches('/');
        let anchored = body.starts_with('/') || body.trim_start_matches('/').contains('/');
        let body = body.trim_start_matches('/');
        let mut segments: Vec<Segment> = body
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| {
                if s == "**" {
                    Segment::AnyDepth
                } else if s.contains(['*', '?', '[']) {
                    Segment::Wild(s.to_string())
                } else {
                    Segment::Literal(s.replace('\\', ""))
                }
            })
            .collect();
        if !anchored && !segments.is_empty() {
            segments.insert(0, Segment::AnyDepth);
        }
        // `dir/*` names the files directly in `dir`; every other pattern
        // that matches a folder covers what is below it.
        let contents = trailing_slash || segments.last() != Some(&Segment::Wild("*".into()));
        Glob {
            segments,
            anchored,
            contents,
        }
    }

    fn matches(&self, path: &[&str]) -> bool {
        if self.segments.is_empty() {
            return false;
        }
        if self.contents {
            // The path itself, or any folder above it.
            (1..=path.len()).any(|len| match_segments(&self.segments, &path[..len]))
        } else {
            match_segments(&self.segments, path)
        }
    }
}

fn match_segments(pattern: &[Segment], path: &[&str]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((Segment::AnyDepth, rest)) => {
            (0..=path.len()).any(|skip| match_segments(rest, &path[skip..]))
        }
        Some((segment, rest)) => match path.split_first() {
            None => false,
            Some((first, tail)) => {
                let ok = match segment {
                    Segment::Literal(text) => text == first,
                    Segment::Wild(glob) => wildcard(glob.as_bytes(), first.as_bytes()),
                    Segment::AnyDepth => true,
                };
                ok && match_segments(rest, tail)
            }
        },
    }
}

/// `*`, `?`, `[...]` (with `!`/`^` negation and ranges) and `\x` within
/// one segment. Greedy with one backtracking point (the last `*`), so a
/// pattern of many stars takes time proportional to pattern x text, never
/// exponential.
fn wildcard(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    // (pattern position after the last `*`, text position it took up to)
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if pattern.get(p) == Some(&b'*') {
            p += 1;
            star = Some((p, t));
            continue;
        }
        if let Some(next) = step(pattern, p, text[t]) {
            p = next;
            t += 1;
            continue;
        }
        match star {
            Some((after_star, taken)) => {
                p = after_star;
                t = taken + 1;
                star = Some((after_star, taken + 1));
            }
            None => return false,
        }
    }
    pattern[p.min(pattern.len())..].iter().all(|&b| b == b'*')
}

/// Where the pattern continues when its element at `p` (not a `*`) matches
/// the byte `c`.
fn step(pattern: &[u8], p: usize, c: u8) -> Option<usize> {
    match *pattern.get(p)? {
        b'?' => Some(p + 1),
        b'[' => match class(&pattern[p + 1..]) {
            Some((set, after)) => in_class(set, c).then_some(pattern.len() - after.len()),
            None => (c == b'[').then_some(p + 1),
        },
        b'\\' if p + 1 < pattern.len() => (pattern[p + 1] == c).then_some(p + 2),
        b => (b == c).then_some(p + 1),
    }
}

/// The class's bytes and what follows its `]`.
fn class(after_open: &[u8]) -> Option<(&[u8], &[u8])> {
    let start = usize::from(after_open.first() == Some(&b']'));
    let end = after_open[start..].iter().position(|&b| b == b']')? + start;
    Some((&after_open[..end], &after_open[end + 1..]))
}

fn in_class(set: &[u8], c: u8) -> bool {
    let (negated, set) = match set.split_first() {
        Some((b'!' | b'^', rest)) => (true, rest),
        _ => (false, set),
    };
    let mut found = false;
    let mut i = 0;
    while i < set.len() {
        if i + 2 < set.len() && set[i + 1] == b'-' {
            found |= (set[i]..=set[i + 2]).contains(&c);
            i += 3;
        } else {
            found |= set[i] == c;
            i += 1;
        }
    }
    found != negated
}

/// The byte range of rule `line`'s pattern in `text`, for diagnostics.
pub fn pattern_span(text: &str, line: usize) -> Range<usize> {
    let mut start = 0;
    for (n, l) in text.split_inclusive('\n').enumerate() {
        if n + 1 == line {
            let lead = l.len() - l.trim_start().len();
            let first = l.split_whitespace().next().unwrap_or("");
            return start + lead..start + lead + first.len();
        }
        start += l.len();
    }
    0..0
}

#[cfg(test)]
#[path = "codeowners_tests.rs"]
mod tests;
