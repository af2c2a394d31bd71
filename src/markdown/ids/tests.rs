//! Each rule on the cases that tell the generators apart; the expected ids
//! are what the generators' own code gives (`tests/heading_ids_differential.rs`
//! checks whole corpora against it).

use super::*;

fn ids_of(flavor: HeadingIdFlavor, headings: &[(&str, u8)]) -> Vec<Option<String>> {
    let mut allocator = IdAllocator::new(flavor);
    headings
        .iter()
        .map(|(text, level)| allocator.allocate(&base_id(text, flavor), *level))
        .collect()
}

fn some(ids: &[&str]) -> Vec<Option<String>> {
    ids.iter().map(|id| Some(id.to_string())).collect()
}

#[test]
fn markdown_it_anchor_rule() {
    // Values from markdown-it-anchor 9 with its default slugify.
    let cases = [
        (
            "Workflow, action step and scope block names",
            "workflow%2C-action-step-and-scope-block-names",
        ),
        (
            "  Use   “try” or ‘catch’ ",
            "use-%E2%80%9Ctry%E2%80%9D-or-%E2%80%98catch%E2%80%99",
        ),
        ("What's new (v2)?", "what's-new-(v2)%3F"),
        ("Café", "caf%C3%A9"),
    ];
    for (text, id) in cases {
        assert_eq!(base_id(text, HeadingIdFlavor::MarkdownIt), id, "{text}");
    }
}

#[test]
fn gfm_rule_table() {
    let cases = [
        ("1. Deal Desk  Case SLAs", "1-deal-desk--case-slas"),
        (
            "The Performance/Growth Matrix",
            "the-performancegrowth-matrix",
        ),
        ("The max_size key", "the-max_size-key"),
        ("Q&A \u{2013} process", "qa--process"),
        ("Foo ", "foo-"),
        ("Über uns", "über-uns"),
        ("Tab\there", "tab-here"),
        ("It\u{2019}s \u{201c}quoted\u{201d}", "its-quoted"),
        ("No\u{a0}break", "nobreak"),
        ("Ellipsis\u{2026}", "ellipsis"),
        // kramdown keeps the emoji variation selector (a mark) and letter
        // numbers and circled letters (alphabetic), and has no final sigma.
        ("Emoji \u{26a0}\u{fe0f} here", "emoji-\u{fe0f}-here"),
        ("İstanbul ΣΑΣ Ⅻ Ⓐ", "i\u{307}stanbul-σασ-ⅻ-ⓐ"),
    ];
    for (text, id) in cases {
        assert_eq!(base_id(text, HeadingIdFlavor::KramdownGfm), id, "{text:?}");
    }
}

#[test]
fn kramdown_rule() {
    assert_eq!(base_id("1. Intro", HeadingIdFlavor::Kramdown), "intro");
    assert_eq!(base_id("!!!", HeadingIdFlavor::Kramdown), "section");
}

#[test]
fn github_slugger_rule() {
    let cases = [
        ("Hello World!", "hello-world"),
        ("security.txt", "securitytxt"),
        ("Q&A \u{2013} process", "qa--process"),
        ("Emoji \u{26a0}\u{fe0f} here", "emoji-️-here"),
        ("ΣΑΣ", "σας"),
        ("日本語の見出し", "日本語の見出し"),
        ("  padded ", "--padded-"),
    ];
    for (text, id) in cases {
        assert_eq!(base_id(text, HeadingIdFlavor::Github), id, "{text:?}");
    }
}

#[test]
fn hugo_rule() {
    let cases = [
        ("Hello World!", "hello-world"),
        ("  padded ", "padded"),
        ("Emoji \u{26a0}\u{fe0f} here", "emoji--here"),
        ("Café crème", "café-crème"),
        ("İ", "i"),
        ("!!!", "heading"),
        ("", ""),
    ];
    for (text, id) in cases {
        assert_eq!(base_id(text, HeadingIdFlavor::Hugo), id, "{text:?}");
    }
}

#[test]
fn python_markdown_rule() {
    let cases = [
        ("Hello World!", "hello-world"),
        ("žlutý kůň", "zluty-kun"),
        ("a - b -- c", "a-b-c"),
        ("ﬁle ½", "file-12"),
        ("日本語", ""),
        ("-edge-", "-edge-"),
    ];
    for (text, id) in cases {
        assert_eq!(
            base_id(text, HeadingIdFlavor::PythonMarkdown),
            id,
            "{text:?}"
        );
    }
}

