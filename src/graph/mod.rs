//! The knowledge graph: every card, a stub node for every concept that is linked but not
//! written, and typed edges between them. Built in one pure pass over all cards and their
//! outlines, before anything is rendered, so that backlinks, statuses and stubs are all
//! known when the first page is drawn. No I/O here.

mod index;

pub use index::{NodeId, Resolution};

use crate::card::{Card, Corpus, Located, Status};
use crate::diagnostic::{Diagnostic, Pos};
use crate::markdown::{Outline, Target};
use crate::slug::{self, slugify};
use index::Index;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Why one concept points at another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EdgeKind {
    /// From a card to the broader concept it belongs under.
    Parent,
    /// Front matter `related`.
    Related,
    /// Front matter `next`: what to explore after this card.
    Next,
    /// Front matter `prerequisites`: what to read first.
    Prerequisite,
    /// A link in the card's text.
    Mention,
}

/// A directed, typed link between two nodes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edge {
    /// The node that links.
    pub from: NodeId,
    /// The node linked to.
    pub to: NodeId,
    /// Why.
    pub kind: EdgeKind,
    /// For mentions, the sentence the first such link stands in.
    pub context: Arc<str>,
}

/// A card's front-matter relations, in the order edges are made from them.
fn relations(card: &Card) -> impl Iterator<Item = (EdgeKind, &Located)> {
    let kinds = [
        (EdgeKind::Parent, card.parent.iter().collect::<Vec<_>>()),
        (EdgeKind::Related, card.related.iter().collect()),
        (EdgeKind::Next, card.next.iter().collect()),
        (EdgeKind::Prerequisite, card.prerequisites.iter().collect()),
    ];
    kinds
        .into_iter()
        .flat_map(|(kind, targets)| targets.into_iter().map(move |t| (kind, t)))
}

/// A concept: a written card, or a stub.
#[derive(Debug)]
pub struct Node {
    /// The unique id, also the page's URL segment.
    pub id: String,
    /// What readers see.
    pub title: String,
    /// Complete, draft or stub.
    pub status: Status,
    /// The card, if this concept has a file.
    pub card: Option<Arc<Card>>,
    /// The card's links and headings, if it has a card.
    pub outline: Option<Arc<Outline>>,
    /// The broader concept.
    pub parent: Option<NodeId>,
    /// Narrower concepts, in node order.
    pub children: Vec<NodeId>,
    /// Edges out of this node, indices into [`Graph::edges`], in the order written.
    pub outgoing: Vec<usize>,
    /// Edges into this node, indices into [`Graph::edges`], in node order of their source.
    pub incoming: Vec<usize>,
}

impl Node {
    /// Whether this concept still waits to be written (no card, or `status: stub`).
    pub fn is_stub(&self) -> bool {
        self.status == Status::Stub
    }
}

/// All concepts and their links.
#[derive(Debug)]
pub struct Graph {
    /// Cards in path order, then stubs without a card in id order.
    pub nodes: Vec<Node>,
    /// All edges, deduplicated by (from, to, kind).
    pub edges: Vec<Edge>,
    index: Index,
}

impl Graph {
    /// Builds the graph of `corpus`, whose `outlines` are aligned with its cards, and
    /// reports every problem found in the links.
    pub fn build(corpus: &Corpus, outlines: &[Arc<Outline>]) -> (Graph, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let mut graph = Graph {
            nodes: Vec::new(),
            edges: Vec::new(),
            index: Index::default(),
        };
        for attachment in &corpus.attachments {
            graph.index.add_file(&attachment.rel);
        }
        graph.add_cards(&corpus.cards, outlines, &mut diagnostics);
        // Links to cards are looked up in parallel; the rest (stubs, attachments) in order.
        let found: Vec<Vec<Option<NodeId>>> = (corpus.cards.par_iter().zip(outlines))
            .map(|(card, outline)| {
                let relations = relations(card).map(|(_, Located { name, .. })| {
                    graph
                        .index
                        .resolve_card(&card.rel, &Target::Name(name.clone()))
                });
                let links = (outline.links.iter())
                    .map(|link| graph.index.resolve_card(&card.rel, &link.target));
                relations.chain(links).collect()
            })
            .collect();
        let mut seen_edges = HashSet::new();
        for (from, ((card, outline), found)) in
            corpus.cards.iter().zip(outlines).zip(found).enumerate()
        {
            let mut found = found.into_iter();
            for (kind, Located { name, pos }) in relations(card) {
                let link = Target::Name(name.clone());
                let known = found.next().flatten();
                if let Some(to) = graph.link(card, &link, known, &|| *pos, &mut diagnostics) {
                    graph.add_edge(
                        &mut seen_edges,
                        Edge {
                            from,
                            to,
                            kind,
                            context: Arc::from(""),
                        },
                    );
                }
            }
            for link in &outline.links {
                let pos = || link.pos(card.body_line);
                let known = found.next().flatten();
                let Some(to) = graph.link(card, &link.target, known, &pos, &mut diagnostics) else {
                    continue;
                };
                if let (Some(anchor), Some(target)) = (&link.anchor, &graph.nodes[to].card) {
                    let anchors = &outlines[to].anchors;
                    if !anchors.contains(anchor) {
                        let known = anchors
                            .iter()
                            .take(8)
                            .map(|a| format!("#{a}"))
                            .collect::<Vec<_>>();
                        diagnostics.push(
                            Diagnostic::warning(
                                &card.path,
                                pos(),
                                format!("`{}` has no heading `#{anchor}`", target.id),
                            )
                            .hint(match known.is_empty() {
                                true => "that card has no headings".to_string(),
                                false => format!("its headings are {}", known.join(", ")),
                            }),
                        );
                    }
                }
                if to != from {
                    let context = Arc::clone(&link.context);
                    graph.add_edge(
                        &mut seen_edges,
                        Edge {
                            from,
                            to,
                            kind: EdgeKind::Mention,
                            context,
                        },
                    );
                }
            }
        }
        graph.link_parents();
        graph.check_parent_cycles(&mut diagnostics);
        graph.check_prerequisite_cycles(&mut diagnostics);
        graph.check_orphans(&mut diagnostics);
        (graph, diagnostics)
    }

