//! Page bodies in the build cache (`bodies/` in the build cache folder):
//! each page's body HTML as the Markdown stage made it, so that a page
//! whose Markdown is unchanged but whose HTML file must be made again (a
//! template or theme edit, a title its navigation shows, an output folder
//! that was not restored with the cache) takes its body from here instead
//! of rendering its Markdown again. Rendering Markdown is most of a full
//! build's time, and highlighting code most of that.
//!
//! The same file is where a build's bodies wait for their templates: the
//! Markdown stage writes each body there as it renders it and keeps only
//! its place ([`BodyInFile`]), and the template stage reads it back. Each
//! page's search entry keeps the JSON of its hit there too (written by the
//! same stage, read back by the index's document shards), with its place
//! in the page cache beside the entry. The
//! bodies are kept as they are, not compressed: writing and reading a
//! body are two copies, where packing it (lz4) took more time than
//! rendering its Markdown without code, and the file's pages live in the
//! system's file cache, not in the build's memory.
//!
//! A build appends the bodies it renders to a new segment file (`N.bin`),
//! gathered from every core and written a few megabytes at a time. A page's
//! [`BodyAt`], kept in the page cache beside its Markdown key, says where
//! its body is and what its bytes hash to; every read checks the hash, so
//! a body that is gone, cut short or damaged is rendered again, never
//! taken wrong. Once the page cache is written, segments no page refers to
//! are removed, and when more than [`MAX_SEGMENTS`] are left the smaller
//! ones are merged into one: a one-page edit makes a segment of one body,
//! and a thousand of them should not make a thousand files.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

pub use crate::markdown::BodyAt;
use crate::markdown::{BodyBytes, BodyInFile, Rendered};

/// The folder inside the build cache folder.
pub const DIR: &str = "bodies";
/// How many segments may stay before the smaller ones are merged.
const MAX_SEGMENTS: usize = 8;

fn segment_file(dir: &Path, segment: u32) -> PathBuf {
    dir.join(format!("{segment}.bin"))
}

/// The segments in `dir` and their sizes in bytes.
fn segments(dir: &Path) -> Vec<(u32, u64)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name();
            let segment = name.to_str()?.strip_suffix(".bin")?.parse().ok()?;
            Some((segment, entry.metadata().ok()?.len()))
        })
        .collect()
}

/// Bytes gathered before they are written: one write per few hundred
/// bodies, not one each (small writes to one file from every core queue on
/// the file's lock, and took longer than rendering the bodies).
const WRITE_BYTES: usize = 4 << 20;
/// Buffers one `pwritev` takes at most (Linux's `IOV_MAX`).
const MAX_BUFFERS_PER_WRITE: usize = 1024;

/// Appends bodies to a new segment, made on the first body.
pub struct BodyWriter {
    dir: PathBuf,
    segment: u32,
    opened: OnceLock<Option<Arc<Segment>>>,
    pending: Mutex<Pending>,
    /// A write failed (a full disk, a read-only cache folder): the places
    /// handed out in this segment are not to be kept.
    failed: AtomicBool,
}

/// The segment a writer appends to, and the chunks it could not write (a
/// full disk): held here, so that the build still reads those bodies back;
/// the page cache forgets them ([`BodyWriter::forget_unwritten`]).
#[derive(Debug)]
struct Segment {
    file: File,
    unwritten: Mutex<Vec<(u64, Vec<u8>)>>,
}

impl BodyBytes for Segment {
    fn read_into(&self, offset: u64, len: usize, out: &mut Vec<u8>) -> bool {
        let end = offset + len as u64;
        if let Ok(unwritten) = self.unwritten.lock() {
            let chunk = unwritten
                .iter()
                .find(|(at, bytes)| *at <= offset && end <= at + bytes.len() as u64);
            if let Some((at, bytes)) = chunk {
                let start = (offset - at) as usize;
                let Some(held) = bytes.get(start..start + len) else {
                    return false;
                };
                out.extend_from_slice(held);
                return true;
            }
        }
        BodyBytes::read_into(&self.file, offset, len, out)
    }
}

/// Bodies appended and not written yet, and where the first goes in the
/// segment. Each is the buffer it was made in, written from there with the
/// others in one `pwritev`: copying them into one buffer first copied
/// every body of the site through a buffer larger than a core's cache,
/// which cost the whole build more than the copy (a 10,000-page site of
/// long pages built in 4-8% less time without it).
#[derive(Default)]
struct Pending {
    at: u64,
    len: u64,
    buffers: Vec<Vec<u8>>,
}

