//! What of the content folder is not part of the site: the `exclude`
//! patterns (the site's, and those a detected generator declares), the
//! folders that hold tooling, and the output folder.

use std::path::PathBuf;

use crate::config::Config;
use crate::diagnostics::Diagnostic;

/// The content-relative paths `load` leaves out.
#[derive(Debug, Clone)]
pub struct Excluded {
    patterns: globset::GlobSet,
    output_dir: Option<PathBuf>,
}

impl Excluded {
    pub fn new(config: &Config, diagnostics: &mut Vec<Diagnostic>) -> Excluded {
        let mut builder = globset::GlobSetBuilder::new();
        for pattern in &config.site.exclude {
            let pattern = pattern
                .trim()
                .trim_start_matches("./")
                .trim_end_matches('/');
            // `drafts` excludes the folder and everything in it.
            for form in [pattern.to_string(), format!("{pattern}/**")] {
                match globset::Glob::new(&form) {
                    Ok(glob) => {
                        builder.add(glob);
                    }
                    Err(e) => {
                        diagnostics.push(
                            Diagnostic::warning(
                                "config",
                                format!("exclude pattern `{pattern}` is not a glob: {e}"),
                            )
                            .in_file("site.toml"),
                        );
                        break;
                    }
                }
            }
        }
        for folder in crate::config::detect::ALWAYS_EXCLUDED_FOLDERS {
            if let Ok(glob) = globset::Glob::new(&format!("**/{folder}")) {
                builder.add(glob);
            }
        }
        Excluded {
            patterns: builder
                .build()
                .unwrap_or_else(|_| globset::GlobSet::empty()),
            output_dir: config.output_dir.canonicalize().ok(),
        }
    }

    /// Whether the file `rel` (in the content folder) is left out by a
    /// pattern: `serve` asks it of a file that changed.
    pub fn file(&self, rel: &str) -> bool {
        self.patterns.is_match(rel)
    }

    /// Whether `entry` (`rel` in the content folder) is left out: by a
    /// pattern, or because it is the output folder. Only folders are
    /// resolved to compare with it (a file never is the output folder, and
    /// resolving every file was a tenth of a 50,000-page load).
    pub(super) fn contains(&self, rel: &str, entry: &walkdir::DirEntry) -> bool {
        self.file(rel)
            || (entry.file_type().is_dir()
                && self
                    .output_dir
                    .as_ref()
                    .is_some_and(|out| entry.path().canonicalize().is_ok_and(|p| &p == out)))
    }
}
