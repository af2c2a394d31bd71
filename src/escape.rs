//! Escaping text for HTML and XML: the one place that knows which characters
//! end an attribute, start a tag, or make an XML file unreadable. Every stage
//! that writes markup uses these, so a title or URL from any page is printed
//! the same way everywhere.

/// `text` escaped for HTML text and quoted attributes.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    html_into(text, &mut out);
    out
}

/// [`html`], appended to `out`. The text between the characters it
/// escapes is copied a run at a time (every title and URL a template prints
/// passes here, and most have nothing to escape).
pub fn html_into(text: &str, out: &mut String) {
    let mut rest = text;
    while let Some(at) = rest.bytes().position(|b| ESCAPED[usize::from(b)]) {
        out.push_str(&rest[..at]);
        out.push_str(match rest.as_bytes()[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        // The escaped characters are ASCII: `at + 1` is a character boundary.
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
}

/// The bytes [`html_into`] replaces: `&`, `<`, `>`, `"` and `'` (none is
/// part of a character beyond ASCII in UTF-8).
const ESCAPED: [bool; 256] = {
    let mut table = [false; 256];
    table[b'&' as usize] = true;
    table[b'<' as usize] = true;
    table[b'>' as usize] = true;
    table[b'"' as usize] = true;
    table[b'\'' as usize] = true;
    table
};

/// `text` escaped for XML text and attributes, without the characters XML 1.0
/// does not allow at all (control characters other than tab and line breaks,
/// U+FFFE, U+FFFF): one of them in one title would make the whole
/// `sitemap.xml`, feed or JUnit report unreadable.
pub fn xml(text: &str) -> String {
    html(&xml_chars(text))
}

/// `text` without the characters XML 1.0 does not allow, for writers that
/// escape on their own (the Atom feed's).
pub fn xml_chars(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().all(is_xml_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(text.chars().filter(|c| is_xml_char(*c)).collect())
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_what_xml_forbids() {
        assert_eq!(
            html("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(xml("a\u{1}b\u{FFFF}\tc<"), "ab\tc&lt;");
        assert!(matches!(xml_chars("plain"), std::borrow::Cow::Borrowed(_)));
    }

    /// The escaping as it was written first, a character at a time.
    fn html_by_characters(text: &str) -> String {
        let mut out = String::new();
        for c in text.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#39;"),
                c => out.push(c),
            }
        }
        out
    }

    #[test]
    fn runs_are_escaped_as_characters_are() {
        let pieces = [
            "&", "<", ">", "\"", "'", "plain", "é", "日本", "", " ", "&amp;",
        ];
        let mut dice = crate::test_dice::Dice(0x2545_f491_4f6c_dd1d);
        for _ in 0..2000 {
            let mut text = String::new();
            for _ in 0..(dice.0 % 9) {
                text.push_str(dice.pick(&pieces));
            }
            assert_eq!(html(&text), html_by_characters(&text), "{text:?}");
        }
    }
}
