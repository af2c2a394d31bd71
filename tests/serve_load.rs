//! `handbook serve` under load: `wrk` hammers a page on 127.0.0.1 for 30
//! seconds while its source is edited and rebuilt every 100 ms. Every
//! response must be a 200 with a whole page (the `</html>` end and the
//! edit marker that opens the page text both there); not one socket error.
//! The figures wrk prints (requests per second, latency percentiles) go to
//! the test's output.
//!
//! Needs `wrk` (Debian: `wrk`). Without it the test is skipped with a
//! message, unless `HANDBOOK_REQUIRE_WRK=1` (set in CI), where it fails.

mod common;
mod serve_support;

use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serve_support::{eventually, Server, Site};

/// Counts, in wrk's Lua, the responses that are not a whole page: a status
/// other than 200, no `</html>`, or the edit marker missing or cut.
const CHECK_SCRIPT: &str = r#"
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  seen = 0
  bad = 0
end
function response(status, headers, body)
  seen = seen + 1
  if status ~= 200 or not body:find("</html>", 1, true)
     or not body:find("Edit number %d+ of the load test%.") then
    bad = bad + 1
  end
end
function done(summary, latency, requests)
  local s, b = 0, 0
  for _, thread in ipairs(threads) do
    s = s + thread:get("seen")
    b = b + thread:get("bad")
  end
  io.write(string.format("handbook-check: seen=%d bad=%d\n", s, b))
end
"#;

fn wrk_available() -> Result<(), String> {
    match Command::new("wrk").arg("--version").output() {
        Ok(_) => Ok(()),
        Err(e) => Err(format!("`wrk` cannot be run ({e}); apt-get install wrk")),
    }
}

#[test]
fn pages_stay_whole_under_load_while_they_are_rebuilt() {
    if let Err(why) = wrk_available() {
        common::skip(
            "HANDBOOK_REQUIRE_WRK",
            &format!("the load test cannot run: {why}"),
        );
        return;
    }
    let site = Site::new();
    // A page of realistic size, so a torn write would show.
    let filler: String = (0..200)
        .map(|i| format!("## Part {i}\n\nThe weekly review walks the board, part {i}.\n\n"))
        .collect();
    let page = move |n: usize| {
        format!("---\ntitle: Alpha\nweight: 1\n---\nEdit number {n} of the load test.\n\n{filler}## Details\n")
    };
    site.write("guide/alpha.md", &page(0));
    let server = Server::start(site.root());
    assert!(eventually(Duration::from_secs(20), || server
        .get("/guide/alpha/")
        .body
        .contains("Edit number 0 ")));

    let script = site.root().join("check.lua");
    std::fs::write(&script, CHECK_SCRIPT).expect("write the wrk script");
    let stop = Arc::new(AtomicBool::new(false));
    let edits = Arc::new(AtomicUsize::new(0));
    let editor = {
        let (stop, edits) = (Arc::clone(&stop), Arc::clone(&edits));
        let path = site.content_path("guide/alpha.md");
        let page = page.clone();
        std::thread::spawn(move || {
            let mut n = 1;
            while !stop.load(Ordering::Relaxed) {
                // Written in place, as editors do: the server may see a
                // half-saved file and must still never serve half a page.
                let _ = std::fs::write(&path, page(n));
                edits.store(n, Ordering::Relaxed);
                n += 1;
                std::thread::sleep(Duration::from_millis(100));
            }
        })
    };
    let url = format!("http://{}/guide/alpha/", server.address);
    let output = Command::new("wrk")
        .args(["-t2", "-c32", "-d30s", "--timeout", "5s", "--latency", "-s"])
        .arg(&script)
        .arg(&url)
        .output()
        .expect("run wrk");
    stop.store(true, Ordering::Relaxed);
    let _ = editor.join();
    let report = String::from_utf8_lossy(&output.stdout).into_owned();
    eprintln!("{report}");
    assert!(output.status.success(), "wrk failed: {report}");

    let edits = edits.load(Ordering::Relaxed);
    assert!(edits > 100, "the page was edited {edits} times");
    assert!(
        !report.contains("Socket errors"),
        "no connection failed, timed out or was reset: {report}"
    );
    assert!(
        !report.contains("Non-2xx"),
        "every response was a 200: {report}"
    );
    let (seen, bad) = report
        .lines()
        .find_map(|l| l.strip_prefix("handbook-check: "))
        .and_then(|l| {
            let mut fields = l.split_whitespace().filter_map(|f| f.split_once('='));
            let seen: usize = fields.next()?.1.parse().ok()?;
            let bad: usize = fields.next()?.1.parse().ok()?;
            Some((seen, bad))
        })
        .expect("the script's counts");
    assert!(seen > 1000, "only {seen} responses in 30 s: {report}");
    assert_eq!(bad, 0, "{bad} of {seen} responses were not a whole page");
    // The server rebuilt all along and shows one of the last edits.
    let last_edit = format!("Edit number {edits} ");
    assert!(
        eventually(Duration::from_secs(10), || server
            .get("/guide/alpha/")
            .body
            .contains(&last_edit)),
        "the last edit ({edits}) reached the page:\n{}",
        server.stderr()
    );
}
