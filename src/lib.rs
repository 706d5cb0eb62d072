//! cardweb turns a folder of concept cards (Markdown with YAML front matter) into a
//! knowledge-graph website. The pipeline runs one way, each stage a module:
//!
//! ```text
//! find sources ─▶ read cards (parallel) ─▶ graph ─▶ stop on errors ─▶ theme ─▶ render ─▶ attachments
//!    card            card, markdown          graph                      theme    render    (put)
//! ```
//!
//! [`build`] runs it once, handing each file on as it is drawn (to [`output`] for
//! `cardweb build`, or into memory); [`project::Project`] runs the same stages for `serve`,
//! keeping what it read and drew so that a rebuild redoes only what changed.

#![warn(missing_docs)]

pub mod card;
pub mod config;
pub mod diagnostic;
pub mod export;
pub mod fs;
pub mod graph;
mod hashed_name;
pub mod hosting;
pub mod html;
pub mod markdown;
pub mod output;
pub mod parallel;
pub mod progress;
pub mod project;
pub mod render;
pub mod scratch;
pub mod search;
pub mod serve;
pub mod site;
pub mod slug;
pub mod start;
pub mod theme;
pub mod timings;
pub mod words;

use anyhow::Result;
use card::{Attachment, Card, Corpus};
use config::Config;
use diagnostic::{Diagnostic, Pos};
use graph::{Counts, Graph};
use parallel::in_small_shares;
use rayon::prelude::*;
use render::PageCache;
use scratch::Scratch;
use site::{Put, Site};
use std::sync::{Arc, Mutex};
use theme::Theme;

/// What one run of the pipeline found and made.
#[derive(Debug)]
pub struct Report {
    /// Every problem found, errors and warnings, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// How many concepts are complete, draft and stub.
    pub counts: Counts,
    /// Whether the site was drawn: not when the cards have errors.
    pub drawn: bool,
    /// How long each stage took.
    pub timings: Vec<timings::Stage>,
}

impl Report {
    /// How many of the problems are errors.
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
}

/// A site built in memory, and what the build found.
#[derive(Debug)]
pub struct Built {
    /// The problems and counts.
    pub report: Report,
    /// The rendered site; None when the cards have errors.
    pub site: Option<Site>,
    /// The paths of the files drawn anew or gone since the site the same
    /// [`project::Project`] gave before, when only those can differ from it (a rebuild in
    /// place); None when any file may.
    pub changed: Option<Vec<String>>,
}

/// Runs the pipeline once over the site `config` describes, handing each file to `put`
/// as soon as it is drawn, so that the whole site is never held at once; with a `scratch`
/// file, the cards' HTML and words wait there rather than in memory until they are used,
/// and the graph lets go of its hints for links to come once built. Problems in
/// the cards are in the report; an `Err` means the site could not be read or drawn at all
/// (no cards folder, broken templates, unreadable attachments, a file `put` refused).
pub fn build(config: &Config, put: Put, scratch: Option<&Arc<Scratch>>) -> Result<Report> {
    let mut watch = timings::Stopwatch::start();
    // The templates compile while the cards are read: a broken one matters only if the
    // cards have no errors.
    let (analysed, theme) = rayon::join(
        || analyse_with_corpus(config, scratch, &mut watch),
        || Theme::load(config),
    );
    let (mut graph, corpus, diagnostics) = analysed?;
    // Nothing will be edited: the hints for links to come are not needed.
    graph.forget_near_misses();
    let mut report = Report {
        counts: graph.counts(),
        diagnostics,
        drawn: false,
        timings: Vec::new(),
    };
    if report.errors() == 0 {
        let theme = theme?;
        if check_paths(config, &graph, &theme, &corpus.attachments, &mut report) {
            watch.lap("theme");
            let search = render::Search::Now;
            draw(
                config,
                &graph,
                &theme,
                None,
                &corpus.attachments,
                search,
                put,
            )?;
            watch.lap("draw");
            report.drawn = true;
        }
    }
    report.timings = watch.stages;
    // Freeing a large site's graph and cards takes a tenth of a second or more (50,000
    // cards: 0.17 s): it is done beside what follows (the output's swap, the summary).
    rayon::spawn(move || drop((graph, corpus)));
    Ok(report)
}

