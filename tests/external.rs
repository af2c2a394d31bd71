//! `handbook check --external` against a local HTTP server on 127.0.0.1: no
//! internet needed. The server counts every request, so the tests can see
//! retries, the HEAD-to-GET fallback, the per-host limit and the cache.

use crate::common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Requests seen, by "METHOD /path", and the most requests to `/slowish/`
/// in flight at once.
#[derive(Default)]
struct Seen {
    hits: Mutex<HashMap<String, usize>>,
    slowish_now: AtomicUsize,
    slowish_max: AtomicUsize,
}

impl Seen {
    fn hits(&self, key: &str) -> usize {
        self.hits
            .lock()
            .map(|h| h.get(key).copied().unwrap_or(0))
            .unwrap_or(0)
    }
    fn total(&self, path: &str) -> usize {
        self.hits(&format!("HEAD {path}")) + self.hits(&format!("GET {path}"))
    }
}

struct Server {
    port: u16,
    seen: Arc<Seen>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("address").port();
        let seen = Arc::new(Seen::default());
        let shared = Arc::clone(&seen);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let seen = Arc::clone(&shared);
                std::thread::spawn(move || serve(stream, &seen));
            }
        });
        Server { port, seen }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

fn serve(stream: TcpStream, seen: &Seen) {
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) | Err(_) => break,
            Ok(_) if header == "\r\n" || header == "\n" => break,
            Ok(_) => {}
        }
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("").to_string();
    let count = {
        let mut hits = seen.hits.lock().expect("hits");
        let n = hits.entry(format!("{method} {path}")).or_insert(0);
        *n += 1;
        // Requests to this path so far, whatever the method.
        hits.iter()
            .filter(|(k, _)| k.ends_with(&format!(" {path}")))
            .map(|(_, v)| *v)
            .sum::<usize>()
    };
    let (status, headers): (&str, Vec<String>) = match path.as_str() {
        "/ok" | "/ignored" => ("200 OK", vec![]),
        "/missing" => ("404 Not Found", vec![]),
        "/r1" => ("301 Moved Permanently", vec!["Location: /r2".into()]),
        "/r2" => ("301 Moved Permanently", vec!["Location: /r3".into()]),
        "/r3" => ("302 Found", vec!["Location: /ok".into()]),
        p if p.starts_with("/loop/") => {
            let n: usize = p[6..].parse().unwrap_or(0);
            (
                "301 Moved Permanently",
                vec![format!("Location: /loop/{}", n + 1)],
            )
        }
        "/slow" => {
            std::thread::sleep(Duration::from_secs(4));
            ("200 OK", vec![])
        }
        "/busy" if count == 1 => ("429 Too Many Requests", vec!["Retry-After: 1".into()]),
        "/busy" => ("200 OK", vec![]),
        "/flaky" if count == 1 => ("503 Service Unavailable", vec![]),
        "/flaky" => ("200 OK", vec![]),
        "/head-refused" if method == "HEAD" => ("405 Method Not Allowed", vec![]),
        "/head-refused" => ("200 OK", vec![]),
        p if p.starts_with("/slowish/") => {
            let now = seen.slowish_now.fetch_add(1, Ordering::SeqCst) + 1;
            seen.slowish_max.fetch_max(now, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(300));
            seen.slowish_now.fetch_sub(1, Ordering::SeqCst);
            ("200 OK", vec![])
        }
        _ => ("404 Not Found", vec![]),
    };
    let mut response = format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n");
    for h in headers {
        response.push_str(&h);
        response.push_str("\r\n");
    }
    response.push_str("\r\n");
    let mut stream = stream;
    let _ = stream.write_all(response.as_bytes());
}

const SITE_TOML: &str = r#"
title = "External"
base_url = "https://docs.example.com"

[links]
external_ignore = ["/ignored$"]

[links.external]
timeout_secs = 1
retries = 1
max_redirects = 5
concurrency = 8
per_host = 2
cache_ttl_hours = 1
"#;

/// The page, with each link on its own line: line numbers are asserted.
fn page(server: &Server) -> String {
    let mut text = String::from("---\ntitle: Links\n---\n# Links\n\n"); // lines 1-5
    let lines = [
        format!("[ok]({})", server.url("/ok")),                    // 6
        format!("[missing]({})", server.url("/missing")),          // 7
        format!("[chain]({})", server.url("/r1")),                 // 8
        format!("[loop]({})", server.url("/loop/0")),              // 9
        format!("[slow]({})", server.url("/slow")),                // 10
        format!("[busy]({})", server.url("/busy")),                // 11
        format!("[flaky]({})", server.url("/flaky")),              // 12
        format!("[head]({})", server.url("/head-refused")),        // 13
        format!("[ignored]({})", server.url("/ignored")),          // 14
        format!("Again: <{}#part>", server.url("/missing")),       // 15
        format!("<a href=\"{}\">raw</a>", server.url("/missing")), // 16
    ];
    for line in lines {
        text.push_str(&line);
        text.push('\n');
    }
    text
}

fn check_json(site: &std::path::Path) -> (i32, Value) {
    let output = common::handbook()
        .env_remove("http_proxy")
        .env_remove("HTTP_PROXY")
        .env_remove("https_proxy")
        .env_remove("HTTPS_PROXY")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .args(["check", "--external", "--format", "json", "--root"])
        .arg(site)
        .output()
        .expect("run handbook");
    let json: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().unwrap_or(-1), json)
}

