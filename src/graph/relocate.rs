//! A card moved to another folder, for `serve`: its node goes to its new place among the
//! cards (path order) with its edges, the stubs into the order their first links now give,
//! and under its new folder's node if it has no parent; the warnings of the stubs it links
//! to (or whose ids are near its own) follow their first links. Where names or paths would
//! find other concepts after the move, the graph declines and a full build runs. A property
//! test compares the two.

use super::checks::orphan_problem;
use super::insert::Folder;
use super::{EdgeKind, Graph, NodeId};
use crate::card::{Card, Status};
use crate::diagnostic::Diagnostic;
use crate::markdown::Target;
use crate::slug::slugify;
use std::collections::HashSet;
use std::sync::Arc;

impl Graph {
    /// Takes `card` as the card of `node` moved (see [`Card::same_but_place`]), now right
    /// after the card of `after` in path order (first if None), if that can be done in place:
    /// it has no old addresses or permalink, embeds nothing and nothing embeds it, none of
    /// its names is another's too, no link to it or from it is written as a path, it is no
    /// folder's note, here or there; each stub it links to is named alike by all its links;
    /// and without a parent, it leaves a folder that keeps another card for one that has a
    /// node. `diagnostics` follow (those of its file, the stubs' warnings). Returns the
    /// concepts whose pages change: its own, those it links to or that link to it, its
    /// folders'. None, the graph untouched, when a full build is needed.
    pub fn move_card(
        &mut self,
        node: NodeId,
        card: Arc<Card>,
        after: Option<NodeId>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Vec<NodeId>> {
        let old = self[node].card.clone()?;
        if !old.same_but_place(&card) || !self.moves_in_place(node, &old, &card) {
            return None;
        }
        let old_path = old.path.display().to_string();
        if (diagnostics.iter()).any(|d| d.message.contains(&old_path)) {
            return None;
        }
        // Its place once it has left the old one.
        let to = NodeId(match after {
            None => 0,
            Some(after) if after < node => after.0 + 1,
            Some(after) => after.0,
        });
        let old_folder = self.adopted_under(node);
        let new_folder = match card.parent.is_none() && card.rel.contains('/') {
            true => match self.folder_place(&card.rel)? {
                Folder::Known(folder) => Some(folder),
                Folder::New { .. } => return None,
            },
            false => None,
        };
        if old_folder.is_some_and(|f| Some(f) != new_folder && !self.adopted_beside(node, f)) {
            return None;
        }
        // The stubs whose warnings may move: those it links to (their titles must not depend
        // on the order of their links), and those whose ids are near its own.
        let mut stubs: Vec<NodeId> = (self.outgoing(node).map(|e| e.to))
            .filter(|&t| self[t].card.is_none() && self[t].status == Status::Stub)
            .collect();
        stubs.sort_unstable();
        stubs.dedup();
        for &stub in &stubs {
            let references = self.references(stub, None)?;
            if !references.windows(2).all(|w| w[0].name() == w[1].name()) {
                return None;
            }
            // `[[more/x]]` joins the stub `x` if that is made first, else makes its own.
            let joining = format!("-{}", self[stub].id);
            if (self.nodes.iter()).any(|n| n.card.is_none() && n.id.ends_with(&joining)) {
                return None;
            }
        }
        stubs.extend(self.stubs_near(&card.id));
        stubs.sort_unstable();
        stubs.dedup();
        let stubs: Vec<String> = stubs.iter().map(|&s| self[s].id.clone()).collect();
        let mut warnings: HashSet<Diagnostic> = self.stub_warnings(&stubs)?.into_iter().collect();
        // Under a folder now, or no longer, it may be an orphan no more, or now.
        warnings.extend(orphan_problem(self, node));

        // Its edge to its folder goes, its node moves, its edges with it, then the stubs
        // into the order of their first links.
        if old_folder.is_some() {
            let adopts = self.card_adopts..self.edges.len();
            let edge = adopts.clone().find(|&e| self.edges[e].from == node)?;
            self.edges.remove(edge);
        }
        self.move_node(node, to);
        self.move_edge_block(to);
        if new_folder.is_some() {
            let folder = self.folder_of(&card.rel)?;
            let adopts = &self.edges[self.card_adopts..];
            let place = self.card_adopts + adopts.partition_point(|e| e.from < to);
            let edge = super::Edge::new(to, folder, EdgeKind::Parent, Arc::from(""));
            self.edges.insert(place, edge);
        }
        let order = self.order_after_removal(&[]);
        self.reorder(&order);
        self.index.paths.remove(&old.rel);
        self.index.paths.insert(card.rel.clone(), to);
        self.index.notes.retain(|_, n| *n != to);
        self.index.add_note(&card.rel, to);
        self.nodes[to.0].card = Some(Arc::clone(&card));
        self.list_edges();

        diagnostics.retain(|d| !warnings.contains(d));
        for d in diagnostics.iter_mut().filter(|d| d.path == old.path) {
            d.path = card.path.clone();
        }
        diagnostics.extend(self.stub_warnings(&stubs).into_iter().flatten());
        diagnostics.extend(orphan_problem(self, to));
        let mut shown: Vec<NodeId> = vec![to];
        shown.extend(self.outgoing(to).map(|e| e.to));
        shown.extend(self.incoming(to).map(|e| e.from));
        shown.extend(
            [&old.rel, &card.rel]
                .iter()
                .filter_map(|rel| self.folder_of(rel)),
        );
        // Under another folder, the breadcrumbs below it change.
        if self.adopted_under(to) != old_folder.and_then(|_| self.folder_of(&old.rel)) {
            shown.extend(self.below(to));
        }
        let embedding: Vec<NodeId> = shown.iter().flat_map(|&n| self.embedding(n)).collect();
        shown.extend(embedding);
        shown.sort_unstable();
        shown.dedup();
        Some(shown)
    }

    /// Whether nothing but its place changes when the card of `node` moves from `old` to
    /// `new`.
    fn moves_in_place(&self, node: NodeId, old: &Card, new: &Card) -> bool {
        let plain = old.moved_from.is_empty()
            && old.permalink.is_none()
            && self[node].id == old.id
            && !self.index.shared.contains_key(&old.id)
            && !old.outline.links.iter().any(|l| l.embed)
            && !self.embedded_by.contains_key(&node)
            && !self.redirects.iter().any(|r| r.to == node)
            && !self.folders.values().any(|&n| n == node);
        let mut names: Vec<String> = old.aliases.iter().map(|a| slugify(&a.name)).collect();
        names.extend([slugify(&old.title), old.id.clone()]);
        let contested = names.iter().any(|n| self.index.contested.contains(n));
        // Links from it and to it find it and what it names by name, not by path.
        let by_name = |target: &Target| matches!(target, Target::Name(n) if !n.contains('/'));
        let names_by_name = old.outline.links.iter().all(|l| by_name(&l.target))
            && old.located().all(|l| !l.name.contains('/'));
        let named_by_name = self
            .references(node, None)
            .is_some_and(|references| (references.iter()).all(|r| !r.name().contains('/')));
        plain && !contested && names_by_name && named_by_name && !self.is_folder_note(&new.rel)
    }

    /// The folder node the card of `node` sits under for want of a parent, if any.
    fn adopted_under(&self, node: NodeId) -> Option<NodeId> {
        (self.edges[self.card_adopts..].iter())
            .find(|e| e.from == node)
            .map(|e| e.to)
    }

    /// The node of the folder of the card at `rel`, if it has one.
    fn folder_of(&self, rel: &str) -> Option<NodeId> {
        let (folder, _) = rel.rsplit_once('/')?;
        self.folders.get(folder).copied()
    }

    /// Moves the edges of the card of `node` (numbered anew already) to where the edges of
    /// its new place go: after those of the cards before it.
    fn move_edge_block(&mut self, node: NodeId) {
        let cards = &self.edges[..self.card_edges];
        let Some(start) = cards.iter().position(|e| e.from == node) else {
            return;
        };
        let end = start + cards[start..].iter().take_while(|e| e.from == node).count();
        let len = end - start;
        let before = cards[..start].partition_point(|e| e.from < node);
        let after = end + cards[end..].partition_point(|e| e.from < node);
        if before < start {
            self.edges[before..end].rotate_right(len);
        } else {
            self.edges[start..after].rotate_left(len);
        }
    }
}
