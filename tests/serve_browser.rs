//! A real browser: headless Chromium, driven over WebDriver (chromedriver),
//! opens a page served by `handbook serve`; the test edits the Markdown and
//! the page shows the new text without anyone reloading it. Stylesheets are
//! swapped in place, and a front matter error shows as an overlay until it
//! is fixed.
//!
//! Needs `chromium` and `chromedriver` (Debian: `chromium`, `chromium-driver`).
//! Without them the test is skipped with a message, unless
//! `HANDBOOK_REQUIRE_BROWSER=1` (set in CI), where it fails.

use crate::common;
use crate::serve_support;

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use serve_support::{Server, Site};

const WAIT: Duration = Duration::from_secs(20);

fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// Chromium and chromedriver, or why the test cannot run.
fn browser() -> Result<(PathBuf, PathBuf), String> {
    let chromium = find_program(&["chromium", "chromium-browser", "google-chrome"])
        .ok_or("no chromium on PATH (Debian package `chromium`)")?;
    let driver = find_program(&["chromedriver"])
        .ok_or("no chromedriver on PATH (Debian package `chromium-driver`)")?;
    Ok((chromium, driver))
}

/// Skips the test, or fails it where a browser is required.
fn skip(why: &str) {
    common::skip(
        "HANDBOOK_REQUIRE_BROWSER",
        &format!("the browser test cannot run: {why}"),
    );
}

/// chromedriver on a free port; killed when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start(program: &PathBuf) -> Result<Driver, String> {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| e.to_string())?
            .port();
        let child = Command::new(program)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start chromedriver: {e}"))?;
        let driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + WAIT;
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                return Err("chromedriver did not start listening".into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(driver)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn connect(driver: &Driver, chromium: &PathBuf, profile: &std::path::Path) -> Client {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": [
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .expect("a WebDriver session with headless Chromium")
}

/// Polls a script in the page until it returns `true`.
async fn wait_until(client: &Client, script: &str, what: &str) {
    let deadline = Instant::now() + WAIT;
    loop {
        let result = client.execute(script, Vec::new()).await;
        if matches!(result, Ok(serde_json::Value::Bool(true))) {
            return;
        }
        if Instant::now() > deadline {
            let text = client
                .execute(
                    "return document.body ? document.body.innerText : ''",
                    Vec::new(),
                )
                .await
                .unwrap_or_default();
            panic!("timed out waiting for {what}; the page shows: {text}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_follows_edits_without_a_manual_reload() {
    let (chromium, chromedriver) = match browser() {
        Ok(found) => found,
        Err(why) => return skip(&why),
    };
    let driver = match Driver::start(&chromedriver) {
        Ok(driver) => driver,
        Err(why) => return skip(&why),
    };
    let site = Site::new();
    let server = Server::start(site.root());
    let profile = tempfile::tempdir().expect("a browser profile folder");
    let client = connect(&driver, &chromium, profile.path()).await;

    client
        .goto(&format!("http://{}/guide/alpha/", server.address))
        .await
        .expect("open the page");
    let main = client.find(Locator::Css("main")).await.expect("main");
    assert!(main
        .text()
        .await
        .unwrap_or_default()
        .contains("Original alpha text"));
    wait_until(
        &client,
        "return document.documentElement.getAttribute('data-handbook-live') === 'connected'",
        "the live-reload stream",
    )
    .await;

    // 1. Edit the Markdown: the open page shows the new text by itself.
    site.write(
        "guide/alpha.md",
        "---\ntitle: Alpha\nweight: 1\n---\nEdited while the browser watched.\n\n## Details\n",
    );
    wait_until(
        &client,
        "return document.querySelector('main').innerText.includes('Edited while the browser watched')",
        "the edited text",
    )
    .await;

    // 2. A stylesheet change swaps stylesheets in place: no reload (the
    //    page's own state survives).
    wait_until(
        &client,
        "return document.documentElement.getAttribute('data-handbook-live') === 'connected'",
        "the stream after the reload",
    )
    .await;
    client
        .execute("window.__notReloaded = true; return true", Vec::new())
        .await
        .expect("set a marker");
    site.write_root("static/css/extra.css", "body { outline: 1px solid red; }\n");
    wait_until(
        &client,
        "return !!document.querySelector('link[rel=stylesheet][href*=\"handbook-reload\"]')",
        "swapped stylesheets",
    )
    .await;
    let kept = client
        .execute("return window.__notReloaded === true", Vec::new())
        .await
        .expect("read the marker");
    assert_eq!(kept, json!(true), "a CSS change must not reload the page");

    // 3. Broken front matter: an overlay names the file; fixing it removes
    //    the overlay and shows the fixed page.
    site.write("guide/alpha.md", "---\ntitle: [oops\n---\nBroken.\n");
    wait_until(
        &client,
        "var o = document.getElementById('handbook-overlay'); \
         return !!o && o.innerText.includes('guide/alpha.md') && o.innerText.includes('invalid YAML')",
        "the error overlay",
    )
    .await;
    site.write(
        "guide/alpha.md",
        "---\ntitle: Alpha\nweight: 1\n---\nFixed and shown.\n\n## Details\n",
    );
    wait_until(
        &client,
        "return !document.getElementById('handbook-overlay') && \
         document.querySelector('main').innerText.includes('Fixed and shown')",
        "the overlay to go and the fixed text",
    )
    .await;

    client.close().await.expect("close the browser");
}
