//! Rendering with the page cache ([`super::page_cache`]): a page whose
//! output key is the one its file was made from last time keeps that file;
//! the generated pages are kept as a group while the site's shape and the
//! render scope stay the same.

use std::path::Path;
use std::sync::Mutex;

use rayon::prelude::*;
use xxhash_rust::xxh3::Xxh3;

use super::body_store::{self, BodyAt, BodyReader, BodyWriter};
use super::markdown_pages::{guarded, source_error};
use super::page_cache::{keep_group, PageCache, StoredGroup, StoredOutput};
use super::site_render::PageFacts;
use super::{render_markdown, BuildError, History, Loaded, SiteRender};
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::links::SourceIndex;
use crate::markdown::{BodyInFile, Rendered};
use crate::output::{fingerprint, Fingerprint, OutputError, Sink};
use crate::render::Renderer;

/// What a build may reuse of the last one, and what it made this time.
pub struct PageReuse {
    /// [`super::page_cache::render_scope`] of this build.
    pub render_scope: u64,
    /// Each page's Markdown key, in page order.
    pub markdown_keys: Vec<u64>,
    /// The last build's file of each page, in page order.
    pub previous: Vec<Option<StoredOutput>>,
    /// The last build's generated pages.
    pub previous_generated: Option<StoredGroup>,
    /// Each page's output key, once [`SiteRender::plan_pages`] has run;
    /// `None` for a page the last build left no file of, whose key is made
    /// from its frame as it is rendered.
    pub output_keys: Vec<Option<u64>>,
    /// Each page's frame inputs (see [`SiteRender::frame_inputs`]), once
    /// [`SiteRender::plan_pages`] has run.
    pub frame_inputs: Vec<u64>,
    /// The site's shape ([`SiteRender::shape_key`]), once
    /// [`SiteRender::plan_pages`] has run.
    pub shape_key: Option<u64>,
    /// This build's file of each page, in page order.
    pub outputs: Mutex<Vec<Option<StoredOutput>>>,
    /// This build's generated pages.
    pub generated: Mutex<Option<StoredGroup>>,
}

impl PageReuse {
    pub fn new(
        render_scope: u64,
        markdown_keys: Vec<u64>,
        previous: Vec<Option<StoredOutput>>,
        previous_generated: Option<StoredGroup>,
    ) -> PageReuse {
        let pages = markdown_keys.len();
        PageReuse {
            render_scope,
            markdown_keys,
            previous,
            previous_generated,
            output_keys: Vec::new(),
            frame_inputs: Vec::new(),
            shape_key: None,
            outputs: Mutex::new(vec![None; pages]),
            generated: Mutex::new(None),
        }
    }

    fn output_key(&self, page: usize, frame: u64) -> u64 {
        let mut hasher = Xxh3::with_seed(self.render_scope);
        hasher.update(
            &self
                .markdown_keys
                .get(page)
                .copied()
                .unwrap_or(0)
                .to_le_bytes(),
        );
        hasher.update(&frame.to_le_bytes());
        hasher.digest()
    }

    fn record(&self, page: usize, output: StoredOutput) {
        if let Ok(mut outputs) = self.outputs.lock() {
            if let Some(slot) = outputs.get_mut(page) {
                *slot = Some(output);
            }
        }
    }
}

/// What rendering page `i` with the cache came to.
pub(super) enum PageOutcome {
    /// The last build's file was kept.
    Kept(Option<Diagnostic>),
    /// The page must be rendered, and recorded so once written.
    Render(OutputRecord),
}

/// How a rendered page's file is recorded in the page cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum OutputRecord {
    /// Not at all: the build has no page cache.
    None,
    /// Under the output key the plan worked out.
    Key(u64),
    /// Under an output key made from the frame the page is rendered with.
    KeyOfItsFrame,
}

