//! The HTTP side of `serve`: answers from the in-memory site, never from disk.
//!
//! Requests are looked up in the current [`Snapshot`], a map from output path
//! to bytes, so no request can reach a file outside the site however its path
//! is spelled. Paths are still checked strictly (a `..` segment, an encoded
//! `/` or `\`, a NUL or control character is a 400) so that mistakes and
//! attacks get a clear answer instead of a lookup.
//!
//! hyper on tokio rather than a thread-per-connection server: every open tab
//! holds an event stream for as long as it is open, and slow or idle clients
//! must not pin a thread each. hyper bounds the request head
//! ([`MAX_HEAD_BYTES`]) and the time to send it ([`HEAD_TIMEOUT`]); a
//! semaphore bounds the open connections.

use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::future::Future;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use bytes::Bytes;
use http_body_util::{Either, Full};
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, CONTROLS};

use super::connections::Connections;
use tokio::sync::watch;

use super::reload::{self, EventStream, Hub};
use crate::content::site_urls::SiteUrls;

/// Longest request path accepted; longer ones get 414.
pub const MAX_PATH_BYTES: usize = 4096;
/// Largest request head (request line and headers); hyper answers 431 beyond.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Time a client has to send its request head before the connection is closed.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// Open connections at once; past it the longest idle one is closed for a
/// newcomer (see [`Connections`]).
pub const MAX_CONNECTIONS: usize = 1024;
/// Open connections from one address.
pub const MAX_CONNECTIONS_PER_ADDRESS: usize = 256;
/// Longest a request waits for a rebuild in progress before it gets what
/// is there.
const REBUILD_WAIT: Duration = Duration::from_secs(30);

/// The site as served: output path (`a/b/index.html`) -> bytes.
#[derive(Default)]
pub struct Snapshot {
    pub files: HashMap<String, Bytes>,
    /// Output path of each page -> its source file, for the overlay.
    pub sources: HashMap<String, String>,
    /// The site's URLs: the site is served under their base path.
    pub urls: SiteUrls,
    /// Files the rebuild in progress may still change. A request for one of
    /// them, or for a file not found, waits for `ready` instead of getting
    /// the previous build's answer.
    pub stale: HashSet<String>,
    /// Becomes `true` when the rebuild in progress is published.
    pub ready: Option<watch::Receiver<bool>>,
}

/// What the server threads share with the rebuild thread.
pub struct Shared {
    /// Swapped whole after each rebuild: a request sees the old site or the
    /// new one, never a mix.
    pub site: ArcSwap<Snapshot>,
    pub hub: Hub,
    /// When bound to loopback: the `Host` names accepted, so that a web page
    /// elsewhere cannot read the preview through DNS rebinding.
    pub loopback_only: bool,
}

impl Shared {
    pub fn new(snapshot: Snapshot, bind: IpAddr) -> Shared {
        Shared {
            site: ArcSwap::from_pointee(snapshot),
            hub: Hub::new(),
            loopback_only: bind.is_loopback(),
        }
    }
}

type ServeBody = Either<Full<Bytes>, EventStream>;

/// Serves until `shutdown` resolves, then ends the event streams and gives
/// open requests a moment to finish.
pub async fn run(
    listener: tokio::net::TcpListener,
    shared: Arc<Shared>,
    shutdown: impl Future<Output = ()>,
) {
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEAD_TIMEOUT)
        .max_buf_size(MAX_HEAD_BYTES)
        .keep_alive(true);
    super::connections::raise_open_file_limit();
    let connections = Connections::new(MAX_CONNECTIONS, MAX_CONNECTIONS_PER_ADDRESS);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors and the like: wait, do not spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        // Every slot busy with a request or an event stream: refused (the
        // stream is dropped, which closes it).
        let Some(slot) = connections.admit(peer.ip()) else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let shared = Arc::clone(&shared);
        let state = Arc::clone(&slot.connection);
        let service = hyper::service::service_fn(move |request: Request<Incoming>| {
            let shared = Arc::clone(&shared);
            let state = Arc::clone(&state);
            async move {
                state.request_started();
                if request.uri().path().ends_with(reload::EVENTS_PATH) {
                    state.mark_streaming();
                }
                let response = respond(&shared, &request).await;
                state.request_answered();
                Ok::<_, Infallible>(response)
            }
        });
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            tokio::select! {
                _ = connection => {}
                _ = slot.connection.close.notified() => {}
            }
            drop(slot);
        });
    }
    shared.hub.close();
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(Duration::from_secs(2)) => {}
    }
}

