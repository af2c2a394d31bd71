//! `handbook check --external`: fetch every http(s) link once and report the
//! ones that do not answer.
//!
//! Each distinct URL (fragment dropped) is fetched once, however many pages
//! link to it, by a small pool of threads: at most `concurrency` requests in
//! flight, at most `per_host` to one host. A request is a `HEAD`, retried as a
//! `GET` when the server refuses `HEAD`; redirects are followed by hand, up to
//! `max_redirects`. Timeouts, connection errors, 5xx and 429 are retried with
//! exponential backoff (a 429's `Retry-After` is honoured). Definite answers
//! (2xx, 4xx, too many redirects) are kept in a JSON cache under the site root
//! for `cache_ttl_hours`, so a CI run that restores the cache fetches only
//! what is new or stale.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use regex::RegexSet;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::config::{Config, ExternalConfig};
use crate::diagnostics::Diagnostic;
use crate::markdown::Link;

/// What checking the external links found.
#[derive(Debug, Default)]
pub struct ExternalReport {
    /// Distinct URLs considered (after `external_ignore`).
    pub urls: usize,
    /// Of those, answered from the cache.
    pub from_cache: usize,
    /// (page index, link, why it is broken), in the order the links were given.
    pub broken: Vec<(usize, Link, String)>,
    /// Problems with the cache file: reported, never fatal.
    pub warnings: Vec<Diagnostic>,
}

/// The answer for one URL.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Works,
    /// A definite failure (404, too many redirects ...): cached.
    Broken(String),
    /// Still failing after the retries (timeouts, 5xx ...): not cached.
    Unreachable(String),
}

/// Checks `links` (page index, link), as collected by [`super::check_all`].
pub fn check_external(config: &Config, links: &[(usize, Link)]) -> ExternalReport {
    let settings = &config.site.links.external;
    let ignore = RegexSet::new(&config.site.links.external_ignore).ok();
    let mut report = ExternalReport::default();

    // URL (no fragment) -> indices into `links`.
    let mut by_url: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, (_, link)) in links.iter().enumerate() {
        let Some(url) = fetchable_url(link.href()) else {
            continue;
        };
        let ignored = ignore
            .as_ref()
            .is_some_and(|set| set.is_match(link.href()) || set.is_match(&url));
        if !ignored {
            by_url.entry(url).or_default().push(i);
        }
    }
    report.urls = by_url.len();

    let cache_path = cache_path(config);
    let now = unix_now();
    let ttl = Duration::from_secs_f64(settings.cache_ttl_hours.max(0.0) * 3600.0);
    let mut cache = match &cache_path {
        Some(path) => Cache::load(path, &mut report.warnings),
        None => Cache::default(),
    };
    let mut outcomes: HashMap<String, Outcome> = HashMap::new();
    let mut to_fetch = Vec::new();
    for url in by_url.keys() {
        match cache.fresh(url, now, ttl) {
            Some(outcome) => {
                report.from_cache += 1;
                outcomes.insert(url.clone(), outcome);
            }
            None => to_fetch.push(url.clone()),
        }
    }
    for (url, outcome) in fetch_all(to_fetch, settings) {
        cache.record(&url, &outcome, now);
        outcomes.insert(url, outcome);
    }
    if let Some(path) = &cache_path {
        cache.forget_older_than(now, ttl);
        if let Err(e) = cache.save(path) {
            report.warnings.push(Diagnostic::warning(
                "external-cache",
                format!("cannot write the link cache {}: {e}", path.display()),
            ));
        }
    }

    let mut broken: Vec<(usize, Link, String)> = Vec::new();
    for (url, indices) in &by_url {
        let message = match outcomes.get(url) {
            Some(Outcome::Broken(m) | Outcome::Unreachable(m)) => m,
            _ => continue,
        };
        for &i in indices {
            let (page, link) = &links[i];
            broken.push((*page, link.clone(), format!("`{url}` {message}")));
        }
    }
    broken.sort_by_key(|(page, link, _)| (*page, link.span.start));
    report.broken = broken;
    report
}

