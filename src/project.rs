//! The incremental cache behind `serve`: a [`Project`] runs the pipeline's stages like
//! [`crate::build`], but keeps what it read and drew, so that a rebuild reads only the
//! cards whose files changed and draws only the pages whose context changed. When every
//! change is to the text or the links of cards, or to what only pages show of them (a
//! summary), it updates the last graph in place where it can and draws only the pages that show what
//! changed; the site's own pages, graph data and search index follow when the edits pause.
//! A property test checks that every kind of rebuild equals a full build.

use crate::card::{self, Attachment, Card, CardFile, Corpus, Sources, Stamp, Status};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Pos};
use crate::graph::{Graph, NodeId};
use crate::render::{self, Lists, PageCache, Search};
use crate::site::{Bytes, Site};
use crate::slug::slugify;
use crate::theme::Theme;
use crate::{Built, Report, check_paths, draw, every_problem, graph_of, read_attachments};
use crate::{export, search};
use anyhow::Result;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// How many card files may come and go (a rename is one of each) in one rebuild in place;
/// more (a branch checked out, say) make a full build, sooner done.
const ADDED_OR_GONE_IN_PLACE: usize = 8;

/// How many pages an edit may change and still draw them all at once; one that changes
/// more draws those of the cards it changed at once, and the others when edits pause.
const DRAWN_AT_ONCE: usize = 64;

/// A site drawn again when edits paused ([`Project::finish`]).
pub struct Redrawn {
    /// The whole site.
    pub site: Site,
    /// The paths of the files drawn anew or gone since the site the project gave before:
    /// only those can differ from it.
    pub changed: Vec<String>,
}

/// What changed on disk since the last build, as a watcher saw it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// Files and folders under the cards folder that changed (absolute paths).
    pub cards: Vec<PathBuf>,
    /// Whether a template or theme file changed (or the watcher lost track of what did).
    pub theme: bool,
    /// Whether `cardweb.yaml` changed (or the watcher lost track of what did).
    pub config: bool,
    /// Whether a watched folder itself (cards, templates, themes) was made, removed or
    /// moved: what is below it must be watched anew.
    pub folders: bool,
}

impl Changes {
    /// Adds the changes in `other`.
    pub fn extend(&mut self, other: Changes) {
        self.cards.extend(other.cards);
        self.theme |= other.theme;
        self.config |= other.config;
        self.folders |= other.folders;
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.cards.is_empty() && !self.theme && !self.config
    }
}

/// A card file as last read: its stamp, the card (if usable) and its problems.
struct Loaded {
    stamp: Stamp,
    read_at: SystemTime,
    card: Option<Arc<Card>>,
    diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    /// The card's path relative to the cards folder, if it has a card.
    fn rel(&self) -> Option<&str> {
        self.card.as_ref().map(|c| c.rel.as_str())
    }

    fn read(config: &Config, file: &CardFile) -> Loaded {
        let read_at = SystemTime::now();
        let (card, diagnostics) = card::read_card(config, file, None);
        Loaded {
            stamp: file.stamp,
            read_at,
            card,
            diagnostics,
        }
    }
}

/// A site kept in memory between builds.
pub struct Project {
    config: Config,
    /// Every card file as last read, by its path on disk.
    cards: FxHashMap<PathBuf, Arc<Loaded>>,
    /// The files the last load found.
    sources: Option<Sources>,
    pages: PageCache,
    last: Option<Last>,
}

/// What the last good build was made from and what it made, kept so that a rebuild after
/// edits to the text of cards alone can update it instead of starting again.
struct Last {
    loaded: Vec<Arc<Loaded>>,
    attachments: Vec<Attachment>,
    graph: Graph,
    /// The problems the graph found (the cards' own are kept with them).
    graph_diagnostics: Vec<Diagnostic>,
    theme: Theme,
    site: Site,
    /// What edits drawn since the last [`Project::finish`] left to make again: the pages
    /// reload at once, and the rest (which takes longer on a large site) follows.
    stale: Stale,
}

