//! What the Markdown stage makes of a page: its HTML, headings, anchors,
//! links and text, and what it noticed. Serializable for the build's page
//! cache (`build/page_cache.rs`).

use std::ops::Range;

use pulldown_cmark::LinkType;

mod on_disk;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LinkKind {
    Link,
    Image,
    /// `href` in raw HTML.
    HtmlHref,
    /// `src` in raw HTML.
    HtmlSrc,
}

/// A link as written in the source.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Link {
    /// The target as written (entities and escapes decoded).
    pub target: String,
    /// What the page links to after rewriting, when that is not `target`
    /// (links to `.md` sources and source-relative assets become site
    /// URLs): most links are not rewritten, and a site holds hundreds of
    /// thousands of them, in memory and in the build's page cache.
    rewritten: Option<String>,
    /// Byte range of the target in the page's file text.
    pub span: Range<usize>,
    pub kind: LinkKind,
}

impl Link {
    /// A link to `target`, which the page links to as `rewritten` when
    /// that is `Some`.
    pub fn new(
        target: String,
        rewritten: Option<String>,
        span: Range<usize>,
        kind: LinkKind,
    ) -> Link {
        let mut link = Link {
            target,
            rewritten: None,
            span,
            kind,
        };
        link.set_rewritten(rewritten);
        link
    }

    /// Sets what the page links to after rewriting (`None`: the target as
    /// written), for a link recorded before the site's URLs were known.
    pub fn set_rewritten(&mut self, rewritten: Option<String>) {
        self.rewritten = rewritten.filter(|href| *href != self.target);
    }

    /// What the page links to after rewriting: what the checker resolves.
    pub fn href(&self) -> &str {
        self.rewritten.as_deref().unwrap_or(&self.target)
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Heading {
    pub level: u8,
    pub id: Option<String>,
    pub title: String,
    /// Marked `{:.no_toc}`.
    pub in_toc: bool,
    /// Byte offset of the heading in the page's file (for a heading that
    /// came from a partial: its tag's).
    pub offset: usize,
}

/// Something the renderer noticed: offset into the file text.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct RenderNote {
    pub span: Range<usize>,
    pub message: String,
    pub help: std::borrow::Cow<'static, str>,
}

/// Kept in the build's page cache as [`on_disk`] says.
#[derive(Debug, Default)]
pub struct Rendered {
    /// Not kept in the build's page cache (the largest part, and needed only
    /// for the pages rendered again): the build cache keeps the packed form
    /// apart (`build/body_store.rs`), read only for the pages whose HTML is
    /// wanted.
    pub html: String,
    /// `html` set aside for the template stage ([`Rendered::pack`],
    /// [`Rendered::put_in_file`]): a site's bodies are three times its
    /// Markdown, and all of them wait for the site's navigation. Behind a
    /// lock so that a build can let each go once its page is written
    /// ([`Rendered::release_html`]) while the others are still read.
    pub(crate) set_aside: std::sync::Mutex<SetAside>,
    /// `plain_text` compressed, set aside for the search index (and let go
    /// once the index has read it: [`Rendered::release_text`]).
    pub(crate) packed_text: std::sync::Mutex<Vec<u8>>,
    pub headings: Vec<Heading>,
    /// Every id a fragment can land on: headings, attribute lists, raw HTML
    /// `id=`/`name=`, footnotes.
    pub anchors: Vec<String>,
    /// The links the Markdown stage found, in the order it found them;
    /// read them with [`Rendered::links`], which also sees those of a page
    /// taken from the page cache.
    pub(crate) found_links: Vec<Link>,
    /// A page taken from the page cache keeps its links packed as the
    /// cache holds them ([`on_disk`]) until something asks for them: a
    /// check or rebuild whose links resolve as they did asks for few (a
    /// wide page has 30 of them, each its own strings).
    pub(crate) packed_links: Option<Box<[u8]>>,
    pub(crate) unpacked_links: std::sync::OnceLock<Vec<Link>>,
    /// The page's text, for the search index. Not kept in the page cache
    /// (the index keeps its own entry of the page, under `text_key`).
    pub plain_text: String,
    /// Byte offset in `plain_text` where each of `headings` starts, so the
    /// text can be cut into sections (for search hits that land on a heading).
    pub heading_offsets: Vec<usize>,
    /// A fingerprint of `plain_text`, `heading_offsets` and the headings:
    /// what the search index reads of the page's Markdown.
    pub text_key: u64,
    /// The opening words of the text, [`LEAD_CHARS`] at most (the feed's
    /// summary of a page without a description).
    pub lead: String,
    pub word_count: usize,
    pub notes: Vec<RenderNote>,
    /// What the page needs of the theme's optional scripts.
    pub features: Features,
    /// The Font Awesome icons the HTML names (`fas check`, see
    /// [`super::icons::IconClass::key`]): the site's icon stylesheet reads
    /// them here, as the page cache keeps them but not the HTML.
    pub icons: Vec<String>,
}

/// What a stage does with a page's packed HTML or text, or with its
/// Markdown, once it has read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterUse {
    /// Keeps it: `serve` renders pages and the index again on later edits.
    Keep,
    /// Lets it go: a build reads each once, and a site's bodies are a large
    /// part of what it would otherwise hold to its end.
    Release,
}

