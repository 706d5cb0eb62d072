//! Integration tests: fixture sites built by the real `cardweb` binary in temp folders.

mod abuse;
mod browser;
mod build;
mod chromium;
mod crawl;
mod deploy;
mod graph;
mod hostile_cards;
mod hostile_output;
mod incremental;
mod judges;
mod links;
mod output;
mod publish;
mod random_cards;
mod reading;
mod serve;
mod serve_sources;
mod server;
mod static_host;
mod support;
mod vault;
