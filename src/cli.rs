//! The command line: parses arguments, runs a command, prints diagnostics,
//! and decides the exit code (0 ok, 1 content errors, 2 usage or config errors).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

mod review_command;

use crate::build::{self, BuildOptions};
use crate::check::{self, Format};
use crate::config::{Config, Overrides};
use crate::diagnostics::{render_human, Diagnostic, Report};

pub const EXIT_OK: i32 = 0;
pub const EXIT_CONTENT: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "handbook",
    version,
    about = "Build, check and preview a company handbook"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build the site into the output folder.
    Build(BuildArgs),
    /// Check every link and anchor without writing a site (the CI gate).
    Check(CheckArgs),
    /// Print the operating rhythm: every recurring activity, by cadence.
    Cadence(CadenceArgs),
    /// List the pages whose review is overdue or due soon, with their
    /// owners, and the pages without an owner (the CI gate for reviews).
    Review(ReviewArgs),
    /// Preview the site: build it in memory, serve it, and rebuild and reload
    /// the browser on every change.
    Serve(ServeArgs),
    /// Create a new handbook in DIR.
    Init {
        /// Folder to create (must not exist, or be empty).
        dir: PathBuf,
    },
}

#[derive(Args, Debug, Clone)]
pub struct SiteArgs {
    /// Folder that holds site.toml.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Content folder (overrides site.toml).
    #[arg(long)]
    pub content: Option<PathBuf>,
    /// Published URL of the site (overrides site.toml).
    #[arg(long = "base-url")]
    pub base_url: Option<String>,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Print only errors and warnings, no summary or progress.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Args, Debug)]
pub struct BuildArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Output folder (overrides site.toml; default public/).
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Treat broken links as errors.
    #[arg(long)]
    pub strict: bool,
    /// Write the site even when some pages have errors (the exit code is still 1).
    #[arg(long)]
    pub keep_going: bool,
    /// Replace an output folder that handbook did not create.
    #[arg(long)]
    pub force: bool,
    /// Build everything even when the build cache says nothing changed.
    #[arg(long)]
    pub no_cache: bool,
    /// The day reviews are due or overdue against (YYYY-MM-DD; default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<chrono::NaiveDate>,
}

#[derive(Args, Debug)]
pub struct ReviewArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Only pages this owner owns (a name, any case, or its slug).
    #[arg(long)]
    pub owner: Option<String>,
    /// How soon a review counts as due soon: 30d, 2w, 3 months
    /// (default: `[review] due_within`, else 30 days).
    #[arg(long, value_name = "INTERVAL", value_parser = parse_interval)]
    pub due_within: Option<crate::config::review::Interval>,
    /// The day to measure against (YYYY-MM-DD; default: today), so CI runs
    /// and tests are reproducible.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<chrono::NaiveDate>,
    /// Overdue reviews are errors: exit 1 when there is one (as
    /// `[review] overdue = "error"`).
    #[arg(long)]
    pub strict: bool,
}

fn parse_interval(text: &str) -> Result<crate::config::review::Interval, String> {
    crate::config::review::Interval::parse(text)
        .ok_or_else(|| format!("`{text}` is not an interval (30d, 2w, 3 months, 1 year)"))
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Also list pages that no other page links to.
    #[arg(long)]
    pub orphans: bool,
    /// Also fetch http(s) links and report the ones that do not answer
    /// (limits and the cache are in `[links.external]` of site.toml).
    #[arg(long)]
    pub external: bool,
    /// Render every page's Markdown instead of taking unchanged pages'
    /// ids, links and notes from the page cache (the last build's, or the
    /// one an earlier check kept where no build left one), and keep none.
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CadenceFormat {
    Table,
    Json,
    Ics,
}

#[derive(Args, Debug)]
pub struct CadenceArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Only activities of this cadence (weekly, bi-weekly, quarterly ...).
    #[arg(long)]
    pub every: Option<String>,
    /// Only activities this role owns.
    #[arg(long)]
    pub owner: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: CadenceFormat,
    /// Print front matter for the prose cadences (`- _Cadence: Monthly_`) of FILE.
    #[arg(long, value_name = "FILE")]
    pub suggest: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Port to listen on [default: 1111, or the next free port]; 0 picks any free port.
    #[arg(long, short)]
    pub port: Option<u16>,
    /// Address to listen on; the default only accepts connections from this computer.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Open the site in a browser.
    #[arg(long)]
    pub open: bool,
}

pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return code;
        }
    };
    run(cli)
}

pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Command::Build(args) => run_build(args),
        Command::Check(args) => run_check(args),
        Command::Cadence(args) => run_cadence(args),
        Command::Review(args) => review_command::run_review(args),
        Command::Serve(args) => run_serve(args),
        Command::Init { dir } => match crate::init::init(&dir) {
            Ok(()) => {
                eprintln!("Created a new handbook in {}.", dir.display());
                eprintln!(
                    "Preview it with: handbook serve --open --root {}",
                    dir.display()
                );
                eprintln!("Build it with:   handbook build --root {}", dir.display());
                EXIT_OK
            }
            Err(message) => {
                print_diagnostic(&Diagnostic::error("init", message));
                EXIT_USAGE
            }
        },
    }
}

fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

pub fn print_diagnostic(d: &Diagnostic) {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{}\n", render_human(d, color()));
}

pub(crate) fn print_report(report: &Report) {
    let mut stderr = std::io::stderr().lock();
    let color = color();
    for d in &report.diagnostics {
        let _ = writeln!(stderr, "{}\n", render_human(d, color));
    }
}

pub(crate) fn load_config(
    site: &SiteArgs,
    output: Option<PathBuf>,
    today: Option<chrono::NaiveDate>,
) -> Result<Config, i32> {
    let overrides = Overrides {
        content_dir: site.content.clone(),
        output_dir: output,
        base_url: site.base_url.clone(),
        drafts: site.drafts,
        today,
    };
    let config = Config::load(&site.root, &overrides).map_err(|e| {
        print_diagnostic(&e.to_diagnostic());
        EXIT_USAGE
    })?;
    if !site.quiet {
        if let Some(line) = config.detection_summary() {
            eprintln!("{line}");
        }
    }
    Ok(config)
}

fn run_build(args: BuildArgs) -> i32 {
    let config = match load_config(&args.site, args.output.clone(), args.today) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let options = BuildOptions {
        strict: args.strict,
        keep_going: args.keep_going,
        force: args.force,
        progress: !args.site.quiet && std::io::stderr().is_terminal(),
        use_cache: !args.no_cache,
        at_end: build::AtEnd::LeaveToExit,
    };
    match build::build(&config, &options) {
        Ok(mut summary) => {
            summary.report.sort();
            print_report(&summary.report);
            let errors = summary.report.errors();
            if !args.site.quiet && summary.up_to_date {
                eprintln!(
                    "Up to date: nothing the build reads changed since the last build; {} pages and {} assets in {} ({:.2}s): {} error(s), {} warning(s)",
                    summary.pages,
                    summary.assets,
                    config.output_dir.display(),
                    summary.elapsed.as_secs_f64(),
                    errors,
                    summary.report.warnings(),
                );
            } else if !args.site.quiet {
                let verb = if summary.wrote_site {
                    "Built"
                } else {
                    "Did not build"
                };
                let coverage = summary.coverage.map_or(String::new(), |c| {
                    format!(
                        "; {} review{} overdue, {} page{} without an owner",
                        c.reviews_overdue,
                        if c.reviews_overdue == 1 { "" } else { "s" },
                        c.pages_without_owner,
                        if c.pages_without_owner == 1 { "" } else { "s" },
                    )
                });
                eprintln!(
                    "{verb} {} pages and {} assets in {:.2}s: {} error(s), {} warning(s){coverage}{}",
                    summary.pages,
                    summary.assets,
                    summary.elapsed.as_secs_f64(),
                    errors,
                    summary.report.warnings(),
                    if summary.wrote_site {
                        format!(" -> {}", config.output_dir.display())
                    } else {
                        " (the previous site is untouched; --keep-going writes it anyway)".into()
                    }
                );
                if summary.wrote_site {
                    // Links in the site start at its root, so a page opened
                    // from disk finds no styles: say how to look at it.
                    eprintln!(
                        "Preview it with `handbook serve --open` (opening {} from disk shows it unstyled: its links start at the site root)",
                        config.output_dir.join("index.html").display()
                    );
                }
            }
            if errors > 0 {
                EXIT_CONTENT
            } else {
                EXIT_OK
            }
        }
        Err(e) => {
            print_diagnostic(&e.to_diagnostic());
            match e {
                build::BuildError::Output(crate::output::OutputError::Io { .. }) => EXIT_CONTENT,
                _ => EXIT_USAGE,
            }
        }
    }
}