/// Content that needs a script of the theme to show as intended.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Features {
    /// TeX math, typeset with KaTeX.
    pub math: bool,
    /// Mermaid diagrams, drawn by the mermaid library.
    pub diagrams: bool,
    /// Font Awesome icons (`<i class="fas fa-check">`), see [`super::icons`].
    pub icons: bool,
    /// Colours the page sets itself (`style="color: ..."`, `bgcolor`).
    pub colours: bool,
}

/// Characters of the text kept as a page's [`Rendered::lead`].
pub const LEAD_CHARS: usize = 280;

impl Rendered {
    /// The page's links: as the Markdown stage found them, or unpacked
    /// (once) from the page cache's form.
    pub fn links(&self) -> &[Link] {
        match &self.packed_links {
            Some(packed) => self
                .unpacked_links
                .get_or_init(|| on_disk::unpack_links(packed)),
            None => &self.found_links,
        }
    }

    /// Sets `text_key` and `lead` from the text: called once the text and
    /// the headings are final.
    pub fn seal_text(&mut self) {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        hasher.update(self.plain_text.as_bytes());
        for (heading, offset) in self.headings.iter().zip(&self.heading_offsets) {
            hasher.update(&[heading.level, 0]);
            hasher.update(&offset.to_le_bytes());
            hasher.update(heading.id.as_deref().unwrap_or("\0").as_bytes());
            hasher.update(&[0]);
            hasher.update(heading.title.as_bytes());
            hasher.update(&[0]);
        }
        hasher.update(&(self.headings.len() as u64).to_le_bytes());
        hasher.update(&(self.heading_offsets.len() as u64).to_le_bytes());
        self.text_key = hasher.digest();
        self.lead = excerpt(&self.plain_text, LEAD_CHARS);
    }

    /// Compresses the HTML and the text until the stages that read them: a
    /// build without a build cache holds every page's body from the
    /// Markdown stage to the template stage, and its text until the search
    /// index, and both pack to a fraction of their size faster than they
    /// could be made again.
    pub fn pack(&mut self) {
        if !self.html.is_empty() {
            *lock(&mut self.set_aside) =
                SetAside::Packed(lz4_flex::compress_prepend_size(self.html.as_bytes()));
            self.html = String::new();
        }
        if !self.plain_text.is_empty() {
            *lock(&mut self.packed_text) =
                lz4_flex::compress_prepend_size(self.plain_text.as_bytes());
            self.plain_text = String::new();
        }
    }

    /// Sets the body aside in a file (the build cache's body store wrote
    /// `html` there): read back by its template, instead of held packed.
    /// Writing a body is a copy and reading it another, where packing and
    /// unpacking it took a tenth of a build.
    pub fn put_in_file(&mut self, body: BodyInFile) {
        self.html = String::new();
        *lock(&mut self.set_aside) = SetAside::InFile(body);
    }

