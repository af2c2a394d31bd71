//! Stage 5: render pages through the theme's Tera templates.
//!
//! The theme comes from `themes/NAME/` under the site root, or for `default`
//! from the copy built into the binary, so `handbook` works on any folder of
//! Markdown. A site overrides any template with a file of the same name in its
//! own `templates/` folder, and any static file in its own `static/` folder.

pub mod body;
pub mod calendar_markup;
pub mod context;
pub mod memo;
pub mod nav;
pub mod nav_markup;
pub mod page_frame;
pub mod page_markup;
pub mod section_markup;
pub mod toc;

use std::collections::BTreeMap;
use std::error::Error as _;
use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};
use tera::Tera;

use crate::config::Config;
use crate::content::points_inside;
use crate::diagnostics::Diagnostic;

static DEFAULT_THEME: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// A static file of the theme or site, copied to the output as is.
#[derive(Debug, Clone)]
pub enum StaticSource {
    Embedded(&'static [u8]),
    File(PathBuf),
}

pub struct Theme {
    /// Template name -> (origin shown in errors, text).
    pub templates: BTreeMap<String, (String, String)>,
    /// Output-relative path -> source.
    pub static_files: BTreeMap<String, StaticSource>,
    /// Files in `templates/` or `static/` that resolve outside their folder
    /// or into a hidden one (a `static -> ~/.ssh` link): left out, and
    /// reported by whoever builds.
    pub skipped: Vec<PathBuf>,
}

impl Theme {
    /// The skipped files as warnings.
    pub fn skipped_warnings(&self) -> Vec<Diagnostic> {
        self.skipped
            .iter()
            .map(|path| {
                Diagnostic::warning(
                    "io",
                    "symbolic link to a place outside the site or into a hidden folder; it is skipped",
                )
                .in_file(path.display().to_string())
                .with_help("copy the file into the site, or link to a place inside the site root")
            })
            .collect()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error("theme `{0}` not found: no folder {1}")]
    Missing(String, PathBuf),
    #[error("cannot read {0}: {1}")]
    Read(PathBuf, std::io::Error),
}

impl Theme {
    pub fn load(config: &Config) -> Result<Theme, ThemeError> {
        let mut theme = Theme {
            templates: BTreeMap::new(),
            static_files: BTreeMap::new(),
            skipped: Vec::new(),
        };
        let theme_dir = config.root.join("themes").join(&config.site.theme);
        if theme_dir.is_dir() {
            read_theme_folder(&theme_dir, &mut theme, ThemeParts::All)?;
            // A theme of its own that predates the cadence pages gets the
            // built-in ones (they only extend `base.html`).
            add_missing_generated_templates(&mut theme);
        } else if config.site.theme == "default" {
            load_embedded(&DEFAULT_THEME, &mut theme);
        } else {
            return Err(ThemeError::Missing(config.site.theme.clone(), theme_dir));
        }
        // The site's own overrides win; but a Zola site's `templates/` are
        // written for Zola's context, not this one (its `static/` is the
        // site's files either way).
        let overrides = match config.detected {
            Some(crate::config::detect::Generator::Zola) => ThemeParts::StaticOnly,
            _ => ThemeParts::All,
        };
        read_theme_folder(&config.root, &mut theme, overrides)?;
        Ok(theme)
    }
}

/// Which folders of a theme or site [`read_theme_folder`] reads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ThemeParts {
    All,
    StaticOnly,
}

/// Reads `dir/templates/` and `dir/static/` into `theme`, replacing files of
/// the same name (a theme's folder, then the site's own overrides).
fn read_theme_folder(dir: &Path, theme: &mut Theme, parts: ThemeParts) -> Result<(), ThemeError> {
    let allowed: Vec<PathBuf> = dir.canonicalize().into_iter().collect();
    let mut skipped = Vec::new();
    let mut publishable = |path: &Path| {
        let inside = points_inside(path, &allowed);
        if !inside {
            skipped.push(path.to_path_buf());
        }
        inside
    };
    if parts == ThemeParts::All {
        read_dir_into(
            &dir.join("templates"),
            &mut publishable,
            &mut |rel, path| {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| ThemeError::Read(path.to_path_buf(), e))?;
                theme
                    .templates
                    .insert(rel.to_string(), (path.display().to_string(), text));
                Ok(())
            },
        )?;
    }
    read_dir_into(&dir.join("static"), &mut publishable, &mut |rel, path| {
        theme
            .static_files
            .insert(rel.to_string(), StaticSource::File(path.to_path_buf()));
        Ok(())
    })?;
    theme.skipped.extend(skipped);
    Ok(())
}

