//! A crawl of a served site in Chromium, from one page: every link, asset and anchor
//! checked, and every error in the console.

use crate::chromium::Tab;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// Visits every page reachable from `start` on `origin` in `tab`, and returns how many
/// addresses it met and what it found wrong: a link or asset that does not answer 200, an
/// anchor its page lacks, an error in the console.
pub fn crawl(tab: &mut Tab, origin: &str, start: &str) -> (usize, Vec<String>) {
    tab.call("Runtime.enable", json!({}));
    tab.call("Log.enable", json!({}));
    let mut seen = BTreeSet::from([start.to_string()]);
    let mut queue = VecDeque::from([start.to_string()]);
    let mut ids: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut anchors: Vec<(String, String, String)> = Vec::new();
    let mut problems = Vec::new();
    while let Some(page) = queue.pop_front() {
        tab.events.clear();
        tab.call("Page.navigate", json!({"url": format!("{origin}{page}")}));
        tab.wait_until(
            "document.readyState === 'complete'",
            &format!("{page} loading"),
        );
        let found = tab.eval_async(&format!(
            "(async () => {{\
               const here = location.pathname;\
               const urls = [...document.querySelectorAll('[href], [src]')]\
                 .map(e => new URL(e.getAttribute('href') ?? e.getAttribute('src'), location.href))\
                 .filter(u => u.origin === {origin});\
               const links = await Promise.all([...new Set(urls.map(u => u.pathname))].map(async p =>\
                 [p, (await fetch(p, {{method: 'HEAD', redirect: 'manual'}})).status]));\
               return {{here, links,\
                 anchors: urls.filter(u => u.hash).map(u => [u.pathname, decodeURIComponent(u.hash.slice(1))]),\
                 ids: [...document.querySelectorAll('[id]')].map(e => e.id)}};\
             }})()",
            origin = json!(origin)
        ));
        let here = found["here"].as_str().unwrap().to_string();
        let strings = |v: &Value| -> Vec<String> {
            (v.as_array().unwrap().iter())
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        };
        ids.insert(here.clone(), strings(&found["ids"]));
        for pair in found["anchors"].as_array().unwrap() {
            let pair = strings(pair);
            anchors.push((here.clone(), pair[0].clone(), pair[1].clone()));
        }
        for link in found["links"].as_array().unwrap() {
            let (path, status) = (link[0].as_str().unwrap(), link[1].as_u64().unwrap());
            if !seen.insert(path.to_string()) {
                continue;
            }
            match status {
                200 if path.ends_with('/') => queue.push_back(path.to_string()),
                200 => {}
                status => problems.push(format!("{page} links to {path}: {status}")),
            }
        }
        problems.extend(
            tab.console_errors()
                .into_iter()
                .map(|e| format!("{page}: {e}")),
        );
    }
    for (from, page, id) in anchors {
        if ids.get(&page).is_some_and(|ids| !ids.contains(&id)) {
            problems.push(format!("{from} links to {page}#{id}: no such anchor"));
        }
    }
    (seen.len(), problems)
}