impl Pending {
    /// The pending buffers and where they go, leaving the next bodies to go
    /// after them.
    fn take(&mut self) -> (u64, Vec<Vec<u8>>) {
        let at = self.at;
        self.at += self.len;
        self.len = 0;
        (at, std::mem::take(&mut self.buffers))
    }
}

impl BodyWriter {
    /// A writer for the build cache folder `cache_dir`, whose segment comes
    /// after every segment there.
    pub fn new(cache_dir: &Path) -> BodyWriter {
        let dir = cache_dir.join(DIR);
        let segment = segments(&dir)
            .iter()
            .map(|&(segment, _)| segment.saturating_add(1))
            .max()
            .unwrap_or(0);
        BodyWriter {
            dir,
            segment,
            opened: OnceLock::new(),
            pending: Mutex::new(Pending::default()),
            failed: AtomicBool::new(false),
        }
    }

    /// Appends a copy of one body; `None` when it cannot be kept. It is on
    /// disk once [`BodyWriter::flush`] has run. The build hands its bodies
    /// over instead ([`BodyWriter::append_owned`]); this is for tests.
    #[cfg(test)]
    pub fn append(&self, body: &[u8]) -> Option<BodyAt> {
        self.append_owned(body.to_vec()).ok().map(|(at, _)| at)
    }

    /// Appends one body, which the writer takes (and writes from where it
    /// is), and says where to read it back from once [`BodyWriter::flush`]
    /// has run; the body back when it cannot be kept (the page is then
    /// rendered again the next time its HTML is wanted).
    pub fn append_owned(&self, body: Vec<u8>) -> Result<(BodyAt, BodyInFile), Vec<u8>> {
        if body.is_empty() {
            return Err(body);
        }
        let Some(segment) = self.opened_segment() else {
            return Err(body);
        };
        let Ok(len) = u32::try_from(body.len()) else {
            return Err(body);
        };
        let print = xxhash_rust::xxh3::xxh3_64(&body);
        let (offset, full) = {
            let Ok(mut pending) = self.pending.lock() else {
                return Err(body);
            };
            let offset = pending.at + pending.len;
            pending.len += u64::from(len);
            pending.buffers.push(body);
            let full =
                pending.len >= WRITE_BYTES as u64 || pending.buffers.len() >= MAX_BUFFERS_PER_WRITE;
            (offset, full.then(|| pending.take()))
        };
        if let Some((at, buffers)) = full {
            self.write(at, buffers);
        }
        let at = BodyAt {
            segment: self.segment,
            offset,
            len,
            print,
        };
        Ok((at, in_file(segment, at)))
    }

    /// [`BodyWriter::append_owned`] of a text, given back as the text when
    /// it cannot be kept.
    pub fn append_text(&self, text: String) -> Result<(BodyAt, BodyInFile), String> {
        // Only the bytes of `text` come back.
        self.append_owned(text.into_bytes())
            .map_err(|bytes| String::from_utf8(bytes).unwrap_or_default())
    }

    /// Writes what was appended and is not written yet.
    pub fn flush(&self) {
        let rest = self.pending.lock().ok().map(|mut pending| pending.take());
        if let Some((at, buffers)) = rest.filter(|(_, buffers)| !buffers.is_empty()) {
            self.write(at, buffers);
        }
    }

    /// The segment, made (and opened for reading back too) on the first
    /// body.
    fn opened_segment(&self) -> Option<Arc<Segment>> {
        let segment = self.opened.get_or_init(|| {
            std::fs::create_dir_all(&self.dir).ok()?;
            let file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(true)
                .open(segment_file(&self.dir, self.segment))
                .ok()?;
            Some(Arc::new(Segment {
                file,
                unwritten: Mutex::new(Vec::new()),
            }))
        });
        if segment.is_none() {
            self.failed.store(true, Ordering::Relaxed);
        }
        segment.clone()
    }

    /// Writes `buffers`, one after the other, at `at`; when that fails they
    /// are held by the segment as one chunk (and the writer has failed).
    fn write(&self, at: u64, buffers: Vec<Vec<u8>>) {
        let Some(segment) = self.opened_segment() else {
            return;
        };
        if write_all_vectored_at(&segment.file, &buffers, at).is_ok() {
            return;
        }
        self.failed.store(true, Ordering::Relaxed);
        let unwritten = segment.unwritten.lock();
        if let Ok(mut unwritten) = unwritten {
            unwritten.push((at, buffers.concat()));
        }
    }

