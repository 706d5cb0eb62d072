//! Making the graph: a node per card, indexed by id, alias and title; every link and
//! front-matter relation resolved (links to cards in parallel, then stubs in order, then
//! the card ids near new stubs' in parallel); edges, parents and children; and the
//! problems found on the way, at the link that has them.

use super::{Edge, EdgeKind, Graph, Node, NodeId, Resolution, checks, embeds, relations};
use crate::card::{Card, Corpus, Located, Status};
use crate::diagnostic::{Diagnostic, Pos};
use crate::markdown::Target;
use crate::slug::{self, slugify};
use rayon::prelude::*;
use rustc_hash::FxHashSet;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

/// The longest link name checked for likely typos.
const MAX_NEAR_MISS_LEN: usize = 64;

impl Graph {
    /// Builds the graph of `corpus` and reports every problem found in the links. Draft
    /// cards are left out unless `drafts`: links to them lead to stubs, as to any concept
    /// not written yet.
    pub fn build(corpus: &Corpus, drafts: bool) -> (Graph, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let mut graph = Graph {
            nodes: Vec::new(),
            edges: Vec::new(),
            index: Default::default(),
            embedded_by: HashMap::new(),
            redirects: Vec::new(),
            card_edges: 0,
            card_adopts: 0,
            folders: Default::default(),
            folder_nodes: 0,
        };
        for attachment in &corpus.attachments {
            graph.index.add_file(&attachment.rel);
        }
        let (cards, unpublished): (Vec<_>, Vec<_>) = (corpus.cards.iter())
            .filter(|c| drafts || c.status != Status::Draft)
            .cloned()
            .partition(|c| c.publish);
        for card in &unpublished {
            let names = [&card.id, &card.title].into_iter();
            for name in names.chain(card.aliases.iter().map(|a| &a.name)) {
                let key = slugify(name);
                graph.index.unpublished.insert(key, card.path.clone());
            }
        }
        let nodes = graph.add_cards(&cards, &mut diagnostics);
        // Links to cards are looked up in parallel; the rest (stubs, attachments) in order.
        let found: Vec<Vec<Option<NodeId>>> = (cards.par_iter())
            .map(|card| {
                let relations = relations(card).map(|(_, Located { name, .. })| {
                    graph
                        .index
                        .resolve_card(&card.rel, &Target::Name(name.clone()))
                });
                let links = (card.outline.links.iter())
                    .map(|link| graph.index.resolve_card(&card.rel, &link.target));
                relations.chain(links).collect()
            })
            .collect();
        // Room for an edge per relation and link (some repeat), and one per card under its
        // folder: made at once, the list never grows by copying itself.
        graph
            .edges
            .reserve(found.iter().map(Vec::len).sum::<usize>() + cards.len());
        // The edges of the card being read: every edge made here starts at it.
        let mut seen_edges = FxHashSet::default();
        let mut embeds = Vec::new();
        // Each new stub's id, with the warning its first link gets if a card's id is near.
        let mut new_stubs = Vec::new();
        for ((card, &from), found) in cards.iter().zip(&nodes).zip(found) {
            seen_edges.clear();
            let mut found = found.into_iter();
            for (kind, Located { name, pos }) in relations(card) {
                let link = Target::Name(name.clone());
                let known = found.next().flatten();
                if let Some(to) = graph.link(
                    card,
                    &link,
                    known,
                    &|| *pos,
                    &mut diagnostics,
                    &mut new_stubs,
                ) {
                    graph.add_edge(&mut seen_edges, Edge::new(from, to, kind, Arc::from("")));
                }
            }
            for link in &card.outline.links {
                let pos = || link.pos(card.body_line);
                let known = found.next().flatten();
                let Some(to) = graph.link(
                    card,
                    &link.target,
                    known,
                    &pos,
                    &mut diagnostics,
                    &mut new_stubs,
                ) else {
                    continue;
                };
                if let Some(anchor) = &link.anchor {
                    diagnostics.extend(graph.missing_heading(card, to, anchor, pos()));
                }
                if link.embed && graph[to].card.is_some() {
                    let pos = pos();
                    embeds.push(embeds::Embed { from, to, pos });
                }
                if to != from {
                    let mention = Edge::new(from, to, EdgeKind::Mention, Arc::clone(&link.context));
                    graph.add_edge(&mut seen_edges, mention);
                }
            }
        }
        // Near ids are looked up in parallel: on a large site with numbered ids, the
        // likely typos of thousands of stubs were a third of the graph's time.
        diagnostics.par_extend(new_stubs.into_par_iter().filter_map(|(id, warning)| {
            let near = graph.near_miss(&id)?;
            Some(warning.hint(near_hint(near)))
        }));
        graph.card_edges = graph.edges.len();
        graph.card_adopts = graph.edges.len();
        graph.link_parents();
        graph.add_folders(&cards, &nodes);
        checks::check(&graph, &mut diagnostics);
        embeds::check(&graph, &embeds, &mut diagnostics);
        graph.find_redirects(&mut diagnostics);
        for embed in &embeds {
            let by = graph.embedded_by.entry(embed.to).or_default();
            if !by.contains(&embed.from) {
                by.push(embed.from);
            }
        }
        (graph, diagnostics)
    }

