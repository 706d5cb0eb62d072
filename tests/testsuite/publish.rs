//! Publishing to a static host: the configuration and its flags, what search engines and
//! feed readers read (sitemap, feed, robots.txt, canonical and Open Graph tags), and pages
//! at old addresses that lead to moved cards.

use crate::chromium::{Browser, Tab};
use crate::support::{TestSite, attribute_values};
use serde_json::json;
use std::path::Path;

const BASE: &str = "https://example.org/notes/";

fn dated_site() -> TestSite {
    TestSite::new()
        .file(
            "cardweb.yaml",
            "title: Net notes\ndescription: How networks work\nlanguage: de\nbase_url: https://example.org/notes\n\
             ignore: [\"private/**\", \"*.tmp.md\"]\nextra: {footer: Made by us}\n",
        )
        .file(
            "cards/tcp.md",
            "---\ntitle: TCP & friends\nsummary: Reliable bytes.\ndate: 2024-03-01\nupdated: 2024-06-02 10:30\n---\nSee [[udp]] and [[ip]].\n",
        )
        .file(
            "cards/udp.md",
            "---\ntitle: UDP\nsummary: Datagrams.\ndate: 2024-05-01\n---\nSee [[tcp]].\n",
        )
        .file("cards/old.md", "---\ntitle: Old\n---\nUndated.\n")
        .file("cards/wip.md", "---\ntitle: WIP\nstatus: draft\n---\nSee [[tcp]].\n")
        .file("cards/private/secret.md", "---\ntitle: Secret\n---\nHidden.\n")
        .file("cards/scratch.tmp.md", "---\ntitle: Scratch\n---\nHidden.\n")
        .file(
            "templates/404.html",
            "{% extends \"base.html\" %}{% block main %}{{ site.extra.footer }}{% endblock main %}",
        )
}

#[test]
fn the_configuration_names_language_description_ignores_and_drafts() {
    let site = dated_site();
    let built = site.build();
    let files = site.output_files();
    let has = |rel: &str| files.contains_key(Path::new(rel));
    assert!(
        has("tcp/index.html") && has("old/index.html"),
        "{}",
        built.stdout()
    );
    assert!(
        !has("secret/index.html") && !has("scratch-tmp/index.html"),
        "ignored"
    );
    assert!(
        !has("wip/index.html"),
        "a draft is left out of a published build"
    );
    let tcp = site.page("tcp/index.html");
    assert!(tcp.contains("<html lang=\"de\">"), "{tcp}");
    let home = site.page("index.html");
    assert!(home.contains("<meta name=\"description\" content=\"How networks work\">"));
    assert!(
        site.page("404.html").contains("Made by us"),
        "site.extra in a template"
    );

    let with_drafts = site.run(&["build", "--drafts", "-o", "public"]).success();
    assert!(
        site.path().join("public/wip/index.html").is_file(),
        "{}",
        with_drafts.stdout()
    );

    // --root, and --base-url over the configuration's, for a deploy preview.
    let elsewhere = TestSite::new();
    let root = site.path().to_str().unwrap();
    let out = elsewhere.path().join("preview");
    let preview = [
        "build",
        "--root",
        root,
        "--base-url",
        "https://preview.example.net/x/",
        "-o",
    ];
    elsewhere
        .run(&[&preview[..], &[out.to_str().unwrap()]].concat())
        .success();
    let page = std::fs::read_to_string(out.join("tcp/index.html")).unwrap();
    assert!(
        page.contains("<link rel=\"canonical\" href=\"https://preview.example.net/x/tcp/\">"),
        "{page}"
    );
}