    /// Forgets the places of bodies this writer could not write, so that no
    /// page cache refers to them (the pages are rendered again when next
    /// wanted, without a warning).
    pub fn forget_unwritten(&self, bodies: &mut [Option<BodyAt>]) {
        self.flush();
        if !self.failed.load(Ordering::Relaxed) {
            return;
        }
        for slot in bodies.iter_mut() {
            if slot.is_some_and(|at| at.segment == self.segment) {
                *slot = None;
            }
        }
    }
}

/// The search index's hit JSON of a page is kept beside its body, and
/// moved, kept and removed with the bodies (see [`crate::build::page_cache`]).
impl crate::output::search::DocStore for BodyWriter {
    fn keep_doc(&self, json: String) -> Result<crate::output::search::StoredDoc, String> {
        let (at, file) = self.append_text(json)?;
        Ok(crate::output::search::StoredDoc {
            at,
            file: Some(file),
        })
    }
}

/// Sets a page's body aside until its template: written to the build
/// cache's body store when there is one (`writer`), packed in memory when
/// there is none or it cannot be written; its text, when it still has it,
/// is packed. Returns where the store keeps the body, readable (by the
/// store, and by the page's template) once the writer is flushed.
pub fn set_aside(rendered: &mut Rendered, writer: Option<&BodyWriter>) -> Option<BodyAt> {
    let kept = writer.map(|writer| writer.append_text(std::mem::take(&mut rendered.html)));
    let at = match kept {
        Some(Ok((at, in_file))) => {
            rendered.put_in_file(in_file);
            Some(at)
        }
        Some(Err(html)) => {
            rendered.html = html;
            None
        }
        None => None,
    };
    rendered.pack();
    at
}

/// Writes `buffers` one after the other at `at`, as few `pwritev` calls
/// as the system takes them in.
fn write_all_vectored_at(file: &File, buffers: &[Vec<u8>], at: u64) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let mut slices: Vec<&[u8]> = buffers.iter().map(Vec::as_slice).collect();
    let mut first = 0;
    let mut at = at;
    while first < slices.len() {
        let batch = &slices[first..slices.len().min(first + MAX_BUFFERS_PER_WRITE)];
        let iovecs: Vec<libc::iovec> = batch
            .iter()
            .map(|slice| libc::iovec {
                iov_base: slice.as_ptr() as *mut libc::c_void,
                iov_len: slice.len(),
            })
            .collect();
        let offset = libc::off_t::try_from(at)
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::InvalidInput))?;
        // SAFETY: every iovec points into a slice of `buffers`, alive and
        // unchanged for the call; the count is at most `IOV_MAX`.
        let written = unsafe {
            libc::pwritev(
                file.as_raw_fd(),
                iovecs.as_ptr(),
                iovecs.len() as libc::c_int,
                offset,
            )
        };
        let mut written = match written {
            n if n < 0 => {
                let error = std::io::Error::last_os_error();
                if error.kind() == std::io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(error);
            }
            0 => return Err(std::io::ErrorKind::WriteZero.into()),
            n => n as usize,
        };
        at += written as u64;
        // Past the slices written whole; the rest of one written in part.
        while let Some(&slice) = slices.get(first).filter(|_| written > 0) {
            if written >= slice.len() {
                written -= slice.len();
                first += 1;
            } else {
                slices[first] = &slice[written..];
                written = 0;
            }
        }
        while slices.get(first).is_some_and(|slice| slice.is_empty()) {
            first += 1;
        }
    }
    Ok(())
}

/// Reads bodies back, each segment opened once.
pub struct BodyReader {
    dir: PathBuf,
    open: Mutex<HashMap<u32, Option<OpenSegment>>>,
}

/// A segment opened for reading, and its length in bytes.
type OpenSegment = (Arc<File>, u64);

impl BodyReader {
    pub fn new(cache_dir: &Path) -> BodyReader {
        BodyReader {
            dir: cache_dir.join(DIR),
            open: Mutex::new(HashMap::new()),
        }
    }

    /// The body at `at`, when it is there and intact.
    pub fn read(&self, at: BodyAt) -> Option<Vec<u8>> {
        self.in_file(at)?.read()
    }

    /// Where the body at `at` is, when it is there and intact (read once to
    /// know: a page whose body is not is rendered again).
    pub fn intact(&self, at: BodyAt) -> Option<BodyInFile> {
        let body = self.in_file(at)?;
        body.read()?;
        Some(body)
    }

