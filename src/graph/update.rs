//! Updating the graph in place after an edit of one card, for `serve`: a new reading of
//! its text ([`Graph::retext`]) or of its links ([`Graph::relink`]). Each leaves the graph
//! exactly as a full build of the edited cards would make it, or declines; a property test
//! compares the two.

use super::checks::orphan_problem;
use super::remove::targets;
use super::{Edge, EdgeKind, Graph, NodeId, Resolution};
use crate::card::{Card, Status};
use crate::diagnostic::{Diagnostic, Pos};
use crate::markdown::Target;
use crate::slug::slugify;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

impl Graph {
    /// Takes in a new reading of the card of `node`, whose front matter, links and headings
    /// are as before: the node gets the new card, and its mentions the sentences they now
    /// stand in. Returns the concepts whose pages show that text: the card's own, those
    /// that embed it, and those it mentions (their backlinks quote it).
    pub fn retext(&mut self, node: NodeId, card: Arc<Card>) -> Vec<NodeId> {
        let targets: Vec<Option<NodeId>> = (card.outline.links.iter())
            .map(|link| match self.index.resolve(&card.rel, &link.target) {
                Resolution::Node(to) => Some(to),
                _ => None,
            })
            .collect();
        let sentences: HashMap<NodeId, Arc<str>> = (mentions(node, &card, &targets).into_iter())
            .map(|edge| (edge.to, edge.context))
            .collect();
        let mut shown = self.embedding(node);
        for &e in &self.nodes[node.0].outgoing {
            let edge = &mut self.edges[e];
            if let (EdgeKind::Mention, Some(sentence)) = (edge.kind, sentences.get(&edge.to)) {
                edge.context = Arc::clone(sentence);
                shown.push(edge.to);
            }
        }
        self.nodes[node.0].card = Some(card);
        shown
    }

    /// The concepts whose pages show a link to `node` with its summary: its own, and those
    /// it points to or that point to it (links and relations; breadcrumbs show no summary).
    pub fn showing_link(&self, node: NodeId) -> Vec<NodeId> {
        std::iter::once(node)
            .chain(self.outgoing(node).map(|e| e.to))
            .chain(self.incoming(node).map(|e| e.from))
            .collect()
    }

    /// Gives `node` its card's new `status`: returns the concepts whose pages show it
    /// ([`Graph::showing_name`]).
    pub fn restatus(&mut self, node: NodeId, status: Status) -> Vec<NodeId> {
        self.nodes[node.0].status = status;
        self.showing_name(node)
    }

    /// The concepts whose pages show the title and status of `node`: in links to it (its
    /// own page, those it links to or that link to it, and those that embed a card linking
    /// to it), and in the breadcrumbs of those below it.
    fn showing_name(&self, node: NodeId) -> Vec<NodeId> {
        let mut shown = self.showing_link(node);
        shown.extend(self.below(node));
        let embedding: Vec<NodeId> = (self.incoming(node))
            .flat_map(|e| self.embedding(e.from))
            .collect();
        shown.extend(embedding);
        shown
    }

    /// Gives the card of `node` its new `title`, if that can be done in place: no link or
    /// relation names it by its old title, nothing else answers to the new one (no
    /// concept, name a card claims or has left unpublished, nor folder), and it neither
    /// embeds nor is embedded (the warnings about embeds name titles). Returns the
    /// concepts whose pages show its title ([`Graph::showing_name`]); None, the graph
    /// untouched, when a full build is needed.
    pub fn retitle(&mut self, node: NodeId, title: &str) -> Option<Vec<NodeId>> {
        let card = self[node].card.clone()?;
        let embeds = self.embedded_by.contains_key(&node)
            || self.embedded_by.values().flatten().any(|&n| n == node);
        if embeds {
            return None;
        }
        let (was, now) = (slugify(&card.title), slugify(title));
        let own = |key: &str| {
            key == self[node].id
                || key == card.id
                || (card.aliases.iter()).any(|alias| slugify(&alias.name) == key)
        };
        let (own_was, own_now) = (own(&was), own(&now));
        if was != now {
            let index = &self.index;
            let named_by_title = !own_was
                && (std::iter::once(node).chain(self.incoming(node).map(|e| e.from)))
                    .filter_map(|n| self[n].card.as_deref())
                    .any(|c| {
                        targets(c).any(|(target, ..)| match target {
                            Target::Name(name) | Target::Path(name) => slugify(&name) == was,
                        })
                    });
            let taken = !own_now
                && (index.keys.contains_key(&now)
                    || index.unpublished.contains_key(&now)
                    || index.shared.contains_key(&now)
                    || index.old_addresses.contains(&now)
                    || self.nodes.iter().any(|n| n.id == now));
            if named_by_title || taken || index.contested.contains(&was) {
                return None;
            }
            if !own_was && index.keys.get(&was) == Some(&node) {
                self.index.keys.remove(&was);
            }
            if !own_now {
                self.index.keys.insert(now, node);
            }
        }
        self.nodes[node.0].title = title.to_string();
        Some(self.showing_name(node))
    }

