//! Old addresses: a card's former ids (`moved_from:`) and its aliases that are paths
//! (`aliases: [notes/old-name]`, as Obsidian Publish vaults keep them) each keep a page
//! that leads to the card, so that links from elsewhere survive a rename. An old address
//! that a page of the site has now, or that two cards claim, is a warning, not a redirect.

use super::build::SITE_IDS;
use super::{Graph, NodeId};
use crate::card::Located;
use crate::diagnostic::Diagnostic;
use crate::slug::slugify;
use std::collections::{HashMap, HashSet};

/// A page at an old address that leads to a card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// Where it is under the site root, `/`-separated segments without slashes around
    /// (`old-name`, `notes/old-name`).
    pub path: String,
    /// The card it leads to.
    pub to: NodeId,
}

/// Folders of the output that are the site's own, besides the pages of [`SITE_IDS`].
const SITE_FOLDERS: &[&str] = &["search"];

impl Graph {
    /// The redirects of every card, and a warning for each old address that cannot have
    /// one.
    pub(super) fn find_redirects(&mut self, diagnostics: &mut Vec<Diagnostic>) {
        let ids: HashSet<&str> = self.nodes.iter().map(|n| n.id.as_str()).collect();
        let mut claimed: HashMap<String, NodeId> = HashMap::new();
        let mut redirects = Vec::new();
        let mut roots = HashSet::new();
        for (node, n) in self.iter() {
            let Some(card) = &n.card else { continue };
            let paths = (card.moved_from.iter().map(|m| (m, slugify(&m.name)))).chain(
                card.aliases
                    .iter()
                    .filter_map(|a| Some((a, alias_path(&a.name)?))),
            );
            for (Located { name, pos }, path) in paths {
                let first = path.split('/').next().unwrap_or_default();
                roots.insert(first.to_string());
                if path.is_empty() || path == n.id {
                    continue;
                }
                let taken = ids.contains(first)
                    || SITE_IDS.contains(&first)
                    || SITE_FOLDERS.contains(&first);
                let problem = match claimed.get(&path) {
                    _ if taken => format!(
                        "`{name}` is the address of a page of the site now, so it cannot lead here"
                    ),
                    Some(&other) if other != node => {
                        format!("`{name}` already leads to `{}`", self[other].id)
                    }
                    Some(_) => continue,
                    None => {
                        claimed.insert(path.clone(), node);
                        redirects.push(Redirect { path, to: node });
                        continue;
                    }
                };
                diagnostics.push(Diagnostic::warning(&card.path, *pos, problem).hint(
                    "an old address keeps a page that leads to its card; give each one to one card",
                ));
            }
        }
        self.redirects = redirects;
        self.index.old_addresses = roots;
    }
}

/// The path of an alias that names one, each segment a slug: one that starts or ends
/// with `/` (`/blog/2019/tcp/`), or whose segments are slugs already (`notes/old-name`).
/// None for an alias that is a name (`TCP/IP`, `Old Name`).
pub(super) fn alias_path(alias: &str) -> Option<String> {
    let alias = alias.trim();
    let parts: Vec<&str> = alias.split('/').filter(|s| !s.is_empty()).collect();
    let slugs: Vec<String> = parts.iter().map(|s| slugify(s)).collect();
    let marked = alias.starts_with('/') || alias.ends_with('/');
    let slug_like = parts.len() > 1 && parts.iter().zip(&slugs).all(|(p, s)| p == s);
    let whole = !slugs.is_empty() && slugs.iter().all(|s| !s.is_empty());
    (whole && (marked || slug_like)).then(|| slugs.join("/"))
}

#[cfg(test)]
mod tests {
    use super::alias_path;

    #[test]
    fn aliases_with_slashes_are_paths_of_slugs() {
        assert_eq!(alias_path("notes/old-name"), Some("notes/old-name".into()));
        assert_eq!(alias_path("/blog/2019/tcp/"), Some("blog/2019/tcp".into()));
        assert_eq!(alias_path("Old Name"), None);
        assert_eq!(alias_path("TCP/IP"), None);
        assert_eq!(alias_path("/Old Name"), Some("old-name".into()));
        assert_eq!(alias_path("a/!!!"), None);
        assert_eq!(alias_path("/"), None);
    }
}
