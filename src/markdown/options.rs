//! How a page's Markdown is rendered: the site's settings as the Markdown
//! stage takes them.

use super::kramdown::PrepareOptions;
use super::{math, templates, RawHtml, ScriptLinks};
use crate::config::HeadingIdFlavor;

pub struct RenderOptions<'a> {
    pub flavor: HeadingIdFlavor,
    pub highlight: bool,
    pub smart_punctuation: bool,
    pub parse_block_html: bool,
    pub erb: bool,
    pub erb_show: bool,
    pub base_path: &'a str,
    /// Produce HTML and plain text; `check` needs only ids and links.
    pub html: bool,
    /// Rewrites a link target (e.g. `../x.md#a`) to a page URL; `None` keeps it.
    pub rewrite_link: &'a (dyn Fn(&str) -> Option<String> + Sync),
    pub raw_html: RawHtml,
    pub script_links: ScriptLinks,
    /// What ERB and Liquid/Nunjucks expressions read: front matter, site
    /// settings, data and partials.
    pub templates: Option<&'a templates::TemplateValues<'a>>,
    /// Liquid/Nunjucks renders (Jekyll and Eleventy sites); otherwise `{{ }}`
    /// is text.
    pub liquid: bool,
    /// Zola's `{{ name(...) }}` and `{% name(...) %}` shortcodes run.
    pub zola_shortcodes: bool,
    /// mdBook's `{{#include file}}` family puts files into the page.
    pub mdbook_includes: bool,
    /// The page is MDX (Docusaurus): its `import`, `export` and `{/* */}`
    /// are left out.
    pub mdx: bool,
    /// Whether `$x$` is math or a dollar sign.
    pub math: math::SingleDollar,
}

/// Keeps every link target as written.
fn links_as_written(_: &str) -> Option<String> {
    None
}

impl RenderOptions<'static> {
    /// Options for a page on its own, without a site: `flavor`'s heading
    /// ids, typographic punctuation, raw HTML passed through, script links
    /// dropped, no highlighting, no template tags, links as written (the
    /// cadence tools, tests).
    pub fn standalone(flavor: HeadingIdFlavor) -> RenderOptions<'static> {
        RenderOptions {
            flavor,
            highlight: false,
            smart_punctuation: true,
            parse_block_html: false,
            erb: false,
            erb_show: false,
            base_path: "",
            html: true,
            rewrite_link: &links_as_written,
            raw_html: RawHtml::PassThrough,
            script_links: ScriptLinks::Drop,
            templates: None,
            liquid: false,
            zola_shortcodes: false,
            mdbook_includes: false,
            mdx: false,
            math: math::SingleDollar::Text,
        }
    }
}

impl<'a> RenderOptions<'a> {
    /// The settings the kramdown line pass reads.
    pub(super) fn prepare_options(&self) -> PrepareOptions<'a> {
        PrepareOptions {
            parse_block_html: self.parse_block_html,
            erb: self.erb,
            erb_show: self.erb_show,
            base_path: self.base_path,
            templates: self.templates,
            liquid: self.liquid,
            zola_shortcodes: self.zola_shortcodes,
        }
    }
}