/// Answers one request; a request for a file the rebuild in progress may
/// change waits for it (twice at most, then gets what is there).
pub async fn respond<B>(shared: &Shared, request: &Request<B>) -> Response<ServeBody> {
    for _ in 0..2 {
        match handle(shared, request, true) {
            Answer::Now(response) => return response,
            Answer::AfterRebuild(mut ready) => {
                let _ = tokio::time::timeout(REBUILD_WAIT, ready.wait_for(|done| *done)).await;
            }
        }
    }
    match handle(shared, request, false) {
        Answer::Now(response) => response,
        Answer::AfterRebuild(_) => text(StatusCode::SERVICE_UNAVAILABLE, "rebuilding\n", false),
    }
}

pub enum Answer {
    Now(Response<ServeBody>),
    /// The file may change in the rebuild in progress: ask again when it is done.
    AfterRebuild(watch::Receiver<bool>),
}

fn handle<B>(shared: &Shared, request: &Request<B>, may_wait: bool) -> Answer {
    let site = shared.site.load();
    let found = answer(shared, &site, request);
    match (&site.ready, found) {
        (Some(ready), Found::Pending) if may_wait => Answer::AfterRebuild(ready.clone()),
        (_, Found::Pending) => Answer::Now(serve_found(&site, request)),
        (_, Found::Response(response)) => Answer::Now(response),
    }
}

enum Found {
    Response(Response<ServeBody>),
    /// A stale file, a redirect or a 404 while a rebuild is in progress.
    Pending,
}

/// Answers from one snapshot.
fn answer<B>(shared: &Shared, site: &Snapshot, request: &Request<B>) -> Found {
    if site.ready.is_some() {
        if let Ok(path) = decode_path(request.uri().path()) {
            match lookup(site, &path) {
                Lookup::File(rel) if !site.stale.contains(&rel) => {}
                _ if request.uri().path().starts_with(reload::PREFIX) => {}
                _ => return Found::Pending,
            }
        }
    }
    Found::Response(serve_request(shared, site, request))
}

fn serve_found<B>(site: &Snapshot, request: &Request<B>) -> Response<ServeBody> {
    let head = request.method() == Method::HEAD;
    match decode_path(request.uri().path()) {
        Ok(path) => serve_lookup(site, &path, request.uri().query(), head),
        Err(why) => text(
            StatusCode::BAD_REQUEST,
            &format!("bad request path: {why}\n"),
            head,
        ),
    }
}

