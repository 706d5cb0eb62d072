//! Link resolution, end to end: every link form reaches the right card, unresolved targets
//! become stubs with the right backlinks, and the own cards' site has no broken link.

use crate::support::{TestSite, attribute_values, broken_links};

/// The hrefs inside the card's own text (not the generated sections or the header).
fn body_hrefs(html: &str) -> Vec<String> {
    let start = html.find("<div class=\"card-body\">").expect("card body");
    let end = html[start..].find("</article>").unwrap() + start;
    let body = &html[start..end];
    let body = &body[..body.find("<section").unwrap_or(body.len())];
    attribute_values(body, "href")
}

#[test]
fn every_link_form_reaches_the_right_card() {
    let site = TestSite::fixture("links");
    site.build();
    let hub = site.page("hub/index.html");
    let dns = "../dns/";
    let status = "../http-protocol/#status-codes";
    assert_eq!(
        body_hrefs(&hub),
        [
            dns,
            dns,
            dns,
            dns,
            dns,
            dns,
            status,
            dns,
            status,
            "../quantum-networking/"
        ],
        "id, title, alias, case, separators, label, anchor, relative, ../, stub"
    );
    assert!(hub.contains(">name lookup</a>"), "custom label kept");
    assert!(
        hub.contains("<code>[[dns-in-code]]</code>"),
        "inline code stays text"
    );
    assert!(hub.contains("[[also-not-a-link]]"), "code blocks stay text");
    assert_eq!(
        attribute_values(&hub, "src")
            .iter()
            .filter(|s| *s == "../media/diagram.svg")
            .count(),
        2,
        "both image forms resolve"
    );
    assert!(
        site.output_files()
            .contains_key(std::path::Path::new("media/diagram.svg")),
        "attachment copied"
    );
    let nested = site.page("nested/index.html");
    assert_eq!(body_hrefs(&nested), ["../hub/", "../quantum-networking/"]);
}

#[test]
fn front_matter_relations_are_links() {
    let site = TestSite::fixture("links");
    site.build();
    let hub = site.page("hub/index.html");
    let next = &hub[hub.find("id=\"cw-next\"").expect("next table")..];
    assert!(
        next.contains("href=\"../http-protocol/\""),
        "next: [[HTTP Protocol]]"
    );
    assert!(
        next.contains("<a class=\"stub-link\" href=\"../tcp-ip/\" data-title=\"tcp-ip\">tcp-ip<span class=\"visually-hidden\"> (not written yet)</span></a>"),
        "next: tcp-ip is a stub"
    );
    assert!(next.contains("status-stub"), "the table shows live status");
    let related = &hub[hub.find("id=\"cw-related\"").expect("related list")..];
    assert!(related.contains("href=\"../dns/\""));
    let dns = site.page("dns/index.html");
    assert!(dns.contains("<li><a class=\"card-link complete\" href=\"../hub/\" data-title=\"Hub\">Hub</a></li><li aria-current=\"page\">Domain Name System</li>"), "breadcrumb from parent");
}

#[test]
fn unresolved_targets_become_stubs_with_their_backlinks() {
    let site = TestSite::fixture("links");
    let run = site.build();
    assert!(
        run.stdout().contains("4 cards and 2 stubs"),
        "{}",
        run.stdout()
    );
    let stub = site.page("quantum-networking/index.html");
    assert!(stub.contains("This card doesn't exist yet"));
    assert!(
        stub.contains("<h1>Quantum Networking</h1>"),
        "stub keeps the readable name"
    );
    assert!(stub.contains("Wanted by 2 cards"));
    assert!(
        stub.contains("Wanted: Quantum Networking is not written yet."),
        "sentence around the link from Hub"
    );
    assert!(
        stub.contains("Someday we explain quantum networking properly."),
        "sentence around the link from Nested"
    );
    assert!(stub.contains("cardweb new quantum-networking"));
    let stubs = site.page("stubs/index.html");
    let quantum = stubs.find("../quantum-networking/").unwrap();
    let tcp = stubs.find("../tcp-ip/").unwrap();
    assert!(quantum < tcp, "most wanted first");
    assert!(
        site.page("hub/index.html")
            .contains("<span class=\"visually-hidden\"> (not written yet)</span>"),
        "stub links say so to screen readers"
    );
}

#[test]
fn missing_headings_and_near_misses_warn_but_build() {
    let site = TestSite::new()
        .file("cards/a.md", "See [[b#nowhere]] and [[bee-keeping]].\n")
        .file("cards/b.md", "---\nparent: a\n---\n## Somewhere\n")
        .file("cards/c.md", "---\nparent: a\n---\nFine.\n");
    let run = site.run(&["check"]).success();
    let err = run.stderr();
    assert!(
        err.contains("cards/a.md:1:5: warning: `b` has no heading `#nowhere`"),
        "{err}"
    );
    assert!(err.contains("hint: its headings are #somewhere"), "{err}");
    assert!(
        !err.contains("bee-keeping"),
        "a plain stub is not a warning: {err}"
    );
    let site = site
        .file(
            "cards/d.md",
            "---\nparent: a\n---\n[[bb]] [[ccc]] [[frontent]]\n",
        )
        .file("cards/frontend.md", "---\nparent: a\n---\n");
    let err = site.run(&["check"]).success().stderr();
    assert!(err.contains("cards/d.md:4:16: warning: `frontent` matches no card, so it becomes a stub\n  hint: did you mean `frontend`?"), "{err}");
}

#[test]
fn own_cards_build_without_broken_links_and_with_the_four_stubs() {
    let site = TestSite::own_cards();
    let check = site.run(&["check"]).success();
    assert!(
        check.stdout().contains("0 errors, 0 warnings, 4 stubs"),
        "{}",
        check.stdout()
    );
    site.build();
    let broken = broken_links(&site.path().join("output"));
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    for stub in ["http-protocol", "dns", "tcp-ip", "websockets"] {
        let page = site.page(&format!("{stub}/index.html"));
        assert!(
            page.contains("This card doesn't exist yet"),
            "{stub} is a stub page"
        );
        assert!(
            page.contains("href=\"../client-server-model/\""),
            "{stub} lists Client-Server Model as wanting it"
        );
    }
    let card = site.page("client-server-model/index.html");
    for part in [
        "In plain terms",
        "Think of it like...",
        "Concept to explore",
        "Rule of thumb",
        "Key reasons",
        "quiz-answer",
        "Concepts to explore next",
        "Related concepts",
        "Linked from",
        "Further reading",
        "404 Not Found",
    ] {
        assert!(
            card.contains(part),
            "the Client-Server Model card has {part}"
        );
    }
}
