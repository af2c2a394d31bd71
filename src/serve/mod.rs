//! `handbook serve`: a live preview that rebuilds what an edit changed and
//! tells open browsers.
//!
//! ```text
//!  watcher ──paths──► rebuild thread ──Snapshot (ArcSwap)──► HTTP (tokio/hyper)
//!  (watch.rs)         (workspace.rs)  ──events (reload.rs)──► open tabs
//! ```
//!
//! The site is built into memory once; the rebuild thread owns it and applies
//! each batch of file changes ([`workspace`]), then swaps the served snapshot
//! whole, so a request sees the previous site or the new one, never a
//! half-built one. The user's output folder is never read or written.

pub mod connections;
pub mod http;
pub mod reload;
pub mod watch;
pub mod workspace;

use std::collections::HashSet;
use std::io::Write as _;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Instant;

use crate::config::Overrides;
use crate::diagnostics::{render_human, Diagnostic, Severity};
use http::Shared;
use reload::OverlayItem;
use watch::Watcher;
use workspace::Workspace;

/// The port used when none is given; when it is taken the next free one is.
pub const DEFAULT_PORT: u16 = 1111;
/// How many ports after the default are tried.
const PORT_ATTEMPTS: u16 = 20;
/// At startup, warnings are listed one by one only up to this many.
const STARTUP_WARNINGS_SHOWN: usize = 20;

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub overrides: Overrides,
    pub bind: IpAddr,
    /// `None`: [`DEFAULT_PORT`], or the next free port. `Some(0)`: any free port.
    pub port: Option<u16>,
    pub open: bool,
    pub quiet: bool,
    /// Whether the terminal shows colours.
    pub color: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("{}", .0.message)]
    Setup(Diagnostic),
    #[error("port {port} on {bind} is already in use")]
    PortInUse { bind: IpAddr, port: u16 },
    #[error("no free port between {first} and {last} on {bind}")]
    NoFreePort { bind: IpAddr, first: u16, last: u16 },
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot watch the site's files for changes: {0}")]
    Watch(#[from] notify::Error),
    #[error("cannot start the server: {0}")]
    Runtime(std::io::Error),
}

impl ServeError {
    pub fn to_diagnostic(&self) -> Diagnostic {
        let d = match self {
            ServeError::Setup(d) => return d.clone(),
            other => Diagnostic::error("serve", other.to_string()),
        };
        match self {
            ServeError::PortInUse { .. } | ServeError::NoFreePort { .. } => d.with_help(
                "stop the other server, pass another --port, or --port 0 for any free port",
            ),
            ServeError::Watch(_) => d.with_help(
                "on Linux, raise fs.inotify.max_user_watches (sysctl) if the limit was reached",
            ),
            _ => d,
        }
    }
}

/// Builds the site, serves it until Ctrl-C, and rebuilds on every change.
pub fn serve(options: &ServeOptions) -> Result<(), ServeError> {
    let started = Instant::now();
    let workspace =
        Workspace::open(&options.root, &options.overrides).map_err(ServeError::Setup)?;
    let built_in = started.elapsed();
    print_startup_diagnostics(&workspace, options);

    let listener = bind(options)?;
    let address = listener.local_addr().map_err(ServeError::Runtime)?;
    let shared = Arc::new(Shared::new(workspace.snapshot(), options.bind));
    shared.hub.set_diagnostics(overlay_items(&workspace));
    let (watcher, changes) = Watcher::start(workspace.layout())?;

    let url = workspace
        .urls()
        .home_at(&format!("http://{}", display_address(address)));
    // The address goes to stdout, alone on its line, for scripts and tests.
    println!("Serving {} pages at {url}", workspace.page_count());
    let _ = std::io::stdout().flush();
    if !options.quiet {
        eprintln!(
            "Built in {:.2}s; watching {} for changes. Press Ctrl-C to stop.",
            built_in.as_secs_f64(),
            workspace.layout().content.display()
        );
    }
    if !options.bind.is_loopback() {
        eprintln!(
            "warning: serving on {address}: anyone who can reach this machine can read the \
             preview, and the Host check that guards localhost is off. Use --bind 127.0.0.1 \
             unless you mean to share it."
        );
    }
    if options.open {
        if let Err(e) = opener::open(&url) {
            eprintln!("Could not open a browser ({e}); open {url} yourself.");
        }
    }

    let rebuild_shared = Arc::clone(&shared);
    let reporter = Reporter::new(&workspace, options);
    std::thread::Builder::new()
        .name("handbook-rebuild".into())
        .spawn(move || rebuild_loop(workspace, watcher, changes, &rebuild_shared, reporter))
        .map_err(ServeError::Runtime)?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("handbook-http")
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    runtime.block_on(async {
        listener
            .set_nonblocking(true)
            .map_err(ServeError::Runtime)?;
        let listener = tokio::net::TcpListener::from_std(listener).map_err(ServeError::Runtime)?;
        http::run(listener, shared, shutdown_signal()).await;
        Ok::<(), ServeError>(())
    })?;
    // Do not wait for a rebuild in progress: it only touches memory.
    runtime.shutdown_background();
    if !options.quiet {
        eprintln!("Stopped.");
    }
    Ok(())
}

