//! Nodes are numbered by their place in the graph's list; when `serve` adds or takes out a
//! node in place, every table that names nodes is numbered anew here, in one pass each.

use super::{Graph, NodeId};

impl Graph {
    /// Gives every node named in the edges and tables its new number (not the list of
    /// nodes itself).
    fn renumber(&mut self, new: impl Fn(NodeId) -> NodeId) {
        for edge in &mut self.edges {
            edge.from = new(edge.from);
            edge.to = new(edge.to);
        }
        self.index.renumber(&new);
        self.folders.values_mut().for_each(|n| *n = new(*n));
        self.redirects.iter_mut().for_each(|r| r.to = new(r.to));
        let embedded_by = std::mem::take(&mut self.embedded_by);
        self.embedded_by = (embedded_by.into_iter())
            .map(|(to, by)| (new(to), by.into_iter().map(&new).collect()))
            .collect();
    }

    /// Moves every node from `at` on one place up, for a node to go in at `at`.
    pub(super) fn make_room(&mut self, at: NodeId) {
        self.renumber(|n| NodeId(n.0 + usize::from(n >= at)));
    }

    /// Takes `node` out of the list of nodes and the tables, and moves every node after it
    /// one place down (its edges must be gone, or lead elsewhere, already).
    pub(super) fn take_out(&mut self, node: NodeId) {
        self.nodes.remove(node.0);
        self.index.forget(node);
        self.renumber(|n| NodeId(n.0 - usize::from(n > node)));
        if self.folder_nodes > node.0 {
            self.folder_nodes -= 1;
        }
    }

    /// Puts node `i` at place `order[i]`, for every node.
    pub(super) fn reorder(&mut self, order: &[usize]) {
        let mut places: Vec<Option<super::Node>> = Vec::new();
        places.resize_with(self.nodes.len(), || None);
        for (i, node) in std::mem::take(&mut self.nodes).into_iter().enumerate() {
            places[order[i]] = Some(node);
        }
        self.nodes = places.into_iter().flatten().collect();
        self.renumber(|n| NodeId(order[n.0]));
    }
}
