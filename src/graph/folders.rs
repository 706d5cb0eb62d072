//! A vault's folders as the shape of its graph: a card with no `parent` sits under the
//! folder that holds it, and each folder under the folder that holds it, so that a vault
//! without `parent` keys still has a tree (home page, breadcrumbs, local graphs). A
//! folder's node is its folder note (a note named like the folder, inside it or beside it)
//! where there is one, a stub of its name (which it then fills), or else a page of its own
//! that lists what it holds.

use super::build::free_id;
use super::{Edge, EdgeKind, Graph, Node, NodeId};
use crate::card::{Card, Status};
use crate::slug::slugify;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

impl Graph {
    /// Gives every node without a parent its folder's node as parent (`cards` are the
    /// cards of `nodes`), adding a node for each such folder that has no note.
    pub(super) fn add_folders(&mut self, cards: &[Arc<Card>], nodes: &[NodeId]) {
        // The folders that hold a card without a parent, and the folders above them.
        let mut folders: BTreeSet<&str> = BTreeSet::new();
        for (card, &node) in cards.iter().zip(nodes) {
            if self[node].parent.is_some() {
                continue;
            }
            let mut rel = card.rel.as_str();
            while let Some((folder, _)) = rel.rsplit_once('/') {
                if !folders.insert(folder) {
                    break;
                }
                rel = folder;
            }
        }
        self.folder_nodes = self.nodes.len();
        if folders.is_empty() {
            return;
        }
        let by_path: HashMap<&str, NodeId> = (cards.iter().zip(nodes))
            .map(|(card, &node)| (card.rel.as_str(), node))
            .collect();
        let mut taken: HashSet<String> = self.nodes.iter().map(|n| n.id.clone()).collect();
        let mut folder_nodes: HashMap<&str, NodeId> = HashMap::new();
        // Parents sort before the folders in them.
        for &folder in &folders {
            let node = self.folder_node(folder, &by_path, &mut taken);
            folder_nodes.insert(folder, node);
        }
        for &folder in &folders {
            let up = folder.rsplit_once('/').map(|(up, _)| up);
            if let Some(&parent) = up.and_then(|up| folder_nodes.get(up)) {
                self.adopt(folder_nodes[folder], parent);
            }
        }
        self.card_adopts = self.edges.len();
        self.folders = (folder_nodes.iter())
            .map(|(&folder, &node)| (folder.to_string(), node))
            .collect();
        for (card, &node) in cards.iter().zip(nodes) {
            let folder = card.rel.rsplit_once('/').map(|(folder, _)| folder);
            if let Some(&parent) = folder.and_then(|folder| folder_nodes.get(folder)) {
                self.adopt(node, parent);
            }
        }
    }

    /// The node of `folder`: its folder note, a stub of its name, or a new folder node.
    fn folder_node(
        &mut self,
        folder: &str,
        by_path: &HashMap<&str, NodeId>,
        taken: &mut HashSet<String>,
    ) -> NodeId {
        let name = folder.rsplit('/').next().unwrap_or(folder);
        if let Some(&note) = folder_notes(folder)
            .iter()
            .find_map(|p| by_path.get(p.as_str()))
        {
            return note;
        }
        let key = slugify(name);
        if let Some(&stub) = self.index.keys.get(&key)
            && self[stub].card.is_none()
            && self[stub].status == Status::Stub
        {
            let node = &mut self.nodes[stub.0];
            node.status = Status::Folder;
            node.title = name.to_string();
            return stub;
        }
        let base = match key.is_empty() || taken.contains(&key) {
            true => slugify(folder),
            false => key.clone(),
        };
        let mut id = free_id(&base);
        for n in 2.. {
            if taken.insert(id.clone()) {
                break;
            }
            id = format!("{base}-{n}");
        }
        let node = self.push(Node {
            id,
            title: name.to_string(),
            status: Status::Folder,
            card: None,
            parent: None,
            children: Vec::new(),
            outgoing: Vec::new(),
            incoming: Vec::new(),
        });
        if !key.is_empty() {
            if self.index.keys.contains_key(&key) {
                self.index.contested.insert(key.clone());
            }
            self.index.keys.entry(key).or_insert(node);
        }
        node
    }

    /// Makes `parent` the parent of `child`, if `child` has none and that makes no circle
    /// (a folder note whose own `parent` lies inside its folder).
    fn adopt(&mut self, child: NodeId, parent: NodeId) {
        if child == parent || self[child].parent.is_some() {
            return;
        }
        let mut up = Some(parent);
        for _ in 0..self.nodes.len() {
            match up {
                Some(n) if n == child => return,
                Some(n) => up = self[n].parent,
                None => break,
            }
        }
        let index = self.edges.len();
        let edge = Edge::new(child, parent, EdgeKind::Parent, Arc::from(""));
        self.edges.push(edge);
        self.nodes[child.0].outgoing.push(index);
        self.nodes[parent.0].incoming.push(index);
        self.nodes[child.0].parent = Some(parent);
        self.nodes[parent.0].children.push(child);
    }
}

/// Where the note of `folder` would be: inside it, then beside it (named like it).
pub(super) fn folder_notes(folder: &str) -> [String; 2] {
    let name = folder.rsplit('/').next().unwrap_or(folder);
    let beside = match folder.rsplit_once('/') {
        Some((up, _)) => format!("{up}/{name}.md"),
        None => format!("{name}.md"),
    };
    [format!("{folder}/{name}.md"), beside]
}
