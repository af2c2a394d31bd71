//! Every integration test of `handbook` but the load test, in one test
//! executable: each `tests/NAME.rs` is a module of it (`cargo test --release
//! --test suite NAME::` runs one file's tests).
//!
//! One executable instead of one for each file because each integration test
//! file is a crate of its own, optimised and linked on its own: the 28 of
//! them took 925 of the 1,293 CPU seconds of compiling this package's targets
//! for `cargo test --release`, most of it on the same library and dependency
//! code instantiated again in each. `tests/serve_load.rs` stays an
//! executable of its own: it loads the server with `wrk` for 30 seconds and
//! should not share the machine with the rest of the suite.

mod common;
mod corpus_html_support;
mod serve_support;

// Named to sort first: libtest starts tests in name order, and the browser
// test takes a minute and a half on one thread; last, it ran alone at the
// end of the suite.
#[path = "theme_browser.rs"]
mod a_theme_browser;

mod architecture;
mod build_cache;
mod build_incremental;
mod cadence;
mod check;
mod check_cache;
mod ci_examples;
mod cli;
mod corpus;
mod corpus_html;
mod corpus_seeded;
mod external;
mod first_run;
mod fuzz_regressions;
mod heading_ids_differential;
mod highlight_prefilter;
mod hostile;
mod markdown_snapshots;
mod other_generators;
mod reader;
mod review;
mod security;
mod serve;
mod serve_browser;
mod serve_incremental;
mod sidebar;
mod tech_docs;
mod yaml_flat_differential;
