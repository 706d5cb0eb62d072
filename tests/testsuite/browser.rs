//! End to end in a real headless Chromium (Debian's `chromium`), driven over the DevTools
//! protocol: the live panel shows the browser's own request, and editing a card on disk
//! reloads the open page. Without Chromium the test fails, unless CARDWEB_SKIP_BROWSER=1
//! says to skip it (see the README; CI installs Chromium and never skips).

use crate::chromium::Browser;
use crate::server::Served;
use crate::support::TestSite;
use serde_json::json;

#[test]
fn live_panel_and_live_reload_in_a_real_browser() {
    let site = TestSite::own_cards();
    let served = Served::start(&site);
    let Some((_browser, mut browser)) =
        Browser::open(&format!("http://{}/client-server-model/", served.addr))
    else {
        return;
    };
    browser.wait_until("document.readyState === 'complete'", "page load");
    let agent = browser.eval("navigator.userAgent");
    let agent = agent.as_str().expect("a user agent");
    browser.wait_until(
        &format!(
            "(document.querySelector('.live-panel')?.innerText || '').includes({})",
            json!(format!("User-Agent: {agent}"))
        ),
        "the live panel showing the browser's own User-Agent",
    );
    // Quizzes: a click on a choice says right or wrong (real mouse clicks).
    for (correct, feedback) in [("false", "Not quite"), ("true", "Right!")] {
        let spot = browser.eval(&format!(
            "(() => {{ const c = document.querySelector('.quiz .quiz-choice[data-correct=\"{correct}\"] .quiz-pick'); c.scrollIntoView({{block: 'center'}}); \
             const r = c.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()"
        ));
        browser.click(spot[0].as_f64().unwrap(), spot[1].as_f64().unwrap());
        browser.wait_until(
            &format!(
                "document.querySelector('.quiz .quiz-feedback').textContent.startsWith({})",
                json!(feedback)
            ),
            &format!("the quiz saying {feedback:?}"),
        );
    }
    let picked = browser.eval("[...document.querySelectorAll('.quiz')[0].querySelectorAll('.picked-right, .picked-wrong')].map(c => c.className)");
    assert_eq!(
        picked,
        json!(["quiz-choice picked-right", "quiz-choice picked-wrong"]),
        "the choices are marked"
    );
    browser.eval("window.cardwebMarker = 'before the edit'");
    let card = site.path().join("cards/client-server-model.md");
    let text = std::fs::read_to_string(&card).unwrap();
    std::fs::write(
        &card,
        text.replace(
            "Opening a web page starts a conversation",
            "Edited on disk: opening a page starts a conversation",
        ),
    )
    .unwrap();
    browser.wait_until(
        "window.cardwebMarker === undefined && document.body.innerText.includes('Edited on disk: opening a page')",
        "the open page reloading with the new text",
    );
}

#[test]
fn the_whole_graph_page_is_interactive_and_a_click_opens_a_card() {
    let mut site = TestSite::new();
    for i in 0..300 {
        let parent = if i > 0 {
            format!("parent: c{}\n", i / 3)
        } else {
            String::new()
        };
        site = site.file(
            &format!("cards/c{i}.md"),
            format!(
                "---\ntitle: Card {i}\n{parent}---\nSee [[c{}]] and [[Missing {}]].\n",
                (i * 7) % 300,
                i % 10
            ),
        );
    }
    let served = Served::start(&site);
    let Some((_browser, mut browser)) = Browser::open(&format!("http://{}/graph/", served.addr))
    else {
        return;
    };
    browser.wait_until(
        "document.documentElement.dataset.graphReady !== undefined",
        "the graph script getting ready",
    );
    browser.eval("const s = document.getElementById('graph-search'); s.value = 'card 42'; s.dispatchEvent(new Event('input'))");
    assert_eq!(
        browser.eval("document.getElementById('graph-found').textContent"),
        json!("1 found"),
        "search highlights"
    );
    assert_eq!(
        browser.eval("document.querySelectorAll('a.g-node.hit').length"),
        json!(1)
    );
    let spot = browser.eval(
        "(() => { const c = document.querySelector('a.g-node[href=\\'../c1/\\'] circle'); c.scrollIntoView({block: 'center'}); \
         const r = c.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()",
    );
    browser.click(spot[0].as_f64().unwrap(), spot[1].as_f64().unwrap());
    browser.wait_until(
        "location.pathname === '/c1/' && document.querySelector('h1')?.textContent === 'Card 1'",
        "the click opening Card 1",
    );
}

#[test]
fn live_reload_reaches_every_tab_however_many_are_open() {
    let site = TestSite::own_cards();
    let served = Served::start(&site);
    let url = format!("http://{}/apis/", served.addr);
    let Some((browser, first)) = Browser::open(&url) else {
        return;
    };
    // Chromium opens six connections to a server at most: were each tab to hold an event
    // stream, the seventh would never load.
    let mut tabs = vec![first];
    tabs.extend((0..8).map(|_| browser.open_tab(&url)));
    for (i, tab) in tabs.iter_mut().enumerate() {
        tab.wait_until(
            "document.readyState === 'complete' && document.querySelector('h1')?.textContent === 'APIs'",
            &format!("tab {} loading", i + 1),
        );
        tab.eval("window.cardwebMarker = 'before the edit'");
    }
    let card = site.path().join("cards/apis.md");
    let text = std::fs::read_to_string(&card).unwrap();
    std::fs::write(&card, text.replace("An **API**", "An edited **API**")).unwrap();
    for (i, tab) in tabs.iter_mut().enumerate() {
        tab.wait_until(
            "window.cardwebMarker === undefined && document.body.innerText.includes('An edited API')",
            &format!("tab {} reloading", i + 1),
        );
    }
}
