//! One page's heading ids made unique, by each generator's own rule. The
//! rules differ in what they suffix (`-1`, `_1`, `-2`), whether they count
//! per base id or look up the ids taken so far, and whether explicit ids
//! (`{#id}`) take part.

use std::collections::{HashMap, HashSet};

use crate::config::HeadingIdFlavor;

/// Hands out unique ids on one page.
pub struct IdAllocator {
    flavor: HeadingIdFlavor,
    /// Times each base id was asked for (kramdown's counters).
    counts: HashMap<String, usize>,
    /// Ids given out (or written on the page) so far.
    taken: HashSet<String>,
    /// The id of the latest heading of each level, with its place on the
    /// page (tech-docs looks back for the closest parent).
    latest_by_level: [Option<(usize, String)>; 7],
    headings_seen: usize,
    /// Where the search for a free `stem-N` / `stem_N` starts: ids are only
    /// ever added, so the first free suffix never moves back, and a page of
    /// many equal headings stays linear.
    /// Keyed by `stem-` and the first N tried.
    next_suffix: HashMap<(String, u128), u128>,
}

impl IdAllocator {
    pub fn new(flavor: HeadingIdFlavor) -> Self {
        IdAllocator {
            flavor,
            counts: HashMap::new(),
            taken: HashSet::new(),
            latest_by_level: Default::default(),
            headings_seen: 0,
            next_suffix: HashMap::new(),
        }
    }

    /// Whether the generator reserves every explicit id on the page before
    /// it gives the first heading an id (Python-Markdown's toc collects all
    /// `id` attributes first); then [`IdAllocator::explicit`] is called for
    /// all of them ahead of [`IdAllocator::allocate`].
    pub fn reserves_explicit_ids_first(&self) -> bool {
        matches!(
            self.flavor,
            HeadingIdFlavor::PythonMarkdown | HeadingIdFlavor::Zola
        )
    }

    /// A heading with an id written on the page: kept as it is; whether it
    /// blocks later automatic ids depends on the generator.
    pub fn explicit(&mut self, id: &str, level: u8) {
        match self.flavor {
            // kramdown counts only the ids it generates; rehype-slug skips
            // headings that have an id without telling its slugger.
            // mdBook leaves a heading with an id alone and notes nothing.
            HeadingIdFlavor::KramdownGfm
            | HeadingIdFlavor::Kramdown
            | HeadingIdFlavor::Github
            | HeadingIdFlavor::MdBook
            | HeadingIdFlavor::Docsify => {}
            HeadingIdFlavor::Hugo
            | HeadingIdFlavor::MarkdownIt
            | HeadingIdFlavor::PythonMarkdown
            | HeadingIdFlavor::Zola => {
                self.taken.insert(id.to_string());
            }
            HeadingIdFlavor::Redcarpet => self.record_in_outline(id, level),
        }
    }

    /// The id for a heading of this level with this base id; `None` for an
    /// empty id (no attribute), which in most flavours still counts.
    pub fn allocate(&mut self, base: &str, level: u8) -> Option<String> {
        let id = match self.flavor {
            // docsify's `slugify` counts per id too.
            HeadingIdFlavor::KramdownGfm | HeadingIdFlavor::Kramdown | HeadingIdFlavor::Docsify => {
                self.counted(base)
            }
            HeadingIdFlavor::Github => self.github_slugger(base),
            HeadingIdFlavor::Hugo => {
                if base.is_empty() {
                    // Hugo gives a heading with no text no id, and counts nothing.
                    return None;
                }
                self.first_free_suffix(base, 1)
            }
            // Zola's `find_anchor`; an empty id is taken like any other.
            HeadingIdFlavor::MarkdownIt | HeadingIdFlavor::Zola | HeadingIdFlavor::MdBook => {
                self.first_free_suffix(base, 1)
            }
            HeadingIdFlavor::PythonMarkdown => self.python_markdown(base),
            HeadingIdFlavor::Redcarpet => self.tech_docs(base, level),
        };
        (!id.is_empty()).then_some(id)
    }