/// What in-place edits left to make again.
#[derive(Clone, Default)]
struct Stale {
    /// The concepts (by page id) whose long lists of backlinks and children may have
    /// changed.
    lists: BTreeSet<String>,
    /// The search index (after edits of text).
    search: bool,
    /// The site's own pages and the graph's data files (after edits of links, or of what
    /// pages show of a card: its summary, tags, title, status).
    site: bool,
}

/// What one load found: every card file as read (in path order), the attachments, and
/// what was left out.
struct Found {
    loaded: Vec<Arc<Loaded>>,
    attachments: Vec<Attachment>,
    problems: Vec<Diagnostic>,
}

impl Found {
    /// The problems of the sources and the cards' own, in path order.
    fn diagnostics(&self) -> Vec<Diagnostic> {
        (self.problems.iter().cloned())
            .chain(
                self.loaded
                    .iter()
                    .flat_map(|l| l.diagnostics.iter().cloned()),
            )
            .collect()
    }

    /// The graph of the usable cards, and the problems it found.
    fn graph(&self, config: &Config) -> (Graph, Vec<Diagnostic>) {
        let corpus = Corpus {
            cards: self.loaded.iter().filter_map(|l| l.card.clone()).collect(),
            attachments: self.attachments.clone(),
        };
        graph_of(config, &corpus)
    }
}

impl Project {
    /// A project with nothing read yet.
    pub fn new(config: Config) -> Project {
        Project {
            config,
            cards: FxHashMap::default(),
            sources: None,
            pages: PageCache::default(),
            last: None,
        }
    }

    /// The site's configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Runs the pipeline, reading only cards that changed since the last build and drawing
    /// only pages whose context changed. Problems in the cards are in the report; an `Err`
    /// means the site could not be read at all. The result equals a first build's.
    pub fn build(&mut self) -> Result<Built> {
        let sources = card::find_sources(&self.config)?;
        self.build_from(sources, false)
    }

    /// Runs the pipeline again after `changes`. When only cards the last load found have
    /// changed, only those are looked at again instead of every file under `cards/`.
    pub fn rebuild(&mut self, changes: &Changes) -> Result<Built> {
        let cards = std::path::absolute(&self.config.cards)?;
        let known = (self.sources.take())
            .filter(|_| !changes.theme && !changes.config)
            .and_then(|s| s.refresh(&self.config, &cards, &changes.cards));
        match known {
            Some(sources) => self.build_from(sources, true),
            None => self.build(),
        }
    }

    /// Loads the cards (those unchanged from the cache) and builds the graph, without
    /// drawing, and returns what `inspect` makes of it, with every problem found.
    pub fn inspect<R>(
        &mut self,
        inspect: impl FnOnce(&Graph) -> R,
    ) -> Result<(R, Vec<Diagnostic>)> {
        let found = self.load(card::find_sources(&self.config)?);
        let (graph, graph_problems) = found.graph(&self.config);
        let diagnostics = every_problem(found.diagnostics(), &graph_problems);
        Ok((inspect(&graph), diagnostics))
    }