impl SiteRender<'_> {
    /// Works out each page's output key, and returns the pages whose last
    /// file cannot be kept (they are rendered; their Markdown must be whole).
    pub fn plan_pages(&mut self, sink: &dyn Sink) -> Vec<usize> {
        let Some(reuse) = &self.reuse else {
            return (0..self.content.pages.len()).collect();
        };
        let mut tm = crate::timings::Timings::start();
        let shape_key = self.shape_key(reuse.render_scope);
        tm.mark("plan: shape");
        let (keys, frame_inputs): (Vec<Option<u64>>, Vec<u64>) = (0..self.content.pages.len())
            .into_par_iter()
            .map(|i| {
                let inputs = self.frame_inputs(shape_key, i);
                // A page with no file to keep is rendered anyway, and its
                // key made from the frame it is rendered with.
                let Some(previous) = reuse.previous.get(i).and_then(Option::as_ref) else {
                    return (None, inputs);
                };
                match previous.frame_inputs == inputs {
                    true => (Some(previous.key), inputs),
                    false => (Some(reuse.output_key(i, self.frame(i).0)), inputs),
                }
            })
            .unzip();
        tm.mark("plan: keys");
        // On every core: each kept page's file is looked up in the output.
        let to_render = keys
            .par_iter()
            .enumerate()
            .filter(|&(i, &key)| {
                let output = &self.content.pages[i].url.output;
                let previous = reuse.previous.get(i).and_then(Option::as_ref);
                !previous.is_some_and(|previous| {
                    Some(previous.key) == key
                        && previous.rel == *output
                        && sink.can_keep(output, previous.print)
                })
            })
            .map(|(i, _)| i)
            .collect();
        tm.mark("plan: can keep");
        if let Some(reuse) = &mut self.reuse {
            reuse.output_keys = keys;
            reuse.frame_inputs = frame_inputs;
            reuse.shape_key = Some(shape_key);
        }
        to_render
    }

    /// Keeps page `i`'s last file when nothing it was made from changed
    /// (after [`SiteRender::plan_pages`]).
    pub(super) fn keep_page(&self, i: usize, sink: &dyn Sink) -> Result<PageOutcome, BuildError> {
        let Some(reuse) = &self.reuse else {
            return Ok(PageOutcome::Render(OutputRecord::None));
        };
        let Some(&planned) = reuse.output_keys.get(i) else {
            return Ok(PageOutcome::Render(OutputRecord::None));
        };
        let Some(key) = planned else {
            return Ok(PageOutcome::Render(OutputRecord::KeyOfItsFrame));
        };
        let output = &self.content.pages[i].url.output;
        if let Some(previous) = reuse.previous.get(i).and_then(Option::as_ref) {
            if previous.key == key
                && previous.rel == *output
                && sink.keep(output, previous.print)?
            {
                reuse.record(
                    i,
                    StoredOutput {
                        frame_inputs: reuse.frame_inputs.get(i).copied().unwrap_or(0),
                        ..previous.clone()
                    },
                );
                let (_, warning) = self.template(i);
                return Ok(PageOutcome::Kept(warning));
            }
        }
        Ok(PageOutcome::Render(OutputRecord::Key(key)))
    }

    /// Notes the file page `i` was written as (its fingerprint `print`),
    /// under its output key (made from `frame`, the frame it was rendered
    /// with, when the plan left it).
    pub(super) fn record_page(
        &self,
        i: usize,
        record: OutputRecord,
        frame: Option<u64>,
        print: Fingerprint,
    ) {
        let Some(reuse) = &self.reuse else {
            return;
        };
        let key = match (record, frame) {
            (OutputRecord::Key(key), _) => Some(key),
            (OutputRecord::KeyOfItsFrame, Some(frame)) => Some(reuse.output_key(i, frame)),
            _ => None,
        };
        if let Some(key) = key {
            reuse.record(
                i,
                StoredOutput {
                    key,
                    rel: self.content.pages[i].url.output.clone(),
                    print,
                    frame_inputs: reuse.frame_inputs.get(i).copied().unwrap_or(0),
                },
            );
        }
    }

    /// The generated pages, kept from the last build when the site's shape
    /// and the render scope are the same. Returns the cadence pages' paths.
    pub fn generated_pages_reusing(&self, sink: &dyn Sink) -> Result<Vec<String>, BuildError> {
        let Some(reuse) = &self.reuse else {
            return self.generated_pages(sink);
        };
        let key = reuse
            .shape_key
            .unwrap_or_else(|| self.shape_key(reuse.render_scope));
        if let Some(previous) = reuse.previous_generated.as_ref().filter(|g| g.key == key) {
            if keep_group(previous, sink) {
                self.renderer.recall_all_renders();
                if let Ok(mut generated) = reuse.generated.lock() {
                    *generated = Some(previous.clone());
                }
                return Ok(previous.cadence_pages.clone());
            }
        }
        let recording = RecordingSink {
            inner: sink,
            files: Mutex::new(Vec::new()),
            copied: Mutex::new(false),
        };
        let cadence_pages = self.generated_pages(&recording)?;
        let copied = recording.copied.lock().map_or(true, |c| *c);
        if let (Ok(mut generated), Ok(files), false) =
            (reuse.generated.lock(), recording.files.lock(), copied)
        {
            *generated = Some(StoredGroup {
                key,
                files: files.clone(),
                cadence_pages: cadence_pages.clone(),
            });
        }
        Ok(cadence_pages)
    }

    /// What page `i`'s frame ([`SiteRender::frame_fingerprint`]) is made
    /// from, as one number: the site's shape (`shape_key`, which holds the
    /// render scope: every page's URL, title and front matter, the section
    /// tree and tags, the rhythm and owners), the page's place, path and
    /// Markdown key (its word count, features and headings) and its dates.
    /// Cheaper than the frame by far: a page whose frame inputs are the
    /// last build's has the last build's output key.
    fn frame_inputs(&self, shape_key: u64, i: usize) -> u64 {
        let Some(reuse) = &self.reuse else {
            return 0;
        };
        let page = &self.content.pages[i];
        let mut hasher = Xxh3::with_seed(shape_key);
        hasher.update(&(i as u64).to_le_bytes());
        hasher.update(
            &reuse
                .markdown_keys
                .get(i)
                .copied()
                .unwrap_or(0)
                .to_le_bytes(),
        );
        for part in [&page.rel_path, &page.url.output] {
            hasher.update(part.as_bytes());
            hasher.update(&[0]);
        }
        if let Some((date, datetime)) = self.lastmods.get(i) {
            for part in [date, datetime] {
                hasher.update(part.as_bytes());
                hasher.update(&[0]);
            }
        }
        hasher.digest().max(1)
    }

    /// The site's shape: what the generated pages read besides the render
    /// scope (every page's URL, title and front matter, the section tree and
    /// the tags). Not the pages' last-change dates: no generated page shows
    /// them, and each commit moves one.
    fn shape_key(&self, render_scope: u64) -> u64 {
        use super::page_cache::hash_debug;
        // The pages' part on every core: 50,000 front matters printed for
        // the hasher are a tenth of a one-page rebuild on one.
        let (site, pages) = rayon::join(
            || {
                let mut hasher = Xxh3::with_seed(render_scope);
                hash_debug(&mut hasher, &self.site);
                hasher.digest()
            },
            || {
                self.content
                    .pages
                    .par_iter()
                    .map(|page| {
                        let mut hasher = Xxh3::new();
                        hasher.update(page.url.path.as_bytes());
                        hash_debug(&mut hasher, &page.front);
                        hasher.digest()
                    })
                    .collect::<Vec<u64>>()
            },
        );
        let mut hasher = Xxh3::with_seed(site);
        for page in pages {
            hasher.update(&page.to_le_bytes());
        }
        hasher.digest()
    }
}

