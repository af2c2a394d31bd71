//! The words of a page as the index and the theme's script see them:
//! lowercased runs of letters and digits, 2 to 32 characters, stop words
//! left out, plurals folded. The script splits on `[^\p{Alphabetic}\p{N}]+`
//! and folds the same way.
//!
//! The index sees every word of every page (the largest part of its work
//! on long pages), so an ASCII word of up to 16 bytes, nearly every
//! word of a handbook, never becomes a string: its bytes are read as one
//! number, lowercased, checked against the stop words and folded there
//! ([`Term::Short`]).

use super::{MAX_TERM_CHARS, STOP_WORDS};

/// One word of the index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Term<'a> {
    /// A word of up to 16 bytes: its bytes little-endian, zero after its
    /// end (a word is letters and digits: it has no zero byte).
    Short(u128),
    /// A longer word.
    Long(&'a str),
}

impl<'a> Term<'a> {
    /// `word` as a term: the same word is always the same variant.
    pub(super) fn of(word: &'a str) -> Term<'a> {
        match word.len() {
            0..=16 => Term::Short(short_key(word.as_bytes())),
            _ => Term::Long(word),
        }
    }

    /// Appends the word's text to `out`.
    pub(super) fn push_to(self, out: &mut String) {
        match self {
            Term::Short(key) => {
                let bytes = key.to_le_bytes();
                let len = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
                // The bytes of a `str` cut at its end, so still UTF-8.
                out.push_str(std::str::from_utf8(&bytes[..len]).unwrap_or_default());
            }
            Term::Long(word) => out.push_str(word),
        }
    }
}

/// One word of a text as [`for_each_word`] reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Token<'a> {
    /// An ASCII word of 2 to 16 letters and digits as the text spells it
    /// (its bytes as in [`Term::Short`]), not yet lowercased, checked
    /// against the stop words or folded: [`term_of_spelling`] does that,
    /// and a page's few hundred spellings need it once each.
    Spelling(u128),
    /// Any other word, as its term.
    Term(Term<'a>),
}

/// The term of an ASCII word spelled as `spelling` ([`Token::Spelling`]):
/// lowercased, `None` for a stop word, else folded. Most words have eight
/// bytes or fewer, read in one `u64`, with half the arithmetic of a `u128`.
pub(super) fn term_of_spelling(spelling: u128) -> Option<u128> {
    // Letters and digits have their top bit clear and are not zero: the
    // leading zeros say where the word ends.
    let len = 16 - (spelling.leading_zeros() / 8) as usize;
    if len <= 8 {
        let key = ascii_lowercase_u64(spelling as u64);
        if len <= LONGEST_STOP_WORD && is_stop_word(key) {
            return None;
        }
        return Some(singular_key(u128::from(key), len));
    }
    Some(singular_key(ascii_lowercase(spelling), len))
}

/// The words of `text` (see the module comment), as strings.
pub fn tokens(text: &str) -> impl Iterator<Item = String> {
    let mut words = Vec::new();
    for_each_token(text, |term| {
        let mut word = String::new();
        term.push_to(&mut word);
        words.push(word);
    });
    words.into_iter()
}

/// Calls `f` with each word of [`tokens`].
pub(super) fn for_each_token(text: &str, mut f: impl FnMut(Term<'_>)) {
    for_each_word(text, |token| match token {
        Token::Spelling(spelling) => {
            if let Some(key) = term_of_spelling(spelling) {
                f(Term::Short(key));
            }
        }
        Token::Term(term) => f(term),
    });
}

/// Calls `f` with each word of [`tokens`], short ASCII words as spelled
/// ([`Token::Spelling`]). The text is read 64 bytes at a time as a mask of
/// the bytes that are not ASCII separators ([`word_byte_mask`]), and its
/// runs of such bytes found from the mask's changes, a few instructions a
/// word. A run of ASCII letters and digits, nearly every word of a
/// handbook, is a word ([`ascii_word`]); a run with other characters is
/// cut by characters ([`run_with_other_script`]).
pub(super) fn for_each_word(text: &str, mut f: impl FnMut(Token<'_>)) {
    let bytes = text.as_bytes();
    let mut lower = String::new();
    // Whether a run is being read, and where it started.
    let (mut in_run, mut run_start) = (false, 0);
    for (block, chunk) in bytes.chunks(64).enumerate() {
        let base = block * 64;
        let word = word_byte_mask(chunk);
        // A bit set where a byte differs from the one before it: a run
        // starts or ends there (the byte before the block is the last
        // one of the block before).
        let before = (word << 1) | u64::from(in_run);
        let mut changes = word ^ before;
        while changes != 0 {
            let at = base + changes.trailing_zeros() as usize;
            changes &= changes - 1;
            match in_run {
                false => run_start = at,
                true => run(text, run_start..at, &mut lower, &mut f),
            }
            in_run = !in_run;
        }
    }
    if in_run {
        run(text, run_start..bytes.len(), &mut lower, &mut f);
    }
}

/// The words of one run of bytes that are not ASCII separators (`span`
/// starts and ends at ASCII or at the text's ends: on characters).
#[inline(always)]
fn run(
    text: &str,
    span: std::ops::Range<usize>,
    lower: &mut String,
    f: &mut impl FnMut(Token<'_>),
) {
    let bytes = text.as_bytes();
    let len = span.len();
    if (2..=8).contains(&len) {
        // Most words: read in one `u64`.
        let key = word_key_u64(bytes, span.start, len);
        if key & TOP_BITS == 0 {
            f(Token::Spelling(u128::from(key)));
            return;
        }
    } else if (9..=16).contains(&len) {
        let key = word_key(bytes, span.start, len);
        if key & TOP_BITS_WIDE == 0 {
            f(Token::Spelling(key));
            return;
        }
    } else if len == 1 {
        // One ASCII byte: too short to be a word (a byte beyond ASCII is
        // part of a character of two bytes or more).
        return;
    } else if bytes[span.clone()].is_ascii() {
        long_ascii_word(bytes, span, lower, f);
        return;
    }
    run_with_other_script(&text[span], lower, f);
}

/// The words of a run of letters, digits and characters beyond ASCII: cut
/// where a character that is neither a letter nor a digit is, each word
/// lowercased and folded as ASCII or by characters.
#[inline(never)]
fn run_with_other_script(text: &str, lower: &mut String, f: &mut impl FnMut(Token<'_>)) {
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let start = at;
        at = end_of_ascii_word(bytes, at);
        if at < bytes.len() {
            // The word goes on past ASCII, or starts with a character that
            // is not: take it whole by characters.
            let rest = &text[start..];
            let word_len = rest
                .char_indices()
                .find(|&(_, c)| !c.is_alphanumeric())
                .map_or(rest.len(), |(i, _)| i);
            if word_len == 0 {
                // A character that splits words: step over it.
                let width = rest.chars().next().map_or(1, char::len_utf8);
                at = start + width;
                continue;
            }
            let word = &rest[..word_len];
            at = start + word_len;
            match word.is_ascii() {
                true => ascii_word(bytes, start..at, lower, f),
                false => word_of_other_script(word, f),
            }
            continue;
        }
        ascii_word(bytes, start..at, lower, f);
    }
}

/// A bit for each byte of `chunk` (up to 64) that is an ASCII letter or
/// digit or a byte beyond ASCII, that is, not a separator; bits past the
/// chunk's end are clear.
#[inline(always)]
fn word_byte_mask(chunk: &[u8]) -> u64 {
    let mut block = [0u8; 64];
    let bytes: &[u8; 64] = match chunk.first_chunk::<64>() {
        Some(whole) => whole,
        None => {
            // Zero is a separator.
            block[..chunk.len()].copy_from_slice(chunk);
            &block
        }
    };
    block_mask(bytes)
}

/// [`word_byte_mask`] of a whole block, sixteen bytes at a time with
/// SSE2 (part of every x86-64): three range checks and one `pmovmskb`
/// per sixteen bytes.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn block_mask(bytes: &[u8; 64]) -> u64 {
    use std::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_cmpgt_epi8, _mm_cmplt_epi8, _mm_loadu_si128, _mm_movemask_epi8,
        _mm_or_si128, _mm_set1_epi8,
    };
    // Signed compares: a byte beyond ASCII is below zero, so it fails
    // both ranges and is taken by the sign check instead.
    // SAFETY: SSE2 is part of every x86-64 target, so its instructions
    // are there to call; the only memory read is `_mm_loadu_si128` of
    // `sixteen`, 16 readable bytes, which an unaligned load reads exactly.
    unsafe {
        let in_range = |v: __m128i, low: u8, high: u8| {
            let above = _mm_cmpgt_epi8(v, _mm_set1_epi8((low - 1) as i8));
            let below = _mm_cmplt_epi8(v, _mm_set1_epi8((high + 1) as i8));
            _mm_and_si128(above, below)
        };
        let mut mask = 0u64;
        for (i, sixteen) in bytes.chunks_exact(16).enumerate() {
            let v = _mm_loadu_si128(sixteen.as_ptr().cast());
            let beyond_ascii = _mm_cmplt_epi8(v, _mm_set1_epi8(0));
            let digit = in_range(v, b'0', b'9');
            // Setting 0x20 turns capitals into small letters and nothing
            // else into a small letter (see `ascii_word_bytes`).
            let letter = in_range(_mm_or_si128(v, _mm_set1_epi8(0x20)), b'a', b'z');
            let word = _mm_or_si128(beyond_ascii, _mm_or_si128(digit, letter));
            let bits = _mm_movemask_epi8(word) as u32 as u64;
            mask |= bits << (16 * i);
        }
        mask
    }
}

#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn block_mask(bytes: &[u8; 64]) -> u64 {
    block_mask_swar(bytes)
}

/// [`word_byte_mask`] of a whole block in plain integers: eight bytes at
/// a time ([`ascii_word_bytes`]), each eight top bits gathered into a byte
/// by one multiply.
#[cfg(any(not(target_arch = "x86_64"), test))]
#[inline(always)]
fn block_mask_swar(bytes: &[u8; 64]) -> u64 {
    let mut mask = 0u64;
    for (i, eight) in bytes.chunks_exact(8).enumerate() {
        let mut word = [0u8; 8];
        word.copy_from_slice(eight);
        let word = u64::from_le_bytes(word);
        let tops = ascii_word_bytes(word) | (word & TOP_BITS);
        mask |= gather_top_bits(tops) << (8 * i);
    }
    mask
}

/// The top bits of the eight bytes of `tops` (no other bit set) as the
/// eight bits of a byte, the first byte's lowest. Each top bit, moved to
/// the bottom of its byte, lands by the multiply in its own bit of the top
/// byte, and no two partial products meet (so nothing carries).
#[cfg(any(not(target_arch = "x86_64"), test))]
fn gather_top_bits(tops: u64) -> u64 {
    const GATHER: u64 = 0x0102_0408_1020_4080;
    ((tops >> 7).wrapping_mul(GATHER)) >> 56
}

/// Where the run of ASCII letters and digits at `at` ends: eight bytes
/// at a time while eight are left (a word is rarely longer, so most words
/// take one step and no branch per byte), then a byte at a time.
fn end_of_ascii_word(bytes: &[u8], mut at: usize) -> usize {
    while let Some(eight) = bytes.get(at..at + 8) {
        let mut chunk = [0u8; 8];
        chunk.copy_from_slice(eight);
        let others = !ascii_word_bytes(u64::from_le_bytes(chunk)) & TOP_BITS;
        if others != 0 {
            return at + (others.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    while at < bytes.len() && bytes[at].is_ascii_alphanumeric() {
        at += 1;
    }
    at
}

/// The top bit of each byte of a `u64`.
const TOP_BITS: u64 = u64::MAX / 255 * 0x80;
/// The top bit of each byte of a `u128`.
const TOP_BITS_WIDE: u128 = u128::MAX / 255 * 0x80;

/// The top bit of each of eight bytes set when the byte is an ASCII letter
/// or digit. Adding `0x80 - c` to a byte below `0x80` sets its top bit
/// exactly when it is `c` or more, and carries into no other byte.
fn ascii_word_bytes(chunk: u64) -> u64 {
    const ONES: u64 = u64::MAX / 255;
    let at_least = |bytes: u64, c: u8| (bytes + ONES * (0x80 - u64::from(c))) & TOP_BITS;
    let ascii = chunk & !TOP_BITS;
    let digit = at_least(ascii, b'0') & !at_least(ascii, b'9' + 1);
    // Setting 0x20 turns capitals into small letters and nothing else into
    // a small letter (`@` and `[` become the characters around them).
    let folded = ascii | (ONES * 0x20);
    let letter = at_least(folded, b'a') & !at_least(folded, b'z' + 1);
    (digit | letter) & !(chunk & TOP_BITS)
}

/// The word of ASCII letters and digits at `span` of `bytes`.
#[inline(always)]
fn ascii_word(
    bytes: &[u8],
    span: std::ops::Range<usize>,
    lower: &mut String,
    f: &mut impl FnMut(Token<'_>),
) {
    let len = span.len();
    if !(2..=16).contains(&len) {
        long_ascii_word(bytes, span, lower, f);
        return;
    }
    f(Token::Spelling(word_key(bytes, span.start, len)));
}

/// The `len` bytes (1 to 8) at `start` of `bytes`, little-endian, zero
/// after them: one load of 8 bytes, cut to the word, unless the text ends
/// before them.
fn word_key_u64(bytes: &[u8], start: usize, len: usize) -> u64 {
    match bytes.get(start..start + 8) {
        Some(eight) => {
            let mut word = [0u8; 8];
            word.copy_from_slice(eight);
            u64::from_le_bytes(word) & (u64::MAX >> (8 * (8 - len)))
        }
        None => short_key(&bytes[start..start + len]) as u64,
    }
}

/// [`ascii_lowercase`] of eight bytes.
fn ascii_lowercase_u64(key: u64) -> u64 {
    const ONES: u64 = u64::MAX / 255;
    let from_a = (key + ONES * (0x80 - u64::from(b'A'))) & TOP_BITS;
    let past_z = (key + ONES * (0x80 - u64::from(b'Z') - 1)) & TOP_BITS;
    key | ((from_a & !past_z) >> 2)
}

/// An ASCII word of one byte or more than 16: a term when it has up to
/// [`MAX_TERM_CHARS`] (no stop word is that long).
#[inline(never)]
fn long_ascii_word(
    bytes: &[u8],
    span: std::ops::Range<usize>,
    lower: &mut String,
    f: &mut impl FnMut(Token<'_>),
) {
    let len = span.len();
    if !(17..=MAX_TERM_CHARS).contains(&len) {
        return;
    }
    lower.clear();
    // ASCII bytes of a `str`: a `str` again.
    lower.push_str(std::str::from_utf8(&bytes[span]).unwrap_or_default());
    lower.make_ascii_lowercase();
    fold_plural(lower, len);
    // Folded, a word of 17 to 19 bytes may be a short term.
    f(Token::Term(Term::of(lower)))
}

/// The `len` bytes (1 to 16) at `start` of `bytes` as a [`Term::Short`]
/// key: one load of 16 bytes, cut to the word, unless the text ends before
/// them.
fn word_key(bytes: &[u8], start: usize, len: usize) -> u128 {
    match bytes.get(start..start + 16) {
        Some(sixteen) => first_bytes(short_key(sixteen), len),
        None => short_key(&bytes[start..start + len]),
    }
}

/// Up to 16 bytes as a number, little-endian, zero after them.
fn short_key(bytes: &[u8]) -> u128 {
    let mut key = [0u8; 16];
    key[..bytes.len()].copy_from_slice(bytes);
    u128::from_le_bytes(key)
}

/// The first `n` bytes (1 to 16) of `key`, the others zero.
fn first_bytes(key: u128, n: usize) -> u128 {
    key & (u128::MAX >> (8 * (16 - n)))
}

/// Every byte of 16 ASCII bytes lowercased at once: a byte from `A` to `Z`
/// has `0x20` added. Adding `0x80 - c` to a byte below `0x80` sets its top
/// bit exactly when it is `c` or more, and carries into no other byte.
fn ascii_lowercase(key: u128) -> u128 {
    const ONES: u128 = u128::MAX / 255;
    let from_a = (key + ONES * (0x80 - u128::from(b'A'))) & TOP_BITS_WIDE;
    let past_z = (key + ONES * (0x80 - u128::from(b'Z') - 1)) & TOP_BITS_WIDE;
    key | ((from_a & !past_z) >> 2)
}

/// [`singular`] of the lowercase ASCII word of `len` bytes in `key`.
fn singular_key(key: u128, len: usize) -> u128 {
    // Every plural ends in `s`; most words do not, and stop here.
    if (key >> (8 * (len - 1))) as u8 != b's' {
        return key;
    }
    let bytes = key.to_le_bytes();
    match plural_ending(&bytes[..len], len) {
        Some((cut, add)) => {
            let kept = len - cut;
            first_bytes(key, kept) | add.map_or(0, |b| u128::from(b) << (8 * kept))
        }
        None => key,
    }
}

/// [`STOP_WORDS`] as numbers, a word's bytes in one `u64` each (none is
/// longer than eight): one comparison per stop word, without a string
/// comparison.
const STOP_WORD_KEYS: [u64; STOP_WORDS.len()] = stop_word_keys();

const fn stop_word_keys() -> [u64; STOP_WORDS.len()] {
    let mut keys = [0; STOP_WORDS.len()];
    let mut i = 0;
    while i < STOP_WORDS.len() {
        let bytes = STOP_WORDS[i].as_bytes();
        let mut j = 0;
        while j < bytes.len() && j < 8 {
            keys[i] |= (bytes[j] as u64) << (8 * j);
            j += 1;
        }
        i += 1;
    }
    keys
}

/// [`STOP_WORD_KEYS`] by a multiplicative hash of the key, with no two in
/// one slot: one multiplication, one load and one comparison for each short
/// word of the site, where going through the list took one comparison per
/// stop word.
struct StopWordTable {
    multiplier: u64,
    /// A stop word's key in its slot; 0 (no word's key) in the others.
    slots: [u64; STOP_WORD_SLOTS],
}

const STOP_WORD_SLOTS: usize = 128;

const STOP_WORD_TABLE: StopWordTable = stop_word_table();

/// The slot of `key` (the top 7 bits of the product: 128 slots).
const fn stop_word_slot(key: u64, multiplier: u64) -> usize {
    (key.wrapping_mul(multiplier) >> 57) as usize
}

/// The first multiplier of a fixed sequence that puts no two stop words in
/// one slot (found when the crate is compiled).
const fn stop_word_table() -> StopWordTable {
    let mut multiplier: u64 = 0x9e37_79b9_7f4a_7c15;
    loop {
        let mut slots = [0u64; STOP_WORD_SLOTS];
        let mut i = 0;
        let mut clash = false;
        while i < STOP_WORD_KEYS.len() {
            let slot = stop_word_slot(STOP_WORD_KEYS[i], multiplier);
            if slots[slot] != 0 {
                clash = true;
                break;
            }
            slots[slot] = STOP_WORD_KEYS[i];
            i += 1;
        }
        if !clash {
            return StopWordTable { multiplier, slots };
        }
        multiplier = multiplier
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407)
            | 1;
    }
}

/// Whether the lowercase ASCII word whose bytes `key` holds (two to eight
/// of them) is one of [`STOP_WORDS`].
fn is_stop_word(key: u64) -> bool {
    STOP_WORD_TABLE.slots[stop_word_slot(key, STOP_WORD_TABLE.multiplier)] == key
}

/// The length of the longest of [`STOP_WORDS`].
pub(super) const LONGEST_STOP_WORD: usize = 5;

/// A word with letters beyond ASCII: counted, lowercased and folded by
/// characters.
fn word_of_other_script(word: &str, f: &mut impl FnMut(Token<'_>)) {
    let n = word.chars().count();
    if !(2..=MAX_TERM_CHARS).contains(&n) {
        return;
    }
    let word = word.to_lowercase();
    if STOP_WORDS.contains(&word.as_str()) {
        return;
    }
    f(Token::Term(Term::of(&singular(word))));
}

/// Harman's "S" stemmer: `policies` -> `policy`, `expenses` -> `expense`,
/// `calls` -> `call`; `status`, `process`, `analysis` stay. Small enough to
/// write the same in the script, and it finds the plural for the singular
/// typed (and back) without the surprises of a full stemmer.
pub fn singular(mut word: String) -> String {
    // Lengths are counted in characters (as the script does).
    let chars = word.chars().count();
    fold_plural(&mut word, chars);
    word
}

/// [`singular`] in place, for a word of `chars` characters: the endings
/// cut are ASCII, so cutting their bytes keeps the text whole.
fn fold_plural(word: &mut String, chars: usize) {
    if let Some((cut, add)) = plural_ending(word.as_bytes(), chars) {
        word.truncate(word.len() - cut);
        word.extend(add.map(char::from));
    }
}

/// The plural ending [`singular`] folds in `word` (`chars` characters
/// long): how many bytes to cut, and the letter to put in their place.
fn plural_ending(word: &[u8], chars: usize) -> Option<(usize, Option<u8>)> {
    // Every ending below ends in `s`.
    if !word.ends_with(b"s") {
        return None;
    }
    if chars > 4 && word.ends_with(b"ies") && !word.ends_with(b"eies") && !word.ends_with(b"aies") {
        return Some((3, Some(b'y')));
    }
    if chars > 3
        && word.ends_with(b"es")
        && !word.ends_with(b"aes")
        && !word.ends_with(b"ees")
        && !word.ends_with(b"oes")
    {
        return Some((1, None));
    }
    if chars > 3 && !word.ends_with(b"us") && !word.ends_with(b"ss") && !word.ends_with(b"is") {
        return Some((1, None));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercasing_sixteen_or_eight_bytes_at_once_is_lowercasing_each() {
        let all: Vec<u8> = (1u8..0x80).collect();
        for window in all.windows(16) {
            let mut key = [0u8; 16];
            key.copy_from_slice(window);
            let lowered = ascii_lowercase(u128::from_le_bytes(key)).to_le_bytes();
            assert_eq!(lowered.to_vec(), window.to_ascii_lowercase(), "{window:?}");
            for half in window.chunks_exact(8) {
                let mut eight = [0u8; 8];
                eight.copy_from_slice(half);
                let lowered = ascii_lowercase_u64(u64::from_le_bytes(eight)).to_le_bytes();
                assert_eq!(lowered.to_vec(), half.to_ascii_lowercase(), "{half:?}");
            }
        }
    }

    #[test]
    fn eight_bytes_at_once_are_classed_as_each_alone() {
        let every: Vec<u8> = (0u8..=255).collect();
        for window in every.windows(8).chain(every.rchunks(8)) {
            let mut chunk = [0u8; 8];
            chunk.copy_from_slice(window);
            let words = ascii_word_bytes(u64::from_le_bytes(chunk)).to_le_bytes();
            for (byte, word) in window.iter().zip(words) {
                assert_eq!(word == 0x80, byte.is_ascii_alphanumeric(), "{byte:#x}");
                assert!(word == 0 || word == 0x80);
            }
        }
        let text = b"Weekly pipeline-review 2026 ownersOfTheRhythm q3\xc3\xa9";
        for at in 0..text.len() {
            let mut end = at;
            while end < text.len() && text[end].is_ascii_alphanumeric() {
                end += 1;
            }
            assert_eq!(end_of_ascii_word(text, at), end, "{at}");
        }
    }

    /// Every byte value at every place of a block, and blocks cut short
    /// (the text's last): a bit exactly for each letter, digit or byte
    /// beyond ASCII.
    #[test]
    fn the_block_mask_marks_each_byte_that_is_not_a_separator() {
        let every: Vec<u8> = (0u8..=255).chain(0u8..=255).collect();
        for start in 0..256 {
            for len in [64, 63, 17, 8, 1, 0] {
                let chunk = &every[start..start + len];
                let mask = word_byte_mask(chunk);
                let mut block = [0u8; 64];
                block[..len].copy_from_slice(chunk);
                assert_eq!(block_mask_swar(&block), mask, "{start} {len}");
                for bit in 0..64 {
                    let expected = chunk
                        .get(bit)
                        .is_some_and(|b| b.is_ascii_alphanumeric() || !b.is_ascii());
                    assert_eq!(mask >> bit & 1 == 1, expected, "{start} {len} {bit}");
                }
            }
        }
    }

    /// The table finds every stop word and nothing else among the short
    /// words a handbook is made of, nor among every word of two letters.
    #[test]
    fn the_stop_word_table_is_the_list() {
        let key = |word: &str| short_key(word.as_bytes()) as u64;
        for word in STOP_WORDS {
            assert!(is_stop_word(key(word)), "{word}");
        }
        let letters = b"abcdefghijklmnopqrstuvwxyz0123456789";
        let pairs = letters
            .iter()
            .flat_map(|&a| letters.iter().map(move |&b| [a, b]));
        let pairs: Vec<String> = pairs
            .map(|pair| String::from_utf8_lossy(&pair).into())
            .collect();
        let words = [
            "team", "goal", "plan", "risk", "ther", "thes", "with", "from", "wills", "ands",
        ];
        for word in pairs.iter().map(String::as_str).chain(words) {
            assert_eq!(
                is_stop_word(key(word)),
                STOP_WORDS.contains(&word),
                "{word}"
            );
        }
    }

    #[test]
    fn a_word_reads_the_same_at_the_end_of_the_text() {
        let text = b"Quarterly business reviews";
        for (start, len) in [(0, 9), (10, 8), (19, 7), (10, 16), (18, 8), (22, 4)] {
            let key = word_key(text, start, len);
            let mut expected = [0u8; 16];
            expected[..len].copy_from_slice(&text[start..start + len]);
            assert_eq!(key, u128::from_le_bytes(expected), "{start} {len}");
            if len <= 8 {
                assert_eq!(u128::from(word_key_u64(text, start, len)), key, "{start}");
            }
        }
    }
}
