//! `atom.xml`: the pages that changed most recently, newest first, so people
//! can follow the handbook in a feed reader (or a chat channel's feed bot).

use atom_syndication::{Entry, Feed, Generator, Link, Person, Text};
use chrono::{DateTime, FixedOffset};

/// How many pages the feed lists.
pub const ENTRIES: usize = 50;

/// One changed page.
pub struct FeedPage<'a> {
    pub title: &'a str,
    /// Absolute URL.
    pub permalink: String,
    pub summary: &'a str,
    pub updated: DateTime<FixedOffset>,
}

/// The site the feed describes.
pub struct FeedSite<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// Absolute URL of the home page, with a trailing slash.
    pub home: String,
    /// Absolute URL of the feed itself.
    pub feed_url: String,
    pub language: &'a str,
}

/// The feed of the `ENTRIES` most recently changed pages. A site without
/// pages still gets a valid feed, dated at the Unix epoch.
pub fn atom(site: &FeedSite, pages: Vec<FeedPage>) -> String {
    let mut pages = pages;
    pages.sort_by(|a, b| {
        b.updated
            .cmp(&a.updated)
            .then_with(|| a.permalink.cmp(&b.permalink))
    });
    pages.truncate(ENTRIES);
    let updated = pages.first().map(|p| p.updated).unwrap_or_default();
    let feed = Feed {
        title: Text::plain(site.title),
        id: site.feed_url.clone(),
        updated,
        authors: vec![Person {
            name: site.title.to_string(),
            ..Person::default()
        }],
        links: vec![link(&site.feed_url, "self"), link(&site.home, "alternate")],
        subtitle: (!site.description.is_empty()).then(|| Text::plain(site.description)),
        generator: Some(Generator {
            value: "handbook".into(),
            ..Generator::default()
        }),
        lang: Some(site.language.to_string()),
        entries: pages.into_iter().map(entry).collect(),
        ..Feed::default()
    };
    // Any field may carry a control character from a page's title or
    // summary; XML forbids them, so they are dropped from the whole feed.
    crate::escape::xml_chars(&feed.to_string()).into_owned()
}

/// Keeps of `(page, last change)` the pages that may be among the
/// [`ENTRIES`] most recent: every page changed at or after the
/// [`ENTRIES`]th latest change, ties included, as [`atom`] orders ties by
/// URL. On a large site this leaves a few dozen pages of thousands to make
/// a URL and a summary for.
pub fn keep_candidates<T>(dated: &mut Vec<(T, DateTime<FixedOffset>)>) {
    if dated.len() <= ENTRIES {
        return;
    }
    let (_, &mut (_, cutoff), _) = dated.select_nth_unstable_by(ENTRIES - 1, |a, b| b.1.cmp(&a.1));
    dated.retain(|&(_, updated)| updated >= cutoff);
}

fn link(href: &str, rel: &str) -> Link {
    Link {
        href: href.to_string(),
        rel: rel.to_string(),
        mime_type: (rel == "self").then(|| "application/atom+xml".to_string()),
        ..Link::default()
    }
}

fn entry(page: FeedPage) -> Entry {
    let mut entry = Entry {
        title: Text::plain(page.title),
        id: page.permalink.clone(),
        updated: page.updated,
        links: vec![link(&page.permalink, "alternate")],
        ..Entry::default()
    };
    if !page.summary.is_empty() {
        entry.set_summary(Text::plain(page.summary));
    }
    entry
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn candidates_are_the_latest_entries_and_every_page_tied_with_the_last() {
        let day = |d: u32| at(&format!("2024-01-{d:02}T00:00:00Z"));
        // 80 pages on distinct days: the 50 latest.
        let mut distinct: Vec<(u32, _)> = (1..=80)
            .map(|i| (i, day(1 + i % 28) + chrono::Duration::minutes(i.into())))
            .collect();
        keep_candidates(&mut distinct);
        let mut kept: Vec<u32> = distinct.iter().map(|c| c.0).collect();
        kept.sort_unstable();
        let mut latest: Vec<(u32, _)> = (1..=80)
            .map(|i| (i, day(1 + i % 28) + chrono::Duration::minutes(i.into())))
            .collect();
        latest.sort_by_key(|c| std::cmp::Reverse(c.1));
        let mut expected: Vec<u32> = latest[..ENTRIES].iter().map(|c| c.0).collect();
        expected.sort_unstable();
        assert_eq!(kept, expected);
        // 10 newer pages and 70 changed in one commit: all 80, as the feed
        // takes 40 of the 70 by URL.
        let mut tied: Vec<(u32, _)> = (0..80)
            .map(|i| (i, if i < 10 { day(9) } else { day(2) }))
            .collect();
        keep_candidates(&mut tied);
        assert_eq!(tied.len(), 80);
        // Few pages: all of them.
        let mut few: Vec<(u32, _)> = (0..3).map(|i| (i, day(i + 1))).collect();
        keep_candidates(&mut few);
        assert_eq!(few.len(), 3);
    }

    #[test]
    fn newest_first_and_parses_back() {
        let site = FeedSite {
            title: "Q&A <Handbook>",
            description: "",
            home: "https://x.com/".into(),
            feed_url: "https://x.com/atom.xml".into(),
            language: "en",
        };
        let xml = atom(
            &site,
            vec![
                FeedPage {
                    title: "Old",
                    permalink: "https://x.com/old/".into(),
                    summary: "",
                    updated: at("2023-01-01T00:00:00Z"),
                },
                FeedPage {
                    title: "New & shiny",
                    permalink: "https://x.com/new/".into(),
                    summary: "About <things>",
                    updated: at("2024-02-03T04:05:06+01:00"),
                },
            ],
        );
        let feed: Feed = xml.parse().unwrap();
        assert_eq!(feed.title().as_str(), "Q&A <Handbook>");
        assert_eq!(feed.updated().to_rfc3339(), "2024-02-03T04:05:06+01:00");
        let titles: Vec<&str> = feed.entries().iter().map(|e| e.title().as_str()).collect();
        assert_eq!(titles, ["New & shiny", "Old"]);
        assert_eq!(
            feed.entries()[0].summary().map(|s| s.as_str()),
            Some("About <things>")
        );
    }
}
