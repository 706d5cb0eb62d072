//! HTTP over tiny_http: a listener with `TCP_NODELAY`, worker threads that answer from the
//! in-memory pages, one thread per event stream, and an access log line per request, so the
//! request-response cycle is visible on the terminal and on `/_cardweb/log`.

use super::dispatch::Fair;
use super::live::{self, Echo, EchoResponse, Event};
use super::pages::Page;
use super::route::{Route, route};
use super::{Message, State};
use crate::start::StartError;
use anyhow::{Context, Result, anyhow};
use serde::Serialize;
use socket2::{Domain, Protocol, Socket, Type};
use std::io::Read;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use tiny_http::{Header, Request, Response, Server, StatusCode};

/// Threads answering requests (each connection also has its own reading thread inside
/// tiny_http); one connection holds at most one of them (see [`Fair`]), for as long as
/// [`WRITE_TIMEOUT`] at most. More threads made the slowest 1% of answers under load
/// (`wrk -c64`) take hundreds of milliseconds on two cores.
const WORKERS: usize = 16;

/// How long a connection may send nothing before it is closed: idle keep-alive
/// connections, and clients that send a request slowly, do not hold a thread longer.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long one write to a client may wait for it to read: a client that stops reading
/// (a never-reading pipeliner, a stalled download) is disconnected after this long.
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);

/// The `Server` header.
const SERVER: &str = concat!("cardweb/", env!("CARGO_PKG_VERSION"));

const LIVE_JS: &str = include_str!("live.js");
const LOG_HTML: &str = include_str!("log.html");

/// Listens on `addr` with `TCP_NODELAY` and the read and write timeouts set, which
/// accepted connections inherit on Linux (tiny_http sets neither): without `TCP_NODELAY`,
/// tiny_http's buffered writes meet Nagle's algorithm and delayed ACKs and keep-alive
/// responses stall for 40 ms; without timeouts, idle and stalled clients hold their
/// threads and sockets for ever.
pub fn listen(addr: SocketAddr) -> Result<Server> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    socket.set_reuse_address(true)?;
    socket.set_tcp_nodelay(true)?;
    socket.set_read_timeout(Some(READ_TIMEOUT))?;
    socket.set_write_timeout(Some(WRITE_TIMEOUT))?;
    socket
        .bind(&addr.into())
        .with_context(|| format!("cannot listen on {addr}"))?;
    socket.listen(1024)?;
    let listener: TcpListener = socket.into();
    Server::from_listener(listener, None).map_err(|e| anyhow!("cannot start the server: {e}"))
}

/// How long "Start this card" waits for the loop that owns the project.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// Answers requests until the process ends, on [`WORKERS`] threads, one request of a
/// connection at a time ([`Fair`]); this thread takes them from the server, in the order
/// it queued them. A handler that panics drops its request, which tiny_http answers with
/// 500; the worker goes on with the next. tiny_http's accepting thread stops on the first
/// failed accept (with an error, or with a panic when the process is out of file
/// descriptors), which closes the port: a watchdog notices a refused connection and the
/// port is listened on again, so the server never stops accepting for good.
pub fn run(server: Server, state: Arc<State>) {
    let addr = server.server_addr().to_ip();
    let current = Arc::new(RwLock::new(Arc::new(server)));
    if let Some(addr) = addr {
        watch_port(addr, current.clone());
    }
    let fair = Arc::new(Fair::new());
    let handle = move |request: Request| {
        if catch_unwind(AssertUnwindSafe(|| handle(request, &state))).is_err() {
            eprintln!("a request handler stopped on a bug in cardweb; answered 500");
        }
    };
    for _ in 0..WORKERS {
        let (fair, handle) = (fair.clone(), handle.clone());
        std::thread::spawn(move || {
            loop {
                fair.answer_next(&handle);
            }
        });
    }
    loop {
        let server = current.read().unwrap_or_else(|p| p.into_inner()).clone();
        match (server.recv(), addr) {
            (Ok(request), _) => fair.enter(request),
            (Err(_), Some(addr)) => listen_instead(&current, &server, addr, &fair),
            (Err(_), None) => return,
        }
    }
}

