//! The operating rhythm's own pages and files: `/cadence/` and one page per
//! cadence, the calendar, the owners, `cadence.json` and the iCalendar feeds.

use serde_json::Value;

use super::{BuildError, SiteRender};
use crate::cadence;
use crate::content::site_urls::generated::{self, output_file};
use crate::diagnostics::Diagnostic;
use crate::output::Sink;
use crate::render::calendar_markup::calendar_html;
use crate::render::context::{Nav, PageContext, PageView};
use crate::site::NavLink;

/// Renders the cadence pages and writes the feeds and `cadence.json`.
/// Returns the site paths of the pages written. A content page at one of
/// these paths wins over the generated one.
pub(super) fn write_cadence(
    render: &SiteRender,
    sink: &dyn Sink,
) -> Result<Vec<String>, BuildError> {
    let (config, renderer, content, site, rhythm) = (
        render.config,
        render.renderer,
        render.content,
        render.site,
        render.rhythm,
    );
    let (config_value, site_view) = (&render.config_value, &render.site_view);
    use cadence::index::{self as cadence_index, Filter};
    let index = &rhythm.index;
    let vocabulary = &config.vocabulary;
    let taken: std::collections::HashSet<&str> =
        content.pages.iter().map(|p| p.url.path.as_str()).collect();
    let urls = index.urls();
    let mut full_view = index.view(&Filter::default());
    // The whole rhythm as template data is made for each of the two pages
    // that show it and let go after each: held through the pages between,
    // it was a fifth of the memory these pages take at 10,000 pages.
    let full = |view: &cadence_index::RhythmView| serde_json::to_value(view).unwrap_or(Value::Null);
    // Pages about one cadence or one owner, and the calendar, get the rhythm
    // without its activities: copying every activity into each of a
    // thousand owner pages is quadratic. They get their own activities as
    // `group`, `owner` or `calendar`.
    let outline = serde_json::to_value(outline_of(&full_view)).unwrap_or(Value::Null);
    let home = content.pages.iter().position(|p| p.url.path == "/");
    // The sidebar of the top of the site, as on a listing page.
    let nav = match site.sections.iter().position(|s| s.dir.is_empty()) {
        Some(top) => site.section_nav(top, &content.pages),
        None => Vec::new(),
    };
    let home_link = NavLink {
        title: home.map_or_else(|| config.site.title.clone(), |p| site.titles[p].clone()),
        url: site.urls.home(),
    };
    let rhythm_link = NavLink {
        title: "Operating rhythm".into(),
        url: urls.index.clone(),
    };
    let mut written = Vec::new();
    let mut render_page = |path: &str,
                           rhythm_value: Value,
                           template: &str,
                           title: &str,
                           description: &str,
                           breadcrumbs: Vec<NavLink>,
                           extra: Option<(&str, Value)>|
     -> Result<(), BuildError> {
        if taken.contains(path) {
            return Ok(());
        }
        let context = PageContext {
            config: config_value,
            page: PageView::generated(title, description, path, &site.urls),
            section: None,
            breadcrumbs,
            nav: Nav::Tree(nav.clone()),
            prev: None,
            next: None,
            site: site_view,
        };
        let mut data = context.to_data();
        data.insert_value("rhythm", rhythm_value);
        if let Some((name, value)) = extra {
            data.insert_value(name, value);
        }
        let html = renderer.render_memoized(template, data).map_err(|d| {
            BuildError::from(Diagnostic {
                message: format!("{} (rendering {path})", d.message),
                ..d
            })
        })?;
        sink.write(&output_file(path), html.as_bytes())?;
        written.push(path.to_string());
        Ok(())
    };

    render_page(
        generated::CADENCE,
        full(&full_view),
        "cadence/index.html",
        "Operating rhythm",
        "Every recurring activity of the handbook, from the most to the least frequent.",
        vec![home_link.clone()],
        None,
    )?;
    for (key, label) in index.cadences() {
        let view = index.view(&Filter {
            every: Some(key.clone()),
            ..Filter::default()
        });
        let group = view
            .cadences
            .into_iter()
            .find(|g| g.key == *key)
            .unwrap_or_else(|| cadence_index::CadenceGroup {
                key: key.clone(),
                label: label.clone(),
                url: site.urls.prefixed(&generated::cadence(key)),
                activities: Vec::new(),
            });
        render_page(
            &generated::cadence(key),
            outline.clone(),
            "cadence/every.html",
            &format!("{label} activities"),
            "",
            vec![home_link.clone(), rhythm_link.clone()],
            Some(("group", serde_json::to_value(&group).unwrap_or(Value::Null))),
        )?;
    }
    let calendar_data = match renderer.is_built_in("cadence/calendar.html") {
        true => CalendarData::MarkupOnly,
        false => CalendarData::WithWeeks,
    };
    let calendar = calendar_value(index.calendar(rhythm, vocabulary), calendar_data);
    render_page(
        generated::CADENCE_CALENDAR,
        outline.clone(),
        "cadence/calendar.html",
        "Calendar",
        "What lands in which week of each quarter.",
        vec![home_link.clone(), rhythm_link.clone()],
        Some(("calendar", calendar)),
    )?;
    render_page(
        generated::CADENCE_OWNERS,
        full(&full_view),
        "cadence/owners.html",
        "Owners",
        "Who runs which recurring activity, with a calendar feed per role.",
        vec![home_link.clone(), rhythm_link.clone()],
        None,
    )?;
    // Past here the view is read for its owners only (their pages and
    // feeds); each activity is in it three times.
    full_view.activities = Vec::new();
    full_view.cadences = Vec::new();
    let owners_link = NavLink {
        title: "Owners".into(),
        url: urls.owners.clone(),
    };
    for owner in &full_view.owners {
        render_page(
            &generated::cadence_owner(&owner.slug),
            outline.clone(),
            "cadence/owner.html",
            &owner.name,
            "",
            vec![home_link.clone(), rhythm_link.clone(), owners_link.clone()],
            Some(("owner", serde_json::to_value(owner).unwrap_or(Value::Null))),
        )?;
    }

    let host = config
        .internal_hosts
        .first()
        .map_or("handbook", String::as_str);
    let feed_name = format!("{}: operating rhythm", config.site.title);
    let info = cadence::ical::FeedInfo {
        name: &feed_name,
        description: &config.site.description,
        host,
        start: index.start,
    };
    sink.write(
        &output_file(generated::CADENCE_ICS),
        cadence::ical::calendar(&info, &index.views).as_bytes(),
    )?;
    for owner in &full_view.owners {
        let name = format!("{}: {}", config.site.title, owner.name);
        let info = cadence::ical::FeedInfo {
            name: &name,
            ..info
        };
        sink.write(
            &output_file(&generated::cadence_owner_ics(&owner.slug)),
            cadence::ical::calendar(&info, &owner.activities).as_bytes(),
        )?;
    }
    sink.write(
        &output_file(generated::CADENCE_JSON),
        cadence_index::to_json(index, vocabulary).as_bytes(),
    )?;
    Ok(written)
}

