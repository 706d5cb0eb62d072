//! The site as the server answers it: every file's bytes with its ETag and content type,
//! computed once per build (and kept for files a rebuild did not change), and HTML pages
//! given the live-reload script as they are sent. Requests are answered from this map only:
//! no request path ever reaches the file system.

use crate::site::{Bytes, Site};
use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::{Cursor, Read};
use std::sync::Arc;

/// The script tag `serve` adds to every page (never present in `build` output).
const LIVE_SCRIPT: &[u8] = b"<script src=\"/_cardweb/live.js\" defer></script>\n";

/// One file, ready to send.
#[derive(Debug)]
pub struct Page {
    /// The file's bytes, shared with the rendered site.
    body: Bytes,
    /// Where the live script goes in, for HTML pages.
    script_at: Option<usize>,
    /// A strong validator of what is sent, quoted as HTTP wants it.
    pub etag: String,
    /// `Content-Type`, with a charset for text.
    pub content_type: &'static str,
}

impl Page {
    fn new(body: Bytes, content_type: &'static str) -> Page {
        let script_at = content_type.starts_with("text/html").then(|| {
            body.windows(7)
                .rposition(|w| w == b"</body>")
                .unwrap_or(body.len())
        });
        let mut hasher = std::hash::DefaultHasher::new();
        (&body, script_at).hash(&mut hasher);
        let etag = format!("\"{:016x}-{:x}\"", hasher.finish(), body.len());
        Page {
            body,
            script_at,
            etag,
            content_type,
        }
    }

    /// How many bytes are sent.
    pub fn len(&self) -> usize {
        self.body.len() + self.script_at.map_or(0, |_| LIVE_SCRIPT.len())
    }

    /// The bytes sent, read from the shared body without copying it.
    pub fn reader(&self) -> impl Read + Send + 'static {
        let at = self.script_at.unwrap_or(self.body.len());
        let script: &'static [u8] = if self.script_at.is_some() {
            LIVE_SCRIPT
        } else {
            b""
        };
        let part = |range: std::ops::Range<usize>| Cursor::new(Part(self.body.clone(), range));
        part(0..at).chain(script).chain(part(at..self.body.len()))
    }
}

/// A range of shared bytes.
struct Part(Bytes, std::ops::Range<usize>);

impl AsRef<[u8]> for Part {
    fn as_ref(&self) -> &[u8] {
        &self.0[self.1.clone()]
    }
}

/// All files of the site, by path without the leading `/`.
#[derive(Clone, Debug, Default)]
pub struct Pages {
    files: HashMap<String, Arc<Page>>,
}

impl Pages {
    /// Takes over a rendered site's files, keeping `previous`'s page for every file whose
    /// bytes are the very same; with the paths whose bytes differ from `previous`'s, or that
    /// it did not have, sorted (found in the same one pass over the files).
    pub fn update(site: Site, previous: &Pages) -> (Pages, Vec<String>) {
        let taken: Vec<(String, Arc<Page>, bool)> = (Arc::unwrap_or_clone(site.files)
            .into_par_iter())
        .map(|(path, bytes)| match previous.files.get(&path) {
            Some(old) if Arc::ptr_eq(&old.body, &bytes) => (path, old.clone(), false),
            old => {
                let page = Arc::new(Page::new(bytes, content_type(&path)));
                let changed = old.is_none_or(|o| o.etag != page.etag);
                (path, page, changed)
            }
        })
        .collect();
        let changed = (taken.iter())
            .filter(|(_, _, changed)| *changed)
            .map(|(path, _, _)| path.clone())
            .collect();
        let files = (taken.into_iter())
            .map(|(path, page, _)| (path, page))
            .collect();
        (Pages { files }, changed)
    }

