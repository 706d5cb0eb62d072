//! Rendering: the knowledge graph becomes the site's files, handed on one by one as they
//! are drawn. Pages get typed contexts borrowed from the graph ([`context`]); every URL is
//! relative, so the site works from any sub-path of a static host. With a [`PageCache`], a
//! page whose context is unchanged since the last render is not drawn again.

mod body;
mod cache;
mod concept;
mod context;
mod discovery;
mod lists;
mod localgraph;
mod paths;
mod redirects;
mod site_pages;
mod tree;
mod wholegraph;

pub use cache::PageCache;
pub use concept::{Lists, is_concept_page};
pub use discovery::is_discovery_file;
pub use paths::clashes;
pub use site_pages::is_site_page;
pub use wholegraph::whole_graph_svg;

use crate::config::Config;
use crate::graph::{Graph, NodeId};
use crate::parallel::in_small_shares;
use crate::search;
use crate::site::{Bytes, Put, lock};
use crate::theme::Theme;
use anyhow::Result;
use cache::Drawn;
use concept::render_concept;
use context::SiteInfo;
use rayon::prelude::*;
use std::sync::Mutex;

/// Whether [`render`] makes the search index, or leaves it to be made later
/// ([`search_files`]), as `serve` does when it has one to serve meanwhile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Search {
    /// With the pages.
    Now,
    /// Not now.
    Later,
}

/// Renders every page of the graph, the site pages, `graph.json`, the search index (as
/// `search` says), the sitemap and feed (given a `base_url`), the pages at old addresses
/// and the theme's assets, handing each file to `put` as soon as it is drawn. With a
/// `cache`, only the pages whose inputs differ from those in it are drawn again, and it is
/// updated to match; without one (a build that runs once), no signatures are computed.
pub fn render(
    config: &Config,
    graph: &Graph,
    theme: &Theme,
    cache: Option<&mut PageCache>,
    search: Search,
    put: Put,
) -> Result<()> {
    let info = SiteInfo::of(config, theme, graph);
    let previous = cache.as_deref();
    // A page goes out as soon as it is drawn; what the cache needs of it is kept.
    let emit = |(path, signature, bytes): Drawn| -> Result<Option<(String, (u64, Bytes))>> {
        let kept = signature.map(|signature| (path.clone(), (signature, bytes.clone())));
        put(path, bytes)?;
        Ok(kept)
    };
    let data_and_search = || {
        rayon::join(
            || {
                data_files(config, graph, |path, text| {
                    put(path, text.into_bytes().into())
                })
            },
            || match search {
                Search::Now => search::index_files(graph, search_options(config), |path, text| {
                    put(path, text.into_bytes().into())
                }),
                Search::Later => Ok(()),
            },
        )
    };
    let pages = || {
        rayon::join(
            || {
                in_small_shares(graph.ids().collect::<Vec<_>>().into_par_iter())
                    .map(|node| {
                        let pages =
                            render_concept(&info, graph, theme, node, previous, Lists::Drawn)?;
                        pages.into_iter().map(emit).collect::<Result<Vec<_>>>()
                    })
                    .collect::<Result<Vec<Vec<_>>>>()
            },
            || -> Result<Vec<_>> {
                let kept = Mutex::new(Vec::new());
                site_pages::site_pages(config, graph, theme, &info, previous, &|page| {
                    let page = emit(page)?;
                    lock(&kept).extend(page);
                    Ok(())
                })?;
                Ok(kept.into_inner().unwrap_or_else(|p| p.into_inner()))
            },
        )
    };
    // The search index is made beside the pages: its words are counted up on one thread,
    // which left the other idle for a third of a second at 10,000 cards when the pages
    // waited for it (10,000 cards: 2.58 → 2.45 s, 8 alternating runs; 50,000: 20.7 →
    // 18.6 s, 434 → 458 MB peak, 3 runs, on a busy machine).
    let ((data, search), (concepts, others)) = rayon::join(data_and_search, pages);
    data?;
    search?;
    let kept = (concepts?.into_iter().flatten().flatten()).chain(others?);
    if let Some(cache) = cache {
        cache.replace(kept);
    }
    for redirect in &graph.redirects {
        let (path, page) = redirects::redirect_page(config, graph, redirect);
        let page = match config.file_links {
            true => crate::html::link_index_files(&page),
            false => page,
        };
        put(path, page.into_bytes().into())?;
    }
    for (name, bytes) in &theme.assets {
        put(format!("assets/{name}"), bytes.clone())?;
    }
    let has_diagrams = graph
        .iter()
        .any(|(_, n)| n.card.as_ref().is_some_and(|c| c.outline.diagrams));
    if has_diagrams {
        let (name, bytes) = theme.diagram_script();
        put(format!("assets/{name}"), bytes)?;
    }
    Ok(())
}

