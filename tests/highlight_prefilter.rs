//! The one patch to syntect (`vendor/syntect/PATCHED.md`): before Oniguruma
//! searches a grammar's pattern, a DFA of a relaxed form of the pattern says
//! where a match may start, or that none can. The relaxed form must match
//! wherever the pattern does, so that Oniguruma, searching from there,
//! finds what it would have found alone. Checked here on every pattern of
//! every grammar `handbook` ships, against Oniguruma itself, on code lines
//! of the real corpora, and on the highlighted HTML of their code blocks.

use crate::common;

use std::collections::BTreeSet;
use std::path::Path;

use onig::{MatchParam, RegexOptions, SearchOptions, Syntax};
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::syntax_definition::Pattern;
use syntect::parsing::{
    dfa_prefilter_first_bytes, dfa_prefilter_pattern, set_dfa_prefilter, Regex, Region, Relaxed,
    SyntaxSet,
};
use syntect::util::LinesWithEndings;
use walkdir::WalkDir;

#[test]
fn relaxed_patterns_keep_every_match_and_refuse_what_they_do_not_know() {
    let cases = [
        (
            r"\s*\b(?i:select|from)\b(?=\s)",
            Some((r"\s*\b(?i:select|from)\b(?:)", false)),
        ),
        (
            r"\s*\b(?i:select|from)\b",
            Some((r"\s*\b(?i:select|from)\b", true)),
        ),
        (r"(?<=\.)\w++", Some((r"(?:)\w+", false))),
        (
            r#"(['"])(?:\\.|.)*?\1"#,
            Some((r#"(?:['"])(?:\\.|.)*?(?s:.*)"#, false)),
        ),
        ("(?x) a  b # note\n c", Some(("abc", true))),
        (r"(?x: a [ ] )b", Some((r"(?:a[ ])b", false))),
        (
            r"\h{2,}|\<|{x}|a{,3}",
            Some((r"[0-9a-fA-F]{2,}|<|\{x\}|a{0,3}", true)),
        ),
        (r"^\s*$|\Z", Some((r"(?m:^)\s*(?m:$)|(?m:$)", false))),
        (r"\s*$|\Z", Some((r"\s*(?m:$)|(?m:$)", true))),
        (r"(?m).(?-m)(?i)a", Some((r"(?s).(?i)a", false))),
        (r"(?>a|b)c", Some((r"(?:a|b)c", false))),
        (
            r"(?<name>a)(?#note)[[:alpha:]\h\]]",
            Some((r"(?:a)[[:alpha:]0-9a-fA-F\]]", false)),
        ),
        (r"\G\w", None),
        (r"\k<n>", None),
        (
            r"\b[\p{L}_][\p{L}\p{N}_]*\b|\p{Lu}\P{Ll}",
            Some((r"\b[A-Za-z_][A-Za-z0-9_]*\b|[A-Z][^a-z]", true)),
        ),
        (r"\p{Greek}", None),
        (r"a{2}+", None),
        (r"[a--b]", None),
        (r"[[:]", None),
        (r"(?~abc)", None),
        ("é", None),
    ];
    for (pattern, relaxed) in cases {
        let expected = relaxed.map(|(pattern, exact)| Relaxed {
            pattern: pattern.to_owned(),
            exact,
        });
        assert_eq!(dfa_prefilter_pattern(pattern), expected, "{pattern}");
    }
    // Nesting deeper than the translation recurses is refused.
    for open in ["(", "(?:", "[", "(?=["] {
        assert_eq!(dfa_prefilter_pattern(&open.repeat(100_000)), None, "{open}");
    }
}

/// Every prefix and suffix of every grammar pattern (patterns cut anywhere,
/// as a site's own grammar might be written) is translated or refused,
/// never a panic.
#[test]
fn patterns_cut_anywhere_are_translated_or_refused() {
    let set = SyntaxSet::load_defaults_newlines();
    let mut translated = 0usize;
    // The long keyword lists are left out: cutting them everywhere takes
    // minutes and reaches nothing the short ones do not.
    for pattern in grammar_patterns(&set)
        .iter()
        .filter(|pattern| pattern.len() <= 400)
    {
        for (at, _) in pattern.char_indices() {
            translated += usize::from(dfa_prefilter_pattern(&pattern[..at]).is_some());
            translated += usize::from(dfa_prefilter_pattern(&pattern[at..]).is_some());
        }
    }
    assert!(translated > 10_000, "{translated} translated");
}

/// A match's groups, the whole match first: their start and end, if they took part.
type Places = Vec<Option<(usize, usize)>>;

/// What Oniguruma alone finds, as syntect configures it: the match and its
/// groups' places, or `None`; `Err` when it gave up (its limit on
/// backtracking, which a pattern nested like `((?:a\w*.)*b)` reaches on a
/// long line: searching from where the DFA points, it may then find the
/// match it gave up on).
fn oniguruma_search(
    regex: &onig::Regex,
    line: &str,
    start: usize,
) -> Result<Option<Places>, onig::Error> {
    let mut region = onig::Region::new();
    let found = regex.search_with_param(
        line,
        start,
        line.len(),
        SearchOptions::SEARCH_OPTION_NONE,
        Some(&mut region),
        MatchParam::default(),
    );
    Ok(found?.map(|_| (0..region.len()).map(|group| region.pos(group)).collect()))
}

/// What syntect (with the prefilter) finds: the places of the pattern's
/// `groups` (the whole match counted), or `None`.
fn syntect_search(regex: &Regex, groups: usize, line: &str, start: usize) -> Option<Places> {
    let mut region = Region::new();
    regex
        .search(line, start, line.len(), Some(&mut region))
        .then(|| (0..groups).map(|group| region.pos(group)).collect())
}

/// Every distinct pattern of every default grammar.
fn grammar_patterns(set: &SyntaxSet) -> BTreeSet<String> {
    let mut patterns = BTreeSet::new();
    for syntax in set.clone().into_builder().syntaxes() {
        for context in syntax.contexts.values() {
            for pattern in &context.patterns {
                if let Pattern::Match(pattern) = pattern {
                    patterns.insert(pattern.regex.regex_str().to_owned());
                }
            }
        }
    }
    patterns
}

/// The fenced code blocks of a folder's Markdown pages: language and text.
fn code_blocks(root: &Path) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    for entry in WalkDir::new(root).sort_by_file_name().into_iter().flatten() {
        let path = entry.path();
        if !path
            .extension()
            .is_some_and(|extension| extension == "md" || extension == "erb")
        {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let mut open: Option<(String, String)> = None;
        for line in text.lines() {
            let fence = line.trim_start();
            match open.take() {
                None if fence.starts_with("```") => {
                    let language = fence.trim_start_matches('`').trim();
                    open = Some((language.to_owned(), String::new()));
                }
                None => {}
                Some(block) if fence.starts_with("```") => blocks.push(block),
                Some((language, mut code)) => {
                    code.push_str(line);
                    code.push('\n');
                    open = Some((language, code));
                }
            }
        }
    }
    blocks
}

fn corpus_code_blocks() -> Option<Vec<(String, String)>> {
    let mut blocks = Vec::new();
    for name in [
        "gitlab-handbook",
        "microsoft-playbook",
        "homeoffice-engineering",
    ] {
        blocks.extend(code_blocks(&common::shared_corpus(name)?));
    }
    blocks.extend(code_blocks(&common::project_root().join("content")));
    Some(blocks)
}

/// Lines that reach the corners of the translation: brackets and angle
/// brackets, hex digits, tabs, quotes and escapes, keywords in both cases.
const TRICKY_LINES: &[&str] = &[
    "SELECT a, count(*) FROM t WHERE x = 'y' AND created_at > now() - interval '7 days';\n",
    "select\tdistinct \"Name\" from [dbo].[Users] -- note\n",
    "<div class=\"a\">&amp; <%= link_to 'x', y %></div>\n",
    "x = 0x1F + 0o17 + 1e-3j if a<b>c else r'\\d+' # comment\n",
    "def f(*args, **kw): return f\"{a!r:>10}\"\n",
    "  - name: \"value\" # comment\n",
    "key: &anchor !!str value\n",
    "for f in *.csv; do echo \"${f%.csv}\" | grep -v '^#' >> $OUT; done\n",
    "class A < B; def x(y) = y.map { |v| v * 2 }.select(&:z?) end\n",
    "{\"a\": [1, 2.5e10, true, null], \"b\": {\"c\": \"\\u00e9\\n\"}}\n",
    "}\n",
    "\n",
    "    \n",
    "end\n",
];

/// Before its DFA, the prefilter looks in the rest of the line for a byte
/// the pattern's matches can start with: none means no match, and none
/// starts before the first. A pattern that can match the empty string has
/// no such bytes.
#[test]
fn first_bytes_are_the_bytes_matches_start_with() {
    let first = |pattern: &str| dfa_prefilter_first_bytes(pattern).map(String::from_utf8);
    assert_eq!(first("#.*$"), Some(Ok("#".into())));
    assert_eq!(first(r"\b(?:\$|@)\w+"), Some(Ok("$@".into())));
    assert_eq!(first(r#"(?:"|')"#), Some(Ok("\"'".into())));
    assert_eq!(first("(?i)if"), Some(Ok("Ii".into())));
    // A lookbehind takes no byte; what may be skipped adds what follows.
    assert_eq!(first(r"(?<=\s)-?\d"), Some(Ok("-0123456789".into())));
    for pattern in [r"\s*", "(?:a|)", "^", "(?=x)", r"\b", "a?"] {
        assert_eq!(first(pattern), None, "{pattern}");
    }
    // Most of the grammars' patterns start with one of a few bytes.
    let set = SyntaxSet::load_defaults_newlines();
    let patterns = grammar_patterns(&set);
    let few = patterns
        .iter()
        .filter(|pattern| dfa_prefilter_first_bytes(pattern).is_some_and(|bytes| bytes.len() <= 3))
        .count();
    assert!(
        4 * few > patterns.len(),
        "{few} of {} patterns",
        patterns.len()
    );
}

/// Every grammar pattern, searched from the start, the middle and near the
/// end of each sample line, finds what Oniguruma alone finds, once the
/// pattern has been searched often enough to have its DFA.
#[test]
fn every_grammar_pattern_finds_what_oniguruma_finds() {
    let Some(blocks) = corpus_code_blocks() else {
        return;
    };
    let mut lines: BTreeSet<String> = TRICKY_LINES.iter().map(|line| line.to_string()).collect();
    let corpus_lines: BTreeSet<String> = blocks
        .iter()
        .flat_map(|(_, code)| {
            LinesWithEndings::from(code)
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .filter(|line| line.is_ascii() && line.len() > 3)
        .collect();
    // A spread of the corpora's lines, every one of them would take minutes.
    let step = (corpus_lines.len() / 150).max(1);
    lines.extend(corpus_lines.into_iter().step_by(step));
    let set = SyntaxSet::load_defaults_newlines();
    let patterns = grammar_patterns(&set);
    assert!(patterns.len() > 3_000, "{} patterns", patterns.len());
    let mut compared = 0usize;
    let mut gave_up = 0usize;
    for pattern in &patterns {
        let Ok(reference) = onig::Regex::with_options(
            pattern,
            RegexOptions::REGEX_OPTION_CAPTURE_GROUP,
            Syntax::default(),
        ) else {
            continue; // a pattern with a backreference to another's groups
        };
        let regex = Regex::new(pattern.clone());
        let groups = reference.captures_len() + 1;
        for warm_up in 0..16 {
            syntect_search(&regex, groups, "warm up\n", warm_up % 8);
        }
        for line in &lines {
            for start in [0, line.len() / 2, line.len().saturating_sub(2)] {
                let Ok(alone) = oniguruma_search(&reference, line, start) else {
                    gave_up += 1;
                    continue;
                };
                assert_eq!(
                    syntect_search(&regex, groups, line, start),
                    alone,
                    "pattern {pattern:?} on {line:?} from {start}"
                );
                compared += 1;
            }
        }
    }
    eprintln!(
        "{compared} searches compared on {} patterns and {} lines ({gave_up} where Oniguruma gave up)",
        patterns.len(),
        lines.len()
    );
    assert!(compared > 1_000_000, "{compared} searches compared");
}

fn highlighted(set: &SyntaxSet, blocks: &[(String, String)]) -> Vec<String> {
    let style = ClassStyle::SpacedPrefixed { prefix: "hl-" };
    blocks
        .iter()
        .filter_map(|(language, code)| {
            let syntax = set.find_syntax_by_token(language)?;
            let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, set, style);
            for line in LinesWithEndings::from(code) {
                generator
                    .parse_html_for_line_which_includes_newline(line)
                    .ok()?;
            }
            Some(generator.finalize())
        })
        .collect()
}

/// The code blocks of the three corpora and of the sample handbook,
/// highlighted with and without the prefilter: the same HTML.
#[test]
fn corpus_code_blocks_highlight_the_same_with_the_prefilter() {
    let Some(blocks) = corpus_code_blocks() else {
        return;
    };
    let set = SyntaxSet::load_defaults_newlines();
    set_dfa_prefilter(false);
    let alone = highlighted(&set, &blocks);
    set_dfa_prefilter(true);
    highlighted(&set, &blocks);
    let with_prefilter = highlighted(&set, &blocks);
    assert!(alone.len() > 500, "{} blocks highlighted", alone.len());
    for (index, (alone, with_prefilter)) in alone.iter().zip(&with_prefilter).enumerate() {
        assert_eq!(alone, with_prefilter, "block {index}");
    }
}
