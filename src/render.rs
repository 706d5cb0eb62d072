//! Rendering: the knowledge graph becomes a [`Site`], a map from output path to bytes, in
//! memory. Pages get typed contexts borrowed from the graph; every URL is relative, so the
//! site works from any sub-path of a static host.

use crate::card::{Card, Reading, Status};
use crate::config::Config;
use crate::graph::{Edge, EdgeKind, Graph, NodeId, Resolution};
use crate::markdown::{self, Href, Target};
use crate::slug::slugify;
use crate::theme::Theme;
use anyhow::{Result, bail};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex};

/// Bytes shared between the site, the page cache and the server, never copied.
pub type Bytes = Arc<[u8]>;

/// A rendered site: every output file by its `/`-separated path.
#[derive(Debug, Default)]
pub struct Site {
    /// File contents by path, in path order.
    pub files: BTreeMap<String, Bytes>,
}

impl Site {
    /// A [`Put`] that adds each file to `site`.
    pub fn put_into(site: &Mutex<Site>) -> impl Fn(String, Bytes) -> Result<()> + Sync + '_ {
        |path, bytes| {
            site.lock()
                .unwrap_or_else(|p| p.into_inner())
                .add(path, bytes)
        }
    }

    /// Adds a file; two sources for one path is an error naming the path.
    pub fn add(&mut self, path: String, bytes: Bytes) -> Result<()> {
        if self.files.contains_key(&path) {
            bail!("two sources produce the same output file `{path}`; rename one of them");
        }
        self.files.insert(path, bytes);
        Ok(())
    }
}

/// The pages of the last render, each with the signature of everything it was drawn from:
/// a page whose signature is unchanged is not drawn again.
#[derive(Debug, Default)]
pub struct PageCache {
    pages: HashMap<String, (u64, Bytes)>,
}

/// How much of the knowledge system is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Counts {
    /// Cards with `status: complete`.
    pub complete: usize,
    /// Cards with `status: draft`.
    pub draft: usize,
    /// Concepts still to write: linked but missing, or `status: stub`.
    pub stub: usize,
}

impl Counts {
    /// Counts the graph's nodes by status.
    pub fn of(graph: &Graph) -> Counts {
        let mut counts = Counts::default();
        for node in &graph.nodes {
            match node.status {
                Status::Complete => counts.complete += 1,
                Status::Draft => counts.draft += 1,
                Status::Stub => counts.stub += 1,
            }
        }
        counts
    }
}

/// What every page knows about the site.
#[derive(Serialize, Hash)]
struct SiteInfo<'a> {
    title: &'a str,
    base_url: Option<&'a str>,
}

impl<'a> SiteInfo<'a> {
    fn of(config: &'a Config) -> SiteInfo<'a> {
        SiteInfo {
            title: &config.title,
            base_url: config.base_url.as_deref(),
        }
    }
}

/// A link to a concept as templates draw it. Its `html` (the whole `<a>` element, with the
/// same markup as links in cards) is made only when a template is rendered, not when a
/// page's signature is computed: it follows from the other fields.
#[derive(Hash)]
struct NodeLink<'a> {
    id: &'a str,
    title: &'a str,
    status: Status,
    summary: Option<&'a str>,
    url: String,
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
struct BackLink<'a> {
    node: NodeLink<'a>,
    kind: EdgeKind,
    context: &'a str,
}

/// A concept in the home page's tree.
#[derive(Serialize, Hash)]
struct TreeItem<'a> {
    node: NodeLink<'a>,
    children: Vec<TreeItem<'a>>,
}

/// A page's template context: what every page knows, and the page's own content.
#[derive(Serialize, Hash)]
struct Page<'a, T> {
    site: &'a SiteInfo<'a>,
    /// The relative prefix from this page back to the site root.
    root: &'a str,
    #[serde(flatten)]
    content: T,
}

/// The context of a card page (`card.html`) and of a stub page (`stub.html`).
#[derive(Serialize, Hash)]
struct ConceptPage<'a> {
    node: NodeLink<'a>,
    /// The card's file and front matter; None for a stub without a file.
    card: Option<CardView<'a>>,
    body: String,
    /// "Where this concept fits", as inline SVG (empty for a concept with no neighbours),
    /// drawn only with the page.
    local_graph: String,
    breadcrumb: Vec<NodeLink<'a>>,
    children: Vec<NodeLink<'a>>,
    next: Vec<NodeLink<'a>>,
    related: Vec<NodeLink<'a>>,
    prerequisites: Vec<NodeLink<'a>>,
    backlinks: Vec<BackLink<'a>>,
    next_has_stubs: bool,
}

