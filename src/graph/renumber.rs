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

    /// Moves node `from` to the place of `to`, the nodes between one place towards where
    /// it was.
    pub(super) fn move_node(&mut self, from: NodeId, to: NodeId) {
        match from.cmp(&to) {
            std::cmp::Ordering::Greater => self.nodes[to.0..=from.0].rotate_right(1),
            std::cmp::Ordering::Less => self.nodes[from.0..=to.0].rotate_left(1),
            std::cmp::Ordering::Equal => return,
        }
        self.renumber(|n| match n {
            n if n == from => to,
            n if n >= to && n < from => NodeId(n.0 + 1),
            n if n > from && n <= to => NodeId(n.0 - 1),
            n => n,
        });
    }

    /// Puts node `i` at place `order[i]`, for every node; a node without a place goes
    /// (nothing may name it any more). The nodes are swapped into place in the list they
    /// are in: a new list of every node (twice the memory, freshly faulted in) was most of
    /// the time a deleted card took in `serve`.
    pub(super) fn reorder(&mut self, order: &[Option<usize>]) {
        let kept = order.iter().flatten().count();
        // Where each node goes: the nodes that go take the places after the kept ones.
        let mut spare = kept;
        let mut to: Vec<usize> = (order.iter())
            .map(|place| {
                place.unwrap_or_else(|| {
                    spare += 1;
                    spare - 1
                })
            })
            .collect();
        for i in 0..to.len() {
            // Each swap puts the node at `i` in its place for good (a place given twice,
            // which an order never does, would stop it rather than swap forever).
            while to[i] != i && to[to[i]] != to[i] {
                let j = to[i];
                self.nodes.swap(i, j);
                to.swap(i, j);
            }
        }
        self.nodes.truncate(kept);
        self.renumber(|n| order[n.0].map_or(n, NodeId));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::Corpus;

    #[test]
    fn nodes_go_to_their_places_and_those_without_one_go_or_move() {
        let cards = ["a", "b", "c", "d", "e"].map(|name| (format!("{name}.md"), "---\n---\n"));
        let (mut graph, _) = Graph::build(&Corpus::of_texts(cards), true);
        let ids = |g: &Graph| g.ids().map(|n| g[n].id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&graph), ["a", "b", "c", "d", "e"]);
        graph.reorder(&[Some(2), None, Some(0), Some(3), Some(1)]);
        assert_eq!(ids(&graph), ["c", "e", "a", "d"]);
        assert_eq!(
            graph.find("e").map(|n| n.index()),
            Some(1),
            "the index follows"
        );
        graph.move_node(NodeId(3), NodeId(1));
        assert_eq!(ids(&graph), ["c", "d", "e", "a"]);
        assert_eq!(graph.find("d").map(|n| n.index()), Some(1));
        assert_eq!(graph.find("a").map(|n| n.index()), Some(3));
        graph.move_node(NodeId(1), NodeId(3));
        assert_eq!(ids(&graph), ["c", "e", "a", "d"]);
        assert_eq!(graph.find("d").map(|n| n.index()), Some(3));
        assert_eq!(graph.find("e").map(|n| n.index()), Some(1));
    }
}
