//! Finding and reading, in a real browser: search as you type (typos, aliases, the keyboard
//! alone), link previews, and the search index files themselves.

use crate::chromium::{Browser, Tab};
use crate::server::Served;
use crate::support::TestSite;
use serde_json::Value;

/// Waits until the page asked for (not the blank one before it) has loaded its scripts.
fn loaded(tab: &mut Tab) {
    tab.wait_until(
        "location.protocol !== 'about:' && document.readyState === 'complete' && typeof cardwebSearch === 'object'",
        "the page loading",
    );
}

/// The own cards served, and a browser showing the page at `path` once it has loaded.
fn own_cards_at(path: &str) -> Option<(TestSite, Served, Browser, Tab)> {
    let site = TestSite::own_cards();
    let served = Served::start(&site);
    let (browser, mut tab) = Browser::open(&format!("http://{}{path}", served.addr))?;
    loaded(&mut tab);
    Some((site, served, browser, tab))
}

/// The search index's words and records, read from its files.
fn index_of(site: &TestSite) -> (String, String) {
    let out = site.path().join("output/search");
    let read_all = |dir: &str| {
        let mut all = String::new();
        for entry in std::fs::read_dir(out.join(dir)).unwrap() {
            all += &std::fs::read_to_string(entry.unwrap().path()).unwrap();
        }
        all
    };
    (read_all("t"), read_all("r"))
}

#[test]
fn the_index_holds_titles_aliases_headings_and_stubs_and_no_server_pages() {
    let site = TestSite::own_cards();
    site.build();
    let (words, records) = index_of(&site);
    for word in [
        "\"client\"",
        "\"server\"",
        "\"soc\"",
        "\"db\"",
        "\"analogy\"",
    ] {
        assert!(words.contains(word), "{word} is indexed");
    }
    assert!(records.contains("[\"client-server-model\",\"Client-Server Model\",\"complete\","));
    assert!(
        records.contains("\"stub\""),
        "stubs are found too, marked as not written: {records}"
    );
    assert!(!words.contains("_cardweb") && !records.contains("_cardweb"));
}

#[test]
fn drafts_can_be_left_out_of_search() {
    let site = TestSite::new()
        .file("cardweb.yaml", "search_drafts: false\n")
        .file(
            "cards/done.md",
            "---\ntitle: Finished piece\n---\nSee [[rough]].\n",
        )
        .file(
            "cards/rough.md",
            "---\ntitle: Rough piece\nstatus: draft\n---\nWork.\n",
        );
    site.build();
    let (words, records) = index_of(&site);
    assert!(records.contains("Finished piece") && !records.contains("Rough piece"));
    assert!(
        words.contains("\"finished\"") && !words.contains("\"work\""),
        "a draft's words are not indexed: {words}"
    );
}

#[test]
fn search_finds_through_typos_and_aliases_and_the_keyboard_alone_opens_a_result() {
    let Some((_site, _served, _browser, mut tab)) = own_cards_at("/apis/") else {
        return;
    };
    tab.press("/", 0);
    tab.wait_until(
        "document.querySelector('dialog.search-dialog')?.open === true && document.activeElement.type === 'search'",
        "`/` opening search",
    );
    tab.type_text("clinet server");
    tab.wait_until(
        "document.querySelectorAll('.search-result').length > 0",
        "results as you type",
    );
    let first = tab.eval("document.querySelector('.search-result .search-title').textContent");
    assert_eq!(
        first,
        Value::from("Client-Server Model"),
        "a typo still finds it first"
    );
    let marks = tab.eval(
        "[...document.querySelectorAll('.search-result mark')].map(m => m.textContent).join(' ')",
    );
    assert!(marks.as_str().unwrap().contains("Server"), "{marks}");
    tab.eval("document.querySelector('.search-input').value = ''");
    tab.press("Escape", 0);
    tab.press("k", 2);
    tab.wait_until(
        "document.querySelector('dialog.search-dialog').open",
        "Ctrl-K opening search",
    );
    tab.eval("document.querySelector('.search-input').select()");
    tab.type_text("SoC");
    tab.wait_until(
        "document.querySelector('.search-result .search-title')?.textContent === 'Separation of Concerns'",
        "an alias finding its card",
    );
    tab.press("ArrowDown", 0);
    tab.press("ArrowUp", 0);
    tab.press("Enter", 0);
    tab.wait_until(
        "location.pathname === '/separation-of-concerns/' && document.readyState === 'complete'",
        "Enter opening the result",
    );
}

