//! "Where this concept fits": a concept's neighbourhood (parent above, related concepts
//! beside, children below) laid out at build time as inline SVG, so it reads without
//! JavaScript. Every node is a link; stubs are drawn dashed; a caption says the same in words.

use crate::graph::{EdgeKind, Graph, NodeId};
use crate::markdown::escape;
use std::fmt::Write;

const BOX_WIDTH: usize = 150;
const BOX_HEIGHT: usize = 40;
const GAP: usize = 20;
const ROW_GAP: usize = 50;
/// The most related concepts and children drawn; the rest are counted in a "+N more" box.
const MAX_RELATED: usize = 4;
const MAX_CHILDREN: usize = 5;
const MAX_LABEL: usize = 22;

/// A box to draw: a node, or a count of those left out.
enum Item {
    Node(NodeId),
    More(usize),
}

/// The concepts drawn beside `node`: related either way, since either side may have
/// written the relation, in the order written.
pub fn related(graph: &Graph, node: NodeId) -> Vec<NodeId> {
    let outgoing = graph
        .outgoing(node)
        .filter(|e| e.kind == EdgeKind::Related)
        .map(|e| e.to);
    let incoming = graph
        .incoming(node)
        .filter(|e| e.kind == EdgeKind::Related)
        .map(|e| e.from);
    let mut related: Vec<NodeId> = Vec::new();
    for other in outgoing.chain(incoming) {
        if other != node && !related.contains(&other) {
            related.push(other);
        }
    }
    related
}

/// The local graph of `node` as a `<figure>` with inline SVG, its links relative to `root`;
/// empty if the concept has no parent, children or related concepts.
pub fn local_graph_svg(graph: &Graph, node: NodeId, root: &str) -> String {
    let n = &graph.nodes[node];
    let related = related(graph, node);
    if n.parent.is_none() && n.children.is_empty() && related.is_empty() {
        return String::new();
    }
    let shown = |ids: &[NodeId], max: usize| -> Vec<Item> {
        let mut items: Vec<Item> = ids.iter().take(max).map(|&i| Item::Node(i)).collect();
        if ids.len() > max {
            items.push(Item::More(ids.len() - max));
        }
        items
    };
    let side = shown(&related, MAX_RELATED);
    let (left, right) = side.split_at(side.len() / 2);
    let mut middle: Vec<Item> = Vec::new();
    middle.extend(left.iter().map(copy_item));
    middle.push(Item::Node(node));
    middle.extend(right.iter().map(copy_item));
    let top: Vec<Item> = n.parent.map(Item::Node).into_iter().collect();
    let bottom = shown(&n.children, MAX_CHILDREN);
    let rows: Vec<&Vec<Item>> = [&top, &middle, &bottom]
        .into_iter()
        .filter(|r| !r.is_empty())
        .collect();
    let widest = rows.iter().map(|r| r.len()).max().unwrap_or(1);
    let width = widest * (BOX_WIDTH + GAP) + GAP;
    let height = rows.len() * (BOX_HEIGHT + ROW_GAP) - ROW_GAP + 2 * GAP;
    let place = |row: &[Item], index: usize| -> (usize, usize) {
        let used = row.len() * (BOX_WIDTH + GAP) - GAP;
        ((width - used) / 2 + index * (BOX_WIDTH + GAP), 0)
    };
    let row_y = |row: usize| GAP + row * (BOX_HEIGHT + ROW_GAP);
    let middle_row = usize::from(!top.is_empty());
    let center_index = left.len();
    let (center_x, _) = place(&middle, center_index);
    let center_y = row_y(middle_row);

    let mut edges = String::new();
    let mut boxes = String::new();
    for (r, row) in rows.iter().enumerate() {
        for (i, item) in row.iter().enumerate() {
            let (x, _) = place(row, i);
            let y = row_y(r);
            match r.cmp(&middle_row) {
                std::cmp::Ordering::Less => line(
                    &mut edges,
                    x + BOX_WIDTH / 2,
                    y + BOX_HEIGHT,
                    center_x + BOX_WIDTH / 2,
                    center_y,
                    "lg-edge",
                ),
                std::cmp::Ordering::Greater => line(
                    &mut edges,
                    center_x + BOX_WIDTH / 2,
                    center_y + BOX_HEIGHT,
                    x + BOX_WIDTH / 2,
                    y,
                    "lg-edge",
                ),
                std::cmp::Ordering::Equal if i != center_index => {
                    let (from, to) = if i < center_index {
                        (x + BOX_WIDTH, center_x)
                    } else {
                        (center_x + BOX_WIDTH, x)
                    };
                    line(
                        &mut edges,
                        from,
                        y + BOX_HEIGHT / 2,
                        to,
                        y + BOX_HEIGHT / 2,
                        "lg-edge lg-related",
                    );
                }
                std::cmp::Ordering::Equal => {}
            }
            draw_box(&mut boxes, graph, item, node, x, y, root);
        }
    }
    let title = escape(&n.title);
    format!(
        "<figure class=\"local-graph\">\n<svg viewBox=\"0 0 {width} {height}\" width=\"{width}\" role=\"group\" aria-label=\"Where {title} fits\">\n{edges}{boxes}</svg>\n<figcaption class=\"visually-hidden\">{}</figcaption>\n</figure>\n",
        escape(&describe(graph, node, &related))
    )
}

