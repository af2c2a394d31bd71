//! The sections where a term occurs most on a page, kept as the page is
//! read: a term's postings list at most [`SECTIONS_PER_POSTING`] sections,
//! so counting every section of every term (a list per term, a sort per
//! term) would be work and allocations thrown away.

use super::SECTIONS_PER_POSTING;

/// A term's occurrences in the section being read, and the best sections
/// before it. Sections are read in order, so a section's count is final
/// when the next one starts.
#[derive(Default, Clone, Copy)]
pub(super) struct TopSections {
    /// The section being read and the term's weight in it so far (no
    /// section yet when the weight is 0).
    current: (u16, u32),
    /// Finished sections by weight, the heaviest first; among equal
    /// weights the earlier section first. Unused places weigh 0.
    best: [(u16, u32); SECTIONS_PER_POSTING],
}

impl TopSections {
    /// Counts `weight` more occurrences in `section`, which is this
    /// term's current section or one after it.
    pub(super) fn add(&mut self, section: u16, weight: u32) {
        if self.current.0 == section && self.current.1 > 0 {
            self.current.1 += weight;
            return;
        }
        self.finish_current();
        self.current = (section, weight);
    }

    /// The best sections in the order of the page, the current one
    /// counted.
    pub(super) fn in_page_order(mut self) -> impl Iterator<Item = u16> {
        self.finish_current();
        self.best.sort_by_key(|&(section, _)| section);
        self.best
            .into_iter()
            .filter(|&(_, weight)| weight > 0)
            .map(|(section, _)| section)
    }

    /// Puts the current section among the best when it outweighs the
    /// last of them (on a tie the earlier section stays: the order a sort
    /// by weight, then by section, gives).
    fn finish_current(&mut self) {
        let (section, weight) = std::mem::take(&mut self.current);
        let Some(last) = self.best.last_mut() else {
            return;
        };
        if weight <= last.1 {
            return;
        }
        *last = (section, weight);
        // Moved up past the lighter ones: the later of equal weights stays
        // behind, as `best` ranks them.
        for i in (1..self.best.len()).rev() {
            if self.best[i].1 > self.best[i - 1].1 {
                self.best.swap(i, i - 1);
            } else {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_dice::Dice;

    /// What the index wrote before: every section counted, sorted by
    /// weight (then section), cut, put back in page order.
    fn by_sorting(occurrences: &[(u16, u32)]) -> Vec<u16> {
        let mut by_section: Vec<(u16, u32)> = Vec::new();
        for &(section, weight) in occurrences {
            match by_section.last_mut() {
                Some((s, n)) if *s == section => *n += weight,
                _ => by_section.push((section, weight)),
            }
        }
        by_section.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        by_section.truncate(SECTIONS_PER_POSTING);
        by_section.sort_by_key(|s| s.0);
        by_section.into_iter().map(|(s, _)| s).collect()
    }

    fn by_top(occurrences: &[(u16, u32)]) -> Vec<u16> {
        let mut top = TopSections::default();
        for &(section, weight) in occurrences {
            top.add(section, weight);
        }
        top.in_page_order().collect()
    }

    #[test]
    fn ties_keep_the_earlier_section_and_the_last_section_counts() {
        // Weights 2, 2, 2, 2: the first three sections.
        let even = [(0, 1), (0, 1), (3, 2), (5, 2), (9, 1), (9, 1)];
        assert_eq!(by_top(&even), vec![0, 3, 5]);
        // The last section, still current at the end, outweighs them all;
        // of the three that weigh 1, the two earlier ones stay.
        let last_heavy = [(1, 1), (2, 1), (4, 1), (7, 3), (7, 1)];
        assert_eq!(by_top(&last_heavy), vec![1, 2, 7]);
        // Section 0 is a section like any other; heading weights add up.
        assert_eq!(by_top(&[(0, 3), (0, 1), (2, 1)]), vec![0, 2]);
        assert_eq!(by_top(&[]), Vec::<u16>::new());
    }

    #[test]
    fn keeps_what_sorting_every_section_keeps() {
        let mut dice = Dice(0x5ec7_1075);
        for _ in 0..2000 {
            let mut section = 0u16;
            let occurrences: Vec<(u16, u32)> = (0..dice.below(24))
                .map(|_| {
                    section += dice.below(3) as u16;
                    (section, dice.pick(&[1, 1, 1, 3, 8]))
                })
                .collect();
            assert_eq!(
                by_top(&occurrences),
                by_sorting(&occurrences),
                "{occurrences:?}"
            );
        }
    }
}