/// The URL to fetch for a link target: http(s) only, fragment dropped,
/// protocol-relative `//host/x` as https.
fn fetchable_url(href: &str) -> Option<String> {
    let href = href.trim();
    let without_fragment = href.split('#').next().unwrap_or(href);
    let absolute = match without_fragment.strip_prefix("//") {
        Some(rest) => format!("https://{rest}"),
        None => without_fragment.to_string(),
    };
    let url = Url::parse(&absolute).ok()?;
    matches!(url.scheme(), "http" | "https")
        .then(|| url.host_str().is_some())
        .filter(|has_host| *has_host)
        .map(|_| url.to_string())
}

fn cache_path(config: &Config) -> Option<PathBuf> {
    let cache = &config.site.links.external.cache;
    if cache.as_os_str().is_empty() {
        None
    } else {
        Some(config.root.join(cache))
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

// ---------------------------------------------------------------- cache

#[derive(Debug, Default, Serialize, Deserialize)]
struct Cache {
    version: u32,
    entries: BTreeMap<String, CacheEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CacheEntry {
    /// Unix seconds.
    checked_at: u64,
    works: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    message: String,
}

const CACHE_VERSION: u32 = 1;

impl Cache {
    fn load(path: &Path, warnings: &mut Vec<Diagnostic>) -> Cache {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Cache::default(),
            Err(e) => {
                warnings.push(Diagnostic::warning(
                    "external-cache",
                    format!("cannot read the link cache {}: {e}", path.display()),
                ));
                return Cache::default();
            }
        };
        match serde_json::from_str::<Cache>(&text) {
            Ok(cache) if cache.version == CACHE_VERSION => cache,
            _ => {
                warnings.push(
                    Diagnostic::warning(
                        "external-cache",
                        format!(
                            "the link cache {} is not readable; starting afresh",
                            path.display()
                        ),
                    )
                    .in_file(path.display().to_string()),
                );
                Cache::default()
            }
        }
    }

    fn fresh(&self, url: &str, now: u64, ttl: Duration) -> Option<Outcome> {
        let entry = self.entries.get(url)?;
        if now.saturating_sub(entry.checked_at) >= ttl.as_secs() {
            return None;
        }
        Some(if entry.works {
            Outcome::Works
        } else {
            Outcome::Broken(entry.message.clone())
        })
    }

    fn record(&mut self, url: &str, outcome: &Outcome, now: u64) {
        let entry = match outcome {
            Outcome::Works => CacheEntry {
                checked_at: now,
                works: true,
                message: String::new(),
            },
            Outcome::Broken(message) => CacheEntry {
                checked_at: now,
                works: false,
                message: message.clone(),
            },
            Outcome::Unreachable(_) => {
                self.entries.remove(url);
                return;
            }
        };
        self.entries.insert(url.to_string(), entry);
    }

    fn forget_older_than(&mut self, now: u64, ttl: Duration) {
        self.entries
            .retain(|_, e| now.saturating_sub(e.checked_at) < ttl.as_secs());
    }

    /// Written to a temporary file and renamed, so a cancelled run never
    /// leaves half a cache behind.
    fn save(&mut self, path: &Path) -> std::io::Result<()> {
        self.version = CACHE_VERSION;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, path)
    }
}

// ---------------------------------------------------------------- fetching

/// Work shared by the fetching threads.
struct Queue {
    waiting: VecDeque<String>,
    in_flight_per_host: HashMap<String, usize>,
    done: Vec<(String, Outcome)>,
}

fn host_of(url: &str) -> String {
    Url::parse(url)
        .ok()
        .map(|u| {
            format!(
                "{}:{}",
                u.host_str().unwrap_or(""),
                u.port_or_known_default().unwrap_or(0)
            )
        })
        .unwrap_or_default()
}

fn fetch_all(urls: Vec<String>, settings: &ExternalConfig) -> Vec<(String, Outcome)> {
    if urls.is_empty() {
        return Vec::new();
    }
    let agent = ureq::AgentBuilder::new()
        .timeout_connect(Duration::from_secs(settings.timeout_secs.max(1)))
        .timeout(Duration::from_secs(settings.timeout_secs.max(1)))
        .redirects(0)
        .user_agent(&settings.user_agent)
        .try_proxy_from_env(true)
        .build();
    let threads = settings.concurrency.clamp(1, 64).min(urls.len());
    let per_host = settings.per_host.max(1);
    let queue = Mutex::new(Queue {
        waiting: urls.into(),
        in_flight_per_host: HashMap::new(),
        done: Vec::new(),
    });
    let changed = Condvar::new();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| worker(&agent, settings, per_host, &queue, &changed));
        }
    });
    queue.into_inner().map(|q| q.done).unwrap_or_default()
}

