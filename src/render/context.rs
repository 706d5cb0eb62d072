//! What templates are given: typed page contexts borrowed from the graph, and the small
//! functions that make their parts. Every part that is drawn from other data (a link's
//! `<a>` element, a card's HTML, the local graph's SVG) holds that data and is drawn only
//! when the template is rendered: a page's signature is the hash of its whole context.

use super::body::Body;
use super::lists::Pager;
use super::localgraph::LocalGraph;
use super::tree::TreeItem;
use crate::card::{Reading, Status};
use crate::config::Config;
use crate::graph::{Counts, Edge, EdgeKind, Graph, NodeId};
use crate::html::encode_path;
use crate::markdown::{self, Href};
use crate::slug::slugify;
use crate::theme::{Shared, Theme};
use serde::Serialize;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

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
    /// Whether links name each page's `index.html` (`links: files`).
    #[serde(skip)]
    pub file_links: bool,
    /// Links from concept pages, as templates see them.
    #[serde(skip)]
    links: SharedLinks,
}

impl<'a> SiteInfo<'a> {
    /// What `config` and `theme` tell every page of a site of `graph`.
    pub fn of(config: &'a Config, theme: &'a Theme, graph: &Graph) -> SiteInfo<'a> {
        SiteInfo {
            title: &config.title,
            description: config.description.as_deref(),
            base_url: config.base_url.as_deref(),
            language: &config.language,
            extra: Extra(&config.extra),
            assets: &theme.asset_paths,
            home: config.home.as_deref(),
            file_links: config.file_links,
            links: SharedLinks(
                std::iter::repeat_with(OnceLock::new)
                    .take(graph.len())
                    .collect(),
            ),
        }
    }

    /// A link to `node` from a concept page (one folder deep): made for templates once,
    /// the first time a page shows it, and shared by every page that shows it after.
    pub fn link<'l>(&'l self, graph: &'l Graph, node: NodeId) -> NodeLink<'l> {
        NodeLink {
            shared: self.links.0.get(node.index()),
            ..node_link(graph, node, UP)
        }
    }
}

/// The template values of links to each concept from concept pages, by node, each made
/// when a page first shows it: most links are to the same concepts from many pages.
struct SharedLinks(Vec<OnceLock<Option<Shared>>>);

/// Nothing: each value is made from its link, which a page hashes itself.
impl Hash for SharedLinks {
    fn hash<H: Hasher>(&self, _: &mut H) {}
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

/// A link to a concept as templates draw it. Its `url` and `html` (the whole `<a>` element,
/// with the same markup as links in cards) follow from the other fields and are made only
/// when a template is rendered: a page whose signature is unchanged needs neither.
#[derive(Clone)]
pub struct NodeLink<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub status: Status,
    pub summary: Option<&'a str>,
    /// The site's root, relative to the page the link is on.
    pub root: &'a str,
    /// Where the link's value for templates is kept once made, if it is shared
    /// ([`SiteInfo::link`]).
    pub shared: Option<&'a OnceLock<Option<Shared>>>,
}

impl Hash for NodeLink<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (self.id, self.title, self.status, self.summary, self.root).hash(state);
    }
}

impl NodeLink<'_> {
    /// The address of the concept's page, relative to the page the link is on.
    pub fn url(&self) -> String {
        format!("{}{}/", self.root, encode_path(self.id))
    }
}

impl Serialize for NodeLink<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self
            .shared
            .map(|made| made.get_or_init(|| Shared::of(&Fields(self))))
        {
            Some(Some(shared)) => shared.serialize(serializer),
            _ => Fields(self).serialize(serializer),
        }
    }
}

/// A link's fields as templates see them, made from the link.
struct Fields<'l, 'a>(&'l NodeLink<'a>);

impl Serialize for Fields<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let Fields(node) = self;
        let mut link = serializer.serialize_struct("NodeLink", 6)?;
        link.serialize_field("id", node.id)?;
        link.serialize_field("title", node.title)?;
        link.serialize_field("status", node.status.name())?;
        link.serialize_field("summary", &node.summary)?;
        let url = node.url();
        link.serialize_field("url", &url)?;
        link.serialize_field(
            "html",
            &markdown::link_html(href(node.status, node.title, url), node.title),
        )?;
        link.end()
    }
}

/// A card or stub that links to the page's concept, with the sentence of the link.
#[derive(Serialize, Hash)]
pub struct BackLink<'a> {
    pub(super) node: NodeLink<'a>,
    kind: EdgeKind,
    pub(super) context: &'a str,
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
    /// The first [`SHOWN`](super::lists::SHOWN) children, and where all are listed if
    /// there are more.
    pub children: Vec<NodeLink<'a>>,
    pub all_children: Option<More>,
    pub next: Vec<NodeLink<'a>>,
    pub related: Vec<NodeLink<'a>>,
    pub prerequisites: Vec<NodeLink<'a>>,
    /// The first backlinks, and where all are listed if there are more.
    pub backlinks: Vec<BackLink<'a>>,
    pub all_backlinks: Option<More>,
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

