//! The page cache: every page of the last render with the signature of its context (a hash
//! of the theme, its path and everything it is drawn from), so that a rebuild draws again
//! only the pages whose signature changed.

use super::context::{Page, SiteInfo};
use crate::html::{encode_path, link_index_files};
use crate::site::Bytes;
use crate::theme::Theme;
use anyhow::Result;
use serde::Serialize;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

/// The pages of the last render, each with the signature of everything it was drawn from:
/// a page whose signature is unchanged is not drawn again.
#[derive(Debug, Default)]
pub struct PageCache {
    pages: HashMap<String, (u64, Bytes)>,
}

/// A drawn page: its path, the signature of its inputs (None without a cache), its bytes.
pub type Drawn = (String, Option<u64>, Bytes);

impl PageCache {
    /// Keeps the pages in `drawn` that have a signature, in place of what was kept.
    pub fn replace(&mut self, drawn: impl IntoIterator<Item = (String, (u64, Bytes))>) {
        self.pages = drawn.into_iter().collect();
    }

    /// Keeps one more drawn page, if it has a signature.
    pub fn keep(&mut self, (path, signature, bytes): &Drawn) {
        if let Some(signature) = signature {
            self.pages.insert(path.clone(), (*signature, bytes.clone()));
        }
    }
}

/// The page at `path` from `template` with `content`, drawn unless `previous` holds it
/// with the same signature (with no cache, no signature is computed).
pub fn draw<T: Serialize + Hash>(
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
        path: encode_path(path.strip_suffix("index.html").unwrap_or(path)),
        content,
    };
    let signature = previous.map(|_| signature(theme, path, &page));
    let cached = previous.and_then(|p| p.pages.get(path));
    let bytes = match (cached, signature) {
        (Some((old, bytes)), Some(signature)) if *old == signature => bytes.clone(),
        _ => {
            let html = theme.render(template, &page)?;
            match site.file_links {
                true => link_index_files(&html).into_bytes().into(),
                false => html.into_bytes().into(),
            }
        }
    };
    Ok((path.to_string(), signature, bytes))
}

/// A hash of everything a page is drawn from.
fn signature(theme: &Theme, path: &str, inputs: impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    (theme.fingerprint, path, inputs).hash(&mut hasher);
    hasher.finish()
}
