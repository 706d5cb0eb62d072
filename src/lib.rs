//! cardweb turns a folder of concept cards (Markdown with YAML front matter) into a
//! knowledge-graph website.
//!
//! The pipeline runs one way: cards are loaded ([`card`]), outlined ([`markdown`]), joined
//! into a [`graph::Graph`] with stubs and backlinks, rendered into an in-memory
//! [`render::Site`], and written to disk ([`output`]).

pub mod card;
pub mod config;
pub mod diagnostic;
pub mod fs;
pub mod graph;
pub mod markdown;
pub mod output;
pub mod render;
pub mod serve;
pub mod slug;
pub mod theme;

use anyhow::Result;
use config::Config;
use diagnostic::Diagnostic;
use rayon::prelude::*;
use render::{Counts, Site};

/// The result of running the pipeline over a site.
#[derive(Debug)]
pub struct Build {
    /// The rendered site; None when the input has errors.
    pub site: Option<Site>,
    /// Every problem found, errors and warnings, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// How many concepts are complete, draft and stub.
    pub counts: Counts,
}

/// Loads, checks and renders the site described by `config`. Problems in the cards are
/// diagnostics in the result; an `Err` means the site could not be read at all (no cards
/// folder, broken templates, unreadable attachments).
pub fn build(config: &Config) -> Result<Build> {
    let (corpus, mut diagnostics) = card::load_cards(config)?;
    let outlines: Vec<_> = corpus
        .cards
        .par_iter()
        .map(|c| markdown::outline(&c.body))
        .collect();
    let (graph, found) = graph::Graph::build(&corpus, &outlines);
    diagnostics.extend(found);
    diagnostic::sort(&mut diagnostics);
    let counts = Counts::of(&graph);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Ok(Build {
            site: None,
            diagnostics,
            counts,
        });
    }
    let theme = theme::Theme::load(config)?;
    let mut site = render::render(config, &graph, &theme)?;
    for attachment in &corpus.attachments {
        site.add(attachment.rel.clone(), fs::read(&attachment.source)?)?;
    }
    Ok(Build {
        site: Some(site),
        diagnostics,
        counts,
    })
}
