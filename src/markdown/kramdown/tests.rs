use super::block_html::{is_lone_inline_tag, tag_depth};
use super::*;

fn opts() -> PrepareOptions<'static> {
    PrepareOptions {
        parse_block_html: false,
        erb: false,
        erb_show: false,
        base_path: "",
        templates: None,
        liquid: false,
        zola_shortcodes: false,
    }
}

#[test]
fn templates_render_what_they_can_and_drop_the_rest() {
    let page: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(r#"{"owner": "Sales"}"#).expect("json");
    let includes = crate::content::includes::Includes::none();
    let values = crate::markdown::templates::TemplateValues::for_page(&page, "T", &includes, "");
    let options = PrepareOptions {
        templates: Some(&values),
        liquid: true,
        ..opts()
    };
    let body = "Owner: {{ page.owner }} ({{ owner }}).\n\n{% for item in links %}\n<h2>{{ item.data.title }}</h2>\n{% for x in y %}{% endfor %}\n{% endfor %}\nAfter {{ siteRoot }}.\n";
    let prepared = prepare(body, &options);
    assert!(
        prepared.text.contains("Owner: Sales (Sales)."),
        "{}",
        prepared.text
    );
    assert!(
        !prepared.text.contains("<h2>"),
        "the loop body is left out: {}",
        prepared.text
    );
    assert!(prepared.text.contains("After ."), "{}", prepared.text);
    assert!(
        !prepared.text.contains("{{") && !prepared.text.contains("{%"),
        "{}",
        prepared.text
    );
    assert_eq!(prepared.notes.len(), 1, "one warning per page");
    // Without template values `{{ }}` is text, as in kramdown sites.
    assert!(prepare("a {{ x }} b\n", &opts()).text.contains("{{ x }}"));
}

#[test]
fn attrs_parse() {
    let a = parse_attrs(" .alert .alert-info #note target=\"_blank\" data-x='y z'");
    assert_eq!(a.id.as_deref(), Some("note"));
    assert_eq!(a.classes, ["alert", "alert-info"]);
    assert_eq!(
        a.pairs,
        [
            ("target".into(), "_blank".into()),
            ("data-x".into(), "y z".into())
        ]
    );
    assert_eq!(
        parse_attrs(".shadow.medium.center").classes,
        ["shadow", "medium", "center"]
    );
}

#[test]
fn ids_and_classes_run_together() {
    let a = parse_attrs("#iteration-competency.no_toc");
    assert_eq!(a.id.as_deref(), Some("iteration-competency"));
    assert_eq!(a.classes, ["no_toc"]);
    let b = parse_attrs(".a#b.c");
    assert_eq!(b.id.as_deref(), Some("b"));
    assert_eq!(b.classes, ["a", "c"]);
}

#[test]
fn a_lone_inline_tag_does_not_swallow_the_next_lines() {
    let p = prepare("text\n\n<br>\n## Heading\n\nsee\n<br>\nmore\n", &opts());
    assert_eq!(p.text, "text\n\n<br>\n\n## Heading\n\nsee\n<br>\nmore\n");
    assert!(is_lone_inline_tag("<span class=\"a\">"));
    assert!(is_lone_inline_tag("</a>"));
    assert!(!is_lone_inline_tag("<div>"));
    assert!(!is_lone_inline_tag("<b>x</b>"));
}

#[test]
fn tag_depth_counts_nesting() {
    assert_eq!(tag_depth("<div><div/></div><divx>", "div", 1), 1);
    assert_eq!(tag_depth("<DIV class=a>x</div>", "div", 0), 0);
}

#[test]
fn a_whole_element_on_its_line_ends_the_html_block() {
    let p = prepare(
        "<iframe src=\"https://x/\"></iframe>\n[slides](/s/)\n<div>\n[raw](/r/)\n</div>\n<hr>\nafter\n</div>\ntext\n",
        &opts(),
    );
    assert_eq!(
        p.text,
        "<iframe src=\"https://x/\"></iframe>\n\n[slides](/s/)\n<div>\n[raw](/r/)\n</div>\n<hr>\n\nafter\n</div>\n\ntext\n"
    );
}

#[test]
fn summary_with_markdown_span_on_its_own_line() {
    let p = prepare(
        "<details>\n<summary markdown='span'>\n[x](/y/)\n</summary>\n</details>\n",
        &opts(),
    );
    assert!(
        p.text.contains("<summary markdown='span'>\n\n[x](/y/)"),
        "{:?}",
        p.text
    );
}

#[test]
fn multi_line_nomarkdown_keeps_offsets() {
    let body = "text\n{::nomarkdown}\n<p>\n<a href=\"/x/\">x</a>\n</p>\n{:/nomarkdown}\n";
    let p = prepare(body, &opts());
    let (start, raw) = &p.raw_blocks[0];
    let in_raw = raw.find("/x/").unwrap();
    assert_eq!(start + in_raw, body.find("/x/").unwrap());
    let body = "{::nomarkdown}<p>\r\n<a href=\"/y/\">y</a>{:/nomarkdown}\n";
    let (start, raw) = &prepare(body, &opts()).raw_blocks[0];
    assert_eq!(start + raw.find("/y/").unwrap(), body.find("/y/").unwrap());
}

#[test]
fn toc_list_becomes_a_placeholder() {
    let p = prepare(
        "## On this page\n{:.no_toc}\n\n- TOC\n{:toc .hidden-md}\n\n## A\n",
        &opts(),
    );
    assert!(p.text.contains(TOC_PLACEHOLDER), "{}", p.text);
    assert!(!p.text.contains("{:"), "{}", p.text);
    assert_eq!(p.toc.unwrap().attrs.classes, ["hidden-md"]);
    assert_eq!(p.block_attrs.len(), 1);
    assert_eq!(p.block_attrs[0].target, AttrTarget::Previous);
}

#[test]
fn ial_before_a_block_targets_the_next_one() {
    let p = prepare("para\n\n{: .note}\nnext para\n", &opts());
    assert_eq!(p.block_attrs[0].target, AttrTarget::Next);
    // Between blank lines too: the heading keeps its own id.
    let p = prepare("## Heading\n\n{: #other}\n\nnext para\n", &opts());
    assert_eq!(p.block_attrs[0].target, AttrTarget::Next);
    let p = prepare("## Heading\n{: #mine}\n\nnext para\n", &opts());
    assert_eq!(p.block_attrs[0].target, AttrTarget::Previous);
}

#[test]
fn heading_ids_are_stripped_and_recorded() {
    let p = prepare(
        "## Title {#my-id}\n## Other {: #x .y}\n## Keep {braces}\n",
        &opts(),
    );
    assert_eq!(p.text, "## Title\n## Other\n## Keep {braces}\n");
    assert_eq!(p.block_attrs[0].attrs.id.as_deref(), Some("my-id"));
    assert_eq!(p.block_attrs[1].attrs.classes, ["y"]);
}

#[test]
fn comments_and_options_vanish() {
    let p = prepare(
        "{::options parse_block_html=\"true\" /}\n{::comment}\nsecret\n{:/comment}\n<div>\n**b**\n</div>\n",
        &opts(),
    );
    assert!(!p.text.contains("secret"));
    assert!(!p.text.contains("{::"));
    assert!(p.text.contains("<div>\n\n**b**\n\n</div>"), "{:?}", p.text);
}

#[test]
fn markdown_attribute_decides_per_element() {
    let p = prepare("<div markdown=\"0\">\n    <a href=\"/x/\">x</a>\n</div>\n<div markdown=\"1\">\n*y*\n</div>\n", &opts());
    assert!(
        p.text.starts_with("<div markdown=\"0\">\n    <a"),
        "{:?}",
        p.text
    );
    assert!(
        p.text.contains("<div markdown=\"1\">\n\n*y*\n\n</div>"),
        "{:?}",
        p.text
    );
}

#[test]
fn html_content_is_not_split_into_code() {
    let o = PrepareOptions {
        parse_block_html: true,
        ..opts()
    };
    let p = prepare(
        "<div class=\"row\">\n    <a href=\"/x/\">x</a>\n</div>\n",
        &o,
    );
    assert!(
        p.text.starts_with("<div class=\"row\">\n    <a"),
        "{:?}",
        p.text
    );
}

#[test]
fn fenced_code_is_untouched() {
    let body = "```\n{: .x}\n- TOC\n{:toc}\n```\n";
    assert_eq!(prepare(body, &opts()).text, body);
}

#[test]
fn erb_lines_vanish_and_inline_tags_are_dropped() {
    let o = PrepareOptions {
        erb: true,
        ..opts()
    };
    let p = prepare("| a |\n<% x.each do %>\n| <%= y %> |\n<% end %>\n", &o);
    assert_eq!(p.text, "| a |\n|  |\n");
}

#[test]
fn span_comments_vanish() {
    let p = prepare("| a {::comment} note {:/comment} | b |\n", &opts());
    assert_eq!(p.text, "| a  | b |\n");
}

#[test]
fn liquid_and_shortcodes() {
    let o = PrepareOptions {
        base_path: "/docs",
        ..opts()
    };
    let p = prepare("[a]({{ site.baseurl }}/x/) {{< ref \"b.md\" >}} {% include foot.html %} {{ page.title }}\n", &o);
    assert_eq!(p.text, "[a](/docs/x/) b.md  {{ page.title }}\n");
    assert_eq!(p.notes.len(), 1);
}

#[test]
fn offsets_map_back() {
    let body = "## T {#a}\ntext [x](/y/)\n";
    let p = prepare(body, &opts());
    let at = p.text.find("/y/").unwrap();
    assert_eq!(p.map.to_original(at), body.find("/y/").unwrap());
}

#[test]
fn a_center_line_ending_inside_a_character_is_read_as_text() {
    // The last nine bytes (the length of `</center>`) start inside an `é`.
    let prepared = prepare("<center>ééééé\n\nAfter.\n", &opts());
    assert!(
        prepared.text.contains("<center>ééééé\n"),
        "{}",
        prepared.text
    );
}

#[test]
fn a_liquid_tag_overlapping_its_end_after_raw_is_copied() {
    // In `{%}` the `%}` that would end the tag overlaps the `{%` opening it.
    let page = serde_json::Map::new();
    let includes = crate::content::includes::Includes::none();
    let values = crate::markdown::templates::TemplateValues::for_page(&page, "T", &includes, "");
    let options = PrepareOptions {
        templates: Some(&values),
        liquid: true,
        ..opts()
    };
    let prepared = prepare("{% raw %}{%}\n\n{% raw %}\n{%}\n{% endraw %}\n", &options);
    assert!(prepared.text.starts_with("{%}\n"), "{}", prepared.text);
    assert!(prepared.text.contains("\n{%}\n"), "{}", prepared.text);
}

/// Hugo's escapes show the shortcode as written, in code too.
#[test]
fn hugo_escapes_show_the_shortcode() {
    let body = "Link with `{{</* ref \"guide#setup\" */>}}`.\n\n```\n{{%/* note */%}}\n```\n";
    let text = prepare(body, &opts()).text;
    assert!(text.contains("`{{< ref \"guide#setup\" >}}`"), "{text}");
    assert!(text.contains("\n{{% note %}}\n"), "{text}");
}

#[test]
fn zola_shortcodes_render_the_common_ones_and_leave_out_the_rest() {
    let options = PrepareOptions {
        zola_shortcodes: true,
        ..opts()
    };
    let body = "{{ youtube(id=\"abc\", autoplay=true) }}\n\n{{ chart(data=[1, 2]) }}\n\n{% aside(side=\"left\") %}\nBody.\n{% end %}\n\n`{{/* youtube(id=\"x\") */}}` and `{{/*` and {{/* x(a=b) */}}\n\n{{ not a call }}\n";
    let prepared = prepare(body, &options);
    let text = &prepared.text;
    assert!(text.contains("youtube-nocookie.com/embed/abc"), "{text}");
    assert!(
        !text.contains("chart") && !text.contains("aside") && !text.contains("end %}"),
        "{text}"
    );
    assert!(text.contains("\nBody.\n"), "{text}");
    assert!(text.contains("`{{ youtube(id=\"x\") }}`"), "{text}");
    assert!(
        text.contains("`{{/*`"),
        "an escape without a call stays: {text}"
    );
    assert!(
        text.contains("{{/* x(a=b) */}}"),
        "a variable is no literal: {text}"
    );
    assert!(text.contains("{{ not a call }}"), "{text}");
    let noted: Vec<&str> = prepared.notes.iter().map(|n| n.message.as_str()).collect();
    assert_eq!(
        noted,
        [
            "Zola shortcode `chart` is not rendered; it is left out",
            "Zola shortcode `aside` is not rendered; it is left out"
        ]
    );
}

#[test]
fn tags_in_code_stay_as_written_where_liquid_does_not_run() {
    let body = "`{% block content %}` and {% include x.html %}\n\n```\n{% for x in y %}{{ x }}{% endfor %}\n```\n";
    let prepared = prepare(body, &opts());
    assert!(
        prepared.text.contains("`{% block content %}`"),
        "{}",
        prepared.text
    );
    assert!(
        prepared
            .text
            .contains("{% for x in y %}{{ x }}{% endfor %}"),
        "{}",
        prepared.text
    );
    assert!(
        !prepared.text.contains("include"),
        "outside code the tag is left out"
    );
}
