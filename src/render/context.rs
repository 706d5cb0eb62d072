//! What templates are given: typed page contexts borrowed from the graph, and the small
//! functions that make their parts. Every part that is drawn from other data (a link's
//! `<a>` element, a card's HTML, the local graph's SVG) holds that data and is drawn only
//! when the template is rendered: a page's signature is the hash of its whole context.

use super::body::Body;
use super::localgraph::LocalGraph;
use crate::card::{Reading, Status};
use crate::config::Config;
use crate::graph::{Counts, Edge, EdgeKind, Graph, NodeId};
use crate::html::encode_path;
use crate::markdown::{self, Href};
use crate::slug::slugify;
use crate::theme::Theme;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};

/// The relative prefix from a page one folder deep back to the site root.
pub const UP: &str = "../";
/// The relative prefix from a page at the site root.
pub const HERE: &str = "./";

/// What every page knows about the site.
#[derive(Serialize, Hash)]
pub struct SiteInfo<'a> {
    title: &'a str,
    description: Option<&'a str>,
    base_url: Option<&'a str>,
    language: &'a str,
    extra: Extra<'a>,
    /// Where each asset the templates name is under `assets/`.
    assets: &'a BTreeMap<String, String>,
    /// The note whose content opens the home page.
    #[serde(skip)]
    pub home: Option<&'a str>,
}

impl<'a> SiteInfo<'a> {
    /// What `config` and `theme` tell every page.
    pub fn of(config: &'a Config, theme: &'a Theme) -> SiteInfo<'a> {
        SiteInfo {
            title: &config.title,
            description: config.description.as_deref(),
            base_url: config.base_url.as_deref(),
            language: &config.language,
            extra: Extra(&config.extra),
            assets: &theme.asset_paths,
            home: config.home.as_deref(),
        }
    }
}

/// `extra:` of the configuration, for templates; hashed by its text.
#[derive(Serialize)]
struct Extra<'a>(&'a serde_json::Value);

impl std::hash::Hash for Extra<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.to_string().hash(state);
    }
}

/// A page's template context: what every page knows, and the page's own content.
#[derive(Serialize, Hash)]
pub struct Page<'a, T> {
    /// The site.
    pub site: &'a SiteInfo<'a>,
    /// The relative prefix from this page back to the site root.
    pub root: &'a str,
    /// The page's address under the site root, URL-encoded (`tcp/`; empty for the home
    /// page): with `site.base_url`, its canonical address.
    pub path: String,
    /// The page's own content, its fields at the top level of the context.
    #[serde(flatten)]
    pub content: T,
}

/// A link to a concept as templates draw it. Its `html` (the whole `<a>` element, with the
/// same markup as links in cards) follows from the other fields and is made only when a
/// template is rendered.
#[derive(Hash)]
pub struct NodeLink<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub status: Status,
    pub summary: Option<&'a str>,
    pub url: String,
}

impl Serialize for NodeLink<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut link = serializer.serialize_struct("NodeLink", 6)?;
        link.serialize_field("id", self.id)?;
        link.serialize_field("title", self.title)?;
        link.serialize_field("status", self.status.name())?;
        link.serialize_field("summary", &self.summary)?;
        link.serialize_field("url", &self.url)?;
        link.serialize_field(
            "html",
            &markdown::link_html(href(self.status, self.title, self.url.clone()), self.title),
        )?;
        link.end()
    }
}

/// A card or stub that links to the page's concept, with the sentence of the link.
#[derive(Serialize, Hash)]
pub struct BackLink<'a> {
    node: NodeLink<'a>,
    kind: EdgeKind,
    context: &'a str,
}

/// A concept in the home page's tree.
#[derive(Serialize, Hash)]
pub struct TreeItem<'a> {
    node: NodeLink<'a>,
    children: Vec<TreeItem<'a>>,
}

/// The context of a card page (`card.html`) and of a stub page (`stub.html`).
#[derive(Serialize, Hash)]
pub struct ConceptPage<'a> {
    pub node: NodeLink<'a>,
    /// The card's file and front matter; None for a stub without a file.
    pub card: Option<CardView<'a>>,
    pub body: Body<'a>,
    /// "Where this concept fits" (empty for a concept with no neighbours).
    pub local_graph: LocalGraph<'a>,
    pub breadcrumb: Vec<NodeLink<'a>>,
    pub children: Vec<NodeLink<'a>>,
    pub next: Vec<NodeLink<'a>>,
    pub related: Vec<NodeLink<'a>>,
    pub prerequisites: Vec<NodeLink<'a>>,
    pub backlinks: Vec<BackLink<'a>>,
    pub next_has_stubs: bool,
    /// The card's contents list: its headings (shown when there are three or more).
    pub toc: &'a [markdown::Heading],
    /// Whether the page shows a Mermaid diagram (its own or an embedded card's).
    pub diagrams: bool,
}

/// The parts of a card that templates show as they are.
#[derive(Serialize, Hash)]
pub struct CardView<'a> {
    pub path: String,
    pub tags: Vec<TagLink<'a>>,
    pub reading: &'a [Reading],
    /// Classes for the page, from `cssclasses`.
    pub css_classes: &'a [String],
    pub extra: &'a BTreeMap<String, serde_yaml::Value>,
}

/// A link to a tag's page.
#[derive(Serialize, Hash)]
pub struct TagLink<'a> {
    name: &'a str,
    url: String,
}

/// A tag with its concepts: the content of a tag page, and an entry of the tags index.
#[derive(Serialize, Hash)]
pub struct TagEntry<'a> {
    tag: TagLink<'a>,
    cards: Vec<NodeLink<'a>>,
}

/// The content of the tags index.
#[derive(Serialize, Hash)]
pub struct TagsPage<'a> {
    pub tags: Vec<TagEntry<'a>>,
}

