//! The built site on nginx, configured as the README's deploy guide says, at the host's
//! root and under a sub-path: a crawl in headless Chromium from the home page meets no
//! broken link, asset or anchor and no console error, and the 404 page deep under the site
//! is styled and its links work.

use crate::chromium::{Browser, Tab};
use crate::crawl::crawl;
use crate::support::TestSite;
use serde_json::json;
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The README's nginx configuration for a site at `/notes/` built into `/var/www/notes/`.
fn readme_nginx() -> String {
    let readme = include_str!("../../README.md");
    let start = readme
        .find("```nginx\n")
        .expect("an nginx block in the README")
        + 9;
    readme[start..][..readme[start..].find("```").unwrap()].to_string()
}

/// nginx serving `output` at `prefix` (`/` or `/some/path/`) as the README says, on a
/// free loopback port; stopped when dropped.
struct Nginx {
    child: Child,
    origin: String,
    _dir: tempfile::TempDir,
}

impl Nginx {
    fn start(output: &Path, prefix: &str) -> Nginx {
        let dir = tempfile::tempdir().unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let site = readme_nginx()
            .replace("/var/www/notes/", &format!("{}/", output.display()))
            .replace("/notes/", prefix);
        let temp = |name: &str| format!("{name}_temp_path {}/{name};", dir.path().display());
        let conf = format!(
            "daemon off;\nmaster_process off;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
             events {{ worker_connections 256; }}\n\
             http {{\n  include /etc/nginx/mime.types;\n  access_log off;\n  {}\n  {}\n  {}\n  {}\n  {}\n\
             server {{\n    listen {addr};\n{site}\n  }}\n}}\n",
            temp("client_body"),
            temp("proxy"),
            temp("fastcgi"),
            temp("uwsgi"),
            temp("scgi"),
            d = dir.path().display(),
        );
        std::fs::write(dir.path().join("nginx.conf"), conf).unwrap();
        drop(listener);
        let child = Command::new("/usr/sbin/nginx")
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(dir.path().join("nginx.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("nginx (Debian's) runs");
        // Ready when it accepts a connection: nginx says nothing when it is.
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(addr).is_err() {
            assert!(Instant::now() < deadline, "nginx listens on {addr}");
            std::thread::sleep(Duration::from_millis(5));
        }
        Nginx {
            child,
            origin: format!("http://{addr}"),
            _dir: dir,
        }
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The head of nginx's answer to a GET of `path` from a client that takes gzip.
fn head_with_gzip(origin: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = TcpStream::connect(origin.trim_start_matches("http://")).unwrap();
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAccept-Encoding: gzip\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let answer = String::from_utf8_lossy(&answer);
    answer
        .split("\r\n\r\n")
        .next()
        .unwrap_or_default()
        .to_string()
        + "\r\n"
}

/// Opens the 404 page deep under `prefix` and checks that it is styled and that its
/// links lead into the site.
fn check_not_found(tab: &mut Tab, origin: &str, prefix: &str) -> Vec<String> {
    let url = format!("{origin}{prefix}no/such/deep/page/");
    tab.events.clear();
    tab.call("Page.navigate", json!({"url": url}));
    tab.wait_until("document.readyState === 'complete'", "the 404 page loading");
    let found = tab.eval_async(
        "(async () => {\
           const home = document.querySelector('.site-title').href;\
           const links = [...document.querySelectorAll('main a, .site-nav a')].map(a => a.href);\
           const statuses = await Promise.all(links.map(async l => [l, (await fetch(l)).status]));\
           return {\
             title: document.title,\
             styled: getComputedStyle(document.querySelector('.site-header')).display === 'flex'\
               || document.styleSheets[0]?.cssRules.length > 10,\
             home, statuses};\
         })()",
    );
    let mut problems = Vec::new();
    if !found["title"]
        .as_str()
        .unwrap_or_default()
        .starts_with("Not found")
    {
        problems.push(format!("{url} is not the 404 page: {}", found["title"]));
    }
    if found["styled"] != json!(true) {
        problems.push(format!("{url}: the 404 page has no style"));
    }
    if found["home"] != json!(format!("{origin}{prefix}")) {
        problems.push(format!("{url}: the site title leads to {}", found["home"]));
    }
    for pair in found["statuses"].as_array().unwrap() {
        if pair[1] != json!(200) {
            problems.push(format!("{url}: its link {} answers {}", pair[0], pair[1]));
        }
    }
    // The page itself answers 404, as it should; nothing else may.
    let itself = format!("({})", json!(url));
    let errors = tab
        .console_errors()
        .into_iter()
        .filter(|e| !e.ends_with(&itself));
    problems.extend(errors.map(|e| format!("{url}: {e}")));
    problems
}

#[test]
fn on_nginx_at_the_root_and_under_a_sub_path_every_link_asset_and_anchor_works() {
    let site = TestSite::own_cards();
    site.run(&["build", "-o", "out", "--precompress"]).success();
    let output = site.path().join("out");
    let at_root = Nginx::start(&output, "/");
    // With --precompress, nginx sends the gzip file built beside each page.
    let head = head_with_gzip(&at_root.origin, "/client-server-model/");
    assert!(head.contains("\r\nContent-Encoding: gzip\r\n"), "{head}");
    let Some((browser, mut tab)) = Browser::open(&format!("{}/", at_root.origin)) else {
        return;
    };
    let mut problems = Vec::new();
    for (host, prefix) in [
        (&at_root, "/"),
        (&Nginx::start(&output, "/some/sub/path/"), "/some/sub/path/"),
    ] {
        let (seen, found) = crawl(&mut tab, &host.origin, prefix);
        assert!(
            seen > 20,
            "the crawl under {prefix} reached {seen} addresses"
        );
        problems.extend(found);
        problems.extend(check_not_found(&mut tab, &host.origin, prefix));
        // Without its trailing slash, a page's address is sent on to the one with it.
        tab.call(
            "Page.navigate",
            json!({"url": format!("{}{prefix}client-server-model", host.origin)}),
        );
        tab.wait_until(
            "location.pathname.endsWith('/client-server-model/') && document.readyState === 'complete'",
            "a page asked for without its slash",
        );
    }
    // With a base_url the 404 page finds the site on a first visit too (nothing stored).
    let under = "/some/sub/path/";
    let host = Nginx::start(&output, under);
    let preview = format!("{}{under}", host.origin);
    site.run(&["build", "-o", "out", "--base-url", &preview])
        .success();
    let mut fresh = browser.open_tab("about:blank");
    fresh.call("Runtime.enable", json!({}));
    fresh.call("Log.enable", json!({}));
    problems.extend(check_not_found(&mut fresh, &host.origin, under));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
