//! Edit-to-reload latency of `handbook serve`: the time from a page's file
//! being saved until the reload event reaches a browser's event stream.
//!
//! It copies a content folder to a temporary folder (the source is never
//! touched), starts `handbook serve` on it, subscribes to the event stream as
//! the live-reload script does, then edits one page again and again:
//! its body (the common case: only that page is rendered again) and its
//! title (the navigation of other pages changes too).
//!
//! ```text
//! cargo build --release && cargo run --release --example serve-latency -- \
//!     --content ../shared/corpus/gitlab-handbook --base-url https://about.gitlab.com
//! ```
//! `bench/serve-latency.sh` does exactly that.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Args {
    content: PathBuf,
    base_url: String,
    page: String,
    runs: usize,
    binary: PathBuf,
    /// An author typing: a save this often (once the last one is served),
    /// without waiting for the rebuild's second pass. 0: wait for quiet
    /// between edits.
    interval_ms: u64,
}

fn parse_args() -> Args {
    let exe = std::env::current_exe().unwrap_or_default();
    // target/release/examples/serve-latency -> target/release/handbook
    let default_binary = exe
        .parent()
        .and_then(Path::parent)
        .map(|dir| dir.join("handbook"))
        .unwrap_or_default();
    let mut args = Args {
        content: PathBuf::from("../shared/corpus/gitlab-handbook"),
        base_url: "https://about.gitlab.com".into(),
        page: "handbook/values/index.html.md".into(),
        runs: 20,
        binary: default_binary,
        interval_ms: 0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_default();
        match flag.as_str() {
            "--content" => args.content = value.into(),
            "--base-url" => args.base_url = value,
            "--page" => args.page = value,
            "--runs" => args.runs = value.parse().unwrap_or(args.runs),
            "--binary" => args.binary = value.into(),
            "--interval-ms" => args.interval_ms = value.parse().unwrap_or(0),
            other => {
                eprintln!("unknown argument {other}");
                std::process::exit(2);
            }
        }
    }
    args
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Kills the server when the benchmark ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Reads the event stream line by line until an event named `name`;
/// returns its data.
fn wait_for_event(reader: &mut impl BufRead, name: &str) -> Option<String> {
    let wanted = format!("event: {name}");
    let mut line = String::new();
    let mut found = false;
    loop {
        line.clear();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let trimmed = line.trim_end();
        if found {
            if let Some(data) = trimmed.strip_prefix("data: ") {
                return Some(data.to_string());
            }
        }
        found = trimmed == wanted;
    }
}

fn get(address: &str, path: &str) -> String {
    let Ok(mut stream) = TcpStream::connect(address) else {
        return String::new();
    };
    let _ = write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    );
    let mut text = String::new();
    let _ = stream.read_to_string(&mut text);
    text
}

/// The URL of a page from its content path (`sales/a.md` is `/sales/a/`).
fn page_url(rel: &str) -> String {
    let stem = rel
        .trim_start_matches("./")
        .trim_end_matches(".md")
        .trim_end_matches(".html")
        .trim_end_matches("index")
        .trim_end_matches("_index")
        .trim_end_matches('/');
    if stem.is_empty() {
        "/".into()
    } else {
        format!("/{stem}/")
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn summary(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name:<28} n={:<3} min {:>6.1} ms  median {:>6.1} ms  p90 {:>6.1} ms  max {:>6.1} ms",
        samples.len(),
        ms(percentile(&samples, 0.0)),
        ms(percentile(&samples, 0.5)),
        ms(percentile(&samples, 0.9)),
        ms(percentile(&samples, 1.0)),
    );
}

