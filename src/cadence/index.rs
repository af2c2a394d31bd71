//! The rhythm as data for templates, `cadence.json` and the terminal: every
//! activity with its page, grouped by cadence (most frequent first) and by
//! owner, and the calendar of the year's four quarters.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, Weekday};
use serde::Serialize;

use super::recur::Plan;
use super::vocabulary::{CadenceDef, Freq, Vocabulary};
use super::{slug, Activity, Day, Rhythm};
use crate::config::Config;
use crate::content::site_urls::{generated, SiteUrls};
use crate::content::Page;
use crate::site::Site;

/// A cadence as templates show it: its vocabulary key and label.
#[derive(Debug, Clone, Serialize, Default)]
pub struct CadenceLabel {
    pub key: String,
    pub label: String,
}

/// The page an activity is on.
#[derive(Debug, Clone, Serialize)]
pub struct PageRef {
    pub title: String,
    pub url: String,
    pub path: String,
    pub source: String,
}

/// One activity, ready to print.
#[derive(Debug, Clone, Serialize)]
pub struct ActivityView {
    /// Stable id (also the feed's UID before `@host`).
    pub id: String,
    pub activity: String,
    pub every: Vec<CadenceLabel>,
    /// When it happens, in words: `Every Monday`, `Week 3 of each quarter (Monday)`.
    pub when: String,
    /// The `day` as written, normalized (`monday`, `15`, `week 3`), or empty.
    pub day: String,
    /// `HH:MM`, or empty for all-day events.
    pub time: String,
    pub owner: String,
    /// The owner's page, or empty.
    pub owner_url: String,
    pub attendees: Vec<String>,
    /// `60 min`, `1 h 30 min`, or empty.
    pub duration: String,
    pub duration_minutes: Option<u32>,
    pub page: PageRef,
    /// Heading id on the page, or empty.
    pub section: String,
    /// Link to the page and heading.
    pub url: String,
    /// Absolute link to the page and heading.
    pub permalink: String,
    /// The RRULE of the feed, or empty for activities without a schedule.
    pub rrule: String,
    /// The first occurrence (`YYYY-MM-DD`) on or after the start, or empty.
    pub first: String,
}

