//! `cardweb serve` follows every kind of source, not only cards: the configuration (and a
//! broken one shows its error until fixed), templates; and it keeps serving when a request
//! handler fails.

use crate::server::Served;
use crate::support::TestSite;

#[test]
fn editing_the_configuration_changes_the_served_title() {
    let site = TestSite::own_cards().file("cardweb.yaml", "title: How the Web Works\n");
    let served = Served::start(&site);
    assert!(
        served
            .get("/")
            .text()
            .contains("<title>How the Web Works</title>")
    );
    let mut events = served.events();
    site.write("cardweb.yaml", "title: A Renamed Site\n");
    events.wait_for("reload");
    let home = served.get("/").text();
    assert!(home.contains("<title>A Renamed Site</title>"), "{home}");
    assert!(
        served
            .get("/apis/")
            .text()
            .contains("APIs · A Renamed Site"),
        "every page has the new title"
    );
}

#[test]
fn a_broken_configuration_shows_its_error_and_recovers() {
    let site = TestSite::own_cards().file("cardweb.yaml", "title: How the Web Works\n");
    let served = Served::start(&site);
    let mut events = served.events();
    site.write("cardweb.yaml", "title: How the Web Works\ntitel: typo\n");
    let error = events.wait_for("build-error");
    assert!(
        error.contains("cardweb.yaml:2:1") && error.contains("titel"),
        "the overlay names the file, line and key: {error}"
    );
    let page = served.get("/apis/");
    assert_eq!(page.status, 200, "the last good site is still served");
    assert!(page.text().contains("APIs · How the Web Works"));
    assert!(
        served
            .events()
            .wait_for("build-error")
            .contains("cardweb.yaml:2:1"),
        "pages opened later see the error too"
    );
    site.write("cardweb.yaml", "title: Fixed Title\n");
    events.wait_for("reload");
    assert!(served.get("/apis/").text().contains("APIs · Fixed Title"));
}

/// A `404.html` template whose page says `text`.
fn not_found(text: &str) -> String {
    format!("{{% extends \"base.html\" %}}{{% block main %}}<h1>{text}</h1>{{% endblock main %}}\n")
}

#[test]
fn editing_a_template_reloads_the_pages_it_draws() {
    let site = TestSite::own_cards().file("templates/404.html", not_found("Lost"));
    let served = Served::start(&site);
    assert!(served.get("/nowhere/").text().contains("<h1>Lost</h1>"));
    let mut events = served.events();
    site.write("templates/404.html", not_found("Gone astray"));
    let changed = events.wait_for("reload");
    assert!(changed.contains("\"404.html\""), "{changed}");
    assert!(
        !changed.contains("apis/index.html"),
        "other pages are as they were: {changed}"
    );
    let page = served.get("/nowhere/");
    assert_eq!(page.status, 404);
    assert!(page.text().contains("<h1>Gone astray</h1>"));
}

#[test]
fn a_panicking_handler_answers_500_and_the_server_goes_on() {
    let site = TestSite::own_cards();
    let served = Served::start_with(&site, &[("CARDWEB_PANIC_ON", "/boom")]);
    // More failures than there are workers (16): none of them is lost.
    for _ in 0..20 {
        assert_eq!(served.get("/boom").status, 500);
    }
    let page = served.get("/apis/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("<h1>APIs</h1>"));
}

#[test]
fn the_watcher_follows_replaced_and_new_folders_through_a_storm_of_changes() {
    let site = TestSite::own_cards();
    let served = Served::start(&site);
    let mut events = served.events();
    let cards = site.path().join("cards");
    let edit_apis = |words: &str| {
        let text = std::fs::read_to_string(cards.join("apis.md")).unwrap();
        let edited = text.replacen("**API**", &format!("**API** ({words})"), 1);
        std::fs::write(cards.join("apis.md"), edited).unwrap();
        served.wait_until_page("/apis/", words);
    };
    // Moved away and back.
    std::fs::rename(&cards, site.path().join("away")).unwrap();
    assert!(events.wait_for("build-error").contains("no cards folder"));
    std::fs::rename(site.path().join("away"), &cards).unwrap();
    events.wait_for("reload");
    edit_apis("after the move");
    // Deleted and made anew.
    let saved = TestSite::own_cards();
    std::fs::remove_dir_all(&cards).unwrap();
    assert!(events.wait_for("build-error").contains("no cards folder"));
    std::fs::rename(saved.path().join("cards"), &cards).unwrap();
    edit_apis("after the new folder");
    // A templates folder made after the start.
    for text in ["Made later", "Edited later"] {
        site.write("templates/404.html", not_found(text));
        served.wait_until_page("/nowhere/", &format!("<h1>{text}</h1>"));
    }
    // A storm of changes, then the site a fresh build makes.
    for i in 0..1000 {
        let text = format!(
            "---\ntitle: Storm {}\nparent: apis\n---\nTake {i}.\n",
            i % 50
        );
        site.write(&format!("cards/storm-{}.md", i % 50), text);
    }
    site.run(&["build"]).success();
    served.wait_until_site_is(&site.path().join("output"));
}
