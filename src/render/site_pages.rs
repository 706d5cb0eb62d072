//! The pages about the whole site: home (the concept tree, progress and a reading path),
//! the stubs page, 404, the tags index and a page per tag, and the whole graph.

use super::body::Body;
use super::cache::{Drawn, PageCache, draw};
use super::context::{
    GraphPage, HERE, HomeNote, IndexPage, ListPage, SiteInfo, TagEntry, TagsPage, UP, node_link,
    tag_entries, tree_item, wanted_stubs,
};
use super::wholegraph::whole_graph_svg;
use crate::config::Config;
use crate::graph::Graph;
use crate::theme::Theme;
use anyhow::Result;
use rayon::prelude::*;
use std::collections::HashSet;

/// The pages about the whole site: home, stubs, 404, tags and the whole graph, drawn in
/// parallel.
pub fn site_pages(
    config: &Config,
    graph: &Graph,
    theme: &Theme,
    info: &SiteInfo,
    previous: Option<&PageCache>,
) -> Result<Vec<Drawn>> {
    let counts = graph.counts();
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
            tree: graph
                .roots()
                .map(|n| tree_item(graph, n, 0, &mut HashSet::new()))
                .collect(),
            reading_path: graph
                .reading_path()
                .into_iter()
                .map(|n| node_link(graph, n, HERE))
                .collect(),
            percent_complete: (100 * counts.complete)
                .checked_div(counts.written() + counts.stub)
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
        // Hosts serve it at any depth: its links start at the site's path on the host, or,
        // without a base_url, where its script finds the site (404.html).
        let root = config.base_path().unwrap_or("");
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
            svg: whole_graph_svg(graph, UP),
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
