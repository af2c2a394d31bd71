//! A page's terms as the index counts them ([`PageTerms`]): every word of
//! every page is looked up here, so the table is made for that lookup.
//!
//! Terms of up to 16 bytes (nearly all) are keyed by their bytes as one
//! number ([`Term::Short`]) in an open-addressing table of `u32` slots
//! that point into dense arrays of keys and counts: a lookup is a multiply,
//! a load and a compare of two numbers, and a new term needs no string of
//! its own. A general hash map spent about 60 instructions a word on its
//! entry API, its 64-byte buckets and its growth. Longer terms, rare, go
//! to a map keyed by their text.

use rustc_hash::FxHashMap;

use super::tokenize::Term;
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

/// Slots of a new table: room for 512 terms before it grows, which most
/// pages do not reach.
const FIRST_SLOTS_LOG2: u32 = 10;

/// Every term of one page with its counts, in the order first met.
pub(super) struct PageTerms {
    /// The page's length in weighted words: every weight counted.
    pub length: u32,
    /// `0` for a free slot, else one more than the term's index in `keys`.
    slots: Vec<u32>,
    /// `64 - log2(slots.len())`: a hash's top bits pick its slot.
    shift: u32,
    keys: Vec<u128>,
    counts: Vec<TermInPage>,
    long: FxHashMap<String, TermInPage>,
}

impl Default for PageTerms {
    fn default() -> PageTerms {
        PageTerms {
            length: 0,
            slots: vec![0; 1 << FIRST_SLOTS_LOG2],
            shift: 64 - FIRST_SLOTS_LOG2,
            keys: Vec::new(),
            counts: Vec::new(),
            long: FxHashMap::default(),
        }
    }
}

impl PageTerms {
    /// Counts `weight` occurrences of `term` in section `section` (the
    /// sections of a page are read in order). Inlined where the words are
    /// read: it runs for every word of the site.
    #[inline(always)]
    pub fn count(&mut self, term: Term, section: u16, weight: u32) {
        self.length += weight;
        let counted = self.entry(term);
        counted.weight += weight;
        counted.sections.add(section, weight);
    }

    /// Counts `weight` occurrences of `term` in the page's title.
    pub fn count_in_title(&mut self, term: Term, weight: u32) {
        self.length += weight;
        let counted = self.entry(term);
        counted.weight += weight;
        counted.in_title = true;
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

    /// Where `key` is in `keys`, added when it is new.
    #[inline(always)]
    fn index_of(&mut self, key: u128) -> usize {
        let mask = self.slots.len() - 1;
        let mut slot = slot_of(key, self.shift) & mask;
        loop {
            match self.slots[slot] {
                0 => break,
                taken => {
                    let index = taken as usize - 1;
                    if self.keys[index] == key {
                        return index;
                    }
                }
            }
            slot = (slot + 1) & mask;
        }
        self.add(key, slot)
    }

    /// Adds `key`, new, at its free `slot`.
    #[inline(never)]
    fn add(&mut self, key: u128, slot: usize) -> usize {
        let index = self.keys.len();
        self.keys.push(key);
        self.counts.push(TermInPage::default());
        // At most half full: probes stay short. A page has far fewer than
        // `u32::MAX` terms (its text is cut long before).
        self.slots[slot] = index as u32 + 1;
        if 2 * self.keys.len() > self.slots.len() {
            self.grow();
        }
        index
    }

    /// Doubles the slots and puts every term in its new place.
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

    pub fn len(&self) -> usize {
        self.keys.len() + self.long.len()
    }

    /// Calls `f` with every term and its counts (a short term spelled out
    /// in one buffer, reused).
    pub fn for_each(self, mut f: impl FnMut(&str, TermInPage)) {
        let mut text = String::new();
        for (key, counted) in self.keys.into_iter().zip(self.counts) {
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
            assert!(2 * terms.keys.len() <= terms.slots.len());
            let counted: Vec<(u128, u32)> = terms
                .keys
                .iter()
                .zip(&terms.counts)
                .map(|(&key, counted)| (key, counted.weight))
                .collect();
            let wanted: Vec<(u128, u32)> = order.iter().map(|key| (*key, expected[key])).collect();
            assert_eq!(counted, wanted);
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
