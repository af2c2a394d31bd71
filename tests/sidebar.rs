//! Sidebars composed from the home sidebar and one open entry
//! (`render::nav`) are byte for byte the sidebars `nav.html` renders whole,
//! for every section of the sample handbook and of the corpus; and a
//! `nav.html` whose entries depend on their place in the list is rendered
//! whole.

mod common;

use std::path::Path;

use handbook::config::{Config, Overrides};
use handbook::diagnostics::Severity;
use handbook::render::nav::{NavSource, SectionNavs};
use handbook::render::{Renderer, Theme};

/// Compares every section's sidebar with its whole render; returns how many
/// sections there are and how many sidebars were composed.
fn assert_composed_sidebars_match(config: &Config) -> (usize, usize) {
    let loaded = handbook::build::load(
        config,
        false,
        Severity::Warning,
        &[],
        handbook::markdown::AfterUse::Release,
    );
    let theme = Theme::load(config).expect("theme");
    let renderer = Renderer::new(&theme).expect("templates");
    let config_value =
        serde_json::to_value(handbook::render::context::ConfigView::new(config)).expect("config");
    let source = NavSource {
        renderer: &renderer,
        config: &config_value,
        site: &loaded.site,
        pages: &loaded.content.pages,
    };
    let navs = SectionNavs::new(&renderer, loaded.site.sections.len());
    assert!(navs.enabled(), "the theme has a nav.html");
    for section in 0..loaded.site.sections.len() {
        let (composed, key) = navs.get(&source, section).expect("sidebar");
        let whole = source.render_whole(section).expect("whole sidebar");
        assert_eq!(
            composed, whole,
            "the sidebar of {} differs from its whole render",
            loaded.site.sections[section].path
        );
        assert_eq!(key, xxhash_rust::xxh3::xxh3_64(whole.as_bytes()));
    }
    (loaded.site.sections.len(), navs.composed())
}

fn config(root: &Path, content: Option<&Path>) -> Config {
    let overrides = Overrides {
        content_dir: content.map(Path::to_path_buf),
        ..Overrides::default()
    };
    Config::load(root, &overrides).expect("config")
}

#[test]
fn composed_sidebars_match_whole_renders_on_the_sample_handbook() {
    let (sections, composed) =
        assert_composed_sidebars_match(&config(&common::project_root(), None));
    assert!(
        sections > 5,
        "the sample handbook has sections ({sections})"
    );
    // Every section but the home one.
    assert_eq!(composed, sections - 1, "sidebars composed");
}

#[test]
fn composed_sidebars_match_whole_renders_on_the_corpus() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let (sections, composed) =
        assert_composed_sidebars_match(&config(&common::corpus_site(), Some(&corpus)));
    assert!(sections > 100, "the corpus has many sections ({sections})");
    assert_eq!(composed, sections - 1, "sidebars composed");
}

#[test]
fn a_sidebar_that_numbers_its_entries_is_rendered_whole() {
    // The open entry's children repeat the entry's place in the list: a
    // one-entry render would say 1 where the whole sidebar says 2.
    let nav = r#"<ul>{% for n in nav %}<li><a href="{{ n.url | safe }}">{{ n.title }}</a>{% if n.open %}<ol data-at="{{ loop.index }}">{% for c in n.children %}<li>{{ c.title }}</li>{% endfor %}</ol>{% endif %}</li>{% endfor %}</ul>"#;
    let site = common::site(&[
        ("site.toml", "title = \"T\"\n"),
        ("templates/nav.html", nav),
        ("content/a/x.md", "# X\n"),
        ("content/b/y.md", "# Y\n"),
        ("content/b/z.md", "# Z\n"),
    ]);
    let (_, composed) = assert_composed_sidebars_match(&config(site.path(), None));
    assert_eq!(composed, 0, "a sidebar that uses `loop` is rendered whole");
    let out = site.path().join("public");
    common::handbook()
        .args(["build", "--quiet", "--root"])
        .arg(site.path())
        .arg("--output")
        .arg(&out)
        .assert()
        .success();
    let page = std::fs::read_to_string(out.join("b/y/index.html")).expect("page");
    assert!(
        page.contains(r#"<ol data-at="2"><li>Y</li><li>Z</li></ol>"#),
        "the second entry is numbered 2 and open: {page}"
    );
}