    /// Takes in new text for the card of `node`, whose front matter, links and headings are
    /// as before: the node gets the new card and outline, and its mentions the sentences
    /// they now stand in. Returns the concepts whose pages show that text: the card's own,
    /// and those it mentions (their backlinks quote it).
    pub fn retext(&mut self, node: NodeId, card: Arc<Card>, outline: Arc<Outline>) -> Vec<NodeId> {
        let mut sentences: HashMap<NodeId, &Arc<str>> = HashMap::new();
        for link in &outline.links {
            if let Resolution::Node(to) = self.index.resolve(&card.rel, &link.target) {
                sentences.entry(to).or_insert(&link.context);
            }
        }
        let mut shown = vec![node];
        for &e in &self.nodes[node].outgoing {
            let edge = &mut self.edges[e];
            if let (EdgeKind::Mention, Some(sentence)) = (edge.kind, sentences.get(&edge.to)) {
                edge.context = Arc::clone(sentence);
                shown.push(edge.to);
            }
        }
        self.nodes[node].card = Some(card);
        self.nodes[node].outline = Some(outline);
        shown
    }

    /// Adds a node per card, indexed by id, then aliases, then titles.
    fn add_cards(
        &mut self,
        cards: &[Arc<Card>],
        outlines: &[Arc<Outline>],
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let mut owners: HashMap<String, (NodeId, &str)> = HashMap::new();
        for (node, card) in cards.iter().enumerate() {
            self.nodes.push(Node {
                id: card.id.clone(),
                title: card.title.clone(),
                status: card.status,
                card: Some(Arc::clone(card)),
                outline: Some(Arc::clone(&outlines[node])),
                parent: None,
                children: Vec::new(),
                outgoing: Vec::new(),
                incoming: Vec::new(),
            });
            self.index.paths.insert(card.rel.clone(), node);
            self.index.add_near(&card.id, node);
            if let Some(&(other, _)) = owners.get(&card.id) {
                diagnostics.push(
                    Diagnostic::error(
                        &card.path,
                        Pos::START,
                        format!(
                            "duplicate id `{}`: {} has it too",
                            card.id,
                            cards[other].path.display()
                        ),
                    )
                    .hint("ids come from file names; rename one of the files"),
                );
            } else {
                owners.insert(card.id.clone(), (node, "id"));
                self.index.keys.insert(card.id.clone(), node);
            }
        }
        for (node, card) in cards.iter().enumerate() {
            for Located { name: alias, pos } in &card.aliases {
                let key = slugify(alias);
                match owners.get(&key) {
                    Some(&(other, _)) if other == node => {}
                    Some(&(other, what)) => diagnostics.push(
                        Diagnostic::error(
                            &card.path,
                            *pos,
                            format!(
                                "alias `{alias}` is already the {what} of {}",
                                cards[other].path.display()
                            ),
                        )
                        .hint("an alias must name one card only; remove or change it"),
                    ),
                    None => {
                        owners.insert(key.clone(), (node, "alias"));
                        self.index.keys.insert(key, node);
                    }
                }
            }
        }
        for (node, card) in cards.iter().enumerate() {
            self.index.keys.entry(slugify(&card.title)).or_insert(node);
        }
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
    ) -> Option<NodeId> {
        let resolution = match known {
            Some(node) => Resolution::Node(node),
            None => self.index.resolve(&card.rel, target),
        };
        match resolution {
            Resolution::Node(node) => {
                if self.nodes[node].card.is_none() {
                    prefer_readable_title(&mut self.nodes[node].title, target);
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
                if let Some(near) = self.near_miss(&id) {
                    diagnostics.push(
                        Diagnostic::warning(
                            &card.path,
                            pos(),
                            format!("`{name}` matches no card, so it becomes a stub"),
                        )
                        .hint(format!("did you mean `{near}`?")),
                    );
                }
                let node = self.nodes.len();
                self.nodes.push(Node {
                    id: id.clone(),
                    title: name,
                    status: Status::Stub,
                    card: None,
                    outline: None,
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

    /// A card id within two edits of `id`: a link that probably meant it.
    fn near_miss(&self, id: &str) -> Option<&str> {
        if id.chars().count() <= 3 {
            return None;
        }
        self.index
            .near_misses(id)
            .filter(|&n| slug::edit_distance(id, &self.nodes[n].id) <= 2)
            .min()
            .map(|n| self.nodes[n].id.as_str())
    }

    fn add_edge(&mut self, seen: &mut HashSet<(NodeId, NodeId, EdgeKind)>, edge: Edge) {
        if seen.insert((edge.from, edge.to, edge.kind)) {
            let index = self.edges.len();
            self.nodes[edge.from].outgoing.push(index);
            self.nodes[edge.to].incoming.push(index);
            self.edges.push(edge);
        }
    }

    /// Sets every node's parent and children from the parent edges.
    fn link_parents(&mut self) {
        for edge in self.edges.iter().filter(|e| e.kind == EdgeKind::Parent) {
            self.nodes[edge.from].parent = Some(edge.to);
            self.nodes[edge.to].children.push(edge.from);
        }
    }

    fn check_parent_cycles(&self, diagnostics: &mut Vec<Diagnostic>) {
        let mut done = vec![false; self.nodes.len()];
        for start in 0..self.nodes.len() {
            let mut path = Vec::new();
            let mut node = Some(start);
            while let Some(n) = node {
                if done[n] {
                    break;
                }
                if let Some(at) = path.iter().position(|&p| p == n) {
                    let cycle = &path[at..];
                    let files: Vec<String> = cycle
                        .iter()
                        .chain(std::iter::once(&n))
                        .filter_map(|&c| {
                            self.nodes[c]
                                .card
                                .as_ref()
                                .map(|card| card.path.display().to_string())
                        })
                        .collect();
                    let Some(first) = &self.nodes[n].card else {
                        break;
                    };
                    let pos = first.parent.as_ref().map_or(Pos::START, |p| p.pos);
                    diagnostics.push(
                        Diagnostic::error(
                            &first.path,
                            pos,
                            format!("parent cycle: {}", files.join(" → ")),
                        )
                        .hint("a concept cannot be its own ancestor; remove one `parent`"),
                    );
                    break;
                }
                path.push(n);
                node = self.nodes[n].parent;
            }
            for p in path {
                done[p] = true;
            }
        }
    }

    /// Written cards in an order that puts every card after its parent and its
    /// prerequisites, otherwise in node order; cards caught in a cycle come last, in node
    /// order. Kahn's algorithm: linear in cards and edges.
    pub fn reading_path(&self) -> Vec<NodeId> {
        self.reading_order().0
    }

    /// The reading path, and the cards left out of it by a cycle.
    fn reading_order(&self) -> (Vec<NodeId>, Vec<NodeId>) {
        let is_card = |n: NodeId| self.nodes[n].card.is_some() && !self.nodes[n].is_stub();
        let before = |e: &Edge| {
            matches!(e.kind, EdgeKind::Parent | EdgeKind::Prerequisite)
                && is_card(e.to)
                && is_card(e.from)
                && e.from != e.to
        };
        let mut waiting = vec![0usize; self.nodes.len()];
        for edge in self.edges.iter().filter(|e| before(e)) {
            waiting[edge.from] += 1;
        }
        let mut ready: std::collections::BTreeSet<NodeId> = (0..self.nodes.len())
            .filter(|&n| is_card(n) && waiting[n] == 0)
            .collect();
        let mut path = Vec::new();
        while let Some(n) = ready.pop_first() {
            path.push(n);
            for edge in self.incoming(n).filter(|e| before(e)) {
                waiting[edge.from] -= 1;
                if waiting[edge.from] == 0 {
                    ready.insert(edge.from);
                }
            }
        }
        let stuck: Vec<NodeId> = (0..self.nodes.len())
            .filter(|&n| is_card(n) && waiting[n] > 0)
            .collect();
        (
            path.into_iter().chain(stuck.iter().copied()).collect(),
            stuck,
        )
    }

    fn check_prerequisite_cycles(&self, diagnostics: &mut Vec<Diagnostic>) {
        let (_, stuck) = self.reading_order();
        let Some(card) = stuck.first().and_then(|&n| self.nodes[n].card.as_ref()) else {
            return;
        };
        let files: Vec<String> = stuck
            .iter()
            .filter_map(|&n| self.nodes[n].card.as_ref())
            .map(|c| c.path.display().to_string())
            .collect();
        let pos = card.prerequisites.first().map_or(Pos::START, |p| p.pos);
        diagnostics.push(
            Diagnostic::warning(
                &card.path,
                pos,
                format!(
                    "prerequisites go round in a circle (or follow one): {}",
                    files.join(", ")
                ),
            )
            .hint("a card cannot need itself first; remove one of the prerequisites"),
        );
    }

    fn check_orphans(&self, diagnostics: &mut Vec<Diagnostic>) {
        if self.nodes.iter().filter(|n| n.card.is_some()).count() < 2 {
            return;
        }
        for node in &self.nodes {
            let linked = node
                .incoming
                .iter()
                .any(|&e| self.edges[e].from != self.edges[e].to);
            if let (Some(card), false, None) = (&node.card, linked, node.parent) {
                diagnostics.push(
                    Diagnostic::warning(
                        &card.path,
                        Pos::START,
                        format!(
                            "`{}` is an orphan: no card links to it and it has no parent",
                            card.id
                        ),
                    )
                    .hint("give it a `parent`, or link it from a related card"),
                );
            }
        }
    }

    /// What `target`, written in `card`, resolves to, now that the graph is complete.
    pub fn resolve(&self, card: &Card, target: &Target) -> Resolution {
        self.index.resolve(&card.rel, target)
    }

    /// The edges into `node`.
    pub fn incoming(&self, node: NodeId) -> impl Iterator<Item = &Edge> {
        self.nodes[node].incoming.iter().map(|&e| &self.edges[e])
    }

    /// The edges out of `node`.
    pub fn outgoing(&self, node: NodeId) -> impl Iterator<Item = &Edge> {
        self.nodes[node].outgoing.iter().map(|&e| &self.edges[e])
    }

    /// The nodes at the top of the concept tree: cards without a parent, and stubs that
    /// are parents of cards.
    pub fn roots(&self) -> impl Iterator<Item = NodeId> {
        (0..self.nodes.len()).filter(|&n| {
            let node = &self.nodes[n];
            node.parent.is_none() && (node.card.is_some() || !node.children.is_empty())
        })
    }

    /// Stubs, most wanted first (then by id), each with the nodes that link to it (once
    /// each, in node order).
    pub fn wanted(&self) -> Vec<(NodeId, Vec<NodeId>)> {
        let mut stubs: Vec<(NodeId, Vec<NodeId>)> = (0..self.nodes.len())
            .filter(|&n| self.nodes[n].is_stub())
            .map(|n| {
                let mut wanting: Vec<NodeId> = self
                    .incoming(n)
                    .map(|e| e.from)
                    .filter(|&f| f != n)
                    .collect();
                wanting.dedup();
                (n, wanting)
            })
            .collect();
        stubs.sort_by(|a, b| {
            b.1.len()
                .cmp(&a.1.len())
                .then_with(|| self.nodes[a.0].id.cmp(&self.nodes[b.0].id))
        });
        stubs
    }

    /// The node a name (id, alias or title, in any case) stands for, if any.
    pub fn find(&self, name: &str) -> Option<NodeId> {
        self.index.keys.get(&slugify(name)).copied()
    }

    /// The chain of ancestors of `node`, the root first (bounded, in case of a cycle).
    pub fn ancestors(&self, node: NodeId) -> Vec<NodeId> {
        let mut chain = Vec::new();
        let mut current = self.nodes[node].parent;
        while let Some(n) = current.filter(|&n| n != node && chain.len() < self.nodes.len()) {
            chain.push(n);
            current = self.nodes[n].parent;
        }
        chain.reverse();
        chain
    }
}

/// Keeps the stub's most readable name: `DNS` or `Domain Name System` over `dns`.
fn prefer_readable_title(name: &mut String, target: &Target) {
    if let Target::Name(candidate) = target {
        let is_slug = |s: &str| slugify(s) == s;
        if is_slug(name) && !is_slug(candidate) {
            *name = candidate.trim().to_string();
        }
    }
}
