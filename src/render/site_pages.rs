//! The pages about the whole site: home (the concept tree, progress and a reading path),
//! the stubs list, 404, the tags index and a page per tag, the whole graph, and for large
//! sites the pages of every concept and of the whole reading path. Lists that grow with
//! the site are split over numbered pages.

use super::body::Body;
use super::cache::{Drawn, PageCache, draw};
use super::context::{
    GraphPage, HERE, HomeNote, IndexPage, More, SiteInfo, StubsPage, TagCount, TagPage, TagsPage,
    UP, node_link, tag_link, tag_members, wanted_stub,
};
use super::lists::{List, ListEntry, Pages, SHOWN, draw_list, draw_pages};
use super::tree::{TreeShape, home_tree, outline};
use super::wholegraph::whole_graph_svg;
use crate::config::Config;
use crate::graph::{Graph, NodeId};
use crate::theme::Theme;
use anyhow::Result;
use rayon::prelude::*;
use std::ops::Range;

/// The content of a page that has none of its own (404).
#[derive(serde::Serialize, Hash)]
struct NoContent {}

/// The way back to the root from a page two folders deep (`tags/net/`).
const UP_TWO: &str = "../../";

/// The pages of every concept, in tree order, when the home page shows only the top.
fn outline_list(len: usize) -> List<'static> {
    List {
        pages: Pages {
            folder: "graph",
            first: "concepts.html",
            stem: "concepts",
            len,
        },
        root: UP,
        heading: "Every concept",
        intro: "Every concept of the site in tree order, each under its parent.",
    }
}

/// The pages of the whole reading path.
fn path_list(len: usize) -> List<'static> {
    List {
        pages: Pages {
            folder: "graph",
            first: "path.html",
            stem: "path",
            len,
        },
        root: UP,
        heading: "A path through everything",
        intro: "Every written card, each after its parent and the cards it needs first.",
    }
}

/// Whether `path` names one of the pages [`site_pages`] draws (their number changes with
/// the site: a list grows a page, a tag goes).
pub fn is_site_page(path: &str) -> bool {
    let in_graph = (path.strip_prefix("graph/")).is_some_and(|file| {
        file == "index.html"
            || Pages::is_page("concepts.html", "concepts", file)
            || Pages::is_page("path.html", "path", file)
    });
    matches!(path, "index.html" | "404.html")
        || in_graph
        || path.starts_with("stubs/")
        || path.starts_with("tags/")
}

/// The pages about the whole site, drawn in parallel, each handed to `drawn` as soon as
/// it is drawn (the lists of a large site's concepts, stubs and tags are many megabytes).
pub fn site_pages(
    config: &Config,
    graph: &Graph,
    theme: &Theme,
    info: &SiteInfo,
    previous: Option<&PageCache>,
    drawn: &(dyn Fn(Drawn) -> Result<()> + Sync),
) -> Result<()> {
    let counts = graph.counts();
    let path = graph.reading_path();
    let shape = TreeShape::of(graph);
    let everything = (shape != TreeShape::Whole).then(|| outline(graph));
    let home = || {
        let index = IndexPage {
            home: (info.home)
                .and_then(|name| graph.find(name))
                .filter(|&n| graph[n].card.is_some())
                .map(|n| HomeNote {
                    node: node_link(graph, n, HERE),
                    body: Body::at_root(graph, n),
                }),
            counts,
            tree: home_tree(graph, shape),
            all_concepts: everything.as_ref().map(|all| More {
                total: all.len(),
                url: format!("{HERE}graph/concepts.html"),
            }),
            reading_path: (path.iter().take(SHOWN))
                .map(|&n| node_link(graph, n, HERE))
                .collect(),
            whole_path: (path.len() > SHOWN).then(|| More {
                total: path.len(),
                url: format!("{HERE}graph/path.html"),
            }),
            percent_complete: (100 * counts.complete)
                .checked_div(counts.written() + counts.stub)
                .unwrap_or(0),
        };
        drawn(draw(
            previous,
            theme,
            "index.html",
            "index.html",
            info,
            HERE,
            index,
        )?)
    };
    let drawing = (previous, theme, info);
    let stubs = || {
        let wanted = graph.wanted();
        let pages = Pages::of_folder("stubs", wanted.len());
        let page = |range: Range<usize>, pager| StubsPage {
            stubs: (wanted[range].iter())
                .map(|(stub, wanting)| wanted_stub(graph, *stub, wanting, UP))
                .collect(),
            pager,
        };
        draw_pages(drawing, &pages, "stubs.html", UP, page, drawn)
    };
    let not_found = || {
        // Hosts serve it at any depth: its links start at the site's path on the host, or,
        // without a base_url, where its script finds the site (404.html).
        let root = config.base_path().unwrap_or("");
        drawn(draw(
            previous,
            theme,
            "404.html",
            "404.html",
            info,
            root,
            NoContent {},
        )?)
    };
    let members = tag_members(graph);
    let tags = || {
        let tags: Vec<(&str, usize)> = members.values().map(|(name, m)| (*name, m.len())).collect();
        let pages = Pages::of_folder("tags", tags.len());
        let page = |range: Range<usize>, pager| TagsPage {
            tags: (tags[range].iter())
                .map(|&(name, count)| TagCount {
                    tag: tag_link(name, UP),
                    count,
                })
                .collect(),
            pager,
        };
        draw_pages(drawing, &pages, "tags.html", UP, page, drawn)
    };
    let whole = || {
        let (svg, shown) = whole_graph_svg(graph, UP);
        let whole = GraphPage {
            counts,
            svg,
            drawn: shown,
            all_concepts: everything.is_some().then(|| format!("{HERE}concepts.html")),
        };
        drawn(draw(
            previous,
            theme,
            "graph/index.html",
            "graph.html",
            info,
            UP,
            whole,
        )?)
    };
    let all_concepts = || match &everything {
        Some(all) => draw_list(
            drawing,
            &outline_list(all.len()),
            || None,
            |range| {
                (all[range].iter())
                    .map(|&(n, depth)| ListEntry::summarised(info.link(graph, n), depth))
                    .collect()
            },
            drawn,
        ),
        None => Ok(()),
    };
    let whole_path = || match path.len() > SHOWN {
        true => draw_list(
            drawing,
            &path_list(path.len()),
            || None,
            |range| {
                (path[range].iter())
                    .map(|&n| ListEntry::summarised(info.link(graph, n), 0))
                    .collect()
            },
            drawn,
        ),
        false => Ok(()),
    };
    let pages: [&(dyn Fn() -> Result<()> + Sync); 7] = [
        &home,
        &stubs,
        &not_found,
        &tags,
        &whole,
        &all_concepts,
        &whole_path,
    ];
    pages.par_iter().try_for_each(|page| page())?;
    let tag_pages: Vec<(&String, &(&str, Vec<NodeId>))> = members.iter().collect();
    (tag_pages.into_par_iter()).try_for_each(|(slug, (name, cards))| {
        let folder = format!("tags/{slug}");
        let pages = Pages::of_folder(&folder, cards.len());
        let page = |range: Range<usize>, pager| TagPage {
            tag: tag_link(name, UP_TWO),
            cards: (cards[range].iter())
                .map(|&n| node_link(graph, n, UP_TWO))
                .collect(),
            pager,
        };
        draw_pages(drawing, &pages, "tag.html", UP_TWO, page, drawn)
    })
}
