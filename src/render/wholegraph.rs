//! The whole knowledge graph on one page, laid out at build time: a radial tree over the
//! parent forest (linear in the number of concepts, so it scales to tens of thousands),
//! each branch given an angle in proportion to its leaves, stubs hung off the first card
//! that wants them. Drawn as one SVG: a link per node, all edges in a single path, labels
//! for the largest branches only, so that the browser stays responsive at 10,000 cards.

use crate::graph::{Graph, NodeId};
use crate::html::{encode_path, escape};
use std::f64::consts::TAU;
use std::fmt::Write;

/// Room each leaf needs on the outer ring, in SVG units.
const LEAF_SPACING: f64 = 16.0;
/// The smallest distance between rings.
const MIN_RING: f64 = 90.0;
/// How many of the largest branches get a visible label.
const LABELS: usize = 24;
/// How many links beside the tree (mentions, relations) are drawn, at most: enough to show
/// how a vault's notes connect, few enough that the page stays light.
const MAX_LINKS: usize = 20_000;
/// How many concepts the page draws at most (about 200 bytes each).
const MAX_DRAWN: usize = 6_000;

/// Where each node goes, and the tree the layout follows.
struct Layout {
    x: Vec<f64>,
    y: Vec<f64>,
    /// Each node's place in the tree (by [`NodeId::index`]): the node it hangs off.
    up: Vec<Option<usize>>,
    leaves: Vec<usize>,
    /// How many steps each node is from a root.
    depth: Vec<usize>,
    extent: f64,
}

fn layout(graph: &Graph) -> Layout {
    let count = graph.len();
    // The tree: each node's parent; a stub without one (and without children) hangs off
    // the first node that links to it.
    let up: Vec<Option<usize>> = graph
        .iter()
        .map(|(n, node)| {
            node.parent
                .or_else(|| match node.card.is_none() && node.children.is_empty() {
                    true => graph.incoming(n).map(|e| e.from).find(|&f| f != n),
                    false => None,
                })
                .map(NodeId::index)
        })
        .collect();
    let mut below: Vec<Vec<usize>> = vec![Vec::new(); count];
    let mut roots = Vec::new();
    for (n, parent) in up.iter().enumerate() {
        match parent {
            Some(p) => below[*p].push(n),
            None => roots.push(n),
        }
    }
    // Depth-first order from the roots, iteratively (chains may be long).
    let mut order = Vec::with_capacity(count);
    let mut depth = vec![0usize; count];
    let mut stack: Vec<usize> = roots.iter().rev().copied().collect();
    let root_depth = usize::from(roots.len() > 1);
    for &r in &roots {
        depth[r] = root_depth;
    }
    while let Some(n) = stack.pop() {
        order.push(n);
        for &c in below[n].iter().rev() {
            depth[c] = depth[n] + 1;
            stack.push(c);
        }
    }
    let mut leaves = vec![1usize; count];
    for &n in order.iter().rev() {
        if !below[n].is_empty() {
            leaves[n] = below[n].iter().map(|&c| leaves[c]).sum();
        }
    }
    let total: usize = roots.iter().map(|&r| leaves[r]).sum::<usize>().max(1);
    let deepest = depth.iter().copied().max().unwrap_or(0).max(1) as f64;
    let ring = (total as f64 * LEAF_SPACING / TAU / deepest).max(MIN_RING);
    // Angles: each node's span is split among its children by their leaves.
    let mut start = vec![0.0f64; count];
    let mut span = vec![0.0f64; count];
    let mut at = 0.0;
    for &r in &roots {
        start[r] = at;
        span[r] = TAU * leaves[r] as f64 / total as f64;
        at += span[r];
    }
    let (mut x, mut y) = (vec![0.0; count], vec![0.0; count]);
    for &n in &order {
        let angle = start[n] + span[n] / 2.0;
        let radius = depth[n] as f64 * ring;
        (x[n], y[n]) = (radius * angle.cos(), radius * angle.sin());
        let mut child_start = start[n];
        for &c in &below[n] {
            start[c] = child_start;
            span[c] = span[n] * leaves[c] as f64 / leaves[n] as f64;
            child_start += span[c];
        }
    }
    Layout {
        x,
        y,
        up,
        leaves,
        depth,
        extent: deepest * ring + 2.0 * MIN_RING,
    }
}