    /// Runs the pipeline over `sources`; `only_cards` tells that nothing but card files can
    /// have changed since the last build (so not the theme).
    fn build_from(&mut self, sources: Sources, only_cards: bool) -> Result<Built> {
        let found = self.load(sources);
        let mut last = self.last.take();
        if let Some(earlier) = last.as_mut()
            && let Some(built) = self.rebuild_in_place(earlier, &found, only_cards)?
        {
            self.last = last;
            return Ok(built);
        }
        // The search index of the last site is served until the new one is made, after
        // the pages ([`Project::finish`]): a build that serves one already is sooner done.
        let earlier_search: Option<Vec<(String, Bytes)>> = last.map(|last| {
            (Arc::unwrap_or_clone(last.site.files).into_iter())
                .filter(|(path, _)| search::is_index_file(path))
                .collect()
        });
        let (graph, graph_diagnostics) = found.graph(&self.config);
        let mut report = Report {
            diagnostics: every_problem(found.diagnostics(), &graph_diagnostics),
            counts: graph.counts(),
            drawn: false,
            timings: Vec::new(),
        };
        if report.errors() > 0 {
            return Ok(Built {
                report,
                site: None,
                changed: None,
            });
        }
        let theme = Theme::load(&self.config)?;
        if !check_paths(
            &self.config,
            &graph,
            &theme,
            &found.attachments,
            &mut report,
        ) {
            return Ok(Built {
                report,
                site: None,
                changed: None,
            });
        }
        let site = Mutex::new(Site::default());
        let cache = Some(&mut self.pages);
        let search = match earlier_search {
            Some(_) => Search::Later,
            None => Search::Now,
        };
        draw(
            &self.config,
            &graph,
            &theme,
            cache,
            &found.attachments,
            search,
            &Site::put_into(&site),
        )?;
        let mut site = site.into_inner().unwrap_or_else(|p| p.into_inner());
        for (path, bytes) in earlier_search.into_iter().flatten() {
            Arc::make_mut(&mut site.files).entry(path).or_insert(bytes);
        }
        report.drawn = true;
        self.last = Some(Last {
            loaded: found.loaded,
            attachments: found.attachments,
            graph,
            graph_diagnostics,
            theme,
            site: site.clone(),
            stale: Stale {
                search: search == Search::Later,
                ..Stale::default()
            },
        });
        Ok(Built {
            report,
            site: Some(site),
            changed: None,
        })
    }

