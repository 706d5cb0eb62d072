//! The knowledge graph: every card, a stub node for every concept that is linked but not
//! written, and typed edges between them. Built in one pure pass over all cards
//! ([`build`]), before anything is rendered, so that backlinks, statuses and stubs are all
//! known when the first page is drawn; checked for cycles and orphans ([`checks`]). No I/O.

mod build;
mod checks;
mod embeds;
mod fill;
mod folders;
mod index;
mod insert;
mod moved;
mod relocate;
mod remove;
mod renumber;
mod update;

pub use index::Resolution;
pub use moved::Redirect;

use crate::card::{Card, Located, Status};
use crate::markdown::Target;
use crate::slug::slugify;
pub use embeds::MAX_EMBED_DEPTH;
use index::Index;
use serde::Serialize;
use std::sync::Arc;

/// A node of a [`Graph`]: handed out by the graph when the node is added and looked up
/// there, never counted or assumed (cards are not known to come first, nor in any order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(usize);

impl NodeId {
    /// The node's position among all nodes, for tables with a slot per node.
    pub fn index(self) -> usize {
        self.0
    }
}

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

impl EdgeKind {
    /// The lower-case name used in exports.
    pub fn name(self) -> &'static str {
        match self {
            EdgeKind::Parent => "parent",
            EdgeKind::Related => "related",
            EdgeKind::Next => "next",
            EdgeKind::Prerequisite => "prerequisite",
            EdgeKind::Mention => "mention",
        }
    }
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

impl Edge {
    /// An edge of `kind` from `from` to `to`, with the sentence of the link (empty for a
    /// front-matter relation).
    fn new(from: NodeId, to: NodeId, kind: EdgeKind, context: Arc<str>) -> Edge {
        Edge {
            from,
            to,
            kind,
            context,
        }
    }
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
    /// The card (with its outline), if this concept has a file.
    pub card: Option<Arc<Card>>,
    /// The broader concept.
    pub parent: Option<NodeId>,
    /// Narrower concepts, in node order.
    pub children: Vec<NodeId>,
    /// Edges out of this node, indices into [`Graph::edges`], in the order written.
    outgoing: Vec<usize>,
    /// Edges into this node, indices into [`Graph::edges`], in node order of their source.
    incoming: Vec<usize>,
}

impl Node {
    /// Whether this concept still waits to be written (no card, or `status: stub`).
    pub fn is_stub(&self) -> bool {
        self.status == Status::Stub
    }
}

/// How much of the knowledge system is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Counts {
    /// Cards with `status: complete`.
    pub complete: usize,
    /// Cards with `status: draft`.
    pub draft: usize,
    /// Concepts still to write: linked but missing, or `status: stub`.
    pub stub: usize,
}

impl Counts {
    /// Cards written, complete or draft.
    pub fn written(&self) -> usize {
        self.complete + self.draft
    }
}

/// All concepts and their links.
#[derive(Debug)]
pub struct Graph {
    /// Cards in the order given, then stubs without a card as links found them.
    nodes: Vec<Node>,
    /// All edges, deduplicated by (from, to, kind).
    pub edges: Vec<Edge>,
    index: Index,
    /// The cards whose content each card's page shows (`![[Note]]`), by the embedded card.
    embedded_by: std::collections::HashMap<NodeId, Vec<NodeId>>,
    /// Pages at old addresses of cards, each leading to its card.
    pub redirects: Vec<Redirect>,
    /// How many of `edges` come from the cards (the rest, after them, put cards under
    /// their folders): a block for each card, in node order, its relations then its
    /// mentions.
    card_edges: usize,
    /// Where the edges that put cards under their folders start (after those that put
    /// folders under folders): one for each card so placed, in node order.
    card_adopts: usize,
    /// The node of each folder that holds a card without a parent, or a folder that does.
    folders: std::collections::BTreeMap<String, NodeId>,
    /// Where the nodes made for folders (not notes or stubs) start: the last nodes, in the
    /// order of their folders.
    folder_nodes: usize,
}

impl std::ops::Index<NodeId> for Graph {
    type Output = Node;

    fn index(&self, node: NodeId) -> &Node {
        &self.nodes[node.0]
    }
}

impl Graph {
    /// How many concepts there are, cards and stubs.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the graph has no concept at all.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Every node, in node order.
    pub fn ids(&self) -> impl DoubleEndedIterator<Item = NodeId> + use<> {
        (0..self.nodes.len()).map(NodeId)
    }

    /// Every node with its id, in node order.
    pub fn iter(&self) -> impl Iterator<Item = (NodeId, &Node)> {
        self.nodes.iter().enumerate().map(|(i, n)| (NodeId(i), n))
    }

    /// The node of the card at `rel` (relative to the cards folder), if there is one.
    pub fn card_node(&self, rel: &str) -> Option<NodeId> {
        self.index.paths.get(rel).copied()
    }

    /// How many concepts are complete, draft and stub.
    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for node in &self.nodes {
            match node.status {
                Status::Complete => counts.complete += 1,
                Status::Draft => counts.draft += 1,
                Status::Stub => counts.stub += 1,
                Status::Folder => {}
            }
        }
        counts
    }

    /// What `target`, written in `card`, resolves to, now that the graph is complete.
    pub fn resolve(&self, card: &Card, target: &Target) -> Resolution {
        self.index.resolve(&card.rel, target)
    }

    /// The edges into `node`.
    pub fn incoming(&self, node: NodeId) -> impl Iterator<Item = &Edge> {
        self[node].incoming.iter().map(|&e| &self.edges[e])
    }

    /// The edges out of `node`.
    pub fn outgoing(&self, node: NodeId) -> impl Iterator<Item = &Edge> {
        self[node].outgoing.iter().map(|&e| &self.edges[e])
    }

    /// The nodes at the top of the concept tree: cards without a parent, and stubs that
    /// are parents of cards.
    pub fn roots(&self) -> impl Iterator<Item = NodeId> {
        self.iter()
            .filter(|(_, node)| {
                node.parent.is_none() && (node.card.is_some() || !node.children.is_empty())
            })
            .map(|(id, _)| id)
    }

    /// Stubs, most wanted first (then by id), each with the nodes that link to it (once
    /// each, in node order).
    pub fn wanted(&self) -> Vec<(NodeId, Vec<NodeId>)> {
        let mut stubs: Vec<(NodeId, Vec<NodeId>)> = self
            .ids()
            .filter(|&n| self[n].is_stub())
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
                .then_with(|| self[a.0].id.cmp(&self[b.0].id))
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
        let mut current = self[node].parent;
        while let Some(n) = current.filter(|&n| n != node && chain.len() < self.nodes.len()) {
            chain.push(n);
            current = self[n].parent;
        }
        chain.reverse();
        chain
    }

    /// The concepts related to `node` either way (either side may have written the
    /// relation), in the order written, each once.
    pub fn related(&self, node: NodeId) -> Vec<NodeId> {
        let outgoing = self
            .outgoing(node)
            .filter(|e| e.kind == EdgeKind::Related)
            .map(|e| e.to);
        let incoming = self
            .incoming(node)
            .filter(|e| e.kind == EdgeKind::Related)
            .map(|e| e.from);
        let mut seen = std::collections::HashSet::from([node]);
        outgoing
            .chain(incoming)
            .filter(|&other| seen.insert(other))
            .collect()
    }
}
