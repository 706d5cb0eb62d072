//! What search engines and feed readers read, for a site with a `base_url`: `sitemap.xml`
//! (an index of numbered parts past the protocol's 50,000 addresses a file), an Atom feed
//! of the dated cards, newest first, and `robots.txt` naming the sitemap. Addresses are
//! absolute, as both formats require. Stubs are left out: they say only that a card is
//! still to be written.

use super::context::tag_members;
use crate::card::{Card, Status};
use crate::graph::Graph;
use crate::html::{encode_path, escape, push_escaped};
use std::fmt::Write;

/// The most addresses one sitemap file may hold (sitemaps.org).
const SITEMAP_LIMIT: usize = 50_000;
/// The most cards the feed holds: the newest.
const FEED_LIMIT: usize = 50;

/// The discovery files of `graph` for a site at `base_url` (ending in `/`), by path.
pub fn discovery_files(graph: &Graph, base_url: &str, title: &str) -> Vec<(String, String)> {
    let base_url = &escape(base_url);
    let mut files = sitemaps(graph, base_url);
    files.push(("atom.xml".into(), feed(graph, base_url, title)));
    files.push((
        "robots.txt".into(),
        format!("User-agent: *\nAllow: /\n\nSitemap: {base_url}sitemap.xml\n"),
    ));
    files
}

/// Whether `path` names one of the files [`discovery_files`] makes (the sitemap's parts
/// change in number with the site).
pub fn is_discovery_file(path: &str) -> bool {
    let part = (path.strip_prefix("sitemap-"))
        .and_then(|p| p.strip_suffix(".xml"))
        .is_some_and(|n| n.parse::<usize>().is_ok());
    matches!(path, "sitemap.xml" | "atom.xml" | "robots.txt") || part
}

/// An address of the sitemap, with the time its page last changed if known.
struct Address {
    path: String,
    changed: Option<String>,
}

/// `sitemap.xml`, and its parts `sitemap-N.xml` when there are more addresses than one
/// file may hold.
fn sitemaps(graph: &Graph, base_url: &str) -> Vec<(String, String)> {
    let site_pages = ["", "graph/", "tags/"].map(|path| Address {
        path: path.into(),
        changed: None,
    });
    let pages = graph
        .iter()
        .filter(|(_, n)| n.status != Status::Stub)
        .map(|(_, n)| Address {
            path: format!("{}/", n.id),
            changed: n.card.as_deref().and_then(changed),
        });
    let tags = tag_members(graph).into_keys().map(|slug| Address {
        path: format!("tags/{slug}/"),
        changed: None,
    });
    let addresses: Vec<Address> = site_pages.into_iter().chain(pages).chain(tags).collect();
    sitemap_files(&addresses, base_url, SITEMAP_LIMIT)
}

/// `sitemap.xml` of `addresses`: itself a list of them if there are `limit` or fewer,
/// else an index of parts of `limit` each.
fn sitemap_files(addresses: &[Address], base_url: &str, limit: usize) -> Vec<(String, String)> {
    if addresses.len() <= limit {
        return vec![("sitemap.xml".into(), url_set(addresses, base_url))];
    }
    let parts: Vec<(String, String)> = (addresses.chunks(limit).enumerate())
        .map(|(i, part)| (format!("sitemap-{}.xml", i + 1), url_set(part, base_url)))
        .collect();
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (path, _) in &parts {
        let _ = writeln!(index, "<sitemap><loc>{base_url}{path}</loc></sitemap>");
    }
    index.push_str("</sitemapindex>\n");
    [("sitemap.xml".into(), index)]
        .into_iter()
        .chain(parts)
        .collect()
}

/// One sitemap file of `addresses`.
fn url_set(addresses: &[Address], base_url: &str) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for address in addresses {
        let _ = write!(
            xml,
            "<url><loc>{base_url}{}</loc>",
            encode_path(&address.path)
        );
        if let Some(changed) = &address.changed {
            let _ = write!(xml, "<lastmod>{changed}</lastmod>");
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// When `card` last changed, as its front matter says.
fn changed(card: &Card) -> Option<String> {
    card.updated.clone().or_else(|| card.date.clone())
}

/// The Atom feed: the newest dated cards, newest first (ties by id, so that rebuilds give
/// the same bytes).
fn feed(graph: &Graph, base_url: &str, title: &str) -> String {
    let mut dated: Vec<(String, &str, &Card)> = graph
        .iter()
        .filter_map(|(_, n)| {
            Some((
                changed(n.card.as_deref()?)?,
                n.id.as_str(),
                n.card.as_deref()?,
            ))
        })
        .collect();
    dated.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    dated.truncate(FEED_LIMIT);
    let newest = dated.first().map_or("1970-01-01T00:00:00Z", |d| &d.0);
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>",
    );
    push_escaped(&mut xml, title);
    let _ = write!(
        xml,
        "</title>\n<id>{base_url}</id>\n<link href=\"{base_url}\"/>\n\
         <link rel=\"self\" href=\"{base_url}atom.xml\"/>\n<updated>{newest}</updated>\n\
         <generator>cardweb</generator>\n"
    );
    for (changed, id, card) in dated {
        let url = format!("{base_url}{}/", encode_path(id));
        xml.push_str("<entry>\n<title>");
        push_escaped(&mut xml, &card.title);
        let _ = write!(
            xml,
            "</title>\n<id>{url}</id>\n<link href=\"{url}\"/>\n<updated>{changed}</updated>\n"
        );
        if let Some(date) = &card.date {
            let _ = writeln!(xml, "<published>{date}</published>");
        }
        xml.push_str("<author><name>");
        push_escaped(&mut xml, title);
        xml.push_str("</name></author>\n");
        if let Some(summary) = &card.summary {
            xml.push_str("<summary>");
            push_escaped(&mut xml, summary);
            xml.push_str("</summary>\n");
        }
        xml.push_str("</entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

#[cfg(test)]
mod tests {
    use super::{Address, sitemap_files};

    #[test]
    fn past_the_limit_the_sitemap_is_an_index_of_parts() {
        let addresses: Vec<Address> = (0..5)
            .map(|i| Address {
                path: format!("c{i}/"),
                changed: None,
            })
            .collect();
        let files = sitemap_files(&addresses, "https://x.org/", 2);
        let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(
            names,
            [
                "sitemap.xml",
                "sitemap-1.xml",
                "sitemap-2.xml",
                "sitemap-3.xml"
            ]
        );
        assert!(files[0].1.contains("<sitemapindex"));
        assert!(
            files[0]
                .1
                .contains("<loc>https://x.org/sitemap-3.xml</loc>")
        );
        assert!(files[3].1.contains("<loc>https://x.org/c4/</loc>"));
        assert_eq!(sitemap_files(&addresses, "https://x.org/", 5).len(), 1);
    }
}