fn add_missing_generated_templates(theme: &mut Theme) {
    let mut builtin = Theme {
        templates: BTreeMap::new(),
        static_files: BTreeMap::new(),
        skipped: Vec::new(),
    };
    load_embedded(&DEFAULT_THEME, &mut builtin);
    for (name, template) in builtin.templates {
        let generated = name.starts_with("cadence/")
            || name.starts_with("tags/")
            || name.starts_with("owners/");
        if generated && !theme.templates.contains_key(&name) {
            theme.templates.insert(name, template);
        }
    }
}

/// How the built-in theme's templates are named in errors.
const BUILT_IN: &str = "(built-in theme)";

fn load_embedded(dir: &'static Dir<'static>, theme: &mut Theme) {
    fn walk(dir: &'static Dir<'static>, out: &mut Vec<&'static include_dir::File<'static>>) {
        out.extend(dir.files());
        for sub in dir.dirs() {
            walk(sub, out);
        }
    }
    let mut files = Vec::new();
    walk(dir, &mut files);
    for file in files {
        let path = file.path().to_string_lossy().replace('\\', "/");
        if let Some(name) = path.strip_prefix("templates/") {
            let text = String::from_utf8_lossy(file.contents()).into_owned();
            theme.templates.insert(
                name.to_string(),
                (format!("{BUILT_IN} templates/{name}"), text),
            );
        } else if let Some(rel) = path.strip_prefix("static/") {
            theme
                .static_files
                .insert(rel.to_string(), StaticSource::Embedded(file.contents()));
        }
    }
}

fn read_dir_into(
    dir: &Path,
    publishable: &mut dyn FnMut(&Path) -> bool,
    add: &mut dyn FnMut(&str, &Path) -> Result<(), ThemeError>,
) -> Result<(), ThemeError> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            ThemeError::Read(
                e.path().unwrap_or(dir).to_path_buf(),
                std::io::Error::other(e.to_string()),
            )
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        if rel.split('/').any(|part| part.starts_with('.')) || !publishable(entry.path()) {
            continue;
        }
        add(&rel, entry.path())?;
    }
    Ok(())
}

/// The compiled templates.
pub struct Renderer {
    tera: Tera,
    origins: BTreeMap<String, String>,
    /// Whether `nav.html` renders each entry on its own (see [`nav`]).
    sidebar_composable: bool,
    /// `nav.html` and `macros.html` are the default theme's, as they ship:
    /// the sidebar is then written by [`nav_markup`] instead of Tera.
    default_nav: bool,
    /// The templates a content page is rendered with whose text is the
    /// default theme's, with `base.html` and `macros.html` too: the page is
    /// then written by [`page_frame`] instead of Tera.
    default_page_templates: Vec<(&'static str, page_frame::Layout)>,
    /// The last build's renders of generated pages, when it kept them.
    memo: Option<memo::RenderMemo>,
}

impl Renderer {
    pub fn new(theme: &Theme) -> Result<Renderer, Diagnostic> {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Escapes what can end an attribute or start a tag, and leaves `/`
        // alone (Tera's default writes it as `&#x2F;`), so URLs printed
        // without `| safe` stay readable.
        tera.set_escape_fn(crate::escape::html);
        let templates: Vec<(&str, &str)> = theme
            .templates
            .iter()
            .map(|(name, (_, text))| (name.as_str(), text.as_str()))
            .collect();
        let origins: BTreeMap<String, String> = theme
            .templates
            .iter()
            .map(|(name, (origin, _))| (name.clone(), origin.clone()))
            .collect();
        if let Err(e) = tera.add_raw_templates(templates) {
            return Err(template_diagnostic(&e, &origins));
        }
        for required in ["page.html", "section.html", "404.html"] {
            if !tera.get_template_names().any(|n| n == required) {
                return Err(Diagnostic::error(
                    "template",
                    format!("the theme has no `{required}` template"),
                ));
            }
        }
        // Templates may always call `cadence()`; a build registers the
        // site's rhythm over this empty one.
        tera.register_function(
            "cadence",
            crate::cadence::index::TemplateFunction::new(Default::default()),
        );
        Ok(Renderer {
            tera,
            origins,
            sidebar_composable: sidebar_composable(theme),
            default_nav: ["nav.html", "macros.html"]
                .iter()
                .all(|name| is_default_text(theme, name)),
            default_page_templates: default_page_templates(theme),
            memo: None,
        })
    }

