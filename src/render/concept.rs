//! The page of one concept: a card page (`card.html`) or a stub page (`stub.html`), with
//! everything the graph knows around it.

use super::body::Body;
use super::cache::{Drawn, PageCache, draw};
use super::context::{
    CardView, ConceptPage, NodeLink, SiteInfo, UP, backlinks, node_link, tag_link,
};
use super::localgraph::LocalGraph;
use crate::card::Status;
use crate::graph::{EdgeKind, Graph, NodeId};
use crate::theme::Theme;
use anyhow::Result;

/// How many of a concept's nearest ancestors its breadcrumb shows: a chain of thousands of
/// parents would otherwise make every page of it that long.
const MAX_BREADCRUMB: usize = 32;

/// The page of `node`, drawn unless `previous` holds it with the same signature.
pub fn render_concept(
    info: &SiteInfo,
    graph: &Graph,
    theme: &Theme,
    node: NodeId,
    previous: Option<&PageCache>,
) -> Result<Drawn> {
    let n = &graph[node];
    let links = |kind: EdgeKind| -> Vec<NodeLink> {
        graph
            .outgoing(node)
            .filter(|e| e.kind == kind)
            .map(|e| node_link(graph, e.to, UP))
            .collect()
    };
    let next = links(EdgeKind::Next);
    let body = Body::of(graph, node);
    let diagrams = body.has_diagrams();
    let content = ConceptPage {
        node: node_link(graph, node, UP),
        card: n.card.as_deref().map(|card| CardView {
            path: card.path.display().to_string(),
            tags: card.tags.iter().map(|t| tag_link(t, UP)).collect(),
            reading: &card.reading,
            css_classes: &card.css_classes,
            extra: &card.extra,
        }),
        body,
        local_graph: LocalGraph::of(graph, node, UP),
        breadcrumb: (graph
            .ancestors(node)
            .into_iter()
            .rev()
            .take(MAX_BREADCRUMB)
            .rev())
        .map(|a| node_link(graph, a, UP))
        .collect(),
        children: n
            .children
            .iter()
            .map(|&c| node_link(graph, c, UP))
            .collect(),
        next_has_stubs: next.iter().any(|l| l.status == Status::Stub),
        next,
        related: links(EdgeKind::Related),
        prerequisites: links(EdgeKind::Prerequisite),
        backlinks: backlinks(graph, node, UP, |e| e.kind != EdgeKind::Parent),
        toc: n.card.as_ref().map_or(&[], |c| &c.outline.headings),
        diagrams,
    };
    let template = match n.is_stub() {
        true => "stub.html",
        false => "card.html",
    };
    let path = format!("{}/index.html", n.id);
    draw(previous, theme, &path, template, info, UP, content)
}
