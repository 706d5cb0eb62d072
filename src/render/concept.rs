//! The page of one concept: a card page (`card.html`) or a stub page (`stub.html`), with
//! everything the graph knows around it.

use super::body::Body;
use super::cache::{Drawn, PageCache, draw};
use super::context::{
    CardView, ConceptPage, More, NodeLink, SiteInfo, UP, backlinks, node_link, tag_link,
};
use super::lists::{List, ListEntry, Pages, SHOWN, draw_list};
use super::localgraph::LocalGraph;
use crate::card::Status;
use crate::graph::{EdgeKind, Graph, NodeId};
use crate::theme::Theme;
use anyhow::Result;
use std::ops::Range;

/// How many of a concept's nearest ancestors its breadcrumb shows: a chain of thousands of
/// parents would otherwise make every page of it that long.
const MAX_BREADCRUMB: usize = 32;

/// The first file and the stem of the numbered files of the pages that list all of a
/// concept's backlinks, and all of its children.
const BACKLINKS: (&str, &str) = ("backlinks.html", "backlinks");
const CHILDREN: (&str, &str) = ("children.html", "children");

/// Whether `path` is one of the pages [`render_concept`] draws for the concept `id`: its
/// own, and those of its backlinks and children (as many as their lists need).
pub fn is_concept_page(id: &str, path: &str) -> bool {
    let Some(file) = path.strip_prefix(id).and_then(|p| p.strip_prefix('/')) else {
        return false;
    };
    let listed = |(first, stem): (&str, &str)| Pages::is_page(first, stem, file);
    file == "index.html" || listed(BACKLINKS) || listed(CHILDREN)
}

/// The pages of `node`'s backlinks (`backlinks.html`, …) or children, in its folder.
fn own_list<'a>(
    id: &'a str,
    (first, stem): (&'a str, &'a str),
    len: usize,
    heading: &'a str,
) -> List<'a> {
    List {
        pages: Pages {
            folder: id,
            first,
            stem,
            len,
        },
        root: UP,
        heading,
        intro: "The whole list, in the order of the site's cards.",
    }
}

/// Which pages of a concept to draw.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Lists {
    /// Its page, and the pages of its backlinks and children where it has more than it
    /// shows.
    Drawn,
    /// Its page alone (`serve` draws the long lists when edits pause).
    Later,
}

/// The page of `node`, and (with [`Lists::Drawn`]) the pages of its backlinks and
/// children where it has more than it shows; each drawn unless `previous` holds it with
/// the same signature.
pub fn render_concept(
    info: &SiteInfo,
    graph: &Graph,
    theme: &Theme,
    node: NodeId,
    previous: Option<&PageCache>,
    lists_now: Lists,
) -> Result<Vec<Drawn>> {
    let n = &graph[node];
    let links = |kind: EdgeKind| -> Vec<NodeLink> {
        graph
            .outgoing(node)
            .filter(|e| e.kind == kind)
            .map(|e| info.link(graph, e.to))
            .collect()
    };
    let next = links(EdgeKind::Next);
    let link = |n| info.link(graph, n);
    let mut backlinks = backlinks(graph, node, link, |e| e.kind != EdgeKind::Parent);
    let backlinks_list = own_list(&n.id, BACKLINKS, backlinks.len(), "Linked from");
    let children_list = own_list(&n.id, CHILDREN, n.children.len(), "Narrower concepts");
    let more = |list: &List| {
        (list.pages.len > SHOWN).then(|| More {
            total: list.pages.len,
            url: list.pages.href(1),
        })
    };
    let (all_backlinks, all_children) = (more(&backlinks_list), more(&children_list));
    let drawing = (previous, theme, info);
    let of = || Some(link(node));
    let mut lists = Vec::new();
    if all_backlinks.is_some() && lists_now == Lists::Drawn {
        let entries = |range: Range<usize>| {
            (backlinks[range].iter())
                .map(|b| ListEntry {
                    node: b.node.clone(),
                    text: Some(b.context).filter(|c| !c.is_empty()),
                    depth: 0,
                })
                .collect()
        };
        draw_list(drawing, &backlinks_list, of, entries, |page| {
            lists.push(page);
            Ok(())
        })?;
    }
    backlinks.truncate(SHOWN);
    if all_children.is_some() && lists_now == Lists::Drawn {
        let entries = |range: Range<usize>| {
            (n.children[range].iter())
                .map(|&c| ListEntry::summarised(link(c), 0))
                .collect()
        };
        draw_list(drawing, &children_list, of, entries, |page| {
            lists.push(page);
            Ok(())
        })?;
    }
    let body = Body::of(graph, node);
    let diagrams = body.has_diagrams();
    let content = ConceptPage {
        node: link(node),
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
        // Without summaries: an edit of one then changes no page below it.
        .map(|a| NodeLink {
            summary: None,
            ..node_link(graph, a, UP)
        })
        .collect(),
        children: (n.children.iter().take(SHOWN)).map(|&c| link(c)).collect(),
        all_children,
        next_has_stubs: next.iter().any(|l| l.status == Status::Stub),
        next,
        related: links(EdgeKind::Related),
        prerequisites: links(EdgeKind::Prerequisite),
        backlinks,
        all_backlinks,
        toc: n.card.as_ref().map_or(&[], |c| &c.outline.headings),
        diagrams,
    };
    let template = match n.is_stub() {
        true => "stub.html",
        false => "card.html",
    };
    let path = format!("{}/index.html", n.id);
    lists.push(draw(previous, theme, &path, template, info, UP, content)?);
    Ok(lists)
}