#[test]
fn search_works_from_a_folder_opened_as_files() {
    let site = TestSite::own_cards();
    site.build();
    let url = format!("file://{}/output/apis/index.html", site.path().display());
    let Some((_browser, mut tab)) = Browser::open(&url) else {
        return;
    };
    loaded(&mut tab);
    tab.eval("document.querySelector('a.search-open').click()");
    tab.type_text("backend");
    tab.wait_until(
        "document.querySelector('.search-result .search-title')?.textContent === 'Backend'",
        "search from file://",
    );
}

#[test]
fn hovering_or_focusing_a_card_link_shows_its_summary() {
    let Some((_site, _served, _browser, mut tab)) = own_cards_at("/apis/") else {
        return;
    };
    let at = tab.eval(
        "(() => { const a = document.querySelector('main .card-body a.card-link'); a.scrollIntoView(); \
         const r = a.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2, a.dataset.title]; })()",
    );
    let (x, y) = (at[0].as_f64().unwrap(), at[1].as_f64().unwrap());
    tab.hover(x, y);
    tab.wait_until(
        "!document.getElementById('cw-preview').hidden",
        "the preview appearing on hover",
    );
    let title = tab
        .eval("document.querySelector('#cw-preview .link-preview-title').firstChild.textContent");
    assert_eq!(title, at[2]);
    let summary =
        tab.eval("document.querySelector('#cw-preview .link-preview-summary')?.textContent");
    assert!(summary.as_str().is_some_and(|s| !s.is_empty()), "{summary}");
    tab.hover(1.0, 1.0);
    tab.wait_until(
        "document.getElementById('cw-preview').hidden",
        "the preview leaving",
    );
    tab.eval("document.querySelector('main .card-body a.stub-link').focus()");
    tab.wait_until(
        "document.querySelector('#cw-preview .link-preview-summary')?.textContent.startsWith('Not written yet')",
        "a stub's preview on focus",
    );
}

#[test]
fn long_cards_have_a_contents_list_and_short_ones_none() {
    let site = TestSite::new()
        .file(
            "cards/long.md",
            "# One\n\nText.\n\n## Two `code`\n\nText.\n\n### Three\n\nText.\n",
        )
        .file("cards/short.md", "## Only\n\nOne heading. See [[long]].\n");
    site.build();
    let long = site.page("long/index.html");
    assert!(
        long.contains("<nav class=\"toc\" aria-labelledby=\"cw-toc\">"),
        "{long}"
    );
    assert!(
        long.contains("<li class=\"toc-2\"><a href=\"#two-code\">Two code</a></li>"),
        "{long}"
    );
    assert!(
        long.contains("<a class=\"heading-anchor\" href=\"#three\" aria-label=\"Link to the section “Three”\">#</a>"),
        "headings carry a link to copy: {long}"
    );
    assert!(!site.page("short/index.html").contains("class=\"toc\""));
}

