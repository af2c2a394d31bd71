//! A link's path made normal: `.` and `..` collapsed, empty segments gone.
//! The content stage reads paths from the generators' order files with it;
//! the links stage resolves every link with it.

/// Collapses `.` and `..`; `None` when the path climbs above the root.
pub fn normalize(path: &str) -> Option<String> {
    normalized(path).map(std::borrow::Cow::into_owned)
}

/// [`normalize`], borrowing the path when it is already normal: most links
/// are, millions of them on a large site.
pub fn normalized(path: &str) -> Option<std::borrow::Cow<'_, str>> {
    if is_normal(path) {
        return Some(std::borrow::Cow::Borrowed(path));
    }
    collapse(path).map(std::borrow::Cow::Owned)
}

/// [`normalize`] segment by segment.
fn collapse(path: &str) -> Option<String> {
    let trailing = path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..");
    let mut parts: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut out = String::with_capacity(path.len() + 1);
    out.push('/');
    out.push_str(&parts.join("/"));
    if trailing && !parts.is_empty() {
        out.push('/');
    }
    Some(out)
}

/// `/a/b` or `/a/b/`: what [`normalize`] gives back unchanged, that is a
/// path from the root with no empty, `.` or `..` segment (a `/` at its end
/// allowed). Read with two byte searches rather than segment by segment:
/// it runs for every link of the site.
fn is_normal(path: &str) -> bool {
    let Some(rest) = path.as_bytes().strip_prefix(b"/") else {
        return false;
    };
    if rest.is_empty() {
        return true;
    }
    let rest = rest.strip_suffix(b"/").unwrap_or(rest);
    // An empty segment: at the start, at the end or between two slashes.
    let empty_at_an_end = rest.first() == Some(&b'/') || rest.last() == Some(&b'/');
    let two_slashes = || memchr::memchr_iter(b'/', rest).any(|at| rest.get(at + 1) == Some(&b'/'));
    if rest.is_empty() || empty_at_an_end || two_slashes() {
        return false;
    }
    // A `.` or `..` segment starts with a dot: only dots are looked at.
    let ends_segment = |at: usize| rest.get(at).is_none_or(|&b| b == b'/');
    !memchr::memchr_iter(b'.', rest).any(|dot| {
        let starts_segment = dot == 0 || rest[dot - 1] == b'/';
        starts_segment
            && (ends_segment(dot + 1)
                || (rest.get(dot + 1) == Some(&b'.') && ends_segment(dot + 2)))
    })
}

/// [`is_normal`] as its definition reads, segment by segment: what the
/// tests hold it to.
#[cfg(test)]
fn is_normal_by_segments(path: &str) -> bool {
    let Some(rest) = path.strip_prefix('/') else {
        return false;
    };
    rest.is_empty()
        || rest
            .strip_suffix('/')
            .unwrap_or(rest)
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_paths_come_back_as_collapsing_gives_them() {
        let paths = [
            "/",
            "//",
            "/a",
            "/a/",
            "/a/b/c/",
            "/a//b",
            "/a/./b",
            "/a/../b",
            "/../a",
            "/a/.",
            "/a/..",
            "a/b",
            "",
            ".",
            "/a/b//",
            "/a.b/c..d/",
            "/%20/x",
        ];
        for path in paths {
            assert_eq!(normalize(path), collapse(path), "{path:?}");
        }
    }

    /// Every path of up to six characters from `/`, `.`, `a` and `%`:
    /// the byte searches agree with reading segment by segment.
    #[test]
    fn normal_is_what_reading_by_segments_says() {
        let alphabet = [b'/', b'.', b'a', b'%'];
        let mut checked = 0;
        for len in 0..=6u32 {
            for n in 0..4usize.pow(len) {
                let path: String = (0..len)
                    .map(|i| char::from(alphabet[n / 4usize.pow(i) % 4]))
                    .collect();
                assert_eq!(is_normal(&path), is_normal_by_segments(&path), "{path:?}");
                checked += 1;
            }
        }
        assert_eq!(checked, (0..=6).map(|l| 4usize.pow(l)).sum::<usize>());
        for path in [
            "/a/.b", "/a/..b", "/.../", "/a/b.", "/a/b../", "/./", "/../",
        ] {
            assert_eq!(is_normal(path), is_normal_by_segments(path), "{path:?}");
        }
    }
}