/// The rhythm without its activities: its start, URLs and cadences.
fn outline_of(full: &cadence::index::RhythmView) -> cadence::index::RhythmView {
    cadence::index::RhythmView {
        start: full.start.clone(),
        cadences: full
            .cadences
            .iter()
            .map(|group| cadence::index::CadenceGroup {
                key: group.key.clone(),
                label: group.label.clone(),
                url: group.url.clone(),
                activities: Vec::new(),
            })
            .collect(),
        owners: Vec::new(),
        activities: Vec::new(),
        urls: full.urls.clone(),
    }
}

/// What the calendar's template gets besides `calendar.html`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CalendarData {
    /// Nothing: the built-in template prints the markup alone.
    MarkupOnly,
    /// The quarters, weeks and rows, each week without the activity as
    /// `{count: 0, dates: ""}`: for a site's own template, which may have
    /// been written when every week had both (`c.count > 0` fails on `{}`).
    WithWeeks,
}

/// The calendar as template data: its markup ([`calendar_html`]), and for
/// a site's own template its quarters, made a quarter at a time: each
/// quarter has a row per activity and a cell per week, and its view is let
/// go as soon as its data is made (a 50,000-page handbook's calendar is
/// 30 MB of HTML).
fn calendar_value(calendar: cadence::calendar::CalendarView, data: CalendarData) -> Value {
    let mut map = serde_json::Map::new();
    map.insert("html".into(), Value::from(calendar_html(&calendar)));
    if data == CalendarData::MarkupOnly {
        return Value::Object(map);
    }
    let cadence::calendar::CalendarView {
        quarters,
        unscheduled,
    } = calendar;
    let quarters: Vec<Value> = quarters
        .into_iter()
        .map(|quarter| {
            let mut value = serde_json::to_value(quarter).unwrap_or(Value::Null);
            fill_empty_weeks(&mut value);
            value
        })
        .collect();
    map.insert("quarters".into(), Value::Array(quarters));
    map.insert(
        "unscheduled".into(),
        serde_json::to_value(unscheduled).unwrap_or(Value::Null),
    );
    Value::Object(map)
}

/// Gives each empty week of a quarter's rows `count` 0 and empty `dates`.
fn fill_empty_weeks(quarter: &mut Value) {
    let rows = quarter.get_mut("rows").and_then(Value::as_array_mut);
    for row in rows.into_iter().flatten() {
        let cells = row.get_mut("cells").and_then(Value::as_array_mut);
        for cell in cells.into_iter().flatten() {
            if let Value::Object(fields) = cell {
                if fields.is_empty() {
                    fields.insert("count".into(), Value::from(0));
                    fields.insert("dates".into(), Value::from(""));
                }
            }
        }
    }
}