    /// Takes in a new reading of the card of `node` whose links changed (its front matter,
    /// headings and embeds as before), if that can be done in place: every link, before
    /// and after, names a card or an attachment the site has, or a concept without a card
    /// that the card names just as before (so no stub comes or goes, nor changes its
    /// title), and none has a problem to report but a heading its card lacks. The node's
    /// mentions are made anew, and the warnings in `diagnostics` follow (of orphans, of
    /// missing headings, at the first link to a stub). Returns the concepts whose pages
    /// change: the card's own, those that embed it, and those it linked to or links to
    /// now. None, the graph untouched, when the edit needs a full build.
    pub fn relink(
        &mut self,
        node: NodeId,
        card: Arc<Card>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Vec<NodeId>> {
        let old = self[node].card.clone()?;
        let (before, after) = (self.link_targets(&old)?, self.link_targets(&card)?);
        let kept = self.unwritten(&old, &before);
        if kept != self.unwritten(&card, &after) {
            return None;
        }
        // The first link to a stub made it, and has any warning about it: that moves along
        // (unless the card's front matter names the stub: then that made it).
        let relations: HashSet<NodeId> = (self.outgoing(node))
            .filter(|e| e.kind != EdgeKind::Mention)
            .map(|e| e.to)
            .collect();
        let (first_before, first_after) = (first_links(&before), first_links(&after));
        let mut moved = HashMap::new();
        for &stub in kept.keys() {
            let made_here = self.incoming(stub).next().is_some_and(|e| e.from == node);
            if !made_here || relations.contains(&stub) {
                continue;
            }
            let from = old.outline.links[*first_before.get(&stub)?].pos(old.body_line);
            let to = card.outline.links[*first_after.get(&stub)?].pos(card.body_line);
            if from == Pos::START || to == Pos::START {
                return None; // where an orphan's warning is
            }
            moved.insert(from, to);
        }
        let mut touched: Vec<NodeId> = before.iter().chain(&after).flatten().copied().collect();
        touched.sort_unstable();
        touched.dedup();
        touched.retain(|&t| t != node);
        // Linear however many links and problems there are: a card may link thousands.
        let orphans: HashSet<Diagnostic> = (touched.iter())
            .filter_map(|&t| orphan_problem(self, t))
            .collect();
        let missing: HashSet<Diagnostic> = self.missing_headings(&old, &before).collect();
        if !orphans.is_empty() || !missing.is_empty() {
            diagnostics.retain(|d| !orphans.contains(d) && !missing.contains(d));
        }
        for d in diagnostics.iter_mut().filter(|d| d.path == card.path) {
            if let Some(&to) = moved.get(&d.pos) {
                d.pos = to;
            }
        }
        diagnostics.extend(self.missing_headings(&card, &after));
        self.replace_mentions(node, mentions(node, &card, &after));
        diagnostics.extend(touched.iter().filter_map(|&t| orphan_problem(self, t)));
        self.nodes[node.0].card = Some(card);
        let mut shown = self.embedding(node);
        shown.extend(touched);
        Some(shown)
    }

    /// The names `card` gives each concept without a card that its links (to `targets`)
    /// lead to, in order.
    fn unwritten<'a>(
        &self,
        card: &'a Card,
        targets: &[Option<NodeId>],
    ) -> BTreeMap<NodeId, Vec<&'a Target>> {
        let mut names: BTreeMap<NodeId, Vec<&Target>> = BTreeMap::new();
        for (link, &to) in card.outline.links.iter().zip(targets) {
            if let Some(to) = to.filter(|&to| self[to].card.is_none()) {
                names.entry(to).or_default().push(&link.target);
            }
        }
        names
    }

    /// What each link of `card` names, if every one names a concept (None for an
    /// attachment) without a problem to report; None if one does not.
    pub(super) fn plain_links(&self, card: &Card) -> Option<Vec<Option<NodeId>>> {
        let targets = self.link_targets(card)?;
        let plain = self.missing_headings(card, &targets).next().is_none();
        plain.then_some(targets)
    }

    /// What each link of `card` names, if every one names a concept (None for an
    /// attachment) with no problem to report but, perhaps, a heading it lacks (the card
    /// of an embed neither); None if one does not.
    fn link_targets(&self, card: &Card) -> Option<Vec<Option<NodeId>>> {
        (card.outline.links.iter())
            .map(|link| {
                if self.is_shared(&link.target) {
                    return None;
                }
                match self.index.resolve(&card.rel, &link.target) {
                    Resolution::Node(to) if link.embed && self[to].card.is_some() => None,
                    Resolution::Node(to) => Some(Some(to)),
                    Resolution::File(_) => Some(None),
                    _ => None,
                }
            })
            .collect()
    }

    /// The warnings at the links of `card` (to `targets`) that ask for a heading their
    /// card lacks.
    fn missing_headings<'a>(
        &'a self,
        card: &'a Card,
        targets: &'a [Option<NodeId>],
    ) -> impl Iterator<Item = Diagnostic> + 'a {
        (card.outline.links.iter().zip(targets)).filter_map(|(link, &to)| {
            let pos = link.pos(card.body_line);
            self.missing_heading(card, to?, link.anchor.as_deref()?, pos)
        })
    }

    /// `node` and the concepts whose pages show its text: those that embed it, and those
    /// that embed them.
    pub fn embedding(&self, node: NodeId) -> Vec<NodeId> {
        let mut shown = vec![node];
        let mut at = 0;
        while let Some(&shown_node) = shown.get(at) {
            for &by in self.embedded_by.get(&shown_node).into_iter().flatten() {
                if !shown.contains(&by) {
                    shown.push(by);
                }
            }
            at += 1;
        }
        shown
    }

    /// Puts `mentions` in place of the mentions of `node` (a card), where a full build puts
    /// them: after its relations, in its block of the cards' edges; then lists every
    /// node's edges anew ([`Graph::list_edges`]).
    fn replace_mentions(&mut self, node: NodeId, mentions: Vec<Edge>) {
        let cards = &self.edges[..self.card_edges];
        let start = cards.partition_point(|e| e.from < node);
        let end = cards.partition_point(|e| e.from <= node);
        let relations = start + cards[start..end].partition_point(|e| e.kind != EdgeKind::Mention);
        let added = mentions.len();
        let removed = end - relations;
        self.edges.splice(relations..end, mentions);
        self.card_edges = self.card_edges + added - removed;
        self.card_adopts = self.card_adopts + added - removed;
        self.list_edges();
    }
}

