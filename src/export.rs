//! The knowledge graph for other tools: JSON (also written as `graph.json` in the site),
//! Graphviz DOT and Mermaid. Pure functions of the graph.

use crate::graph::{EdgeKind, Graph};
use crate::html::encode_path;
use serde::Serialize;

/// A node as exported.
#[derive(Serialize)]
struct JsonNode<'a> {
    id: &'a str,
    title: &'a str,
    status: &'static str,
    tags: &'a [String],
    /// The page, relative to the site root.
    url: String,
}

/// An edge as exported.
#[derive(Serialize)]
struct JsonEdge<'a> {
    from: &'a str,
    to: &'a str,
    kind: EdgeKind,
}

/// The whole export.
#[derive(Serialize)]
struct JsonGraph<'a> {
    nodes: Vec<JsonNode<'a>>,
    edges: Vec<JsonEdge<'a>>,
}

/// The graph as JSON: `{"nodes": [{id, title, status, tags, url}], "edges": [{from, to, kind}]}`.
pub fn to_json(graph: &Graph) -> String {
    let export = JsonGraph {
        nodes: graph
            .iter()
            .map(|(_, n)| JsonNode {
                id: &n.id,
                title: &n.title,
                status: n.status.name(),
                tags: n.card.as_ref().map_or(&[][..], |c| &c.tags),
                url: format!("{}/", encode_path(&n.id)),
            })
            .collect(),
        edges: graph
            .edges
            .iter()
            .map(|e| JsonEdge {
                from: &graph[e.from].id,
                to: &graph[e.to].id,
                kind: e.kind,
            })
            .collect(),
    };
    serde_json::to_string_pretty(&export).unwrap_or_default() + "\n"
}

/// The graph in Graphviz DOT: stubs dashed, edges labelled with their kind.
pub fn to_dot(graph: &Graph) -> String {
    let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let mut dot =
        String::from("digraph cardweb {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n");
    for (_, node) in graph.iter() {
        let style = if node.is_stub() {
            ", style=\"rounded,dashed\""
        } else {
            ""
        };
        dot += &format!(
            "  {} [label={}{style}];\n",
            quote(&node.id),
            quote(&node.title)
        );
    }
    for edge in &graph.edges {
        let (from, to) = (&graph[edge.from].id, &graph[edge.to].id);
        dot += &format!(
            "  {} -> {} [label={}];\n",
            quote(from),
            quote(to),
            quote(edge.kind.name())
        );
    }
    dot + "}\n"
}

/// The graph as a Mermaid flowchart: stubs in a dashed class, edges labelled with their kind.
pub fn to_mermaid(graph: &Graph) -> String {
    let label = |s: &str| s.replace('"', "#quot;");
    let mut text = String::from("graph TD\n");
    for (id, node) in graph.iter() {
        let class = if node.is_stub() { ":::stub" } else { "" };
        text += &format!("  n{}[\"{}\"]{class}\n", id.index(), label(&node.title));
    }
    for edge in &graph.edges {
        text += &format!(
            "  n{} -->|{}| n{}\n",
            edge.from.index(),
            edge.kind.name(),
            edge.to.index()
        );
    }
    text + "  classDef stub stroke-dasharray: 5 5\n"
}
