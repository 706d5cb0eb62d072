//! Adding a new card to the graph in place, for `serve`: a note that names nothing the site
//! already links to or knows, and links only to written cards, goes where a full build puts
//! it (its node in path order, its edges in its block, its place in its folder), or the
//! graph declines and a full build runs. A property test compares the two.

use super::checks::orphan_problem;
use super::update::mentions;
use super::{Edge, EdgeKind, Graph, Node, NodeId, Resolution, relations};
use crate::card::{Card, Status};
use crate::diagnostic::Diagnostic;
use crate::markdown::Target;
use crate::slug::{edit_distance, slugify};
use std::collections::HashSet;
use std::sync::Arc;

impl Graph {
    /// Takes in `card`, a new file that comes right after the card of `after` (first if
    /// None) in path order, if that can be done in place: it has no aliases, old addresses,
    /// permalink or embeds of cards, is published and not a draft; no concept, stub,
    /// folder, redirect or near-miss warning has its names; its links and relations all name
    /// written cards; and its folder already has a node. `diagnostics` then follow (orphans).
    /// Returns the concepts whose pages change: its own, its parent's and those it links to.
    /// None, the graph untouched, when a full build is needed.
    pub fn add_card(
        &mut self,
        after: Option<NodeId>,
        card: Arc<Card>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Vec<NodeId>> {
        let at = NodeId(after.map_or(0, |n| n.0 + 1));
        if !self.takes_in_place(&card, at) {
            return None;
        }
        let targets = self.written_targets(&card)?;
        // A card without a parent sits under its folder's node, if it is in a folder.
        let folder = match card.parent.is_none() && card.rel.contains('/') {
            true => Some(self.folder_of(&card.rel)?),
            false => None,
        };
        // With fewer than two cards, whether a card is an orphan depends on the count.
        self.nodes.iter().filter(|n| n.card.is_some()).nth(1)?;
        let (relation_targets, link_targets) = targets;
        let mut touched: Vec<NodeId> = (relation_targets.iter().chain(link_targets.iter()))
            .flatten()
            .copied()
            .chain(folder)
            .collect();
        touched.sort_unstable();
        touched.dedup();
        let orphans: HashSet<Diagnostic> = (touched.iter())
            .filter_map(|&t| orphan_problem(self, t))
            .collect();

        self.make_room(at);
        let shift = |n: NodeId| NodeId(n.0 + usize::from(n >= at));
        let touched: Vec<NodeId> = touched.into_iter().map(shift).collect();
        let folder = folder.map(shift);
        let mut edges: Vec<Edge> = Vec::new();
        for ((kind, _), to) in relations(&card).zip(&relation_targets) {
            let to = shift(to.expect("relations name written cards"));
            if !edges.iter().any(|e| (e.to, e.kind) == (to, kind)) {
                edges.push(Edge::new(at, to, kind, Arc::from("")));
            }
        }
        let link_targets: Vec<Option<NodeId>> =
            link_targets.into_iter().map(|t| t.map(shift)).collect();
        edges.extend(mentions(at, &card, &link_targets));
        let block = self.edges[..self.card_edges].partition_point(|e| e.from < at);
        let added = edges.len();
        self.edges.splice(block..block, edges);
        self.card_edges += added;
        self.card_adopts += added;
        if let Some(folder) = folder {
            let adopts = &self.edges[self.card_adopts..];
            let place = self.card_adopts + adopts.partition_point(|e| e.from < at);
            let edge = Edge::new(at, folder, EdgeKind::Parent, Arc::from(""));
            self.edges.insert(place, edge);
        }
        self.nodes.insert(
            at.0,
            Node {
                id: card.id.clone(),
                title: card.title.clone(),
                status: card.status,
                card: Some(Arc::clone(&card)),
                parent: None,
                children: Vec::new(),
                outgoing: Vec::new(),
                incoming: Vec::new(),
            },
        );
        self.list_edges();
        self.index.paths.insert(card.rel.clone(), at);
        self.index.add_note(&card.rel, at);
        self.index.add_near(&card.id, at);
        self.index.keys.insert(card.id.clone(), at);
        self.index.keys.insert(slugify(&card.title), at);

        if !orphans.is_empty() {
            diagnostics.retain(|d| !orphans.contains(d));
        }
        let now = touched.iter().chain([&at]);
        diagnostics.extend(now.filter_map(|&t| orphan_problem(self, t)));
        let mut shown = touched;
        shown.push(at);
        Some(shown)
    }

    /// Whether nothing in the graph depends on `card`'s names or would move with it, so
    /// that it can come in at `at` without a full build.
    fn takes_in_place(&self, card: &Card, at: NodeId) -> bool {
        let plain = card.publish
            && card.status != Status::Draft
            && card.status != Status::Stub
            && card.aliases.is_empty()
            && card.moved_from.is_empty()
            && card.permalink.is_none()
            && !card.outline.links.iter().any(|l| l.embed);
        // Cards come first in node order: `at` is among them or right after them.
        let in_order =
            at.0 <= self.nodes.len() && (at.0 == 0 || self.nodes[at.0 - 1].card.is_some());
        let id = card.id.as_str();
        let title = slugify(&card.title);
        let names_free = !id.is_empty()
            && !super::build::SITE_IDS.contains(&id)
            && !self.index.keys.contains_key(id)
            && !self.index.keys.contains_key(&title)
            && !self.index.unpublished.contains_key(id)
            && !self.index.unpublished.contains_key(&title)
            && !self.index.shared.contains_key(id)
            && !self.nodes.iter().any(|n| n.id == id);
        // No stub a link would now find this card for, or hint at it.
        let no_stub_near = !self.nodes.iter().any(|n| {
            n.card.is_none()
                && (n.id.ends_with(id)
                    || (n.status == Status::Stub
                        && (4..=64).contains(&n.id.chars().count())
                        && edit_distance(&n.id, id) <= 2))
        });
        let no_redirect = !(self.redirects.iter()).any(|r| r.path.split('/').next() == Some(id));
        // Not the note of a folder, nor in a folder named like it.
        let stem = card.rel.strip_suffix(".md").unwrap_or(&card.rel);
        let folder_name = stem.rsplit_once('/').map(|(f, _)| f.rsplit('/').next());
        let name = stem.rsplit('/').next().unwrap_or(stem);
        let not_a_folder_note = folder_name.flatten() != Some(name)
            && !(self.index.paths.keys()).any(|rel| rel.starts_with(&format!("{stem}/")));
        let known_tags: HashSet<&str> = (self.nodes.iter())
            .filter_map(|n| n.card.as_deref())
            .flat_map(|c| c.tags.iter().chain(&c.outline.tags))
            .map(String::as_str)
            .collect();
        let tags_known =
            (card.tags.iter().chain(&card.outline.tags)).all(|t| known_tags.contains(t.as_str()));
        plain
            && in_order
            && names_free
            && no_stub_near
            && no_redirect
            && not_a_folder_note
            && tags_known
    }

    /// What `card`'s relations and links name, if each relation names a written card and
    /// each link a written card (without a problem: a missing heading, a shared name) or
    /// an attachment the site has (None).
    #[allow(clippy::type_complexity)]
    fn written_targets(&self, card: &Card) -> Option<(Vec<Option<NodeId>>, Vec<Option<NodeId>>)> {
        let written = |to: NodeId| self[to].card.is_some();
        let relations: Vec<Option<NodeId>> = relations(card)
            .map(|(_, located)| {
                let target = Target::Name(located.name.clone());
                match self.index.resolve(&card.rel, &target) {
                    Resolution::Node(to) if written(to) && !self.is_shared(&target) => {
                        Some(Some(to))
                    }
                    _ => None,
                }
            })
            .collect::<Option<_>>()?;
        let links: Vec<Option<NodeId>> = self.plain_links(card)?;
        if links.iter().flatten().any(|&to| !written(to)) {
            return None;
        }
        Some((relations, links))
    }

    /// Whether `target` names a file name several cards share.
    pub(super) fn is_shared(&self, target: &Target) -> bool {
        matches!(target, Target::Name(name) if self.index.shared.contains_key(&slugify(name)))
    }

    /// The node that a card without a parent in the folder of `rel` sits under: that of
    /// another such card there. None if there is none, or `rel` is in no folder.
    fn folder_of(&self, rel: &str) -> Option<NodeId> {
        let (folder, _) = rel.rsplit_once('/')?;
        self.edges[self.card_adopts..]
            .iter()
            .filter(|e| {
                self[e.from]
                    .card
                    .as_ref()
                    .is_some_and(|c| c.parent.is_none())
            })
            .find(|e| {
                let child = &self[e.from].card.as_ref().map_or("", |c| c.rel.as_str());
                child.rsplit_once('/').map(|(f, _)| f) == Some(folder)
            })
            .map(|e| e.to)
    }

    /// Moves every node from `at` on one place up, in every table that names nodes.
    fn make_room(&mut self, at: NodeId) {
        let shift = |n: &mut NodeId| {
            if *n >= at {
                n.0 += 1;
            }
        };
        for edge in &mut self.edges {
            shift(&mut edge.from);
            shift(&mut edge.to);
        }
        let index = &mut self.index;
        let tables = [&mut index.keys, &mut index.paths, &mut index.notes];
        for table in tables {
            table.values_mut().for_each(shift);
        }
        index.shared.values_mut().flatten().for_each(shift);
        index.shift_near(at);
        let embedded_by = std::mem::take(&mut self.embedded_by);
        self.embedded_by = (embedded_by.into_iter())
            .map(|(mut to, mut by)| {
                shift(&mut to);
                by.iter_mut().for_each(shift);
                (to, by)
            })
            .collect();
        self.redirects.iter_mut().for_each(|r| shift(&mut r.to));
    }

    /// Lists every node's edges, parent and children anew from the edges, in their order,
    /// as a full build lists them.
    pub(super) fn list_edges(&mut self) {
        for n in &mut self.nodes {
            n.outgoing.clear();
            n.incoming.clear();
            n.parent = None;
            n.children.clear();
        }
        for (index, edge) in self.edges.iter().enumerate() {
            self.nodes[edge.from.0].outgoing.push(index);
            self.nodes[edge.to.0].incoming.push(index);
            if edge.kind == EdgeKind::Parent {
                self.nodes[edge.from.0].parent = Some(edge.to);
                self.nodes[edge.to.0].children.push(edge.from);
            }
        }
    }
}