/// The whole graph as an SVG element, and how many concepts it draws: all of them, or on
/// a site of more than [`MAX_DRAWN`] the ones nearest the roots (the largest branches first),
/// so that the page stays a few hundred kilobytes. Node links are relative to `root`.
pub fn whole_graph_svg(graph: &Graph, root: &str) -> (String, usize) {
    let Layout {
        x,
        y,
        up,
        leaves,
        depth,
        extent,
    } = layout(graph);
    let mut nearest: Vec<usize> = (0..graph.len()).collect();
    nearest.sort_by_key(|&n| (depth[n], std::cmp::Reverse(leaves[n])));
    let mut drawn = vec![false; graph.len()];
    for &n in nearest.iter().take(MAX_DRAWN) {
        drawn[n] = true;
    }
    let mut edges = String::new();
    for (n, parent) in up.iter().enumerate() {
        if let Some(p) = parent.filter(|&p| drawn[p] && drawn[n]) {
            let _ = write!(edges, "M{:.0} {:.0}L{:.0} {:.0}", x[p], y[p], x[n], y[n]);
        }
    }
    // The web of links beside the tree: what makes a vault without `parent` keys a graph.
    let mut links = String::new();
    let beside_tree = (graph.edges.iter())
        .map(|e| (e.from.index(), e.to.index()))
        .filter(|&(from, to)| from != to && up[from] != Some(to) && up[to] != Some(from))
        .filter(|&(from, to)| drawn[from] && drawn[to]);
    for (from, to) in beside_tree.take(MAX_LINKS) {
        let _ = write!(
            links,
            "M{:.0} {:.0}L{:.0} {:.0}",
            x[from], y[from], x[to], y[to]
        );
    }
    let mut biggest: Vec<usize> = (0..graph.len()).collect();
    biggest.sort_by_key(|&n| std::cmp::Reverse(leaves[n]));
    let labelled: std::collections::HashSet<usize> = biggest.into_iter().take(LABELS).collect();
    let mut svg = format!(
        "<svg class=\"whole-graph\" viewBox=\"{0:.0} {0:.0} {1:.0} {1:.0}\" style=\"--r: {2:.0}px; --font: {3:.0}px\" role=\"group\" aria-label=\"{4} concepts and how they connect\">\n<path class=\"g-links\" d=\"{links}\"/>\n<path class=\"g-edges\" d=\"{edges}\"/>\n",
        -extent,
        2.0 * extent,
        (extent / 250.0).max(7.0),
        (extent / 45.0).max(12.0),
        graph.len().min(MAX_DRAWN)
    );
    for (id, node) in graph.iter().filter(|(id, _)| drawn[id.index()]) {
        let n = id.index();
        let title = escape(&node.title);
        let note = if node.is_stub() {
            " (not written yet)"
        } else {
            ""
        };
        let _ = write!(
            svg,
            "<a class=\"g-node g-{}\" href=\"{root}{}/\" data-t=\"{}\"><circle cx=\"{:.0}\" cy=\"{:.0}\" r=\"7\"/><title>{title}{note}</title>",
            node.status.name(),
            encode_path(&node.id),
            escape(&node.title.to_lowercase()),
            x[n],
            y[n]
        );
        if labelled.contains(&n) {
            let _ = write!(
                svg,
                "<text x=\"{:.0}\" y=\"{:.0}\">{title}</text>",
                x[n] + 10.0,
                y[n] + 4.0
            );
        }
        svg += "</a>\n";
    }
    (svg + "</svg>\n", graph.len().min(MAX_DRAWN))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::Corpus;

    #[test]
    fn children_sit_outside_their_parent_and_stubs_near_who_wants_them() {
        let cards = [
            ("root.md", "---\ntitle: Root\n---\nWants [[Missing]].\n"),
            ("a.md", "---\nparent: root\n---\nSee [[b]].\n"),
            ("b.md", "---\nparent: root\n---\n"),
            ("c.md", "---\nparent: a\n---\n"),
        ];
        let (graph, _) = Graph::build(&Corpus::of_texts(cards), true);
        let l = layout(&graph);
        let r = |n: usize| (l.x[n] * l.x[n] + l.y[n] * l.y[n]).sqrt();
        let id = |name: &str| graph.find(name).unwrap().index();
        assert_eq!(r(id("root")), 0.0, "a single root sits in the middle");
        assert!(
            r(id("c")) > r(id("a")) && r(id("a")) > 0.0,
            "children further out"
        );
        assert_eq!(
            l.up[id("missing")],
            Some(id("root")),
            "the stub hangs off the card that wants it"
        );
        assert_eq!(l.leaves[id("root")], 3, "c, b and the stub are the leaves");
        let (svg, _) = whole_graph_svg(&graph, "./");
        let (a, b) = (id("a"), id("b"));
        let link = format!("M{:.0} {:.0}L{:.0} {:.0}", l.x[a], l.y[a], l.x[b], l.y[b]);
        assert!(
            svg.contains(&format!("<path class=\"g-links\" d=\"{link}\"/>")),
            "the mention of b beside the tree is drawn: {svg}"
        );
    }
}
