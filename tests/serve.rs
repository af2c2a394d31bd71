//! `handbook serve` end to end, on the real binary: pages are served from
//! memory, edits reach the page and the event stream, errors show and go
//! away, and the server refuses what it must.

use crate::serve_support;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use serve_support::{eventually, Server, Site};

const WAIT: Duration = Duration::from_secs(20);

#[test]
fn serves_pages_from_memory_with_the_reload_script() {
    let site = Site::new();
    let server = Server::start(site.root());
    let page = server.get("/guide/alpha/");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(page.body.contains("Original alpha text"), "{}", page.body);
    assert!(page
        .body
        .contains("<script src=\"/__handbook/live.js\" defer></script></body>"));
    assert_eq!(page.header("cache-control"), Some("no-store"));

    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert!(home.body.contains("Welcome."));

    let script = server.get("/__handbook/live.js");
    assert_eq!(script.status, 200);
    assert!(script
        .header("content-type")
        .unwrap_or_default()
        .starts_with("application/javascript"));
    assert!(script.body.contains("EventSource"));

    let css = server.get("/css/extra.css");
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert!(
        !css.body.contains("__handbook"),
        "only pages get the script"
    );
    let index = server.get("/search/index.json");
    assert_eq!(
        index.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    // Served from memory: no output folder appears.
    assert!(!site.root().join("public").exists());
}

#[test]
fn built_sites_never_contain_the_reload_script() {
    let site = Site::new();
    let out = site.root().join("public");
    assert_cmd::Command::cargo_bin("handbook")
        .unwrap()
        .args(["build", "--quiet", "--root"])
        .arg(site.root())
        .assert()
        .success();
    let page = std::fs::read_to_string(out.join("guide/alpha/index.html")).unwrap();
    assert!(page.contains("Original alpha text"));
    assert!(!page.contains("__handbook"));
}

#[test]
fn an_edit_reaches_the_page_and_the_event_stream() {
    let site = Site::new();
    let server = Server::start(site.root());
    let mut events = server.events("/guide/alpha/");
    site.write(
        "guide/alpha.md",
        "---\ntitle: Alpha\nweight: 1\n---\nEdited alpha text.\n\n## Details\n",
    );
    let reload = events
        .wait("reload", |d| d.contains("/guide/alpha/"), WAIT)
        .expect("a reload event for the page");
    assert!(!reload.contains("\"all\""), "one page, not all: {reload}");
    let page = server.get("/guide/alpha/");
    assert!(page.body.contains("Edited alpha text."), "{}", page.body);
    assert!(!page.body.contains("Original alpha text"));
    assert!(
        eventually(WAIT, || server
            .stderr()
            .contains("Rebuilt guide/alpha.md: 1 page")),
        "{}",
        server.stderr()
    );
}

#[test]
fn broken_front_matter_shows_until_fixed_and_the_last_good_page_stays() {
    let site = Site::new();
    let server = Server::start(site.root());
    let mut events = server.events("/guide/alpha/");
    site.write(
        "guide/alpha.md",
        "---\ntitle: [unclosed\nweight: 1\n---\nBroken alpha text.\n",
    );
    let overlay = events
        .wait(
            "diagnostics",
            |d| d.contains("guide/alpha.md") && d.contains("\"severity\":\"error\""),
            WAIT,
        )
        .expect("the front matter error in the event stream");
    // Where the YAML parser noticed the unclosed list.
    assert!(overlay.contains("\"line\":3"), "{overlay}");
    assert!(
        eventually(WAIT, || server
            .stderr()
            .contains("invalid YAML in front matter")),
        "the terminal shows it too: {}",
        server.stderr()
    );
    // The rest of the site, and this page's last good version, still serve.
    let page = server.get("/guide/alpha/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Original alpha text"));
    assert_eq!(server.get("/guide/beta/").status, 200);

    site.write(
        "guide/alpha.md",
        "---\ntitle: Alpha\nweight: 1\n---\nFixed alpha text.\n\n## Details\n",
    );
    events
        .wait("diagnostics", |d| d.contains("\"items\":[]"), WAIT)
        .expect("the overlay is cleared");
    assert!(eventually(WAIT, || server
        .get("/guide/alpha/")
        .body
        .contains("Fixed alpha text.")));
}

