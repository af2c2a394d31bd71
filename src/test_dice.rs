//! Seeded random choices for the tests that compare a fast path with what
//! it stands for (the Rust writers of the default theme with Tera, the
//! escapers, tokenizer and excerpts with their plain versions): the same
//! inputs on every run (xorshift), and texts that exercise escaping.

/// Texts with what escaping must handle: `&`, `<`, quotes, nothing at all,
/// characters beyond ASCII and a `/`.
pub const HARD_TEXTS: [&str; 6] = ["Plan", "A & B", "<One>", "\"Q\" 'q'", "", "Ünï / x"];

/// A xorshift sequence from a seed.
pub struct Dice(pub u64);

impl Dice {
    /// A number below `n` (which must not be 0).
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    pub fn coin(&mut self) -> bool {
        self.below(2) == 0
    }

    /// One of `items` (which must not be empty).
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// One of [`HARD_TEXTS`].
    pub fn text(&mut self) -> &'static str {
        self.pick(&HARD_TEXTS)
    }

    /// [`Dice::text`], owned.
    pub fn string(&mut self) -> String {
        self.text().to_string()
    }
}

/// An activity on the page at `path` with hard texts for its name, owner
/// and URL, and zero to two cadences.
pub fn random_activity(dice: &mut Dice, path: &str) -> crate::cadence::index::ActivityView {
    let (name, owner, url) = (dice.text(), dice.text(), dice.text());
    let mut view = crate::cadence::index::ActivityView::for_test(name, owner, url, path);
    view.every = (0..dice.below(3))
        .map(|_| crate::cadence::index::CadenceLabel {
            key: dice.string(),
            label: dice.string(),
        })
        .collect();
    view
}