    /// Rebuilds after edits that changed only the text or links of cards, or what only
    /// pages show of them (their summary, say; not the rest of their front matter or
    /// headings, nor the theme), after a card moved to another folder, or after a few card
    /// files came or went (a rename is one of each), by updating the last build's graph in
    /// place and drawing only the pages that show what changed. None when the edits were
    /// of another kind, or the graph cannot take them in place ([`Graph::relink`],
    /// [`Graph::add_card`], [`Graph::remove_card`], [`Graph::move_card`]), or there is no
    /// last build. The theme is read again unless `only_cards` says it cannot have changed.
    fn rebuild_in_place(
        &mut self,
        last: &mut Last,
        found: &Found,
        only_cards: bool,
    ) -> Result<Option<Built>> {
        // A card moved (the same card but its place) moves in place; else the files that
        // came and went come and go one by one, and the cards left are compared.
        let moved = card_moved(last, &found.loaded).filter(|(node, _, card)| {
            let old = last.graph[*node].card.as_ref();
            old.is_some_and(|old| old.rel != card.rel && old.same_but_place(card))
        });
        let moving = moved.is_some();
        let difference = Difference::of(&last.loaded, &found.loaded);
        let (gone, new) = match moved {
            Some(_) => (Vec::new(), Vec::new()),
            None => match difference.gone_and_new() {
                Some(files) => files,
                None => return Ok(None),
            },
        };
        if gone.len() + new.len() > ADDED_OR_GONE_IN_PLACE {
            return Ok(None);
        }
        // The home page shows the home note's text (and what it embeds): an edit of that
        // draws the site anew, and a new card (or a new title) may be the home note the
        // configuration names (a stub's name, say).
        let home_of = |graph: &Graph| {
            (self.config.home.as_deref())
                .map(|name| graph.find(name).filter(|&n| graph[n].card.is_some()))
        };
        let home = home_of(&last.graph);
        let home_goes = (gone.iter()).any(|card| {
            home.flatten()
                .is_some_and(|home| last.graph.card_node(&card.rel) == Some(home))
        });
        if (!new.is_empty() && home == Some(None)) || home_goes {
            return Ok(None);
        }
        let diagnostics = found.diagnostics();
        if found.attachments != last.attachments || diagnostics.iter().any(Diagnostic::is_error) {
            return Ok(None);
        }
        if !only_cards {
            let theme = Theme::load(&self.config)?;
            if theme.fingerprint != last.theme.fingerprint {
                return Ok(None);
            }
            last.theme = theme;
        }
        // The concepts of the cards that changed, by page id: their pages come first.
        let mut own: HashSet<String> = HashSet::new();
        // The pages of a card that went are replaced (by its stub's, if it has one).
        let mut gone_ids = Vec::new();
        // The concepts whose pages change, by page id: a card or stub coming or going
        // changes the numbers of the nodes after its own.
        let mut shown_ids: FxHashSet<String> = FxHashSet::default();
        for card in &gone {
            let Some(node) = last.graph.card_node(&card.rel) else {
                return Ok(None);
            };
            let removed = last.graph.remove_card(node, &mut last.graph_diagnostics);
            let Some((placed, ids)) = removed else {
                return Ok(None);
            };
            shown_ids.extend(page_ids(&last.graph, placed));
            own.extend(ids.iter().cloned());
            gone_ids.extend(ids);
        }
        for (at, card) in &new {
            let after = (found.loaded[..*at].iter().rev())
                .filter_map(|l| l.card.as_ref())
                .find_map(|c| last.graph.card_node(&c.rel));
            own.insert(card.id.clone());
            let added = last
                .graph
                .add_card(after, Arc::clone(card), &mut last.graph_diagnostics);
            let Some(placed) = added else {
                return Ok(None);
            };
            shown_ids.extend(page_ids(&last.graph, placed));
        }
        if let Some((node, after, card)) = moved {
            own.insert(card.id.clone());
            let moved = (last.graph).move_card(node, card, after, &mut last.graph_diagnostics);
            let Some(placed) = moved else {
                return Ok(None);
            };
            shown_ids.extend(page_ids(&last.graph, placed));
        }
        if moving || !gone.is_empty() || !new.is_empty() {
            last.stale.site = true;
            last.stale.search = true;
        }
        // The cards left, as they were, against what they are now.
        let edits = match moving {
            true => Vec::new(),
            false => match card_edits(difference.kept(), &last.graph, self.config.drafts) {
                Some(edits) => edits,
                None => return Ok(None),
            },
        };
        let home = home_of(&last.graph);
        let home_name = self.config.home.as_deref().map(slugify);
        let shows_home = |edit: &CardEdit| {
            let titled = |card: &Card| home_name.as_deref() == Some(&slugify(&card.title));
            (edit.old.title != edit.new.title && (titled(&edit.old) || titled(&edit.new)))
                || home
                    .flatten()
                    .is_some_and(|home| last.graph.embedding(edit.node).contains(&home))
        };
        if edits.iter().any(shows_home) {
            return Ok(None);
        }
        // New tags, or tags gone, change the tags' pages, drawn with the site's own when
        // edits pause; a full build tells which of those a file under `tags/` takes.
        let retagged = |edit: &CardEdit| edit.old.tags != edit.new.tags;
        let under_tags = (found.attachments.iter()).any(|a| a.rel.starts_with("tags/"));
        if under_tags && edits.iter().any(retagged) {
            return Ok(None);
        }
        for edit in edits {
            let (retitled, restatused) = (
                edit.old.title != edit.new.title,
                edit.old.status != edit.new.status,
            );
            last.stale.site |= retagged(&edit) || retitled || restatused;
            if retitled {
                let Some(showing) = last.graph.retitle(edit.node, &edit.new.title) else {
                    return Ok(None);
                };
                shown_ids.extend(page_ids(&last.graph, showing));
            }
            if restatused {
                let showing = last.graph.restatus(edit.node, edit.new.status);
                shown_ids.extend(page_ids(&last.graph, showing));
            }
            let CardEdit {
                node,
                old,
                new,
                kind,
            } = edit;
            own.insert(last.graph[node].id.clone());
            if kind == EditKind::Links {
                let relinked = last.graph.relink(node, new, &mut last.graph_diagnostics);
                let Some((relinked, went)) = relinked else {
                    return Ok(None);
                };
                shown_ids.extend(page_ids(&last.graph, relinked));
                gone_ids.extend(went);
                last.stale.site = true;
            } else {
                if kind == EditKind::Aliases && last.graph.realias(node, &new).is_none() {
                    return Ok(None);
                }
                if kind == EditKind::Shown {
                    // Its summary shows on the pages that link to it, and on site pages.
                    shown_ids.extend(page_ids(&last.graph, last.graph.showing_link(node)));
                    last.stale.site = true;
                }
                move_diagnostics(&mut last.graph_diagnostics, &old, &new);
                let showing = last.graph.retext(node, new);
                shown_ids.extend(page_ids(&last.graph, showing));
            }
            last.stale.search = true;
        }
        let mut shown: Vec<NodeId> = (last.graph.iter())
            .filter(|(_, n)| shown_ids.contains(&n.id))
            .map(|(node, _)| node)
            .collect();
        // A change that many pages show (a card many link to, gone or retitled): the pages
        // of the cards that changed now, the others with the long lists.
        if shown.len() > DRAWN_AT_ONCE {
            let later = shown.extract_if(.., |&mut n| !own.contains(&last.graph[n].id));
            let later: Vec<String> = later.map(|n| last.graph[n].id.clone()).collect();
            last.stale.lists.extend(later);
        }
        // Their pages now, the long lists of their backlinks and children when edits pause.
        let pages = render::redraw(
            &self.config,
            &last.graph,
            &last.theme,
            &mut self.pages,
            &shown,
            Lists::Later,
        )?;
        let ids: HashSet<&str> = shown.iter().map(|&n| last.graph[n].id.as_str()).collect();
        let gone: HashSet<&str> = (gone_ids.iter().map(String::as_str))
            .filter(|id| !ids.contains(id))
            .collect();
        let drawn_here = |path: &str| {
            (path.split_once('/')).is_some_and(|(id, file)| {
                (ids.contains(id) && file == "index.html")
                    || (gone.contains(id) && render::is_concept_page(id, path))
            })
        };
        let mut changed = replace_files(&mut last.site, &last.attachments, drawn_here, pages);
        last.stale.lists.extend(ids.iter().map(|id| id.to_string()));
        // An attachment may have been edited (only card files, when `only_cards`).
        if !only_cards {
            let attachments = read_attachments(&found.attachments)?;
            changed.extend(attachments.iter().map(|(path, _)| path.clone()));
            Arc::make_mut(&mut last.site.files).extend(attachments);
        }
        last.loaded = found.loaded.clone();
        let built = Built {
            report: Report {
                diagnostics: every_problem(diagnostics, &last.graph_diagnostics),
                counts: last.graph.counts(),
                drawn: true,
                timings: Vec::new(),
            },
            site: Some(last.site.clone()),
            changed: Some(changed),
        };
        Ok(Some(built))
    }