    /// Whether a section's sidebar may be composed from the home sidebar and
    /// its one open entry ([`nav`]): not when `nav.html`, or a template it
    /// names, looks at `loop` (an entry's markup may then depend on its
    /// place in the list).
    pub fn sidebar_composable(&self) -> bool {
        self.sidebar_composable
    }

    /// Whether the sidebar templates are the default theme's own text
    /// (built in, or copied unchanged into a site), so that
    /// [`nav_markup::default_nav_html`] writes what they would.
    pub fn default_nav(&self) -> bool {
        self.default_nav
    }

    /// The layout [`page_frame::default_page_html`] writes a page rendered
    /// with `template` as: when the template, `base.html` and `macros.html`
    /// are the default theme's own text.
    pub fn writes_default_page(&self, template: &str) -> Option<page_frame::Layout> {
        self.default_page_templates
            .iter()
            .find(|(name, _)| *name == template)
            .map(|(_, layout)| *layout)
    }

    /// Makes `name(...)` callable from every template.
    pub fn register_function<F: tera::Function + 'static>(&mut self, name: &str, function: F) {
        self.tera.register_function(name, function);
    }

    /// Whether template `name` is the built-in theme's own, not a site's
    /// or theme's: data only the built-in templates read may take a leaner
    /// shape than the one documented for copies of them.
    pub fn is_built_in(&self, name: &str) -> bool {
        self.origins
            .get(name)
            .is_some_and(|origin| origin.starts_with(BUILT_IN))
    }

    pub fn has_template(&self, name: &str) -> bool {
        self.tera.get_template_names().any(|n| n == name)
    }

    /// Renders with the memo of the last build's renders: the same template
    /// and context (and the same templates, settings and rhythm, which the
    /// memo's scope stands for) give the same HTML. For pages `handbook`
    /// generates; content pages have a finer key of their own.
    pub fn render_memoized(
        &self,
        template: &str,
        data: context::TemplateData,
    ) -> Result<String, Diagnostic> {
        let Some(memo) = &self.memo else {
            return self.render(template, &data.into_tera());
        };
        let key = memo.key(template, &data);
        if let Some(html) = memo.recall(key) {
            return Ok(html);
        }
        let html = self.render(template, &data.into_tera())?;
        memo.remember(key, &html);
        Ok(html)
    }

    /// Turns on [`Renderer::render_memoized`]'s memo.
    pub fn set_memo(&mut self, memo: memo::RenderMemo) {
        self.memo = Some(memo);
    }

    /// Keeps every render of the last build for the next one: the pages
    /// made from them were kept without rendering.
    pub fn recall_all_renders(&self) {
        if let Some(memo) = &self.memo {
            memo.recall_all();
        }
    }

    /// The renders this build used, for the next one.
    pub fn take_memo(&mut self) -> Option<memo::RenderMemo> {
        self.memo.take()
    }

    pub fn render(&self, template: &str, context: &tera::Context) -> Result<String, Diagnostic> {
        self.tera
            .render(template, context)
            .map_err(|e| template_diagnostic(&e, &self.origins))
    }

