//! Routing: what a request line asks for, decided by a pure function over the site's paths.
//! Paths are looked up in memory, never joined onto a folder, and any path with `.`/`..`
//! segments, a backslash, a NUL or an encoded `/` is simply not found.

use super::pages::Pages;

/// What the server will do with a request.
#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    /// Send the site file at this path.
    File(String),
    /// Redirect to this location (a folder asked for without its trailing `/`).
    Redirect(String),
    /// The request's own contents, as JSON.
    Echo,
    /// The stream of server events: reloads and build errors, and with `log`, every
    /// request too.
    Events { log: bool },
    /// The page that shows the request log live.
    LogPage,
    /// The script that live-reloads pages.
    LiveScript,
    /// Nothing here: the site's 404 page.
    NotFound,
    /// A request to start a card from a stub (POST, checked by the handler).
    NewCard,
    /// A method other than GET and HEAD.
    MethodNotAllowed,
}

/// The prefix of the server's own endpoints; nothing under it exists in `build` output.
pub const PREFIX: &str = "/_cardweb/";

/// Decides what `method` and `url` (the request target, query included) ask for.
pub fn route(method: &str, url: &str, pages: &Pages) -> Route {
    if method == "POST" && url == "/_cardweb/new" {
        return Route::NewCard;
    }
    if method != "GET" && method != "HEAD" {
        return Route::MethodNotAllowed;
    }
    let (raw_path, query) = url
        .split_once('?')
        .map_or((url, None), |(p, q)| (p, Some(q)));
    if let Some(endpoint) = raw_path.strip_prefix(PREFIX) {
        return match endpoint {
            "echo" => Route::Echo,
            "events" => Route::Events { log: false },
            "log-events" => Route::Events { log: true },
            "log" => Route::LogPage,
            "live.js" => Route::LiveScript,
            _ => Route::NotFound,
        };
    }
    let Some(path) = decode_path(raw_path) else {
        return Route::NotFound;
    };
    let key = path.strip_prefix('/').unwrap_or(&path);
    let key = match key.is_empty() || key.ends_with('/') {
        true => format!("{key}index.html"),
        false => key.to_string(),
    };
    if pages.get(&key).is_some() {
        return Route::File(key);
    }
    if pages.get(&format!("{key}/index.html")).is_some() {
        let query = query.map(|q| format!("?{q}")).unwrap_or_default();
        return Route::Redirect(format!("{raw_path}/{query}"));
    }
    Route::NotFound
}

/// The decoded path, or None if it is not a plain absolute path within the site.
fn decode_path(raw: &str) -> Option<String> {
    if !raw.starts_with('/') || raw.contains("%2f") || raw.contains("%2F") {
        return None;
    }
    let path = crate::html::percent_decode(raw);
    let bad_segment = path.split('/').any(|s| s == "." || s == "..");
    let bad_char = path.contains(['\\', '\0']);
    (!bad_segment && !bad_char && !path.starts_with("//")).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::{Bytes, Site};

    fn pages() -> Pages {
        let files = [
            "index.html",
            "dns/index.html",
            "assets/style.css",
            "my notes/a b.svg",
        ];
        let site = Site {
            files: std::sync::Arc::new(
                (files.iter())
                    .map(|f| (f.to_string(), Bytes::from(&b""[..])))
                    .collect(),
            ),
        };
        Pages::update(site, &Pages::default()).0
    }

    #[test]
    fn files_folders_and_redirects() {
        let p = pages();
        assert_eq!(route("GET", "/", &p), Route::File("index.html".into()));
        assert_eq!(
            route("HEAD", "/dns/", &p),
            Route::File("dns/index.html".into())
        );
        assert_eq!(
            route("GET", "/dns/?x=1", &p),
            Route::File("dns/index.html".into())
        );
        assert_eq!(route("GET", "/dns", &p), Route::Redirect("/dns/".into()));
        assert_eq!(
            route("GET", "/dns?x=1", &p),
            Route::Redirect("/dns/?x=1".into())
        );
        assert_eq!(
            route("GET", "/my%20notes/a%20b.svg", &p),
            Route::File("my notes/a b.svg".into())
        );
        assert_eq!(route("GET", "/nope/", &p), Route::NotFound);
        assert_eq!(route("POST", "/", &p), Route::MethodNotAllowed);
        assert_eq!(route("POST", "/_cardweb/new", &p), Route::NewCard);
        assert_eq!(route("GET", "/_cardweb/new", &p), Route::NotFound);
        assert_eq!(route("GET", "/_cardweb/echo?a", &p), Route::Echo);
    }

    #[test]
    fn nothing_outside_the_site() {
        let p = pages();
        for url in [
            "/../etc/passwd",
            "/dns/../index.html",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/x",
            "/dns%2findex.html",
            "/dns%2Findex.html",
            "/..%5c..%5cetc",
            "/dns\\index.html",
            "/index.html%00",
            "//etc/passwd",
            "http://evil/index.html",
            "etc/passwd",
            "/./index.html",
        ] {
            assert_eq!(route("GET", url, &p), Route::NotFound, "{url}");
        }
    }
}
