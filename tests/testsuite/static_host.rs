//! The built site on a plain static host, under a sub-path: Python's `http.server` serving
//! a folder that holds the output at `/docs/notes/`, opened in headless Chromium.

use crate::chromium::Browser;
use crate::support::TestSite;
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A static file server on a loopback port, stopped when dropped.
struct StaticHost {
    child: Child,
    port: u16,
}

impl StaticHost {
    /// Serves `dir` on a free loopback port.
    fn start(dir: &std::path::Path) -> StaticHost {
        let mut child = Command::new("python3")
            .args(["-u", "-m", "http.server", "0", "--bind", "127.0.0.1"])
            .current_dir(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 runs http.server");
        let line = BufReader::new(child.stdout.take().unwrap())
            .lines()
            .map_while(Result::ok)
            .find(|l| l.contains(" port "))
            .expect("http.server says its port");
        let port = line
            .split(" port ")
            .nth(1)
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap();
        StaticHost {
            child,
            port: port.parse().unwrap(),
        }
    }
}

impl Drop for StaticHost {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_live_panel_on_a_static_host_under_a_sub_path_asks_for_nothing_missing() {
    let site = TestSite::own_cards();
    site.run(&["build", "--out", "host/docs/notes"]).success();
    let host = StaticHost::start(&site.path().join("host"));
    let url = format!(
        "http://127.0.0.1:{}/docs/notes/client-server-model/",
        host.port
    );
    let Some((_browser, mut tab)) = Browser::open(&url) else {
        return;
    };
    // Log.enable also reports what was logged before it.
    tab.call("Runtime.enable", json!({}));
    tab.call("Log.enable", json!({}));
    tab.wait_until(
        "location.pathname.endsWith('/client-server-model/') && document.readyState === 'complete'",
        "the card loading",
    );
    tab.wait_until(
        "document.querySelector('.live-panel')?.textContent.includes(\"This page's server answered\")",
        "the live panel showing what a static host can",
    );
    let asked = tab.eval(
        "performance.getEntriesByType('resource').map(r => r.name).filter(n => n.includes('_cardweb'))",
    );
    assert_eq!(
        asked,
        json!([]),
        "nothing asked of a cardweb server that is not there"
    );
    let errors: Vec<String> = (tab.events.iter())
        .filter(|e| {
            e["method"] == "Runtime.exceptionThrown"
                || (e["method"] == "Log.entryAdded" && e["params"]["entry"]["level"] == "error")
        })
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "console errors: {errors:?}");
}
