//! Telling open browsers what changed: a server-sent events stream per tab,
//! the script that listens to it, and the error overlay it draws.
//!
//! Events on `/__handbook/events`:
//! - `hello` `{"server": ID}`: sent on every (re)connection; a tab that sees a
//!   new ID (the server restarted) reloads.
//! - `reload` `{"all": true}` or `{"paths": ["/a/b/", ...]}`: reload when the
//!   tab shows one of the paths (or always).
//! - `css` `{}`: only stylesheets changed; swap them without reloading.
//! - `diagnostics` `{"items": [...], "more": N}`: the errors of the site and the
//!   warnings of the page the tab shows; an empty list hides the overlay.
//! - `built` `{"version": N}`: a rebuild is complete, both passes (for tools
//!   and tests; the script ignores it).
//!
//! The script is added to pages as they are served (see [`inject`]); the
//! built HTML never contains it.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body, Frame};
use serde::Serialize;
use tokio::sync::mpsc;

use crate::diagnostics::{render_human, Diagnostic, Severity};

/// The URL prefix of everything the server itself provides.
pub const PREFIX: &str = "/__handbook/";
pub const SCRIPT_PATH: &str = "/__handbook/live.js";
pub const EVENTS_PATH: &str = "/__handbook/events";

/// Open event streams beyond this are refused (503), so a runaway page
/// cannot exhaust the server.
const MAX_CLIENTS: usize = 256;
/// Events queued for one tab; a tab that does not read them is dropped (it
/// reconnects by itself).
const CLIENT_QUEUE: usize = 32;
/// A comment line keeps idle streams open through proxies and lets the
/// server notice closed tabs.
const PING_EVERY: Duration = Duration::from_secs(15);
/// The overlay lists at most this many problems.
const MAX_OVERLAY_ITEMS: usize = 20;

/// What a rebuild changed, from the browser's point of view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Nothing a tab shows changed.
    None,
    /// Only stylesheets changed.
    Css,
    /// These URL paths changed.
    Pages(Vec<String>),
    /// Anything may have changed.
    All,
}

/// One problem as the overlay shows it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OverlayItem {
    pub severity: Severity,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    /// The rustc-style rendering, as the terminal shows it (without colour).
    pub text: String,
}

impl OverlayItem {
    pub fn new(d: &Diagnostic) -> Self {
        OverlayItem {
            severity: d.severity,
            file: d.file.clone(),
            line: d.location.as_ref().map(|l| l.line),
            column: d.location.as_ref().map(|l| l.column),
            message: d.message.clone(),
            text: render_human(d, false),
        }
    }
}

struct Client {
    tx: mpsc::Sender<Bytes>,
    /// The source file of the page the tab shows: its warnings are shown too.
    source: Option<String>,
}

/// Every open event stream, and the diagnostics they are shown.
pub struct Hub {
    server_id: String,
    clients: Mutex<Vec<Client>>,
    diagnostics: Mutex<Arc<Vec<OverlayItem>>>,
    closed: AtomicBool,
}

impl Hub {
    pub fn new() -> Hub {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        Hub {
            server_id: format!("{:x}-{:x}", std::process::id(), nanos),
            clients: Mutex::new(Vec::new()),
            diagnostics: Mutex::new(Arc::new(Vec::new())),
            closed: AtomicBool::new(false),
        }
    }

    /// Opens a stream for a tab showing the page built from `source`.
    /// `None` when the server is shutting down or has too many streams.
    /// Must be called inside the tokio runtime (the stream has a timer).
    pub fn subscribe(&self, source: Option<String>) -> Option<EventStream> {
        if self.closed.load(Ordering::Acquire) {
            return None;
        }
        // The overlay is computed under the clients lock so that a change of
        // diagnostics racing with this call reaches the new tab too.
        let mut clients = self.clients.lock().ok()?;
        clients.retain(|c| !c.tx.is_closed());
        if clients.len() >= MAX_CLIENTS {
            return None;
        }
        let (tx, rx) = mpsc::channel(CLIENT_QUEUE);
        let hello = event("hello", &serde_json::json!({ "server": self.server_id }));
        let overlay = self.overlay_event(source.as_deref());
        // The queue is empty, so this fits.
        let _ = tx.try_send(Bytes::from(format!("retry: 1000\n\n{hello}{overlay}")));
        clients.push(Client { tx, source });
        let mut ping =
            tokio::time::interval_at(tokio::time::Instant::now() + PING_EVERY, PING_EVERY);
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        Some(EventStream { rx, ping })
    }