/// The parts of a card that templates show as they are.
#[derive(Serialize, Hash)]
struct CardView<'a> {
    path: String,
    tags: Vec<TagLink<'a>>,
    reading: &'a [Reading],
    extra: &'a BTreeMap<String, serde_yaml::Value>,
}

/// A link to a tag's page.
#[derive(Serialize, Hash)]
struct TagLink<'a> {
    name: &'a str,
    url: String,
}

fn tag_link<'a>(name: &'a str, root: &str) -> TagLink<'a> {
    TagLink {
        name,
        url: format!("{root}tags/{}/", encode_path(&slugify(name))),
    }
}

/// A tag with its concepts: the content of a tag page, and an entry of the tags index.
#[derive(Serialize, Hash)]
struct TagEntry<'a> {
    tag: TagLink<'a>,
    cards: Vec<NodeLink<'a>>,
}

/// The content of the tags index.
#[derive(Serialize, Hash)]
struct TagsPage<'a> {
    tags: Vec<TagEntry<'a>>,
}

/// The content of the whole-graph page.
#[derive(Serialize, Hash)]
struct GraphPage {
    counts: Counts,
    svg: String,
}

/// The content of the home page.
#[derive(Serialize, Hash)]
struct IndexPage<'a> {
    counts: Counts,
    tree: Vec<TreeItem<'a>>,
    percent_complete: usize,
    reading_path: Vec<NodeLink<'a>>,
}

/// A stub with the cards that want it, for the stubs page.
#[derive(Serialize, Hash)]
struct WantedStub<'a> {
    node: NodeLink<'a>,
    wanted_by: Vec<NodeLink<'a>>,
}

/// The content of the stubs page and of the 404 page.
#[derive(Serialize, Hash)]
struct ListPage<'a> {
    stubs: Vec<WantedStub<'a>>,
}

/// The relative prefix from a page one folder deep back to the site root.
const UP: &str = "../";
/// The relative prefix from a page at the site root.
const HERE: &str = "./";

/// A drawn page: its path, the signature of its inputs (None without a cache), its bytes.
type Drawn = (String, Option<u64>, Bytes);

/// A page as the cache keeps it: by path, its signature and bytes.
type Cached = (String, (u64, Bytes));

/// Where drawn files go, each by its `/`-separated path, as soon as it is drawn.
pub type Put<'a> = &'a (dyn Fn(String, Bytes) -> Result<()> + Sync);

/// Renders every page of the graph, the site pages and the theme's assets, handing each
/// file to `put` as soon as it is drawn. With a `cache`, only the pages whose inputs differ
/// from those in it are drawn again, and it is updated to match; without one (a build that
/// runs once), no signatures are computed.
pub fn render(
    config: &Config,
    graph: &Graph,
    theme: &Theme,
    cache: Option<&mut PageCache>,
    put: Put,
) -> Result<()> {
    let info = SiteInfo::of(config);
    let previous = cache.as_deref();
    // A page goes out as soon as it is drawn; what the cache needs of it is kept.
    let emit = |(path, signature, bytes): Drawn| -> Result<Option<Cached>> {
        let kept = signature.map(|signature| (path.clone(), (signature, bytes.clone())));
        put(path, bytes)?;
        Ok(kept)
    };
    let ((concepts, others), json) = rayon::join(
        || {
            rayon::join(
                || {
                    (0..graph.nodes.len())
                        .into_par_iter()
                        .map(|node| emit(render_concept(&info, graph, theme, node, previous)?))
                        .collect::<Result<Vec<_>>>()
                },
                || {
                    let pages = site_pages(config, graph, theme, &info, previous)?;
                    pages.into_iter().map(emit).collect::<Result<Vec<_>>>()
                },
            )
        },
        || crate::export::to_json(graph),
    );
    let kept = concepts?.into_iter().chain(others?).flatten();
    if let Some(cache) = cache {
        cache.pages = kept.collect();
    }
    put("graph.json".into(), json.into_bytes().into())?;
    for (name, bytes) in &theme.assets {
        put(format!("assets/{name}"), bytes.clone())?;
    }
    Ok(())
}