    /// Where to read the body at `at` from: `None` when its segment is gone
    /// or too short to hold it; whether it is intact is known once it is
    /// read.
    pub fn in_file(&self, at: BodyAt) -> Option<BodyInFile> {
        let (file, len) = {
            let mut open = self.open.lock().ok()?;
            open.entry(at.segment)
                .or_insert_with(|| {
                    let file = File::open(segment_file(&self.dir, at.segment)).ok()?;
                    let len = file.metadata().ok()?.len();
                    Some((Arc::new(file), len))
                })
                .clone()?
        };
        (at.offset + u64::from(at.len) <= len).then(|| in_file(file, at))
    }
}

fn in_file(file: Arc<dyn BodyBytes>, at: BodyAt) -> BodyInFile {
    BodyInFile {
        file,
        offset: at.offset,
        len: at.len,
        print: at.print,
    }
}

/// Before the page cache is written: when more than [`MAX_SEGMENTS`]
/// segments hold bodies of `bodies`, copies the bodies of all but the
/// fullest into `writer`'s segment (and the fullest too when most of it is
/// no longer referred to), changing their places in `bodies`. A body that
/// cannot be read is dropped from `bodies`: its page is rendered again
/// when next wanted.
pub fn merge_if_many(cache_dir: &Path, bodies: &mut [Option<BodyAt>], writer: &BodyWriter) {
    let mut live: HashMap<u32, u64> = HashMap::new();
    for at in bodies.iter().flatten() {
        *live.entry(at.segment).or_default() += u64::from(at.len);
    }
    if live.len() <= MAX_SEGMENTS {
        return;
    }
    let sizes: HashMap<u32, u64> = segments(&cache_dir.join(DIR)).into_iter().collect();
    let fullest = live
        .iter()
        .max_by_key(|&(&segment, &bytes)| (bytes, segment))
        .map(|(&segment, &bytes)| (segment, bytes));
    let keep = fullest
        .filter(|&(segment, bytes)| bytes * 2 >= sizes.get(&segment).copied().unwrap_or(0))
        .map(|(segment, _)| segment);
    let reader = BodyReader::new(cache_dir);
    for slot in bodies.iter_mut() {
        let Some(at) = *slot else { continue };
        if Some(at.segment) == keep || at.segment == writer.segment {
            continue;
        }
        *slot = reader
            .read(at)
            .and_then(|body| writer.append_owned(body).ok().map(|(at, _)| at));
    }
    writer.flush();
}

