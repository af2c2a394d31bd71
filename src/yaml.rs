//! YAML, the one place `serde_yaml` (deprecated upstream) is named: front
//! matter, data files and other generators' settings are read through here
//! as JSON values, with the parser's error position as a line and column,
//! so the parser can be swapped in one place.

use serde_json::{Map, Value};

/// A YAML error: the parser's message (without its own position suffix)
/// and the 1-based line and column it points at.
#[derive(Debug)]
pub struct YamlError {
    pub message: String,
    pub location: Option<(usize, usize)>,
}

pub mod flat;

/// The text as a JSON value. The common flat shapes of front matter are
/// read by [`flat::mapping`], which gives what the parser gives; the rest
/// by the parser.
pub fn to_json(text: &str) -> Result<Value, YamlError> {
    match flat::mapping(text) {
        Some(map) => Ok(Value::Object(map)),
        None => to_json_by_parser(text),
    }
}

/// [`to_json`] always through the YAML parser (what the fast path is
/// compared with).
pub fn to_json_by_parser(text: &str) -> Result<Value, YamlError> {
    serde_yaml::from_str::<serde_yaml::Value>(text)
        .map(yaml_to_json)
        .map_err(|e| YamlError {
            message: strip_position_suffix(&e.to_string()),
            location: e.location().map(|l| (l.line(), l.column())),
        })
}

/// A whole YAML document (another generator's `_config.yml`, say) as a JSON
/// map; `None` when it is not valid YAML or not a mapping.
pub fn document(text: &str) -> Option<Map<String, Value>> {
    if too_deep_flow(text).is_some() {
        return None;
    }
    match to_json(text).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// A YAML data file (`_data/team.yml`) as JSON: any shape, `None` when it
/// is not valid YAML or nests deeper than front matter may.
pub fn value(text: &str) -> Option<Value> {
    if too_deep_flow(text).is_some() {
        return None;
    }
    to_json(text).ok()
}

/// serde_yaml appends " at line X column Y"; we show the position ourselves.
fn strip_position_suffix(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

fn yaml_to_json(value: serde_yaml::Value) -> Value {
    use serde_yaml::Value as Y;
    match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Value::Null, Value::Number)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(mapping) => {
            let mut map = Map::new();
            for (k, v) in mapping {
                map.insert(yaml_key(k), yaml_to_json(v));
            }
            Value::Object(map)
        }
        // Ruby-style tags (`!ruby/object`): keep the value, drop the tag.
        Y::Tagged(tagged) => yaml_to_json(tagged.value),
    }
}

fn yaml_key(key: serde_yaml::Value) -> String {
    use serde_yaml::Value as Y;
    match key {
        Y::String(s) => s,
        Y::Bool(b) => b.to_string(),
        Y::Number(n) => n.to_string(),
        Y::Null => "null".into(),
        other => serde_yaml::to_string(&other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

/// Deeper `[`/`{` nesting than the YAML reader accepts (it stops at 128).
pub const MAX_FLOW_DEPTH: usize = 128;

/// Where flow collections (`[`, `{`) nest deeper than [`MAX_FLOW_DEPTH`]:
/// the YAML scanner's time grows with the square of the nesting before it
/// gives up, so such front matter is refused before it is read. Quoted
/// strings and comments are skipped; the count is otherwise approximate
/// only in being strict.
pub fn too_deep_flow(front: &str) -> Option<usize> {
    let bytes = front.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            quote @ (b'"' | b'\'') => {
                i += 1;
                while i < bytes.len() && bytes[i] != quote && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' && quote == b'"' {
                        2
                    } else {
                        1
                    };
                }
            }
            b'#' if i == 0 || bytes[i - 1].is_ascii_whitespace() => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}