/// (line, column, reason) of every broken link, with the message.
fn broken(json: &Value) -> Vec<(u64, u64, String, String)> {
    json["broken"]
        .as_array()
        .expect("broken is a list")
        .iter()
        .map(|b| {
            (
                b["line"].as_u64().unwrap_or(0),
                b["column"].as_u64().unwrap_or(0),
                b["reason"].as_str().unwrap_or("").to_string(),
                b["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn external_links_are_fetched_retried_cached_and_reported_in_place() {
    let server = Server::start();
    let site = common::site(&[
        ("site.toml", SITE_TOML),
        ("content/index.md", &page(&server)),
    ]);

    let started = Instant::now();
    let (code, json) = check_json(site.path());
    let first_run = started.elapsed();
    assert_eq!(code, 1, "broken external links fail the check: {json}");
    let found = broken(&json);
    let at: Vec<(u64, u64, &str)> = found
        .iter()
        .map(|(l, c, r, _)| (*l, *c, r.as_str()))
        .collect();
    assert_eq!(
        at,
        [
            (7, 11, "external"),
            (9, 8, "external"),
            (10, 8, "external"),
            (15, 9, "external"),
            (16, 10, "external"),
        ],
        "{found:#?}"
    );
    assert!(found[0].3.contains("404"), "{}", found[0].3);
    assert!(
        found[1].3.contains("redirects more than 5 times"),
        "{}",
        found[1].3
    );
    assert!(found[2].3.contains("timed out"), "{}", found[2].3);
    assert!(found[2].3.contains("tried 2 times"), "{}", found[2].3);

    let seen = &server.seen;
    // One fetch per URL, however many links point at it.
    assert_eq!(seen.total("/missing"), 2, "HEAD then GET, once for 3 links");
    // The chain was followed to its end.
    assert_eq!(seen.total("/r3"), 1);
    assert!(
        seen.total("/ok") >= 2,
        "linked directly and at the end of the chain"
    );
    // 429 then 200: retried after Retry-After, and it works.
    assert_eq!(seen.total("/busy"), 2);
    assert!(
        first_run >= Duration::from_secs(1),
        "Retry-After: 1 was honoured"
    );
    // 503 then 200: retried.
    assert_eq!(seen.total("/flaky"), 2);
    // HEAD refused, GET works.
    assert_eq!(seen.hits("HEAD /head-refused"), 1);
    assert_eq!(seen.hits("GET /head-refused"), 1);
    // external_ignore: never fetched.
    assert_eq!(seen.total("/ignored"), 0);
    // The timeout was retried once (retries = 1).
    assert_eq!(seen.total("/slow"), 2);

    // The cache: definite answers are not fetched again; timeouts are.
    let cache = site.path().join(".handbook-cache/external.json");
    assert!(cache.is_file(), "the cache is written under the site root");
    let ok_before = seen.total("/ok");
    let missing_before = seen.total("/missing");
    let (code, json) = check_json(site.path());
    assert_eq!(code, 1);
    assert_eq!(broken(&json), found, "the cached run reports the same");
    assert_eq!(
        seen.total("/ok"),
        ok_before,
        "a working URL comes from the cache"
    );
    assert_eq!(seen.total("/missing"), missing_before, "so does a 404");
    assert_eq!(seen.total("/slow"), 4, "a timeout is tried again");
}

#[test]
fn the_cache_ttl_expires_and_the_cache_can_be_turned_off() {
    let server = Server::start();
    let toml = "base_url = \"https://docs.example.com\"\n[links.external]\ncache = \"ci-cache/links.json\"\ncache_ttl_hours = 0\n";
    let text = format!("[ok]({})\n", server.url("/ok"));
    let site = common::site(&[("site.toml", toml), ("content/index.md", &text)]);
    let (code, _) = check_json(site.path());
    assert_eq!(code, 0);
    assert!(
        site.path().join("ci-cache/links.json").is_file(),
        "configurable cache path"
    );
    let (code, _) = check_json(site.path());
    assert_eq!(code, 0);
    assert_eq!(server.seen.total("/ok"), 2, "a zero TTL trusts nothing");

    let toml = "base_url = \"https://docs.example.com\"\n[links.external]\ncache = \"\"\n";
    let site = common::site(&[("site.toml", toml), ("content/index.md", &text)]);
    let (code, _) = check_json(site.path());
    assert_eq!(code, 0);
    assert!(
        !site.path().join(".handbook-cache").exists(),
        "no cache when turned off"
    );
}

#[test]
fn requests_to_one_host_are_limited() {
    let server = Server::start();
    let mut text = String::new();
    for i in 0..8 {
        text.push_str(&format!(
            "[s{i}]({})\n\n",
            server.url(&format!("/slowish/{i}"))
        ));
    }
    let toml = "base_url = \"https://docs.example.com\"\n[links.external]\nconcurrency = 8\nper_host = 2\ncache = \"\"\n";
    let site = common::site(&[("site.toml", toml), ("content/index.md", &text)]);
    let started = Instant::now();
    let (code, json) = check_json(site.path());
    assert_eq!(code, 0, "{json}");
    let max = server.seen.slowish_max.load(Ordering::SeqCst);
    assert_eq!(max, 2, "two requests at a time to one host, and no more");
    // 8 requests of 300 ms, two at a time.
    assert!(started.elapsed() >= Duration::from_millis(1100));
}

#[test]
fn without_external_nothing_is_fetched() {
    let server = Server::start();
    let text = format!("[missing]({})\n", server.url("/missing"));
    let site = common::site(&[
        ("site.toml", "base_url = \"https://docs.example.com\"\n"),
        ("content/index.md", &text),
    ]);
    common::handbook()
        .args(["check", "--root"])
        .arg(site.path())
        .assert()
        .success();
    assert_eq!(server.seen.total("/missing"), 0);
}