    /// Adds a node, and returns it.
    pub(super) fn push(&mut self, node: Node) -> NodeId {
        self.nodes.push(node);
        NodeId(self.nodes.len() - 1)
    }

    /// Adds a node per card, indexed by id, then aliases, then titles; returns them in the
    /// order of `cards`.
    fn add_cards(&mut self, cards: &[Arc<Card>], diagnostics: &mut Vec<Diagnostic>) -> Vec<NodeId> {
        let mut owners: HashMap<String, (NodeId, &Card, &str)> = HashMap::new();
        let mut nodes = Vec::with_capacity(cards.len());
        for (card, id) in cards.iter().zip(page_ids(cards)) {
            let node = self.push(Node {
                id: id.clone(),
                title: card.title.clone(),
                status: card.status,
                card: Some(Arc::clone(card)),
                parent: None,
                children: Vec::new(),
                outgoing: Vec::new(),
                incoming: Vec::new(),
            });
            nodes.push(node);
            self.index.paths.insert(card.rel.clone(), node);
            self.index.add_note(&card.rel, node);
            self.index.add_near(&id);
            owners.insert(id.clone(), (node, card, "id"));
            self.index.keys.insert(id, node);
        }
        // A file name that several folders share names the first of them, with a warning
        // where a link uses it (Obsidian resolves such a link by path, then to one of them).
        let mut named: HashMap<&str, Vec<NodeId>> = HashMap::new();
        for (card, &node) in cards.iter().zip(&nodes) {
            named.entry(&card.id).or_default().push(node);
        }
        for (card, &node) in cards.iter().zip(&nodes) {
            if self[node].id != card.id {
                self.index.contested.insert(card.id.clone());
                self.index.keys.entry(card.id.clone()).or_insert(node);
            }
        }
        for (name, sharing) in named.into_iter().filter(|(_, s)| s.len() > 1) {
            self.index.shared.insert(name.to_string(), sharing);
        }
        for (card, &node) in cards.iter().zip(&nodes) {
            for Located { name: alias, pos } in &card.aliases {
                let key = slugify(alias);
                match owners.get(&key) {
                    Some(&(other, _, _)) if other == node => {}
                    Some(&(_, other, what)) => diagnostics.push({
                        self.index.contested.insert(key.clone());
                        Diagnostic::warning(
                            &card.path,
                            *pos,
                            format!(
                                "alias `{alias}` is already the {what} of {}: links to it go there",
                                other.path.display()
                            ),
                        )
                        .hint("an alias names one card; remove it from one of the two")
                    }),
                    None => {
                        owners.insert(key.clone(), (node, card, "alias"));
                        self.index.keys.insert(key, node);
                    }
                }
            }
        }
        for (card, &node) in cards.iter().zip(&nodes) {
            let key = slugify(&card.title);
            match self.index.keys.get(&key) {
                Some(&owner) if owner != node => {
                    self.index.contested.insert(key);
                }
                Some(_) => {}
                None => {
                    self.index.keys.insert(key, node);
                }
            }
        }
        nodes
    }

