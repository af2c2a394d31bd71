//! `handbook review`: prints the reviews overdue and due soon in the format
//! asked for, and decides the exit code (0, or 1 for errors in the fields
//! and, under `--strict` or `[review] overdue = "error"`, overdue reviews).

use super::{
    load_config, print_diagnostic, print_report, ReviewArgs, EXIT_CONTENT, EXIT_OK, EXIT_USAGE,
};
use crate::check::{self, Format};
use crate::diagnostics::Report;
use crate::review::{self, ReviewOptions};

pub(super) fn run_review(args: ReviewArgs) -> i32 {
    let config = match load_config(&args.site, None, args.today) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let options = ReviewOptions {
        owner: args.owner.clone(),
        due_within: args.due_within,
        strict: args.strict,
    };
    let result = match review::review(&config, &options) {
        Ok(result) => result,
        Err(review::UnknownOwner(d)) => {
            print_diagnostic(&d);
            return EXIT_USAGE;
        }
    };
    match args.format {
        Format::Human => {
            let mut report = Report {
                diagnostics: result.field_diagnostics().to_vec(),
            };
            report.extend(result.diagnostics());
            report.sort();
            print_report(&report);
            if !result.without_owner.is_empty() {
                eprintln!(
                    "{} page(s) without an owner: {}",
                    result.without_owner.len(),
                    result.without_owner.join(", ")
                );
            }
            for p in &result.unmatched_patterns {
                eprintln!(
                    "{}:{}: CODEOWNERS pattern `{}` matches no page",
                    p.file, p.line, p.pattern
                );
            }
            if !args.site.quiet {
                let window = args.due_within.unwrap_or(config.review.due_within);
                eprintln!(
                    "Reviewed {} pages on {}: {} review(s) overdue, {} due within {}, {} page(s) without an owner",
                    result.loaded.content.pages.len(),
                    config.today,
                    result.overdue(),
                    result.due_soon(),
                    window.describe(),
                    result.without_owner.len(),
                );
            }
        }
        Format::Json => println!("{}", review::to_json(&result)),
        Format::Junit => print!("{}", review::to_junit(&result)),
        Format::Codequality => {
            let prefix = check::repository_relative(&config.content_dir);
            println!("{}", review::to_codequality(&result, &prefix))
        }
    }
    if result.failed() {
        EXIT_CONTENT
    } else {
        EXIT_OK
    }
}