/// Draws the pages of `nodes` again (after their cards' text changed), unless `cache`
/// holds them with the same signature, and updates `cache`. Returns each page by path.
pub fn redraw(
    config: &Config,
    graph: &Graph,
    theme: &Theme,
    cache: &mut PageCache,
    nodes: &[NodeId],
) -> Result<Vec<(String, Bytes)>> {
    let info = SiteInfo::of(config);
    let previous = Some(&*cache);
    let drawn: Vec<Drawn> = nodes
        .par_iter()
        .map(|&node| render_concept(&info, graph, theme, node, previous))
        .collect::<Result<_>>()?;
    Ok(drawn
        .into_iter()
        .map(|(path, signature, bytes)| {
            if let Some(signature) = signature {
                cache.pages.insert(path.clone(), (signature, bytes.clone()));
            }
            (path, bytes)
        })
        .collect())
}

/// The pages about the whole site: home, stubs, 404, tags and the whole graph, drawn in
/// parallel.
fn site_pages(
    config: &Config,
    graph: &Graph,
    theme: &Theme,
    info: &SiteInfo,
    previous: Option<&PageCache>,
) -> Result<Vec<Drawn>> {
    let counts = Counts::of(graph);
    let written = counts.complete + counts.draft;
    let home = || {
        let index = IndexPage {
            counts,
            tree: graph
                .roots()
                .map(|n| tree_item(graph, n, &mut HashSet::new()))
                .collect(),
            reading_path: graph
                .reading_path()
                .into_iter()
                .map(|n| node_link(graph, n, HERE))
                .collect(),
            percent_complete: (100 * counts.complete)
                .checked_div(written + counts.stub)
                .unwrap_or(0),
        };
        draw(
            previous,
            theme,
            "index.html",
            "index.html",
            info,
            HERE,
            index,
        )
    };
    let stubs = || {
        let stubs = ListPage {
            stubs: wanted_stubs(graph, UP),
        };
        draw(
            previous,
            theme,
            "stubs/index.html",
            "stubs.html",
            info,
            UP,
            stubs,
        )
    };
    let not_found = || {
        let root = config.base_url.as_deref().unwrap_or(HERE);
        let empty = ListPage { stubs: Vec::new() };
        draw(previous, theme, "404.html", "404.html", info, root, empty)
    };
    let tags = || {
        let tags = TagsPage {
            tags: tag_entries(graph, UP).into_values().collect(),
        };
        draw(
            previous,
            theme,
            "tags/index.html",
            "tags.html",
            info,
            UP,
            tags,
        )
    };
    let whole = || {
        let whole = GraphPage {
            counts,
            svg: crate::wholegraph::whole_graph_svg(graph, UP),
        };
        draw(
            previous,
            theme,
            "graph/index.html",
            "graph.html",
            info,
            UP,
            whole,
        )
    };
    let pages: [&(dyn Fn() -> Result<Drawn> + Sync); 5] =
        [&home, &stubs, &not_found, &tags, &whole];
    let mut drawn: Vec<Drawn> = pages.par_iter().map(|page| page()).collect::<Result<_>>()?;
    let tag_pages: Vec<(String, TagEntry)> = tag_entries(graph, "../../").into_iter().collect();
    drawn.extend(
        tag_pages
            .into_par_iter()
            .map(|(slug, entry)| {
                let path = format!("tags/{slug}/index.html");
                draw(previous, theme, &path, "tag.html", info, "../../", entry)
            })
            .collect::<Result<Vec<_>>>()?,
    );
    Ok(drawn)
}

/// The page at `path` from `template` with `content`, drawn unless `previous` holds it
/// with the same signature.
fn draw<T: Serialize + Hash>(
    previous: Option<&PageCache>,
    theme: &Theme,
    path: &str,
    template: &str,
    site: &SiteInfo,
    root: &str,
    content: T,
) -> Result<Drawn> {
    let page = Page {
        site,
        root,
        content,
    };
    let signature = previous.map(|_| signature(theme, path, &page));
    draw_unless_cached(previous, path, signature, || theme.render(template, &page))
}

/// A hash of everything a page is drawn from.
fn signature(theme: &Theme, path: &str, inputs: impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    (theme.fingerprint, path, inputs).hash(&mut hasher);
    hasher.finish()
}

/// The page at `path`: from `previous` if it holds it with the same `signature` (None
/// without a cache), else drawn by `render`.
fn draw_unless_cached(
    previous: Option<&PageCache>,
    path: &str,
    signature: Option<u64>,
    render: impl FnOnce() -> Result<String>,
) -> Result<Drawn> {
    let cached = previous.and_then(|p| p.pages.get(path));
    let bytes = match (cached, signature) {
        (Some((old, bytes)), Some(signature)) if *old == signature => bytes.clone(),
        _ => render()?.into_bytes().into(),
    };
    Ok((path.to_string(), signature, bytes))
}