    /// The site with what in-place edits left stale made anew (the search index after
    /// text edits; the site's own pages and graph data too after link edits), if there
    /// were such edits since the last call (else None): an edit draws the pages of the
    /// concepts it changed first, so that they reload at once, and the rest (which takes
    /// longer on a large site) after.
    pub fn finish(&mut self) -> Result<Option<Redrawn>> {
        let Some(last) = self.last.as_mut() else {
            return Ok(None);
        };
        let stale = std::mem::take(&mut last.stale);
        let mut changed = Vec::new();
        if !stale.lists.is_empty() {
            // A concept may have fewer pages of backlinks now: its pages are replaced.
            let nodes: Vec<NodeId> = (last.graph.iter())
                .filter(|(_, n)| stale.lists.contains(&n.id))
                .map(|(node, _)| node)
                .collect();
            let pages = render::redraw(
                &self.config,
                &last.graph,
                &last.theme,
                &mut self.pages,
                &nodes,
                Lists::Drawn,
            )?;
            let drawn_here = |path: &str| {
                (path.split_once('/')).is_some_and(|(id, _)| {
                    stale.lists.contains(id) && render::is_concept_page(id, path)
                })
            };
            changed.extend(replace_files(
                &mut last.site,
                &last.attachments,
                drawn_here,
                pages,
            ));
        }
        if stale.site {
            let files =
                render::redraw_site(&self.config, &last.graph, &last.theme, &mut self.pages)?;
            // A list may have a page fewer, a tag no page: the site's own files all go
            // that are not made again.
            let own = |path: &str| {
                export::is_site_file(path)
                    || render::is_site_page(path)
                    || render::is_discovery_file(path)
            };
            changed.extend(replace_files(&mut last.site, &last.attachments, own, files));
        }
        if stale.search {
            let files = render::search_files(&self.config, &last.graph)?;
            changed.extend(replace_files(
                &mut last.site,
                &last.attachments,
                search::is_index_file,
                files,
            ));
        }
        let redrawn = stale.search || stale.site || !stale.lists.is_empty();
        Ok(redrawn.then(|| Redrawn {
            site: last.site.clone(),
            changed,
        }))
    }