/// Passes files through and notes what was written.
struct RecordingSink<'a> {
    inner: &'a dyn Sink,
    files: Mutex<Vec<(String, Fingerprint)>>,
    /// A copied file's bytes are not known here: such a group is not cached.
    copied: Mutex<bool>,
}

impl Sink for RecordingSink<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
        self.inner.write(rel, bytes)?;
        if let Ok(mut files) = self.files.lock() {
            files.push((rel.to_string(), fingerprint(bytes)));
        }
        Ok(())
    }

    fn copy(&self, rel: &str, source: &Path) -> Result<(), OutputError> {
        if let Ok(mut copied) = self.copied.lock() {
            *copied = true;
        }
        self.inner.copy(rel, source)
    }
}

/// Gives the `hollow` pages (read back from the page cache without their
/// HTML) whose HTML is wanted their bodies as the build cache kept them;
/// returns the pages it has none for (or none intact).
fn take_kept_bodies(reader: &BodyReader, loaded: &mut Loaded, hollow: &[usize]) -> Vec<usize> {
    let read: Vec<(usize, Option<BodyInFile>)> = hollow
        .par_iter()
        .map(|&i| {
            let kept = loaded.bodies.get(i).copied().flatten();
            (i, kept.and_then(|at| reader.intact(at)))
        })
        .collect();
    let mut missing = Vec::new();
    let mut unreadable = 0;
    for (i, body) in read {
        match body {
            Some(body) => {
                loaded.rendered[i].put_in_file(body);
                loaded.hollow[i] = false;
            }
            None => {
                if let Some(body) = loaded.bodies.get_mut(i) {
                    unreadable += usize::from(body.is_some());
                    *body = None;
                }
                missing.push(i);
            }
        }
    }
    if unreadable > 0 {
        loaded.report.push(Diagnostic::warning(
            "cache",
            format!(
                "{unreadable} page bodies in the build cache could not be read; \
                 rendering their Markdown again"
            ),
        ));
    }
    missing
}