fn render_concept(
    info: &SiteInfo,
    graph: &Graph,
    theme: &Theme,
    node: NodeId,
    previous: Option<&PageCache>,
) -> Result<Drawn> {
    let n = &graph.nodes[node];
    let links = |kind: EdgeKind| -> Vec<NodeLink> {
        graph
            .outgoing(node)
            .filter(|e| e.kind == kind)
            .map(|e| node_link(graph, e.to, UP))
            .collect()
    };
    let next = links(EdgeKind::Next);
    let content = ConceptPage {
        node: node_link(graph, node, UP),
        card: n.card.as_deref().map(|card| CardView {
            path: card.path.display().to_string(),
            tags: card.tags.iter().map(|t| tag_link(t, UP)).collect(),
            reading: &card.reading,
            extra: &card.extra,
        }),
        body: String::new(),
        local_graph: String::new(),
        breadcrumb: graph
            .ancestors(node)
            .into_iter()
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
    };
    let mut page = Page {
        site: info,
        root: UP,
        content,
    };
    let template = if n.is_stub() {
        "stub.html"
    } else {
        "card.html"
    };
    let path = format!("{}/index.html", n.id);
    let targets: Vec<Href> = match (&n.card, &n.outline) {
        (Some(card), Some(outline)) => outline
            .links
            .iter()
            .map(|l| resolve_link(graph, card, &l.target))
            .collect(),
        _ => Vec::new(),
    };
    let signature = previous.map(|_| {
        // The local graph is drawn from the parent, children and related concepts; the
        // first two are in the page's context, the related ones (either way) are added here.
        let beside: Vec<NodeLink> = crate::localgraph::related(graph, node)
            .into_iter()
            .map(|r| node_link(graph, r, UP))
            .collect();
        let body = n.card.as_ref().map(|c| &c.body);
        signature(theme, &path, (&page, body, &targets, beside))
    });
    draw_unless_cached(previous, &path, signature, || {
        page.content.local_graph = crate::localgraph::local_graph_svg(graph, node, UP);
        if let Some(outline) = &n.outline {
            page.content.body = outline.html.linked(&targets);
        }
        theme.render(template, &page)
    })
}

fn node_link<'g>(graph: &'g Graph, node: NodeId, root: &str) -> NodeLink<'g> {
    let n = &graph.nodes[node];
    NodeLink {
        id: &n.id,
        title: &n.title,
        status: n.status,
        summary: n.card.as_ref().and_then(|c| c.summary.as_deref()),
        url: format!("{root}{}/", encode_path(&n.id)),
    }
}

/// How a link to a concept with `status` and `title` at `url` looks.
fn href(status: Status, title: &str, url: String) -> Href {
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

fn tree_item<'g>(graph: &'g Graph, node: NodeId, seen: &mut HashSet<NodeId>) -> TreeItem<'g> {
    seen.insert(node);
    let children = graph.nodes[node]
        .children
        .iter()
        .filter(|&&c| !seen.contains(&c))
        .copied()
        .collect::<Vec<_>>();
    TreeItem {
        node: node_link(graph, node, HERE),
        children: children
            .into_iter()
            .map(|c| tree_item(graph, c, seen))
            .collect(),
    }
}

/// One entry per node with an edge into `node` that `keep` accepts, in node order, with
/// the sentence of its first link in the text, if it has one.
fn backlinks<'g>(
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
fn tag_entries<'g>(graph: &'g Graph, root: &str) -> BTreeMap<String, TagEntry<'g>> {
    let mut tags: BTreeMap<String, TagEntry> = BTreeMap::new();
    for (node, n) in graph.nodes.iter().enumerate() {
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
fn wanted_stubs<'g>(graph: &'g Graph, root: &str) -> Vec<WantedStub<'g>> {
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

/// Where a link in `card` leads, from a page one folder deep.
fn resolve_link(graph: &Graph, card: &Card, target: &Target) -> Href {
    match graph.resolve(card, target) {
        Resolution::Node(node) => {
            let n = &graph.nodes[node];
            href(n.status, &n.title, format!("{UP}{}/", encode_path(&n.id)))
        }
        Resolution::File(rel) => Href::File {
            url: format!("{UP}{}", encode_path(&rel)),
        },
        Resolution::Unknown { .. } | Resolution::MissingFile(_) => Href::Missing,
    }
}

/// Percent-encodes a `/`-separated path for use in a URL.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}