    /// Reads the cards among `sources` that changed since the last load.
    fn load(&mut self, sources: Sources) -> Found {
        // Each file with whether it was known, and whether it was read again.
        let loaded: Vec<(Arc<Loaded>, bool, bool)> = sources
            .cards
            .par_iter()
            .map(|file| match self.cards.get(&file.source) {
                Some(known) if file.stamp.unchanged_since(&known.stamp, known.read_at) => {
                    (known.clone(), true, false)
                }
                known => {
                    let read = Arc::new(Loaded::read(&self.config, file));
                    (read, known.is_some(), true)
                }
            })
            .collect();
        // The usual save: the same files, one or two of them read again (or one more or
        // one fewer): the cache changes where they did.
        let known = loaded.iter().filter(|(_, known, _)| *known).count();
        if known != self.cards.len() {
            let now: HashSet<&PathBuf> = sources.cards.iter().map(|f| &f.source).collect();
            self.cards.retain(|path, _| now.contains(path));
        }
        for (file, (l, _, read)) in sources.cards.iter().zip(&loaded) {
            if *read {
                self.cards.insert(file.source.clone(), l.clone());
            }
        }
        let loaded: Vec<Arc<Loaded>> = loaded.into_iter().map(|(l, _, _)| l).collect();
        let (attachments, problems) = (sources.attachments.clone(), sources.problems.clone());
        self.sources = Some(sources);
        Found {
            loaded,
            attachments,
            problems,
        }
    }
}

/// Puts `files` into `site` in place of the files that `made_there` says were made where
/// they were (their number may have changed); the attachments stay. Returns the paths of
/// the files taken out and put in: only those can differ.
fn replace_files(
    site: &mut Site,
    attachments: &[Attachment],
    made_there: impl Fn(&str) -> bool,
    files: Vec<(String, Bytes)>,
) -> Vec<String> {
    let attachment = |path: &str| attachments.iter().any(|a| a.rel == path);
    let mut changed = Vec::new();
    let present = Arc::make_mut(&mut site.files);
    present.retain(|path, _| {
        let keep = !made_there(path) || attachment(path);
        if !keep {
            changed.push(path.clone());
        }
        keep
    });
    changed.extend(files.iter().map(|(path, _)| path.clone()));
    present.extend(files);
    changed
}

/// A card whose text, links or what pages show of it changed: its node, the card before
/// and after, and what changed.
struct CardEdit {
    node: NodeId,
    old: Arc<Card>,
    new: Arc<Card>,
    kind: EditKind,
}

/// What an edit of a card changed, besides its text.
#[derive(Clone, Copy, PartialEq, Eq)]
enum EditKind {
    /// Nothing else ([`Card::same_but_text`]).
    Text,
    /// What only pages show of it, its summary say ([`Card::same_but_shown`]).
    Shown,
    /// Its links ([`Card::same_but_links`]).
    Links,
    /// Its aliases ([`Card::same_but_aliases`]): what links find it by.
    Aliases,
}