#[test]
fn tech_docs_rule() {
    let cases = [
        ("security.txt", "security-txt"),
        ("What's new?", "what-39-s-new"),
        ("Q&A", "q-amp-a"),
        ("\"Quoted\" <tag>", "quot-quoted-quot-lt-tag-gt"),
        ("Café", "caf"),
        ("日本語", ""),
    ];
    for (text, id) in cases {
        assert_eq!(base_id(text, HeadingIdFlavor::Redcarpet), id, "{text:?}");
    }
}

#[test]
fn kramdown_counts_per_base_and_empty_counts() {
    let got = ids_of(
        HeadingIdFlavor::KramdownGfm,
        &[
            ("a", 2),
            ("a", 2),
            ("b", 2),
            ("a", 2),
            ("a-1", 2),
            ("", 2),
            ("", 2),
        ],
    );
    let mut want = some(&["a", "a-1", "b", "a-2", "a-1"]);
    want.extend([None, Some("-1".to_string())]);
    assert_eq!(got, want);
}

#[test]
fn github_slugger_skips_taken_ids() {
    let got = ids_of(
        HeadingIdFlavor::Github,
        &[("a", 2), ("a", 2), ("a-1", 2), ("a", 2)],
    );
    assert_eq!(got, some(&["a", "a-1", "a-1-1", "a-2"]));
}

#[test]
fn markdown_it_and_hugo_take_the_first_free_suffix() {
    for flavor in [HeadingIdFlavor::MarkdownIt, HeadingIdFlavor::Hugo] {
        let got = ids_of(flavor, &[("a", 2), ("a-1", 2), ("a", 2), ("a", 2)]);
        assert_eq!(got, some(&["a", "a-1", "a-2", "a-3"]), "{flavor:?}");
    }
}

#[test]
fn python_markdown_suffixes_underscores_and_never_leaves_an_id_empty() {
    let mut allocator = IdAllocator::new(HeadingIdFlavor::PythonMarkdown);
    allocator.explicit("intro", 2);
    let flavor = HeadingIdFlavor::PythonMarkdown;
    let got: Vec<_> = ["Intro", "Intro", "日本", "日本", "intro_1"]
        .iter()
        .map(|t| allocator.allocate(&base_id(t, flavor), 2))
        .collect();
    assert_eq!(got, some(&["intro_1", "intro_2", "_1", "_2", "intro_3"]));
}

#[test]
fn tech_docs_prefixes_the_parent_then_numbers() {
    let got = ids_of(
        HeadingIdFlavor::Redcarpet,
        &[
            ("Setup", 2),
            ("Install", 3),
            ("Usage", 2),
            ("Install", 3),
            ("Install", 3),
            ("Install", 3),
        ],
    );
    assert_eq!(
        got,
        some(&[
            "setup",
            "install",
            "usage",
            "usage-install",
            "usage-install-2",
            "usage-install-3"
        ])
    );
}

#[test]
fn many_equal_headings_stay_linear() {
    for flavor in [
        HeadingIdFlavor::MarkdownIt,
        HeadingIdFlavor::PythonMarkdown,
        HeadingIdFlavor::Redcarpet,
        HeadingIdFlavor::Hugo,
        HeadingIdFlavor::Github,
    ] {
        let mut allocator = IdAllocator::new(flavor);
        let start = std::time::Instant::now();
        for _ in 0..50_000 {
            let _ = allocator.allocate("same", 2);
        }
        assert!(start.elapsed().as_secs() < 5, "{flavor:?}");
    }
}

/// Ids of a page rendered whole, as `handbook` builds it.
fn page_ids(flavor: HeadingIdFlavor, smart_punctuation: bool, body: &str) -> Vec<Option<String>> {
    let rewrite = |_: &str| None;
    let options = crate::markdown::RenderOptions {
        flavor,
        highlight: false,
        smart_punctuation,
        parse_block_html: false,
        erb: false,
        erb_show: false,
        base_path: "",
        html: false,
        rewrite_link: &rewrite,
        raw_html: crate::markdown::RawHtml::PassThrough,
        script_links: crate::markdown::ScriptLinks::Drop,
        templates: None,
        liquid: false,
        zola_shortcodes: false,
        mdbook_includes: false,
        mdx: false,
        math: crate::markdown::math::SingleDollar::Text,
    };
    crate::markdown::render(body, 0, &options)
        .headings
        .into_iter()
        .map(|h| h.id)
        .collect()
}

#[test]
fn kramdown_ignores_an_attribute_list_id_that_starts_with_a_digit() {
    // Values from kramdown 2.4 with input GFM.
    let ids = page_ids(
        HeadingIdFlavor::KramdownGfm,
        true,
        "## Update\n{: #1password-update}\n\n## Other\n{: #ok-id}\n",
    );
    assert_eq!(ids, some(&["update", "ok-id"]));
}

