//! Handbooks written for other generators build, with their links intact:
//! GitHub-style Markdown that links `.md` files, and Jekyll sites with Liquid.

use crate::common;

use common::{handbook, site};
use predicates::prelude::*;
use predicates::str::contains;

fn read(dir: &std::path::Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn github_style_readmes_and_md_links() {
    let dir = site(&[
        ("README.md", "# Team handbook\n\nStart with [setup](docs/setup.md) and the [values](docs/values.md#how-we-decide).\n"),
        ("docs/README.md", "# Docs\n\n- [Setup](setup.md)\n- [Home](../README.md)\n"),
        ("docs/setup.md", "# Setup\n\n![Diagram](images/flow.png)\n\nSee [values](./values.md \"Values\") and <a href=\"values.md#how-we-decide\">this</a>.\n"),
        ("docs/values.md", "# Values\n\n## How we decide\n\nText.\n"),
        ("docs/images/flow.png", "PNG"),
    ]);
    handbook()
        .args(["check", "--content"])
        .arg(dir.path())
        .assert()
        .success()
        .stderr(contains("0 broken"));
    let out = dir.path().join("out");
    handbook()
        .args(["build", "--quiet", "--content"])
        .arg(dir.path())
        .arg("--output")
        .arg(&out)
        .current_dir(dir.path())
        .assert()
        .success();
    let home = read(&out, "index.html");
    assert!(
        home.contains("href=\"/docs/setup/\""),
        "README links to .md files are rewritten"
    );
    assert!(home.contains("href=\"/docs/values/#how-we-decide\""));
    let setup = read(&out, "docs/setup/index.html");
    assert!(
        setup.contains("src=\"/docs/images/flow.png\""),
        "source-relative images still load"
    );
    assert!(
        setup.contains("href=\"/docs/values/#how-we-decide\""),
        "raw HTML links are rewritten too"
    );
    assert!(read(&out, "docs/index.html").contains("href=\"/\""));
}

#[test]
fn broken_md_links_are_reported_at_their_position() {
    let dir = site(&[("README.md", "# Home\n\nA [missing](docs/nope.md) link.\n")]);
    handbook()
        .args(["check", "--content"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(contains("--> README.md:3:13").and(contains("docs/nope.md")));
}

#[test]
fn jekyll_site_with_liquid_builds_and_reports_what_it_cannot_render() {
    let dir = site(&[
        ("site.toml", "base_url = \"https://example.com/team\"\n"),
        ("content/index.md", "---\nlayout: home\ntitle: Home\npermalink: /\n---\n\nRead [the guide]({{ site.baseurl }}/guide/) and [about]({% link about.md %}).\n\n{% include footer.html %}\n"),
        ("content/guide.md", "---\ntitle: Guide\ncategories: [a, b]\ntags: handbook\n---\n\n{% highlight ruby %}\nputs 1\n{% endhighlight %}\n\n{% raw %}{{ not liquid }}{% endraw %}\n"),
        ("content/about.md", "---\ntitle: About\n---\n\n{% comment %}\nsecretnote\n{% endcomment %}\nAbout us.\n"),
    ]);
    handbook()
        .current_dir(dir.path())
        .args(["build"])
        .assert()
        .success()
        .stderr(
            contains("Liquid tag `{% include %}` is not executed")
                .and(contains("--> index.md:9:1")),
        );
    let out = dir.path().join("public");
    let home = read(&out, "index.html");
    assert!(
        home.contains("href=\"/team/guide/\""),
        "{{{{ site.baseurl }}}} is the base path"
    );
    assert!(
        home.contains("href=\"/team/about/\""),
        "{{% link %}} resolves to the page"
    );
    let guide = read(&out, "guide/index.html");
    assert!(guide.contains("data-lang=\"ruby\""));
    assert!(guide.contains("{{ not liquid }}"));
    let about = read(&out, "about/index.html");
    assert!(about.contains("About us.") && !about.contains("secretnote"));
}

/// Without a site.toml, the other generator's own settings give the site its
/// name and address.
#[test]
fn other_generators_settings_are_adopted_without_a_site_toml() {
    let jekyll = site(&[
        ("_config.yml", "title: Ops Handbook\ndescription: How we run\nurl: https://ops.example.com\nbaseurl: /handbook\n"),
        ("index.md", "---\ntitle: Home\n---\nSee the [guide]({{ site.baseurl }}/guide/).\n"),
        ("guide.md", "---\ntitle: Guide\n---\nText.\n"),
    ]);
    handbook()
        .current_dir(jekyll.path())
        .args(["build", "--content", ".", "--output", "_site", "--quiet"])
        .assert()
        .success();
    let out = jekyll.path().join("_site");
    let home = read(&out, "index.html");
    assert!(home.contains("<title>Ops Handbook</title>"), "{home}");
    assert!(home.contains(r#"href="/handbook/guide/""#), "{home}");
    assert!(read(&out, "sitemap.xml").contains("https://ops.example.com/handbook/guide/"));

    let hugo = site(&[(
        "hugo.toml",
        "title = \"Field Guide\"\nbaseURL = \"https://guide.example.org/\"\n",
    )]);
    std::fs::create_dir_all(hugo.path().join("content")).unwrap();
    std::fs::write(
        hugo.path().join("content/_index.md"),
        "---\ntitle: Start\n---\nHi.\n",
    )
    .unwrap();
    handbook()
        .current_dir(hugo.path())
        .args(["build", "--quiet"])
        .assert()
        .success();
    assert!(read(&hugo.path().join("public"), "sitemap.xml").contains("https://guide.example.org/"));
    assert!(read(&hugo.path().join("public"), "index.html").contains("Field Guide"));

    let mkdocs = site(&[(
        "mkdocs.yml",
        "site_name: Runbook\nsite_url: https://run.example.net/\nrepo_url: https://github.com/acme/runbook\nedit_uri: edit/main/docs/\n",
    )]);
    std::fs::create_dir_all(mkdocs.path().join("docs")).unwrap();
    std::fs::write(mkdocs.path().join("docs/index.md"), "# Runbook\n\nSteps.\n").unwrap();
    handbook()
        .current_dir(mkdocs.path())
        .args(["build", "--quiet"])
        .assert()
        .success();
    let page = read(&mkdocs.path().join("public"), "index.html");
    assert!(
        page.contains("https://github.com/acme/runbook/edit/main/docs/index.md"),
        "{page}"
    );
}

#[test]
fn tags_make_an_index_and_a_page_per_tag_that_links_resolve_to() {
    let dir = common::site(&[
        (
            "content/index.md",
            "# Home\n\nSee [low code pages](/tags/low-code/) and [all tags](/tags/).\n",
        ),
        (
            "content/a.md",
            "---\ntitle: A\ntags: [Low code, \"Build, release and deploy\"]\n---\nA\n",
        ),
        ("content/b.md", "---\ntitle: B\ntags: low code\n---\nB\n"),
    ]);
    common::handbook()
        .current_dir(dir.path())
        .args(["check"])
        .assert()
        .success();
    common::handbook()
        .current_dir(dir.path())
        .args(["build", "--strict", "--output", "out"])
        .assert()
        .success();
    let out = dir.path().join("out");
    let tag = std::fs::read_to_string(out.join("tags/low-code/index.html")).expect("tag page");
    assert!(
        tag.contains("href=\"/a/\"") && tag.contains("href=\"/b/\""),
        "both pages listed"
    );
    let index = std::fs::read_to_string(out.join("tags/index.html")).expect("tag index");
    assert!(index.contains("/tags/build-release-and-deploy/"));
    let page = std::fs::read_to_string(out.join("a/index.html")).expect("page");
    assert!(page.contains("<a class=\"doc-tag\" href=\"/tags/low-code/\">Low code</a>"));
}

#[test]
fn a_body_title_is_shown_once_and_keeps_its_id() {
    let dir = common::site(&[
        (
            "content/index.md",
            "# Home\n\n[a](a/#getting-started) [b](b/#the-b-guide)\n",
        ),
        ("content/a.md", "# Getting started\n\nText.\n\n## Next\n"),
        (
            "content/b.md",
            "---\ntitle: The B guide\n---\n# The B guide\n\nText.\n",
        ),
        (
            "content/c.md",
            "---\ntitle: C\n---\n# Another heading\n\nText.\n",
        ),
    ]);
    common::handbook()
        .current_dir(dir.path())
        .args(["build", "--strict", "--output", "out"])
        .assert()
        .success();
    let out = dir.path().join("out");
    let a = read(&out, "a/index.html");
    assert_eq!(a.matches("<h1").count(), 1, "{a}");
    assert!(a.contains("<h1 id=\"getting-started\">Getting started</h1>"));
    let b = read(&out, "b/index.html");
    assert_eq!(
        b.matches("<h1").count(),
        1,
        "a front matter title equal to the heading: once"
    );
    assert!(b.contains("<h1 id=\"the-b-guide\">The B guide</h1>"));
    let c = read(&out, "c/index.html");
    assert!(c.contains("Another heading"), "a different heading stays");
}

/// GOV.UK tech-docs pages (Middleman) title themselves with ERB and share
/// text through partials.
#[test]
fn middleman_erb_titles_and_partials_render() {
    let dir = site(&[
        ("config.rb", "activate :tech_docs\n"),
        ("config/tech-docs.yml", "host: https://docs.example.gov.uk\nservice_name: Ops Manual\n"),
        (
            "source/index.html.md.erb",
            "---\ntitle: On call\nowner_slack: \"#ops\"\n---\n# <%= current_page.data.title %>\n\nAsk in <%= current_page.data.owner_slack %>.\n\n<%= partial \"partials/escalation\", locals: { team: 'Platform' } %>\n\nSee <%= partial \"partials/gone\" %> too.\n<% if false %>\nHidden?\n<% end %>\n",
        ),
        (
            "source/partials/_escalation.html.md.erb",
            "## Escalation\n\nPage <%= team %> first.\n{: .alert}\n",
        ),
    ]);
    handbook()
        .current_dir(dir.path())
        .args(["build", "--output", "out"])
        .assert()
        .success()
        .stderr(contains("partial `partials/gone` was not found").count(1))
        .stderr(contains("index.html.md.erb:11:5"));
    let page = read(&dir.path().join("out"), "index.html");
    assert_eq!(page.matches("<h1").count(), 1, "{page}");
    assert!(page.contains(">On call</h1>"), "{page}");
    assert!(page.contains("Ask in #ops."), "{page}");
    assert!(page.contains("<h2 id=\"escalation\""), "{page}");
    assert!(
        page.contains("<p class=\"alert\">Page Platform first.</p>"),
        "{page}"
    );
    assert!(page.contains("<span class=\"missing-content\""), "{page}");
    assert!(!page.contains("<%") && !page.contains("%&gt;"), "{page}");
    // A partial's heading is a fragment other pages may link to.
    handbook()
        .current_dir(dir.path())
        .args(["check", "--format", "json"])
        .assert()
        .success();
}

/// Jekyll's `{% include %}` with parameters, `_data` files and `{% raw %}`.
#[test]
fn jekyll_includes_data_and_raw_blocks_render() {
    let dir = site(&[
        ("_config.yml", "title: Field Guide\n"),
        (
            "_includes/callout.html",
            "<div class=\"callout\">{{ include.text }} ({{ site.data.team.lead }})</div>\n",
        ),
        ("_data/team.yml", "lead: Ada Lovelace\n"),
        (
            "index.md",
            "---\ntitle: Home\n---\nLead: {{ site.data.team.lead }}.\n\n{% include callout.html text=\"Read first\" %}\n\n{% raw %}Write `{{ page.title }}` to show a title.{% endraw %}\n",
        ),
    ]);
    handbook()
        .current_dir(dir.path())
        .args(["build", "--output", "out", "--strict"])
        .assert()
        .success();
    let page = read(&dir.path().join("out"), "index.html");
    assert!(page.contains("Lead: Ada Lovelace."), "{page}");
    assert!(
        page.contains("<div class=\"callout\">Read first (Ada Lovelace)</div>"),
        "{page}"
    );
    assert!(page.contains("<code>{{ page.title }}</code>"), "{page}");
}

/// A repository whose handbook sits in one folder and has no home page: the
/// generated home lists that folder's sections, not one lone card.
#[test]
fn a_generated_home_lists_where_to_go() {
    let dir = site(&[
        ("content/NOTICE.md", "# Notice\n\nCopied from elsewhere.\n"),
        ("content/handbook/index.md", "# Handbook\n"),
        (
            "content/handbook/sales/index.md",
            "---\ntitle: Sales\n---\nSelling.\n",
        ),
        ("content/handbook/sales/deals.md", "# Deals\n"),
        (
            "content/handbook/people/index.md",
            "---\ntitle: People\n---\nHiring.\n",
        ),
        ("content/handbook/people/leave.md", "# Leave\n"),
    ]);
    handbook()
        .current_dir(dir.path())
        .args(["build", "--output", "out", "--quiet"])
        .assert()
        .success();
    let home = read(&dir.path().join("out"), "index.html");
    assert!(
        home.contains("href=\"/handbook/sales/\">Sales</a>"),
        "{home}"
    );
    assert!(
        home.contains("href=\"/handbook/people/\">People</a>"),
        "{home}"
    );
    assert!(home.contains("href=\"/NOTICE/\">Notice</a>"), "{home}");
}

#[test]
fn a_zola_site_builds_from_its_own_repository() {
    let zola = site(&[
        (
            "config.toml",
            "base_url = \"https://ops.example.org\"\ntitle = \"Ops\"\ncompile_sass = false\n\n[markdown]\nhighlight_code = true\n",
        ),
        // Zola's own templates, written for Zola's context: not used.
        (
            "templates/page.html",
            "{{ page.content | safe }} {{ config.extra.author }} {{ get_url(path=\"x\") }}",
        ),
        ("static/logo.txt", "logo"),
        (
            "content/_index.md",
            "+++\ntitle = \"Ops\"\nsort_by = \"weight\"\n+++\nStart at [the runbook](@/runbook/_index.md).\n",
        ),
        (
            "content/runbook/_index.md",
            "+++\ntitle = \"Runbook\"\nredirect_to = \"runbook/on-call\"\n+++\n",
        ),
        (
            "content/runbook/on-call.md",
            concat!(
                "+++\ntitle = \"On call\"\nweight = 1\n[taxonomies]\ntags = [\"rota\"]\n+++\n",
                "## Héllo, Wörld!\n\n## Héllo, Wörld!\n\n",
                "See [escalation](@/runbook/escalation.md#who-to-call) and [nothing](@/runbook/gone.md).\n\n",
                "{{ youtube(id=\"dQw4w9WgXcQ\", autoplay=true) }}\n\n",
                "{{ gallery() }}\n\n",
                "{% note(kind=\"tip\") %}\nKeep the **pager** charged.\n{% end %}\n\n",
                "Write `{{/* youtube(id=\"x\") */}}` to show one.\n\n",
                "```jinja\n{% for page in section.pages %}{{ page.title }}{% endfor %}\n```\n",
            ),
        ),
        (
            "content/runbook/escalation.md",
            "+++\ntitle = \"Escalation\"\npath = \"escalate\"\n+++\n## Who to call\n",
        ),
    ]);
    let stderr = common::build_in(zola.path(), common::BuildCache::Off);
    assert!(
        stderr.contains("Zola site: content in content/"),
        "{stderr}"
    );
    assert!(
        stderr.contains("no source file `runbook/gone.md` in the content folder"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Zola shortcode `gallery` is not rendered"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("`youtube`") && !stderr.contains("Liquid"),
        "{stderr}"
    );
    let out = zola.path().join("public");
    let home = read(&out, "index.html");
    assert!(
        home.contains(r#"<a href="/runbook/">the runbook</a>"#),
        "{home}"
    );
    assert!(
        !home.contains("get_url"),
        "Zola's templates are not used: {home}"
    );
    assert_eq!(read(&out, "logo.txt"), "logo");
    let page = read(&out, "runbook/on-call/index.html");
    // The ids of Zola's `slug` crate, `-1` for the second.
    assert!(page.contains(r#"id="hello-world""#), "{page}");
    assert!(page.contains(r#"id="hello-world-1""#), "{page}");
    assert!(page.contains(r#"href="/escalate/#who-to-call""#), "{page}");
    assert!(
        page.contains("youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        "{page}"
    );
    assert!(!page.contains("gallery()"), "{page}");
    assert!(
        page.contains("Keep the <strong>pager</strong> charged."),
        "{page}"
    );
    assert!(
        !page.contains("note(") && !page.contains("{% end %}"),
        "{page}"
    );
    assert!(
        page.contains(r#"<code>{{ youtube(id="x") }}</code>"#),
        "{page}"
    );
    assert!(
        page.contains("{% for page in section.pages %}"),
        "code stays as written: {page}"
    );
    assert!(page.contains(r#"href="/tags/rota/""#), "{page}");
    // Zola's `path` is the page's URL.
    assert!(read(&out, "escalate/index.html").contains("Who to call"));
    // A section's `redirect_to` is from the site root.
    let runbook = read(&out, "runbook/index.html");
    assert!(runbook.contains("/runbook/on-call/"), "{runbook}");
}

#[test]
fn an_mdbook_builds_from_its_own_repository() {
    let book = site(&[
        (
            "book.toml",
            "[book]\ntitle = \"Ops Book\"\nsrc = \"src\"\n\n[output.html]\nsite-url = \"/ops/\"\nedit-url-template = \"https://github.com/acme/ops/edit/main/{path}\"\n\n[output.html.redirect]\n\"guide/old-cli.html\" = \"../cli/index.html#flags\"\n",
        ),
        (
            "src/SUMMARY.md",
            "# Summary\n\n[Intro](README.md)\n\n- [Setup](guide/setup.md)\n- [Zeta](guide/zeta.md)\n- [Alpha](guide/alpha.md)\n- [CLI](cli/README.md)\n",
        ),
        ("src/guide/zeta.md", "# Zeta\n"),
        ("src/guide/alpha.md", "# Alpha\n"),
        ("src/404.md", "# Lost\n"),
        ("src/README.md", "# Intro\n\nStart with [setup](guide/setup.md).\n"),
        (
            "src/guide/setup.md",
            "# Setup\n\n## Ünïcode Title\n\n## Ünïcode Title\n\n## ::\n\nSee [the CLI](../cli/index.html#flags) and [intro](../index.html).\n",
        ),
        ("src/cli/README.md", "# CLI\n\n## Flags\n"),
    ]);
    let stderr = common::build_in(book.path(), common::BuildCache::Off);
    assert!(stderr.contains("mdBook site: content in src/"), "{stderr}");
    assert!(!stderr.contains("broken"), "{stderr}");
    let out = book.path().join("public");
    assert!(
        !out.join("SUMMARY/index.html").exists(),
        "SUMMARY.md is no chapter"
    );
    let setup = read(&out, "guide/setup/index.html");
    // mdBook's ids: lowercased whole, `-1` for the second, `section` for none.
    assert!(setup.contains(r#"id="ünïcode-title""#), "{setup}");
    assert!(setup.contains(r#"id="ünïcode-title-1""#), "{setup}");
    assert!(setup.contains(r#"id="section""#), "{setup}");
    // `.html` links written against the sources, as mdBook publishes them.
    assert!(setup.contains(r#"href="/ops/cli/#flags""#), "{setup}");
    assert!(setup.contains(r#"href="/ops/""#), "{setup}");
    assert!(
        setup.contains("https://github.com/acme/ops/edit/main/guide/setup.md"),
        "{setup}"
    );
    // The summary's order, not the titles'.
    let (zeta, alpha) = (setup.find(">Zeta<"), setup.find(">Alpha<"));
    assert!(zeta.is_some() && zeta < alpha, "{setup}");
    assert!(
        setup.contains(r#"href="/ops/guide/zeta/" rel="next""#),
        "{setup}"
    );
    assert!(
        !out.join("404/index.html").exists(),
        "404.md is mdBook's 404 page, no chapter"
    );
    let home = read(&out, "index.html");
    assert!(
        home.contains("Start with <a href=\"/ops/guide/setup/\">setup</a>"),
        "the book's README is its home: {home}"
    );
    // mdBook's own URLs lead on: each chapter's `.html`, and the book's
    // redirect table (its target read from the old path's folder).
    let redirects = read(&out, "_redirects");
    for line in [
        "/ops/guide/setup.html /ops/guide/setup/ 301",
        "/ops/guide/old-cli.html /ops/cli/#flags 301",
    ] {
        assert!(
            redirects.lines().any(|l| l == line),
            "{line} in {redirects}"
        );
    }
    assert!(read(&out, "guide/zeta.html").contains("url=/ops/guide/zeta/"));
}

/// mdBook's `{{#include}}` family, with the book's listings kept beside
/// `src/` as the Rust book keeps them; the build cache reads the listings
/// too, though they lie outside every folder it fingerprints.
#[test]
fn an_mdbooks_includes_are_put_in_and_the_cache_reads_their_files() {
    let book = site(&[
        ("book.toml", "[book]\ntitle = \"Runbook\"\n"),
        ("src/SUMMARY.md", "- [Deploy](deploy.md)\n"),
        (
            "src/deploy.md",
            "# Deploy\n\n```rust,ignore\n{{#rustdoc_include ../listings/deploy.rs:run}}\n```\n\n> {{#include steps.md}}\n\nShown as written: \\{{#include steps.md}}\n\n{{#include gone.md}}\n",
        ),
        ("src/steps.md", "Tag the release.\nPress deploy.\n"),
        (
            "listings/deploy.rs",
            "fn main() {\n    // ANCHOR: run\n    deploy(\"v1\");\n    // ANCHOR_END: run\n}\n",
        ),
    ]);
    let first = common::build_in(book.path(), common::BuildCache::On);
    assert!(
        first.contains("`{{#include gone.md}}` names a file that was not found"),
        "{first}"
    );
    let out = book.path().join("public");
    let deploy = read(&out, "deploy/index.html");
    assert!(deploy.contains("deploy"), "{deploy}");
    assert!(deploy.contains("v1"), "{deploy}");
    assert!(
        !deploy.contains("fn main"),
        "only the anchor's lines: {deploy}"
    );
    assert!(
        deploy.contains("<blockquote>\n<p>Tag the release.\nPress deploy.</p>"),
        "each line of the include stays in the quote: {deploy}"
    );
    assert!(
        deploy.contains("Shown as written: {{#include steps.md}}"),
        "{deploy}"
    );
    assert!(deploy.contains("class=\"missing-content\""), "{deploy}");
    assert!(common::build_in(book.path(), common::BuildCache::On).contains("Up to date"));
    std::fs::write(
        book.path().join("listings/deploy.rs"),
        "fn main() {\n    // ANCHOR: run\n    deploy(\"v2\");\n    // ANCHOR_END: run\n}\n",
    )
    .expect("edit the listing");
    let again = common::build_in(book.path(), common::BuildCache::On);
    assert!(!again.contains("Up to date"), "{again}");
    let deploy = read(&out, "deploy/index.html");
    assert!(deploy.contains("v2") && !deploy.contains("v1"), "{deploy}");
}

#[test]
fn mkdocs_nav_and_pages_files_order_the_sidebar() {
    let mkdocs = site(&[
        (
            "mkdocs.yml",
            "site_name: Runbook\nnav:\n  - index.md\n  - Zeta: zeta.md\n  - Alpha: alpha.md\nplugins:\n  - search\n  - redirects:\n      redirect_maps:\n        old/alpha.md: alpha.md\n",
        ),
        (
            "docs/index.md",
            "# Runbook\n\n--8<-- \"includes/contacts.md\"\n\n=== \"macOS\"\n\n    Install with **brew**.\n\n=== \"Linux\"\n\n    Install with **apt**.\n",
        ),
        ("includes/contacts.md", "Call the **duty manager**.\n"),
        ("docs/zeta.md", "# Zeta\n"),
        ("docs/alpha.md", "# Alpha\n"),
        // awesome-pages: one folder's order, `...` for the rest.
        (
            "docs/ops/.pages",
            "nav:\n  - last-but-listed.md\n  - ...\n  - Finally: omega.md\n",
        ),
        ("docs/ops/README.md", "# Ops\n"),
        ("docs/ops/last-but-listed.md", "# Zulu\n"),
        ("docs/ops/beta.md", "# Beta\n"),
        ("docs/ops/omega.md", "# Aardvark\n"),
    ]);
    handbook()
        .current_dir(mkdocs.path())
        .args(["build", "--quiet"])
        .assert()
        .success();
    let out = mkdocs.path().join("public");
    let order = |html: &str, titles: &[&str]| {
        let places: Vec<usize> = titles
            .iter()
            .map(|t| {
                html.find(&format!(">{t}</a>"))
                    .unwrap_or_else(|| panic!("{t}: {html}"))
            })
            .collect();
        assert!(
            places.windows(2).all(|w| w[0] < w[1]),
            "{titles:?} in order: {html}"
        );
    };
    order(&read(&out, "zeta/index.html"), &["Zeta", "Alpha"]);
    order(
        &read(&out, "ops/beta/index.html"),
        &["Zulu", "Beta", "Aardvark"],
    );
    // Snippets put their files in; content tabs show as titled boxes.
    let home = read(&out, "index.html");
    assert!(
        home.contains("Call the <strong>duty manager</strong>."),
        "{home}"
    );
    assert_eq!(home.matches("callout-tab").count(), 2, "{home}");
    assert!(
        home.contains("Install with <strong>apt</strong>."),
        "{home}"
    );
    // The redirects plugin's map: the old source's URL leads to the new one.
    assert!(read(&out, "old/alpha/index.html").contains("url=/alpha/"));
}

/// A Hugo site laid out as GitLab's handbook is: settings in
/// `config/_default/`, Hugo's link render hook on (relative links find their
/// page from the source folder), Docsy's boxes, and escaped shortcodes.
#[test]
fn a_hugo_site_with_a_configuration_folder_builds_from_its_own_repository() {
    let hugo = site(&[
        (
            "config/_default/config.yaml",
            "title: Ops handbook\nmarkup:\n  goldmark:\n    renderHooks:\n      link:\n        useEmbedded: fallback\n",
        ),
        ("content/_index.md", "---\ntitle: Ops\n---\nStart at [on call](team/on-call/).\n"),
        (
            "content/team/on-call.md",
            concat!(
                "---\ntitle: On call\n---\n",
                "See [the manager's guide](manager/#traits) and [the team](../team/).\n\n",
                "{{% panel header=\"**Notes**\" header-bg=\"warning\" %}}\nKeep the **pager** charged.\n{{% /panel %}}\n\n",
                "Write `{{</* ref \"x\" */>}}` to link.\n\n",
                "{{< youtube \"S197ok0lBtw?start=431\" >}}\n",
            ),
        ),
        ("content/team/_index.md", "---\ntitle: Team\n---\n"),
        (
            "content/team/manager.md",
            "---\ntitle: The manager's guide\nlinkTitle: Managers\n---\n## Traits\n",
        ),
        ("content/team/hidden.md", "---\ntitle: Hidden\ntoc_hide: true\n---\nStill here.\n"),
    ]);
    let stderr = common::build_in(hugo.path(), common::BuildCache::Off);
    assert!(
        stderr.contains("Hugo site: content in content/"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("broken") && !stderr.contains("shortcode"),
        "{stderr}"
    );
    let out = hugo.path().join("public");
    let page = read(&out, "team/on-call/index.html");
    assert!(page.contains(r#"href="/team/manager/#traits""#), "{page}");
    assert!(page.contains(r#"href="/team/""#), "{page}");
    assert!(page.contains("alert-warning"), "{page}");
    assert!(
        page.contains("<p class=\"alert-title\">Notes</p>"),
        "{page}"
    );
    assert!(
        page.contains("Keep the <strong>pager</strong> charged."),
        "{page}"
    );
    assert!(
        page.contains("<code>{{&lt; ref \"x\" &gt;}}</code>"),
        "{page}"
    );
    assert!(page.contains("embed/S197ok0lBtw?start=431"), "{page}");
    // `linkTitle` names the page in the sidebar; its own heading keeps `title`.
    assert!(page.contains(">Managers</a>"), "{page}");
    // Docsy's `toc_hide`: published, but not in the sidebar.
    assert!(
        !page.contains(r#"<a href="/team/hidden/">Hidden</a>"#),
        "{page}"
    );
    assert!(read(&out, "team/hidden/index.html").contains("Still here."));
    let manager = read(&out, "team/manager/index.html");
    assert!(
        manager.contains("<h1>The manager&#39;s guide</h1>"),
        "{manager}"
    );
}

/// A Docusaurus site: `.mdx` pages are pages, their `import`, `export` and
/// `{/* */}` are left out, links to `.mdx` sources land, and JSX stays HTML.
#[test]
fn a_docusaurus_site_with_mdx_pages_builds_from_its_own_repository() {
    let docs = site(&[
        ("docusaurus.config.js", "module.exports = { title: 'Ops' };\n"),
        (
            "docs/intro.mdx",
            concat!(
                "---\nsidebar_position: 1\n---\n",
                "import Tabs from '@theme/Tabs';\nimport TabItem from '@theme/TabItem';\n\n",
                "# Welcome {/* keep it short */}\n\n",
                "Read [the runbook](runbook.mdx#paging).\n\n",
                "<Tabs>\n<TabItem value=\"mac\" label=\"macOS\">\n\nInstall with **brew**.\n\n</TabItem>\n</Tabs>\n\n",
                "export const owner = 'ops';\n",
            ),
        ),
        ("docs/runbook.mdx", "# Runbook\n\n## Paging\n"),
    ]);
    let stderr = common::build_in(docs.path(), common::BuildCache::Off);
    assert!(
        stderr.contains("Docusaurus site: content in docs/"),
        "{stderr}"
    );
    assert!(!stderr.contains("broken"), "{stderr}");
    let out = docs.path().join("public");
    let intro = read(&out, "intro/index.html");
    assert!(
        !intro.contains("import ") && !intro.contains("export const"),
        "{intro}"
    );
    assert!(!intro.contains("keep it short"), "{intro}");
    assert!(intro.contains(r#"href="/runbook/#paging""#), "{intro}");
    assert!(
        intro.contains("Install with <strong>brew</strong>."),
        "{intro}"
    );
}

#[test]
fn a_docsify_site_builds_from_its_own_repository() {
    let docsify = site(&[
        (
            "docs/index.html",
            "<div id=\"app\"></div>\n<script>\n  window.$docsify = {\n    name: 'Team Handbook',\n    loadSidebar: true,\n  }\n</script>\n<script src=\"//cdn.jsdelivr.net/npm/docsify@4\"></script>\n",
        ),
        ("docs/README.md", "# Team Handbook\n\nSee [the rota](guides/rota.md).\n"),
        ("docs/_sidebar.md", "- [Home](README.md)\n- [Zeta](guides/zeta.md)\n- [Rota](guides/rota.md)\n"),
        (
            "docs/guides/rota.md",
            "# Rota\n\n## Q&A\n\nRead [the stack](stacks/one.md#what39s-new), [answers](#qampa) and see ![chart](images/chart.png).\n",
        ),
        ("docs/guides/zeta.md", "# Zeta\n"),
        ("docs/stacks/one.md", "# One\n\n## What's new\n"),
        ("docs/images/chart.png", "png"),
    ]);
    let stderr = common::build_in(docsify.path(), common::BuildCache::Off);
    assert!(
        stderr.contains("docsify site: content in docs/"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("broken"),
        "links are read from the root: {stderr}"
    );
    let out = docsify.path().join("public");
    assert!(!out.join("_sidebar/index.html").exists());
    let rota = read(&out, "guides/rota/index.html");
    assert!(rota.contains(r#"id="qampa""#), "{rota}");
    assert!(
        rota.contains(r#"href="/stacks/one/#what39s-new""#),
        "{rota}"
    );
    assert!(rota.contains(r#"src="/images/chart.png""#), "{rota}");
    let (zeta, rota_entry) = (rota.find(">Zeta</a>"), rota.find(">Rota</a>"));
    assert!(
        zeta.is_some() && zeta < rota_entry,
        "the sidebar file's order: {rota}"
    );
    assert!(read(&out, "index.html").contains("<title>Team Handbook"));
}