/// The cards that changed among `files` (each read then and now), if each changed only in
/// its text or links, or in what only pages show of it (its summary, say), with their
/// nodes in `graph`. None if any card changed otherwise.
fn card_edits<'a>(
    files: impl Iterator<Item = (&'a Arc<Loaded>, &'a Arc<Loaded>)>,
    graph: &Graph,
    drafts: bool,
) -> Option<Vec<CardEdit>> {
    // A card that becomes a stub, or a draft that is not shown, or the other way round,
    // changes what links find.
    let plain = |status: Status| status != Status::Stub && (drafts || status != Status::Draft);
    let mut edits = Vec::new();
    for (old, new) in files {
        if Arc::ptr_eq(old, new) {
            continue;
        }
        match (&old.card, &new.card) {
            (Some(a), Some(b)) => {
                if a.status != b.status && !(plain(a.status) && plain(b.status)) {
                    return None;
                }
                let kind = if a.same_but_text(b) {
                    EditKind::Text
                } else if a.same_but_shown(b) {
                    EditKind::Shown
                } else if a.same_but_links(b) {
                    EditKind::Links
                } else if a.same_but_aliases(b) {
                    EditKind::Aliases
                } else {
                    return None;
                };
                edits.push(CardEdit {
                    node: graph.card_node(&b.rel)?,
                    old: Arc::clone(a),
                    new: Arc::clone(b),
                    kind,
                })
            }
            _ => return None,
        }
    }
    Some(edits)
}

/// The page ids of `nodes`.
fn page_ids(graph: &Graph, nodes: Vec<NodeId>) -> impl Iterator<Item = String> + '_ {
    nodes.into_iter().map(|n| graph[n].id.clone())
}

/// New card files, each with its place among all of them now.
type NewCards = Vec<(usize, Arc<Card>)>;

/// The card files of the last load (`before`) against those of `now`, both in path order:
/// the same files at the start and at the end, and between them (few, after an edit of
/// files) those that went, came or stayed. Found by comparing paths in order: tables of
/// every file's path took longer than the rest of a card's rebuild in place.
struct Difference<'a> {
    before: &'a [Arc<Loaded>],
    now: &'a [Arc<Loaded>],
    /// How many files at the start are the same files in both.
    start: usize,
    /// How many files at the end (after the start) are the same files in both.
    end: usize,
}

impl<'a> Difference<'a> {
    /// The difference between `before` and `now`.
    fn of(before: &'a [Arc<Loaded>], now: &'a [Arc<Loaded>]) -> Difference<'a> {
        // One reading is one file; else the paths tell.
        let same = |(a, b): &(&Arc<Loaded>, &Arc<Loaded>)| {
            a.rel().is_some() && (Arc::ptr_eq(a, b) || a.rel() == b.rel())
        };
        let start = before.iter().zip(now).take_while(same).count();
        let (rest_before, rest_now) = (&before[start..], &now[start..]);
        let end = (rest_before.iter().rev())
            .zip(rest_now.iter().rev())
            .take_while(same)
            .count();
        Difference {
            before,
            now,
            start,
            end,
        }
    }

    /// The files between the same ones at the start and at the end: before, and now.
    fn middle(&self) -> (&'a [Arc<Loaded>], &'a [Arc<Loaded>]) {
        (
            &self.before[self.start..self.before.len() - self.end],
            &self.now[self.start..self.now.len() - self.end],
        )
    }

    /// The cards whose files went, and those whose files came (with their places in
    /// `now`), each in path order. None if a file has no card (it could not be read).
    fn gone_and_new(&self) -> Option<(Vec<Arc<Card>>, NewCards)> {
        let (was, is) = self.middle();
        let rels = |loaded: &'a [Arc<Loaded>]| -> Option<FxHashSet<&'a str>> {
            loaded.iter().map(|l| l.rel()).collect()
        };
        let (was_there, is_there) = (rels(was)?, rels(is)?);
        let gone = (was.iter().filter_map(|l| l.card.clone()))
            .filter(|c| !is_there.contains(c.rel.as_str()))
            .collect();
        let new = (is.iter().enumerate())
            .filter_map(|(at, l)| Some((self.start + at, l.card.clone()?)))
            .filter(|(_, c)| !was_there.contains(c.rel.as_str()))
            .collect();
        Some((gone, new))
    }

    /// Each file in both, as it was read then and now.
    fn kept(&self) -> impl Iterator<Item = (&'a Arc<Loaded>, &'a Arc<Loaded>)> + '_ {
        let (was, is) = self.middle();
        let then: FxHashMap<&str, &Arc<Loaded>> =
            (was.iter()).filter_map(|l| Some((l.rel()?, l))).collect();
        let middle = is
            .iter()
            .filter_map(move |l| Some((*then.get(l.rel()?)?, l)));
        let start = self.before[..self.start]
            .iter()
            .zip(&self.now[..self.start]);
        let end = (self.before[self.before.len() - self.end..].iter())
            .zip(&self.now[self.now.len() - self.end..]);
        start.chain(middle).chain(end)
    }
}

