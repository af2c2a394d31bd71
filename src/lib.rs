//! `handbook`: a static site generator for company handbooks.
//!
//! The pipeline, one module per stage, data flowing one way:
//! [`config`] -> [`content`] -> [`markdown`] -> [`links`] -> [`site`] ->
//! [`cadence`] -> [`render`] -> [`output`], with [`build`] and [`check`] driving it and
//! [`cli`] on top.

pub mod build;
pub mod cadence;
pub mod check;
pub mod cli;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod escape;
pub mod init;
pub mod links;
pub mod markdown;
pub mod output;
pub mod owners;
pub mod render;
pub mod review;
pub mod serve;
pub mod site;
pub mod timings;
pub mod yaml;

#[cfg(test)]
pub(crate) mod test_dice;