/// Replaces the stopped server `old` (if it is still the current one) with a new one on
/// `addr`; the old one's connections are answered until they close, their requests taken
/// by a thread of their own.
fn listen_instead(
    current: &RwLock<Arc<Server>>,
    old: &Arc<Server>,
    addr: SocketAddr,
    fair: &Arc<Fair>,
) {
    let mut current = current.write().unwrap_or_else(|p| p.into_inner());
    if !Arc::ptr_eq(&current, old) {
        return;
    }
    eprintln!("the server stopped accepting connections; listening again");
    *current = Arc::new(listen_again(addr));
    let (old, fair) = (old.clone(), fair.clone());
    std::thread::spawn(move || {
        loop {
            if let Ok(request) = old.recv() {
                fair.enter(request);
            }
        }
    });
}

/// How often the watchdog knocks on the server's own port.
const WATCH_INTERVAL: Duration = Duration::from_millis(500);

/// Knocks on the port at `addr` every [`WATCH_INTERVAL`]; when the knock is refused
/// (nothing listens: tiny_http's accepting thread has stopped), wakes the thread waiting
/// on the `current` server, so that it listens again.
fn watch_port(addr: SocketAddr, current: Arc<RwLock<Arc<Server>>>) {
    let mut knock = addr;
    if knock.ip().is_unspecified() {
        knock.set_ip(match addr {
            SocketAddr::V4(_) => Ipv4Addr::LOCALHOST.into(),
            SocketAddr::V6(_) => Ipv6Addr::LOCALHOST.into(),
        });
    }
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(WATCH_INTERVAL);
            let refused = std::net::TcpStream::connect_timeout(&knock, WATCH_INTERVAL)
                .is_err_and(|e| e.kind() == std::io::ErrorKind::ConnectionRefused);
            if refused {
                let server = current.read().unwrap_or_else(|p| p.into_inner()).clone();
                server.unblock();
            }
        }
    });
}

/// Listens on `addr` again, waiting longer each time it fails (file descriptors run out
/// under a flood of connections, and come back as their timeouts close them).
fn listen_again(addr: SocketAddr) -> Server {
    let mut wait = Duration::from_millis(50);
    loop {
        match listen(addr) {
            Ok(server) => return server,
            Err(error) => {
                eprintln!("cannot listen on {addr} yet ({error:#}); trying again");
                std::thread::sleep(wait);
                wait = (wait * 2).min(Duration::from_secs(1));
            }
        }
    }
}

/// Raises the soft limit on open files to the hard one (each connection is a socket, and
/// the usual soft limit, 1,024, is reached by a few hundred idle clients), and returns how
/// many event streams may be open at once: a quarter of the files, at most 1,024, so that
/// streams alone never use them up.
pub fn raise_open_files_limit() -> usize {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit read and write only the struct passed.
    let files = unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return 256;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: limit.rlim_max,
                ..limit
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit = raised;
            }
        }
        limit.rlim_cur
    };
    usize::try_from(files / 4).unwrap_or(1024).min(1024)
}

/// One line of the access log, as printed and as sent to `/_cardweb/log`.
#[derive(Serialize)]
struct LogLine {
    method: String,
    path: String,
    status: u16,
    bytes: usize,
    micros: u128,
    client: String,
}

fn handle(request: Request, state: &State) {
    let started = Instant::now();
    let method = request.method().as_str().to_string();
    let path = request.url().to_string();
    let client = request
        .remote_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    if state.panic_on.as_deref() == Some(path.as_str()) {
        panic!("CARDWEB_PANIC_ON: a handler panics for {path}, as asked");
    }
    let pages = state.pages();
    let (status, bytes) = match route(&method, &path, &pages) {
        Route::File(key) => match pages.get(&key) {
            Some(page) => send_page(request, page.clone(), 200),
            None => send_not_found(request, state),
        },
        Route::NotFound => send_not_found(request, state),
        Route::Redirect(location) => {
            let response = Response::empty(301).with_header(header("Location", &location));
            send(request, response, 0)
        }
        Route::MethodNotAllowed => {
            let response = Response::from_string("Only GET and HEAD are allowed here.\n")
                .with_status_code(405)
                .with_header(header("Allow", "GET, HEAD"))
                .with_header(header("Content-Type", "text/plain; charset=utf-8"));
            send(request, response, 35)
        }
        Route::Echo => send_echo(request),
        Route::LiveScript => send_live_script(request, state),
        Route::NewCard => start_card(request, state),
        Route::LogPage => send_static(request, LOG_HTML, "text/html; charset=utf-8"),
        Route::Events { log } => stream_events(request, state, log),
    };
    // The log line is for the terminal and for open log pages: skip it when neither wants it.
    if !state.log_requests && !state.hub.wants_log() {
        return;
    }
    let line = LogLine {
        method,
        path,
        status,
        bytes,
        micros: started.elapsed().as_micros(),
        client,
    };
    if state.log_requests {
        println!(
            "{} {} → {} ({} bytes) in {:.2} ms",
            line.method,
            line.path,
            line.status,
            line.bytes,
            line.micros as f64 / 1000.0
        );
    }
    state.hub.send(&Event::new("request", &line));
}