#[test]
fn a_misspelt_key_or_a_wrong_type_in_the_configuration_is_an_error_at_its_place() {
    let site = TestSite::new()
        .file("cards/a.md", "A.\n")
        .file("cardweb.yaml", "title: T\ndescripton: x\n");
    let run = site.run(&["build"]).failure();
    assert!(
        run.stderr()
            .contains("cardweb.yaml:2:1: unknown field `descripton`")
            && run.stderr().contains("did you mean `description`?"),
        "{}",
        run.stderr()
    );
    site.write("cardweb.yaml", "title: T\ndrafts: maybe\n");
    let run = site.run(&["check"]).failure();
    assert!(
        run.stderr().contains("cardweb.yaml:2:9"),
        "{}",
        run.stderr()
    );
    site.write("cardweb.yaml", "ignore:\n  - \"[a\"\n");
    let run = site.run(&["check"]).failure();
    assert!(
        run.stderr().contains("cardweb.yaml:2:1"),
        "{}",
        run.stderr()
    );
}

#[test]
fn the_sitemap_lists_every_published_page_and_the_feed_the_dated_cards_newest_first() {
    let site = dated_site();
    site.build();
    let sitemap = site.page("sitemap.xml");
    let doc = roxmltree::Document::parse(&sitemap).expect("the sitemap is XML");
    let urls: Vec<&str> = (doc.descendants())
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    for url in &urls {
        let rel = url
            .strip_prefix(BASE)
            .unwrap_or_else(|| panic!("{url} is under {BASE}"));
        let file = site.path().join("output").join(rel).join("index.html");
        assert!(file.is_file(), "{url} has a page");
    }
    for page in ["", "tcp/", "udp/", "old/", "graph/", "tags/"] {
        assert!(
            urls.contains(&format!("{BASE}{page}").as_str()),
            "{page} in {urls:?}"
        );
    }
    assert!(
        !urls.iter().any(|u| u.ends_with("/ip/")),
        "stubs are not listed: {urls:?}"
    );
    let lastmod: Vec<&str> = (doc.descendants())
        .filter(|n| n.has_tag_name("lastmod"))
        .filter_map(|n| n.text())
        .collect();
    assert!(lastmod.contains(&"2024-06-02T10:30:00Z"), "{lastmod:?}");

    let feed = site.page("atom.xml");
    let doc = roxmltree::Document::parse(&feed).expect("the feed is XML");
    let entries: Vec<(String, String)> = (doc.descendants())
        .filter(|n| n.has_tag_name("entry"))
        .map(|entry| {
            let text = |tag: &str| {
                let child = entry.children().find(|c| c.has_tag_name(tag));
                child.and_then(|c| c.text()).unwrap_or_default().to_string()
            };
            (text("title"), text("updated"))
        })
        .collect();
    assert_eq!(
        entries,
        [
            (
                "TCP & friends".to_string(),
                "2024-06-02T10:30:00Z".to_string()
            ),
            ("UDP".to_string(), "2024-05-01T00:00:00Z".to_string())
        ]
    );
    assert!(feed.contains("<link rel=\"self\" href=\"https://example.org/notes/atom.xml\"/>"));
    let robots = site.page("robots.txt");
    assert!(
        robots.contains("Sitemap: https://example.org/notes/sitemap.xml"),
        "{robots}"
    );

    let tcp = site.page("tcp/index.html");
    for tag in [
        "<link rel=\"canonical\" href=\"https://example.org/notes/tcp/\">",
        "<meta property=\"og:title\" content=\"TCP &amp; friends\">",
        "<meta property=\"og:description\" content=\"Reliable bytes.\">",
        "<meta property=\"og:type\" content=\"article\">",
    ] {
        assert!(tcp.contains(tag), "{tag} in {tcp}");
    }
    assert!(
        site.page("ip/index.html")
            .contains("<meta name=\"robots\" content=\"noindex\">")
    );
}

#[test]
fn without_a_base_url_there_is_no_sitemap_and_a_bad_date_is_a_warning_at_its_place() {
    let site = TestSite::new().file("cards/a.md", "---\ntitle: A\ndate: last tuesday\n---\nA.\n");
    let run = site.build();
    assert!(
        run.stderr().contains("cards/a.md:3:1") && run.stderr().contains("YYYY-MM-DD"),
        "{}",
        run.stderr()
    );
    let files = site.output_files();
    for file in ["sitemap.xml", "atom.xml", "robots.txt"] {
        assert!(!files.contains_key(Path::new(file)), "{file}");
    }
    assert!(!site.page("a/index.html").contains("rel=\"canonical\""));
}