    /// Resolves a link written in `card` (to `known`, if it was already found to name a
    /// card), creating a stub for an unknown concept, and warns about missing attachments
    /// and likely typos. Returns the node linked to, if any.
    fn link(
        &mut self,
        card: &Card,
        target: &Target,
        known: Option<NodeId>,
        pos: &dyn Fn() -> Pos,
        diagnostics: &mut Vec<Diagnostic>,
        new_stubs: &mut Vec<(String, Diagnostic)>,
    ) -> Option<NodeId> {
        let resolution = match known {
            Some(node) => Resolution::Node(node),
            None => self.index.resolve(&card.rel, target),
        };
        if let (Target::Name(name), false) = (target, self.index.shared.is_empty())
            && let Some(sharing) = self.index.shared.get(&slugify(name))
        {
            let files: Vec<String> = (sharing.iter())
                .filter_map(|&n| self[n].card.as_ref())
                .map(|c| c.path.display().to_string())
                .collect();
            diagnostics.push(
                Diagnostic::warning(
                    &card.path,
                    pos(),
                    format!(
                        "`{name}` is the name of {} notes ({}); it links to the first",
                        files.len(),
                        files.join(", ")
                    ),
                )
                .hint("write the note's folder too, like [[folder/name]]"),
            );
        }
        match resolution {
            Resolution::Node(node) => {
                let n = &mut self.nodes[node.0];
                if n.card.is_none() {
                    prefer_readable_title(&mut n.title, target);
                }
                Some(node)
            }
            Resolution::File(_) => None,
            Resolution::MissingFile(file) => {
                diagnostics.push(
                    Diagnostic::warning(
                        &card.path,
                        pos(),
                        format!("attachment `{file}` not found under the cards folder"),
                    )
                    .hint("put the file under cards/ (any folder); it is found by its name"),
                );
                None
            }
            Resolution::Unknown { id, name } if id.is_empty() => {
                diagnostics.push(Diagnostic::warning(
                    &card.path,
                    pos(),
                    format!("link `{name}` names nothing"),
                ));
                None
            }
            Resolution::Unknown { id, name } => {
                if let Some(file) = self.index.unpublished.get(&id) {
                    diagnostics.push(
                        Diagnostic::warning(
                            &card.path,
                            pos(),
                            format!(
                                "`{name}` is not published (`publish: false` in {}), so it shows as a stub",
                                file.display()
                            ),
                        )
                        .hint("publish that note, or unlink it here"),
                    );
                } else {
                    new_stubs.push((id.clone(), stub_warning(&card.path, pos(), &name)));
                }
                let node = self.push(Node {
                    id: free_id(&id),
                    title: name,
                    status: Status::Stub,
                    card: None,
                    parent: None,
                    children: Vec::new(),
                    outgoing: Vec::new(),
                    incoming: Vec::new(),
                });
                self.index.keys.insert(id, node);
                Some(node)
            }
        }
    }

    /// A warning if the card of `to` has no heading `anchor` (a stub has none to check).
    pub(super) fn missing_heading(
        &self,
        card: &Card,
        to: NodeId,
        anchor: &str,
        pos: Pos,
    ) -> Option<Diagnostic> {
        let target = self[to].card.as_ref()?;
        let anchors = &target.outline.anchors;
        if anchors.iter().any(|a| a == anchor) {
            return None;
        }
        let known: Vec<String> = anchors.iter().take(8).map(|a| format!("#{a}")).collect();
        Some(
            Diagnostic::warning(
                &card.path,
                pos,
                format!("`{}` has no heading `#{anchor}`", target.id),
            )
            .hint(match known.is_empty() {
                true => "that card has no headings".to_string(),
                false => format!("its headings are {}", known.join(", ")),
            }),
        )
    }

    /// Lets go of what only hints for links still to be written need (see
    /// [`Graph::near_miss`]): for a graph that will not be edited.
    pub fn forget_near_misses(&mut self) {
        self.index.forget_near();
    }

    /// The stubs (without a file) whose near misses a card of `id` would be: within two
    /// edits, and found by [`super::index::Index::near_misses`] (`wanted-22` is two edits
    /// from `wanted-11`, but not found near it).
    pub(super) fn stubs_near<'a>(&'a self, id: &'a str) -> impl Iterator<Item = NodeId> + 'a {
        let near = super::index::Nearness::of(id);
        self.iter()
            .filter(move |(_, n)| {
                n.status == Status::Stub
                    && n.card.is_none()
                    && (4..=MAX_NEAR_MISS_LEN).contains(&n.id.chars().count())
                    && slug::edit_distance(&n.id, id) <= 2
                    && near.finds(&n.id)
            })
            .map(|(node, _)| node)
    }

    /// A card id within two edits of `id`: a link that probably meant it. Only for names
    /// of a sensible length: finding near ids costs the square of the length.
    pub(super) fn near_miss(&self, id: &str) -> Option<&str> {
        self.nearest_card(id).map(|n| self[n].id.as_str())
    }