    /// Lets go of the text once the search index has what it needs of it
    /// (its entry, made as the page rendered): [`Rendered::pack`] then has
    /// no text to pack. `text_key` still stands for it.
    pub fn let_go_of_text(&mut self) {
        self.plain_text = String::new();
    }

    /// The body HTML, unpacked or read back when it was set aside (empty
    /// once [`Rendered::release_html`] let it go); an error when the file
    /// it was put in no longer holds it.
    pub fn body_html(&self) -> Result<std::borrow::Cow<'_, str>, BodyLost> {
        let bytes = match &*guard(&self.set_aside) {
            SetAside::Nothing => return Ok(std::borrow::Cow::Borrowed(&self.html)),
            // The bytes are this process's own compression of a `String`.
            SetAside::Packed(packed) => {
                lz4_flex::decompress_size_prepended(packed).unwrap_or_default()
            }
            SetAside::InFile(body) => body.read().ok_or(BodyLost)?,
        };
        String::from_utf8(bytes)
            .map(std::borrow::Cow::Owned)
            .map_err(|_| BodyLost)
    }

    /// The page's text, unpacked when [`Rendered::pack`] set it aside
    /// (empty once [`Rendered::release_text`] let it go).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        let packed = guard(&self.packed_text);
        if packed.is_empty() {
            return std::borrow::Cow::Borrowed(&self.plain_text);
        }
        // The bytes are this process's own compression of a `String`.
        let bytes = lz4_flex::decompress_size_prepended(&packed).unwrap_or_default();
        std::borrow::Cow::Owned(String::from_utf8(bytes).unwrap_or_default())
    }

    /// Lets go of the set-aside HTML: a build calls it once the page is
    /// written, so the site's bodies do not all wait for its last page.
    pub fn release_html(&self) {
        *guard(&self.set_aside) = SetAside::Nothing;
    }

    /// Lets go of the packed text, once the search index has read it.
    pub fn release_text(&self) {
        *guard(&self.packed_text) = Vec::new();
    }

    pub fn first_heading(&self) -> Option<&str> {
        self.headings
            .iter()
            .find(|h| h.level == 1)
            .or_else(|| self.headings.first())
            .map(|h| h.title.as_str())
            .filter(|t| !t.trim().is_empty())
    }
}

/// Where a page's body waits for its template.
#[derive(Debug, Default)]
pub(crate) enum SetAside {
    /// Nowhere: the body is `html` (or was let go).
    #[default]
    Nothing,
    /// lz4-packed in memory.
    Packed(Vec<u8>),
    /// In a file.
    InFile(BodyInFile),
}

/// Where a body is kept in the build cache's store (`build::body_store`):
/// its segment file, its bytes there and their XXH3. The search index's
/// entries keep the JSON of their hits in the same store.
#[derive(serde::Serialize, serde::Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct BodyAt {
    pub segment: u32,
    pub offset: u64,
    pub len: u32,
    pub print: u64,
}

/// A body written to a file instead of held: where its bytes are and their
/// XXH3, so that a body that is gone, cut short or changed is never taken.
#[derive(Debug, Clone)]
pub struct BodyInFile {
    pub file: std::sync::Arc<dyn BodyBytes>,
    pub offset: u64,
    pub len: u32,
    pub print: u64,
}

impl BodyInFile {
    /// The bytes, when they are there and intact.
    pub fn read(&self) -> Option<Vec<u8>> {
        let mut bytes = Vec::with_capacity(self.len as usize);
        self.read_into(&mut bytes).then_some(bytes)
    }

    /// Appends the bytes to `out` when they are there and intact (`out` is
    /// left as it was when not): a search shard joins its pages' hits in
    /// one buffer without a copy of each.
    pub fn read_into(&self, out: &mut Vec<u8>) -> bool {
        let start = out.len();
        let intact = self.file.read_into(self.offset, self.len as usize, out)
            && out.get(start..).map(xxhash_rust::xxh3::xxh3_64) == Some(self.print);
        if !intact {
            out.truncate(start);
        }
        intact
    }
}

