//! Adding a new card to the graph in place, for `serve`: a note that names nothing the site
//! already links to or knows (but the stub it writes up, [`super::fill`]), and links only to
//! written cards, goes where a full build puts it (its node in path order, its edges in its
//! block, its place in its folder), or the graph declines and a full build runs. A property
//! test compares the two.

use super::checks::orphan_problem;
use super::fill::hint_at;
use super::folders::folder_notes;
use super::moved::alias_path;
use super::update::mentions;
use super::{Edge, EdgeKind, Graph, Node, NodeId, Resolution, relations};
use crate::card::{Card, Status};
use crate::diagnostic::Diagnostic;
use crate::markdown::Target;
use crate::slug::slugify;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

impl Graph {
    /// Takes in `card`, a new file that comes right after the card of `after` (first if
    /// None) in path order, if that can be done in place: it has no old addresses (nor
    /// aliases that are paths), permalink or embeds of cards, is published and not a
    /// draft; no concept, folder or redirect has its names (id, title, aliases) but a stub
    /// it writes up (unless a link embeds it); its
    /// links and relations all name written cards; and its folder has a node, or can have a
    /// new one under the node of the folder above. `diagnostics` then follow (orphans, the
    /// hints of stubs near its id, those of the stub). Returns the concepts whose pages
    /// change: its own, its folder's (and the folder above a new one), those it links to,
    /// and those that show the stub it writes up. None, the graph untouched, when a full
    /// build is needed.
    pub fn add_card(
        &mut self,
        after: Option<NodeId>,
        card: Arc<Card>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Vec<NodeId>> {
        let at = NodeId(after.map_or(0, |n| n.0 + 1));
        let stub = self.stub_of(&card.id);
        if !self.takes_in_place(&card, at, stub) {
            return None;
        }
        let (relation_targets, link_targets) = self.written_targets(&card)?;
        let written_up = match stub {
            Some(stub) => Some(self.written_up(stub, &card)?),
            None => None,
        };
        let hinting = self.hinting_at(&card.id, at, stub)?;
        // A card without a parent sits under its folder's node, if it is in a folder.
        let folder = match card.parent.is_none() && card.rel.contains('/') {
            true => Some(self.folder_place(&card.rel)?),
            false => None,
        };
        // With fewer than two cards, whether a card is an orphan depends on the count.
        self.nodes.iter().filter(|n| n.card.is_some()).nth(1)?;
        let mut touched: Vec<NodeId> = (relation_targets.iter().chain(link_targets.iter()))
            .flatten()
            .copied()
            .chain(folder.as_ref().and_then(Folder::node))
            .collect();
        touched.sort_unstable();
        touched.dedup();
        let orphans: HashSet<Diagnostic> = (touched.iter())
            .filter_map(|&t| orphan_problem(self, t))
            .collect();

        // Its node goes in at `at`: the stub's, from among the stubs after the cards, or a
        // new one.
        let card_node = node(&card.id, &card.title, card.status, Some(&card));
        match stub {
            Some(stub) => {
                self.move_node(stub, at);
                self.nodes[at.0] = card_node;
            }
            None => {
                self.make_room(at);
                if self.folder_nodes >= at.0 {
                    self.folder_nodes += 1;
                }
                self.nodes.insert(at.0, card_node);
            }
        }
        self.index.paths.insert(card.rel.clone(), at);
        self.index.add_note(&card.rel, at);
        self.index.add_near(&card.id);
        self.index.keys.insert(card.id.clone(), at);
        for alias in &card.aliases {
            self.index.keys.insert(slugify(&alias.name), at);
        }
        self.index.keys.insert(slugify(&card.title), at);
        let shift = |n: NodeId| match stub {
            Some(stub) if n == stub => at,
            _ => NodeId(n.0 + usize::from(n >= at && stub.is_none_or(|stub| n < stub))),
        };
        let mut touched: Vec<NodeId> = touched.into_iter().map(shift).collect();
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
        let folder = match folder {
            None => None,
            Some(Folder::Known(node)) => Some(shift(node)),
            Some(Folder::New { path, id, up }) => {
                let (made, up) = self.add_folder(path, id, up.map(shift));
                touched.extend(up);
                Some(made)
            }
        };
        if let Some(folder) = folder {
            let adopts = &self.edges[self.card_adopts..];
            let place = self.card_adopts + adopts.partition_point(|e| e.from < at);
            let edge = Edge::new(at, folder, EdgeKind::Parent, Arc::from(""));
            self.edges.insert(place, edge);
            touched.push(folder);
        }
        self.list_edges();

        if !orphans.is_empty() {
            diagnostics.retain(|d| !orphans.contains(d));
        }
        touched.push(at);
        touched.sort_unstable();
        touched.dedup();
        diagnostics.extend(touched.iter().filter_map(|&t| orphan_problem(self, t)));
        hint_at(diagnostics, hinting, &card.id);
        if let Some(written_up) = written_up {
            self.follow_written_up(written_up, at, diagnostics);
            touched.extend(self.showing_written_up(at));
            touched.sort_unstable();
            touched.dedup();
        }
        Some(touched)
    }

    /// Adds the node of the new folder at `path` (with `id`, under the node `up` of the
    /// folder above, if any) where a full build puts it: among the nodes made for folders,
    /// in the order of their paths, its edge among those that put folders under folders.
    /// Returns it, and the node above it (as numbered now).
    fn add_folder(
        &mut self,
        path: String,
        id: String,
        up: Option<NodeId>,
    ) -> (NodeId, Option<NodeId>) {
        let made_before = (self.folders.range(..path.clone()))
            .filter(|(_, n)| n.0 >= self.folder_nodes)
            .count();
        let at = NodeId(self.folder_nodes + made_before);
        self.make_room(at);
        let up = up.map(|n| NodeId(n.0 + usize::from(n >= at)));
        let name = path.rsplit('/').next().unwrap_or(&path);
        self.nodes
            .insert(at.0, node(&id, name, Status::Folder, None));
        self.index.keys.insert(id, at);
        if let Some(up) = up {
            // Folders go under folders in the order of their paths.
            let paths: HashMap<NodeId, &str> = (self.folders.iter())
                .map(|(p, &n)| (n, p.as_str()))
                .collect();
            let region = &self.edges[self.card_edges..self.card_adopts];
            let place = self.card_edges
                + region
                    .partition_point(|e| paths.get(&e.from).is_some_and(|p| *p < path.as_str()));
            let edge = Edge::new(at, up, EdgeKind::Parent, Arc::from(""));
            self.edges.insert(place, edge);
            self.card_adopts += 1;
        }
        self.folders.insert(path, at);
        (at, up)
    }

    /// Whether nothing in the graph depends on `card`'s names or would move with it, so
    /// that it can come in at `at` without a full build, writing up `stub` if it names one.
    fn takes_in_place(&self, card: &Card, at: NodeId, stub: Option<NodeId>) -> bool {
        let plain = card.publish
            && card.status != Status::Draft
            && card.status != Status::Stub
            && card.moved_from.is_empty()
            && card.permalink.is_none()
            && !card.outline.links.iter().any(|l| l.embed);
        // Cards come first in node order: `at` is among them or right after them.
        let in_order =
            at.0 <= self.nodes.len() && (at.0 == 0 || self.nodes[at.0 - 1].card.is_some());
        let id = card.id.as_str();
        let title = slugify(&card.title);
        let other = |node: NodeId| Some(node) != stub;
        let free = |key: &str| !self.index.keys.get(key).is_some_and(|&n| other(n));
        // Its aliases are names (a path is an old address, with a page of its own) that
        // nothing else answers to, as its id and title.
        let aliases: Option<Vec<String>> = (card.aliases.iter())
            .map(|a| alias_path(&a.name).is_none().then(|| slugify(&a.name)))
            .collect();
        let Some(aliases) = aliases else {
            return false;
        };
        let name_free = |key: &str| {
            free(key)
                && !self.index.unpublished.contains_key(key)
                && !self.index.shared.contains_key(key)
        };
        let names_free = !id.is_empty()
            && !super::build::SITE_IDS.contains(&id)
            && name_free(id)
            && name_free(&title)
            && aliases.iter().all(|a| name_free(a));
        if !(plain && in_order && names_free) {
            return false;
        }
        // No other concept has its id, nor a file its pages' place.
        let unclaimed = !(self.iter()).any(|(n, node)| node.id == id && other(n))
            && !self.clashes_with_a_file(id);
        // No other stub a link would now find this card for (by path).
        let no_stub_near = !(self.iter())
            .any(|(n, node)| node.card.is_none() && node.id.ends_with(id) && other(n));
        let no_redirect = !(self.redirects.iter()).any(|r| r.path.split('/').next() == Some(id));
        let not_a_folder_note = !self.is_folder_note(&card.rel);
        // Only tags the site has already (a new tag makes new tag pages).
        let mut tags = card.tags.iter().chain(&card.outline.tags);
        let cards = || self.nodes.iter().filter_map(|n| n.card.as_deref());
        let tags_known =
            tags.all(|t| cards().any(|c| c.tags.contains(t) || c.outline.tags.contains(t)));
        unclaimed && no_stub_near && no_redirect && not_a_folder_note && tags_known
    }

    /// Whether a card at `rel` is (or could be) the note of a folder: it is named like its
    /// folder, or like a folder beside it that holds cards.
    pub(super) fn is_folder_note(&self, rel: &str) -> bool {
        let stem = rel.strip_suffix(".md").unwrap_or(rel);
        let folder_name = stem.rsplit_once('/').map(|(f, _)| f.rsplit('/').next());
        let name = stem.rsplit('/').next().unwrap_or(stem);
        folder_name.flatten() == Some(name)
            || (self.index.paths.keys()).any(|rel| rel.starts_with(&format!("{stem}/")))
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

    /// Where a card without a parent in the folder of `rel` goes: under its folder's node,
    /// or under a new one for its folder (whose name no concept has, and that would not be
    /// a folder note or a filled stub), if the folder above has a node or there is none.
    pub(super) fn folder_place(&self, rel: &str) -> Option<Folder> {
        let (folder, _) = rel.rsplit_once('/')?;
        if let Some(&node) = self.folders.get(folder) {
            return Some(Folder::Known(node));
        }
        let up = match folder.rsplit_once('/') {
            Some((up, _)) => Some(*self.folders.get(up)?),
            None => None,
        };
        let name = folder.rsplit('/').next().unwrap_or(folder);
        let id = slugify(name);
        let numbered = format!("{id}-");
        let free = !id.is_empty()
            && super::build::free_id(&id) == id
            && !self.index.keys.contains_key(&id)
            && !(self.nodes.iter()).any(|n| n.id == id || n.id.starts_with(&numbered))
            && !self.clashes_with_a_file(&id);
        let noteless = !folder_notes(folder)
            .iter()
            .any(|p| self.index.paths.contains_key(p));
        (free && noteless).then(|| Folder::New {
            path: folder.to_string(),
            id,
            up,
        })
    }

    /// Whether the site has an attachment where the pages of `id` go.
    pub(super) fn clashes_with_a_file(&self, id: &str) -> bool {
        let folder = format!("{id}/");
        self.index.files.keys().any(|f| f.starts_with(&folder))
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

/// Where a new card without a parent goes in its folder.
pub(super) enum Folder {
    /// Under the node its folder has.
    Known(NodeId),
    /// Under a new node for the folder at `path`, with `id`, itself under `up`, the node
    /// of the folder above, if any.
    New {
        path: String,
        id: String,
        up: Option<NodeId>,
    },
}

impl Folder {
    /// The node the folder has already, if any.
    fn node(&self) -> Option<NodeId> {
        match self {
            Folder::Known(node) => Some(*node),
            Folder::New { .. } => None,
        }
    }
}

/// A node, before its edges are listed.
pub(super) fn node(id: &str, title: &str, status: Status, card: Option<&Arc<Card>>) -> Node {
    Node {
        id: id.to_string(),
        title: title.to_string(),
        status,
        card: card.cloned(),
        parent: None,
        children: Vec::new(),
        outgoing: Vec::new(),
        incoming: Vec::new(),
    }
}
