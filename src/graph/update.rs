//! Updating the graph in place after an edit of one card, for `serve`: a new reading of
//! its text ([`Graph::retext`]) or of its links ([`Graph::relink`]). Each leaves the graph
//! exactly as a full build of the edited cards would make it, or declines; a property test
//! compares the two.

use super::build::{free_id, near_hint, prefer_readable_title, stub_warning};
use super::checks::orphan_problem;
use super::moved::alias_path;
use super::remove::targets;
use super::{Edge, EdgeKind, Graph, NodeId, Resolution, insert};
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

    /// Gives the card of `node` the aliases of `card` (the rest as before but its text), if
    /// that can be done in place: an alias it gives up is a name (not an old address) that
    /// no link or relation finds it by and no other concept has too; a new one is a name
    /// nothing else answers to. No page shows aliases: only what links find changes (and
    /// the search index, made when edits pause). None, the graph untouched, if not.
    pub fn realias(&mut self, node: NodeId, card: &Card) -> Option<()> {
        let old = self[node].card.clone()?;
        let keys =
            |c: &Card| -> HashSet<String> { c.aliases.iter().map(|a| slugify(&a.name)).collect() };
        let (was, is) = (keys(&old), keys(card));
        let own = |key: &str| key == card.id || key == self[node].id || key == slugify(&card.title);
        let paths =
            (old.aliases.iter().chain(&card.aliases)).any(|a| alias_path(&a.name).is_some());
        let gone: Vec<&String> = was.difference(&is).filter(|k| !own(k)).collect();
        let new: Vec<&String> = is.difference(&was).filter(|k| !own(k)).collect();
        if paths {
            return None;
        }
        let theirs = gone
            .iter()
            .any(|k| self.index.contested.contains(*k) || self.index.keys.get(*k) != Some(&node));
        let taken = new.iter().any(|k| {
            self.index.keys.contains_key(*k)
                || self.index.unpublished.contains_key(*k)
                || self.index.shared.contains_key(*k)
        });
        if theirs || taken {
            return None;
        }
        // What finds it now (by name, path or a path's last part), with the names given up.
        let mut sources: Vec<NodeId> = (self.incoming(node).map(|e| e.from))
            .chain([node])
            .collect();
        sources.sort_unstable();
        sources.dedup();
        let finding: Vec<(Arc<Card>, Target)> = (sources.iter())
            .filter_map(|&source| self[source].card.clone())
            .flat_map(|from| {
                let found: Vec<Target> = (targets(&from).map(|(target, ..)| target))
                    .filter(|target| {
                        self.index.resolve(&from.rel, target) == Resolution::Node(node)
                    })
                    .collect();
                found
                    .into_iter()
                    .map(move |target| (Arc::clone(&from), target))
            })
            .collect();
        for key in &gone {
            self.index.keys.remove(*key);
        }
        let lost = (finding.iter())
            .any(|(from, target)| self.index.resolve(&from.rel, target) != Resolution::Node(node));
        if lost {
            for key in gone {
                self.index.keys.insert(key.clone(), node);
            }
            return None;
        }
        for key in new {
            self.index.keys.insert(key.clone(), node);
        }
        Some(())
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
    /// and after, names a card or an attachment the site has, a concept without a card
    /// that the card names just as before, one that another card made a stub for first, or
    /// (by a plain name) one no concept answers to yet, which gets its stub; a stub only
    /// this card linked to goes with its last link; none has a problem to report but a
    /// heading its card lacks. The node's mentions are made anew, and the warnings in
    /// `diagnostics` follow (of orphans, of missing headings, at the first link to a
    /// stub). Returns the concepts whose pages change: the card's own, those that embed
    /// it, and those it linked to or links to now; and the ids of the stubs that went,
    /// whose pages go. None, the graph untouched, when the edit needs a full build.
    pub fn relink(
        &mut self,
        node: NodeId,
        card: Arc<Card>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<(Vec<NodeId>, Vec<String>)> {
        let old = self[node].card.clone()?;
        let before = self.link_targets(&old)?;
        let (named, new_stubs) = self.named_now(&card)?;
        let gone = self.stubs_unlinked(node, &old, &before, &card, &named)?;
        let gone_ids: Vec<String> = gone.iter().map(|&s| self[s].id.clone()).collect();
        let gone_warnings: HashSet<Diagnostic> =
            self.stub_warnings(&gone_ids)?.into_iter().collect();

        // The first link to a stub made it, and has any warning about it: that moves along
        // (unless the card's front matter names the stub: then that made it).
        let relations: HashSet<NodeId> = (self.outgoing(node))
            .filter(|e| e.kind != EdgeKind::Mention)
            .map(|e| e.to)
            .collect();
        let (first_before, first_now) = (first_links(&before), first_links(&named));
        let mut moved = HashMap::new();
        for &stub in self.unwritten(&old, &before).keys() {
            let made_here = self.incoming(stub).next().is_some_and(|e| e.from == node);
            if !made_here || relations.contains(&stub) || gone.contains(&stub) {
                continue;
            }
            let from = old.outline.links[*first_before.get(&stub)?].pos(old.body_line);
            let to = card.outline.links[*first_now.get(&stub)?].pos(card.body_line);
            if from == Pos::START || to == Pos::START {
                return None; // where an orphan's warning is
            }
            moved.insert(from, to);
        }

        // The new stubs go in after the others (put in order below), then the links find them.
        for stub in &new_stubs {
            let at = NodeId(self.folder_nodes);
            self.make_room(at);
            self.nodes.insert(
                at.0,
                insert::node(&stub.id, &stub.title, Status::Stub, None),
            );
            self.index.keys.insert(stub.id.clone(), at);
            self.folder_nodes += 1;
        }
        let (before, after) = (self.link_targets(&old)?, self.link_targets(&card)?);
        let mut touched: Vec<NodeId> = before.iter().chain(&after).flatten().copied().collect();
        touched.sort_unstable();
        touched.dedup();
        touched.retain(|&t| t != node);
        // Linear however many links and problems there are: a card may link thousands.
        let orphans: HashSet<Diagnostic> = (touched.iter())
            .filter_map(|&t| orphan_problem(self, t))
            .collect();
        let missing: HashSet<Diagnostic> = self.missing_headings(&old, &before).collect();
        if !orphans.is_empty() || !missing.is_empty() || !gone_warnings.is_empty() {
            diagnostics.retain(|d| {
                !orphans.contains(d) && !missing.contains(d) && !gone_warnings.contains(d)
            });
        }
        for d in diagnostics.iter_mut().filter(|d| d.path == card.path) {
            if let Some(&to) = moved.get(&d.pos) {
                d.pos = to;
            }
        }
        diagnostics.extend(self.missing_headings(&card, &after));
        self.replace_mentions(node, mentions(node, &card, &after));
        self.nodes[node.0].card = Some(Arc::clone(&card));
        let mut shown = self.embedding(node);
        // The stubs that went go, and the stubs take the order of their first links.
        let dropped: Vec<NodeId> = (gone_ids.iter())
            .filter_map(|id| self.index.keys.get(id).copied())
            .collect();
        if !dropped.is_empty() || !new_stubs.is_empty() {
            for &stub in &dropped {
                self.index.forget(stub);
            }
            let order = self.order_after_removal(&dropped);
            self.reorder(&order);
            self.folder_nodes -= dropped.len();
            let now = |nodes: &[NodeId]| -> Vec<NodeId> {
                nodes
                    .iter()
                    .filter_map(|&n| order[n.0].map(NodeId))
                    .collect()
            };
            (shown, touched) = (now(&shown), now(&touched));
            self.list_edges();
        }
        diagnostics.extend(touched.iter().filter_map(|&t| orphan_problem(self, t)));
        shown.extend(touched);
        for stub in &new_stubs {
            if let Some(near) = self.near_miss(&stub.id) {
                let link = &card.outline.links[stub.first];
                let warning = stub_warning(&card.path, link.pos(card.body_line), &stub.title);
                diagnostics.push(warning.hint(near_hint(near)));
            }
        }
        shown.sort_unstable();
        shown.dedup();
        Some((shown, gone_ids))
    }

    /// What the links of `card` name now, if each names a concept the graph has, an
    /// attachment, or (by a plain name: no path, embed or heading) a concept nothing answers
    /// to yet, whose stub could be made; with those stubs, in the order of their first links.
    fn named_now(&self, card: &Card) -> Option<(Vec<Option<NodeId>>, Vec<NewStub>)> {
        let mut new_stubs: Vec<NewStub> = Vec::new();
        let mut named = Vec::new();
        for (at, link) in card.outline.links.iter().enumerate() {
            if self.is_shared(&link.target) {
                return None;
            }
            match self.index.resolve(&card.rel, &link.target) {
                Resolution::Node(to) if link.embed && self[to].card.is_some() => return None,
                Resolution::Node(to) => named.push(Some(to)),
                Resolution::File(_) => named.push(None),
                Resolution::Unknown { id, name } => {
                    let plain = matches!(&link.target, Target::Name(n) if !n.contains('/'))
                        && !link.embed
                        && link.anchor.is_none();
                    if !plain || !self.stub_can_come(&id) {
                        return None;
                    }
                    match new_stubs.iter_mut().find(|s| s.id == id) {
                        Some(stub) => prefer_readable_title(&mut stub.title, &link.target),
                        None => new_stubs.push(NewStub {
                            id,
                            title: name,
                            first: at,
                        }),
                    }
                    named.push(None);
                }
                _ => return None,
            }
        }
        Some((named, new_stubs))
    }

    /// Whether a new stub of `id` would be what a full build makes, with nothing else
    /// changing: the id is its page's (no site page has it), no concept or file has it,
    /// no note left out answers to it, and no stub a `[[folder/id]]` made would join it.
    fn stub_can_come(&self, id: &str) -> bool {
        let joining = format!("-{id}");
        !id.is_empty()
            && free_id(id) == id
            && !self.index.unpublished.contains_key(id)
            && !self.clashes_with_a_file(id)
            && !(self.nodes.iter())
                .any(|n| n.id == id || (n.card.is_none() && n.id.ends_with(&joining)))
    }

    /// The stubs that go when the card of `node` (`old`, its links leading to `before`)
    /// becomes `card` (its links naming `named`): those it alone linked to, and no longer
    /// does. None if a stub changes otherwise: it names one by other names than before,
    /// or it made one (linked to it first) that others keep, or it now links first to one
    /// another card made, or a stub's title would come from other names now (the most
    /// readable name of all its links: `DNS` over `dns`).
    fn stubs_unlinked(
        &self,
        node: NodeId,
        old: &Card,
        before: &[Option<NodeId>],
        card: &Card,
        named: &[Option<NodeId>],
    ) -> Option<Vec<NodeId>> {
        let (was, is) = (self.unwritten(old, before), self.unwritten(card, named));
        let maker = |stub: NodeId| self.incoming(stub).next().map(|e| e.from);
        let is_slug = |name: &str| slugify(name) == name;
        let written = |targets: &[&Target]| -> Vec<String> {
            (targets.iter())
                .filter_map(|t| match t {
                    Target::Name(name) => Some(name.trim().to_string()),
                    Target::Path(_) => None,
                })
                .collect()
        };
        let mut gone = Vec::new();
        for (&stub, names) in &was {
            match is.get(&stub) {
                Some(now) if now != names => return None,
                Some(_) => {}
                None if maker(stub) != Some(node) => {
                    // A title that is no slug is the first such name: this card's, perhaps.
                    let title = &self[stub].title;
                    if !is_slug(title) && written(names).contains(title) {
                        return None;
                    }
                }
                None => {
                    let alone = (self.incoming(stub))
                        .all(|e| e.from == node && e.kind == EdgeKind::Mention);
                    if !alone || self.index.unpublished.contains_key(&self[stub].id) {
                        return None;
                    }
                    gone.push(stub);
                }
            }
        }
        let made_before =
            (is.iter())
                .filter(|(stub, _)| !was.contains_key(stub))
                .all(|(&stub, names)| {
                    let title = &self[stub].title;
                    let retitled = is_slug(title) && written(names).iter().any(|n| !is_slug(n));
                    maker(stub).is_some_and(|m| m < node) && !retitled
                });
        made_before.then_some(gone)
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

/// A stub a card's new link makes: its id, its title (the name the link wrote) and the
/// link.
struct NewStub {
    id: String,
    title: String,
    /// The first link to it, by its place among the card's links.
    first: usize,
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
