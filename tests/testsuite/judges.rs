//! Outside judges of the output: the W3C Nu HTML Checker on every page of the own site
//! and of a 1,000-card corpus (made here, with every construct a card may hold), axe-core
//! on every page of the own site in light and dark schemes (and on the build-error
//! overlay), on a vault's and on a large site's list pages, and a crawl in Chromium from the home page
//! that follows every link. The judges come from npm (`judges/`, installed by
//! `scripts/test.sh`); Java from Debian runs the checker.

use crate::chromium::{Browser, Tab};
use crate::crawl::crawl;
use crate::server::Served;
use crate::support::TestSite;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;

fn judge(rel: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("judges/node_modules")
        .join(rel);
    assert!(
        path.exists(),
        "{} is missing: run scripts/test.sh (it installs the judges with npm ci in judges/)",
        path.display()
    );
    path
}

/// The Nu HTML Checker's errors on every page under `dir`.
fn html_errors(dir: &Path) -> Vec<String> {
    let out = Command::new("java")
        .arg("-jar")
        .arg(judge("vnu-jar/build/dist/vnu.jar"))
        .args(["--errors-only", "--skip-non-html", "--format", "json"])
        .arg(dir)
        .output()
        .expect("java runs the Nu HTML Checker");
    let report: Value = serde_json::from_slice(&out.stderr).expect("the checker's JSON report");
    let messages = report["messages"].as_array().cloned().unwrap_or_default();
    messages
        .iter()
        .map(|m| format!("{}:{}: {}", m["url"], m["lastLine"], m["message"]))
        .collect()
}

/// A site of `n` cards using every construct a card may hold: parents, relations, tags,
/// headings and links to them, links to stubs, callouts, quizzes, code, tables, footnotes.
fn corpus(n: usize) -> TestSite {
    let site = TestSite::new();
    for i in 0..n {
        let parent = match i {
            0 => String::new(),
            i => format!("parent: c{}\n", (i - 1) / 4),
        };
        site.write(
            &format!("cards/c{i}.md"),
            format!(
                "---\ntitle: Card {i}\nsummary: What card {i} is about.\nstatus: {}\n{parent}\
                 tags: [t{}, \"topic {}\"]\nrelated: [c{}]\nnext: [c{}, missing {}]\n---\n\
                 ## Idea {i}\n\nSee [[c{}#idea-{}]], [[Missing {}]] and [a file](c{}.md).\n\n\
                 > [!analogy]\n> Like card {i}.\n\n> [!quiz] Which?\n> - [x] This\n> - [ ] That\n>\n> Because.\n\n\
                 | a | b |\n|---|---|\n| `x` | *y* |\n\n```rust\nfn main() {{}}\n```\n\nA note[^n].\n\n[^n]: Here.\n",
                ["complete", "draft"][i % 2],
                i % 7,
                i % 3,
                (i * 7 + 1) % n,
                (i + 1) % n,
                i % 40,
                (i * 3 + 2) % n,
                (i * 3 + 2) % n,
                i % 30,
                (i + 5) % n,
            ),
        );
    }
    site
}

#[test]
fn every_page_passes_the_nu_html_checker() {
    let own = TestSite::own_cards();
    own.build();
    let corpus = corpus(1000);
    corpus.build();
    let pages = pages(&corpus.path().join("output")).len();
    assert!(pages > 1000, "the corpus has {pages} pages");
    let vault = TestSite::fixture("vault");
    vault.build();
    for site in [&own, &corpus, &vault] {
        let errors = html_errors(&site.path().join("output"));
        assert!(
            errors.is_empty(),
            "{} errors:\n{}",
            errors.len(),
            errors.join("\n")
        );
    }
}

/// axe-core's serious and critical violations on the page open in `tab`.
fn axe_violations(tab: &mut Tab, axe: &str) -> Vec<String> {
    tab.eval(axe);
    let found = tab.eval_async(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations\
         .filter(v => v.impact === 'serious' || v.impact === 'critical')\
         .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ') + ' (' + n.failureSummary.split('\\n').slice(1).join(' ') + ')').join('; ')))",
    );
    serde_json::from_value(found).unwrap_or_default()
}

/// Each of `violations`, said to be on `what`.
fn labelled(what: &str, violations: Vec<String>) -> impl Iterator<Item = String> + '_ {
    violations.into_iter().map(move |v| format!("{what}: {v}"))
}

fn assert_no_violations(found: &[String]) {
    assert!(
        found.is_empty(),
        "{} violations:\n{}",
        found.len(),
        found.join("\n")
    );
}

/// axe-core's serious and critical violations on each of `pages` of `served`, in the light
/// and the dark scheme.
fn axe_in_both_schemes(
    tab: &mut Tab,
    served: &Served,
    pages: &[impl AsRef<str>],
    axe: &str,
) -> Vec<String> {
    let mut found = Vec::new();
    for scheme in ["light", "dark"] {
        tab.call(
            "Emulation.setEmulatedMedia",
            json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]}),
        );
        for page in pages.iter().map(AsRef::as_ref) {
            tab.call(
                "Page.navigate",
                json!({"url": format!("http://{}{page}", served.addr)}),
            );
            tab.wait_until(
                "document.readyState === 'complete'",
                &format!("{page} loading"),
            );
            found.extend(labelled(
                &format!("{scheme} {page}"),
                axe_violations(tab, axe),
            ));
        }
    }
    found
}

