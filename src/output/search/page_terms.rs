//! A page's terms as the index counts them ([`PageTerms`]): every word of
//! every page is looked up here, so the table is made for that lookup.
//!
//! Terms of up to 16 bytes (nearly all) are keyed by their bytes as one
//! number ([`Term::Short`]) in an open-addressing table of `u32` slots
//! that point into a dense array of keys ([`KeyTable`]): a lookup is a
//! multiply, a load and a compare of two numbers, and a new term needs no
//! string of its own. A general hash map spent about 60 instructions a
//! word on its entry API, its 64-byte buckets and its growth. Longer
//! terms, rare, go to a map keyed by their text.
//!
//! A page uses the same few hundred spellings over and over, so the words
//! of its text come as written ([`Token::Spelling`]) and each spelling is
//! lowercased, checked against the stop words and folded once, the first
//! time it is met; after that one lookup of the spelling gives the term.

use rustc_hash::FxHashMap;

use super::tokenize::{term_of_spelling, Term, Token};
use super::top_sections::TopSections;

/// What one page says about one term.
#[derive(Default)]
pub(super) struct TermInPage {
    /// Occurrences, the title and headings counted several times.
    pub weight: u32,
    pub in_title: bool,
    /// The sections where it occurs most.
    pub sections: TopSections,
}

/// Slots of a new table: room for 512 keys before it grows, which most
/// pages do not reach.
const FIRST_SLOTS_LOG2: u32 = 10;

/// Distinct `u128` keys in the order first met, each found by a
/// multiplicative hash in an open-addressing table of `u32` slots.
struct KeyTable {
    /// `0` for a free slot, else one more than the key's index in `keys`.
    slots: Vec<u32>,
    /// `64 - log2(slots.len())`: a hash's top bits pick its slot.
    shift: u32,
    keys: Vec<u128>,
}

impl Default for KeyTable {
    fn default() -> KeyTable {
        KeyTable {
            slots: vec![0; 1 << FIRST_SLOTS_LOG2],
            shift: 64 - FIRST_SLOTS_LOG2,
            keys: Vec::new(),
        }
    }
}

/// Where a key is in a [`KeyTable`]: its index, or the free slot where it
/// would go.
enum Place {
    Found(usize),
    Free(usize),
}

impl KeyTable {
    /// Where `key` is, or where it would go.
    #[inline(always)]
    fn place(&self, key: u128) -> Place {
        let mask = self.slots.len() - 1;
        let mut slot = slot_of(key, self.shift) & mask;
        loop {
            match self.slots[slot] {
                0 => return Place::Free(slot),
                taken => {
                    let index = taken as usize - 1;
                    if self.keys[index] == key {
                        return Place::Found(index);
                    }
                }
            }
            slot = (slot + 1) & mask;
        }
    }

    /// Adds `key`, new, at its free `slot`; returns its index.
    #[inline(never)]
    fn add(&mut self, key: u128, slot: usize) -> usize {
        let index = self.keys.len();
        self.keys.push(key);
        // At most half full: probes stay short. A page has far fewer than
        // `u32::MAX` words (its text is cut long before).
        self.slots[slot] = index as u32 + 1;
        if 2 * self.keys.len() > self.slots.len() {
            self.grow();
        }
        index
    }

    /// Doubles the slots and puts every key in its new place.
    #[inline(never)]
    fn grow(&mut self) {
        let log2 = 64 - self.shift + 1;
        self.shift = 64 - log2;
        self.slots = vec![0; 1 << log2];
        let mask = self.slots.len() - 1;
        for (index, &key) in self.keys.iter().enumerate() {
            let mut slot = slot_of(key, self.shift);
            while self.slots[slot] != 0 {
                slot = (slot + 1) & mask;
            }
            self.slots[slot] = index as u32 + 1;
        }
    }

    fn len(&self) -> usize {
        self.keys.len()
    }
}

/// A spelling that is no term: a stop word.
const NOT_A_TERM: u32 = u32::MAX;