fn copy_item(item: &Item) -> Item {
    match item {
        Item::Node(n) => Item::Node(*n),
        Item::More(k) => Item::More(*k),
    }
}

fn line(svg: &mut String, x1: usize, y1: usize, x2: usize, y2: usize, class: &str) {
    let _ = writeln!(
        svg,
        "<line class=\"{class}\" x1=\"{x1}\" y1=\"{y1}\" x2=\"{x2}\" y2=\"{y2}\"/>"
    );
}

fn draw_box(
    svg: &mut String,
    graph: &Graph,
    item: &Item,
    current: NodeId,
    x: usize,
    y: usize,
    root: &str,
) {
    let (tx, ty) = (x + BOX_WIDTH / 2, y + BOX_HEIGHT / 2 + 5);
    match item {
        Item::More(count) => {
            let _ = writeln!(
                svg,
                "<g class=\"lg-more\"><rect x=\"{x}\" y=\"{y}\" width=\"{BOX_WIDTH}\" height=\"{BOX_HEIGHT}\" rx=\"8\"/><text x=\"{tx}\" y=\"{ty}\" text-anchor=\"middle\">+{count} more</text></g>"
            );
        }
        Item::Node(node) => {
            let n = &graph.nodes[*node];
            let status = n.status.name();
            let current_class = if *node == current { " lg-current" } else { "" };
            let label: String = match n.title.chars().count() > MAX_LABEL {
                true => n.title.chars().take(MAX_LABEL - 1).chain(['…']).collect(),
                false => n.title.clone(),
            };
            let note = if n.is_stub() {
                " (not written yet)"
            } else {
                ""
            };
            let _ = writeln!(
                svg,
                "<a class=\"lg-node lg-{status}{current_class}\" href=\"{root}{}/\"><title>{}{note}</title><rect x=\"{x}\" y=\"{y}\" width=\"{BOX_WIDTH}\" height=\"{BOX_HEIGHT}\" rx=\"8\"/><text x=\"{tx}\" y=\"{ty}\" text-anchor=\"middle\">{}</text></a>",
                crate::render::encode_path(&n.id),
                escape(&n.title),
                escape(&label)
            );
        }
    }
}

/// The local graph in words, for screen readers.
fn describe(graph: &Graph, node: NodeId, related: &[NodeId]) -> String {
    let name = |n: NodeId| {
        let node = &graph.nodes[n];
        match node.is_stub() {
            true => format!("{} (not written yet)", node.title),
            false => node.title.clone(),
        }
    };
    let list = |ids: &[NodeId]| ids.iter().map(|&n| name(n)).collect::<Vec<_>>().join(", ");
    let n = &graph.nodes[node];
    let mut text = format!("{} in the knowledge graph.", n.title);
    if let Some(parent) = n.parent {
        text += &format!(" It belongs under {}.", name(parent));
    }
    if !n.children.is_empty() {
        text += &format!(" Narrower concepts: {}.", list(&n.children));
    }
    if !related.is_empty() {
        text += &format!(" Related: {}.", list(related));
    }
    text
}
