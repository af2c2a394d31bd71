//! The common shapes of front matter read without the YAML parser: a flat
//! mapping of `key: value` lines whose values are plain words, quoted
//! strings without escapes, decimal integers, block lists of those, and
//! block lists of flat mappings of those (`- activity: Review` with
//! `  every: month` under it).
//!
//! A general YAML parser costs about 28,000 instructions for the two lines
//! most pages carry; this costs a few hundred. It answers only when it is
//! sure to give exactly what the parser gives: anything else (flow
//! collections, escapes, anchors, tags, multi-line scalars, duplicate keys,
//! words YAML reads as booleans, nulls or numbers, errors) is `None`, and
//! the caller asks the parser, so every value and every diagnostic stays the
//! parser's. `tests/yaml_flat_differential.rs` compares the two on every
//! page of the corpora and on hostile inputs.

use serde_json::{Map, Value};

/// The mapping, when the text is in the shapes this module knows.
pub fn mapping(text: &str) -> Option<Map<String, Value>> {
    // Line breaks other than `\n`, tabs, byte-order marks and control
    // characters all have rules of their own in YAML.
    if !text.chars().all(is_plain_char_or_newline) {
        return None;
    }
    let mut map = Map::new();
    let mut lines = text.split('\n').peekable();
    while let Some(line) = lines.next() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, rest) = line.split_once(':')?;
        if !is_plain_key(key) || map.contains_key(key) {
            return None;
        }
        let value = if rest.is_empty() {
            block_list(&mut lines)?
        } else {
            scalar(rest.strip_prefix(' ')?.trim_start_matches(' '))?
        };
        map.insert(key.to_string(), value);
    }
    (!map.is_empty()).then_some(map)
}

/// The items of a block list under a key (`- item` lines, all indented
/// alike), or null when the key has no value at all.
fn block_list<'a>(lines: &mut std::iter::Peekable<impl Iterator<Item = &'a str>>) -> Option<Value> {
    let mut items = Vec::new();
    let mut indent: Option<usize> = None;
    while let Some(&line) = lines.peek() {
        if line.is_empty() || line.starts_with('#') {
            lines.next();
            continue;
        }
        let spaces = line.len() - line.trim_start_matches(' ').len();
        let Some(item) = line[spaces..].strip_prefix("- ") else {
            // The next key: only at the left margin.
            if spaces > 0 {
                return None;
            }
            break;
        };
        if *indent.get_or_insert(spaces) != spaces {
            return None;
        }
        lines.next();
        items.push(match item.split_once(": ") {
            // `- activity: Review` and the `key: value` lines under it,
            // aligned with its first key.
            Some((key, value)) if is_plain_key(key) => item_mapping(key, value, spaces + 2, lines)?,
            _ => scalar(item.trim_start_matches(' '))?,
        });
    }
    Some(if indent.is_some() {
        Value::Array(items)
    } else {
        Value::Null
    })
}

/// A list item that is a mapping: its first `key: value` on the item's
/// line, the others on the lines below, indented `indent` spaces.
fn item_mapping<'a>(
    key: &str,
    value: &str,
    indent: usize,
    lines: &mut std::iter::Peekable<impl Iterator<Item = &'a str>>,
) -> Option<Value> {
    let mut map = Map::new();
    map.insert(key.to_string(), scalar(value.trim_start_matches(' '))?);
    while let Some(&line) = lines.peek() {
        let spaces = line.len() - line.trim_start_matches(' ').len();
        if spaces != indent {
            // The next item or key (or a blank or comment line, which the
            // list reads past); a line indented deeper is the parser's.
            if spaces > indent {
                return None;
            }
            break;
        }
        let (key, rest) = line[spaces..].split_once(':')?;
        if !is_plain_key(key) || map.contains_key(key) {
            return None;
        }
        map.insert(
            key.to_string(),
            scalar(rest.strip_prefix(' ')?.trim_start_matches(' '))?,
        );
        lines.next();
    }
    Some(Value::Object(map))
}

/// A value on one line: a quoted string without escapes, a decimal
/// integer, a date or a plain word YAML keeps as a string.
fn scalar(text: &str) -> Option<Value> {
    let first = text.chars().next()?;
    match first {
        '"' => quoted(text, '"'),
        '\'' => quoted(text, '\''),
        '0'..='9' | '-' => number_or_date(text),
        _ if first.is_alphabetic() || first == '/' => plain_string(text),
        _ => None,
    }
}

/// `"text"` or `'text'` with nothing after the closing quote and no quote
/// or backslash inside (escapes and doubled quotes are the parser's).
fn quoted(text: &str, quote: char) -> Option<Value> {
    let inner = text.strip_prefix(quote)?.strip_suffix(quote)?;
    if inner.contains(quote) || inner.contains('\\') {
        return None;
    }
    Some(Value::String(inner.to_string()))
}

/// `0`, `42`, `-7` (no sign `+`, no leading zero, at most 18 digits, so it
/// fits every integer type the parser tries) or a `2024-05-01` date, which
/// the parser keeps as a string.
fn number_or_date(text: &str) -> Option<Value> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(digits) => (true, digits),
        None => (false, text),
    };
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        let leading_zero = digits.len() > 1 && digits.starts_with('0');
        if digits.len() > 18 || leading_zero || (negative && digits == "0") {
            return None;
        }
        return text.parse::<i64>().ok().map(Value::from);
    }
    let bytes = text.as_bytes();
    let is_date = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    is_date.then(|| Value::String(text.to_string()))
}

/// Words that start with a letter or `/`: a string unless YAML reads them
/// as something else. `:` followed by a space and ` #` end a plain scalar,
/// trailing spaces are dropped by the parser: all left to it.
fn plain_string(text: &str) -> Option<Value> {
    if text.ends_with(' ') || text.contains(": ") || text.ends_with(':') || text.contains(" #") {
        return None;
    }
    if READ_AS_OTHER_TYPES
        .iter()
        .any(|word| word.eq_ignore_ascii_case(text))
    {
        return None;
    }
    Some(Value::String(text.to_string()))
}

/// Plain words a YAML reader (of one version or another) may take for a
/// boolean, a null or a float; compared without case.
const READ_AS_OTHER_TYPES: &[&str] = &[
    "true", "false", "null", "yes", "no", "on", "off", "y", "n", "inf", "infinity", "nan",
];

/// A key of letters, digits, `_` and `-`, starting with a letter or `_`,
/// that YAML reads as that string.
fn is_plain_key(key: &str) -> bool {
    let mut bytes = key.bytes();
    // The YAML reader looks no further than 1024 characters for a key's `:`.
    key.len() < 1024
        && bytes
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && !READ_AS_OTHER_TYPES
            .iter()
            .any(|word| word.eq_ignore_ascii_case(key))
}

/// What YAML reads as content in every context: printable characters other
/// than tabs, the line breaks NEL, LS and PS, and the byte-order mark.
fn is_plain_char_or_newline(c: char) -> bool {
    match c {
        '\n' | ' '..='~' => true,
        '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}' => false,
        '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'.. => true,
        _ => false,
    }
}