/// The values of every request header called `name` (any case), in the order received.
fn header_values<'r>(request: &'r Request, name: &str) -> impl Iterator<Item = &'r str> {
    let name = name.to_string(); // owned: the iterator outlives the argument
    request
        .headers()
        .iter()
        .filter(move |h| h.field.as_str().as_str().eq_ignore_ascii_case(&name))
        .map(|h| h.value.as_str())
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .expect("header names and values are ASCII")
}

/// Sends `response` with the headers every answer carries; returns status and body size.
fn send<R: std::io::Read>(request: Request, response: Response<R>, bytes: usize) -> (u16, usize) {
    let status = response.status_code().0;
    let response = response.with_header(header("Server", SERVER));
    let bytes = if request.method() == &tiny_http::Method::Head {
        0
    } else {
        bytes
    };
    let _ = request.respond(response); // a client that hung up is not the server's problem
    (status, bytes)
}

fn send_page(request: Request, page: Arc<Page>, status: u16) -> (u16, usize) {
    let fresh = header_values(&request, "If-None-Match")
        .flat_map(|value| value.split(','))
        .any(|tag| {
            let tag = tag.trim();
            tag == "*" || tag.trim_start_matches("W/") == page.etag
        });
    let headers = [
        header("ETag", &page.etag),
        header("Cache-Control", "no-cache"),
    ];
    if fresh && status == 200 {
        let mut response = Response::empty(304);
        for h in headers {
            response.add_header(h);
        }
        return send(request, response, 0);
    }
    let length = page.len();
    let mut response = Response::new(
        StatusCode(status),
        vec![
            header("Content-Type", page.content_type),
            header("X-Content-Type-Options", "nosniff"),
        ],
        page.reader(),
        Some(length),
        None,
    );
    for h in headers {
        response.add_header(h);
    }
    send(request, response, length)
}

fn send_not_found(request: Request, state: &State) -> (u16, usize) {
    match (state.pages().get("404.html"), state.build_error()) {
        (Some(page), _) => send_page(request, page.clone(), 404),
        // No site was ever built: show why, on a page that reloads once the cards are fixed.
        (None, Some(error)) => {
            let body = format!(
                "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed · cardweb</title></head>\n\
                 <body><h1>The site could not be built</h1>\n<p>Fix the problems below and save: this page reloads by itself.</p>\n\
                 <pre>{}</pre>\n<script src=\"/_cardweb/live.js\" defer></script>\n</body></html>\n",
                crate::html::escape(&error)
            );
            let length = body.len();
            let response = Response::from_string(body)
                .with_status_code(503)
                .with_header(header("Content-Type", "text/html; charset=utf-8"))
                .with_header(header("Cache-Control", "no-store"));
            send(request, response, length)
        }
        (None, None) => send_static_with(request, 404, "Not found\n", "text/plain; charset=utf-8"),
    }
}

fn send_static(request: Request, body: &'static str, content_type: &str) -> (u16, usize) {
    send_static_with(request, 200, body, content_type)
}

fn send_static_with(
    request: Request,
    status: u16,
    body: &'static str,
    content_type: &str,
) -> (u16, usize) {
    let response = Response::from_string(body)
        .with_status_code(status)
        .with_header(header("Content-Type", content_type))
        .with_header(header("Cache-Control", "no-cache"));
    send(request, response, body.len())
}

/// The live script, with this server's token for starting cards.
fn send_live_script(request: Request, state: &State) -> (u16, usize) {
    let body = format!("const CARDWEB_TOKEN = \"{}\";\n{LIVE_JS}", state.token);
    let length = body.len();
    let response = Response::from_string(body)
        .with_header(header("Content-Type", "text/javascript; charset=utf-8"))
        .with_header(header("Cache-Control", "no-store"));
    send(request, response, length)
}

