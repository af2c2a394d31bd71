//! How a page's [`Rendered`] is kept in the build's page cache: its fields
//! as they are, except its anchors and links.
//!
//! A page's anchors hold the id of every heading that has one (and the ids
//! from attribute lists, footnotes and raw HTML); written out, each heading
//! id would be there twice, and read back, it would be checked and copied
//! twice. An anchor that is the next heading id in order is written as a
//! mark of one byte instead and taken from its heading when read: on a
//! site of 10,000 pages that is two hundred thousand strings fewer for
//! every `check` and rebuild.
//!
//! A page's links are written as one run of bytes (their own encoding,
//! [`pack_links`]) and read back as it is, unpacked only when something
//! asks for them ([`Rendered::links`]): a check or rebuild whose link index
//! is the one the links were checked against takes each page's result
//! from its memo, and reads the links of the few pages with external ones.
//! On the wide shape at 10,000 pages they are 340,000 links, each two
//! strings once read.

use bincode::Options;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Features, Heading, Link, RenderNote, Rendered};

/// One anchor on disk.
#[derive(Serialize)]
enum AnchorOut<'a> {
    /// The id of the heading after the last one so used.
    NextHeadingId,
    Other(&'a str),
}

/// One anchor read back (the same variants as [`AnchorOut`]).
#[derive(Deserialize)]
enum AnchorIn {
    NextHeadingId,
    Other(String),
}

/// A page's anchors as they are written, beside its headings.
struct AnchorsOut<'a> {
    anchors: &'a [String],
    headings: &'a [Heading],
}

impl Serialize for AnchorsOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut heading_ids = self
            .headings
            .iter()
            .filter_map(|h| h.id.as_deref())
            .peekable();
        serializer.collect_seq(self.anchors.iter().map(|anchor| {
            if heading_ids.peek() == Some(&anchor.as_str()) {
                heading_ids.next();
                AnchorOut::NextHeadingId
            } else {
                AnchorOut::Other(anchor)
            }
        }))
    }
}

/// The fields written, in the order they are read ([`RenderedIn`]).
#[derive(Serialize)]
struct RenderedOut<'a> {
    headings: &'a [Heading],
    anchors: AnchorsOut<'a>,
    links: PackedOut<'a>,
    text_key: u64,
    lead: &'a str,
    word_count: usize,
    notes: &'a [RenderNote],
    features: Features,
    icons: &'a [String],
}

#[derive(Deserialize)]
struct RenderedIn {
    headings: Vec<Heading>,
    anchors: Vec<AnchorIn>,
    links: PackedIn,
    text_key: u64,
    lead: String,
    word_count: usize,
    notes: Vec<RenderNote>,
    features: Features,
    icons: Vec<String>,
}

impl Serialize for Rendered {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        RenderedOut {
            headings: &self.headings,
            anchors: AnchorsOut {
                anchors: &self.anchors,
                headings: &self.headings,
            },
            links: match &self.packed_links {
                Some(packed) => PackedOut::Borrowed(packed),
                None => PackedOut::Owned(pack_links(&self.found_links)),
            },
            text_key: self.text_key,
            lead: &self.lead,
            word_count: self.word_count,
            notes: &self.notes,
            features: self.features,
            icons: &self.icons,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Rendered {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let stored = RenderedIn::deserialize(deserializer)?;
        let anchors = anchors_of(stored.anchors, &stored.headings).ok_or_else(|| {
            serde::de::Error::custom("an anchor marks a heading id past the last")
        })?;
        Ok(Rendered {
            headings: stored.headings,
            anchors,
            packed_links: Some(stored.links.0),
            text_key: stored.text_key,
            lead: stored.lead,
            word_count: stored.word_count,
            notes: stored.notes,
            features: stored.features,
            icons: stored.icons,
            ..Rendered::default()
        })
    }
}

/// The encoding of a page's packed links: the page cache's own (bincode
/// with numbers as varints).
fn link_encoding() -> impl bincode::Options {
    bincode::DefaultOptions::new()
}

/// A page's links as the page cache keeps them.
fn pack_links(links: &[Link]) -> Vec<u8> {
    // Strings and numbers only: encoding them cannot fail.
    link_encoding().serialize(links).unwrap_or_default()
}

/// The links `packed` holds. The page cache's files are checked against
/// their hash and the binary that wrote them before anything is read, so
/// bytes that do not unpack are this binary's own: they give no links
/// rather than stop the build.
pub(super) fn unpack_links(packed: &[u8]) -> Vec<Link> {
    link_encoding().deserialize(packed).unwrap_or_default()
}

/// Packed links to write: a page's own, or those it was read with.
enum PackedOut<'a> {
    Borrowed(&'a [u8]),
    Owned(Vec<u8>),
}

impl Serialize for PackedOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            PackedOut::Borrowed(bytes) => serializer.serialize_bytes(bytes),
            PackedOut::Owned(bytes) => serializer.serialize_bytes(bytes),
        }
    }
}

/// Packed links read back: one buffer, copied as it is.
struct PackedIn(Box<[u8]>);

