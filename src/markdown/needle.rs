//! Substring tests asked of every text event and of whole bodies.
//! `memchr::memmem::find` builds a searcher on every call (about a thousand
//! instructions, more than the search itself on most text events); finding
//! the needle's first byte with `memchr` and comparing the rest costs a few
//! instructions per occurrence of that byte, and the needles here start
//! with bytes prose rarely holds (`{`, `!`, `?`, `\`, `]`, `*`, `:`).

/// Where `needle` (not empty) first occurs in `haystack`.
pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    memchr::memchr_iter(first, haystack).find(|&at| haystack[at + 1..].starts_with(rest))
}

/// Whether `needle` (not empty) occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    find(haystack, needle).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_memmem_finds() {
        let haystacks: [&[u8]; 6] = [b"", b"{", b"a{:b", b"{{:", b"x://y ://", b"!!!! !!! "];
        let needles: [&[u8]; 5] = [b"{:", b"://", b"!!! ", b"{", b"::"];
        for haystack in haystacks {
            for needle in needles {
                assert_eq!(
                    find(haystack, needle),
                    memchr::memmem::find(haystack, needle),
                    "{:?} in {:?}",
                    String::from_utf8_lossy(needle),
                    String::from_utf8_lossy(haystack)
                );
            }
        }
    }
}
