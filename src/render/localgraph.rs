//! "Where this concept fits": a concept's neighbourhood (parent above, related concepts
//! beside, children below) laid out at build time as inline SVG, so it reads without
//! JavaScript. Every node is a link; stubs are drawn dashed; a caption says the same in words.

use super::context::{NodeLink, node_link};
use crate::card::Status;
use crate::graph::{Graph, NodeId};
use crate::html::escape;
use serde::Serialize;
use std::fmt::Write;

const BOX_WIDTH: usize = 150;
const BOX_HEIGHT: usize = 40;
const GAP: usize = 20;
const ROW_GAP: usize = 50;
/// The most related concepts and children drawn; the rest are counted in a "+N more" box.
const MAX_RELATED: usize = 4;
const MAX_CHILDREN: usize = 5;
const MAX_LABEL: usize = 22;

/// A box to draw: a concept, or a count of those left out.
#[derive(Clone, Copy)]
enum Item<'l> {
    Node(&'l NodeLink<'l>),
    More(usize),
}

/// What "Where this concept fits" is drawn from: the concept, its parent, the concepts
/// related to it either way and its children. Drawn as SVG when the template is rendered.
#[derive(Hash)]
pub struct LocalGraph<'a> {
    center: NodeLink<'a>,
    parent: Option<NodeLink<'a>>,
    related: Vec<NodeLink<'a>>,
    children: Vec<NodeLink<'a>>,
}

impl<'a> LocalGraph<'a> {
    /// The neighbourhood of `node`, its links relative to `root`.
    pub fn of(graph: &'a Graph, node: NodeId, root: &'a str) -> LocalGraph<'a> {
        let n = &graph[node];
        let links = |ids: &[NodeId]| ids.iter().map(|&i| node_link(graph, i, root)).collect();
        LocalGraph {
            center: node_link(graph, node, root),
            parent: n.parent.map(|p| node_link(graph, p, root)),
            related: links(&graph.related(node)),
            children: links(&n.children),
        }
    }
}

impl Serialize for LocalGraph<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.svg())
    }
}

impl LocalGraph<'_> {
    /// The local graph as a `<figure>` with inline SVG; empty if the concept has no parent,
    /// children or related concepts.
    fn svg(&self) -> String {
        let LocalGraph {
            center,
            parent,
            related,
            children,
        } = self;
        if parent.is_none() && children.is_empty() && related.is_empty() {
            return String::new();
        }
        let side = shown(related, MAX_RELATED);
        let (left, right) = side.split_at(side.len() / 2);
        let mut middle: Vec<Item> = Vec::new();
        middle.extend_from_slice(left);
        middle.push(Item::Node(center));
        middle.extend_from_slice(right);
        let top: Vec<Item> = parent.iter().map(Item::Node).collect();
        let bottom = shown(children, MAX_CHILDREN);
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
                draw_box(&mut boxes, item, center.id, x, y);
            }
        }
        let title = escape(center.title);
        format!(
            "<figure class=\"local-graph\">\n<svg viewBox=\"0 0 {width} {height}\" width=\"{width}\" role=\"group\" aria-label=\"Where {title} fits\">\n{edges}{boxes}</svg>\n<figcaption class=\"visually-hidden\">{}</figcaption>\n</figure>\n",
            escape(&self.describe())
        )
    }

    /// The local graph in words, for screen readers.
    fn describe(&self) -> String {
        let list = |links: &[NodeLink]| links.iter().map(name).collect::<Vec<_>>().join(", ");
        let mut text = format!("{} in the knowledge graph.", self.center.title);
        if let Some(parent) = &self.parent {
            text += &format!(" It belongs under {}.", name(parent));
        }
        if !self.children.is_empty() {
            text += &format!(" Narrower concepts: {}.", list(&self.children));
        }
        if !self.related.is_empty() {
            text += &format!(" Related: {}.", list(&self.related));
        }
        text
    }
}

/// The first `max` of `links` as boxes, and a box that counts the rest.
fn shown<'l>(links: &'l [NodeLink<'l>], max: usize) -> Vec<Item<'l>> {
    let mut items: Vec<Item> = links.iter().take(max).map(Item::Node).collect();
    if links.len() > max {
        items.push(Item::More(links.len() - max));
    }
    items
}

/// A concept's title as read out, saying whether it is written.
fn name(link: &NodeLink) -> String {
    match link.status {
        Status::Stub => format!("{} (not written yet)", link.title),
        _ => link.title.to_string(),
    }
}

fn line(svg: &mut String, x1: usize, y1: usize, x2: usize, y2: usize, class: &str) {
    let _ = writeln!(
        svg,
        "<line class=\"{class}\" x1=\"{x1}\" y1=\"{y1}\" x2=\"{x2}\" y2=\"{y2}\"/>"
    );
}

fn draw_box(svg: &mut String, item: &Item, current: &str, x: usize, y: usize) {
    let (tx, ty) = (x + BOX_WIDTH / 2, y + BOX_HEIGHT / 2 + 5);
    match item {
        Item::More(count) => {
            let _ = writeln!(
                svg,
                "<g class=\"lg-more\"><rect x=\"{x}\" y=\"{y}\" width=\"{BOX_WIDTH}\" height=\"{BOX_HEIGHT}\" rx=\"8\"/><text x=\"{tx}\" y=\"{ty}\" text-anchor=\"middle\">+{count} more</text></g>"
            );
        }
        Item::Node(link) => {
            let status = link.status.name();
            let current_class = if link.id == current {
                " lg-current"
            } else {
                ""
            };
            let label: String = match link.title.chars().count() > MAX_LABEL {
                true => link
                    .title
                    .chars()
                    .take(MAX_LABEL - 1)
                    .chain(['…'])
                    .collect(),
                false => link.title.to_string(),
            };
            let note = if link.status == Status::Stub {
                " (not written yet)"
            } else {
                ""
            };
            let _ = writeln!(
                svg,
                "<a class=\"lg-node lg-{status}{current_class}\" href=\"{}\"><title>{}{note}</title><rect x=\"{x}\" y=\"{y}\" width=\"{BOX_WIDTH}\" height=\"{BOX_HEIGHT}\" rx=\"8\"/><text x=\"{tx}\" y=\"{ty}\" text-anchor=\"middle\">{}</text></a>",
                link.url(),
                escape(link.title),
                escape(&label)
            );
        }
    }
}