/// Draws the pages of `nodes` again (after their cards changed), or with `lists` their
/// pages alone, unless `cache` holds them with the same signature, and updates `cache`.
/// Returns each page by path.
pub fn redraw(
    config: &Config,
    graph: &Graph,
    theme: &Theme,
    cache: &mut PageCache,
    nodes: &[NodeId],
    lists: Lists,
) -> Result<Vec<(String, Bytes)>> {
    let info = SiteInfo::of(config, theme, graph);
    let previous = Some(&*cache);
    let drawn: Vec<Vec<Drawn>> = nodes
        .par_iter()
        .map(|&node| render_concept(&info, graph, theme, node, previous, lists))
        .collect::<Result<_>>()?;
    Ok((drawn.into_iter().flatten())
        .map(|page| {
            cache.keep(&page);
            (page.0, page.2)
        })
        .collect())
}

/// The site's files that are data, not pages, each handed to `emit`: the graph's
/// (`graph.json` and its parts) and, for a site with a public address, its sitemap, feed
/// and `robots.txt`.
fn data_files(
    config: &Config,
    graph: &Graph,
    mut emit: impl FnMut(String, String) -> Result<()>,
) -> Result<()> {
    crate::export::site_files(graph, &mut emit)?;
    if let Some(base_url) = &config.base_url {
        for (path, text) in discovery::discovery_files(graph, base_url, &config.title) {
            emit(path, text)?;
        }
    }
    Ok(())
}

/// Draws the site's own pages again (those whose signature in `cache` changed) and makes
/// the graph's data files anew (and, for a site with a public address, its sitemap, feed
/// and `robots.txt`), after edits of links; updates `cache`. Returns each file by path.
pub fn redraw_site(
    config: &Config,
    graph: &Graph,
    theme: &Theme,
    cache: &mut PageCache,
) -> Result<Vec<(String, Bytes)>> {
    let info = SiteInfo::of(config, theme, graph);
    let pages = Mutex::new(Vec::new());
    site_pages::site_pages(config, graph, theme, &info, Some(&*cache), &|page| {
        lock(&pages).push(page);
        Ok(())
    })?;
    let mut files: Vec<(String, Bytes)> = (pages.into_inner().unwrap_or_else(|p| p.into_inner()))
        .into_iter()
        .map(|page| {
            cache.keep(&page);
            (page.0, page.2)
        })
        .collect();
    data_files(config, graph, |path, text| {
        files.push((path, text.into_bytes().into()));
        Ok(())
    })?;
    Ok(files)
}

/// The files of the search index of `graph`, by path.
pub fn search_files(config: &Config, graph: &Graph) -> Result<Vec<(String, Bytes)>> {
    let mut files = Vec::new();
    search::index_files(graph, search_options(config), |path, text| {
        files.push((path, text.into_bytes().into()));
        Ok(())
    })?;
    Ok(files)
}

/// What the search index holds, as `config` says.
fn search_options(config: &Config) -> search::Options {
    search::Options {
        drafts: config.search_drafts,
    }
}