    /// Takes over the files at the paths in `changed` from a rendered site that differs
    /// from the one these pages were made from in those alone (a rebuild in place): each
    /// one's page is made again, or taken out if the site no longer has it. Returns the
    /// paths whose bytes differ now, or that are new, sorted.
    pub fn apply(&mut self, site: &Site, changed: &[String]) -> Vec<String> {
        let mut differ = Vec::new();
        for path in changed {
            let Some(bytes) = site.files.get(path) else {
                self.files.remove(path);
                continue;
            };
            let old = self.files.get(path);
            if old.is_some_and(|old| Arc::ptr_eq(&old.body, bytes)) {
                continue;
            }
            let page = Arc::new(Page::new(bytes.clone(), content_type(path)));
            if old.is_none_or(|old| old.etag != page.etag) {
                differ.push(path.clone());
            }
            self.files.insert(path.clone(), page);
        }
        differ.sort_unstable();
        differ.dedup();
        differ
    }

    /// The file at `path`, if the site has one.
    pub fn get(&self, path: &str) -> Option<&Arc<Page>> {
        self.files.get(path)
    }
}

/// The `Content-Type` of a file, by its extension.
pub fn content_type(path: &str) -> &'static str {
    let extension = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match extension.as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("json") => "application/json; charset=utf-8",
        Some("xml") => "application/xml; charset=utf-8",
        Some("txt" | "md") => "text/plain; charset=utf-8",
        Some("csv") => "text/csv; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("avif") => "image/avif",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("pdf") => "application/pdf",
        Some("mp3") => "audio/mpeg",
        Some("ogg") => "audio/ogg",
        Some("wav") => "audio/wav",
        Some("mp4") => "video/mp4",
        Some("webm") => "video/webm",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> Site {
        Site {
            files: Arc::new(
                (files.iter())
                    .map(|(p, b)| (p.to_string(), Bytes::from(b.as_bytes())))
                    .collect(),
            ),
        }
    }

    fn sent(page: &Page) -> String {
        let mut text = String::new();
        page.reader().read_to_string(&mut text).unwrap();
        assert_eq!(text.len(), page.len());
        text
    }

    #[test]
    fn pages_get_the_live_script_and_assets_do_not() {
        let files = site(&[
            ("a/index.html", "<body>x</body>"),
            ("assets/s.css", "</body>"),
        ]);
        let (pages, changed) = Pages::update(files, &Pages::default());
        assert_eq!(changed, ["a/index.html", "assets/s.css"]);
        let page = pages.get("a/index.html").unwrap();
        assert_eq!(
            sent(page),
            format!("<body>x{}</body>", String::from_utf8_lossy(LIVE_SCRIPT))
        );
        assert_eq!(page.content_type, "text/html; charset=utf-8");
        assert_eq!(sent(pages.get("assets/s.css").unwrap()), "</body>");
    }

    #[test]
    fn changed_pages_are_found_and_unchanged_ones_kept() {
        let (old, _) = Pages::update(site(&[("a", "1"), ("b", "2")]), &Pages::default());
        let mut next = site(&[("b", "3"), ("c", "4")]);
        Arc::make_mut(&mut next.files).insert("a".into(), old.get("a").unwrap().body.clone());
        let (new, changed) = Pages::update(next, &old);
        assert_eq!(changed, ["b", "c"]);
        assert!(
            Arc::ptr_eq(new.get("a").unwrap(), old.get("a").unwrap()),
            "the same page, not recomputed"
        );
    }

    #[test]
    fn a_rebuild_in_place_changes_the_named_pages_alone() {
        let (mut pages, _) = Pages::update(site(&[("a", "1"), ("b", "2")]), &Pages::default());
        let a = pages.get("a").unwrap().clone();
        // b is drawn again the same, c is new, a is gone but not named: it stays.
        let next = site(&[("b", "2"), ("c", "3")]);
        let changed = pages.apply(&next, &["b".into(), "c".into()]);
        assert_eq!(changed, ["c"], "b's bytes are the same");
        assert!(Arc::ptr_eq(pages.get("a").unwrap(), &a));
        assert_eq!(sent(pages.get("c").unwrap()), "3");
        let changed = pages.apply(&next, &["a".into()]);
        assert!(changed.is_empty());
        assert!(pages.get("a").is_none(), "named and gone from the site");
    }
}
