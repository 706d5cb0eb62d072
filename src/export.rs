//! The knowledge graph for other tools: JSON, Graphviz DOT and Mermaid, and the compact
//! parts the site holds (`graph.json` and `graph/data/`). Pure functions of the graph.

use crate::graph::{EdgeKind, Graph};
use crate::html::encode_path;
use anyhow::Result;
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
    /// A card's file, relative to the cards folder (none for a stub or a folder).
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
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

/// The graph as JSON: `{"nodes": [{id, title, status, tags, url, file}], "edges": [{from,
/// to, kind}]}`, `file` for cards alone.
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
                file: n.card.as_ref().map(|c| c.rel.as_str()),
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

/// How many nodes one part of the site's graph data holds (about 1 MB at most).
const NODES_PER_PART: usize = 10_000;
/// How many edges one part of the site's graph data holds (about 1 MB at most).
const EDGES_PER_PART: usize = 50_000;

/// The index of the site's graph data (`graph.json`): how many of each, and the parts.
#[derive(Serialize)]
struct SiteGraph<'a> {
    format: &'static str,
    about: &'static str,
    nodes: usize,
    edges: usize,
    mentions: usize,
    node_parts: &'a [String],
    edge_parts: &'a [String],
    mention_parts: &'a [String],
}

/// The graph as the site holds it, compact and in parts so that no file grows with the
/// site: `graph.json` names the parts under `graph/data/`: nodes as `[id, title, status,
/// tags]` (a node's page is `<id>/`), and edges as `[from, to, kind]` by node number,
/// mentions (links in the text) apart from the relations. Each file is handed to `emit`
/// with its path as soon as it is made; stops at the first error `emit` returns.
pub fn site_files(graph: &Graph, mut emit: impl FnMut(String, String) -> Result<()>) -> Result<()> {
    let nodes = (graph.iter()).map(|(_, n)| {
        let tags = n.card.as_ref().map_or(&[][..], |c| &c.tags);
        (n.id.as_str(), n.title.as_str(), n.status.name(), tags)
    });
    let edge = |e: &crate::graph::Edge| (e.from.index(), e.to.index(), e.kind.name());
    let mention = |e: &&crate::graph::Edge| e.kind == EdgeKind::Mention;
    let edges = graph.edges.iter().filter(|e| !mention(e)).map(edge);
    let mentions = graph.edges.iter().filter(mention).map(edge);
    let (nodes, node_parts) = parts("nodes", nodes, NODES_PER_PART, &mut emit)?;
    let (edges, edge_parts) = parts("edges", edges, EDGES_PER_PART, &mut emit)?;
    let (mentions, mention_parts) = parts("mentions", mentions, EDGES_PER_PART, &mut emit)?;
    let index = SiteGraph {
        format: "cardweb-graph/2",
        about: "nodes: [id, title, status, tags], a node's page at <id>/; edges and mentions: [from, to, kind], by the node's number counted from 0 over the node parts in order",
        nodes,
        edges,
        mentions,
        node_parts: &node_parts,
        edge_parts: &edge_parts,
        mention_parts: &mention_parts,
    };
    let index = serde_json::to_string_pretty(&index).unwrap_or_default() + "\n";
    emit("graph.json".into(), index)
}

/// Whether `path` names one of the files [`site_files`] makes (their number changes
/// with the graph).
pub fn is_site_file(path: &str) -> bool {
    path == "graph.json"
        || (path.strip_prefix("graph/data/"))
            .is_some_and(|f| f.ends_with(".json") && !f.contains('/'))
}

/// `items` as JSON arrays of `per_part` each (one, empty, if there are none), named
/// `graph/data/{name}-N.json`, each handed to `emit` as it is made; returns how many items
/// there were and the parts' paths, relative to the site root.
fn parts<T: Serialize>(
    name: &str,
    mut items: impl Iterator<Item = T>,
    per_part: usize,
    emit: &mut impl FnMut(String, String) -> Result<()>,
) -> Result<(usize, Vec<String>)> {
    let (mut count, mut paths) = (0, Vec::new());
    loop {
        let part: Vec<T> = items.by_ref().take(per_part).collect();
        if part.is_empty() && !paths.is_empty() {
            break;
        }
        let path = format!("graph/data/{name}-{}.json", paths.len() + 1);
        emit(path.clone(), serde_json::to_string(&part)?)?;
        paths.push(path);
        count += part.len();
        if part.len() < per_part {
            break;
        }
    }
    Ok((count, paths))
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