/// A link to the pages of a whole list, where a page shows only its start.
#[derive(Serialize, Hash)]
pub struct More {
    pub total: usize,
    pub url: String,
}

/// A link to a tag's page.
#[derive(Serialize, Hash)]
pub struct TagLink<'a> {
    name: &'a str,
    url: String,
}

/// A page of a tag's concepts.
#[derive(Serialize, Hash)]
pub struct TagPage<'a> {
    pub tag: TagLink<'a>,
    pub cards: Vec<NodeLink<'a>>,
    pub pager: Pager,
}

/// A tag and how many concepts have it, in the tags index.
#[derive(Serialize, Hash)]
pub struct TagCount<'a> {
    pub tag: TagLink<'a>,
    pub count: usize,
}

/// A page of the tags index.
#[derive(Serialize, Hash)]
pub struct TagsPage<'a> {
    pub tags: Vec<TagCount<'a>>,
    pub pager: Pager,
}

/// The content of the whole-graph page.
#[derive(Serialize, Hash)]
pub struct GraphPage {
    pub counts: Counts,
    pub svg: String,
    /// How many concepts the SVG draws: on a large site, those nearest the roots.
    pub drawn: usize,
    /// Where every concept is listed, on a site too large for the home page's tree.
    pub all_concepts: Option<String>,
}

/// The content of the home page.
#[derive(Serialize, Hash)]
pub struct IndexPage<'a> {
    /// The note that opens it, if the site names one.
    pub home: Option<HomeNote<'a>>,
    pub counts: Counts,
    pub tree: Vec<TreeItem<'a>>,
    /// Where the outline of every concept is, when the tree shows only its top.
    pub all_concepts: Option<More>,
    pub percent_complete: usize,
    /// The start of the reading path, and where all of it is if there is more.
    pub reading_path: Vec<NodeLink<'a>>,
    pub whole_path: Option<More>,
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
    /// The first cards that want it ([`WANTING_SHOWN`]), and how many in all.
    wanted_by: Vec<NodeLink<'a>>,
    wanted_by_count: usize,
    /// How many of them are not named.
    more: usize,
}

/// How many of the cards that want a stub the stubs page names.
const WANTING_SHOWN: usize = 10;

/// A page of the stubs list.
#[derive(Serialize, Hash)]
pub struct StubsPage<'a> {
    pub stubs: Vec<WantedStub<'a>>,
    pub pager: Pager,
}

/// A link to `node` from a page whose way back to the site root is `root`.
pub fn node_link<'g>(graph: &'g Graph, node: NodeId, root: &'g str) -> NodeLink<'g> {
    let n = &graph[node];
    NodeLink {
        id: &n.id,
        title: &n.title,
        status: n.status,
        summary: n.card.as_ref().and_then(|c| c.summary.as_deref()),
        root,
        shared: None,
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

/// One entry per node with an edge into `node` that `keep` accepts, in node order, with
/// the sentence of its first link in the text, if it has one; `link` makes the links.
pub fn backlinks<'g>(
    graph: &'g Graph,
    node: NodeId,
    link: impl Fn(NodeId) -> NodeLink<'g>,
    keep: impl Fn(&Edge) -> bool,
) -> Vec<BackLink<'g>> {
    let mut by_source: BTreeMap<NodeId, BackLink> = BTreeMap::new();
    for edge in graph.incoming(node).filter(|e| e.from != node && keep(e)) {
        let entry = by_source.entry(edge.from).or_insert_with(|| BackLink {
            node: link(edge.from),
            kind: edge.kind,
            context: "",
        });
        if entry.context.is_empty() {
            entry.context = &edge.context;
        }
    }
    by_source.into_values().collect()
}

/// Every tag, by slug: the name it was first written with and its concepts, in node
/// order. Tags that differ only in case or separators are one.
pub fn tag_members(graph: &Graph) -> BTreeMap<String, (&str, Vec<NodeId>)> {
    let mut tags: BTreeMap<String, (&str, Vec<NodeId>)> = BTreeMap::new();
    for (node, n) in graph.iter() {
        for name in n.card.iter().flat_map(|c| &c.tags) {
            let entry = tags
                .entry(slugify(name))
                .or_insert_with(|| (name, Vec::new()));
            entry.1.push(node);
        }
    }
    tags
}

/// `stub` and the cards that want it (`wanting`), for the stubs page.
pub fn wanted_stub<'g>(
    graph: &'g Graph,
    stub: NodeId,
    wanting: &[NodeId],
    root: &'g str,
) -> WantedStub<'g> {
    WantedStub {
        node: node_link(graph, stub, root),
        wanted_by: (wanting.iter().take(WANTING_SHOWN))
            .map(|&n| node_link(graph, n, root))
            .collect(),
        wanted_by_count: wanting.len(),
        more: wanting.len().saturating_sub(WANTING_SHOWN),
    }
}
