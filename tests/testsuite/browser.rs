//! End to end in a real headless Chromium (Debian's `chromium`), driven over the DevTools
//! protocol: the live panel shows the browser's own request, and editing a card on disk
//! reloads the open page. Without Chromium the test fails, unless CARDWEB_SKIP_BROWSER=1
//! says to skip it (see the README; CI installs Chromium and never skips).

use crate::server::{DEADLINE, Served};
use crate::support::TestSite;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Instant;
use tungstenite::{Message, WebSocket, stream::MaybeTlsStream};

const CHROMIUM: &str = "/usr/bin/chromium";

/// A headless Chromium, killed when dropped.
struct Browser {
    child: Child,
    /// Where its DevTools server listens.
    host: String,
    _profile: tempfile::TempDir,
}

/// A page open in the browser, driven over its DevTools socket.
struct Tab {
    page: WebSocket<MaybeTlsStream<TcpStream>>,
    next_id: u64,
}

impl Browser {
    /// Starts Chromium on `url`; returns it with the tab showing `url`.
    fn open(url: &str) -> Option<(Browser, Tab)> {
        if !Path::new(CHROMIUM).exists() {
            if std::env::var("CARDWEB_SKIP_BROWSER").as_deref() == Ok("1") {
                eprintln!("skipping the browser test: CARDWEB_SKIP_BROWSER=1 and no {CHROMIUM}");
                return None;
            }
            panic!(
                "{CHROMIUM} not found: install it (apt-get install chromium) or set CARDWEB_SKIP_BROWSER=1"
            );
        }
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new(CHROMIUM)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-port=0",
                "--remote-allow-origins=*",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(url)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start chromium");
        let stderr = BufReader::new(child.stderr.take().unwrap());
        let devtools = stderr
            .lines()
            .map_while(Result::ok)
            .find_map(|l| {
                l.split("DevTools listening on ws://")
                    .nth(1)
                    .map(str::to_string)
            })
            .expect("chromium prints its DevTools address");
        let host = devtools.split('/').next().unwrap().to_string();
        let deadline = Instant::now() + DEADLINE;
        let page_socket = loop {
            let targets: Value =
                serde_json::from_str(&http_request(&host, "GET", "/json/list")).unwrap();
            let page = targets.as_array().unwrap().iter().find(|t| {
                t["type"] == "page" && t["url"].as_str().unwrap_or("").starts_with("http")
            });
            if let Some(page) = page {
                break page["webSocketDebuggerUrl"].as_str().unwrap().to_string();
            }
            assert!(Instant::now() < deadline, "no page target in chromium");
        };
        let browser = Browser {
            child,
            host,
            _profile: profile,
        };
        Some((browser, Tab::connect(&page_socket)))
    }

    /// Opens another tab on `url`.
    fn open_tab(&self, url: &str) -> Tab {
        let target: Value = serde_json::from_str(&http_request(
            &self.host,
            "PUT",
            &format!("/json/new?{url}"),
        ))
        .unwrap();
        Tab::connect(target["webSocketDebuggerUrl"].as_str().unwrap())
    }
}

impl Tab {
    fn connect(socket: &str) -> Tab {
        let (page, _) = tungstenite::connect(socket).expect("connect to the page");
        if let MaybeTlsStream::Plain(stream) = page.get_ref() {
            stream.set_read_timeout(Some(DEADLINE)).unwrap();
        }
        Tab { page, next_id: 0 }
    }

    /// Evaluates `expression` in the page and returns its value.
    fn eval(&mut self, expression: &str) -> Value {
        let params = json!({"expression": expression, "returnByValue": true});
        self.call("Runtime.evaluate", params)["result"]["value"].clone()
    }

    /// Sends a DevTools command and waits for its answer.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let call = json!({"id": id, "method": method, "params": params});
        self.page.send(Message::text(call.to_string())).unwrap();
        loop {
            if let Message::Text(text) = self.page.read().expect("devtools answer") {
                let reply: Value = serde_json::from_str(&text).unwrap();
                if reply["id"] == id {
                    return reply["result"].clone();
                }
            }
        }
    }

    /// A real mouse click at page coordinates.
    fn click(&mut self, x: f64, y: f64) {
        for kind in ["mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}),
            );
        }
    }

    /// Polls `expression` until it is true.
    fn wait_until(&mut self, expression: &str, what: &str) {
        let deadline = Instant::now() + DEADLINE;
        while self.eval(expression) != Value::Bool(true) {
            assert!(
                Instant::now() < deadline,
                "{what} did not happen within {DEADLINE:?}"
            );
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A request over a fresh connection, reading exactly the announced body: Chromium's
/// DevTools server keeps the connection open whatever the request says.
fn http_request(host: &str, method: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = TcpStream::connect(host).unwrap();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    write!(stream, "{method} {path} HTTP/1.1\r\nHost: {host}\r\n\r\n").unwrap();
    let mut reader = BufReader::new(stream);
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("a response head");
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap();
        }
        if line == "\r\n" {
            break;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).expect("the whole body");
    String::from_utf8(body).unwrap()
}

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
            "(() => {{ const c = document.querySelector('.quiz .quiz-choice[data-correct=\"{correct}\"]'); c.scrollIntoView({{block: 'center'}}); \
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