#[test]
fn renaming_a_heading_updates_the_link_diagnostics_of_pages_linking_to_it() {
    let site = Site::new();
    let server = Server::start(site.root());
    // Beta links to alpha.md#details; its tab shows its own warnings.
    let mut beta = server.events("/guide/beta/");
    site.write(
        "guide/alpha.md",
        "---\ntitle: Alpha\nweight: 1\n---\nOriginal alpha text.\n\n## Detail\n",
    );
    let overlay = beta
        .wait("diagnostics", |d| d.contains("#details"), WAIT)
        .expect("beta's link to the renamed heading is reported");
    assert!(overlay.contains("guide/beta.md"), "{overlay}");
    assert!(
        overlay.contains("#detail`"),
        "suggests the new id: {overlay}"
    );
    site.write(
        "guide/alpha.md",
        "---\ntitle: Alpha\nweight: 1\n---\nOriginal alpha text.\n\n## Details\n",
    );
    beta.wait("diagnostics", |d| d.contains("\"items\":[]"), WAIT)
        .expect("fixed again");
}

#[test]
fn pages_can_be_created_renamed_and_deleted() {
    let site = Site::new();
    let server = Server::start(site.root());
    let mut events = server.events("/guide/alpha/");
    assert_eq!(server.get("/guide/gamma/").status, 404);
    site.write(
        "guide/gamma.md",
        "---\ntitle: Gamma\nweight: 3\n---\nGamma text.\n",
    );
    events
        .wait("built", |_| true, WAIT)
        .expect("the rebuild completes");
    let gamma = server.get("/guide/gamma/");
    assert_eq!(gamma.status, 200);
    assert!(gamma.body.contains("Gamma text."));
    // Other pages' navigation lists the new page.
    assert!(server.get("/guide/alpha/").body.contains("/guide/gamma/"));

    std::fs::rename(
        site.content_path("guide/gamma.md"),
        site.content_path("guide/delta.md"),
    )
    .unwrap();
    events.wait("built", |_| true, WAIT).expect("rebuilt");
    assert!(eventually(WAIT, || server.get("/guide/gamma/").status == 404));
    assert_eq!(server.get("/guide/delta/").status, 200);
    assert!(!server.get("/guide/alpha/").body.contains("/guide/gamma/"));

    std::fs::remove_file(site.content_path("guide/delta.md")).unwrap();
    events.wait("built", |_| true, WAIT).expect("rebuilt");
    assert!(eventually(WAIT, || server.get("/guide/delta/").status == 404));
}

#[test]
fn a_title_change_updates_every_page_that_shows_it() {
    let site = Site::new();
    let server = Server::start(site.root());
    let mut events = server.events("/guide/beta/");
    site.write(
        "guide/alpha.md",
        "---\ntitle: Alpha Renamed\nweight: 1\n---\nOriginal alpha text.\n\n## Details\n",
    );
    // The page the tab shows is re-rendered in the first pass.
    events
        .wait("reload", |d| d.contains("/guide/beta/"), WAIT)
        .expect("the open tab reloads");
    assert!(server.get("/guide/beta/").body.contains("Alpha Renamed"));
    // The rest follows; requests never see the old title once it is done.
    events.wait("built", |_| true, WAIT).expect("rebuilt");
    assert!(server.get("/guide/").body.contains("Alpha Renamed"));
}

#[test]
fn a_stylesheet_change_swaps_stylesheets_without_a_reload() {
    let site = Site::new();
    let server = Server::start(site.root());
    let mut events = server.events("/guide/alpha/");
    site.write_root("static/css/extra.css", "body { color: navy; }\n");
    events.wait("css", |_| true, WAIT).expect("a css event");
    assert!(server.get("/css/extra.css").body.contains("navy"));
}