/// Takes the next URL whose host has a free slot, fetches it, repeats.
fn worker(
    agent: &ureq::Agent,
    settings: &ExternalConfig,
    per_host: usize,
    queue: &Mutex<Queue>,
    changed: &Condvar,
) {
    let Ok(mut q) = queue.lock() else { return };
    loop {
        if q.waiting.is_empty() {
            return;
        }
        let free = q.waiting.iter().position(|url| {
            q.in_flight_per_host
                .get(&host_of(url))
                .copied()
                .unwrap_or(0)
                < per_host
        });
        let Some(index) = free else {
            // Every waiting URL's host is busy: wait for a slot.
            match changed.wait(q) {
                Ok(guard) => q = guard,
                Err(_) => return,
            }
            continue;
        };
        let Some(url) = q.waiting.remove(index) else {
            continue;
        };
        let host = host_of(&url);
        *q.in_flight_per_host.entry(host.clone()).or_insert(0) += 1;
        drop(q);

        let outcome = check_url(agent, settings, &url);

        q = match queue.lock() {
            Ok(guard) => guard,
            Err(_) => return,
        };
        if let Some(n) = q.in_flight_per_host.get_mut(&host) {
            *n = n.saturating_sub(1);
        }
        q.done.push((url, outcome));
        changed.notify_all();
    }
}

/// One fetch (with its redirects): the outcome, or a reason to try again.
enum Attempt {
    Done(Outcome),
    Retry { why: String, wait: Option<Duration> },
}

fn check_url(agent: &ureq::Agent, settings: &ExternalConfig, url: &str) -> Outcome {
    let mut tries = 0u32;
    loop {
        match fetch_following_redirects(agent, settings, url) {
            Attempt::Done(outcome) => return outcome,
            Attempt::Retry { why, wait } => {
                if tries >= settings.retries {
                    let tried = tries + 1;
                    let times = if tried == 1 { "once" } else { "times" };
                    let count = if tried == 1 {
                        String::new()
                    } else {
                        format!("{tried} ")
                    };
                    return Outcome::Unreachable(format!("{why} (tried {count}{times})"));
                }
                let backoff = Duration::from_millis(500u64.saturating_mul(1 << tries.min(10)));
                let cap = Duration::from_secs(settings.max_retry_after_secs);
                std::thread::sleep(wait.unwrap_or(backoff).min(cap));
                tries += 1;
            }
        }
    }
}

fn fetch_following_redirects(agent: &ureq::Agent, settings: &ExternalConfig, url: &str) -> Attempt {
    let Ok(mut current) = Url::parse(url) else {
        return Attempt::Done(Outcome::Broken("is not a valid URL".into()));
    };
    for _ in 0..=settings.max_redirects {
        let response = match request(agent, "HEAD", &current) {
            // Servers that refuse or mishandle HEAD get a GET.
            Response::Status { code, .. }
                if code >= 400 && code != 429 && !(500..600).contains(&code) =>
            {
                request(agent, "GET", &current)
            }
            other => other,
        };
        match response {
            Response::Failed(e) => return e,
            Response::Status {
                code,
                location,
                retry_after,
                reason,
            } => match code {
                200..=299 => return Attempt::Done(Outcome::Works),
                300..=399 => {
                    let next = location.and_then(|l| current.join(&l).ok());
                    match next {
                        Some(next) => current = next,
                        None => {
                            return Attempt::Done(Outcome::Broken(format!(
                                "redirects ({code}) without a usable Location"
                            )))
                        }
                    }
                }
                code if settings.accept_status.contains(&code) => {
                    return Attempt::Done(Outcome::Works)
                }
                429 => {
                    return Attempt::Retry {
                        why: "answered 429 Too Many Requests".into(),
                        wait: retry_after,
                    }
                }
                500..=599 => {
                    return Attempt::Retry {
                        why: format!("answered {code} {reason}"),
                        wait: retry_after,
                    }
                }
                _ => return Attempt::Done(Outcome::Broken(format!("answered {code} {reason}"))),
            },
        }
    }
    Attempt::Done(Outcome::Broken(format!(
        "redirects more than {} times",
        settings.max_redirects
    )))
}