#[test]
fn old_addresses_lead_to_the_moved_card() {
    let site = TestSite::new()
        .file(
            "cards/tcp.md",
            "---\ntitle: TCP\nmoved_from: [transmission-control]\naliases: [TCP/IP, /blog/2019/tcp/]\n---\nT.\n",
        )
        .file("cards/udp.md", "---\ntitle: UDP\nmoved_from: [tcp, transmission-control]\n---\nU.\n");
    let run = site.build();
    for (path, lands) in [
        ("transmission-control/index.html", "tcp/index.html"),
        ("blog/2019/tcp/index.html", "tcp/index.html"),
    ] {
        let page = site.page(path);
        let refresh = attribute_values(&page, "content")
            .into_iter()
            .find_map(|c| c.strip_prefix("0; url=").map(str::to_string))
            .unwrap_or_else(|| panic!("a refresh in {page}"));
        let from = Path::new(path).parent().unwrap();
        let target = site
            .path()
            .join("output")
            .join(from)
            .join(&refresh)
            .join("index.html");
        assert!(
            target.canonicalize().unwrap()
                == site
                    .path()
                    .join("output")
                    .join(lands)
                    .canonicalize()
                    .unwrap(),
            "{path} leads to {refresh}"
        );
        assert!(page.contains("rel=\"canonical\""), "{page}");
    }
    assert!(
        !site.path().join("output/tcp/ip").exists(),
        "TCP/IP is a name, not an address"
    );
    let stderr = run.stderr();
    assert!(
        stderr.contains("cards/udp.md:3:1") && stderr.contains("`tcp` is the address of a page"),
        "{stderr}"
    );
    assert!(
        stderr.contains("`transmission-control` already leads to `tcp`"),
        "{stderr}"
    );
}

#[test]
fn a_file_links_build_opened_from_disk_reaches_a_card_a_stub_and_search() {
    let site = TestSite::own_cards();
    site.run(&["build", "--file-links"]).success();
    let home = format!("file://{}/output/index.html", site.path().display());
    let Some((_browser, mut tab)) = Browser::open(&home) else {
        return;
    };
    let opened = |tab: &mut Tab, what: &str, selector: &str| {
        tab.wait_until(
            "location.protocol === 'file:' && document.readyState === 'complete'",
            "a page loading",
        );
        let href = tab.eval(&format!("document.querySelector({}).href", json!(selector)));
        tab.eval(&format!(
            "document.querySelector({}).click()",
            json!(selector)
        ));
        tab.wait_until(
            &format!("location.href === {href} && document.readyState === 'complete'"),
            what,
        );
        let h1 = tab.eval("document.querySelector('main h1')?.textContent ?? ''");
        assert!(
            !h1.as_str().unwrap_or_default().is_empty(),
            "{what}: {href} has a page"
        );
    };
    opened(
        &mut tab,
        "a card from the home page",
        ".concept-tree a.card-link",
    );
    opened(
        &mut tab,
        "the stubs page",
        ".site-nav a[href$='stubs/index.html']",
    );
    opened(&mut tab, "a stub", ".wanted a.stub-link");
    tab.wait_until("typeof cardwebSearch === 'object'", "search loading");
    tab.eval("document.querySelector('a.search-open').click()");
    tab.type_text("backend");
    tab.wait_until(
        "document.querySelector('.search-result .search-title')?.textContent === 'Backend'",
        "search from file://",
    );
    tab.press("Enter", 0);
    tab.wait_until(
        "location.href.endsWith('/backend/index.html') && document.readyState === 'complete'",
        "the search result opening from disk",
    );
}