    /// The source files of the pages open tabs show.
    pub fn viewed(&self) -> std::collections::HashSet<String> {
        self.clients
            .lock()
            .map(|clients| {
                clients
                    .iter()
                    .filter(|c| !c.tx.is_closed())
                    .filter_map(|c| c.source.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Tells every tab about a change.
    pub fn announce(&self, change: &Change) {
        let text = match change {
            Change::None => return,
            Change::Pages(paths) if paths.is_empty() => return,
            Change::Css => event("css", &serde_json::json!({})),
            Change::All => event("reload", &serde_json::json!({ "all": true })),
            Change::Pages(paths) => event("reload", &serde_json::json!({ "paths": paths })),
        };
        self.send_all(|_| Some(text.clone()));
    }

    /// Tells every tab that a rebuild is complete (tools and tests wait for
    /// this; the script ignores it).
    pub fn built(&self, version: u64) {
        let text = event("built", &serde_json::json!({ "version": version }));
        self.send_all(|_| Some(text.clone()));
    }

    /// Replaces the diagnostics and sends each tab its overlay.
    pub fn set_diagnostics(&self, items: Vec<OverlayItem>) {
        if let Ok(mut current) = self.diagnostics.lock() {
            if **current == items {
                return;
            }
            *current = Arc::new(items);
        }
        self.send_all(|client| Some(self.overlay_event(client.source.as_deref())));
    }

    /// The errors of the whole site, then the warnings of `source`.
    pub fn overlay_for(&self, source: Option<&str>) -> (Vec<OverlayItem>, usize) {
        let all = self
            .diagnostics
            .lock()
            .map(|d| Arc::clone(&d))
            .unwrap_or_default();
        let mut shown: Vec<OverlayItem> = all
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .chain(all.iter().filter(|d| {
                d.severity == Severity::Warning && source.is_some() && d.file.as_deref() == source
            }))
            .cloned()
            .collect();
        let more = shown.len().saturating_sub(MAX_OVERLAY_ITEMS);
        shown.truncate(MAX_OVERLAY_ITEMS);
        (shown, more)
    }

    fn overlay_event(&self, source: Option<&str>) -> String {
        let (items, more) = self.overlay_for(source);
        event(
            "diagnostics",
            &serde_json::json!({ "items": items, "more": more }),
        )
    }

    fn send_all(&self, message: impl Fn(&Client) -> Option<String>) {
        let Ok(mut clients) = self.clients.lock() else {
            return;
        };
        // A tab whose queue is full is not reading: drop it, it reconnects.
        clients.retain(|client| match message(client) {
            Some(text) => client.tx.try_send(Bytes::from(text)).is_ok(),
            None => !client.tx.is_closed(),
        });
    }

    /// Ends every stream (on shutdown) and refuses new ones.
    pub fn close(&self) {
        self.closed.store(true, Ordering::Release);
        if let Ok(mut clients) = self.clients.lock() {
            clients.clear();
        }
    }

    pub fn client_count(&self) -> usize {
        self.clients.lock().map_or(0, |c| c.len())
    }
}

impl Default for Hub {
    fn default() -> Self {
        Hub::new()
    }
}

/// One server-sent event. `data` is JSON, so it holds no newline.
fn event(name: &str, data: &serde_json::Value) -> String {
    format!("event: {name}\ndata: {data}\n\n")
}

/// The body of an event stream: queued events, and a ping when idle.
pub struct EventStream {
    rx: mpsc::Receiver<Bytes>,
    ping: tokio::time::Interval,
}

impl Body for EventStream {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.rx.poll_recv(cx) {
            Poll::Ready(Some(bytes)) => return Poll::Ready(Some(Ok(Frame::data(bytes)))),
            // The hub dropped this tab, or the server is stopping.
            Poll::Ready(None) => return Poll::Ready(None),
            Poll::Pending => {}
        }
        match self.ping.poll_tick(cx) {
            Poll::Ready(_) => Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(b": ping\n\n"))))),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// The script tag added to served pages.
pub const SCRIPT_TAG: &str = "<script src=\"/__handbook/live.js\" defer></script>";

/// Adds the live-reload script before the page's last `</body>` (or at the
/// end when there is none).
pub fn inject(html: &[u8]) -> Vec<u8> {
    let at = rfind_ascii_ci(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + SCRIPT_TAG.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(SCRIPT_TAG.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn rfind_ascii_ci(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.len() > haystack.len() {
        return None;
    }
    (0..=haystack.len() - needle.len())
        .rev()
        .find(|&i| haystack[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// The script every served page loads: listens to the event stream, reloads,
/// swaps stylesheets and draws the error overlay.
pub const LIVE_JS: &str = include_str!("live.js");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_goes_before_the_last_body_end() {
        let html = b"<html><body><p>x</body></html>";
        let out = String::from_utf8(inject(html)).unwrap();
        assert_eq!(out, format!("<html><body><p>x{SCRIPT_TAG}</body></html>"));
        let upper = String::from_utf8(inject(b"<P>x</BODY>")).unwrap();
        assert_eq!(upper, format!("<P>x{SCRIPT_TAG}</BODY>"));
        let fragment = String::from_utf8(inject(b"<p>x")).unwrap();
        assert_eq!(fragment, format!("<p>x{SCRIPT_TAG}"));
    }

    #[test]
    fn overlay_shows_all_errors_and_the_pages_own_warnings() {
        let hub = Hub::new();
        let error = Diagnostic::error("front-matter", "bad").in_file("a.md");
        let warning_a = Diagnostic::warning("missing-page", "broken").in_file("a.md");
        let warning_b = Diagnostic::warning("missing-page", "broken").in_file("b.md");
        hub.set_diagnostics(
            [&error, &warning_a, &warning_b]
                .into_iter()
                .map(OverlayItem::new)
                .collect(),
        );
        let (items, more) = hub.overlay_for(Some("b.md"));
        assert_eq!(more, 0);
        let files: Vec<_> = items
            .iter()
            .map(|i| (i.severity, i.file.as_deref().unwrap()))
            .collect();
        assert_eq!(
            files,
            [(Severity::Error, "a.md"), (Severity::Warning, "b.md")]
        );
        assert_eq!(hub.overlay_for(None).0.len(), 1);
    }

    #[test]
    fn events_are_single_line_json() {
        let text = event("reload", &serde_json::json!({ "paths": ["/a\nb/"] }));
        assert_eq!(text, "event: reload\ndata: {\"paths\":[\"/a\\nb/\"]}\n\n");
    }
}