fn run_serve(args: ServeArgs) -> i32 {
    let options = crate::serve::ServeOptions {
        root: args.site.root.clone(),
        overrides: Overrides {
            content_dir: args.site.content.clone(),
            output_dir: None,
            base_url: args.site.base_url.clone(),
            drafts: args.site.drafts,
            today: None,
        },
        bind: args.bind,
        port: args.port,
        open: args.open,
        quiet: args.site.quiet,
        color: color(),
    };
    match crate::serve::serve(&options) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            print_diagnostic(&e.to_diagnostic());
            EXIT_USAGE
        }
    }
}

fn run_check(args: CheckArgs) -> i32 {
    let config = match load_config(&args.site, None, None) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let options = check::CheckOptions {
        orphans: args.orphans,
        external: args.external,
        use_cache: !args.no_cache,
    };
    let result = check::check_with(&config, &options);
    let broken = result.broken().len();
    let errors = result.report().errors();
    match args.format {
        Format::Human => {
            let mut report = Report {
                diagnostics: result.report().diagnostics.clone(),
            };
            report.sort();
            print_report(&report);
            if args.orphans {
                for orphan in &result.orphans {
                    eprintln!("orphan: {orphan} (no other page links to it)");
                }
            }
            if !args.site.quiet {
                let links = &result.loaded.links;
                let cached = result.pages_from_cache();
                eprintln!(
                    "Checked {} links on {} pages{} in {:.2}s: {} broken, {} other error(s), {} warning(s){}",
                    links.links_checked,
                    result.pages(),
                    if cached > 0 { format!(" ({cached} unchanged, taken from the cache)") } else { String::new() },
                    result.elapsed.as_secs_f64(),
                    broken,
                    errors - broken.min(errors),
                    result.report().warnings(),
                    if args.orphans { format!(", {} orphan page(s)", result.orphans.len()) } else { String::new() }
                );
                if let Some(external) = &result.external {
                    eprintln!(
                        "External: {} URL(s), {} from the cache: {} broken link(s)",
                        external.urls, external.from_cache, external.broken_links
                    );
                }
            }
        }
        Format::Json => println!("{}", check::to_json(&result, args.orphans)),
        Format::Junit => print!("{}", check::to_junit(&result)),
        Format::Codequality => {
            let prefix = check::repository_relative(&config.content_dir);
            println!("{}", check::to_codequality(&result, &prefix))
        }
    }
    // The process ends here: freeing every page, event and index one by one
    // is a twelfth of `check`'s instructions, all on one thread, for memory
    // the exit returns at once.
    std::mem::forget(result);
    if errors > 0 {
        EXIT_CONTENT
    } else {
        EXIT_OK
    }
}

