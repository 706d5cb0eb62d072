//! `cardweb serve` over real sockets: HTTP/1.1 behaviour, no way out of the site, the echo,
//! live reload and build errors, and staying responsive under idle and stalled clients.

use crate::server::{Served, exchange_at};
use crate::support::TestSite;
use std::io::Write;
use std::net::TcpStream;

#[test]
fn answers_like_a_well_behaved_http_server() {
    let site = TestSite::own_cards();
    let served = Served::start(&site);
    let page = served.get("/client-server-model/");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(
        page.header("content-length"),
        Some(page.body.len().to_string().as_str())
    );
    assert!(page.header("server").unwrap().starts_with("cardweb/"));
    assert!(page.text().contains("<h1>Client-Server Model</h1>"));
    assert!(
        page.text().contains("/_cardweb/live.js"),
        "served pages get the live script"
    );

    let head = served
        .exchange("HEAD /client-server-model/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_eq!(head.status, 200);
    assert_eq!(
        head.header("content-length"),
        page.header("content-length"),
        "HEAD: same headers"
    );
    assert_eq!(head.header("etag"), page.header("etag"));
    assert!(head.body.is_empty(), "HEAD: no body");

    let post = served
        .exchange("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET, HEAD"));

    let missing = served.get("/no-such-concept/");
    assert_eq!(missing.status, 404);
    assert!(
        missing.text().contains("This page doesn't exist"),
        "the site's own 404 page"
    );

    let redirect = served.get("/client-server-model");
    assert_eq!(redirect.status, 301);
    assert_eq!(redirect.header("location"), Some("/client-server-model/"));

    let etag = page.header("etag").unwrap();
    let cached = served.exchange(&format!("GET /client-server-model/ HTTP/1.1\r\nHost: x\r\nIf-None-Match: {etag}\r\nConnection: close\r\n\r\n"));
    assert_eq!(cached.status, 304);
    assert!(cached.body.is_empty());

    // Assets by the names the home page gives them (with a hash of their bytes).
    let home = String::from_utf8_lossy(&served.get("/").body).into_owned();
    let named = |start: &str| {
        let mut names = crate::support::attribute_values(&home, "href");
        names.extend(crate::support::attribute_values(&home, "src"));
        let name = names.into_iter().find(|n| n.starts_with(start));
        format!("/{}", name.expect(start).trim_start_matches("./"))
    };
    assert_eq!(
        served.get(&named("./assets/style.")).header("content-type"),
        Some("text/css; charset=utf-8")
    );
    assert_eq!(
        served
            .get(&named("./assets/cardweb."))
            .header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
}

#[test]
fn keeps_connections_alive() {
    let site = TestSite::own_cards();
    let served = Served::start(&site);
    let two = "GET /dns/ HTTP/1.1\r\nHost: x\r\n\r\nGET /apis/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    let reply = served.exchange(two);
    assert_eq!(reply.status, 200);
    let text = reply.text();
    assert!(text.contains("<h1>DNS</h1>"), "first answer");
    assert!(
        text.contains("HTTP/1.1 200 OK") && text.contains("<h1>APIs</h1>"),
        "second answer on the same connection"
    );
}

#[test]
fn every_pipelined_request_is_answered_on_many_connections_at_once() {
    // Two workers could take a connection's two requests and the one with the second
    // enter its line first: its answer then waited for the first's, which waited behind
    // it, for ever (15 connections in 2,000 hung).
    let site = TestSite::own_cards();
    let served = Served::start(&site);
    let two = "GET /dns/ HTTP/1.1\r\nHost: x\r\n\r\nGET /apis/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    for _ in 0..40 {
        std::thread::scope(|scope| {
            let clients: Vec<_> = (0..25)
                .map(|_| scope.spawn(|| exchange_at(served.addr, two).text()))
                .collect();
            for client in clients {
                let text = client.join().expect("both answers within the deadline");
                assert!(text.contains("<h1>APIs</h1>"), "{text}");
            }
        });
    }
}