/// Renders again the Markdown of the `hollow` pages (read back from the page
/// cache without their HTML) whose HTML or text is wanted, from their
/// files: the Markdown stage let their bodies go. `writer` keeps the
/// bodies (each page's place in the store is the new one). A file changed
/// since it was loaded is an error on its page, which the page cache then
/// never keeps.
fn render_hollow_again(
    config: &Config,
    loaded: &mut Loaded,
    hollow: &[usize],
    writer: Option<&BodyWriter>,
) {
    let content = &loaded.content;
    let sources = SourceIndex::new(&content.pages, &content.assets, &content.urls)
        .relative_to(config.site.links.relative_to);
    type Whole = (usize, Result<(Rendered, Option<BodyAt>), Diagnostic>);
    let whole: Vec<Whole> = hollow
        .par_iter()
        .map(|&i| {
            let page = &content.pages[i];
            let rendered = match page.source() {
                // Set aside as the Markdown stage sets it aside: after a
                // template or date change every page's HTML waits here for
                // its template, and held they doubled a build's memory.
                Ok(source) => guarded(&page.rel_path, || {
                    let mut rendered =
                        render_markdown(config, &sources, &content.includes, (page, &source), true);
                    let kept = body_store::set_aside(&mut rendered, writer);
                    (rendered, kept)
                }),
                Err(e) => Err(source_error(page, &e)),
            };
            (i, rendered)
        })
        .collect();
    crate::markdown::highlight::forget_highlighted();
    // The bodies are read back from the segment from here on.
    if let Some(writer) = writer {
        writer.flush();
    }
    for (i, rendered) in whole {
        match rendered {
            Ok((rendered, kept)) => {
                if let (Some(kept), Some(body)) = (kept, loaded.bodies.get_mut(i)) {
                    *body = Some(kept);
                }
                loaded.rendered[i] = rendered;
                loaded.hollow[i] = false;
            }
            Err(failed) => {
                loaded.report.push(failed);
                if let Some(key) = loaded.markdown_keys.get_mut(i) {
                    *key = 0;
                }
            }
        }
    }
}

