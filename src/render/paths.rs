//! Where each file of the site goes, checked before anything is drawn: two sources for one
//! output file (a card named like one of the site's own pages, an attachment where a page
//! goes) are errors at the file that asks for the taken place.

use crate::card::Attachment;
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Pos};
use crate::graph::{Graph, NodeId};
use crate::slug::slugify;
use crate::theme::Theme;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

/// The site's own pages, each at a fixed place.
const SITE_PAGES: &[(&str, &str)] = &[
    ("index.html", "the home page"),
    ("404.html", "the page for missing addresses"),
    ("graph.json", "the graph for other tools"),
    ("graph/index.html", "the whole-graph page"),
    ("tags/index.html", "the tags page"),
    ("stubs/index.html", "the page of cards still to write"),
];

/// The files for search engines and feed readers, written when the site has a `base_url`.
const DISCOVERY_FILES: &[(&str, &str)] = &[
    ("sitemap.xml", "the sitemap"),
    ("atom.xml", "the feed"),
    ("robots.txt", "the file for crawlers"),
];

/// What wants an output file. Described only when two want the same one: most never are.
enum Claim<'a> {
    /// One of the site's own files, in words.
    Own(&'static str),
    /// The page of a node.
    Page(NodeId),
    /// The page of a tag, as the card of a node first names it.
    Tag(NodeId, &'a str),
    /// An attachment.
    Attachment(&'a Attachment),
}

impl Claim<'_> {
    /// The file of the site that asks for the output file (where to point a problem).
    fn file(&self, config: &Config, graph: &Graph) -> Option<(PathBuf, Pos)> {
        let path = match self {
            Claim::Own(_) => return None,
            // A stub's page is asked for by the first card that links to it.
            Claim::Page(node) if graph[*node].card.is_none() => (graph.incoming(*node))
                .find_map(|e| graph[e.from].card.as_ref())
                .map(|card| card.path.clone())?,
            Claim::Page(node) | Claim::Tag(node, _) => graph[*node].card.as_ref()?.path.clone(),
            Claim::Attachment(attachment) => config.display_path(&attachment.source),
        };
        Some((path, Pos::START))
    }

    /// What it is, in words.
    fn what(&self, graph: &Graph) -> String {
        match self {
            Claim::Own(what) => what.to_string(),
            Claim::Page(node) => match &graph[*node].card {
                Some(_) => format!("the page of `{}`", graph[*node].id),
                None => format!(
                    "the page of the stub `{}` this card links to",
                    graph[*node].id
                ),
            },
            Claim::Tag(_, tag) => format!("the page of the tag `{tag}`"),
            Claim::Attachment(attachment) => format!("the attachment `{}`", attachment.rel),
        }
    }
}

/// Every output file that two sources want, as an error at the source that came second
/// (or at the card or attachment, when the other is one of the site's own files).
pub fn clashes<'a>(
    config: &Config,
    graph: &'a Graph,
    theme: &Theme,
    attachments: &'a [Attachment],
) -> Vec<Diagnostic> {
    let mut taken: HashMap<String, Claim> = HashMap::new();
    let mut diagnostics = Vec::new();
    // Each claim is checked as it is made: the first to want a path takes it.
    let mut claim = |path: String, claim: Claim<'a>| {
        let Some(first) = taken.get(&path) else {
            taken.insert(path, claim);
            return;
        };
        let file = (claim.file(config, graph)).or_else(|| first.file(config, graph));
        let Some((file, pos)) = file else {
            return;
        };
        diagnostics.push(
            Diagnostic::error(
                &file,
                pos,
                format!(
                    "{} and {} would both be the output file `{path}`",
                    first.what(graph),
                    claim.what(graph)
                ),
            )
            .hint("rename this file (a card's file name gives its page's address)"),
        );
    };
    let discovery = config.base_url.is_some().then_some(DISCOVERY_FILES);
    for (path, what) in SITE_PAGES.iter().chain(discovery.into_iter().flatten()) {
        claim(path.to_string(), Claim::Own(what));
    }
    for name in theme.assets.keys() {
        claim(format!("assets/{name}"), Claim::Own("a file of the theme"));
    }
    let mut tags_seen = HashSet::new();
    for (node, n) in graph.iter() {
        claim(format!("{}/index.html", n.id), Claim::Page(node));
        for tag in n.card.iter().flat_map(|c| &c.tags) {
            let slug = slugify(tag);
            if tags_seen.insert(slug.clone()) {
                claim(format!("tags/{slug}/index.html"), Claim::Tag(node, tag));
            }
        }
    }
    for attachment in attachments {
        claim(attachment.rel.clone(), Claim::Attachment(attachment));
    }
    diagnostics
}