#[test]
fn no_request_reaches_outside_the_site() {
    let site = TestSite::own_cards()
        .file("secret.txt", "TOP-SECRET")
        .file("cards/notes/inner.txt", "fine");
    let served = Served::start(&site);
    let secret_path = site.path().join("secret.txt");
    let absolute = format!("{}", secret_path.display());
    for target in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/cards/../secret.txt",
        "/notes/..%2f..%2fsecret.txt",
        "/notes%2f..%2f..%2fsecret.txt",
        "/..\\secret.txt",
        "/notes/..%5c..%5csecret.txt",
        "/secret.txt%00",
        "/secret.txt%00.html",
        absolute.as_str(),
        "//secret.txt",
        "/../../../../etc/passwd",
        "http://localhost/../secret.txt",
    ] {
        let reply = served.exchange(&format!(
            "GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        ));
        assert_ne!(reply.status, 200, "{target}");
        assert!(
            !reply.text().contains("TOP-SECRET") && !reply.text().contains("root:"),
            "{target}"
        );
    }
    assert_eq!(
        served.get("/notes/inner.txt").text(),
        "fine",
        "attachments inside the site are served"
    );
}

#[test]
fn an_edited_attachment_is_served_new_and_stays_through_card_edits() {
    let site = TestSite::own_cards().file("cards/notes/figure.txt", "first");
    let served = Served::start(&site);
    assert_eq!(served.get("/notes/figure.txt").text(), "first");
    let mut events = served.events();
    site.write("cards/notes/figure.txt", "second");
    let reload = events.wait_for("reload");
    assert!(reload.contains("notes/figure.txt"), "{reload}");
    assert_eq!(served.get("/notes/figure.txt").text(), "second");
    save_as_an_editor(&site, "apis.md", |card| format!("{card}\nOne more line.\n"));
    let reload = events.wait_for("reload");
    assert!(reload.contains("apis/index.html"), "{reload}");
    assert_eq!(served.get("/notes/figure.txt").text(), "second");
}

#[test]
fn echo_returns_the_request_as_data() {
    let site = TestSite::own_cards();
    let served = Served::start(&site);
    let reply = served.exchange(
        "GET /_cardweb/echo?q=1 HTTP/1.1\r\nHost: x\r\nX-Test: <script>alert(1)</script>\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    let echo: serde_json::Value = serde_json::from_slice(&reply.body).expect("JSON");
    assert_eq!(echo["method"], "GET");
    assert_eq!(echo["path"], "/_cardweb/echo?q=1");
    assert_eq!(echo["http_version"], "HTTP/1.1");
    assert!(echo["client"].as_str().unwrap().starts_with("127.0.0.1:"));
    let headers = echo["headers"].as_array().unwrap();
    assert!(
        headers
            .iter()
            .any(|h| h[0] == "X-Test" && h[1] == "<script>alert(1)</script>"),
        "{echo}"
    );
    assert_eq!(echo["response"]["status"], 200);
    assert!(served.get("/_cardweb/nothing").status == 404);
}

/// Edits the card `name` as an editor saves it, atomically: the new text into a temporary
/// file, then renamed over the card.
fn save_as_an_editor(site: &TestSite, name: &str, edit: impl FnOnce(&str) -> String) {
    let card = site.path().join("cards").join(name);
    let text = std::fs::read_to_string(&card).unwrap();
    let temporary = format!("cards/.{name}.swp");
    site.write(&temporary, edit(&text));
    std::fs::rename(site.path().join(&temporary), card).unwrap();
}

#[test]
fn a_save_prints_each_warning_once_when_it_first_appears() {
    use std::io::BufRead;
    let site = TestSite::own_cards();
    let log = site.path().join("warnings.log");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cardweb"))
        .args(["serve", "--port", "0"])
        .current_dir(site.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut built = || {
        let line = lines.find(|l| l.as_ref().is_ok_and(|l| l.starts_with("built in")));
        assert!(line.is_some(), "a build");
    };
    built();
    let lonely = "---\ntitle: Lonely\n---\nNobody links here.\n";
    site.write("cards/lonely.md", lonely);
    built();
    site.write("cards/lonely.md", format!("{lonely}Still nobody.\n"));
    built();
    child.kill().unwrap();
    child.wait().unwrap();
    let printed = std::fs::read_to_string(&log).unwrap();
    let orphan = "cards/lonely.md:1:1: warning: `lonely` is an orphan";
    assert_eq!(printed.matches(orphan).count(), 1, "{printed}");
    let mut lines: Vec<&str> = printed.lines().filter(|l| l.contains("warning:")).collect();
    let all = lines.len();
    lines.sort_unstable();
    lines.dedup();
    assert_eq!(lines.len(), all, "no warning twice: {printed}");
}

#[test]
fn an_edited_card_reloads_open_pages() {
    let site = TestSite::own_cards();
    let served = Served::start(&site);
    let mut events = served.events();
    save_as_an_editor(&site, "apis.md", |card| {
        card.replace("An **API**", "A freshly edited **API**")
    });
    let changed = events.wait_for("reload");
    assert!(changed.contains("\"apis/index.html\""), "{changed}");
    assert!(
        served
            .get("/apis/")
            .text()
            .contains("A freshly edited <strong>API</strong>")
    );
}

#[test]
fn a_new_link_reloads_both_cards_at_once_and_the_graph_data_after() {
    let site = TestSite::own_cards();
    let served = Served::start(&site);
    let mentions = "/graph/data/mentions-1.json";
    let before = served.get(mentions).text();
    let mut events = served.events();
    save_as_an_editor(&site, "apis.md", |card| {
        format!("{card}\nSee [[Databases]].\n")
    });
    let first = events.wait_for("reload");
    assert!(first.contains("\"apis/index.html\""), "{first}");
    assert!(
        first.contains("\"databases/index.html\""),
        "a new backlink: {first}"
    );
    assert!(
        !first.contains("graph/data"),
        "drawn when edits pause: {first}"
    );
    let after = events.wait_for("reload");
    assert!(
        after.contains(&format!("\"{}\"", &mentions[1..])),
        "{after}"
    );
    assert_ne!(served.get(mentions).text(), before);
    assert!(
        served
            .get("/databases/")
            .text()
            .contains("href=\"../apis/\"")
    );
}

#[test]
fn a_new_card_reloads_its_page_and_those_it_names_at_once_and_the_home_page_after() {
    let site = TestSite::own_cards();
    let served = Served::start(&site);
    let mut events = served.events();
    site.write(
        "cards/caching.md",
        "---\ntitle: Caching\nparent: backend\n---\nKeeping answers near: see [[Databases]].\n",
    );
    let first = events.wait_for("reload");
    for page in ["caching", "databases", "backend"] {
        assert!(
            first.contains(&format!("\"{page}/index.html\"")),
            "{page}: {first}"
        );
    }
    assert!(
        !first.contains("\"index.html\""),
        "the home page is drawn when edits pause: {first}"
    );
    let after = events.wait_for("reload");
    assert!(after.contains("\"index.html\""), "{after}");
    assert!(served.get("/").text().contains("href=\"./caching/\""));
    let databases = served.get("/databases/").text();
    assert!(databases.contains("href=\"../caching/\""), "a backlink");
    assert_eq!(served.get("/caching/").status, 200);
}

#[test]
fn a_broken_card_shows_an_error_and_the_old_page_stays() {
    let site = TestSite::own_cards();
    let served = Served::start(&site);
    let mut events = served.events();
    let card = std::fs::read_to_string(site.path().join("cards/apis.md")).unwrap();
    site.write(
        "cards/apis.md",
        card.replace("parent: client-server-model", "parent: apis"),
    );
    let error = events.wait_for("build-error");
    assert!(
        error.contains("cards/apis.md:6:1: error: parent cycle"),
        "{error}"
    );
    let page = served.get("/apis/");
    assert_eq!(page.status, 200);
    assert!(
        page.text().contains("<h1>APIs</h1>"),
        "the last good page is still served"
    );
    let mut late = served.events();
    assert!(
        late.wait_for("build-error").contains("cards/apis.md:6:1"),
        "pages opened later see the error too"
    );
    site.write("cards/apis.md", card);
    events.wait_for("reload");
    served.wait_for_line("built in");
}

#[test]
fn idle_streams_and_a_stalled_client_do_not_block_a_new_request() {
    let site = TestSite::own_cards();
    let served = Served::start(&site);
    let streams: Vec<_> = (0..50).map(|_| served.events()).collect();
    let mut stalled = TcpStream::connect(served.addr).unwrap();
    stalled
        .write_all(b"GET /dns/ HTTP/1.1\r\nHost: x\r\nUser-Ag")
        .unwrap();
    let reply = served.get("/frontend/");
    assert_eq!(
        reply.status, 200,
        "the 51st client and beyond still get pages"
    );
    assert!(reply.text().contains("<h1>Frontend</h1>"));
    drop(streams);
}

#[test]
fn the_request_log_streams_every_request() {
    let site = TestSite::own_cards();
    let served = Served::start(&site);
    let log_page = served.get("/_cardweb/log");
    assert_eq!(log_page.status, 200);
    assert!(
        log_page
            .text()
            .contains("EventSource(\"/_cardweb/log-events\")")
    );
    let mut events = served.events_at("/_cardweb/log-events");
    assert_eq!(served.get("/backend/?from=log-test").status, 200);
    let line: serde_json::Value = loop {
        let line: serde_json::Value = serde_json::from_str(&events.wait_for("request")).unwrap();
        if line["path"] == "/backend/?from=log-test" {
            break line;
        }
    };
    assert_eq!(line["method"], "GET");
    assert_eq!(line["status"], 200);
    assert!(line["bytes"].as_u64().unwrap() > 1000);
    assert!(line["client"].as_str().unwrap().starts_with("127.0.0.1:"));
    let build = site.run(&["build"]).success();
    assert!(build.stdout().contains("built"));
    assert!(
        !site.path().join("output/_cardweb").exists(),
        "nothing of the server in build output"
    );
}

fn post_new(served: &Served, id: &str, origin: &str, token: Option<&str>) -> crate::server::Reply {
    post_new_as(served, &served.addr.to_string(), id, origin, token)
}

fn post_new_as(
    served: &Served,
    host: &str,
    id: &str,
    origin: &str,
    token: Option<&str>,
) -> crate::server::Reply {
    let token = token
        .map(|t| format!("X-Cardweb-Token: {t}\r\n"))
        .unwrap_or_default();
    served.exchange(&format!(
        "POST /_cardweb/new HTTP/1.1\r\nHost: {host}\r\nOrigin: {origin}\r\n{token}Content-Length: {}\r\nConnection: close\r\n\r\n{id}",
        id.len()
    ))
}

#[test]
fn a_stub_page_served_here_can_start_its_card() {
    let site = TestSite::own_cards();
    let served = Served::start(&site);
    let script = served.get("/_cardweb/live.js").text();
    let token = script
        .split('"')
        .nth(1)
        .expect("the live script carries the token");
    assert_eq!(token.len(), 32);
    let card = site.path().join("cards/http-protocol.md");
    let own = format!("http://{}", served.addr);

    for (origin, token, why) in [
        ("http://evil.example", Some(token), "another origin"),
        (own.as_str(), None, "no token"),
        (own.as_str(), Some("0000"), "a wrong token"),
    ] {
        let reply = post_new(&served, "http-protocol", origin, token);
        assert_eq!(reply.status, 403, "{why}: {}", reply.text());
        assert!(!card.exists(), "{why}: nothing written");
    }

    let port = served.addr.port();
    let rebound = post_new_as(
        &served,
        &format!("evil.example:{port}"),
        "http-protocol",
        &format!("http://evil.example:{port}"),
        Some(token),
    );
    assert_eq!(
        rebound.status,
        403,
        "a foreign name resolving here (DNS rebinding): {}",
        rebound.text()
    );
    assert!(!card.exists());

    let mut events = served.events();
    let reply = post_new(&served, "http-protocol", &own, Some(token));
    assert_eq!(reply.status, 201, "{}", reply.text());
    assert!(reply.text().contains("wrote cards/http-protocol.md"));
    assert!(
        std::fs::read_to_string(&card)
            .unwrap()
            .contains("related: [apis, client-server-model]")
    );
    while !events
        .wait_for("reload")
        .contains("\"http-protocol/index.html\"")
    {}
    let page = served.get("/http-protocol/").text();
    assert!(
        page.contains("<h1>HTTP Protocol</h1>") && !page.contains("doesn't exist yet"),
        "the new card replaced the stub"
    );

    let written = std::fs::read(&card).unwrap();
    let again = post_new(&served, "http-protocol", &own, Some(token));
    assert_eq!(again.status, 409, "never overwrites: {}", again.text());
    assert!(
        again
            .text()
            .contains("is already a card: cards/http-protocol.md"),
        "{}",
        again.text()
    );
    assert_eq!(
        std::fs::read(&card).unwrap(),
        written,
        "the card is unchanged"
    );
}

#[test]
fn a_site_broken_from_the_start_shows_its_errors_until_fixed() {
    let site = TestSite::new().file("cards/a.md", "---\ntitle: A\nparent: a\n---\n<b>A</b>\n");
    let served = Served::start(&site);
    let page = served.get("/");
    assert_eq!(page.status, 503);
    assert!(
        page.text().contains("cards/a.md:3:1: error: parent cycle"),
        "{}",
        page.text()
    );
    assert!(
        page.text().contains("/_cardweb/live.js"),
        "it reloads once fixed"
    );
    let mut events = served.events();
    site.write("cards/a.md", "---\ntitle: A\n---\nFixed.\n");
    events.wait_for("reload");
    let fixed = served.get("/a/");
    assert_eq!(fixed.status, 200);
    assert!(fixed.text().contains("Fixed."));
}