/// Where set-aside bodies are read back from: a file, or a file and what
/// could not be written to it.
pub trait BodyBytes: std::fmt::Debug + Send + Sync {
    /// Appends the `len` bytes at `offset` to `out`; `false` when they
    /// cannot all be read (`out` may then hold part of them).
    fn read_into(&self, offset: u64, len: usize, out: &mut Vec<u8>) -> bool;
}

impl BodyBytes for std::fs::File {
    /// Read into memory that is not zeroed first: every body of a build is
    /// read back once, and zeroing each before the read overwrote it was a
    /// fiftieth of a build of long pages.
    fn read_into(&self, offset: u64, len: usize, bytes: &mut Vec<u8>) -> bool {
        use std::os::fd::AsRawFd;
        let start = bytes.len();
        bytes.reserve(len);
        while bytes.len() < start + len {
            let filled = bytes.len() - start;
            let spare = &mut bytes.spare_capacity_mut()[..len - filled];
            let Ok(at) = libc::off_t::try_from(offset + filled as u64) else {
                return false;
            };
            // SAFETY: `spare` is `len - filled` bytes of `bytes`' allocation,
            // writable and not yet part of the vector; pread writes at most
            // that many bytes into it and says how many it wrote.
            let read = unsafe {
                libc::pread(self.as_raw_fd(), spare.as_mut_ptr().cast(), spare.len(), at)
            };
            match read {
                // Interrupted by a signal before it read anything: again.
                -1 if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted => {
                }
                // An error, or the file ends before `len` bytes.
                read if read <= 0 => return false,
                // SAFETY: pread initialized the first `read` bytes of
                // `spare`, which follow the vector's bytes.
                read => unsafe { bytes.set_len(bytes.len() + read as usize) },
            }
        }
        true
    }
}

/// A body set aside in a file that no longer holds it (removed or changed
/// while the build ran).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("its rendered body could not be read back from the build cache (changed or removed while the build ran)")]
pub struct BodyLost;