/// The content of the whole-graph page.
#[derive(Serialize, Hash)]
pub struct GraphPage {
    pub counts: Counts,
    pub svg: String,
}

/// The content of the home page.
#[derive(Serialize, Hash)]
pub struct IndexPage<'a> {
    /// The note that opens it, if the site names one.
    pub home: Option<HomeNote<'a>>,
    pub counts: Counts,
    pub tree: Vec<TreeItem<'a>>,
    pub percent_complete: usize,
    pub reading_path: Vec<NodeLink<'a>>,
}

/// The note that opens the home page: its title and its content.
#[derive(Serialize, Hash)]
pub struct HomeNote<'a> {
    pub node: NodeLink<'a>,
    pub body: Body<'a>,
}

/// A stub with the cards that want it, for the stubs page.
#[derive(Serialize, Hash)]
pub struct WantedStub<'a> {
    node: NodeLink<'a>,
    wanted_by: Vec<NodeLink<'a>>,
}

/// The content of the stubs page and of the 404 page.
#[derive(Serialize, Hash)]
pub struct ListPage<'a> {
    pub stubs: Vec<WantedStub<'a>>,
}

/// A link to `node` from a page whose way back to the site root is `root`.
pub fn node_link<'g>(graph: &'g Graph, node: NodeId, root: &str) -> NodeLink<'g> {
    let n = &graph[node];
    NodeLink {
        id: &n.id,
        title: &n.title,
        status: n.status,
        summary: n.card.as_ref().and_then(|c| c.summary.as_deref()),
        url: format!("{root}{}/", encode_path(&n.id)),
    }
}

/// How a link to a concept with `status` and `title` at `url` looks.
pub(super) fn href(status: Status, title: &str, url: String) -> Href {
    match status {
        Status::Stub => Href::Stub {
            url,
            title: title.to_string(),
        },
        status => Href::Card {
            url,
            title: title.to_string(),
            status: status.name(),
        },
    }
}

/// A link to the page of the tag `name`.
pub fn tag_link<'a>(name: &'a str, root: &str) -> TagLink<'a> {
    TagLink {
        name,
        url: format!("{root}tags/{}/", encode_path(&slugify(name))),
    }
}

/// How many levels the home page's tree nests; the concepts below the last level are
/// listed flat under it, so that a chain thousands of parents long neither nests the page
/// (and the template's recursion) that deep nor loses a concept.
const MAX_TREE_DEPTH: usize = 32;

/// `node` and, below it, the concepts under it not already shown (`seen`), `depth` levels
/// down the tree.
pub fn tree_item<'g>(
    graph: &'g Graph,
    node: NodeId,
    depth: usize,
    seen: &mut HashSet<NodeId>,
) -> TreeItem<'g> {
    seen.insert(node);
    let children = unseen_children(graph, node, seen);
    let children = match depth + 1 < MAX_TREE_DEPTH {
        true => (children.into_iter())
            .map(|c| tree_item(graph, c, depth + 1, seen))
            .collect(),
        false => {
            let mut below = Vec::new();
            let mut stack: Vec<NodeId> = children.into_iter().rev().collect();
            while let Some(n) = stack.pop() {
                seen.insert(n);
                below.push(TreeItem {
                    node: node_link(graph, n, HERE),
                    children: Vec::new(),
                });
                stack.extend(unseen_children(graph, n, seen).into_iter().rev());
            }
            below
        }
    };
    TreeItem {
        node: node_link(graph, node, HERE),
        children,
    }
}

/// The children of `node` not in `seen`, in node order.
fn unseen_children(graph: &Graph, node: NodeId, seen: &HashSet<NodeId>) -> Vec<NodeId> {
    (graph[node].children.iter())
        .filter(|c| !seen.contains(c))
        .copied()
        .collect()
}

/// One entry per node with an edge into `node` that `keep` accepts, in node order, with
/// the sentence of its first link in the text, if it has one.
pub fn backlinks<'g>(
    graph: &'g Graph,
    node: NodeId,
    root: &str,
    keep: impl Fn(&Edge) -> bool,
) -> Vec<BackLink<'g>> {
    let mut by_source: BTreeMap<NodeId, BackLink> = BTreeMap::new();
    for edge in graph.incoming(node).filter(|e| e.from != node && keep(e)) {
        let entry = by_source.entry(edge.from).or_insert_with(|| BackLink {
            node: node_link(graph, edge.from, root),
            kind: edge.kind,
            context: "",
        });
        if entry.context.is_empty() {
            entry.context = &edge.context;
        }
    }
    by_source.into_values().collect()
}

/// Every tag with its cards, by slug, in node order, with links relative to `root`. Tags
/// that differ only in case or separators are one.
pub fn tag_entries<'g>(graph: &'g Graph, root: &str) -> BTreeMap<String, TagEntry<'g>> {
    let mut tags: BTreeMap<String, TagEntry> = BTreeMap::new();
    for (node, n) in graph.iter() {
        for name in n.card.iter().flat_map(|c| &c.tags) {
            tags.entry(slugify(name))
                .or_insert_with(|| TagEntry {
                    tag: tag_link(name, root),
                    cards: Vec::new(),
                })
                .cards
                .push(node_link(graph, node, root));
        }
    }
    tags
}

/// Stubs, most wanted first, with the cards that link to them.
pub fn wanted_stubs<'g>(graph: &'g Graph, root: &str) -> Vec<WantedStub<'g>> {
    graph
        .wanted()
        .into_iter()
        .map(|(stub, wanting)| WantedStub {
            node: node_link(graph, stub, root),
            wanted_by: wanting
                .into_iter()
                .map(|n| node_link(graph, n, root))
                .collect(),
        })
        .collect()
}
