//! A card's body as its page shows it: its HTML with every link resolved, and each card,
//! heading section or block it embeds on a line of its own (`![[Note]]`, `![[Note#Part]]`,
//! `![[Note#^block]]`) drawn in place, with a link to where it comes from. An embed that
//! would embed its own page again, or nest deeper than [`MAX_EMBED_DEPTH`], stays a link
//! (the build warns about it).

use super::context::{UP, href};
use crate::graph::{Graph, MAX_EMBED_DEPTH, NodeId, Resolution};
use crate::html::encode_path;
use crate::markdown::{self, Drawn, Href, Link, Unlinked};
use serde::Serialize;
use std::io;
use std::ops::Range;

/// A card's HTML (all of it, or one section) with its links resolved from a page one
/// folder deep: drawn when the template is rendered (empty for a stub without a card).
#[derive(Hash)]
pub struct Body<'a> {
    html: Option<&'a Unlinked>,
    part: Range<usize>,
    targets: Vec<Href>,
    /// For each link, whether the `#heading` it asks for (if any) is there to go to.
    anchored: Vec<bool>,
    /// For each link, what it embeds in place (empty when the card embeds nothing).
    embeds: Vec<Option<Embed<'a>>>,
    /// Whether it shows a Mermaid diagram.
    diagrams: bool,
    /// Whether it is shown on a page at the site root rather than one folder deep.
    at_root: bool,
}

/// Another card's content, shown inside a page.
#[derive(Hash)]
struct Embed<'a> {
    body: Body<'a>,
    /// The page it comes from (with the section's anchor), for the link under it.
    source: Href,
    /// What that link says: the card's title.
    label: &'a str,
}

impl Serialize for Body<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let html = self.html().map_err(|e| {
            serde::ser::Error::custom(format!(
                "cannot read a card's HTML back from the build's scratch file: {e}"
            ))
        })?;
        serializer.serialize_str(&html)
    }
}

impl<'a> Body<'a> {
    /// The body of the page of `node`.
    pub fn of(graph: &'a Graph, node: NodeId) -> Body<'a> {
        Body::part_of(graph, node, None, &mut vec![node]).unwrap_or(Body {
            html: None,
            part: 0..0,
            targets: Vec::new(),
            anchored: Vec::new(),
            embeds: Vec::new(),
            diagrams: false,
            at_root: false,
        })
    }

    /// The body of `node` as a page at the site root shows it (the home page).
    pub fn at_root(graph: &'a Graph, node: NodeId) -> Body<'a> {
        Body {
            at_root: true,
            ..Body::of(graph, node)
        }
    }

    /// The part of `node`'s card that `anchor` names (all of it if None), with what it
    /// embeds; `trail` holds the cards embedding it. None if there is no such part.
    fn part_of(
        graph: &'a Graph,
        node: NodeId,
        anchor: Option<&str>,
        trail: &mut Vec<NodeId>,
    ) -> Option<Body<'a>> {
        let card = graph[node].card.as_deref()?;
        let html = &card.outline.html;
        let part = match anchor {
            Some(anchor) => html.section(anchor)?,
            None => html.whole(),
        };
        let links = &card.outline.links;
        // Each link resolved once: where it leads, whether its anchor is there, and what
        // it embeds all follow from that.
        let found: Vec<Resolution> = (links.iter())
            .map(|l| graph.resolve(card, &l.target))
            .collect();
        let embeds: Vec<Option<Embed>> = match links.iter().any(|l| l.embed) {
            true => (links.iter().zip(&found).enumerate())
                .map(|(i, (link, to))| match (html.is_block_embed(i), to) {
                    (true, Resolution::Node(to)) => {
                        Embed::of(graph, *to, link.anchor.as_deref(), trail)
                    }
                    _ => None,
                })
                .collect(),
            false => Vec::new(),
        };
        let diagrams = card.outline.diagrams || embeds.iter().flatten().any(|e| e.body.diagrams);
        Some(Body {
            html: Some(html),
            part,
            targets: found.iter().map(|to| href_of(graph, to)).collect(),
            anchored: (links.iter().zip(&found))
                .map(|(link, to)| anchor_is_there(graph, link, to))
                .collect(),
            embeds,
            diagrams,
            at_root: false,
        })
    }

    /// Whether it shows a Mermaid diagram, its own or an embedded card's.
    pub fn has_diagrams(&self) -> bool {
        self.diagrams
    }

    /// The HTML, with its links and embeds drawn.
    fn html(&self) -> io::Result<String> {
        let Some(html) = self.html else {
            return Ok(String::new());
        };
        let embedded: Vec<Option<String>> = (self.embeds.iter())
            .map(|e| e.as_ref().map(Embed::html).transpose())
            .collect::<io::Result<_>>()?;
        let drawn = Drawn {
            hrefs: &self.targets,
            anchored: &self.anchored,
            embedded: &embedded,
        };
        let html = html.draw(self.part.clone(), &drawn)?;
        Ok(match self.at_root {
            // Every link a card's HTML makes to the site starts `../`, from one folder deep.
            true => html
                .replace("href=\"../", "href=\"./")
                .replace("src=\"../", "src=\"./"),
            false => html,
        })
    }
}

impl<'a> Embed<'a> {
    /// What an embed of `node` (of its section or block `anchor`, if any) shows, if it is
    /// a card's content that can be shown here.
    fn of(
        graph: &'a Graph,
        node: NodeId,
        anchor: Option<&str>,
        trail: &mut Vec<NodeId>,
    ) -> Option<Embed<'a>> {
        if trail.contains(&node) || trail.len() > MAX_EMBED_DEPTH {
            return None;
        }
        trail.push(node);
        let body = Body::part_of(graph, node, anchor, trail);
        trail.pop();
        let n = &graph[node];
        let fragment = markdown::fragment(anchor);
        Some(Embed {
            body: body?,
            source: href(
                n.status,
                &n.title,
                format!("{UP}{}/{fragment}", encode_path(&n.id)),
            ),
            label: &n.title,
        })
    }