#[test]
fn kramdown_gfm_uses_kramdowns_own_rule_inside_html_elements() {
    // kramdown 2.4: the GFM parser leaves headings in HTML elements to the
    // converter, whose rule and counter are its own.
    let body = "## Usage\n\n<details markdown=\"1\">\n<summary>More</summary>\n\n### 1. Usage\n\n### Usage\n\n</details>\n\n## Usage\n\n## Watch >>\n";
    let ids = page_ids(HeadingIdFlavor::KramdownGfm, true, body);
    assert_eq!(
        ids,
        some(&["usage", "usage", "usage-1", "usage-1", "watch"])
    );
}

#[test]
fn tech_docs_ids_see_the_quotes_as_typed() {
    // tech-docs' SmartyPants curls `'` after the id is made from `&#39;`;
    // a `’` typed as such stays out of the id.
    let ids = page_ids(
        HeadingIdFlavor::Redcarpet,
        true,
        "## What's new\n\n## Don\u{2019}t panic\n",
    );
    assert_eq!(ids, some(&["what-39-s-new", "don-t-panic"]));
}

#[test]
fn python_markdown_reserves_explicit_ids_first() {
    // Python-Markdown's toc collects every id on the page before it makes any.
    let ids = page_ids(
        HeadingIdFlavor::PythonMarkdown,
        false,
        "## Intro\n\n## Later {#intro}\n",
    );
    assert_eq!(ids, some(&["intro_1", "intro"]));
}

#[test]
fn kramdown_gfm_ascii_path_is_the_regex_rule() {
    // Every ASCII character alone, between letters and doubled, and
    // headings as the corpora write them.
    let mut texts: Vec<String> = (0u8..128)
        .map(char::from)
        .flat_map(|c| [format!("{c}"), format!("Ab{c}Cd"), format!("{c}{c} x")])
        .collect();
    texts.extend(
        [
            "Watch >> now",
            "<< Back",
            "Step 1: Install `cargo` (v1.2)",
            "What's new? -- 2024_Q1",
            "  tabs\tand  spaces  ",
            "",
        ]
        .map(String::from),
    );
    for text in &texts {
        let without = without_guillemet_spaces(text);
        assert_eq!(
            kramdown_gfm_ascii_id(&without),
            kramdown_gfm_unicode_id(text),
            "{text:?}"
        );
    }
}

#[test]
fn zola_ids_are_the_slug_crates_and_ids_on_the_page_come_first() {
    assert_eq!(
        base_id("What's new? (v2.0)", HeadingIdFlavor::Zola),
        "what-s-new-v2-0"
    );
    assert_eq!(
        base_id("Héllo, Wörld!", HeadingIdFlavor::Zola),
        "hello-world"
    );
    assert_eq!(base_id("日本", HeadingIdFlavor::Zola), "ri-ben");
    // `{#intro}` further down takes `intro` before the first heading asks.
    let body = "## Intro\n\n## Intro\n\n## Other {#intro}\n";
    assert_eq!(
        page_ids(HeadingIdFlavor::Zola, false, body),
        some(&["intro-1", "intro-2", "intro"])
    );
}

#[test]
fn mdbook_ids_keep_alphanumerics_and_fall_back_to_section() {
    assert_eq!(
        base_id("What's new? (v2.0)", HeadingIdFlavor::MdBook),
        "whats-new-v20"
    );
    assert_eq!(
        base_id(" Ünïcode  Title ", HeadingIdFlavor::MdBook),
        "ünïcode--title"
    );
    assert_eq!(base_id("::", HeadingIdFlavor::MdBook), "section");
    let body = "## A\n\n## A\n\n## ::\n\n## ::\n";
    assert_eq!(
        page_ids(HeadingIdFlavor::MdBook, false, body),
        some(&["a", "a-1", "section", "section-1"])
    );
}

/// Expected ids from docsify 4's `slugify` over marked 1.2.9's heading
/// text (the versions docsify 4 ships), computed with both in Node.
#[test]
fn docsify_ids_are_slugify_of_the_escaped_heading() {
    let cases = [
        ("Q&A", "qampa"),
        ("What's new? (v2.0)", "what39s-new-v20"),
        ("1. Intro", "_1-intro"),
        ("C++ & Rust", "c-amp-rust"),
        ("Ünïcode Straße", "Ünïcode-straße"),
        ("--a  b--", "-a-b-"),
    ];
    for (text, id) in cases {
        assert_eq!(base_id(text, HeadingIdFlavor::Docsify), id, "{text:?}");
    }
    let body = "## Q&A\n\n## Q&A\n\n## Use `code` here\n\n## **Bold** move\n";
    assert_eq!(
        page_ids(HeadingIdFlavor::Docsify, false, body),
        some(&["qampa", "qampa-1", "use-code-here", "bold-move"])
    );
}