/// Views for tests of what prints them.
#[cfg(test)]
impl ActivityView {
    /// `activity` run by `owner`, linking to `url`, on the page at `path`.
    pub fn for_test(activity: &str, owner: &str, url: &str, path: &str) -> ActivityView {
        ActivityView {
            id: format!("{activity}-id"),
            activity: activity.to_string(),
            every: Vec::new(),
            when: String::new(),
            day: String::new(),
            time: String::new(),
            owner: owner.to_string(),
            owner_url: String::new(),
            attendees: Vec::new(),
            duration: String::new(),
            duration_minutes: None,
            page: PageRef {
                title: activity.to_string(),
                url: url.to_string(),
                path: path.to_string(),
                source: String::new(),
            },
            section: String::new(),
            url: url.to_string(),
            permalink: String::new(),
            rrule: String::new(),
            first: String::new(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CadenceGroup {
    pub key: String,
    pub label: String,
    pub url: String,
    pub activities: Vec<ActivityView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OwnerGroup {
    pub name: String,
    pub slug: String,
    pub url: String,
    pub ics_url: String,
    pub activities: Vec<ActivityView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Urls {
    pub index: String,
    pub calendar: String,
    pub owners: String,
    pub ics: String,
    pub json: String,
}

/// The rhythm (or part of it) as templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct RhythmView {
    /// First day of the rhythm's year.
    pub start: String,
    /// Cadences that have activities, most frequent first.
    pub cadences: Vec<CadenceGroup>,
    /// Named owners, alphabetically.
    pub owners: Vec<OwnerGroup>,
    /// Every activity, most frequent first.
    pub activities: Vec<ActivityView>,
    pub urls: Urls,
}

/// Which activities a view shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// A cadence key.
    pub every: Option<String>,
    /// An owner name (case-insensitive) or slug.
    pub owner: Option<String>,
    /// A site path: only pages at or below it.
    pub section: Option<String>,
}

/// The views of every activity, built once per build.
#[derive(Debug, Clone, Default)]
pub struct RhythmIndex {
    pub start: NaiveDate,
    cadences: Vec<(String, String)>,
    urls: SiteUrls,
    /// Sorted most frequent first, then by activity name.
    pub views: Vec<ActivityView>,
    /// Owner name -> slug.
    owner_slugs: BTreeMap<String, String>,
    /// Distinct owner names that slug alike (errors, see [`super::collect`]).
    pub owner_collisions: Vec<OwnerCollision>,
}

impl RhythmIndex {
    pub fn new(config: &Config, rhythm: &Rhythm, pages: &[Page], site: &Site) -> Self {
        let vocabulary = &config.vocabulary;
        let (owner_slugs, owner_collisions) = owner_slugs(&rhythm.activities);
        let start = rhythm.start();
        let mut order: Vec<usize> = (0..rhythm.activities.len()).collect();
        let rank = |a: &Activity| a.every.first().copied().unwrap_or(usize::MAX);
        order.sort_by(|&a, &b| {
            let (a, b) = (&rhythm.activities[a], &rhythm.activities[b]);
            (rank(a), a.name.to_lowercase(), a.page).cmp(&(rank(b), b.name.to_lowercase(), b.page))
        });
        let views = order
            .into_iter()
            .map(|i| {
                let a = &rhythm.activities[i];
                let at = ActivityAt {
                    page: &pages[a.page],
                    title: &site.titles[a.page],
                    urls: &site.urls,
                };
                activity_view(vocabulary, a, at, start, &owner_slugs)
            })
            .collect();
        RhythmIndex {
            start,
            cadences: vocabulary
                .defs()
                .iter()
                .map(|d| (d.key.clone(), d.label.clone()))
                .collect(),
            urls: site.urls.clone(),
            views,
            owner_slugs,
            owner_collisions,
        }
    }

    pub fn urls(&self) -> Urls {
        let url = |p: &str| self.urls.prefixed(p);
        Urls {
            index: url(generated::CADENCE),
            calendar: url(generated::CADENCE_CALENDAR),
            owners: url(generated::CADENCE_OWNERS),
            ics: url(generated::CADENCE_ICS),
            json: url(generated::CADENCE_JSON),
        }
    }

    /// The cadence keys and labels, most frequent first.
    pub fn cadences(&self) -> &[(String, String)] {
        &self.cadences
    }

    /// Named owners and their slugs.
    pub fn owners(&self) -> impl Iterator<Item = (&str, &str)> {
        self.owner_slugs
            .iter()
            .map(|(n, s)| (n.as_str(), s.as_str()))
    }

    /// The owner a name or slug from the command line means.
    pub fn find_owner(&self, wanted: &str) -> Option<&str> {
        self.owner_slugs
            .iter()
            .find(|(name, s)| name.eq_ignore_ascii_case(wanted.trim()) || **s == slug(wanted))
            .map(|(name, _)| name.as_str())
    }

    /// The activities `filter` selects, grouped.
    pub fn view(&self, filter: &Filter) -> RhythmView {
        let owner = filter
            .owner
            .as_deref()
            .map(|o| self.find_owner(o).unwrap_or(o));
        let activities: Vec<ActivityView> = self
            .views
            .iter()
            .filter(|v| {
                filter
                    .every
                    .as_deref()
                    .is_none_or(|k| v.every.iter().any(|c| c.key == k))
                    && owner.is_none_or(|o| v.owner.eq_ignore_ascii_case(o))
                    && filter
                        .section
                        .as_deref()
                        .is_none_or(|s| is_in_section(v, s))
            })
            .cloned()
            .collect();
        self.group(activities)
    }

    /// An index of `views` alone, for tests of what prints them.
    #[cfg(test)]
    pub fn of_views(views: Vec<ActivityView>) -> RhythmIndex {
        RhythmIndex {
            views,
            ..RhythmIndex::default()
        }
    }

    /// The activities of the pages at or below the site path `section`,
    /// as `cadence(section=...)` lists them.
    pub fn in_section<'a>(&'a self, section: &'a str) -> impl Iterator<Item = &'a ActivityView> {
        self.views.iter().filter(move |v| is_in_section(v, section))
    }

    fn group(&self, activities: Vec<ActivityView>) -> RhythmView {
        let cadences = self
            .cadences
            .iter()
            .filter_map(|(key, label)| {
                let members: Vec<ActivityView> = activities
                    .iter()
                    .filter(|v| v.every.iter().any(|c| c.key == *key))
                    .cloned()
                    .collect();
                (!members.is_empty()).then(|| CadenceGroup {
                    key: key.clone(),
                    label: label.clone(),
                    url: self.urls.prefixed(&generated::cadence(key)),
                    activities: members,
                })
            })
            .collect();
        let owners = self
            .owner_slugs
            .iter()
            .filter_map(|(name, s)| {
                let members: Vec<ActivityView> = activities
                    .iter()
                    .filter(|v| v.owner == *name)
                    .cloned()
                    .collect();
                (!members.is_empty()).then(|| OwnerGroup {
                    name: name.clone(),
                    slug: s.clone(),
                    url: self.urls.prefixed(&generated::cadence_owner(s)),
                    ics_url: self.urls.prefixed(&generated::cadence_owner_ics(s)),
                    activities: members,
                })
            })
            .collect();
        RhythmView {
            start: self.start.format("%Y-%m-%d").to_string(),
            cadences,
            owners,
            activities,
            urls: self.urls(),
        }
    }
}

impl RhythmIndex {
    /// Site paths of the generated pages: the index, one page per cadence of
    /// the vocabulary, the calendar, the owners and one page per owner.
    pub fn page_paths(&self) -> Vec<String> {
        let mut paths = vec![
            generated::CADENCE.to_string(),
            generated::CADENCE_CALENDAR.to_string(),
            generated::CADENCE_OWNERS.to_string(),
        ];
        paths.extend(self.cadences.iter().map(|(key, _)| generated::cadence(key)));
        paths.extend(
            self.owner_slugs
                .values()
                .map(|s| generated::cadence_owner(s)),
        );
        paths
    }

    /// Site paths of the generated files: the feeds and `cadence.json`.
    pub fn file_paths(&self) -> Vec<String> {
        let mut paths = vec![
            generated::CADENCE_ICS.to_string(),
            generated::CADENCE_JSON.to_string(),
        ];
        paths.extend(
            self.owner_slugs
                .values()
                .map(|s| generated::cadence_owner_ics(s)),
        );
        paths
    }

    /// The cadence key a word from a template or the command line means
    /// (a key or a label, any case).
    pub fn cadence_key(&self, word: &str) -> Option<&str> {
        let wanted = super::vocabulary::normalize(word);
        self.cadences
            .iter()
            .find(|(key, label)| *key == wanted || super::vocabulary::normalize(label) == wanted)
            .map(|(key, _)| key.as_str())
    }
}

/// Whether `view`'s page is at or below the site path `section`.
fn is_in_section(view: &ActivityView, section: &str) -> bool {
    view.page.path.starts_with(section)
}

/// The `cadence()` template function: the whole rhythm, or with `every`,
/// `owner` and `section` (a site path such as `page.path`) a part of it.
pub struct TemplateFunction {
    index: std::sync::Arc<RhythmIndex>,
    /// The whole rhythm as `cadence()` gives it, made on its first call:
    /// a theme that never calls it does not pay for it (3% of a one-page
    /// rebuild of a 50,000-page handbook).
    full: std::sync::OnceLock<serde_json::Value>,
}

impl TemplateFunction {
    pub fn new(index: std::sync::Arc<RhythmIndex>) -> Self {
        TemplateFunction {
            index,
            full: std::sync::OnceLock::new(),
        }
    }
}

impl tera::Function for TemplateFunction {
    fn call(&self, args: &HashMap<String, serde_json::Value>) -> tera::Result<serde_json::Value> {
        let mut filter = Filter::default();
        for (name, value) in args {
            let text = value
                .as_str()
                .map(str::to_string)
                .ok_or_else(|| tera::Error::msg(format!("cadence(): `{name}` must be text")))?;
            match name.as_str() {
                "every" => {
                    let key = self.index.cadence_key(&text).ok_or_else(|| {
                        tera::Error::msg(format!("cadence(): unknown cadence `{text}`"))
                    })?;
                    filter.every = Some(key.to_string());
                }
                "owner" => filter.owner = Some(text),
                "section" => filter.section = Some(text),
                other => {
                    return Err(tera::Error::msg(format!(
                        "cadence() takes `every`, `owner` and `section`; unknown argument `{other}`"
                    )))
                }
            }
        }
        if args.is_empty() {
            let full = self.full.get_or_init(|| {
                serde_json::to_value(self.index.view(&Filter::default())).unwrap_or_default()
            });
            return Ok(full.clone());
        }
        serde_json::to_value(self.index.view(&filter)).map_err(|e| tera::Error::msg(e.to_string()))
    }
}

/// Owner name -> the slug of their page and feed, and the pairs of distinct
/// names that would share one. A slug is made from the name alone, never
/// numbered by order: adding an owner never takes the feed URL that another
/// owner's subscribers already use. A name with no ASCII letter or digit
/// gets a slug from a hash of the name, stable in the same way.
fn owner_slugs(activities: &[Activity]) -> (BTreeMap<String, String>, Vec<OwnerCollision>) {
    let mut names: Vec<&str> = activities
        .iter()
        .map(|a| a.owner.as_str())
        .filter(|o| !o.is_empty())
        .collect();
    names.sort_unstable();
    names.dedup();
    let mut claimed: HashMap<String, &str> = HashMap::new();
    let mut out = BTreeMap::new();
    let mut collisions = Vec::new();
    for name in names {
        let mut s = match slug(name) {
            s if s.is_empty() => format!("owner-{:08x}", name_hash(name)),
            s => s,
        };
        if let Some(first) = claimed.get(&s) {
            collisions.push(OwnerCollision {
                first: first.to_string(),
                second: name.to_string(),
                slug: s.clone(),
            });
            s = format!("{s}-{:08x}", name_hash(name));
        }
        claimed.insert(s.clone(), name);
        out.insert(name.to_string(), s);
    }
    (out, collisions)
}

/// Two owner names that make the same page and feed name.
#[derive(Debug, Clone)]
pub struct OwnerCollision {
    pub first: String,
    pub second: String,
    pub slug: String,
}

/// FNV-1a of the name's bytes, folded to 32 bits: the same on every machine.
fn name_hash(name: &str) -> u32 {
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |hash, b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    (hash ^ (hash >> 32)) as u32
}

/// The page an activity is declared on, as its view shows it.
struct ActivityAt<'a> {
    page: &'a Page,
    title: &'a str,
    urls: &'a SiteUrls,
}

fn activity_view(
    vocabulary: &Vocabulary,
    a: &Activity,
    at: ActivityAt,
    start: NaiveDate,
    owner_slugs: &BTreeMap<String, String>,
) -> ActivityView {
    let ActivityAt { page, title, urls } = at;
    let fragment = if a.section.is_empty() {
        String::new()
    } else {
        format!("#{}", a.section)
    };
    let scheduled = a.scheduled_by(vocabulary).map(|i| vocabulary.get(i));
    let first = a.plan.as_ref().and_then(|p| p.first(start));
    ActivityView {
        id: a.id.clone(),
        activity: a.name.clone(),
        every: a
            .every
            .iter()
            .map(|&i| CadenceLabel {
                key: vocabulary.get(i).key.clone(),
                label: vocabulary.get(i).label.clone(),
            })
            .collect(),
        when: when(a, scheduled, vocabulary),
        day: a.day.map(day_text).unwrap_or_default(),
        time: a
            .time
            .map(|t| t.format("%H:%M").to_string())
            .unwrap_or_default(),
        owner: a.owner.clone(),
        owner_url: owner_slugs
            .get(&a.owner)
            .map(|s| urls.prefixed(&generated::cadence_owner(s)))
            .unwrap_or_default(),
        attendees: a.attendees.clone(),
        duration: a.duration.map(duration_text).unwrap_or_default(),
        duration_minutes: a.duration,
        page: PageRef {
            title: title.to_string(),
            url: urls.href(&page.url.path),
            path: page.url.path.clone(),
            source: page.rel_path.clone(),
        },
        section: a.section.clone(),
        url: format!("{}{fragment}", urls.href(&page.url.path)),
        permalink: format!("{}{fragment}", urls.permalink(&page.url.path)),
        rrule: match (&a.plan, first) {
            (Some(plan), Some(first)) => plan.rrule(first),
            _ => String::new(),
        },
        first: first
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
    }
}

fn day_text(day: Day) -> String {
    match day {
        Day::Weekday(w) => weekday_name(w).to_lowercase(),
        Day::MonthDay(d) => d.to_string(),
        Day::Week {
            week,
            weekday: Weekday::Mon,
        } => format!("week {week}"),
        Day::Week { week, weekday } => {
            format!("week {week} {}", weekday_name(weekday).to_lowercase())
        }
    }
}

pub fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

pub fn duration_text(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// "each month", "each quarter", "every 2 months".
fn period_words(months: u32) -> String {
    match months {
        1 => "each month".into(),
        3 => "each quarter".into(),
        6 => "each half-year".into(),
        12 => "each year".into(),
        m if m % 12 == 0 => format!("every {} years", m / 12),
        m => format!("every {m} months"),
    }
}

/// When an activity happens, in words.
fn when(a: &Activity, scheduled: Option<&CadenceDef>, vocabulary: &Vocabulary) -> String {
    let (Some(plan), Some(def)) = (&a.plan, scheduled) else {
        return a
            .every
            .first()
            .map(|&i| vocabulary.get(i).label.clone())
            .unwrap_or_default();
    };
    let mut text = match plan {
        Plan::Days { interval, weekdays } => {
            let every = if *interval > 1 {
                format!("Every {interval} days")
            } else {
                "Every day".into()
            };
            let working = weekdays.len() == 5
                && !weekdays.contains(&Weekday::Sat)
                && !weekdays.contains(&Weekday::Sun);
            match (weekdays.is_empty(), working, *interval) {
                (true, _, _) => every,
                (false, true, 1) => "Every working day".into(),
                _ => format!(
                    "{every} ({})",
                    weekdays
                        .iter()
                        .map(|w| &weekday_name(*w)[..3])
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }
        }
        Plan::Weeks { interval, weekday } => match interval {
            1 => format!("Every {}", weekday_name(*weekday)),
            2 => format!("Every other {}", weekday_name(*weekday)),
            n => format!("Every {n} weeks on {}", weekday_name(*weekday)),
        },
        Plan::Months { period, pick, .. } => {
            let each = period_words(*period);
            match (a.day, pick) {
                (Some(Day::Week { week, weekday }), _) => {
                    format!("Week {week} of {each} ({})", weekday_name(weekday))
                }
                (Some(Day::MonthDay(d)), _) => format!("The {} of {each}", ordinal(d)),
                (Some(Day::Weekday(w)), _) => format!("First {} of {each}", weekday_name(w)),
                (None, _) => format!("First working day of {each}"),
            }
        }
    };
    if def.rule().is_some_and(|r| r.freq == Freq::Yearly) {
        text = text.replace("each year", "the year");
    }
    if let Some(time) = a.time {
        text.push_str(&format!(", {}", time.format("%H:%M")));
    }
    text
}

/// `cadence.json`: the vocabulary and every activity.
#[derive(Debug, Serialize)]
pub struct JsonExport<'a> {
    pub generator: &'static str,
    pub start: String,
    pub cadences: &'a [CadenceDef],
    pub activities: &'a [ActivityView],
}

pub fn to_json(index: &RhythmIndex, vocabulary: &Vocabulary) -> String {
    let export = JsonExport {
        generator: "handbook",
        start: index.start.format("%Y-%m-%d").to_string(),
        cadences: vocabulary.defs(),
        activities: &index.views,
    };
    serde_json::to_string_pretty(&export).unwrap_or_else(|_| "{}".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert_eq!(duration_text(90), "1 h 30 min");
        assert_eq!(duration_text(45), "45 min");
        assert_eq!(ordinal(1), "1st");
        assert_eq!(ordinal(12), "12th");
        assert_eq!(ordinal(22), "22nd");
    }
}
