//! cardweb turns a folder of concept cards (Markdown with YAML front matter) into a
//! knowledge-graph website.
//!
//! The pipeline runs one way: cards are found and read ([`card`]), outlined ([`markdown`]),
//! joined into a [`graph::Graph`] with stubs and backlinks, rendered into an in-memory
//! [`render::Site`], and written to disk ([`output`]) or served ([`serve`]). A [`Project`]
//! keeps what it read and drew between runs, so that a rebuild reads only changed cards and
//! draws only pages whose inputs changed; `build` is one run of it.

pub mod card;
pub mod config;
pub mod diagnostic;
pub mod export;
pub mod fs;
pub mod graph;
pub mod localgraph;
pub mod markdown;
pub mod output;
pub mod render;
pub mod serve;
pub mod slug;
pub mod start;
pub mod theme;
pub mod wholegraph;

use anyhow::Result;
use card::{CardFile, Corpus, Stamp};
use config::Config;
use diagnostic::Diagnostic;
use markdown::Outline;
use rayon::prelude::*;
use render::{Counts, PageCache, Site};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

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

/// Loads, checks and renders the site described by `config`, once.
pub fn build(config: &Config) -> Result<Build> {
    Project::new(config.clone()).build()
}

/// A card file as last read: its stamp, the card (if usable), its outline and problems.
struct Loaded {
    stamp: Stamp,
    read_at: SystemTime,
    card: Option<Arc<card::Card>>,
    outline: Arc<Outline>,
    diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    fn read(config: &Config, file: &CardFile) -> Loaded {
        let read_at = SystemTime::now();
        let (card, diagnostics) = card::read_card(config, file);
        let outline = card
            .as_ref()
            .map(|c| markdown::outline(&c.body))
            .unwrap_or_default();
        Loaded {
            stamp: file.stamp,
            read_at,
            card: card.map(Arc::new),
            outline: Arc::new(outline),
            diagnostics,
        }
    }
}

/// A site kept in memory between builds.
pub struct Project {
    config: Config,
    cards: HashMap<PathBuf, Arc<Loaded>>,
    pages: PageCache,
}

impl Project {
    /// A project with nothing read yet.
    pub fn new(config: Config) -> Project {
        Project {
            config,
            cards: HashMap::new(),
            pages: PageCache::default(),
        }
    }

    /// The site's configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Runs the pipeline. Problems in the cards are diagnostics in the result; an `Err`
    /// means the site could not be read at all (no cards folder, broken templates,
    /// unreadable attachments). The result is the same as a first build's would be.
    pub fn build(&mut self) -> Result<Build> {
        let config = self.config.clone();
        let mut pages = std::mem::take(&mut self.pages);
        let built = self.analyse(|graph, corpus, diagnostics| {
            let counts = Counts::of(graph);
            if diagnostics.iter().any(Diagnostic::is_error) {
                return Ok(Build {
                    site: None,
                    diagnostics,
                    counts,
                });
            }
            let theme = theme::Theme::load(&config)?;
            let mut site = render::render(&config, graph, &theme, &mut pages)?;
            for attachment in &corpus.attachments {
                site.add(attachment.rel.clone(), fs::read(&attachment.source)?.into())?;
            }
            Ok(Build {
                site: Some(site),
                diagnostics,
                counts,
            })
        });
        self.pages = pages;
        built?
    }

    /// Loads the cards and builds the graph, without rendering, and returns what `inspect`
    /// makes of it, with every problem found.
    pub fn inspect<R>(
        &mut self,
        inspect: impl FnOnce(&graph::Graph) -> R,
    ) -> Result<(R, Vec<Diagnostic>)> {
        self.analyse(|graph, _, diagnostics| (inspect(graph), diagnostics))
    }

    /// Loads the cards and builds the graph, then hands both to `then` with every problem
    /// found, sorted.
    fn analyse<R>(
        &mut self,
        then: impl FnOnce(&graph::Graph, &Corpus, Vec<Diagnostic>) -> R,
    ) -> Result<R> {
        let Found {
            loaded,
            attachments,
            mut diagnostics,
        } = self.load()?;
        let (corpus, outlines) = corpus(&loaded, attachments);
        let (graph, found) = graph::Graph::build(&corpus, &outlines);
        diagnostics.extend(found);
        diagnostic::sort(&mut diagnostics);
        Ok(then(&graph, &corpus, diagnostics))
    }

    /// Finds the site's files and reads the cards that changed since the last load.
    fn load(&mut self) -> Result<Found> {
        let sources = card::find_sources(&self.config)?;
        let loaded: Vec<Arc<Loaded>> = sources
            .cards
            .par_iter()
            .map(|file| match self.cards.get(&file.source) {
                Some(known) if file.stamp.unchanged_since(&known.stamp, known.read_at) => {
                    known.clone()
                }
                _ => Arc::new(Loaded::read(&self.config, file)),
            })
            .collect();
        self.cards = sources
            .cards
            .iter()
            .map(|f| f.source.clone())
            .zip(loaded.iter().cloned())
            .collect();
        let diagnostics = loaded
            .iter()
            .flat_map(|l| l.diagnostics.iter().cloned())
            .collect();
        Ok(Found {
            loaded,
            attachments: sources.attachments,
            diagnostics,
        })
    }
}

/// What one load found: every card file as read, the attachments, and the cards' problems.
struct Found {
    loaded: Vec<Arc<Loaded>>,
    attachments: Vec<card::Attachment>,
    diagnostics: Vec<Diagnostic>,
}

/// The usable cards with their outlines, aligned, and the attachments.
fn corpus(
    loaded: &[Arc<Loaded>],
    attachments: Vec<card::Attachment>,
) -> (Corpus, Vec<Arc<Outline>>) {
    let usable: Vec<&Loaded> = loaded
        .iter()
        .filter(|l| l.card.is_some())
        .map(|l| &**l)
        .collect();
    let corpus = Corpus {
        cards: usable.iter().filter_map(|l| l.card.clone()).collect(),
        attachments,
    };
    (
        corpus,
        usable.iter().map(|l| Arc::clone(&l.outline)).collect(),
    )
}