    /// [`Renderer::render`] into a buffer of `expected_len` bytes: Tera's
    /// own starts at 2 KB and is copied each time it doubles, four or five
    /// times for a page of tens of kilobytes.
    pub fn render_sized(
        &self,
        template: &str,
        context: &tera::Context,
        expected_len: usize,
    ) -> Result<String, Diagnostic> {
        let mut out = Vec::with_capacity(expected_len);
        self.tera
            .render_to(template, context, &mut out)
            .map_err(|e| template_diagnostic(&e, &self.origins))?;
        // Tera writes the text of `str`s only.
        String::from_utf8(out).map_err(|e| {
            Diagnostic::error(
                "template",
                format!("template `{template}` wrote invalid UTF-8: {e}"),
            )
        })
    }
}

/// The text of the default theme's template `name`.
fn default_template(name: &str) -> Option<&'static str> {
    DEFAULT_THEME
        .get_file(format!("templates/{name}"))
        .and_then(|file| file.contents_utf8())
}

/// Whether the theme's template `name` has the text of the default theme's.
fn is_default_text(theme: &Theme, name: &str) -> bool {
    match (theme.templates.get(name), default_template(name)) {
        (Some((_, text)), Some(default)) => text == default,
        _ => false,
    }
}

/// The page templates [`page_frame`] writes as the theme would: those of
/// `page.html`, `markdown_page.html` (which extends it) and `section.html`
/// (with `cadence/macros.html`) that are the default theme's text, when
/// `base.html` and `macros.html` are too.
fn default_page_templates(theme: &Theme) -> Vec<(&'static str, page_frame::Layout)> {
    let frame = ["base.html", "page.html", "macros.html"];
    if !frame.iter().all(|name| is_default_text(theme, name)) {
        return Vec::new();
    }
    let section = is_default_text(theme, "cadence/macros.html").then_some("section.html");
    ["page.html", "markdown_page.html"]
        .into_iter()
        .chain(section)
        .filter(|name| is_default_text(theme, name))
        .map(|name| match name {
            "section.html" => (name, page_frame::Layout::Section),
            _ => (name, page_frame::Layout::Page),
        })
        .collect()
}

fn sidebar_composable(theme: &Theme) -> bool {
    let Some((_, nav)) = theme.templates.get("nav.html") else {
        return false;
    };
    let named = theme
        .templates
        .iter()
        .filter(|(name, _)| nav.contains(name.as_str()))
        .map(|(_, (_, text))| text);
    !std::iter::once(nav)
        .chain(named)
        .any(|text| text.contains("loop."))
}

/// Tera errors come as a chain ("failed to render x" -> "variable y not found");
/// the diagnostic names the template file and carries the whole chain.
fn template_diagnostic(error: &tera::Error, origins: &BTreeMap<String, String>) -> Diagnostic {
    let mut messages = vec![error.to_string()];
    let mut source = error.source();
    while let Some(e) = source {
        messages.push(e.to_string());
        source = e.source();
    }
    let file = origins
        .iter()
        .find(|(name, _)| messages.iter().any(|m| m.contains(&format!("'{name}'"))))
        .map(|(_, origin)| origin.clone());
    let mut d = Diagnostic::error(
        "template",
        format!("template error: {}", messages.join(": ")),
    );
    if let Some(file) = file {
        d = d.in_file(file);
    }
    d
}

/// `template` (a template's text) rendered by Tera as a build renders,
/// escaping with [`crate::escape::html`], with the default theme's
/// templates named in `beside` loaded next to it: what the Rust writers of
/// the default theme's parts (`toc`, `nav_markup`, `page_markup`,
/// `page_frame`) are checked against.
#[cfg(test)]
pub(crate) fn render_with_default_theme(
    beside: &[&str],
    template: &str,
    context: &tera::Context,
) -> String {
    default_theme_tera(beside, template)
        .render("rendered.html", context)
        .expect("the template renders")
}

/// The Tera of [`render_with_default_theme`], with `template` as
/// `rendered.html`, for a test to register functions on first.
#[cfg(test)]
pub(crate) fn default_theme_tera(beside: &[&str], template: &str) -> Tera {
    let mut templates: Vec<(String, &str)> = beside
        .iter()
        .map(|name| {
            let text = default_template(name).expect("the default theme has the template");
            (name.to_string(), text)
        })
        .collect();
    templates.push(("rendered.html".into(), template));
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html"]);
    tera.set_escape_fn(crate::escape::html);
    tera.add_raw_templates(templates).expect("templates parse");
    tera
}