fn main() {
    let args = parse_args();
    if !args.content.is_dir() {
        eprintln!("no content folder at {}", args.content.display());
        std::process::exit(2);
    }
    if !args.binary.is_file() {
        eprintln!(
            "no handbook binary at {}; run `cargo build --release` first",
            args.binary.display()
        );
        std::process::exit(2);
    }
    let temp = tempfile::tempdir().expect("a temporary folder");
    let content = temp.path().join("content");
    copy_tree(&args.content, &content).expect("copy the content");
    let page_path = content.join(&args.page);
    let original = std::fs::read_to_string(&page_path).unwrap_or_else(|e| {
        eprintln!("cannot read {}: {e}", page_path.display());
        std::process::exit(2);
    });

    let started = Instant::now();
    let mut child = Command::new(&args.binary)
        .args([
            "serve",
            "--quiet",
            "--port",
            "0",
            "--base-url",
            &args.base_url,
        ])
        .arg("--root")
        .arg(temp.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start handbook serve");
    let stdout = child.stdout.take().expect("stdout");
    let server = Server(child);
    let mut first = String::new();
    let _ = BufReader::new(stdout).read_line(&mut first);
    let Some(url) = first.split_whitespace().find(|w| w.starts_with("http://")) else {
        eprintln!("handbook serve did not start: {first}");
        std::process::exit(1);
    };
    let address = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap_or_default()
        .to_string();
    let pages = first.split_whitespace().nth(1).unwrap_or("?").to_string();
    println!(
        "handbook serve: {pages} pages built and serving in {:.2} s",
        started.elapsed().as_secs_f64()
    );

    let mut events = TcpStream::connect(&address).expect("connect to the event stream");
    let _ = write!(
        events,
        "GET /__handbook/events HTTP/1.1\r\nHost: {address}\r\n\r\n"
    );
    let _ = events.set_read_timeout(Some(Duration::from_secs(20)));
    let mut events = BufReader::new(events);
    wait_for_event(&mut events, "hello").expect("the hello event");

    let (front, body) = split_front_matter(&original);
    if args.interval_ms > 0 {
        typing(&args, &address, &page_path, front, body, &mut events);
        let _ = std::fs::write(&page_path, &original);
        drop(server);
        return;
    }
    let mut front = front.to_string();
    let mut body_edits = Vec::new();
    let mut title_edits = Vec::new();
    let mut first_reload = None;
    for run in 0..args.runs {
        // Body: a new paragraph at the end; the front matter stays.
        let marker = format!("Latency probe {run}.");
        let text = format!("{front}{body}\n\n{marker}\n");
        let saved = save(&page_path, &text);
        let data = wait_for_event(&mut events, "reload").expect("a reload event");
        body_edits.push(saved.elapsed());
        first_reload.get_or_insert(data);
        settle(&mut events);

        // Title: the page's title shows in other pages' navigation.
        front = retitle(&front, &format!("Latency title {run}"));
        let saved = save(&page_path, &format!("{front}{body}\n\n{marker}\n"));
        wait_for_event(&mut events, "reload").expect("a reload event");
        title_edits.push(saved.elapsed());
        settle(&mut events);
        if run == 0 {
            let page = get(&address, "/handbook/values/");
            if !page.contains(&marker) {
                eprintln!("warning: the served page does not show the edit");
            }
        }
    }
    let _ = std::fs::write(&page_path, &original);
    println!(
        "first reload event after a body edit: {}",
        first_reload.unwrap_or_default()
    );
    summary("edit body of one page", body_edits);
    summary("edit title of one page", title_edits);
    drop(server);
}

/// Saves a new paragraph every `interval_ms` (the next once the last one is
/// served), as an author typing does, while second passes may still run.
fn typing(
    args: &Args,
    address: &str,
    page_path: &Path,
    front: &str,
    body: &str,
    events: &mut BufReader<TcpStream>,
) {
    let interval = Duration::from_millis(args.interval_ms);
    let url = page_url(&args.page);
    let mut text = format!("{front}{body}");
    let mut served = Vec::new();
    for run in 0..args.runs {
        let word = format!("typingprobe{run}x");
        text.push_str(&format!("\n\nA new word: {word}.\n"));
        let saved = save(page_path, &text);
        // A reload event of the last save's second pass may come first:
        // the edit is served when the page shows the new word.
        loop {
            wait_for_event(events, "reload").expect("a reload event");
            if get(address, &url).contains(&word) {
                break;
            }
            if saved.elapsed() > Duration::from_secs(30) {
                eprintln!("{url} did not show the edit 30 s after the save");
                std::process::exit(1);
            }
        }
        served.push(saved.elapsed());
        if let Some(rest) = interval.checked_sub(saved.elapsed()) {
            std::thread::sleep(rest);
        }
    }
    summary(&format!("save every {} ms", args.interval_ms), served);
}

/// Waits for the end of the rebuild (its second pass may run on after the
/// reload), then drops whatever else comes, so that the next edit starts
/// from quiet.
fn settle(events: &mut BufReader<TcpStream>) {
    wait_for_event(events, "built");
    let quiet = Duration::from_millis(200);
    let _ = events.get_ref().set_read_timeout(Some(quiet));
    let mut line = String::new();
    loop {
        line.clear();
        match events.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
    }
    let _ = events
        .get_ref()
        .set_read_timeout(Some(Duration::from_secs(20)));
}

/// Writes the file and returns when the write finished: "saved".
fn save(path: &Path, text: &str) -> Instant {
    std::fs::write(path, text).expect("write the page");
    Instant::now()
}

fn split_front_matter(text: &str) -> (&str, &str) {
    if let Some(rest) = text.strip_prefix("---\n") {
        if let Some(end) = rest.find("\n---\n") {
            let cut = 4 + end + 5;
            return (&text[..cut], &text[cut..]);
        }
    }
    ("", text)
}

fn retitle(front: &str, title: &str) -> String {
    if front.is_empty() {
        return format!("---\ntitle: {title}\n---\n");
    }
    let mut out = String::new();
    let mut replaced = false;
    for line in front.lines() {
        if line.starts_with("title:") && !replaced {
            out.push_str(&format!("title: {title}\n"));
            replaced = true;
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    if !replaced {
        out = out.replacen("---\n", &format!("---\ntitle: {title}\n"), 1);
    }
    out
}
