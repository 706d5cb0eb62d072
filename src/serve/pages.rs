//! The site as the server answers it: every file's bytes with its ETag and content type,
//! computed once per build, and HTML pages given the live-reload script. Requests are
//! answered from this map only: no request path ever reaches the file system.

use crate::render::Site;
use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// The script tag `serve` adds to every page (never present in `build` output).
const LIVE_SCRIPT: &str = "<script src=\"/_cardweb/live.js\" defer></script>\n";

/// One file, ready to send.
#[derive(Debug)]
pub struct Page {
    /// The bytes sent for GET.
    pub body: Vec<u8>,
    /// A strong validator of the body, quoted as HTTP wants it.
    pub etag: String,
    /// `Content-Type`, with a charset for text.
    pub content_type: &'static str,
}

/// All files of the site, by path without the leading `/`.
#[derive(Debug, Default)]
pub struct Pages {
    files: HashMap<String, Arc<Page>>,
}

impl Pages {
    /// Takes over a rendered site's files, adding the live script to HTML pages.
    pub fn from_site(site: Site) -> Pages {
        let files = site
            .files
            .into_par_iter()
            .map(|(path, bytes)| {
                let content_type = content_type(&path);
                let body = match content_type.starts_with("text/html") {
                    true => with_live_script(bytes),
                    false => bytes,
                };
                let page = Page {
                    etag: etag(&body),
                    body,
                    content_type,
                };
                (path, Arc::new(page))
            })
            .collect();
        Pages { files }
    }

    /// The file at `path`, if the site has one.
    pub fn get(&self, path: &str) -> Option<&Arc<Page>> {
        self.files.get(path)
    }

    /// The paths whose bytes differ from `old`'s, or that `old` did not have, sorted.
    pub fn changed_since(&self, old: &Pages) -> Vec<String> {
        let mut changed: Vec<String> = self
            .files
            .iter()
            .filter(|(path, page)| old.files.get(*path).is_none_or(|o| o.etag != page.etag))
            .map(|(path, _)| path.clone())
            .collect();
        changed.sort();
        changed
    }
}

fn with_live_script(mut html: Vec<u8>) -> Vec<u8> {
    let at = html
        .windows(7)
        .rposition(|w| w == b"</body>")
        .unwrap_or(html.len());
    html.splice(at..at, LIVE_SCRIPT.bytes());
    html
}

fn etag(body: &[u8]) -> String {
    let mut hasher = std::hash::DefaultHasher::new();
    body.hash(&mut hasher);
    format!("\"{:016x}-{:x}\"", hasher.finish(), body.len())
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
            files: files
                .iter()
                .map(|(p, b)| (p.to_string(), b.as_bytes().to_vec()))
                .collect(),
        }
    }

    #[test]
    fn pages_get_the_live_script_and_assets_do_not() {
        let pages = Pages::from_site(site(&[
            ("a/index.html", "<body>x</body>"),
            ("assets/s.css", "</body>"),
        ]));
        let page = pages.get("a/index.html").unwrap();
        assert_eq!(
            String::from_utf8_lossy(&page.body),
            format!("<body>x{LIVE_SCRIPT}</body>")
        );
        assert_eq!(page.content_type, "text/html; charset=utf-8");
        assert_eq!(pages.get("assets/s.css").unwrap().body, b"</body>");
    }

    #[test]
    fn changed_pages_are_found_by_etag() {
        let old = Pages::from_site(site(&[("a", "1"), ("b", "2")]));
        let new = Pages::from_site(site(&[("a", "1"), ("b", "3"), ("c", "4")]));
        assert_eq!(new.changed_since(&old), ["b", "c"]);
    }
}