/// Works out which pages the last build's files stand for, and gives the
/// others their bodies where the page cache kept all but their HTML: as
/// the build cache kept them, or rendered again when it has none or the
/// page's text is wanted too.
pub(super) fn plan_reuse(
    config: &Config,
    renderer: &Renderer,
    render_scope: u64,
    cache: &mut PageCache,
    loaded: &mut Loaded,
    history: &History,
    sink: &dyn Sink,
) -> (PageReuse, PageFacts) {
    let previous = loaded
        .content
        .pages
        .iter()
        .map(|p| cache.outputs.remove(&p.rel_path))
        .collect();
    let mut timings = crate::timings::Timings::start();
    let mut render = SiteRender::of_loaded(config, renderer, loaded, history);
    timings.mark("plan: site render");
    render.reuse = Some(PageReuse::new(
        render_scope,
        loaded.markdown_keys.clone(),
        previous,
        cache.generated.take(),
    ));
    render.search_memo = Some(&cache.search);
    let to_render = render.plan_pages(sink);
    timings.mark("plan: pages");
    // A page the search index has no entry for needs its text, which the
    // cache does not keep (its owners changed, or the index was cut).
    let need_text = render.pages_missing_search_entries();
    timings.mark("plan: search entries");
    let reuse = render.reuse.take();
    let facts = render.into_facts();
    let is_hollow = |i: &usize| loaded.hollow.get(*i).copied().unwrap_or(false);
    let mut need_text: Vec<usize> = need_text.into_iter().filter(is_hollow).collect();
    need_text.sort_unstable();
    need_text.dedup();
    let mut need_html: Vec<usize> = to_render
        .into_iter()
        .filter(|i| is_hollow(i) && need_text.binary_search(i).is_err())
        .collect();
    need_html.sort_unstable();
    need_html.dedup();
    let mut again = take_kept_bodies(&cache.body_reader(), loaded, &need_html);
    again.extend(need_text);
    again.sort_unstable();
    timings.mark("plan: kept bodies");
    if !again.is_empty() {
        render_hollow_again(config, loaded, &again, cache.body_writer.as_ref());
    }
    let reuse = reuse.unwrap_or_else(|| PageReuse::new(0, Vec::new(), Vec::new(), None));
    (reuse, facts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Overrides;
    use crate::diagnostics::Severity;
    use crate::markdown::AfterUse;
    use crate::render::Theme;

    /// A page the plan leaves without a key (the last build left no file of
    /// it) is recorded under the frame it is rendered with. That must be the
    /// frame a later plan makes from scratch: were they to differ, the
    /// first edit that reaches frames (a title) would render every page.
    #[test]
    fn the_frame_a_page_is_rendered_with_is_the_one_a_plan_makes() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let config = Config::load(root, &Overrides::default()).expect("the sample handbook");
        let theme = Theme::load(&config).expect("theme");
        let renderer = Renderer::new(&theme).expect("templates");
        let loaded = super::super::load(&config, true, Severity::Warning, &[], AfterUse::Keep);
        let (history, _) = super::super::read_history(&config, &loaded.content);
        let render = SiteRender::of_loaded(&config, &renderer, &loaded, &history);
        assert!(loaded.content.pages.len() > 20);
        for (i, page) in loaded.content.pages.iter().enumerate() {
            let (html, _, frame) = render.render_page_and_frame(i).expect("renders");
            assert_eq!(frame, render.frame(i).0, "{}", page.rel_path);
            assert_eq!(html, render.render_page(i).expect("renders").0);
        }
    }

    /// A page read back from the page cache without its HTML gets the body
    /// the build cache kept, byte for byte; with the kept bodies damaged,
    /// none is taken, and the build says so.
    #[test]
    fn hollow_pages_take_the_bodies_the_cache_kept_and_only_intact_ones() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let config = Config::load(root, &Overrides::default()).expect("the sample handbook");
        let mut loaded = super::super::load(&config, true, Severity::Warning, &[], AfterUse::Keep);
        let cache =
            std::env::temp_dir().join(format!("handbook-kept-bodies-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&cache);
        let writer = BodyWriter::new(&cache);
        let mut bodies = Vec::new();
        loaded.bodies.clear();
        for rendered in &mut loaded.rendered {
            let html = rendered.body_html().expect("packed").into_owned();
            rendered.release_html();
            loaded.bodies.push(writer.append(html.as_bytes()));
            bodies.push(html);
        }
        writer.flush();
        let kept: Vec<usize> = (0..bodies.len())
            .filter(|&i| !bodies[i].is_empty())
            .collect();
        assert!(kept.len() > 20);
        loaded.hollow = vec![true; bodies.len()];
        let missing = take_kept_bodies(&BodyReader::new(&cache), &mut loaded, &kept);
        assert!(missing.is_empty(), "{missing:?}");
        for &i in &kept {
            assert_eq!(
                loaded.rendered[i].body_html().expect("read back"),
                bodies[i]
            );
            assert!(!loaded.hollow[i]);
        }
        assert!(loaded.report.diagnostics.is_empty());

        let segment = cache.join(super::super::body_store::DIR).join("0.bin");
        let whole = std::fs::read(&segment).expect("the segment");
        std::fs::write(&segment, &whole[..whole.len() / 2]).expect("cut short");
        // A body taken before the cut is not read back wrong.
        let last = kept[kept.len() - 1];
        assert_eq!(
            loaded.rendered[last].body_html(),
            Err(crate::markdown::BodyLost)
        );
        let missing = take_kept_bodies(&BodyReader::new(&cache), &mut loaded, &kept);
        assert!(
            !missing.is_empty() && missing.len() < kept.len(),
            "{missing:?}"
        );
        assert!(missing.iter().all(|&i| loaded.bodies[i].is_none()));
        assert!(loaded.report.diagnostics[0]
            .message
            .contains("could not be read"));
        let _ = std::fs::remove_dir_all(&cache);
    }

    /// Pages rendered again for their HTML (after a template change every
    /// page is) wait for their templates set aside, as after the Markdown
    /// stage: held, a 10,000-page site's bodies doubled its memory. With
    /// the build cache they wait in its body store, which then keeps them
    /// (each page's place is the new one); without it, packed.
    #[test]
    fn pages_rendered_again_for_their_html_are_set_aside() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let config = Config::load(root, &Overrides::default()).expect("the sample handbook");
        let load = || super::super::load(&config, true, Severity::Warning, &[], AfterUse::Keep);
        let fresh = load();
        let every_page: Vec<usize> = (0..fresh.content.pages.len()).collect();
        let mut packed = load();
        render_hollow_again(&config, &mut packed, &every_page, None);
        let cache =
            std::env::temp_dir().join(format!("handbook-again-bodies-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&cache);
        let writer = BodyWriter::new(&cache);
        let mut in_file = load();
        in_file.bodies = vec![None; every_page.len()];
        render_hollow_again(&config, &mut in_file, &every_page, Some(&writer));
        let mut bodies = 0;
        for (i, expected) in fresh.rendered.iter().enumerate() {
            let expected = expected.body_html().expect("held");
            for again in [&packed.rendered[i], &in_file.rendered[i]] {
                assert!(again.html.is_empty());
                assert_eq!(again.body_html().expect("set aside"), expected);
            }
            assert_eq!(in_file.bodies[i].is_some(), !expected.is_empty());
            bodies += usize::from(!expected.is_empty());
        }
        assert!(bodies > 20);
        let _ = std::fs::remove_dir_all(&cache);
    }
}