fn run_cadence(args: CadenceArgs) -> i32 {
    if let Some(file) = &args.suggest {
        return run_suggest(&args.site, file);
    }
    let config = match load_config(&args.site, None, None) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let static_paths: Vec<String> = crate::render::Theme::load(&config)
        .map(|t| t.static_files.keys().cloned().collect())
        .unwrap_or_default();
    let loaded = build::load(
        &config,
        false,
        crate::diagnostics::Severity::Warning,
        &static_paths,
        crate::markdown::AfterUse::Keep,
    );
    let rhythm = &loaded.rhythm;
    let mut report = Report {
        diagnostics: rhythm.diagnostics.clone(),
    };
    report.sort();
    print_report(&report);
    let index = &rhythm.index;
    let mut filter = crate::cadence::index::Filter::default();
    if let Some(word) = &args.every {
        match config.vocabulary.resolve(word) {
            Some(i) => filter.every = Some(config.vocabulary.get(i).key.clone()),
            None => {
                let help = match config.vocabulary.suggest(word) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("use one of: {}", config.vocabulary.keys().join(", ")),
                };
                print_diagnostic(
                    &Diagnostic::error("usage", format!("unknown cadence `{word}`"))
                        .with_help(help),
                );
                return EXIT_USAGE;
            }
        }
    }
    if let Some(wanted) = &args.owner {
        match index.find_owner(wanted) {
            Some(name) => filter.owner = Some(name.to_string()),
            None => {
                let names: Vec<&str> = index.owners().map(|(n, _)| n).collect();
                let closest = names
                    .iter()
                    .map(|n| {
                        (
                            *n,
                            strsim::jaro_winkler(&wanted.to_lowercase(), &n.to_lowercase()),
                        )
                    })
                    .filter(|(_, s)| *s >= 0.8)
                    .max_by(|a, b| a.1.total_cmp(&b.1))
                    .map(|(n, _)| n);
                let help = match closest {
                    Some(n) => format!("did you mean `{n}`?"),
                    None => format!("the owners are: {}", names.join(", ")),
                };
                print_diagnostic(
                    &Diagnostic::error("usage", format!("no activity is owned by `{wanted}`"))
                        .with_help(help),
                );
                return EXIT_USAGE;
            }
        }
    }
    let view = index.view(&filter);
    let mut stdout = std::io::stdout().lock();
    let written = match args.format {
        CadenceFormat::Table => {
            let text = crate::cadence::command::table(&view);
            write!(stdout, "{text}")
        }
        CadenceFormat::Json => {
            let text = serde_json::to_string_pretty(&view).unwrap_or_default();
            writeln!(stdout, "{text}")
        }
        CadenceFormat::Ics => {
            let name = format!("{}: operating rhythm", config.site.title);
            let info = crate::cadence::ical::FeedInfo {
                name: &name,
                description: &config.site.description,
                host: config
                    .internal_hosts
                    .first()
                    .map_or("handbook", String::as_str),
                start: index.start,
            };
            write!(
                stdout,
                "{}",
                crate::cadence::ical::calendar(&info, &view.activities)
            )
        }
    };
    if written.is_err() {
        return EXIT_OK;
    }
    if !args.site.quiet && args.format == CadenceFormat::Table {
        eprintln!(
            "{} activit{} over {} cadence(s); {} error(s), {} warning(s)",
            view.activities.len(),
            if view.activities.len() == 1 {
                "y"
            } else {
                "ies"
            },
            view.cadences.len(),
            report.errors(),
            report.warnings()
        );
    }
    if report.errors() > 0 {
        EXIT_CONTENT
    } else {
        EXIT_OK
    }
}

fn run_suggest(site: &SiteArgs, file: &std::path::Path) -> i32 {
    let settings = match Config::load_settings(&site.root) {
        Ok(s) => s,
        Err(e) => {
            print_diagnostic(&e.to_diagnostic());
            return EXIT_USAGE;
        }
    };
    let vocabulary = match crate::cadence::Vocabulary::from_config(&settings.cadence) {
        Ok(v) => v,
        Err(e) => {
            print_diagnostic(&Diagnostic::error("config", e.to_string()));
            return EXIT_USAGE;
        }
    };
    match crate::cadence::command::suggest(file, &settings, &vocabulary) {
        Ok(Some((yaml, count))) => {
            print!("{yaml}");
            if !site.quiet {
                eprintln!(
                    "{count} prose cadence(s) in {}: paste the `cadence:` block above into its front matter, then add each owner",
                    file.display()
                );
            }
            EXIT_OK
        }
        Ok(None) => {
            eprintln!(
                "no prose cadences (lines such as `- _Cadence: Monthly_`) in {}",
                file.display()
            );
            EXIT_CONTENT
        }
        Err(d) => {
            print_diagnostic(&d);
            EXIT_USAGE
        }
    }
}