#[test]
fn a_template_change_rebuilds_everything() {
    let site = Site::new();
    let server = Server::start(site.root());
    let mut events = server.events("/guide/alpha/");
    let page_template = include_str!("../themes/default/templates/page.html");
    let marked = page_template.replacen(
        "{% block content %}",
        "{% block content %}<p>Template marker</p>",
        1,
    );
    assert_ne!(marked, page_template, "the theme has a content block");
    site.write_root("templates/page.html", &marked);
    events
        .wait(
            "reload",
            |d| d.contains("/guide/alpha/") || d.contains("\"all\""),
            WAIT,
        )
        .expect("a reload");
    assert!(server.get("/guide/alpha/").body.contains("Template marker"));
    events.wait("built", |_| true, WAIT).expect("rebuilt");
    assert!(server.get("/guide/beta/").body.contains("Template marker"));
}

#[test]
fn http_details_head_404_redirects_and_methods() {
    let site = Site::new();
    let server = Server::start(site.root());
    let get = server.get("/guide/alpha/");
    let head = server.head("/guide/alpha/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(
        head.header("content-length"),
        Some(get.body.len().to_string().as_str())
    );

    let missing = server.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(
        missing.body.contains("Page not found"),
        "the site's 404.html"
    );

    let folder = server.get("/guide/alpha?x=1");
    assert_eq!(folder.status, 302);
    assert_eq!(folder.header("location"), Some("/guide/alpha/?x=1"));

    let post = server.request(&format!(
        "POST /guide/alpha/ HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        server.address
    ));
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET, HEAD"));
}

#[test]
fn path_traversal_is_refused_in_every_spelling() {
    let site = Site::new();
    // A file next to the content that must never be served.
    site.write_root("secret.txt", "top secret");
    let server = Server::start(site.root());
    for path in [
        "/../secret.txt",
        "/guide/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/..%5csecret.txt",
        "/guide/..\\..\\secret.txt",
        "/%c0%ae%c0%ae/secret.txt",
        "/secret.txt%00.html",
        "/guide/%2e%2e%2f%2e%2e%2fsecret.txt",
    ] {
        let response = server.get(path);
        assert_eq!(response.status, 400, "{path}: {}", response.body);
        assert!(!response.body.contains("top secret"));
    }
    // Absolute paths and names outside the site are simply not in it.
    for path in ["/secret.txt", "//etc/passwd", "/etc/passwd", "/site.toml"] {
        let response = server.get(path);
        assert_eq!(response.status, 404, "{path}");
        assert!(!response.body.contains("top secret"));
    }
    let absolute_form = server.request(&format!(
        "GET http://{}/../secret.txt HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        server.address, server.address
    ));
    assert!(absolute_form.status == 400, "{absolute_form:?}");
    assert!(!absolute_form.body.contains("top secret"));
}