fn serve_request<B>(shared: &Shared, site: &Snapshot, request: &Request<B>) -> Response<ServeBody> {
    let head = request.method() == Method::HEAD;
    if request.method() != Method::GET && !head {
        let mut response = text(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n", head);
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    if shared.loopback_only && !host_is_local(request.headers().get(header::HOST)) {
        return text(
            StatusCode::FORBIDDEN,
            "handbook serve answers only to localhost; use --bind to serve other hosts\n",
            head,
        );
    }
    if request.uri().scheme().is_some() || request.uri().authority().is_some() {
        return text(
            StatusCode::BAD_REQUEST,
            "absolute-form request targets are not accepted; ask for a path\n",
            head,
        );
    }
    let raw_path = request.uri().path();
    if raw_path.len() > MAX_PATH_BYTES {
        return text(StatusCode::URI_TOO_LONG, "request path too long\n", head);
    }
    let query = request.uri().query();
    if raw_path == reload::SCRIPT_PATH {
        return file_response(
            StatusCode::OK,
            "application/javascript; charset=utf-8",
            Bytes::from_static(reload::LIVE_JS.as_bytes()),
            head,
        );
    }
    if raw_path == reload::EVENTS_PATH {
        let source = query
            .and_then(|q| query_param(q, "page"))
            .and_then(|page| source_of(site, &page));
        return events(&shared.hub, source, head);
    }
    if raw_path.starts_with(reload::PREFIX) {
        return not_found(site, head);
    }
    match decode_path(raw_path) {
        Ok(path) => serve_lookup(site, &path, query, head),
        Err(why) => text(
            StatusCode::BAD_REQUEST,
            &format!("bad request path: {why}\n"),
            head,
        ),
    }
}

fn serve_lookup(
    site: &Snapshot,
    path: &SitePath,
    query: Option<&str>,
    head: bool,
) -> Response<ServeBody> {
    match lookup(site, path) {
        Lookup::File(rel) => match site.files.get(&rel) {
            Some(bytes) => serve_file(&rel, bytes, head),
            None => not_found(site, head),
        },
        Lookup::Redirect(mut location) => {
            if let Some(q) = query {
                location.push('?');
                location.push_str(q);
            }
            redirect(&location, head)
        }
        Lookup::NotFound => not_found(site, head),
    }
}

/// A request path split into decoded segments.
#[derive(Debug, PartialEq, Eq)]
pub struct SitePath {
    pub segments: Vec<String>,
    pub trailing_slash: bool,
}

/// Decodes a request path, refusing anything that could name a file outside
/// the site if it were ever joined to a folder: `.` and `..` segments (also
/// percent-encoded), encoded `/` and `\`, backslashes, NUL and other control
/// characters, invalid UTF-8.
pub fn decode_path(raw: &str) -> Result<SitePath, &'static str> {
    if raw.len() > MAX_PATH_BYTES {
        return Err("too long");
    }
    if !raw.starts_with('/') {
        return Err("not an absolute path");
    }
    let mut segments = Vec::new();
    for segment in raw.split('/').filter(|s| !s.is_empty()) {
        let decoded = percent_decode_str(segment)
            .decode_utf8()
            .map_err(|_| "not UTF-8")?;
        if decoded == "." || decoded == ".." {
            return Err("`.` or `..` segment");
        }
        if decoded.contains(['/', '\\']) {
            return Err("slash or backslash inside a segment");
        }
        if decoded.chars().any(char::is_control) {
            return Err("control character");
        }
        segments.push(decoded.into_owned());
    }
    Ok(SitePath {
        segments,
        trailing_slash: raw.ends_with('/'),
    })
}

#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    /// Output path of the file to send.
    File(String),
    /// `/a/b` is a folder: send the browser to `/a/b/`.
    Redirect(String),
    NotFound,
}

/// Finds the file a path names: the file itself, or a folder's `index.html`.
pub fn lookup(site: &Snapshot, path: &SitePath) -> Lookup {
    let Some(rest) = site.urls.strip_base_segments(&path.segments) else {
        // The site lives under its base path; the server root points there.
        if path.segments.is_empty() {
            return Lookup::Redirect(site.urls.home());
        }
        return Lookup::NotFound;
    };
    let joined = rest.join("/");
    if rest.is_empty() || path.trailing_slash {
        let index = if joined.is_empty() {
            "index.html".to_string()
        } else {
            format!("{joined}/index.html")
        };
        return if site.files.contains_key(&index) {
            Lookup::File(index)
        } else {
            Lookup::NotFound
        };
    }
    if site.files.contains_key(&joined) {
        return Lookup::File(joined);
    }
    if site.files.contains_key(&format!("{joined}/index.html")) {
        return Lookup::Redirect(format!("{}/", encode_segments(&path.segments)));
    }
    Lookup::NotFound
}