/// `site` served, axe-core's script, and a browser open on the home page.
fn axe_session(site: &TestSite) -> Option<(Served, String, Browser, Tab)> {
    let served = Served::start(site);
    let axe = std::fs::read_to_string(judge("axe-core/axe.min.js")).unwrap();
    let (browser, tab) = Browser::open(&format!("http://{}/", served.addr))?;
    Some((served, axe, browser, tab))
}

/// Every HTML page of the site built in `output`, as a path the server answers.
fn pages(output: &Path) -> Vec<String> {
    TestSite::output_files_in(output)
        .into_keys()
        .map(|p| p.to_string_lossy().into_owned())
        .filter(|p| p.ends_with(".html"))
        .map(|p| format!("/{}", p.trim_end_matches("index.html")))
        .collect()
}

#[test]
fn every_page_passes_axe_in_light_and_dark() {
    let site = TestSite::own_cards();
    site.build();
    let Some((served, axe, _browser, mut tab)) = axe_session(&site) else {
        return;
    };
    let pages = pages(&site.path().join("output"));
    let mut found = axe_in_both_schemes(&mut tab, &served, &pages, &axe);
    // The build-error overlay, shown over a page.
    tab.call(
        "Page.navigate",
        json!({"url": format!("http://{}/apis/", served.addr)}),
    );
    tab.wait_until("document.readyState === 'complete'", "the page loading");
    let card = site.path().join("cards/apis.md");
    let text = std::fs::read_to_string(&card).unwrap();
    std::fs::write(
        &card,
        text.replace("parent: client-server-model", "parent: apis"),
    )
    .unwrap();
    tab.wait_until(
        "document.getElementById('cardweb-error') !== null",
        "the overlay",
    );
    found.extend(labelled("overlay", axe_violations(&mut tab, &axe)));
    assert_no_violations(&found);
}

#[test]
fn a_vaults_pages_pass_axe_in_light_and_dark() {
    let site = TestSite::fixture("vault");
    site.build();
    let Some((served, axe, _browser, mut tab)) = axe_session(&site) else {
        return;
    };
    let pages = [
        "/",
        "/start-here/",
        "/embedded-note/",
        "/nested/",
        "/private-thoughts/",
    ];
    let mut found = axe_in_both_schemes(&mut tab, &served, &pages, &axe);
    // The search dialog, open with results, and a link preview.
    tab.eval("document.querySelector('a.search-open').click()");
    tab.eval(
        "document.querySelector('.search-input').value = 'embed'; \
         document.querySelector('.search-input').dispatchEvent(new Event('input'))",
    );
    tab.wait_until(
        "document.querySelectorAll('.search-result').length > 0",
        "search results",
    );
    found.extend(labelled("search dialog", axe_violations(&mut tab, &axe)));
    tab.eval(
        "document.querySelector('dialog.search-dialog').close(); \
         document.querySelector('main a.card-link').focus()",
    );
    tab.wait_until(
        "!document.getElementById('cw-preview').hidden",
        "a link preview",
    );
    found.extend(labelled("link preview", axe_violations(&mut tab, &axe)));
    assert_no_violations(&found);
}

#[test]
fn a_large_sites_list_pages_pass_axe_in_light_and_dark() {
    // Past 300 concepts the home page's tree is cut and every concept listed in pages; a
    // hub with more than 100 backlinks and children lists them all on pages of its own.
    let site = corpus(400).file("cards/hub.md", "---\ntitle: Hub\n---\nThe hub.\n");
    for i in 0..120 {
        site.write(
            &format!("cards/fan{i}.md"),
            format!("---\ntitle: Fan {i}\nparent: c0\n---\nA fan of [[hub]].\n"),
        );
    }
    let Some((served, axe, _browser, mut tab)) = axe_session(&site) else {
        return;
    };
    let pages = [
        "/",
        "/graph/",
        "/graph/concepts.html",
        "/graph/concepts-2.html",
        "/graph/path.html",
        "/hub/",
        "/hub/backlinks.html",
        "/c0/children.html",
        "/stubs/",
        "/tags/",
    ];
    for page in &pages {
        assert_eq!(served.get(page).status, 200, "{page}");
    }
    assert_no_violations(&axe_in_both_schemes(&mut tab, &served, &pages, &axe));
}

#[test]
fn a_crawl_from_the_home_page_finds_no_broken_link_and_no_console_error() {
    let site = TestSite::own_cards();
    let served = Served::start(&site);
    let origin = format!("http://{}", served.addr);
    let Some((_browser, mut tab)) = Browser::open(&format!("{origin}/")) else {
        return;
    };
    let (seen, problems) = crawl(&mut tab, &origin, "/");
    assert!(seen > 20, "the crawl reached {seen} addresses");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