    /// The node of the card [`Graph::near_miss`] names: the first of those near `id`.
    pub(super) fn nearest_card(&self, id: &str) -> Option<NodeId> {
        if !(4..=MAX_NEAR_MISS_LEN).contains(&id.chars().count()) {
            return None;
        }
        (self.index.near_misses(id))
            .filter(|near| slug::edit_distance(id, near) <= 2)
            .filter_map(|near| self.index.keys.get(near).copied())
            .min()
    }

    /// Adds `edge`, unless the graph has one of its kind between its ends already: that one
    /// then takes its sentence if it has none (a link that is its own line says nothing).
    fn add_edge(&mut self, seen: &mut FxHashSet<(NodeId, NodeId, EdgeKind)>, edge: Edge) {
        if seen.insert((edge.from, edge.to, edge.kind)) {
            let index = self.edges.len();
            self.nodes[edge.from.0].outgoing.push(index);
            self.nodes[edge.to.0].incoming.push(index);
            self.edges.push(edge);
        } else if !edge.context.is_empty() {
            let edges = &self.edges;
            let same = (self.nodes[edge.from.0].outgoing.iter())
                .copied()
                .find(|&e| (edges[e].to, edges[e].kind) == (edge.to, edge.kind));
            if let Some(existing) = same.map(|e| &mut self.edges[e])
                && existing.context.is_empty()
            {
                existing.context = edge.context;
            }
        }
    }

    /// Sets every node's parent and children from the parent edges.
    fn link_parents(&mut self) {
        for edge in self.edges.iter().filter(|e| e.kind == EdgeKind::Parent) {
            self.nodes[edge.from.0].parent = Some(edge.to);
            self.nodes[edge.to.0].children.push(edge.from);
        }
    }
}

/// The ids the site's own pages take: a folder of that name is theirs.
pub(super) const SITE_IDS: &[&str] = &["graph", "tags", "stubs", "assets"];

/// The warning at the link (written `name`) that makes a stub, given where a card's id is
/// near the stub's, with [`near_hint`].
pub(super) fn stub_warning(path: &Path, pos: Pos, name: &str) -> Diagnostic {
    Diagnostic::warning(
        path,
        pos,
        format!("`{name}` matches no card, so it becomes a stub"),
    )
}

/// The hint of a [`stub_warning`] at the card `near`.
pub(super) fn near_hint(near: &str) -> String {
    format!("did you mean `{near}`?")
}

/// `id`, or, where one of the site's own pages has it, `id-2`.
pub(super) fn free_id(id: &str) -> String {
    match SITE_IDS.contains(&id) {
        true => format!("{id}-2"),
        false => id.to_string(),
    }
}

/// The id of each card's page: the slug of its `permalink` if it has one, else of its file
/// name, or, where files in several folders share a name (or the name is one of the site's
/// own pages), the slug of its path (numbered if that is taken too), so that every note of
/// a vault gets a page and short URLs stay short where they can.
fn page_ids(cards: &[Arc<Card>]) -> Vec<String> {
    let mut taken: HashSet<String> = SITE_IDS.iter().map(|s| s.to_string()).collect();
    let mut ids: Vec<Option<String>> = (cards.iter())
        .map(|card| {
            let permalink = slugify(card.permalink.as_deref()?);
            (!permalink.is_empty() && taken.insert(permalink.clone())).then_some(permalink)
        })
        .collect();
    let mut named: HashMap<&str, usize> = HashMap::new();
    for card in cards {
        *named.entry(&card.id).or_default() += 1;
    }
    for (card, id) in cards.iter().zip(&mut ids) {
        if id.is_none() && named[card.id.as_str()] == 1 && taken.insert(card.id.clone()) {
            *id = Some(card.id.clone());
        }
    }
    (cards.iter().zip(ids))
        .map(|(card, id)| {
            id.unwrap_or_else(|| {
                let path = card
                    .rel
                    .rsplit_once('.')
                    .map_or(card.rel.as_str(), |(p, _)| p);
                let base = slugify(path);
                let mut id = base.clone();
                for n in 2.. {
                    if taken.insert(id.clone()) {
                        break;
                    }
                    id = format!("{base}-{n}");
                }
                id
            })
        })
        .collect()
}

/// Keeps the stub's most readable name: `DNS` or `Domain Name System` over `dns`.
pub(super) fn prefer_readable_title(name: &mut String, target: &Target) {
    if let Target::Name(candidate) = target {
        let is_slug = |s: &str| slugify(s) == s;
        if is_slug(name) && !is_slug(candidate) {
            *name = candidate.trim().to_string();
        }
    }
}