/// Binds the port asked for; without one, the default or the next free one.
fn bind(options: &ServeOptions) -> Result<TcpListener, ServeError> {
    let in_use = |e: &std::io::Error| e.kind() == std::io::ErrorKind::AddrInUse;
    if let Some(port) = options.port {
        let addr = SocketAddr::new(options.bind, port);
        return TcpListener::bind(addr).map_err(|source| {
            if in_use(&source) {
                ServeError::PortInUse {
                    bind: options.bind,
                    port,
                }
            } else {
                ServeError::Bind { addr, source }
            }
        });
    }
    let last = DEFAULT_PORT + PORT_ATTEMPTS - 1;
    for port in DEFAULT_PORT..=last {
        let addr = SocketAddr::new(options.bind, port);
        match TcpListener::bind(addr) {
            Ok(listener) => {
                if port != DEFAULT_PORT {
                    eprintln!("Port {DEFAULT_PORT} is in use; using port {port} instead.");
                }
                return Ok(listener);
            }
            Err(e) if in_use(&e) => continue,
            Err(source) => return Err(ServeError::Bind { addr, source }),
        }
    }
    Err(ServeError::NoFreePort {
        bind: options.bind,
        first: DEFAULT_PORT,
        last,
    })
}

/// The address as bound: `0.0.0.0:1111` stays what it is, so the reader
/// sees that the preview is open to the network.
fn display_address(address: SocketAddr) -> String {
    address.to_string()
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Applies every batch of changes, publishes the result and tells the tabs.
fn rebuild_loop(
    mut workspace: Workspace,
    mut watcher: Watcher,
    changes: mpsc::Receiver<Vec<PathBuf>>,
    shared: &Shared,
    mut reporter: Reporter,
) {
    let mut version = 0;
    // Saves that arrived while a second pass ran: they stopped it.
    let newer = std::cell::RefCell::new(Vec::<PathBuf>::new());
    // Requests for files a stopped second pass would have changed wait
    // until a second pass finishes.
    let mut waiting_for_finish: Vec<tokio::sync::watch::Sender<bool>> = Vec::new();
    loop {
        let mut paths = std::mem::take(&mut *newer.borrow_mut());
        if paths.is_empty() {
            match changes.recv() {
                Ok(batch) => paths = batch,
                Err(_) => break,
            }
        }
        // Changes that arrived during the last rebuild go in one batch.
        while let Ok(more) = changes.try_recv() {
            paths.extend(more);
        }
        paths.sort();
        paths.dedup();
        let first = workspace.apply(&paths, &shared.hub.viewed());
        if workspace.has_deferred() {
            // Publish what the open tabs need now; requests for the files
            // the second pass may change wait for it.
            let (ready, waiting) = tokio::sync::watch::channel(false);
            waiting_for_finish.push(ready);
            let mut snapshot = workspace.snapshot();
            snapshot.ready = Some(waiting);
            shared.site.store(Arc::new(snapshot));
            shared.hub.announce(&first.change);
            let saved_again = || {
                while let Ok(more) = changes.try_recv() {
                    newer.borrow_mut().extend(more);
                }
                !newer.borrow().is_empty()
            };
            let Some(second) = workspace.finish_unless(&saved_again) else {
                // A newer save: serve it first; this work joins its rebuild.
                reporter.report(&workspace, &first, None);
                continue;
            };
            shared.site.store(Arc::new(workspace.snapshot()));
            for ready in waiting_for_finish.drain(..) {
                let _ = ready.send(true);
            }
            shared.hub.announce(&second.change);
            shared.hub.set_diagnostics(overlay_items(&workspace));
            reporter.report(&workspace, &first, Some(&second));
        } else {
            if first.published || !waiting_for_finish.is_empty() {
                shared.site.store(Arc::new(workspace.snapshot()));
            }
            for ready in waiting_for_finish.drain(..) {
                let _ = ready.send(true);
            }
            shared.hub.announce(&first.change);
            shared.hub.set_diagnostics(overlay_items(&workspace));
            reporter.report(&workspace, &first, None);
        }
        version += 1;
        shared.hub.built(version);
        let _ = watcher.refresh(workspace.layout());
    }
}

fn overlay_items(workspace: &Workspace) -> Vec<OverlayItem> {
    workspace
        .diagnostics()
        .into_iter()
        .map(OverlayItem::new)
        .collect()
}

fn print_startup_diagnostics(workspace: &Workspace, options: &ServeOptions) {
    let diagnostics = workspace.diagnostics();
    let warnings = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    let mut stderr = std::io::stderr().lock();
    for d in &diagnostics {
        if d.is_error() || warnings <= STARTUP_WARNINGS_SHOWN {
            let _ = writeln!(stderr, "{}\n", render_human(d, options.color));
        }
    }
    if warnings > STARTUP_WARNINGS_SHOWN && !options.quiet {
        let _ = writeln!(
            stderr,
            "{warnings} warnings (each page shows its own in the browser; `handbook check` lists them all)"
        );
    }
}

/// Prints what each rebuild did, and the diagnostics that are new since the
/// previous one (not the same list again on every save).
struct Reporter {
    seen: HashSet<DiagnosticKey>,
    quiet: bool,
    color: bool,
    /// `HANDBOOK_SERVE_TRACE` is set: print the time of each phase.
    trace: bool,
}

type DiagnosticKey = (Option<String>, usize, usize, String);

fn key(d: &Diagnostic) -> DiagnosticKey {
    (d.file.clone(), d.line(), d.column(), d.message.clone())
}

impl Reporter {
    fn new(workspace: &Workspace, options: &ServeOptions) -> Reporter {
        Reporter {
            seen: workspace.diagnostics().into_iter().map(key).collect(),
            quiet: options.quiet,
            color: options.color,
            trace: std::env::var_os("HANDBOOK_SERVE_TRACE").is_some(),
        }
    }

    fn report(
        &mut self,
        workspace: &Workspace,
        first: &workspace::Outcome,
        second: Option<&workspace::Outcome>,
    ) {
        let now = workspace.diagnostics();
        let keys: HashSet<DiagnosticKey> = now.iter().map(|d| key(d)).collect();
        let fixed = self.seen.difference(&keys).count();
        let mut stderr = std::io::stderr().lock();
        for d in now.iter().filter(|d| !self.seen.contains(&key(d))) {
            let _ = writeln!(stderr, "{}\n", render_human(d, self.color));
        }
        self.seen = keys;
        if self.quiet || first.what.is_empty() {
            return;
        }
        let pages = |n: usize| format!("{n} page{}", if n == 1 { "" } else { "s" });
        let mut line = match second {
            Some(second) => format!(
                "Rebuilt {}: {} in {} ms, then {} more in {} ms",
                first.what,
                pages(first.rendered),
                first.elapsed.as_millis(),
                second.rendered,
                second.elapsed.as_millis()
            ),
            None if first.published => format!(
                "Rebuilt {}: {} in {} ms",
                first.what,
                pages(first.rendered),
                first.elapsed.as_millis()
            ),
            None => format!("Changed {}: nothing to rebuild", first.what),
        };
        if fixed > 0 {
            line.push_str(&format!("; {fixed} problem(s) fixed"));
        }
        let errors = now.iter().filter(|d| d.is_error()).count();
        if errors > 0 {
            line.push_str(&format!(
                "; {errors} error(s) (pages with errors keep their last good version)"
            ));
        }
        if self.trace {
            let phases: Vec<String> = first
                .phases
                .iter()
                .chain(second.map_or(&[][..], |s| &s.phases[..]))
                .map(|(name, d)| format!("{name} {:.1}", d.as_secs_f64() * 1000.0))
                .collect();
            line.push_str(&format!(" [ms: {}]", phases.join(", ")));
        }
        let _ = writeln!(stderr, "{line}");
    }
}
