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
use std::sync::{Arc, Mutex};
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

/// Loads, checks and renders the site described by `config`, once: nothing is kept for a
/// rebuild.
pub fn build(config: &Config) -> Result<Build> {
    let site = Mutex::new(Site::default());
    let checked = build_each(config, &Site::put_into(&site))?;
    Ok(Build {
        site: checked
            .drawn
            .then(|| site.into_inner().unwrap_or_else(|p| p.into_inner())),
        diagnostics: checked.diagnostics,
        counts: checked.counts,
    })
}

/// What a build that handed its files on found.
#[derive(Debug)]
pub struct Checked {
    /// Whether the site was drawn (not when the input has errors).
    pub drawn: bool,
    /// Every problem found, errors and warnings, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// How many concepts are complete, draft and stub.
    pub counts: Counts,
}

/// Loads, checks and renders the site described by `config`, once, handing each file to
/// `put` as soon as it is drawn, so that the whole site is never held at once.
pub fn build_each(config: &Config, put: render::Put) -> Result<Checked> {
    let mut project = Project {
        remember: false,
        ..Project::new(config.clone())
    };
    let found = project.load(card::find_sources(config)?);
    let drawing = draw(config, found, None, put)?;
    Ok(Checked {
        drawn: drawing.theme.is_some(),
        diagnostics: drawing.analysis.diagnostics,
        counts: drawing.counts,
    })
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
    /// Reads and outlines a card file. Without `keep_body`, the card's Markdown is dropped
    /// once outlined: a build that runs once needs only the outline.
    fn read(config: &Config, file: &CardFile, keep_body: bool) -> Loaded {
        let read_at = SystemTime::now();
        let (mut card, diagnostics) = card::read_card(config, file);
        let outline = card
            .as_ref()
            .map(|c| markdown::outline(&c.body))
            .unwrap_or_default();
        if let Some(card) = card.as_mut().filter(|_| !keep_body) {
            card.body = String::new();
        }
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
    /// Whether to keep what a build read and drew for the next one.
    remember: bool,
    cards: HashMap<PathBuf, Arc<Loaded>>,
    /// The files the last load found.
    sources: Option<card::Sources>,
    pages: PageCache,
    last: Option<Last>,
}

/// What the last good build was made from and what it made, kept so that a rebuild after
/// edits to the text of cards alone can update it instead of starting again.
struct Last {
    loaded: Vec<Arc<Loaded>>,
    attachments: Vec<card::Attachment>,
    graph: graph::Graph,
    /// The problems the graph found (the cards' own are kept with them).
    graph_diagnostics: Vec<Diagnostic>,
    theme: theme::Theme,
    site: Site,
    counts: Counts,
}

impl Project {
    /// A project with nothing read yet.
    pub fn new(config: Config) -> Project {
        Project {
            config,
            remember: true,
            cards: HashMap::new(),
            sources: None,
            pages: PageCache::default(),
            last: None,
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
        let sources = card::find_sources(&self.config)?;
        self.build_from(sources, false)
    }

    /// Runs the pipeline again after a watcher saw changes to the files `changed`
    /// (absolute paths). When they are all card files the last load found, only those are
    /// looked at again instead of every file under `cards/`.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Build> {
        let cards = std::path::absolute(&self.config.cards)?;
        let known = (self.sources.as_ref()).and_then(|s| s.refresh(&cards, changed));
        match known {
            Some(sources) => self.build_from(sources, true),
            None => self.build(),
        }
    }

    /// Runs the pipeline over `sources`; `only_cards` tells that nothing but card files can
    /// have changed since the last build (so not the theme).
    fn build_from(&mut self, sources: card::Sources, only_cards: bool) -> Result<Build> {
        let found = self.load(sources);
        if let Some(built) = self.rebuild_text(&found, only_cards)? {
            return Ok(built);
        }
        let site = Mutex::new(Site::default());
        let Drawing {
            analysis,
            counts,
            theme,
        } = draw(
            &self.config,
            found,
            Some(&mut self.pages),
            &Site::put_into(&site),
        )?;
        let Some(theme) = theme else {
            return Ok(Build {
                site: None,
                diagnostics: analysis.diagnostics,
                counts,
            });
        };
        let site = site.into_inner().unwrap_or_else(|p| p.into_inner());
        self.last = Some(Last {
            loaded: analysis.loaded,
            attachments: analysis.attachments,
            graph: analysis.graph,
            graph_diagnostics: analysis.graph_diagnostics,
            theme,
            site: Site {
                files: site.files.clone(),
            },
            counts,
        });
        Ok(Build {
            site: Some(site),
            diagnostics: analysis.diagnostics,
            counts,
        })
    }

    /// Loads the cards and builds the graph, without rendering, and returns what `inspect`
    /// makes of it, with every problem found.
    pub fn inspect<R>(
        &mut self,
        inspect: impl FnOnce(&graph::Graph) -> R,
    ) -> Result<(R, Vec<Diagnostic>)> {
        let sources = card::find_sources(&self.config)?;
        let analysis = analyse(self.load(sources));
        Ok((inspect(&analysis.graph), analysis.diagnostics))
    }

    /// Rebuilds after edits that changed only the text of cards (not which files there
    /// are, nor their front matter, links or headings, nor the theme), by updating the last
    /// build's graph and drawing only the pages that show that text. None when the edits
    /// were of another kind, or there is no last build. The theme is read again unless
    /// `only_cards` says it cannot have changed.
    fn rebuild_text(&mut self, found: &Found, only_cards: bool) -> Result<Option<Build>> {
        let Some(mut last) = self.last.take() else {
            return Ok(None);
        };
        let Some(edits) = text_edits(&last.loaded, &found.loaded) else {
            return Ok(None);
        };
        if found.attachments != last.attachments
            || found.diagnostics.iter().any(Diagnostic::is_error)
        {
            return Ok(None);
        }
        if !only_cards {
            let theme = theme::Theme::load(&self.config)?;
            if theme.fingerprint != last.theme.fingerprint {
                return Ok(None);
            }
            last.theme = theme;
        }
        let mut shown = Vec::new();
        for (node, index) in edits {
            let (old, new) = (&last.loaded[index], &found.loaded[index]);
            let Some(card) = &new.card else {
                return Ok(None);
            };
            move_link_diagnostics(&mut last.graph_diagnostics, old, new);
            shown.extend(
                last.graph
                    .retext(node, Arc::clone(card), Arc::clone(&new.outline)),
            );
        }
        shown.sort_unstable();
        shown.dedup();
        let pages = render::redraw(
            &self.config,
            &last.graph,
            &last.theme,
            &mut self.pages,
            &shown,
        )?;
        let attachments = read_attachments(&found.attachments)?;
        last.site.files.extend(pages.into_iter().chain(attachments));
        last.loaded = found.loaded.clone();
        let diagnostics = every_problem(found.diagnostics.clone(), &last.graph_diagnostics);
        let built = Build {
            site: Some(Site {
                files: last.site.files.clone(),
            }),
            diagnostics,
            counts: last.counts,
        };
        self.last = Some(last);
        Ok(Some(built))
    }

    /// Reads the cards among `sources` that changed since the last load.
    fn load(&mut self, sources: card::Sources) -> Found {
        let loaded: Vec<Arc<Loaded>> = sources
            .cards
            .par_iter()
            .map(|file| match self.cards.get(&file.source) {
                Some(known) if file.stamp.unchanged_since(&known.stamp, known.read_at) => {
                    known.clone()
                }
                _ => Arc::new(Loaded::read(&self.config, file, self.remember)),
            })
            .collect();
        if self.remember {
            self.cards = sources
                .cards
                .iter()
                .map(|f| f.source.clone())
                .zip(loaded.iter().cloned())
                .collect();
            self.sources = Some(sources.clone());
        }
        let diagnostics = loaded
            .iter()
            .flat_map(|l| l.diagnostics.iter().cloned())
            .collect();
        Found {
            loaded,
            attachments: sources.attachments,
            diagnostics,
        }
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

/// The graph of what one load found, with every problem found, sorted.
struct Analysis {
    loaded: Vec<Arc<Loaded>>,
    attachments: Vec<card::Attachment>,
    graph: graph::Graph,
    /// The problems the graph found.
    graph_diagnostics: Vec<Diagnostic>,
    /// The cards' own problems and the graph's, sorted.
    diagnostics: Vec<Diagnostic>,
}

fn analyse(found: Found) -> Analysis {
    let (corpus, outlines) = corpus(&found.loaded, found.attachments);
    let (graph, graph_diagnostics) = graph::Graph::build(&corpus, &outlines);
    let diagnostics = every_problem(found.diagnostics, &graph_diagnostics);
    Analysis {
        loaded: found.loaded,
        attachments: corpus.attachments,
        graph,
        graph_diagnostics,
        diagnostics,
    }
}

/// The cards' own problems and the graph's, sorted.
fn every_problem(cards: Vec<Diagnostic>, graph: &[Diagnostic]) -> Vec<Diagnostic> {
    let mut diagnostics = cards;
    diagnostics.extend(graph.iter().cloned());
    diagnostic::sort(&mut diagnostics);
    diagnostics
}

/// A checked and, without errors, drawn site.
struct Drawing {
    analysis: Analysis,
    counts: Counts,
    /// The theme it was drawn with; None if it was not drawn.
    theme: Option<theme::Theme>,
}

/// Builds the graph of what `found` holds and, unless it has errors, draws the site into
/// `put`, with `cache` as [`render::render`] takes it, attachments last.
fn draw(
    config: &Config,
    found: Found,
    cache: Option<&mut PageCache>,
    put: render::Put,
) -> Result<Drawing> {
    let analysis = analyse(found);
    let counts = Counts::of(&analysis.graph);
    if analysis.diagnostics.iter().any(Diagnostic::is_error) {
        return Ok(Drawing {
            analysis,
            counts,
            theme: None,
        });
    }
    let theme = theme::Theme::load(config)?;
    render::render(config, &analysis.graph, &theme, cache, put)?;
    for (path, bytes) in read_attachments(&analysis.attachments)? {
        put(path, bytes)?;
    }
    Ok(Drawing {
        analysis,
        counts,
        theme: Some(theme),
    })
}

/// The cards that changed between two loads of the same files, as (node, index into the
/// loads), if each changed only in its text: same front matter, links and headings. None
/// if the files differ or any card changed otherwise.
fn text_edits(before: &[Arc<Loaded>], now: &[Arc<Loaded>]) -> Option<Vec<(graph::NodeId, usize)>> {
    if before.len() != now.len() {
        return None;
    }
    let mut edits = Vec::new();
    let mut node = 0;
    for (index, (old, new)) in before.iter().zip(now).enumerate() {
        if !Arc::ptr_eq(old, new) {
            match (&old.card, &new.card) {
                (Some(a), Some(b))
                    if a.same_but_body(b) && old.outline.same_links(&new.outline) =>
                {
                    edits.push((node, index))
                }
                _ => return None,
            }
        }
        node += usize::from(new.card.is_some());
    }
    Some(edits)
}

/// Moves the problems found at a card's links to where those links stand after an edit
/// that kept them but moved them.
fn move_link_diagnostics(diagnostics: &mut [Diagnostic], old: &Loaded, new: &Loaded) {
    let (Some(old_card), Some(new_card)) = (&old.card, &new.card) else {
        return;
    };
    let position = |card: &card::Card, link: &markdown::Link| link.pos(card.body_line);
    let moved: HashMap<diagnostic::Pos, diagnostic::Pos> = old
        .outline
        .links
        .iter()
        .zip(&new.outline.links)
        .map(|(a, b)| (position(old_card, a), position(new_card, b)))
        .collect();
    for d in diagnostics.iter_mut().filter(|d| d.path == old_card.path) {
        if let Some(&pos) = moved.get(&d.pos) {
            d.pos = pos;
        }
    }
}

/// Every attachment's output path and bytes, read from disk.
fn read_attachments(attachments: &[card::Attachment]) -> Result<Vec<(String, render::Bytes)>> {
    attachments
        .iter()
        .map(|a| Ok((a.rel.clone(), fs::read(&a.source)?.into())))
        .collect()
}
