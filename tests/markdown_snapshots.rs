//! Rendered HTML of every kramdown construct the handbook dialect uses.
//! Each snapshot is reviewed by hand; a change in rendering shows up as a diff.

use handbook::config::HeadingIdFlavor;
use handbook::markdown::{render, RenderOptions, Rendered};

fn no_rewrite(_: &str) -> Option<String> {
    None
}

fn html_with(body: &str, erb: bool, highlight: bool) -> Rendered {
    let options = RenderOptions {
        flavor: HeadingIdFlavor::KramdownGfm,
        highlight,
        smart_punctuation: true,
        parse_block_html: false,
        erb,
        erb_show: false,
        base_path: "",
        html: true,
        rewrite_link: &no_rewrite,
        raw_html: handbook::markdown::RawHtml::PassThrough,
        script_links: handbook::markdown::ScriptLinks::Drop,
        templates: None,
        liquid: false,
        zola_shortcodes: false,
        mdbook_includes: false,
        mdx: false,
        math: handbook::markdown::math::SingleDollar::Text,
    };
    render(body, 0, &options)
}

fn html(body: &str) -> String {
    html_with(body, false, false).html
}

#[test]
fn toc_list_becomes_the_table_of_contents() {
    insta::assert_snapshot!(html(
        "## On this page\n{:.no_toc .hidden-md .hidden-lg}\n\n- TOC\n{:toc .hidden-md .hidden-lg}\n\n## Planning\n\n### Territory plans\n\n### Account plans\n\n## Reviews\n\n#### Deep\n\n## Skipped\n{:.no_toc}\n"
    ));
}

#[test]
fn block_attribute_lists_apply_to_the_block_before() {
    insta::assert_snapshot!(html(
        "Read this first.\n{: .alert .alert-info}\n\n> quoted\n{: .note #q}\n\n- a\n- b\n{: .list}\n\n| a | b |\n|---|---|\n| 1 | 2 |\n{: .table}\n"
    ));
}

#[test]
fn block_attribute_list_before_a_block_applies_to_it() {
    insta::assert_snapshot!(html("Intro.\n\n{: .lead}\nThe lead paragraph.\n"));
}

#[test]
fn span_attribute_lists_apply_to_links_images_and_emphasis() {
    insta::assert_snapshot!(html(
        "[Open](/x/){:target=\"_blank\"} and ![Logo](/logo.png){: .shadow.medium.center} and **bold**{: .hl} and `code`{: .c}.\n"
    ));
}

#[test]
fn heading_ids_explicit_and_automatic() {
    insta::assert_snapshot!(html(
        "## Title {#custom}\n## Other\n{: #from-ial .x}\n## The Performance/Growth Matrix\n#### 1. Deal Desk  Case SLAs\n## See [the guide](/x/)\n## <i class=\"fas fa-users\"></i>The team\n## The `max_size` key\n## _Why_ we do it\n## Q&A -- process\n## Other\n## Other\n"
    ));
}

#[test]
fn options_comment_and_nomarkdown() {
    insta::assert_snapshot!(html(
        "{::options parse_block_html=\"true\" /}\n\n<div class=\"panel\">\n**Inside** a div, [linked](/a/).\n</div>\n\n<details>\n<summary>More</summary>\n- one\n- two\n</details>\n\n{::comment}\nThis is hidden.\n{:/comment}\n\n{::nomarkdown}\n<span>*not emphasis*</span>\n{:/nomarkdown}\n\nAfter | a {::comment} inline {:/comment} b\n"
    ));
}

#[test]
fn erb_tags_are_dropped_in_erb_pages() {
    let r = html_with("| Tool | Owner |\n|---|---|\n<% data.each do |x| %>\n| <%= x.name %> | <%= x.owner %> |\n<% end %>\n\nText <%= 1 + 1 %> stays.\n", true, false);
    insta::assert_snapshot!(r.html);
}

#[test]
fn commonmark_and_gfm_extensions() {
    insta::assert_snapshot!(html(
        "Footnote[^1] and ~~struck~~ and \"quotes\" -- dashes --- and...\n\n- [x] done\n- [ ] todo\n\nhttps://example.com/path. and <https://example.org>\n\n{{ page.title }} stays literal.\n\n[^1]: The note.\n"
    ));
}

#[test]
fn code_blocks_highlight_and_mermaid() {
    let r = html_with("```ruby\nputs \"hi\"\n```\n\n```mermaid\ngraph TD; A-->B\n```\n\n```nosuchlang\n<b>\n```\n\n    indented\n", false, true);
    insta::assert_snapshot!(r.html);
}

#[test]
fn liquid_and_hugo_forms_render_or_are_reported() {
    let r = html_with("[Docs]({{ site.baseurl }}/docs/) and {{< ref \"other.md\" >}}\n\n{% include note.html %}\n\n{% highlight ruby %}\nx = 1\n{% endhighlight %}\n", false, false);
    assert_eq!(r.notes.len(), 1, "the include is reported");
    insta::assert_snapshot!(r.html);
}

#[test]
fn links_carry_their_source_positions() {
    let body = "Intro [a](/one/#x) and [b][ref].\n\n<a href=\"/two/\">two</a>\n\n`[not](/a-link/)`\n\n[ref]: /three/ \"Title\"\n";
    let r = html_with(body, false, false);
    let mut found: Vec<(String, &str)> = r
        .links()
        .iter()
        .map(|l| (l.target.clone(), &body[l.span.clone()]))
        .collect();
    found.sort();
    assert_eq!(
        found,
        vec![
            ("/one/#x".to_string(), "/one/#x"),
            ("/three/".to_string(), "/three/"),
            ("/two/".to_string(), "/two/"),
        ]
    );
}

