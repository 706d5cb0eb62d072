//! The concept tree: on the home page as much of it as [`TREE_BUDGET`] allows, and, for
//! sites larger than that, the outline of every concept on list pages.

use super::context::{HERE, NodeLink, node_link};
use crate::graph::{Graph, NodeId};
use serde::Serialize;
use std::collections::HashSet;

/// The most concepts the home page's tree shows. A larger site shows the levels that fit
/// whole, each concept with the number of its children left out, and links to the
/// outline of all.
pub const TREE_BUDGET: usize = 300;

/// How many levels a tree nests; the concepts below the last level are listed flat under
/// it, so that a chain thousands of parents long neither nests the page (and the
/// template's recursion) that deep nor loses a concept.
const MAX_TREE_DEPTH: usize = 32;

/// How deep an outline entry may be indented.
const MAX_OUTLINE_DEPTH: usize = 8;

/// A concept in the home page's tree.
#[derive(Serialize, Hash)]
pub struct TreeItem<'a> {
    node: NodeLink<'a>,
    children: Vec<TreeItem<'a>>,
    /// How many of its children the tree leaves out.
    hidden: usize,
}

/// How much of the tree the home page shows.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum TreeShape {
    /// Every concept.
    Whole,
    /// This many levels from the roots (at least one), as many as fit [`TREE_BUDGET`].
    Levels(usize),
}

impl TreeShape {
    /// How much of `graph`'s tree fits the home page.
    pub fn of(graph: &Graph) -> TreeShape {
        let mut shown = 0;
        let mut levels = 0;
        let mut level: Vec<NodeId> = graph.roots().collect();
        while !level.is_empty() && shown + level.len() <= TREE_BUDGET {
            shown += level.len();
            levels += 1;
            level = (level.iter())
                .flat_map(|&n| graph[n].children.iter().copied())
                .collect();
        }
        match level.is_empty() {
            true => TreeShape::Whole,
            false => TreeShape::Levels(levels.clamp(1, MAX_TREE_DEPTH)),
        }
    }
}

/// The home page's tree, as much of it as `shape` says.
pub fn home_tree(graph: &Graph, shape: TreeShape) -> Vec<TreeItem<'_>> {
    match shape {
        TreeShape::Whole => {
            let mut seen = HashSet::new();
            (graph.roots())
                .map(|n| whole_item(graph, n, 0, &mut seen))
                .collect()
        }
        TreeShape::Levels(levels) => (graph.roots().take(TREE_BUDGET))
            .map(|n| level_item(graph, n, levels - 1))
            .collect(),
    }
}

/// `node` and `below` levels of the concepts under it.
fn level_item(graph: &Graph, node: NodeId, below: usize) -> TreeItem<'_> {
    let children = &graph[node].children;
    TreeItem {
        node: node_link(graph, node, HERE),
        children: match below {
            0 => Vec::new(),
            _ => (children.iter())
                .map(|&c| level_item(graph, c, below - 1))
                .collect(),
        },
        hidden: if below == 0 { children.len() } else { 0 },
    }
}

/// `node` and every concept under it not already shown (`seen`), `depth` levels down.
fn whole_item<'g>(
    graph: &'g Graph,
    node: NodeId,
    depth: usize,
    seen: &mut HashSet<NodeId>,
) -> TreeItem<'g> {
    seen.insert(node);
    let children = unseen_children(graph, node, seen);
    let children = match depth + 1 < MAX_TREE_DEPTH {
        true => (children.into_iter())
            .map(|c| whole_item(graph, c, depth + 1, seen))
            .collect(),
        false => {
            let mut below = Vec::new();
            let mut stack: Vec<NodeId> = children.into_iter().rev().collect();
            while let Some(n) = stack.pop() {
                seen.insert(n);
                below.push(TreeItem {
                    node: node_link(graph, n, HERE),
                    children: Vec::new(),
                    hidden: 0,
                });
                stack.extend(unseen_children(graph, n, seen).into_iter().rev());
            }
            below
        }
    };
    TreeItem {
        node: node_link(graph, node, HERE),
        children,
        hidden: 0,
    }
}

/// The children of `node` not in `seen`, in node order.
fn unseen_children(graph: &Graph, node: NodeId, seen: &HashSet<NodeId>) -> Vec<NodeId> {
    (graph[node].children.iter())
        .filter(|c| !seen.contains(c))
        .copied()
        .collect()
}

/// Every concept in the tree, each after its parent, with its depth (at most
/// [`MAX_OUTLINE_DEPTH`]): the tree as a list that pages can split.
pub fn outline(graph: &Graph) -> Vec<(NodeId, usize)> {
    let mut entries = Vec::new();
    let mut seen = HashSet::new();
    let mut stack: Vec<(NodeId, usize)> = graph.roots().map(|n| (n, 0)).collect();
    stack.reverse();
    while let Some((node, depth)) = stack.pop() {
        if !seen.insert(node) {
            continue;
        }
        entries.push((node, depth.min(MAX_OUTLINE_DEPTH)));
        let children = graph[node].children.iter().rev();
        stack.extend(children.map(|&c| (c, depth + 1)));
    }
    entries
}