/// The first link to each concept among `targets` (what the links of a card lead to).
fn first_links(targets: &[Option<NodeId>]) -> HashMap<NodeId, usize> {
    let mut first = HashMap::new();
    for (at, to) in targets.iter().enumerate() {
        if let Some(to) = to {
            first.entry(*to).or_insert(at);
        }
    }
    first
}

/// The mention edges of `node` for the links of `card` (to `targets`): one for each concept
/// linked to, with the sentence of the first link to it that has one, as a full build
/// makes them.
pub(super) fn mentions(node: NodeId, card: &Card, targets: &[Option<NodeId>]) -> Vec<Edge> {
    let mut edges: Vec<Edge> = Vec::new();
    let mut made: HashMap<NodeId, usize> = HashMap::new();
    for (link, &to) in card.outline.links.iter().zip(targets) {
        let Some(to) = to.filter(|&to| to != node) else {
            continue;
        };
        match made.get(&to).map(|&e| &mut edges[e]) {
            Some(edge) if edge.context.is_empty() => edge.context = Arc::clone(&link.context),
            Some(_) => {}
            None => {
                made.insert(to, edges.len());
                edges.push(Edge::new(
                    node,
                    to,
                    EdgeKind::Mention,
                    Arc::clone(&link.context),
                ));
            }
        }
    }
    edges
}
