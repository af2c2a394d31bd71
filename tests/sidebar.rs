//! Sidebars composed from the home sidebar and one open entry
//! (`render::nav`) are byte for byte the sidebars `nav.html` renders whole,
//! for every section of the sample handbook and of the corpus; and a
//! `nav.html` whose entries depend on their place in the list is rendered
//! whole.

use crate::common;

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

/// Builds the site at `root` into its `public/`, which it returns.
fn build(root: &Path) -> std::path::PathBuf {
    let out = root.join("public");
    common::handbook()
        .args(["build", "--quiet", "--root"])
        .arg(root)
        .arg("--output")
        .arg(&out)
        .assert()
        .success();
    out
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
    let out = build(site.path());
    let page = std::fs::read_to_string(out.join("b/y/index.html")).expect("page");
    assert!(
        page.contains(r#"<ol data-at="2"><li>Y</li><li>Z</li></ol>"#),
        "the second entry is numbered 2 and open: {page}"
    );
}

#[test]
fn long_lists_end_with_a_link_to_their_section_and_keep_the_way_to_the_page() {
    // Twelve top-level folders and a folder of thirty pages, with a limit
    // of five entries a list.
    let mut files: Vec<(String, String)> = vec![
        (
            "site.toml".into(),
            "title = \"T\"\nsidebar_limit = 5\n".into(),
        ),
        ("content/index.md".into(), "# Home\n".into()),
    ];
    for area in 0..12 {
        files.push((format!("content/area-{area:02}/a.md"), "# A\n".into()));
    }
    for page in 0..30 {
        let path = format!("content/area-11/many/p{page:02}.md");
        files.push((path, format!("# Page {page:02}\n")));
    }
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let site = common::site(&borrowed);
    let (sections, composed) = assert_composed_sidebars_match(&config(site.path(), None));
    assert!(
        composed > 0 && composed < sections - 1,
        "{composed} of {sections}"
    );
    let out = build(site.path());
    let read = |rel: &str| std::fs::read_to_string(out.join(rel)).expect(rel);
    let sidebar = |html: &str| {
        let start = html.find("<nav class=\"sidebar\"").expect("a sidebar");
        let end = start + html[start..].find("</nav>").expect("its end");
        html[start..end].to_string()
    };

    // A page of the first folder: five top-level entries, then the link on.
    let first = sidebar(&read("area-00/a/index.html"));
    assert!(first.contains(r#"href="/area-04/""#), "{first}");
    assert!(!first.contains(r#"href="/area-05/""#), "{first}");
    assert!(
        first.contains(r#"<li class="nav-more"><a href="/">7 more in Home</a>"#),
        "{first}"
    );

    // A page past both limits: the branch to it is listed all the same.
    let deep = sidebar(&read("area-11/many/p29/index.html"));
    assert!(deep.contains(r#"href="/area-11/""#), "{deep}");
    assert!(deep.contains(r#"href="/area-11/many/""#), "{deep}");
    assert!(deep.contains(r#"href="/area-11/many/p04/""#), "{deep}");
    assert!(!deep.contains(r#"href="/area-11/many/p05/""#), "{deep}");
    assert!(
        deep.contains(r#"<li class="nav-more"><a href="/area-11/many/">25 more in Many</a>"#),
        "{deep}"
    );
    // The section's own page lists every page.
    let listing = read("area-11/many/index.html");
    for page in 0..30 {
        assert!(
            listing.contains(&format!(r#"href="/area-11/many/p{page:02}/""#)),
            "p{page:02} is listed"
        );
    }
}