/// Runs the pipeline once into memory.
pub fn build_site(config: &Config) -> Result<Built> {
    let site = Mutex::new(Site::default());
    let report = build(config, &Site::put_into(&site), None)?;
    let site = site.into_inner().unwrap_or_else(|p| p.into_inner());
    Ok(Built {
        site: report.drawn.then_some(site),
        report,
        changed: None,
    })
}

/// Reads the cards and builds the graph, without drawing anything: for commands that
/// look at the graph (`stubs`, `graph`, `new`). Returns it with every problem found.
pub fn analyse(config: &Config) -> Result<(Graph, Vec<Diagnostic>)> {
    let mut watch = timings::Stopwatch::start();
    let (graph, _, diagnostics) = analyse_with_corpus(config, None, &mut watch)?;
    Ok((graph, diagnostics))
}

/// The first stages: sources found, cards read and outlined in parallel (their HTML and
/// words put in `scratch`, if given), the graph built; each timed on `watch`.
fn analyse_with_corpus(
    config: &Config,
    scratch: Option<&Arc<Scratch>>,
    watch: &mut timings::Stopwatch,
) -> Result<(Graph, Corpus, Vec<Diagnostic>)> {
    let sources = card::find_sources(config)?;
    let read: Vec<(Option<Arc<Card>>, Vec<Diagnostic>)> = in_small_shares(sources.cards.par_iter())
        .map(|file| card::read_card(config, file, scratch))
        .collect();
    let mut diagnostics = sources.problems;
    let mut cards = Vec::with_capacity(read.len());
    for (card, problems) in read {
        cards.extend(card);
        diagnostics.extend(problems);
    }
    let corpus = Corpus {
        cards,
        attachments: sources.attachments,
    };
    watch.lap("read");
    let (graph, graph_problems) = graph_of(config, &corpus);
    watch.lap("graph");
    Ok((graph, corpus, every_problem(diagnostics, &graph_problems)))
}

/// The graph of `corpus`, and its problems: the graph's own, and a `home` note in the
/// configuration that names no note.
fn graph_of(config: &Config, corpus: &Corpus) -> (Graph, Vec<Diagnostic>) {
    let (graph, mut problems) = Graph::build(corpus, config.drafts);
    if let Some(home) = &config.home
        && graph.find(home).is_none_or(|n| graph[n].card.is_none())
    {
        let file = config.root.join(config::CONFIG_FILE);
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let line = text
            .lines()
            .position(|l| l.starts_with("home:"))
            .unwrap_or(0)
            + 1;
        problems.push(
            Diagnostic::warning(
                &config.display_path(&file),
                Pos { line, col: 1 },
                format!("`home: {home}` names no note; the home page shows the concept tree alone"),
            )
            .hint("name a note by its title, file name or alias"),
        );
    }
    (graph, problems)
}

/// The cards' own problems and the graph's, sorted.
fn every_problem(cards: Vec<Diagnostic>, graph: &[Diagnostic]) -> Vec<Diagnostic> {
    let mut diagnostics = cards;
    diagnostics.extend(graph.iter().cloned());
    diagnostic::sort(&mut diagnostics);
    diagnostics
}

/// Adds to `report` the output files that two sources want; whether there are none.
fn check_paths(
    config: &Config,
    graph: &Graph,
    theme: &Theme,
    attachments: &[Attachment],
    report: &mut Report,
) -> bool {
    let clashes = render::clashes(config, graph, theme, attachments);
    let none = clashes.is_empty();
    report.diagnostics = every_problem(std::mem::take(&mut report.diagnostics), &clashes);
    none
}

/// The last stages: every page of `graph` rendered with `theme` (with `cache` and `search`
/// as [`render::render`] takes them), then the attachments, each handed to `put`.
fn draw(
    config: &Config,
    graph: &Graph,
    theme: &Theme,
    cache: Option<&mut PageCache>,
    attachments: &[Attachment],
    search: render::Search,
    put: Put,
) -> Result<()> {
    render::render(config, graph, theme, cache, search, put)?;
    for (path, bytes) in read_attachments(attachments)? {
        put(path, bytes)?;
    }
    Ok(())
}

/// Every attachment's output path and bytes, read from disk.
fn read_attachments(attachments: &[Attachment]) -> Result<Vec<(String, site::Bytes)>> {
    attachments
        .iter()
        .map(|a| Ok((a.rel.clone(), fs::read(&a.source)?.into())))
        .collect()
}
