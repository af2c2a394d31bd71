//! The default theme in a real browser: builds the sample handbook, the
//! worst-pages fixture (tests/fixtures/worst-pages) and the GitLab corpus,
//! when it is there, serves each on 127.0.0.1 with a tiny
//! static file server, and runs the Node tests in `tests/browser/` against
//! them in headless Chromium (navigation, search, TOC, dark mode, phone
//! width, axe-core, screenshots under `target/screenshots/`).
//!
//! Needs `node`, Chromium (`/usr/bin/chromium`, or `HANDBOOK_CHROMIUM`) and
//! `npm ci --prefix tests/browser`. Without them the test says what is
//! missing and passes, unless `CI=true` or `HANDBOOK_REQUIRE_BROWSER=1`,
//! where it fails.

use crate::common;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;

use percent_encoding::percent_decode_str;

/// What the browser tests need, or why they cannot run.
fn tools() -> Result<PathBuf, String> {
    let node_ok = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !node_ok {
        return Err("`node` is not installed (apt-get install nodejs npm)".into());
    }
    let chromium = std::env::var_os("HANDBOOK_CHROMIUM")
        .map(PathBuf::from)
        .or_else(|| {
            [
                "/usr/bin/chromium",
                "/usr/bin/chromium-browser",
                "/usr/bin/google-chrome",
            ]
            .iter()
            .map(PathBuf::from)
            .find(|p| p.is_file())
        })
        .ok_or("Chromium is not installed (apt-get install chromium)")?;
    let modules = common::project_root().join("tests/browser/node_modules");
    if !modules.join("playwright-core").is_dir() || !modules.join("axe-core").is_dir() {
        return Err("the test's npm packages are missing (npm ci --prefix tests/browser)".into());
    }
    Ok(chromium)
}

/// Serves `root` on 127.0.0.1 until the test process ends; returns its URL.
fn serve(root: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || answer(&root, stream));
        }
    });
    url
}

/// One request: GET or HEAD of a file; a folder serves its `index.html`, a
/// missing file the site's `404.html` with status 404.
fn answer(root: &Path, mut stream: TcpStream) {
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let decoded = percent_decode_str(path).decode_utf8_lossy().into_owned();
    let inside = !decoded.split('/').any(|s| s == "..");
    let mut file = root.join(decoded.trim_start_matches('/'));
    if file.is_dir() {
        if !decoded.ends_with('/') {
            let location = format!("{path}/");
            let _ = write!(
                stream,
                "HTTP/1.1 301 Moved Permanently\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            return;
        }
        file = file.join("index.html");
    }
    let (status, body, file) = match std::fs::read(&file) {
        Ok(body) if inside => ("200 OK", body, file),
        _ => (
            "404 Not Found",
            std::fs::read(root.join("404.html")).unwrap_or_default(),
            root.join("404.html"),
        ),
    };
    let header = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n",
        content_type(&file),
        body.len()
    );
    let _ = stream.write_all(header.as_bytes());
    if method != "HEAD" {
        let _ = stream.write_all(&body);
    }
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "xml" => "application/xml",
        _ => "application/octet-stream",
    }
}