/// Characters that must be percent-encoded in a path segment.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'\\')
    .add(b'`')
    .add(b'{')
    .add(b'}');

fn encode_segments(segments: &[String]) -> String {
    let mut out = String::new();
    for segment in segments {
        out.push('/');
        out.extend(utf8_percent_encode(segment, SEGMENT));
    }
    out
}

/// The source file of the page at `page` (a URL path), for the overlay.
fn source_of(site: &Snapshot, page: &str) -> Option<String> {
    let path = decode_path(page).ok()?;
    match lookup(site, &path) {
        Lookup::File(rel) => site.sources.get(&rel).cloned(),
        _ => None,
    }
}

fn query_param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == name).then(|| percent_decode_str(value).decode_utf8_lossy().into_owned())
    })
}

/// `Host` is a loopback name (any port), or absent (HTTP/1.0).
fn host_is_local(host: Option<&HeaderValue>) -> bool {
    let Some(host) = host.and_then(|h| h.to_str().ok()) else {
        return host.is_none();
    };
    let name = if let Some(rest) = host.strip_prefix('[') {
        // [::1]:port
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(name, _)| name)
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn content_type(rel: &str) -> String {
    let guess = mime_guess::from_path(rel)
        .first_raw()
        .unwrap_or("application/octet-stream");
    let textual = guess.starts_with("text/")
        || matches!(
            guess,
            "application/javascript" | "application/json" | "application/xml" | "image/svg+xml"
        );
    if textual {
        format!("{guess}; charset=utf-8")
    } else {
        guess.to_string()
    }
}

fn is_html(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    lower.ends_with(".html") || lower.ends_with(".htm")
}

fn serve_file(rel: &str, bytes: &Bytes, head: bool) -> Response<ServeBody> {
    let body = if is_html(rel) {
        Bytes::from(reload::inject(bytes))
    } else {
        bytes.clone()
    };
    file_response(StatusCode::OK, &content_type(rel), body, head)
}

fn not_found(site: &Snapshot, head: bool) -> Response<ServeBody> {
    match site.files.get("404.html") {
        Some(page) => file_response(
            StatusCode::NOT_FOUND,
            "text/html; charset=utf-8",
            Bytes::from(reload::inject(page)),
            head,
        ),
        None => text(StatusCode::NOT_FOUND, "not found\n", head),
    }
}

fn file_response(
    status: StatusCode,
    content_type: &str,
    body: Bytes,
    head: bool,
) -> Response<ServeBody> {
    let length = body.len();
    let body = if head { Bytes::new() } else { body };
    let mut response = Response::new(Either::Left(Full::new(body)));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    // A preview must never show a stale page.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

fn text(status: StatusCode, message: &str, head: bool) -> Response<ServeBody> {
    file_response(
        status,
        "text/plain; charset=utf-8",
        Bytes::from(message.to_string()),
        head,
    )
}

fn redirect(location: &str, head: bool) -> Response<ServeBody> {
    let mut response = text(StatusCode::FOUND, "", head);
    match HeaderValue::from_str(location) {
        Ok(value) => {
            response.headers_mut().insert(header::LOCATION, value);
            response
        }
        Err(_) => text(StatusCode::BAD_REQUEST, "bad request path\n", head),
    }
}

fn events(hub: &Hub, source: Option<String>, head: bool) -> Response<ServeBody> {
    if head {
        return file_response(StatusCode::OK, "text/event-stream", Bytes::new(), true);
    }
    let Some(stream) = hub.subscribe(source) else {
        return text(
            StatusCode::SERVICE_UNAVAILABLE,
            "too many open event streams, or the server is stopping\n",
            false,
        );
    };
    let mut response = Response::new(Either::Right(stream));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[&str], base_path: &str) -> Snapshot {
        Snapshot {
            files: files
                .iter()
                .map(|f| (f.to_string(), Bytes::from_static(b"x")))
                .collect(),
            sources: HashMap::new(),
            urls: SiteUrls::links_under(base_path),
            stale: HashSet::new(),
            ready: None,
        }
    }

    fn find(site: &Snapshot, raw: &str) -> Lookup {
        lookup(site, &decode_path(raw).unwrap())
    }

    #[test]
    fn traversal_in_every_spelling_is_refused() {
        for raw in [
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/etc/passwd",
            "/.%2e/etc/passwd",
            "/a/%2e%2e%2f%2e%2e%2fetc/passwd",
            "/..%2fetc%2fpasswd",
            "/..%5cetc%5cpasswd",
            "/a\\..\\b",
            "/%00",
            "/a%00.html",
            "/%c0%ae%c0%ae/etc/passwd",
            "/./a",
            "/a/%0d%0aSet-Cookie:x",
        ] {
            assert!(decode_path(raw).is_err(), "{raw} was accepted");
        }
        assert!(decode_path("etc/passwd").is_err());
        assert!(decode_path(&format!("/{}", "a".repeat(MAX_PATH_BYTES))).is_err());
    }

    #[test]
    fn ordinary_paths_decode() {
        let path = decode_path("/a%20b/c.html").unwrap();
        assert_eq!(path.segments, ["a b", "c.html"]);
        assert!(!path.trailing_slash);
        // Double encoding is a literal `%2e%2e` name, looked up and not found.
        let literal = decode_path("/%252e%252e/x").unwrap();
        assert_eq!(literal.segments, ["%2e%2e", "x"]);
        assert!(decode_path("//a///b/").unwrap().trailing_slash);
    }

    #[test]
    fn folders_index_and_redirects() {
        let site = site(&["index.html", "a/b/index.html", "a/c.css"], "");
        assert_eq!(find(&site, "/"), Lookup::File("index.html".into()));
        assert_eq!(find(&site, "/a/b/"), Lookup::File("a/b/index.html".into()));
        assert_eq!(find(&site, "/a/b"), Lookup::Redirect("/a/b/".into()));
        assert_eq!(find(&site, "/a/c.css"), Lookup::File("a/c.css".into()));
        assert_eq!(find(&site, "/a/c.css/"), Lookup::NotFound);
        assert_eq!(find(&site, "/a/"), Lookup::NotFound);
        // A redirect never becomes protocol-relative (`//host`).
        assert_eq!(find(&site, "//a//b"), Lookup::Redirect("/a/b/".into()));
    }

    #[test]
    fn the_site_is_served_under_its_base_path() {
        let site = site(&["index.html", "x/index.html"], "/docs");
        assert_eq!(find(&site, "/"), Lookup::Redirect("/docs/".into()));
        assert_eq!(find(&site, "/docs/"), Lookup::File("index.html".into()));
        assert_eq!(find(&site, "/docs/x"), Lookup::Redirect("/docs/x/".into()));
        assert_eq!(find(&site, "/x/"), Lookup::NotFound);
    }

    #[test]
    fn only_local_host_names() {
        let ok = |h: &str| host_is_local(Some(&HeaderValue::from_str(h).unwrap()));
        assert!(ok("localhost:1111"));
        assert!(ok("127.0.0.1:1111"));
        assert!(ok("[::1]:1111"));
        assert!(ok("docs.localhost"));
        assert!(!ok("evil.example:1111"));
        assert!(!ok("127.0.0.1.evil.example"));
        assert!(host_is_local(None));
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("css/x.css"), "text/css; charset=utf-8");
        assert_eq!(
            content_type("search/index.json"),
            "application/json; charset=utf-8"
        );
        assert_eq!(content_type("favicon.svg"), "image/svg+xml; charset=utf-8");
        assert_eq!(content_type("a.png"), "image/png");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
    }
}