impl<'de> Deserialize<'de> for PackedIn {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Bytes;
        impl<'de> serde::de::Visitor<'de> for Bytes {
            type Value = PackedIn;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("packed links")
            }
            fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<PackedIn, E> {
                Ok(PackedIn(bytes.into()))
            }
            fn visit_byte_buf<E: serde::de::Error>(self, bytes: Vec<u8>) -> Result<PackedIn, E> {
                Ok(PackedIn(bytes.into_boxed_slice()))
            }
        }
        deserializer.deserialize_byte_buf(Bytes)
    }
}

/// The anchors `stored` stands for; `None` when it marks more heading ids
/// than `headings` has.
fn anchors_of(stored: Vec<AnchorIn>, headings: &[Heading]) -> Option<Vec<String>> {
    let mut heading_ids = headings.iter().filter_map(|h| h.id.as_ref());
    stored
        .into_iter()
        .map(|anchor| match anchor {
            AnchorIn::NextHeadingId => heading_ids.next().cloned(),
            AnchorIn::Other(anchor) => Some(anchor),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use bincode::Options;

    use super::super::LinkKind;
    use super::*;

    fn heading(id: Option<&str>) -> Heading {
        Heading {
            level: 2,
            id: id.map(str::to_string),
            title: "T".into(),
            in_toc: true,
            offset: 0,
        }
    }

    /// As the page cache writes (varints).
    fn encode<T: Serialize>(value: &T) -> Vec<u8> {
        bincode::DefaultOptions::new()
            .serialize(value)
            .expect("serializes")
    }

    fn decode<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> bincode::Result<T> {
        bincode::DefaultOptions::new().deserialize(bytes)
    }

    #[test]
    fn anchors_come_back_in_order_whatever_the_headings_hold() {
        let rendered = Rendered {
            headings: vec![
                heading(Some("a")),
                heading(None),
                heading(Some("b")),
                heading(Some("a-1")),
            ],
            // An attribute list's id that is also a later heading's, a
            // heading id out of order, a footnote's and raw HTML's.
            anchors: ["b", "fn:1", "a", "b", "a-1", "raw", "a"]
                .map(str::to_string)
                .to_vec(),
            found_links: vec![
                Link::new("/x/".into(), None, 4..7, LinkKind::Link),
                Link::new("a.md".into(), Some("/a/".into()), 9..13, LinkKind::Image),
            ],
            lead: "Lead".into(),
            word_count: 3,
            ..Rendered::default()
        };
        let back: Rendered = decode(&encode(&rendered)).expect("reads back");
        assert_eq!(back.anchors, rendered.anchors);
        assert_eq!(back.headings.len(), 4);
        assert!(back.found_links.is_empty(), "read back packed");
        let links = back.links();
        assert_eq!((links[0].href(), links[0].span.clone()), ("/x/", 4..7));
        assert_eq!((links[1].target.as_str(), links[1].href()), ("a.md", "/a/"));
        assert_eq!(links[1].kind, LinkKind::Image);
        // Written again as read, without unpacking: the same bytes.
        let again: Rendered = decode(&encode(&back)).expect("reads back");
        assert_eq!(encode(&again), encode(&back));
        assert_eq!(again.links().len(), 2);
        assert_eq!((back.lead.as_str(), back.word_count), ("Lead", 3));
    }

    #[test]
    fn a_heading_id_is_written_once() {
        let id = "a-heading-id-long-enough-to-see";
        let anchored = Rendered {
            headings: vec![heading(Some(id))],
            anchors: vec![id.to_string()],
            ..Rendered::default()
        };
        let without = Rendered {
            headings: vec![heading(Some(id))],
            ..Rendered::default()
        };
        assert_eq!(encode(&anchored).len(), encode(&without).len() + 1);
    }

    #[test]
    fn a_mark_past_the_last_heading_id_is_an_error_not_a_panic() {
        let damaged = RenderedOut {
            headings: &[],
            anchors: AnchorsOut {
                anchors: &["x".to_string()],
                headings: &[heading(Some("x"))],
            },
            links: PackedOut::Owned(Vec::new()),
            text_key: 0,
            lead: "",
            word_count: 0,
            notes: &[],
            features: Features::default(),
            icons: &[],
        };
        assert!(decode::<Rendered>(&encode(&damaged)).is_err());
    }

    #[test]
    fn a_link_not_rewritten_keeps_one_string() {
        let same = Link::new("/a/".into(), Some("/a/".into()), 0..3, LinkKind::Link);
        let rewritten = Link::new("a.md".into(), Some("/a/".into()), 0..4, LinkKind::Link);
        assert_eq!((same.href(), rewritten.href()), ("/a/", "/a/"));
        let back: Link = decode(&encode(&rewritten)).expect("reads back");
        assert_eq!((back.target.as_str(), back.href()), ("a.md", "/a/"));
        // Against the same link rewritten: one byte for `None` instead of a
        // length and three.
        let elsewhere = Link::new("/a/".into(), Some("/b/".into()), 0..3, LinkKind::Link);
        assert_eq!(encode(&same).len() + 4, encode(&elsewhere).len());
    }
}