    /// The embedded content, with the anchors of its page left to that page (their ids
    /// would clash with the embedding page's) and its links within that page leading there.
    fn html(&self) -> io::Result<String> {
        let page = match &self.source {
            Href::Card { url, .. } | Href::Stub { url, .. } => url.split('#').next().unwrap_or(url),
            _ => "",
        };
        let content =
            without_ids(&self.body.html()?).replace("href=\"#", &format!("href=\"{page}#"));
        Ok(format!(
            "<div class=\"embed\">{content}<p class=\"embed-source\">{}</p></div>",
            markdown::link_html(self.source.clone(), self.label)
        ))
    }
}

/// `html` without its `id="…"` attributes.
fn without_ids(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(" id=\"") {
        out.push_str(&rest[..at]);
        let value = &rest[at + 5..];
        rest = value.find('"').map_or("", |end| &value[end + 1..]);
    }
    out.push_str(rest);
    out
}

/// Whether the `#heading` `link` asks for is on the page it leads to (`to`: a card with
/// that heading; a stub has none), or it asks for none, or leads to a file.
fn anchor_is_there(graph: &Graph, link: &Link, to: &Resolution) -> bool {
    match (&link.anchor, to) {
        (Some(anchor), Resolution::Node(node)) => (graph[*node].card.as_ref())
            .is_some_and(|target| target.outline.anchors.contains(anchor)),
        _ => true,
    }
}

/// How a link that resolves to `to` is drawn, from a page one folder deep.
fn href_of(graph: &Graph, to: &Resolution) -> Href {
    match to {
        Resolution::Node(node) => {
            let n = &graph[*node];
            href(n.status, &n.title, format!("{UP}{}/", encode_path(&n.id)))
        }
        Resolution::File(rel) => Href::File {
            url: format!("{UP}{}", encode_path(rel)),
        },
        Resolution::Unknown { .. } | Resolution::MissingFile(_) => Href::Missing,
    }
}