    /// kramdown: a counter per base id, `-1`, `-2`, ... after the first;
    /// the result is not checked against other ids (`a`, `a`, `a-1` gives
    /// `a`, `a-1`, `a-1`).
    fn counted(&mut self, base: &str) -> String {
        let count = self.counts.entry(base.to_string()).or_insert(0);
        let n = *count;
        *count += 1;
        if n == 0 {
            base.to_string()
        } else {
            format!("{base}-{n}")
        }
    }

    /// github-slugger's `slug()`: while the id is taken, the base's counter
    /// goes up and the id is `base-N`; every id given out is taken with a
    /// counter of its own.
    fn github_slugger(&mut self, base: &str) -> String {
        let mut id = base.to_string();
        while self.counts.contains_key(&id) {
            let count = self.counts.entry(base.to_string()).or_insert(0);
            *count += 1;
            id = format!("{base}-{count}");
        }
        self.counts.insert(id.clone(), 0);
        id
    }

    /// Hugo and markdown-it-anchor: the base, or the first of `base-1`,
    /// `base-2`, ... that is free.
    fn first_free_suffix(&mut self, base: &str, first: u128) -> String {
        let id = if self.taken.contains(base) {
            self.free_suffix(base, '-', first)
        } else {
            base.to_string()
        };
        self.taken.insert(id.clone());
        id
    }

    /// The first `stem{separator}N` not taken, N from `first` up.
    fn free_suffix(&mut self, stem: &str, separator: char, first: u128) -> String {
        let key = (format!("{stem}{separator}"), first);
        let mut n = self.next_suffix.get(&key).copied().unwrap_or(first);
        let mut id = format!("{}{n}", key.0);
        while self.taken.contains(&id) {
            n += 1;
            id = format!("{}{n}", key.0);
        }
        self.next_suffix.insert(key, n);
        id
    }

    /// Python-Markdown's toc `unique()`: an id that is taken or empty gets
    /// `_1`, or its own `_N` suffix raised by one, until it is free.
    fn python_markdown(&mut self, base: &str) -> String {
        let id = if base.is_empty() || self.taken.contains(base) {
            let (stem, count) = split_count_suffix(base);
            self.free_suffix(stem, '_', count + 1)
        } else {
            base.to_string()
        };
        self.taken.insert(id.clone());
        id
    }

    /// tech-docs' `UniqueIdentifierGenerator`: a taken id is prefixed with
    /// the id of the closest earlier heading of a higher level, and if that
    /// is taken too, suffixed `-2`, `-3`, ...
    fn tech_docs(&mut self, base: &str, level: u8) -> String {
        let mut id = base.to_string();
        if self.taken.contains(&id) {
            let parent = self.latest_by_level[..usize::from(level.min(6))]
                .iter()
                .flatten()
                .max_by_key(|(place, _)| *place);
            if let Some((_, parent)) = parent {
                id = format!("{parent}-{id}");
            }
        }
        if self.taken.contains(&id) {
            id = self.free_suffix(&id, '-', 2);
        }
        self.record_in_outline(&id, level);
        id
    }

    fn record_in_outline(&mut self, id: &str, level: u8) {
        self.taken.insert(id.to_string());
        if let Some(slot) = self.latest_by_level.get_mut(usize::from(level)) {
            *slot = Some((self.headings_seen, id.to_string()));
        }
        self.headings_seen += 1;
    }
}

/// `^(.*)_([0-9]+)$`: the stem and the number of an id like `intro_2`, or the
/// whole id and 0.
fn split_count_suffix(id: &str) -> (&str, u128) {
    if let Some(at) = id.rfind('_') {
        let digits = &id[at + 1..];
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(count) = digits.parse::<u128>() {
                return (&id[..at], count);
            }
        }
    }
    (id, 0)
}