#[test]
fn footnotes_use_kramdown_ids_and_gather_at_the_end() {
    let body =
        "Text[^note], more[^2], again[^note].\n\n## Note\n\n[^note]: The note.\n[^2]: Second.\n";
    let rendered = html_with(body, false, false);
    // Ids never collide with the heading `#note`, and links to `#fn:note`
    // (as kramdown wrote them) land.
    for id in ["fn:note", "fnref:note", "fnref:note:1", "fn:2", "note"] {
        assert!(
            rendered.anchors.iter().any(|a| a == id),
            "{id} in {:?}",
            rendered.anchors
        );
    }
    insta::assert_snapshot!(rendered.html);
}

#[test]
fn self_closed_icons_do_not_leave_the_page_italic() {
    insta::assert_snapshot!(html(
        "A red <i class=\"fas fa-filter\" style=\"font-size: 5em;\"/> icon marks a required step.\n\nThe next paragraph is not italic.\n\n| step | icon |\n|---|---|\n| one | <i class=\"fas fa-check\"/> |\n"
    ));
}

#[test]
fn text_after_an_html_block_is_markdown() {
    insta::assert_snapshot!(html(
        "<figure>\n<img src=\"a.png\" alt=\"A\">\n</figure> [everyone can contribute](/company/strategy/#why)!\n\n<details>\n<summary>More</summary>\nHidden.\n</details>\nA line with **bold** and [a link](/x/).\n"
    ));
}

#[test]
fn inline_nomarkdown_in_a_table_cell_is_raw_html() {
    insta::assert_snapshot!(html(
        "| step | note |\n|---|---|\n| one | {::nomarkdown}<b>bold</b><br>two lines{:/} |\n| two | a {::comment}hidden{:/comment} b |\n"
    ));
}

#[test]
fn callouts_of_every_dialect_become_alerts() {
    insta::assert_snapshot!(html(concat!(
        "> [!WARNING]\n> Check the **close date**.\n\n",
        "!!! tip \"Before the call\"\n    Read the [account plan](/plans/).\n\n",
        "??? note\n    Collapsed by default.\n\n",
        ":::danger Never\nShare a customer's data.\n:::\n\n",
        "{{< alert type=\"info\" >}}\nHugo **alert**.\n{{< /alert >}}\n\n",
        "{{< youtube dQw4w9WgXcQ >}}\n"
    )));
}

#[test]
fn math_in_every_delimiter_and_prices_stay_text() {
    insta::assert_snapshot!(html(concat!(
        "Win rate \\(\\frac{won}{won + lost}\\) on $5 to $10 deals.\n\n",
        "$$a^2 + b^2 = c^2$$\n\n",
        "\\[\n\\sum_i x_i\n\\]\n\n",
        "Copy [\\[Template\\]](/t/) \\(optional\\).\n"
    )));
}

#[test]
fn font_awesome_icons_are_recorded_and_drawn_by_one_stylesheet() {
    let page = html_with(
        "A <i class=\"fas fa-tachometer-alt fa-fw\"></i> marks a dashboard, <i class=\"fab fa-gitlab fa-2x\"></i> a project.\n\n| step | done |\n|---|---|\n| one | <i class=\"fa fa-check-square-o\" aria-hidden=\"true\"/> |\n| two | <i class=\"fas fa-no-such-icon\"></i> |\n",
        false,
        false,
    );
    assert!(
        page.features.icons,
        "the page asks for the icons stylesheet"
    );
    insta::assert_snapshot!("font_awesome_icons_html", page.html);
    let css = handbook::output::icons::stylesheet(&[page]).expect("a stylesheet");
    // Only what the page names: three icons, not the unknown one.
    assert_eq!(css.matches("--fa-icon:url(").count(), 3);
    insta::assert_snapshot!("font_awesome_icons_css", css);
}

#[test]
fn raw_html_left_open_or_stray_is_balanced() {
    insta::assert_snapshot!(html(
        "A <b>bold start and a <ins>Total<ins> typo.\n\nNot bold. Replace <username> with yours; an <h2> in a sentence.\n\nA stray </span> end tag.\n\n<div class=\"card\">\n<p class=\"lead\">\n<h4>Title</h4>\n</p>\n</div>\n</div>\n\n<table>\n<tr><td>a</td></tr>\n<td>b</td></tr>\n</table>\n\n<details>\n<summary>Never closed</summary>\n\nInside.\n"
    ));
}

#[test]
fn kramdown_spans_and_block_html_commonmark_leaves_as_text() {
    insta::assert_snapshot!(html(
        "Link the [NFR Policy](NFR policy) and [OFAC](https://home.treasury.gov/a/\nb-c); **Description:**The company, **[Linear] IACV $**: IACV$ value.\n\nBelow, a video.\n<figure class=\"video_container\"><iframe src=\"https://www.youtube.com/embed/X\"></iframe></figure>In the [channel](https://y.com/c) video.\n\n<details>\n  <summary markdown=\"span\">\n    Stage 1 Diagram\n  </summary>\n\nSlides.\n\n</details>\n**Stage 1 Manager Tasks:**\n\n<details markdown=\"1\">\n\n<summary>[Public Holidays](https://x.y/z)</summary>\n\nBody.\n</details>\n\n<center>![Logo](/logo.png){: .wide}</center>\n"
    ));
}