/// Every term of one page with its counts, in the order first met.
#[derive(Default)]
pub(super) struct PageTerms {
    /// The page's length in weighted words: every weight counted.
    pub length: u32,
    /// Short terms; `counts` holds each one's counts at its index.
    terms: KeyTable,
    counts: Vec<TermInPage>,
    long: FxHashMap<String, TermInPage>,
    /// Spellings met ([`Token::Spelling`]); `spelled` holds the index of
    /// each one's term, or [`NOT_A_TERM`].
    spellings: KeyTable,
    spelled: Vec<u32>,
}

impl PageTerms {
    /// Counts `weight` occurrences of the word `token` in section
    /// `section` (the sections of a page are read in order). Inlined where
    /// the words are read: it runs for every word of the site.
    #[inline(always)]
    pub fn count(&mut self, token: Token, section: u16, weight: u32) {
        let counted = match token {
            Token::Spelling(spelling) => match self.term_of(spelling) {
                NOT_A_TERM => return,
                index => &mut self.counts[index as usize],
            },
            Token::Term(term) => self.entry(term),
        };
        counted.weight += weight;
        counted.sections.add(section, weight);
        self.length += weight;
    }

    /// Counts `weight` occurrences of `term` in the page's title.
    pub fn count_in_title(&mut self, term: Term, weight: u32) {
        self.length += weight;
        let counted = self.entry(term);
        counted.weight += weight;
        counted.in_title = true;
    }

    /// The index in `counts` of the term `spelling` stands for, or
    /// [`NOT_A_TERM`]: looked up, or worked out the first time.
    #[inline(always)]
    fn term_of(&mut self, spelling: u128) -> u32 {
        match self.spellings.place(spelling) {
            Place::Found(index) => self.spelled[index],
            Place::Free(slot) => self.add_spelling(spelling, slot),
        }
    }

    /// Works out the term of a spelling met for the first time.
    #[inline(never)]
    fn add_spelling(&mut self, spelling: u128, slot: usize) -> u32 {
        let term = match term_of_spelling(spelling) {
            Some(key) => self.index_of(key) as u32,
            None => NOT_A_TERM,
        };
        self.spellings.add(spelling, slot);
        self.spelled.push(term);
        term
    }

    /// The counts of `term`, new ones when the page had not used it yet.
    #[inline(always)]
    fn entry(&mut self, term: Term) -> &mut TermInPage {
        match term {
            Term::Short(key) => {
                let index = self.index_of(key);
                &mut self.counts[index]
            }
            Term::Long(word) => self.long_entry(word),
        }
    }

    /// Copied on every use: words of more than 16 bytes are rare.
    #[inline(never)]
    fn long_entry(&mut self, word: &str) -> &mut TermInPage {
        self.long.entry(word.to_string()).or_default()
    }

    /// Where `key` is in the short terms, added when it is new.
    #[inline(always)]
    fn index_of(&mut self, key: u128) -> usize {
        match self.terms.place(key) {
            Place::Found(index) => index,
            Place::Free(slot) => {
                self.counts.push(TermInPage::default());
                self.terms.add(key, slot)
            }
        }
    }

    pub fn len(&self) -> usize {
        self.terms.len() + self.long.len()
    }

    /// Calls `f` with every term and its counts (a short term spelled out
    /// in one buffer, reused).
    pub fn for_each(self, mut f: impl FnMut(&str, TermInPage)) {
        let mut text = String::new();
        for (key, counted) in self.terms.keys.into_iter().zip(self.counts) {
            text.clear();
            Term::Short(key).push_to(&mut text);
            f(&text, counted);
        }
        for (term, counted) in self.long {
            f(&term, counted);
        }
    }
}