/// What is behind a lock no holder can leave poisoned (a reader only copies
/// it out, a writer replaces it whole), with the lock held.
fn guard<T>(held: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    held.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// [`guard`] with the value borrowed mutably: no lock to take.
fn lock<T>(held: &mut std::sync::Mutex<T>) -> &mut T {
    held.get_mut()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The first `max` characters of `text` (whitespace folded), cut at a word.
pub fn excerpt(text: &str, max: usize) -> String {
    if let Some(excerpt) = ascii_excerpt(text, max) {
        return excerpt;
    }
    let mut out = String::with_capacity(max.min(text.len()));
    let mut chars = 0;
    for word in text.split_whitespace() {
        let n = word.chars().count();
        if chars + n + 1 > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        out.push_str(word);
        chars += n;
    }
    out
}

/// [`excerpt`] of text that is ASCII as far as the excerpt reads, a byte a
/// character, in one pass over the bytes (the search index takes an
/// excerpt of every section of every page, and a copy per word cost more
/// than the words); `None` at the first byte beyond ASCII.
fn ascii_excerpt(text: &str, max: usize) -> Option<String> {
    if let Some(end) = plain_excerpt_end(text.as_bytes(), max) {
        return Some(text[..end].to_string());
    }
    let mut out: Vec<u8> = Vec::with_capacity(max.min(text.len()));
    // The length of `out` at the end of the last word that fits whole.
    let mut kept = 0;
    // How long `out` may grow: the first word leaves room for one more
    // character, as [`excerpt`] counts it.
    let mut limit = max.saturating_sub(1);
    let mut in_word = false;
    for &byte in text.as_bytes() {
        // The ASCII characters `char::is_whitespace` knows (it splits on
        // vertical tabs too, where `u8::is_ascii_whitespace` does not).
        if matches!(byte, b'\t'..=b'\r' | b' ') {
            if in_word {
                in_word = false;
                kept = out.len();
                limit = max;
            }
            continue;
        }
        if !byte.is_ascii() {
            return None;
        }
        if !in_word {
            in_word = true;
            if !out.is_empty() {
                out.push(b' ');
            }
        }
        if out.len() >= limit {
            // The word does not fit: the excerpt ends with the one before.
            out.truncate(kept);
            break;
        }
        out.push(byte);
    }
    // Only ASCII bytes were copied.
    String::from_utf8(out).ok()
}

/// Where [`excerpt`] cuts `text` when the text it reads is already as the
/// excerpt writes it (printable ASCII, words one space apart, no space
/// first): most prose, which is then copied at once instead of a byte at a
/// time. `None` when the text needs folding.
fn plain_excerpt_end(text: &[u8], max: usize) -> Option<usize> {
    // The excerpt reads at most `max` bytes, and the one after them to
    // know whether the last word ends there.
    let window = &text[..text.len().min(max.saturating_add(1))];
    let printable = window
        .iter()
        .fold(true, |printable, &b| printable & (b' '..=b'~').contains(&b));
    if !printable || window.first() == Some(&b' ') || memchr::memmem::find(window, b"  ").is_some()
    {
        return None;
    }
    // The last word end at or before `max`: the end of the text, or a space.
    let end = if text.len() <= max {
        text.len() - usize::from(text.last() == Some(&b' '))
    } else if text[max] == b' ' {
        max
    } else {
        memchr::memrchr(b' ', &text[..max]).unwrap_or(0)
    };
    // One word alone leaves room for one more character (see `excerpt`).
    let one_word = memchr::memchr(b' ', &text[..end]).is_none();
    Some(if one_word && end >= max { 0 } else { end })
}

/// A link's target as the page's HTML has it: an email autolink's
/// destination is the address alone, and the HTML writer adds `mailto:`.
pub(super) fn link_target(link_type: LinkType, destination: &str) -> String {
    if link_type == LinkType::Email {
        format!("mailto:{destination}")
    } else {
        destination.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::BodyBytes;

    /// A file read back at any place and length gives those bytes; a read
    /// past its end gives nothing rather than bytes it does not hold.
    #[test]
    fn a_file_reads_back_exactly_the_bytes_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bodies.bin");
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &bytes).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        let read_at = |offset: u64, len: usize| {
            let mut read = Vec::new();
            file.read_into(offset, len, &mut read).then_some(read)
        };
        for (offset, len) in [(0, 0), (0, 1), (7, 65_536), (131_071, 68_929), (0, 200_000)] {
            let read = read_at(offset as u64, len).unwrap();
            assert_eq!(read, &bytes[offset..offset + len], "{offset}+{len}");
        }
        assert_eq!(read_at(199_999, 2), None);
        assert_eq!(read_at(300_000, 1), None);
    }

    /// Bodies read back one after another into one buffer: each appended
    /// whole after the ones before; a changed or missing one leaves the
    /// buffer as it was.
    #[test]
    fn bodies_read_into_one_buffer_append_or_leave_it_be() {
        use super::BodyInFile;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bodies.bin");
        let bytes: Vec<u8> = (0..10_000u32).map(|i| (i % 241) as u8).collect();
        std::fs::write(&path, &bytes).unwrap();
        let file = std::sync::Arc::new(std::fs::File::open(&path).unwrap());
        let body = |offset: usize, len: usize| BodyInFile {
            file: file.clone(),
            offset: offset as u64,
            len: len as u32,
            print: xxhash_rust::xxh3::xxh3_64(&bytes[offset..offset + len]),
        };
        let mut out = b"[".to_vec();
        assert!(body(10, 300).read_into(&mut out));
        assert!(body(5_000, 4_999).read_into(&mut out));
        let mut wanted = b"[".to_vec();
        wanted.extend_from_slice(&bytes[10..310]);
        wanted.extend_from_slice(&bytes[5_000..9_999]);
        assert_eq!(out, wanted);
        let changed = BodyInFile {
            print: 0,
            ..body(0, 100)
        };
        assert!(!changed.read_into(&mut out));
        let past_the_end = BodyInFile {
            offset: 9_990,
            ..body(0, 100)
        };
        assert!(!past_the_end.read_into(&mut out));
        assert_eq!(out, wanted);
    }
}
