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

    /// Puts node `i` at place `order[i]`, for every node; a node without a place goes
    /// (nothing may name it any more).
    pub(super) fn reorder(&mut self, order: &[Option<usize>]) {
        let mut places: Vec<Option<super::Node>> = Vec::new();
        places.resize_with(self.nodes.len(), || None);
        for (i, node) in std::mem::take(&mut self.nodes).into_iter().enumerate() {
            if let Some(place) = order[i] {
                places[place] = Some(node);
            }
        }
        self.nodes = places.into_iter().flatten().collect();
        self.renumber(|n| order[n.0].map_or(n, NodeId));
    }
}