/// The node of the one card whose file moved since the last build's load (the others the
/// same), the card before its new place in the graph (None if it comes first) and the card
/// as read from there, if that is all that changed.
fn card_moved(last: &Last, now: &[Arc<Loaded>]) -> Option<(NodeId, Option<NodeId>, Arc<Card>)> {
    let before = &last.loaded;
    if before.len() != now.len() {
        return None;
    }
    let same =
        |a: &[Arc<Loaded>], b: &[Arc<Loaded>]| a.iter().zip(b).all(|(a, b)| same_loaded(a, b));
    let first = (before.iter().zip(now)).position(|(a, b)| !same_loaded(a, b))?;
    let last_differing = (before.iter().zip(now)).rposition(|(a, b)| !same_loaded(a, b))?;
    let (old, new) = (
        &before[first..=last_differing],
        &now[first..=last_differing],
    );
    // Moved later (the first entry now comes last) or earlier (the last comes first).
    let (from, to) = if same(&old[1..], &new[..new.len() - 1]) {
        (first, last_differing)
    } else if same(&old[..old.len() - 1], &new[1..]) {
        (last_differing, first)
    } else {
        return None;
    };
    let card = now[to].card.clone()?;
    let node = last.graph.card_node(&before[from].card.as_ref()?.rel)?;
    let after = (now[..to].iter().rev())
        .filter_map(|l| l.card.as_ref())
        .find_map(|c| last.graph.card_node(&c.rel));
    Some((node, after, card))
}

/// Whether two readings of a card file are the same: one, or a card read again soon after
/// it was written (its time stamp could not tell a later edit) that reads the same.
fn same_loaded(a: &Arc<Loaded>, b: &Arc<Loaded>) -> bool {
    Arc::ptr_eq(a, b) || (a.card == b.card && a.diagnostics == b.diagnostics)
}

/// Moves the problems found at a card's links and front-matter names to where those
/// stand after an edit that kept them but moved them (all at once: a place one left may
/// be where another comes).
fn move_diagnostics(diagnostics: &mut [Diagnostic], old: &Card, new: &Card) {
    let links = (old.outline.links.iter())
        .zip(&new.outline.links)
        .map(|(a, b)| (a.pos(old.body_line), b.pos(new.body_line)));
    let names = (old.located().zip(new.located())).map(|(a, b)| (a.pos, b.pos));
    let moved: HashMap<Pos, Pos> = links.chain(names).collect();
    for d in diagnostics.iter_mut().filter(|d| d.path == old.path) {
        if let Some(&pos) = moved.get(&d.pos) {
            d.pos = pos;
        }
    }
}