/// The slot where the search for `key` starts: its two halves mixed and
/// multiplied, the product's top bits (a multiplicative hash, whose top
/// bits depend on every bit of the key).
#[inline]
fn slot_of(key: u128, shift: u32) -> usize {
    const SPREAD: u64 = 0x9e37_79b9_7f4a_7c15;
    let (low, high) = (key as u64, (key >> 64) as u64);
    let mixed = (low ^ high.wrapping_mul(SPREAD).rotate_left(29)).wrapping_mul(SPREAD);
    (mixed >> shift) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_dice::Dice;

    /// Counts every term of a stream against a plain map: the same terms,
    /// each counted once, in the order first met, across the table's
    /// growth.
    #[test]
    fn counts_what_a_map_counts_in_the_order_met() {
        let mut dice = Dice(0x7e2a_b1e5);
        for round in 0..40 {
            let distinct = 1 + dice.below(3000 * (round % 4 + 1)) as u128;
            let mut terms = PageTerms::default();
            let mut expected: FxHashMap<u128, u32> = FxHashMap::default();
            let mut order = Vec::new();
            for _ in 0..4000 {
                // Keys alike in their low bytes, as words are.
                let key = 0x6161_6161 + (dice.below(distinct as usize) as u128) * 0x101;
                terms.entry(Term::Short(key)).weight += 1;
                let count = expected.entry(key).or_default();
                if *count == 0 {
                    order.push(key);
                }
                *count += 1;
            }
            assert_eq!(terms.len(), expected.len());
            assert!(2 * terms.terms.keys.len() <= terms.terms.slots.len());
            let counted: Vec<(u128, u32)> = terms
                .terms
                .keys
                .iter()
                .zip(&terms.counts)
                .map(|(&key, counted)| (key, counted.weight))
                .collect();
            let wanted: Vec<(u128, u32)> = order.iter().map(|key| (*key, expected[key])).collect();
            assert_eq!(counted, wanted);
        }
    }

    /// Words counted as spelled (each spelling folded once) come out as
    /// the same terms, weights and sections as words folded one by one:
    /// capitals, stop words, plurals, long words and other scripts mixed.
    #[test]
    fn spellings_count_as_their_terms() {
        use super::super::tokenize::{for_each_token, for_each_word};
        let words = [
            "The",
            "the",
            "THE",
            "policies",
            "Policies",
            "policy",
            "calls",
            "Call",
            "status",
            "is",
            "IS",
            "a",
            "x",
            "Quarterly",
            "quarterlies",
            "responsibilities",
            "Plans",
            "accountabilities",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            "café",
            "Équipes",
            "2024",
            "q3s",
            "onboarding-guide",
            "re:view",
            "it's",
            "don't",
            "abcdefghijklmnops",
            "Processes",
        ];
        let mut dice = Dice(0x05be_11ed);
        for _ in 0..50 {
            let sections: Vec<String> = (0..1 + dice.below(6))
                .map(|_| {
                    let n = dice.below(400);
                    (0..n)
                        .map(|_| dice.pick(&words))
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect();
            let (mut spelled, mut folded) = (PageTerms::default(), PageTerms::default());
            for (k, text) in sections.iter().enumerate() {
                let k = k as u16;
                for_each_word(text, |token| spelled.count(token, k, 1 + u32::from(k % 2)));
                for_each_token(text, |term| {
                    folded.count(Token::Term(term), k, 1 + u32::from(k % 2))
                });
            }
            assert_eq!(spelled.length, folded.length);
            let listed = |terms: PageTerms| {
                let mut seen = Vec::new();
                terms.for_each(|term, counted| {
                    let sections: Vec<u16> = counted.sections.in_page_order().collect();
                    seen.push((term.to_string(), counted.weight, sections));
                });
                seen
            };
            assert_eq!(listed(spelled), listed(folded));
        }
    }

    #[test]
    fn long_terms_are_counted_by_their_text() {
        let mut terms = PageTerms::default();
        let long = "responsibilities-of-the-quarter";
        terms.entry(Term::Long(long)).weight += 2;
        terms.entry(Term::Long(long)).weight += 1;
        terms.entry(Term::Short(0x6b73_6972)).weight += 1;
        let mut seen = Vec::new();
        terms.for_each(|term, counted| seen.push((term.to_string(), counted.weight)));
        assert_eq!(seen, [("risk".to_string(), 1), (long.to_string(), 3)]);
    }
}