#[test]
fn overlong_urls_and_heads_and_foreign_hosts_are_refused() {
    let site = Site::new();
    let server = Server::start(site.root());
    let long = format!("/{}", "a".repeat(10_000));
    assert_eq!(server.get(&long).status, 414);
    // A request head beyond the limit: refused or cut off, never served.
    let huge = format!(
        "GET / HTTP/1.1\r\nHost: {}\r\nX-Filler: {}\r\nConnection: close\r\n\r\n",
        server.address,
        "b".repeat(200_000)
    );
    let response = server.request(&huge);
    assert_ne!(response.status, 200);
    // DNS rebinding: a page on another site cannot read the preview.
    let foreign =
        server.request("GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
    assert_eq!(foreign.status, 403);
    // The server still answers.
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn slow_clients_do_not_block_others_and_are_cut_off() {
    let site = Site::new();
    let server = Server::start(site.root());
    // Many clients that start a request and never finish it.
    let slow: Vec<TcpStream> = (0..200)
        .map(|_| {
            let mut s = TcpStream::connect(&server.address).expect("connect");
            let _ = s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            s
        })
        .collect();
    let started = Instant::now();
    let page = server.get("/guide/alpha/");
    assert_eq!(page.status, 200);
    assert!(started.elapsed() < Duration::from_secs(5));
    // The server closes a connection whose head does not arrive in time.
    let mut first = slow.into_iter().next().unwrap();
    first
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut buf = [0u8; 1024];
    let started = Instant::now();
    let read = first.read(&mut buf);
    assert!(
        started.elapsed() < Duration::from_secs(25),
        "the slow connection was not closed"
    );
    match read {
        // Closed, perhaps after a 408: never a page.
        Ok(n) => assert!(!String::from_utf8_lossy(&buf[..n]).contains("Welcome")),
        Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset, "{e}"),
    }
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let site = Site::new();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    assert_cmd::Command::cargo_bin("handbook")
        .unwrap()
        .args(["serve", "--port", &port, "--root"])
        .arg(site.root())
        .timeout(Duration::from_secs(60))
        .assert()
        .code(2)
        .stderr(predicates::str::contains(format!(
            "port {port} on 127.0.0.1 is already in use"
        )))
        .stderr(predicates::str::contains("--port 0"));
}

#[test]
fn ctrl_c_stops_cleanly() {
    let site = Site::new();
    let mut server = Server::start(site.root());
    let _events = server.events("/");
    let status = std::process::Command::new("kill")
        .args(["-INT", &server.pid().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(server.wait_exit(Duration::from_secs(10)), Some(0));
    assert!(server.stderr().contains("Stopped."), "{}", server.stderr());
}

/// A link made while the server runs (a branch switch that points a file at
/// a key) is judged by build's rule on every read: nothing outside the site
/// or in a hidden folder is served.
#[cfg(unix)]
#[test]
fn links_created_while_serving_publish_nothing_outside_the_site() {
    use std::os::unix::fs::symlink;
    let secret = tempfile::tempdir().unwrap();
    std::fs::write(secret.path().join("id_rsa"), "PRIVATE KEY").unwrap();
    std::fs::write(secret.path().join("passwd.md"), "# Passwd\n\nroot:x:0:0\n").unwrap();
    let site = Site::new();
    site.write_root(".env", "SECRET=1\n");
    let server = Server::start(site.root());
    let mut events = server.events("/guide/alpha/");
    symlink(secret.path().join("id_rsa"), site.content_path("img.txt")).unwrap();
    symlink(secret.path().join("passwd.md"), site.content_path("pw.md")).unwrap();
    symlink(site.root().join(".env"), site.content_path("env.txt")).unwrap();
    // A page written after the links: its rebuild is the sign they were seen.
    site.write("guide/later.md", "---\ntitle: Later\n---\nLater text.\n");
    events.wait("built", |_| true, WAIT).expect("rebuilt");
    assert!(eventually(WAIT, || server.get("/guide/later/").status == 200));
    for path in ["/img.txt", "/pw/", "/env.txt"] {
        let response = server.get(path);
        assert_eq!(response.status, 404, "{path}: {}", response.body);
        assert!(!response.body.contains("PRIVATE KEY") && !response.body.contains("root:x"));
    }
}

#[test]
fn absolute_form_targets_are_refused() {
    let site = Site::new();
    let server = Server::start(site.root());
    for target in ["http://evil.example/", "http://127.0.0.1/guide/alpha/"] {
        let response = server.request(&format!(
            "GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        ));
        assert_eq!(response.status, 400, "{target}");
    }
}

/// A client that opens connections and sends nothing cannot make a reader
/// wait: the longest idle connection makes room.
#[test]
fn idle_connections_do_not_lock_readers_out() {
    let site = Site::new();
    let server = Server::start(site.root());
    let idle: Vec<TcpStream> = (0..1_100)
        .filter_map(|_| TcpStream::connect(&server.address).ok())
        .collect();
    assert!(idle.len() > 1_024, "opened {}", idle.len());
    let started = Instant::now();
    let page = server.get("/guide/alpha/");
    assert_eq!(page.status, 200);
    // Before, the reader waited for the head timeout (10 s) of an idle one.
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "answered after {:?}",
        started.elapsed()
    );
    drop(idle);
}

#[test]
fn serving_beyond_loopback_says_so() {
    let site = Site::new();
    let server = Server::start_with(site.root(), &["--bind", "0.0.0.0"]);
    assert!(server.address.starts_with("0.0.0.0:"), "{}", server.address);
    assert!(eventually(WAIT, || server
        .stderr()
        .contains("anyone who can reach this machine")));
}
