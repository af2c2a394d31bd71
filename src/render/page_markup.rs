//! Parts of a content page as the default theme's macros write them
//! (`breadcrumbs`, `cadence_badges`, `prev_next` in `macros.html`), written
//! once in Rust for `page.breadcrumbs_html`, `page.cadence_html` and
//! `page.pager_html`: Tera spent more on these three loops than on the rest
//! of a page's template. The tests keep each writer the same as its macro;
//! themes keep the data (`breadcrumbs`, `page.cadence`, `prev`, `next`) for
//! markup of their own.

use super::context::CadenceBadge;
use crate::escape::html_into;
use crate::site::NavLink;

/// The `breadcrumbs` macro's markup: the trail, then the page's own title.
pub fn breadcrumbs_html(trail: &[NavLink], current: &str) -> String {
    if trail.is_empty() {
        return String::new();
    }
    let mut out = String::with_capacity(128 + 96 * trail.len() + current.len());
    out.push_str("\n<nav class=\"breadcrumbs\" aria-label=\"Breadcrumb\">\n  <ol>");
    for link in trail {
        out.push_str("\n    <li><a href=\"");
        html_into(&link.url, &mut out);
        out.push_str("\">");
        html_into(&link.title, &mut out);
        out.push_str("</a></li>");
    }
    out.push_str("\n    <li><span aria-current=\"page\">");
    html_into(current, &mut out);
    out.push_str("</span></li>\n  </ol>\n</nav>");
    out
}

/// The `prev_next` macro's markup: links to the neighbouring pages.
pub fn pager_html(prev: Option<&NavLink>, next: Option<&NavLink>) -> String {
    if prev.is_none() && next.is_none() {
        return String::new();
    }
    let mut out = String::with_capacity(512);
    out.push_str("\n<nav class=\"pager\" aria-label=\"Previous and next pages\">");
    let mut link = |link: &NavLink, class: &str, rel: &str, label: &str| {
        out.push_str("\n  <a class=\"pager-link ");
        out.push_str(class);
        out.push_str("\" href=\"");
        html_into(&link.url, &mut out);
        out.push_str("\" rel=\"");
        out.push_str(rel);
        out.push_str("\">\n    <span class=\"pager-label\">");
        out.push_str(label);
        out.push_str("</span>\n    <span class=\"pager-title\">");
        html_into(&link.title, &mut out);
        out.push_str("</span>\n  </a>");
    };
    if let Some(prev) = prev {
        link(prev, "pager-prev", "prev", "Previous");
    }
    if let Some(next) = next {
        link(next, "pager-next", "next", "Next");
    }
    out.push_str("\n</nav>");
    out
}

/// The `cadence_badges` macro's markup: a pill per recurring activity,
/// linking to its anchor on the page or to the cadence index at
/// `index_url` (the macro's `base_path` and `/cadence/`).
pub fn cadence_html(badges: &[CadenceBadge], index_url: &str) -> String {
    if badges.is_empty() {
        return String::new();
    }
    let mut out = String::with_capacity(128 + 320 * badges.len());
    out.push_str("\n<ul class=\"cadence-badges\" aria-label=\"Recurring activities\">");
    for badge in badges {
        out.push_str("\n  <li><a class=\"cadence-badge cadence-");
        html_into(badge.every.first().map_or("ad-hoc", |c| &c.key), &mut out);
        out.push_str("\" href=\"");
        if badge.anchor.is_empty() {
            html_into(index_url, &mut out);
        } else {
            out.push('#');
            html_into(&badge.anchor, &mut out);
        }
        out.push('"');
        if !badge.owner.is_empty() {
            out.push_str(" title=\"Owner: ");
            html_into(&badge.owner, &mut out);
            out.push('"');
        }
        out.push('>');
        if !badge.every.is_empty() {
            out.push_str("<span class=\"cadence-every\">");
            let labels: Vec<&str> = badge.every.iter().map(|c| c.label.as_str()).collect();
            html_into(&labels.join(" / "), &mut out);
            out.push_str("</span><span class=\"cadence-sep\" aria-hidden=\"true\"> · </span>");
        }
        out.push_str("<span class=\"cadence-activity\">");
        html_into(&badge.activity, &mut out);
        out.push_str("</span>");
        if !badge.owner.is_empty() {
            out.push_str("<span class=\"visually-hidden\">, owner: ");
            html_into(&badge.owner, &mut out);
            out.push_str("</span>");
        }
        out.push_str("</a></li>");
    }
    out.push_str("\n</ul>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::context::CadenceLabel;
    use crate::test_dice::Dice;

    /// `call` (a template calling the default theme's macros), rendered by
    /// Tera.
    fn render_macro(call: &str, context: &tera::Context) -> String {
        let template = format!("{{% import \"macros.html\" as macros %}}{call}");
        crate::render::render_with_default_theme(&["macros.html"], &template, context)
    }

    fn link(dice: &mut Dice) -> NavLink {
        NavLink {
            title: dice.string(),
            url: format!("/{}/", dice.text()),
        }
    }

    #[test]
    fn breadcrumbs_are_written_as_the_macro_writes_them() {
        let mut dice = Dice(0x9e37_79b9_7f4a_7c15);
        for _ in 0..200 {
            let trail: Vec<NavLink> = (0..dice.below(4)).map(|_| link(&mut dice)).collect();
            let current = dice.string();
            let mut context = tera::Context::new();
            context.insert("trail", &trail);
            context.insert("current", &current);
            let call = "{{ macros::breadcrumbs(items=trail, current=current) }}";
            assert_eq!(
                breadcrumbs_html(&trail, &current),
                render_macro(call, &context)
            );
        }
    }

    #[test]
    fn the_pager_is_written_as_the_macro_writes_it() {
        let mut dice = Dice(0x2545_f491_4f6c_dd1d);
        for _ in 0..200 {
            let prev = dice.coin().then(|| link(&mut dice));
            let next = dice.coin().then(|| link(&mut dice));
            let mut context = tera::Context::new();
            // As page.html passes them: a link, or "" for none.
            let value = |link: &Option<NavLink>| match link {
                Some(link) => serde_json::to_value(link).expect("a link"),
                None => serde_json::Value::from(""),
            };
            context.insert("prev", &value(&prev));
            context.insert("next", &value(&next));
            let call = "{{ macros::prev_next(prev=prev, next=next) }}";
            assert_eq!(
                pager_html(prev.as_ref(), next.as_ref()),
                render_macro(call, &context)
            );
        }
    }

    #[test]
    fn cadence_badges_are_written_as_the_macro_writes_them() {
        let mut dice = Dice(0x1234_5678_9abc_def1);
        for _ in 0..300 {
            let badges: Vec<CadenceBadge> = (0..dice.below(4))
                .map(|_| CadenceBadge {
                    activity: dice.string(),
                    owner: dice.string(),
                    every: (0..dice.below(3))
                        .map(|_| CadenceLabel {
                            key: dice.pick(&["weekly", "a&b", "q\"q"]).into(),
                            label: dice.string(),
                        })
                        .collect(),
                    anchor: dice.string(),
                })
                .collect();
            let (base_path, index_url) = dice.pick(&[
                ("", "/cadence/"),
                ("/hb", "/hb/cadence/"),
                ("/a&b", "/a&b/cadence/"),
            ]);
            let mut context = tera::Context::new();
            context.insert("badges", &badges);
            context.insert("base_path", base_path);
            let call = "{{ macros::cadence_badges(items=badges, base_path=base_path) }}";
            assert_eq!(
                cadence_html(&badges, index_url),
                render_macro(call, &context)
            );
        }
    }
}
