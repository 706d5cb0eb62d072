//! A real headless Chromium (Debian's `chromium`) for the tests, driven over the DevTools
//! protocol: open pages and tabs, evaluate scripts, click. Without Chromium a test fails,
//! unless CARDWEB_SKIP_BROWSER=1 says to skip it (see the README; CI never skips).

use crate::server::DEADLINE;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Instant;
use tungstenite::{Message, WebSocket, stream::MaybeTlsStream};

const CHROMIUM: &str = "/usr/bin/chromium";

/// A headless Chromium, killed when dropped.
pub struct Browser {
    child: Child,
    /// Where its DevTools server listens.
    host: String,
    _profile: tempfile::TempDir,
}

/// A page open in the browser, driven over its DevTools socket.
pub struct Tab {
    page: WebSocket<MaybeTlsStream<TcpStream>>,
    next_id: u64,
    /// The events the page sent (console messages, exceptions, ...), oldest first.
    pub events: Vec<Value>,
}

impl Browser {
    /// Starts Chromium on `url`; returns it with the tab showing `url`.
    pub fn open(url: &str) -> Option<(Browser, Tab)> {
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
                let url = t["url"].as_str().unwrap_or("");
                t["type"] == "page" && (url.starts_with("http") || url.starts_with("file:"))
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
    pub fn open_tab(&self, url: &str) -> Tab {
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
        Tab {
            page,
            next_id: 0,
            events: Vec::new(),
        }
    }

    /// Evaluates `expression` in the page and returns its value.
    pub fn eval(&mut self, expression: &str) -> Value {
        let params = json!({"expression": expression, "returnByValue": true});
        self.call("Runtime.evaluate", params)["result"]["value"].clone()
    }

    /// Sends a DevTools command and waits for its answer.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
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
                if reply.get("method").is_some() {
                    self.events.push(reply);
                }
            }
        }
    }

    /// Evaluates `expression`, waiting for the promise it gives, and returns its value.
    pub fn eval_async(&mut self, expression: &str) -> Value {
        let params = json!({"expression": expression, "returnByValue": true, "awaitPromise": true});
        self.call("Runtime.evaluate", params)["result"]["value"].clone()
    }

    /// A real mouse click at page coordinates.
    pub fn click(&mut self, x: f64, y: f64) {
        for kind in ["mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}),
            );
        }
    }

    /// A real key press: `key` as the DOM names it (`"ArrowDown"`, `"/"`, `"k"`), with
    /// modifiers as DevTools counts them (2 is Control).
    pub fn press(&mut self, key: &str, modifiers: u32) {
        let text = if key.chars().count() == 1 && modifiers == 0 {
            key
        } else {
            ""
        };
        let code = match key {
            "Enter" => 13,
            "ArrowDown" => 40,
            "ArrowUp" => 38,
            "Escape" => 27,
            k => k
                .to_ascii_uppercase()
                .chars()
                .next()
                .map_or(0, |c| c as u32),
        };
        for kind in ["keyDown", "keyUp"] {
            let kind = if kind == "keyDown" && !text.is_empty() {
                "keyDown"
            } else {
                kind
            };
            self.call(
                "Input.dispatchKeyEvent",
                json!({"type": kind, "key": key, "text": text, "modifiers": modifiers,
                       "windowsVirtualKeyCode": code}),
            );
        }
    }

    /// Types `text` into whatever has the focus, as a keyboard would.
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.call("Input.insertText", json!({"text": c.to_string()}));
        }
    }

    /// Moves the mouse to page coordinates.
    pub fn hover(&mut self, x: f64, y: f64) {
        self.call(
            "Input.dispatchMouseEvent",
            json!({"type": "mouseMoved", "x": x, "y": y}),
        );
    }

    /// The errors the page logged or threw (with `Runtime` and `Log` enabled) since the
    /// events were last taken.
    pub fn console_errors(&mut self) -> Vec<String> {
        (self.events.drain(..))
            .filter_map(|event| match event["method"].as_str() {
                Some("Runtime.exceptionThrown") => {
                    Some(event["params"]["exceptionDetails"].to_string())
                }
                Some("Log.entryAdded") if event["params"]["entry"]["level"] == "error" => {
                    let entry = &event["params"]["entry"];
                    Some(format!("{} ({})", entry["text"], entry["url"]))
                }
                Some("Runtime.consoleAPICalled") if event["params"]["type"] == "error" => {
                    Some(event["params"]["args"].to_string())
                }
                _ => None,
            })
            .collect()
    }

    /// Polls `expression` until it is true.
    pub fn wait_until(&mut self, expression: &str, what: &str) {
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
