//! Integration tests: fixture sites built by the real `cardweb` binary in temp folders.

mod build;
mod links;
mod output;
mod support;
