//! The pages at old addresses: each sends the reader (at once, without script) and search
//! engines (by its canonical link) to the card that moved.

use crate::config::Config;
use crate::graph::{Graph, Redirect};
use crate::html::{encode_path, escape};

/// The page of `redirect`, by path.
pub fn redirect_page(config: &Config, graph: &Graph, redirect: &Redirect) -> (String, String) {
    let target = &graph[redirect.to];
    let up = "../".repeat(redirect.path.split('/').count());
    let relative = format!("{up}{}/", encode_path(&target.id));
    let canonical = match &config.base_url {
        Some(base) => format!("{base}{}/", encode_path(&target.id)),
        None => relative.clone(),
    };
    let (relative, canonical, title) =
        (escape(&relative), escape(&canonical), escape(&target.title));
    let page = format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{title}</title>\n<link rel=\"canonical\" href=\"{canonical}\">\n\
         <meta name=\"robots\" content=\"noindex\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={relative}\">\n</head>\n<body>\n\
         <p>This page has moved to <a href=\"{relative}\">{title}</a>.</p>\n</body>\n</html>\n",
        lang = escape(&config.language),
    );
    (format!("{}/index.html", redirect.path), page)
}