/// After the page cache is written: removes the segments no page of
/// `bodies` refers to (the last builds', and any a stopped build left).
pub fn remove_unreferenced(cache_dir: &Path, bodies: &[Option<BodyAt>]) {
    let dir = cache_dir.join(DIR);
    let referenced: std::collections::HashSet<u32> =
        bodies.iter().flatten().map(|at| at.segment).collect();
    for (segment, _) in segments(&dir) {
        if !referenced.contains(&segment) {
            let _ = std::fs::remove_file(segment_file(&dir, segment));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("handbook-bodies-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn a_body_reads_back_as_written_and_a_damaged_one_not_at_all() {
        let dir = scratch("read");
        let writer = BodyWriter::new(&dir);
        let first = writer.append(b"first body").unwrap();
        let second = writer.append(b"second").unwrap();
        writer.flush();
        let reader = BodyReader::new(&dir);
        assert_eq!(reader.read(second).unwrap(), b"second");
        assert_eq!(reader.read(first).unwrap(), b"first body");
        let file = segment_file(&dir.join(DIR), first.segment);
        let mut bytes = std::fs::read(&file).unwrap();
        bytes[0] ^= 1;
        std::fs::write(&file, &bytes).unwrap();
        assert_eq!(BodyReader::new(&dir).read(first), None);
        std::fs::write(&file, &bytes[..4]).unwrap();
        assert!(
            BodyReader::new(&dir).in_file(second).is_none(),
            "a place past the segment's end is not opened"
        );
        assert_eq!(BodyReader::new(&dir).read(second), None);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// More bodies than one `pwritev` takes, so that they are written in
    /// several: each reads back as written, at the place it was given, and
    /// the segment is their bytes in order.
    #[test]
    fn many_bodies_are_written_in_order_in_batches() {
        let dir = scratch("batches");
        let writer = BodyWriter::new(&dir);
        let bodies: Vec<Vec<u8>> = (0..3 * MAX_BUFFERS_PER_WRITE + 7)
            .map(|i| format!("<p>body {i}</p>{}", "x".repeat(i % 97)).into_bytes())
            .collect();
        let places: Vec<BodyAt> = bodies
            .iter()
            .map(|body| writer.append_owned(body.clone()).unwrap().0)
            .collect();
        writer.flush();
        let reader = BodyReader::new(&dir);
        for (body, at) in bodies.iter().zip(&places) {
            assert_eq!(reader.read(*at).as_ref(), Some(body));
        }
        let segment = segment_file(&dir.join(DIR), places[0].segment);
        assert_eq!(std::fs::read(segment).unwrap(), bodies.concat());
        assert!(writer.append_owned(Vec::new()).is_err(), "nothing to keep");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A body set aside with a writer waits in the segment, not in memory,
    /// and reads back as it was once the writer is flushed; the place it
    /// is given is where the store keeps it.
    #[test]
    fn a_body_set_aside_waits_in_the_segment() {
        let dir = scratch("set-aside");
        let writer = BodyWriter::new(&dir);
        let html = "<h2 id=\"a\">A</h2>\n<p>é</p>\n".repeat(100);
        let mut rendered = Rendered {
            html: html.clone(),
            ..Rendered::default()
        };
        let at = set_aside(&mut rendered, Some(&writer)).expect("kept");
        assert!(rendered.html.is_empty());
        writer.flush();
        assert_eq!(rendered.body_html().expect("read back"), html);
        assert_eq!(
            BodyReader::new(&dir).read(at).expect("kept"),
            html.as_bytes()
        );
        rendered.release_html();
        assert_eq!(rendered.body_html().expect("let go"), "");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A chunk the segment does not take (here: a segment open for reading
    /// only, as a full disk would refuse it) is held by the segment, so the
    /// build still reads its bodies back; the page cache forgets them.
    #[test]
    fn bodies_of_a_chunk_that_could_not_be_written_still_read_back() {
        let dir = scratch("refused");
        let writer = BodyWriter::new(&dir);
        std::fs::create_dir_all(&writer.dir).unwrap();
        let path = segment_file(&writer.dir, writer.segment);
        std::fs::write(&path, b"").unwrap();
        let read_only = Segment {
            file: File::open(&path).unwrap(),
            unwritten: Mutex::new(Vec::new()),
        };
        assert!(writer.opened.set(Some(Arc::new(read_only))).is_ok());
        let html = "<p>held in memory</p>\n".repeat(50);
        let mut rendered = Rendered {
            html: html.clone(),
            ..Rendered::default()
        };
        let mut bodies = vec![set_aside(&mut rendered, Some(&writer))];
        assert!(bodies[0].is_some());
        writer.forget_unwritten(&mut bodies);
        assert_eq!(bodies, vec![None]);
        assert_eq!(rendered.body_html().expect("held by the segment"), html);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A segment that cannot be written (here: a file where the folder
    /// should be) leaves no place behind to be kept, and a body set aside
    /// is packed in memory instead.
    #[test]
    fn bodies_that_could_not_be_written_are_forgotten() {
        let dir = scratch("unwritable");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(DIR), "not a folder").unwrap();
        let writer = BodyWriter::new(&dir);
        let mut rendered = Rendered {
            html: "<p>a body</p>".to_string(),
            ..Rendered::default()
        };
        assert_eq!(set_aside(&mut rendered, Some(&writer)), None);
        assert_eq!(rendered.body_html().expect("packed"), "<p>a body</p>");
        let mut bodies = vec![writer.append(b"a body"), None];
        writer.forget_unwritten(&mut bodies);
        assert_eq!(bodies, vec![None, None]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Many small segments (a build each) are merged into one, the bodies
    /// still reading back, and the segments left behind are removed.
    #[test]
    fn small_segments_are_merged_and_the_unreferenced_removed() {
        let dir = scratch("merge");
        let mut bodies = Vec::new();
        for build in 0..MAX_SEGMENTS + 3 {
            let writer = BodyWriter::new(&dir);
            let body = format!("body of build {build}").repeat(if build == 0 { 50 } else { 1 });
            bodies.push(writer.append(body.as_bytes()));
            writer.flush();
        }
        let writer = BodyWriter::new(&dir);
        merge_if_many(&dir, &mut bodies, &writer);
        remove_unreferenced(&dir, &bodies);
        let left: Vec<u32> = segments(&dir.join(DIR)).iter().map(|s| s.0).collect();
        assert_eq!(left.len(), 2, "{left:?}");
        assert!(left.contains(&0), "the fullest stays");
        let reader = BodyReader::new(&dir);
        for (build, at) in bodies.iter().enumerate() {
            let body = format!("body of build {build}").repeat(if build == 0 { 50 } else { 1 });
            assert_eq!(reader.read(at.unwrap()).unwrap(), body.as_bytes());
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
