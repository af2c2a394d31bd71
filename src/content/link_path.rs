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

/// `/a/b` or `/a/b/`: what [`normalize`] gives back unchanged.
fn is_normal(path: &str) -> bool {
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
}