fn build(args: &[&std::ffi::OsStr], output: &Path) {
    let status = common::handbook()
        .args(args)
        .arg("--output")
        .arg(output)
        .output()
        .expect("handbook runs");
    assert!(
        output.join("index.html").is_file(),
        "the site was not written: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

#[test]
fn the_theme_works_in_a_real_browser() {
    let chromium = match tools() {
        Ok(chromium) => chromium,
        Err(why) => {
            common::skip(
                "HANDBOOK_REQUIRE_BROWSER",
                &format!("browser tests need node and Chromium: {why}"),
            );
            return;
        }
    };
    let root = common::project_root();
    let out = tempfile::tempdir().expect("temp");
    let sample = out.path().join("sample");
    // --keep-going: the sample's links to pages another feature generates
    // must not keep the theme from being tested.
    build(
        &[
            "build".as_ref(),
            "--quiet".as_ref(),
            "--keep-going".as_ref(),
            "--root".as_ref(),
            root.as_os_str(),
        ],
        &sample,
    );
    let sample_url = serve(sample);

    let corpus_url = common::corpus().map(|corpus| {
        let site = out.path().join("corpus");
        let fixture = common::corpus_site();
        build(
            &[
                "build".as_ref(),
                "--quiet".as_ref(),
                "--no-cache".as_ref(),
                "--root".as_ref(),
                fixture.as_os_str(),
                "--content".as_ref(),
                corpus.as_os_str(),
            ],
            &site,
        );
        serve(site)
    });

    let worst = out.path().join("worst");
    let worst_fixture = root.join("tests/fixtures/worst-pages");
    build(
        &[
            "build".as_ref(),
            "--quiet".as_ref(),
            "--root".as_ref(),
            worst_fixture.as_os_str(),
        ],
        &worst,
    );
    let worst_url = serve(worst);
    let corpus_worst = corpus_url
        .as_ref()
        .map(|_| worst_pages(&out.path().join("corpus")));

    let screenshots = root.join("target/screenshots");
    std::fs::create_dir_all(&screenshots).expect("target/screenshots");
    let mut node = Command::new("node");
    node.current_dir(root.join("tests/browser"))
        .args(["--test", "--test-concurrency=1", "--test-reporter=spec"])
        .arg("reader.test.mjs")
        .arg("features.test.mjs")
        .arg("worst-pages.test.mjs")
        .arg("owners.test.mjs")
        .env("HANDBOOK_SITE_URL", &sample_url)
        .env("HANDBOOK_WORST_URL", &worst_url)
        .env("HANDBOOK_CHROMIUM", &chromium)
        .env("HANDBOOK_SCREENSHOTS", &screenshots);
    if let Some(url) = &corpus_url {
        node.env("HANDBOOK_CORPUS_URL", url);
    }
    if let Some(pages) = &corpus_worst {
        node.env("HANDBOOK_CORPUS_WORST", pages);
    }
    let result = node.output().expect("node runs");
    let stdout = String::from_utf8_lossy(&result.stdout);
    let stderr = String::from_utf8_lossy(&result.stderr);
    eprintln!("{stdout}\n{stderr}");
    assert!(
        result.status.success(),
        "browser tests failed (screenshots in {})",
        screenshots.display()
    );
}

/// The built corpus pages most likely to break in a reader's browser, as
/// JSON for tests/browser/worst-pages.test.mjs: up to three of each kind,
/// in path order: icons the page makes large (`<i class="fas fa-filter"
/// style="font-size: 5em;"/>`), Google Slides, Sheets or Forms embedded,
/// table cells coloured by the page.
fn worst_pages(site: &Path) -> String {
    let kinds = [
        (
            "icons",
            r#"<i [^>]*class="[^"]*\bfa[srb]?\b[^>]*style="[^"]*font-size:\s*([2-9]|[1-9][0-9])(\.[0-9]+)?em"#,
        ),
        (
            "embeds",
            r#"<iframe[^>]*docs\.google\.com/(presentation|spreadsheets|forms)"#,
        ),
        (
            "colours",
            r#"<t[dh][^>]*(bgcolor|style="[^"]*background)|<t[dh][^>]*>\s*<(span|font)[^>]*(background|color)"#,
        ),
    ];
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(site)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    files.sort();
    let mut found: Vec<serde_json::Value> = Vec::new();
    for (kind, pattern) in kinds {
        let pattern = regex::Regex::new(pattern).expect("a valid pattern");
        let pages = files.iter().filter_map(|file| {
            let html = std::fs::read_to_string(file).ok()?;
            let content = html.split("<div class=\"doc-content\">").nth(1)?;
            pattern.is_match(content).then(|| {
                let rel = file.strip_prefix(site).unwrap_or(file).to_string_lossy();
                format!("/{}", rel.trim_end_matches("index.html"))
            })
        });
        for path in pages.take(3) {
            found.push(serde_json::json!({ "path": path, "kind": kind }));
        }
    }
    serde_json::Value::Array(found).to_string()
}
