use super::*;
use crate::config::HeadingIdFlavor;

fn rendered(body: &str) -> Rendered {
    let options = RenderOptions::standalone(HeadingIdFlavor::KramdownGfm);
    render(body, 0, &options)
}

#[test]
fn an_empty_heading_is_left_out_and_still_counts_for_ids() {
    let r = rendered("## Steps\n\n###\n\n## Steps\n");
    assert_eq!(
        r.html,
        "<h2 id=\"steps\">Steps</h2>\n\n<h2 id=\"steps-1\">Steps</h2>\n"
    );
    assert_eq!(r.headings.len(), 2);
}

/// (target, the source text at the link's span) for every link.
fn links(body: &str) -> Vec<(String, String)> {
    rendered(body)
        .links()
        .iter()
        .map(|l| {
            (
                l.target.clone(),
                body.get(l.span.clone()).unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn bare_urls_inside_raw_anchors_are_not_linked_twice() {
    let body = "See <a href=\"https://x.test/a/\">https://x.test/a/</a> and https://x.test/b/.\n";
    let found: Vec<String> = links(body).into_iter().map(|l| l.0).collect();
    assert_eq!(found, ["https://x.test/a/", "https://x.test/b/"]);
}

#[test]
fn what_is_not_a_link() {
    let body = "`[code](/a/)` <!-- [c](/b/) <a href=\"/c/\"> -->\n\n    [indented](/d/)\n\n```\n[fenced](/e/)\n```\n\n<script>\nx = '<img src=\"/f/\">';\n</script>\n";
    assert_eq!(links(body), []);
}

#[test]
fn spans_point_at_the_target_in_every_syntax() {
    let body = "[a](/inline/ \"t\") ![i](</with space.png>) [r][] <https://auto.test/x/>\n\n\
                * item <a href='/html/'>h</a>\n\n> <img src=\"/quoted.png\">\n\n[r]:\n  /ref/\n";
    let found = links(body);
    for (target, at_span) in &found {
        assert_eq!(target, at_span, "{found:?}");
    }
    assert_eq!(found.len(), 6, "{found:?}");
}

#[test]
fn spans_of_destinations_that_contain_the_link_syntax() {
    // `](` in the destination, and in the link text.
    let body = "[](](a))";
    assert_eq!(links(body), [("](a)".to_string(), "](a)".to_string())]);
    let body = "[`](`](/x/)";
    assert_eq!(links(body), [("/x/".to_string(), "/x/".to_string())]);
    // Written escaped: the span stays inside the link.
    let r = rendered("[a](b\\)c)");
    assert_eq!(r.links()[0].target, "b)c");
    assert_eq!(r.links()[0].span, 4..7);
}

#[test]
fn an_attribute_list_opening_a_list_item_is_the_items() {
    let r = rendered("- {:#jump-a-line} Always leave a blank line.\n- {: .x} Other\n");
    assert!(
        r.anchors.contains(&"jump-a-line".to_string()),
        "{:?}",
        r.anchors
    );
    assert!(
        r.html.contains("<li id=\"jump-a-line\">Always leave"),
        "{}",
        r.html
    );
    assert!(r.html.contains("<li class=\"x\">Other"), "{}", r.html);
    assert!(!r.html.contains("{:"), "{}", r.html);
}

#[test]
fn unused_reference_definitions_are_links() {
    let body = "[r]: /used/ \"Title\"\n[unused]: </not used/>\n\n[x][R]\n";
    assert_eq!(
        links(body),
        [
            ("/used/".to_string(), "/used/".to_string()),
            ("/not used/".to_string(), "/not used/".to_string())
        ]
    );
}

#[test]
fn heading_offsets_point_into_the_file() {
    let file = "---\ntitle: T\n---\n{::comment}\nhidden\n{:/comment}\n## First {#one}\n\nText $$x$$ here.\n\nSecond\n------\n";
    let body_start = file.find("{::comment}").unwrap();
    let options = RenderOptions::standalone(HeadingIdFlavor::KramdownGfm);
    let r = render(&file[body_start..], body_start, &options);
    let starts: Vec<&str> = r
        .headings
        .iter()
        .map(|h| file[h.offset..].lines().next().unwrap())
        .collect();
    assert_eq!(starts, ["## First {#one}", "Second"]);
}

#[test]
fn a_class_list_before_the_toc_marker_goes_to_the_toc() {
    // As in 46 GitLab handbook pages. kramdown 2.4 writes the classes of
    // both lists (`no_toc hidden-md hidden-lg hidden-md hidden-lg`); the
    // same classes once, in its order, style the same.
    let r = rendered(
        "## On this page\n\n{:.no_toc .hidden-md .hidden-lg}\n\n- TOC\n{:toc .hidden-md .hidden-lg}\n\n- - -\n\nText\n\n## A\n",
    );
    assert!(
        r.html
            .contains("<ul id=\"markdown-toc\" class=\"no_toc hidden-md hidden-lg\">"),
        "{}",
        r.html
    );
    assert!(!r.html.contains("<!--"), "{}", r.html);
    assert!(r.html.contains("<hr />\n<p>Text</p>"), "{}", r.html);
}