#[test]
fn code_is_highlighted_at_build_time_and_unknown_languages_stay_plain() {
    let site = TestSite::new().file(
        "cards/code.md",
        "```rust\nfn main() { println!(\"hi\"); }\n```\n\n```py\ndef f():\n    return 1  # one\n```\n\n\
         ```js\nconst x = 1;\n```\n\n```dataview\nLIST FROM #tag\n```\n\n```\nno language\n```\n",
    );
    let err = site.build().stderr();
    let page = site.page("code/index.html");
    assert!(
        page.contains("<pre class=\"code\" data-lang=\"rust\"><code class=\"language-rust\"><span class=\"keyword\">fn</span>"),
        "{page}"
    );
    assert!(
        page.contains("<span class=\"comment\"># one</span>"),
        "{page}"
    );
    assert!(
        page.contains("<span class=\"keyword\">const</span>"),
        "{page}"
    );
    assert!(
        page.contains("<pre><code class=\"language-dataview\">LIST FROM #tag\n</code></pre>"),
        "{page}"
    );
    assert!(
        page.contains("<pre><code>no language\n</code></pre>"),
        "{page}"
    );
    assert!(
        !err.contains("warning"),
        "no warning for a language without a grammar: {err}"
    );
    let mermaid = std::fs::read_dir(site.path().join("output/assets"))
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .find(|name| name.starts_with("mermaid."));
    assert_eq!(mermaid, None, "no diagram, no script");
}

#[test]
fn mermaid_blocks_draw_and_pages_without_one_load_no_mermaid() {
    let site = TestSite::own_cards();
    let graph = site
        .run(&["graph", "--format", "mermaid"])
        .success()
        .stdout();
    site.write(
        "cards/diagram.md",
        format!("---\nparent: apis\n---\nThe whole graph:\n\n```mermaid\n{graph}```\n"),
    );
    let served = Served::start(&site);
    let Some((_browser, mut tab)) = Browser::open(&format!("http://{}/diagram/", served.addr))
    else {
        return;
    };
    loaded(&mut tab);
    tab.wait_until(
        "document.querySelector('pre.mermaid svg') !== null",
        "the Mermaid block drawn as an SVG",
    );
    tab.call(
        "Page.navigate",
        serde_json::json!({"url": format!("http://{}/apis/", served.addr)}),
    );
    tab.wait_until(
        "location.pathname === '/apis/' && document.readyState === 'complete'",
        "a page without a diagram",
    );
    let loads = tab.eval(
        "[...document.scripts].some(s => s.src.includes('mermaid')) || performance.getEntriesByType('resource').some(r => r.name.includes('mermaid'))",
    );
    assert_eq!(
        loads,
        Value::Bool(false),
        "no Mermaid script on a page without a diagram"
    );
}

#[test]
fn under_serve_the_index_follows_edits() {
    let site = TestSite::own_cards();
    let served = Served::start(&site);
    let card = site.path().join("cards/apis.md");
    let text = std::fs::read_to_string(&card).unwrap();
    std::fs::write(&card, format!("{text}\nA zebrafish swims by.\n")).unwrap();
    served.wait_until_page("/apis/", "zebrafish");
    served.wait_until_page("/search/t/ze.js", "\"zebrafish\"");
}

#[test]
fn a_long_card_shows_its_contents_beside_the_text_on_a_wide_screen() {
    let site = TestSite::new().file(
        "cards/long.md",
        "## One\n\nText.\n\n## Two\n\nText.\n\n## Three\n\nText.\n",
    );
    let served = Served::start(&site);
    let Some((_browser, mut tab)) = Browser::open(&format!("http://{}/", served.addr)) else {
        return;
    };
    tab.call(
        "Emulation.setDeviceMetricsOverride",
        serde_json::json!({"width": 1440, "height": 900, "deviceScaleFactor": 1, "mobile": false}),
    );
    tab.call(
        "Page.navigate",
        serde_json::json!({"url": format!("http://{}/long/", served.addr)}),
    );
    tab.wait_until(
        "location.pathname === '/long/' && document.readyState === 'complete' && typeof cardwebSearch === 'object'",
        "the card loading",
    );
    tab.wait_until(
        "document.querySelector('.toc details').open",
        "the contents open on a wide screen",
    );
    let shown = tab.eval(
        "(() => { const link = document.querySelector('.toc a[href=\"#three\"]'); const r = link.getBoundingClientRect(); \
         const body = document.querySelector('.card-body').getBoundingClientRect(); return r.width > 0 && r.left >= body.right; })()",
    );
    assert_eq!(
        shown,
        Value::Bool(true),
        "the contents list stands beside the text"
    );
}