/// Starts a card from a stub, for the "Start this card" button. Only a page served by this
/// server can ask: the server must listen on loopback, the request must come from its own
/// origin (`Origin` equal to `http://` and the `Host`) and carry its token. Never overwrites.
fn start_card(mut request: Request, state: &State) -> (u16, usize) {
    let value = |name: &str| header_values(&request, name).next().map(str::to_string);
    // The Host must name this machine (a page on another name that resolves here, as in
    // DNS rebinding, does not count), and the Origin must be that same host.
    let loopback_name = |host: &str| {
        let name = host.rsplit_once(':').map_or(host, |(name, _)| name);
        matches!(name, "localhost" | "[::1]")
            || name
                .parse::<std::net::Ipv4Addr>()
                .is_ok_and(|ip| ip.is_loopback())
    };
    let own_origin = match (value("Origin"), value("Host")) {
        (Some(origin), Some(host)) => loopback_name(&host) && origin == format!("http://{host}"),
        _ => false,
    };
    let token_ok = value("X-Cardweb-Token").is_some_and(|t| t == state.token);
    let (status, message) = if !state.loopback {
        (
            403,
            "starting cards is allowed only when serving on loopback".to_string(),
        )
    } else if !own_origin || !token_ok {
        (
            403,
            "only a page served by this server can start a card".to_string(),
        )
    } else {
        let mut name = String::new();
        match std::io::Read::take(request.as_reader(), 256).read_to_string(&mut name) {
            Ok(_) => ask_to_start(state, name.trim()),
            Err(e) => (400, format!("cannot read the request: {e}")),
        }
    };
    let body = serde_json::json!({ "status": status, "message": message }).to_string();
    let length = body.len();
    let response = Response::from_string(body)
        .with_status_code(status)
        .with_header(header("Content-Type", "application/json; charset=utf-8"));
    send(request, response, length)
}

/// Asks the loop that owns the project to start a card for `name`: the status and message
/// to answer with.
fn ask_to_start(state: &State, name: &str) -> (u16, String) {
    let (reply, answer) = std::sync::mpsc::channel();
    let name = name.to_string();
    if state.inbox.send(Message::Start { name, reply }).is_err() {
        return (503, "the server is stopping".into());
    }
    match answer.recv_timeout(START_TIMEOUT) {
        Ok(Ok(path)) => (201, format!("wrote {path}")),
        Ok(Err(error)) => {
            let status = match error {
                StartError::NoId(_) => 400,
                StartError::Exists { .. } => 409,
                StartError::Failed(_) => 500,
            };
            (status, error.to_string())
        }
        Err(_) => (503, "the server is busy rebuilding; try again".into()),
    }
}

/// The echo's own response headers, listed in the echo too.
const ECHO_HEADERS: [(&str, &str); 2] = [
    ("Content-Type", "application/json; charset=utf-8"),
    ("Cache-Control", "no-store"),
];

fn send_echo(request: Request) -> (u16, usize) {
    let version = request.http_version();
    let echo = Echo {
        server: "cardweb",
        method: request.method().as_str(),
        path: request.url(),
        http_version: format!("HTTP/{}.{}", version.0, version.1),
        headers: request
            .headers()
            .iter()
            .map(|h| (h.field.to_string(), h.value.to_string()))
            .collect(),
        client: request
            .remote_addr()
            .map(|a| a.to_string())
            .unwrap_or_default(),
        response: EchoResponse {
            status: 200,
            headers: ECHO_HEADERS.to_vec(),
        },
    };
    let json = serde_json::to_string_pretty(&echo).unwrap_or_default();
    let length = json.len();
    let mut response = Response::from_string(json);
    for (name, value) in ECHO_HEADERS {
        response.add_header(header(name, value));
    }
    send(request, response, length)
}

/// Hands the connection to a thread of its own that streams events until the client leaves.
fn stream_events(request: Request, state: &State, log: bool) -> (u16, usize) {
    if state.hub.count() >= state.max_streams {
        return send_static_with(
            request,
            503,
            "Too many open event streams\n",
            "text/plain; charset=utf-8",
        );
    }
    let first = state
        .build_error()
        .map(|message| Event::new("build-error", &message));
    let events = state.hub.subscribe(log);
    let writer = request.into_writer();
    std::thread::spawn(move || live::stream(writer, first, events));
    (200, 0)
}