enum Response {
    Status {
        code: u16,
        reason: String,
        location: Option<String>,
        retry_after: Option<Duration>,
    },
    Failed(Attempt),
}

fn request(agent: &ureq::Agent, method: &str, url: &Url) -> Response {
    let result = agent.request_url(method, url).call();
    let response = match result {
        Ok(response) => response,
        Err(ureq::Error::Status(_, response)) => response,
        Err(ureq::Error::Transport(transport)) => {
            return Response::Failed(transport_failure(&transport))
        }
    };
    Response::Status {
        code: response.status(),
        reason: response.status_text().to_string(),
        location: response.header("location").map(str::to_string),
        retry_after: response
            .header("retry-after")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs),
    }
}

fn transport_failure(transport: &ureq::Transport) -> Attempt {
    use ureq::ErrorKind;
    // The innermost cause says most ("Connection refused"), ureq's own
    // message least ("Connect error").
    let mut cause: Option<&(dyn std::error::Error + 'static)> =
        std::error::Error::source(transport);
    let mut detail = transport
        .message()
        .map(str::to_string)
        .unwrap_or_else(|| transport.kind().to_string());
    while let Some(e) = cause {
        detail = e.to_string();
        cause = e.source();
    }
    match transport.kind() {
        ErrorKind::InvalidUrl | ErrorKind::UnknownScheme => {
            Attempt::Done(Outcome::Broken(format!("is not a valid URL ({detail})")))
        }
        ErrorKind::Dns => Attempt::Retry {
            why: format!("host not found ({detail})"),
            wait: None,
        },
        ErrorKind::Io if is_timeout(transport) => Attempt::Retry {
            why: "timed out".into(),
            wait: None,
        },
        _ => Attempt::Retry {
            why: format!("could not be fetched ({detail})"),
            wait: None,
        },
    }
}

fn is_timeout(transport: &ureq::Transport) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> =
        std::error::Error::source(transport);
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if matches!(
                io.kind(),
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
            ) {
                return true;
            }
        }
        source = e.source();
    }
    transport.to_string().contains("timed out")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_urls_are_fetched_without_their_fragment() {
        assert_eq!(
            fetchable_url("https://Example.com/a#b").as_deref(),
            Some("https://example.com/a")
        );
        assert_eq!(
            fetchable_url("//cdn.test/x.js").as_deref(),
            Some("https://cdn.test/x.js")
        );
        assert_eq!(fetchable_url("mailto:a@b.c"), None);
        assert_eq!(fetchable_url("http://"), None);
    }

    #[test]
    fn the_cache_keeps_definite_answers_for_the_ttl() {
        let mut cache = Cache::default();
        cache.record("https://a.test/", &Outcome::Works, 1000);
        cache.record(
            "https://b.test/",
            &Outcome::Broken("answered 404".into()),
            1000,
        );
        cache.record(
            "https://c.test/",
            &Outcome::Unreachable("timed out".into()),
            1000,
        );
        let ttl = Duration::from_secs(60);
        assert_eq!(
            cache.fresh("https://a.test/", 1030, ttl),
            Some(Outcome::Works)
        );
        assert_eq!(
            cache.fresh("https://b.test/", 1030, ttl),
            Some(Outcome::Broken("answered 404".into()))
        );
        assert_eq!(cache.fresh("https://c.test/", 1030, ttl), None);
        assert_eq!(cache.fresh("https://a.test/", 1060, ttl), None);
        cache.forget_older_than(1060, ttl);
        assert!(cache.entries.is_empty());
    }

    #[test]
    fn hosts_include_the_port() {
        assert_eq!(host_of("http://127.0.0.1:8080/x"), "127.0.0.1:8080");
        assert_eq!(host_of("https://a.test/x"), "a.test:443");
    }
}
