//! Where each file of the site goes, checked before anything is drawn: two sources for one
//! output file (a card named like one of the site's own pages, an attachment where a page
//! goes) are errors at the file that asks for the taken place.

use crate::card::Attachment;
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Pos};
use crate::graph::Graph;
use crate::slug::slugify;
use crate::theme::Theme;
use std::collections::HashMap;
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

/// What wants an output file: a file of the site (where to point a problem), and what it
/// is in words.
struct Claim {
    file: Option<(PathBuf, Pos)>,
    what: String,
}

/// Every output file that two sources want, as an error at the source that came second
/// (or at the card or attachment, when the other is one of the site's own files).
pub fn clashes(
    config: &Config,
    graph: &Graph,
    theme: &Theme,
    attachments: &[Attachment],
) -> Vec<Diagnostic> {
    let mut claims: Vec<(String, Claim)> = Vec::new();
    let own = |what: &str| Claim {
        file: None,
        what: what.to_string(),
    };
    let discovery = config.base_url.is_some().then_some(DISCOVERY_FILES);
    for (path, what) in SITE_PAGES.iter().chain(discovery.into_iter().flatten()) {
        claims.push((path.to_string(), own(what)));
    }
    for name in theme.assets.keys() {
        claims.push((format!("assets/{name}"), own("a file of the theme")));
    }
    let mut tags_seen = HashMap::new();
    for (node, n) in graph.iter() {
        let file = match &n.card {
            Some(card) => Some((card.path.clone(), Pos::START)),
            // A stub's page is asked for by the first card that links to it.
            None => (graph.incoming(node))
                .find_map(|e| graph[e.from].card.as_ref())
                .map(|card| (card.path.clone(), Pos::START)),
        };
        let what = match &n.card {
            Some(_) => format!("the page of `{}`", n.id),
            None => format!("the page of the stub `{}` this card links to", n.id),
        };
        claims.push((format!("{}/index.html", n.id), Claim { file, what }));
        for tag in n.card.iter().flat_map(|c| &c.tags) {
            let slug = slugify(tag);
            if tags_seen.insert(slug.clone(), ()).is_none() {
                let file = n.card.as_ref().map(|c| (c.path.clone(), Pos::START));
                let what = format!("the page of the tag `{tag}`");
                claims.push((format!("tags/{slug}/index.html"), Claim { file, what }));
            }
        }
    }
    for attachment in attachments {
        let file = Some((config.display_path(&attachment.source), Pos::START));
        let what = format!("the attachment `{}`", attachment.rel);
        claims.push((attachment.rel.clone(), Claim { file, what }));
    }
    let mut taken: HashMap<String, Claim> = HashMap::new();
    let mut diagnostics = Vec::new();
    for (path, claim) in claims {
        match taken.get(&path) {
            None => {
                taken.insert(path, claim);
            }
            Some(first) => {
                let Some((file, pos)) = claim.file.clone().or_else(|| first.file.clone()) else {
                    continue;
                };
                diagnostics.push(
                    Diagnostic::error(
                        &file,
                        pos,
                        format!(
                            "{} and {} would both be the output file `{path}`",
                            first.what, claim.what
                        ),
                    )
                    .hint("rename this file (a card's file name gives its page's address)"),
                );
            }
        }
    }
    diagnostics
}
