//! Running the real `handbook serve` binary on a small site in a temporary
//! folder, and talking to it over plain TCP: HTTP requests as written on the
//! wire, and the event stream as the live-reload script reads it.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A small handbook: a home page, a guide section with two pages (the
/// second links to an anchor of the first) and a site stylesheet.
pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    pub fn new() -> Site {
        let site = Site {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        site.write_root(
            "site.toml",
            "title = \"Test Handbook\"\nbase_url = \"https://handbook.test\"\n",
        );
        site.write(
            "index.md",
            "---\ntitle: Home\n---\nWelcome. See [the guide](guide/).\n",
        );
        site.write("guide/index.md", "---\ntitle: Guide\n---\nThe guide.\n");
        site.write(
            "guide/alpha.md",
            "---\ntitle: Alpha\nweight: 1\n---\nOriginal alpha text.\n\n## Details\n\nMore.\n",
        );
        site.write(
            "guide/beta.md",
            "---\ntitle: Beta\nweight: 2\n---\nSee [the details](alpha.md#details).\n",
        );
        site.write_root("static/css/extra.css", "body { color: black; }\n");
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a content file (relative to `content/`).
    pub fn write(&self, rel: &str, text: &str) {
        self.write_root(&format!("content/{rel}"), text);
    }

    /// Writes a file relative to the site root.
    pub fn write_root(&self, rel: &str, text: &str) {
        let path = self.dir.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    pub fn content_path(&self, rel: &str) -> PathBuf {
        self.dir.path().join("content").join(rel)
    }
}

/// A running `handbook serve`; killed when dropped.
pub struct Server {
    child: Child,
    /// `127.0.0.1:PORT`
    pub address: String,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    pub fn start(root: &Path) -> Server {
        Server::start_with(root, &[])
    }

    pub fn start_with(root: &Path, args: &[&str]) -> Server {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("handbook"))
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start handbook serve");
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&stderr);
        let pipe = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                if let Ok(mut text) = sink.lock() {
                    text.push_str(&line);
                    text.push('\n');
                }
            }
        });
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(Duration::from_secs(60)).unwrap_or_default();
        let address = line
            .split_whitespace()
            .find_map(|w| w.strip_prefix("http://"))
            .map(|rest| rest.trim_end_matches('/').to_string())
            .unwrap_or_else(|| {
                let _ = child.kill();
                panic!(
                    "handbook serve did not print its address: {line:?}\nstderr: {}",
                    stderr.lock().map(|s| s.clone()).unwrap_or_default()
                )
            });
        Server {
            child,
            address,
            stderr,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Waits for the process to end; its exit code.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<i32> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    pub fn get(&self, path: &str) -> Response {
        self.request(&format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.address
        ))
    }

    pub fn head(&self, path: &str) -> Response {
        self.request(&format!(
            "HEAD {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.address
        ))
    }

    /// Sends `raw` as is and reads the whole answer.
    pub fn request(&self, raw: &str) -> Response {
        let mut stream = TcpStream::connect(&self.address).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("timeout");
        let _ = stream.write_all(raw.as_bytes());
        let mut bytes = Vec::new();
        let _ = stream.read_to_end(&mut bytes);
        Response::parse(&bytes)
    }

    /// Opens the event stream as the tab showing `page` would.
    pub fn events(&self, page: &str) -> Events {
        let mut stream = TcpStream::connect(&self.address).expect("connect");
        let _ = write!(
            stream,
            "GET /__handbook/events?page={page} HTTP/1.1\r\nHost: {}\r\n\r\n",
            self.address
        );
        let mut events = Events {
            reader: BufReader::new(stream),
        };
        events
            .wait("hello", |_| true, Duration::from_secs(10))
            .expect("the hello event");
        events
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    fn parse(bytes: &[u8]) -> Response {
        let text = String::from_utf8_lossy(bytes);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Response {
            status,
            headers,
            body: body.to_string(),
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// An open event stream.
pub struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    /// Reads events until one named `name` whose data satisfies `wanted`;
    /// its data, or `None` after `timeout`.
    pub fn wait(
        &mut self,
        name: &str,
        wanted: impl Fn(&str) -> bool,
        timeout: Duration,
    ) -> Option<String> {
        let deadline = Instant::now() + timeout;
        let mut current = String::new();
        let mut line = String::new();
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            let _ = self
                .reader
                .get_ref()
                .set_read_timeout(Some(left.max(Duration::from_millis(1))));
            line.clear();
            match self.reader.read_line(&mut line) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(_) => {
                    if Instant::now() >= deadline {
                        return None;
                    }
                    continue;
                }
            }
            let trimmed = line.trim_end();
            if let Some(event) = trimmed.strip_prefix("event: ") {
                current = event.to_string();
            } else if let Some(data) = trimmed.strip_prefix("data: ") {
                if current == name && wanted(data) {
                    return Some(data.to_string());
                }
            }
        }
    }
}

/// Polls `check` until it holds or `timeout` passes.
pub fn eventually(timeout: Duration, mut check: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if check() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    check()
}
