//! Taking a deleted card out of the graph in place, for `serve`: the links and relations
//! that named it then name one stub, made where a full build makes it (among the stubs, in
//! the order their first links come), or the graph declines and a full build runs. A
//! property test compares the two.

use super::build::{free_id, near_hint, prefer_readable_title, stub_warning};
use super::checks::orphan_problem;
use super::{EdgeKind, Graph, NodeId, Resolution, relations};
use crate::card::{Card, Status};
use crate::diagnostic::{Diagnostic, Pos};
use crate::markdown::Target;
use crate::slug::slugify;
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::PathBuf;

/// A link or relation that named the deleted card: what it says and where it stands.
#[derive(Clone)]
pub(super) struct Reference {
    target: Target,
    /// Where it stands in its file.
    pub pos: Pos,
    /// Its file.
    pub path: PathBuf,
}

impl Reference {
    /// The name it uses, as a stub takes it.
    pub(super) fn name(&self) -> &str {
        match &self.target {
            Target::Name(name) | Target::Path(name) => name.trim(),
        }
    }
}

impl Graph {
    /// Takes out the card of `node`, whose file is gone, if that can be done in place: it
    /// has no embeds either way, old addresses, permalink or aliases others claim; it is
    /// no folder's node, and its folder keeps its node or that node goes with it (see
    /// [`Graph::folder_goes_with`]); no stub it links to hints at it; and
    /// all that named it named it by one name (a wikilink's path too, if nothing else would
    /// answer to it once the card is gone), which then names a new stub.
    /// The stubs it linked to keep their place, title and warning as the links that are
    /// left give them, or go with their last link. `diagnostics` follow (its own go,
    /// orphans, the warnings at stubs' first links, the hints at it now at the next card). Returns the concepts whose pages
    /// change: the stubs', those that named it or that it named, and everything below it;
    /// and the ids of the concepts that are gone (its own, stubs' and its folder's), whose
    /// pages go.
    /// None, the graph untouched, when a full build is needed.
    pub fn remove_card(
        &mut self,
        node: NodeId,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<(Vec<NodeId>, Vec<String>)> {
        let card = self[node].card.clone()?;
        if !self.leaves_in_place(node, &card) {
            return None;
        }
        // The stubs whose warnings hint at it then hint at the next card near them, if any
        // (unless it links to one: that may change or go with it).
        let hinting: Vec<String> = (self.stubs_near(&card.id))
            .filter(|&s| self.nearest_card(&self[s].id) == Some(node))
            .map(|s| self[s].id.clone())
            .collect();
        if (self.outgoing(node)).any(|e| hinting.contains(&self[e.to].id)) {
            return None;
        }
        let hints: HashSet<Diagnostic> = self.stub_warnings(&hinting)?.into_iter().collect();
        let references = self.references(node, None)?;
        let stub_id = match references.first() {
            Some(_) => {
                let id = one_stub(&references)?;
                let taken =
                    |n: &super::Node| n.id == free_id(&id) && n.card.as_ref() != Some(&card);
                let free = !id.is_empty()
                    && !self.index.unpublished.contains_key(&id)
                    && self.index.keys.get(&id).is_none_or(|&n| n == node)
                    && !self.nodes.iter().any(taken);
                if !free {
                    return None;
                }
                Some(id)
            }
            None => None,
        };
        // The stubs it links to, with the links to each that are left (first to last), and
        // the warning each made at the link that made it, which moves to the next link.
        let mut linked: Vec<(NodeId, Vec<Reference>, bool)> = Vec::new();
        let mut made: Vec<(String, Reference)> = Vec::new();
        for stub in self.outgoing(node).map(|e| e.to) {
            let seen = linked.iter().any(|(s, ..)| *s == stub);
            if !seen && self[stub].card.is_none() && self[stub].status == Status::Stub {
                if self.index.unpublished.contains_key(&self[stub].id) {
                    return None;
                }
                // The links left matter where it made the stub or gave it its title; else
                // only whether there are any.
                let maker = self.incoming(stub).next().map(|e| e.from) == Some(node);
                let titled = self.names(node, stub).contains(&self[stub].title);
                let left = match maker || titled {
                    true => self.references(stub, Some(node))?,
                    false => Vec::new(),
                };
                let others = self.incoming(stub).any(|e| e.from != node);
                if let (Some(first), true) = (left.first(), maker) {
                    // The links left make it again, as one stub of the same id (a path
                    // first and its name after would make two).
                    if one_stub(&left).is_none_or(|id| free_id(&id) != self[stub].id) {
                        return None;
                    }
                    made.push((slugify(first.name()), first.clone()));
                }
                linked.push((stub, left, others));
            }
        }
        // What it named loses a link: none of those is an orphan yet, some may be after.
        let named: Vec<NodeId> = self.outgoing(node).map(|e| e.to).collect();
        let lone_folder = self[node]
            .parent
            .filter(|&folder| self.folder_goes_with(node, folder));
        let above_folder = lone_folder.and_then(|folder| self[folder].parent);
        let mut shown: Vec<NodeId> = (self.incoming(node).map(|e| e.from))
            .chain(named.iter().copied())
            .chain(self.below(node))
            .chain(above_folder)
            .filter(|&n| n != node)
            .collect();

        // Its node becomes its stub (which keeps the links to it), or goes; its edges go.
        let block = (self.edges[..self.card_edges].iter())
            .filter(|e| e.from == node)
            .count();
        self.edges.retain(|e| e.from != node);
        self.card_edges -= block;
        self.card_adopts -= block;
        self.index.remove_near(&card.id);
        self.index.forget(node);
        let mut dropped: Vec<NodeId> = Vec::new();
        let mut gone_ids = vec![card.id.clone()];
        if let Some(folder) = lone_folder {
            // Its edge is among those that put folders under folders.
            let edge = self.edges.iter().position(|e| e.from == folder);
            if let Some(edge) = edge {
                self.edges.remove(edge);
                self.card_adopts -= 1;
            }
            self.folders.retain(|_, &mut n| n != folder);
            self.index.forget(folder);
            dropped.push(folder);
            gone_ids.push(self[folder].id.clone());
        }
        match &stub_id {
            Some(id) => {
                let title = stub_title(&references);
                self.nodes[node.0] = super::insert::node(&free_id(id), &title, Status::Stub, None);
                self.index.keys.insert(id.clone(), node);
            }
            None => dropped.push(node),
        }
        // The stubs it linked to: retitled by the links left (the pages that link to one
        // show its title), or gone with their last.
        for (stub, left, others) in &linked {
            if !others {
                dropped.push(*stub);
                gone_ids.push(self[*stub].id.clone());
                self.index.forget(*stub);
            } else if !left.is_empty() && self[*stub].title != stub_title(left) {
                self.nodes[stub.0].title = stub_title(left);
                // Its title shows in the links to it (in cards that others embed too) and
                // in the breadcrumbs below it (the edges' lists are not made yet).
                let linking: Vec<NodeId> = (self.edges.iter())
                    .filter(|e| e.to == *stub)
                    .map(|e| e.from)
                    .collect();
                let embedding: Vec<NodeId> =
                    linking.iter().flat_map(|&n| self.embedding(n)).collect();
                shown.extend(linking.into_iter().chain(embedding));
                shown.extend(self.below(*stub));
            }
        }
        let order = self.order_after_removal(&dropped);
        self.reorder(&order);
        self.folder_nodes -= dropped.iter().filter(|n| n.0 < self.folder_nodes).count();
        let now = |n: NodeId| order[n.0].map(NodeId);
        let shown_now = |nodes: &[NodeId]| nodes.iter().filter_map(|&n| now(n)).collect();
        let mut shown: Vec<NodeId> = shown_now(&shown);
        let mut named: Vec<NodeId> = shown_now(&named);
        // Named more than once (a relation and a link) is one orphan's warning at most.
        named.sort_unstable();
        named.dedup();
        let stub = stub_id.as_ref().and_then(|_| now(node));
        self.list_edges();

        // The warning at a stub's first link, where a card's id is near the stub's.
        let own = stub_id.zip(references.first().cloned());
        for (id, first) in own.into_iter().chain(made) {
            if let Some(near) = self.near_miss(&id) {
                let warning = stub_warning(&first.path, first.pos, first.name());
                diagnostics.push(warning.hint(near_hint(near)));
            }
        }
        diagnostics.retain(|d| d.path != card.path && !hints.contains(d));
        diagnostics.extend(self.stub_warnings(&hinting).into_iter().flatten());
        diagnostics.extend(named.iter().filter_map(|&t| orphan_problem(self, t)));
        shown.extend(stub);
        // A page that embeds a card shows that card's links too.
        let embedding: Vec<NodeId> = shown.iter().flat_map(|&n| self.embedding(n)).collect();
        shown.extend(embedding);
        shown.sort_unstable();
        shown.dedup();
        Some((shown, gone_ids))
    }

    /// Whether nothing but the links to it depends on the card of `node`.
    fn leaves_in_place(&self, node: NodeId, card: &Card) -> bool {
        let plain = card.moved_from.is_empty()
            && card.permalink.is_none()
            && self[node].id == card.id
            && !self.index.shared.contains_key(&card.id)
            && !self.embedded_by.contains_key(&node)
            && !self.embedded_by.values().flatten().any(|&n| n == node)
            && !self.redirects.iter().any(|r| r.to == node)
            && !self.folders.values().any(|&n| n == node);
        // It sits under its folder only beside another card.
        let outgoing = self.outgoing(node).all(|e| {
            self[e.to].card.is_some()
                || self[e.to].status == Status::Stub
                || (e.kind == EdgeKind::Parent
                    && (self.adopted_beside(node, e.to) || self.folder_goes_with(node, e.to)))
        });
        // Its names pass to no other card or folder, and no old address waits for its id.
        let mut names: Vec<String> = card.aliases.iter().map(|a| slugify(&a.name)).collect();
        names.extend([slugify(&card.title), card.id.clone()]);
        let others_name = names.iter().any(|n| self.index.contested.contains(n));
        let waiting = self.index.old_addresses.contains(&card.id);
        let cards = self
            .nodes
            .iter()
            .filter(|n| n.card.is_some())
            .nth(2)
            .is_some();
        plain && outgoing && !others_name && !waiting && cards
    }

    /// Whether `node` sits under the folder node `folder` beside another card there.
    pub(super) fn adopted_beside(&self, node: NodeId, folder: NodeId) -> bool {
        self.edges[self.card_adopts..]
            .iter()
            .any(|e| e.to == folder && e.from != node)
    }

    /// Whether the node made for `folder` goes with the card of `node`, the only thing
    /// under it, as a full build would not make it: nothing else links to it, no other
    /// concept claims its name (a full build would give that one the name it has), and
    /// the folder above keeps its node.
    fn folder_goes_with(&self, node: NodeId, folder: NodeId) -> bool {
        let f = &self[folder];
        let numbered = format!("{}-", f.id);
        folder.0 >= self.folder_nodes
            && self.incoming(folder).all(|e| e.from == node)
            && f.id == slugify(&f.title)
            && !self.index.contested.contains(&f.id)
            && !(self.nodes.iter()).any(|n| n.id.starts_with(&numbered))
            && (f.parent).is_none_or(|up| self[up].children.iter().any(|&c| c != folder))
    }

    /// Every link and relation that names `node` (but those of `without`), in the order a
    /// full build meets them, if none is a Markdown link's path, names it by a name that
    /// would find another concept once it is gone, or asks for a heading it lacks.
    pub(super) fn references(
        &self,
        node: NodeId,
        without: Option<NodeId>,
    ) -> Option<Vec<Reference>> {
        let mut sources: Vec<NodeId> = (self.incoming(node).map(|e| e.from))
            .filter(|&f| f != node && Some(f) != without)
            .collect();
        sources.dedup();
        // A card thousands link to has each of their links resolved again: in parallel.
        let found: Option<Vec<Vec<Reference>>> = (sources.par_iter())
            .map(|&source| self.references_from(source, node))
            .collect();
        Some(found?.into_iter().flatten().collect())
    }

    /// The links and relations of the card of `source` that name `node`, as
    /// [`Graph::references`] needs them, or None as it says.
    fn references_from(&self, source: NodeId, node: NodeId) -> Option<Vec<Reference>> {
        let card = self[source].card.as_deref()?;
        let mut found = Vec::new();
        for (target, pos, anchor) in targets(card) {
            if self.index.resolve(&card.rel, &target) != Resolution::Node(node) {
                continue;
            }
            let missing =
                anchor.is_some_and(|a| self.missing_heading(card, node, a, pos).is_some());
            if matches!(&target, Target::Path(_)) || missing {
                return None;
            }
            let reference = Reference {
                target,
                pos,
                path: card.path.clone(),
            };
            // A name that would find another concept once this one is gone names no stub.
            if self.index.finds_other_than(reference.name(), node) {
                return None;
            }
            found.push(reference);
        }
        Some(found)
    }

    /// Where each node goes once a card left (its node a stub now, unless it is among
    /// `dropped`, which go): the cards in their order, then the stubs in the order of
    /// the first edge into each (as a full build makes them), then the nodes made for
    /// folders. None for a node that goes.
    pub(super) fn order_after_removal(&self, dropped: &[NodeId]) -> Vec<Option<usize>> {
        let mut first = vec![usize::MAX; self.nodes.len()];
        for (index, edge) in self.edges.iter().enumerate().rev() {
            first[edge.to.0] = index;
        }
        let kept = |n: &usize| !dropped.contains(&NodeId(*n));
        let all = 0..self.nodes.len();
        let cards = all.clone().filter(|&n| self.nodes[n].card.is_some());
        let mut stubs: Vec<usize> = (all.clone())
            .filter(|&n| n < self.folder_nodes && self.nodes[n].card.is_none())
            .filter(kept)
            .collect();
        stubs.sort_by_key(|&s| first[s]);
        let folders = self.folder_nodes..self.nodes.len();
        let mut order = vec![None; self.nodes.len()];
        let placed = cards
            .chain(stubs.iter().copied())
            .chain(folders)
            .filter(kept);
        for (place, n) in placed.enumerate() {
            order[n] = Some(place);
        }
        order
    }

    /// The names the card of `node` gives `stub` in its links and relations.
    fn names(&self, node: NodeId, stub: NodeId) -> Vec<String> {
        let Some(card) = self[node].card.as_deref() else {
            return Vec::new();
        };
        (targets(card))
            .filter(|(t, ..)| self.index.resolve(&card.rel, t) == Resolution::Node(stub))
            .map(|(t, ..)| match t {
                Target::Name(name) | Target::Path(name) => name.trim().to_string(),
            })
            .collect()
    }

    /// Every node below `node` in the concept tree (their breadcrumbs show it).
    pub(super) fn below(&self, node: NodeId) -> Vec<NodeId> {
        let mut below = self[node].children.clone();
        let mut seen: HashSet<NodeId> = below.iter().copied().collect();
        let mut at = 0;
        while let Some(&n) = below.get(at) {
            for &c in &self[n].children {
                if c != node && seen.insert(c) {
                    below.push(c);
                }
            }
            at += 1;
        }
        below
    }
}

/// The id of the one stub that `references` name once their card is gone, as a full build
/// makes stubs, in their order: a name joins the stub it names by its slug or (a path) by
/// its last `/` part's, and makes one otherwise (`[[people/Bob]]` after `[[Bob]]` joins
/// its stub, not before it). None if they would make more than one.
fn one_stub(references: &[Reference]) -> Option<String> {
    let mut stub: Option<String> = None;
    for reference in references {
        let name = reference.name();
        let id = slugify(name);
        let last = name.rsplit_once('/').map(|(_, last)| slugify(last));
        match &stub {
            None => stub = Some(id),
            Some(made) if *made == id || last.as_ref() == Some(made) => {}
            Some(_) => return None,
        }
    }
    stub
}

/// The title a stub takes from the links to it: the name of the first, or of the first
/// later one not written as a slug where the first was.
fn stub_title(references: &[Reference]) -> String {
    let mut title = references[0].name().to_string();
    for reference in &references[1..] {
        prefer_readable_title(&mut title, &reference.target);
    }
    title
}

/// What the links and relations of `card` name, in the order a full build meets them:
/// each target with where it stands and the heading it asks for.
pub(super) fn targets(card: &Card) -> impl Iterator<Item = (Target, Pos, Option<&str>)> {
    (relations(card).map(|(_, l)| (Target::Name(l.name.clone()), l.pos, None))).chain(
        (card.outline.links.iter())
            .map(|l| (l.target.clone(), l.pos(card.body_line), l.anchor.as_deref())),
    )
}
