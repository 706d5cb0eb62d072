//! `cardweb serve`: the site built in memory and served by tiny_http, rebuilt when a source
//! changes, with open pages told to reload over Server-Sent Events. The server is also the
//! client-server model's live exhibit: `/_cardweb/echo` answers with the request itself,
//! and `/_cardweb/log` shows every request and response as it happens.

mod http;
mod live;
mod pages;
mod route;
mod watch;

use crate::Project;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use anyhow::Result;
use live::{Event, Hub};
use pages::Pages;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::Instant;

/// How `serve` was asked to run.
#[derive(Clone, Debug)]
pub struct Options {
    /// The address and port to listen on; port 0 picks a free one.
    pub addr: SocketAddr,
    /// Whether to open the site in the default browser.
    pub open: bool,
    /// Whether to print a log line per request.
    pub log_requests: bool,
}

/// What the request handlers share: the current pages, the current build error, and the
/// hub that reaches every open event stream.
pub struct State {
    config: Config,
    /// Whether the server listens on loopback only: starting cards is allowed only then.
    loopback: bool,
    /// A random secret that only scripts served by this server know.
    token: String,
    pages: RwLock<Arc<Pages>>,
    build_error: RwLock<Option<String>>,
    hub: Hub,
    log_requests: bool,
}

impl State {
    fn pages(&self) -> Arc<Pages> {
        self.pages.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn build_error(&self) -> Option<String> {
        self.build_error
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

/// Builds the site, serves it, and rebuilds it on every change, until the process ends.
pub fn serve(config: Config, options: Options) -> Result<()> {
    let state = Arc::new(State {
        config: config.clone(),
        loopback: options.addr.ip().is_loopback(),
        token: random_token(),
        pages: RwLock::default(),
        build_error: RwLock::default(),
        hub: Hub::default(),
        log_requests: options.log_requests,
    });
    // Watch first, so that no change made once "serving" is printed can be missed.
    let (changed, changes) = std::sync::mpsc::channel::<Vec<std::path::PathBuf>>();
    let _watcher = watch::watch(&config, move |paths| {
        let _ = changed.send(paths);
    })?;
    let mut project = Project::new(config.clone());
    rebuild(&mut project, &state, Project::build);
    {
        let state = state.clone();
        std::thread::spawn(move || {
            while let Ok(mut paths) = changes.recv() {
                while let Ok(more) = changes.try_recv() {
                    paths.extend(more);
                }
                rebuild(&mut project, &state, |project| project.rebuild(&paths));
            }
        });
    }
    let server = http::listen(options.addr)?;
    let url = match server.server_addr().to_ip() {
        Some(addr) => format!("http://{addr}/"),
        None => format!("http://{}/", options.addr),
    };
    println!(
        "serving {} at {url} (Ctrl-C to stop)",
        config.display_path(&config.cards).display()
    );
    if options.open {
        open_browser(&url);
    }
    http::run(server, state);
    Ok(())
}

/// Rebuilds the site in memory with `build` (which reads only changed cards and draws only
/// pages whose inputs changed). On success the new pages replace the old and every open
/// page hears which paths changed; on failure the old pages stay and every open page shows
/// the error.
fn rebuild(
    project: &mut Project,
    state: &State,
    build: impl FnOnce(&mut Project) -> Result<crate::Build>,
) {
    let started = Instant::now();
    let outcome = build(project).map(|built| {
        for d in built.diagnostics.iter().filter(|d| !d.is_error()) {
            eprintln!("{d}");
        }
        match built.site {
            Some(site) => Ok(site),
            None => Err(error_text(&built.diagnostics)),
        }
    });
    match outcome.unwrap_or_else(|e| Err(format!("error: {e:#}"))) {
        Ok(site) => {
            let old = state.pages();
            let pages = Pages::from_site(site, &old);
            let changed = pages.changed_since(&old);
            *state.pages.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(pages);
            *state.build_error.write().unwrap_or_else(|p| p.into_inner()) = None;
            println!(
                "built in {} ms: {} files changed",
                started.elapsed().as_millis(),
                changed.len()
            );
            state.hub.send(&Event::new("reload", &changed));
        }
        Err(message) => {
            eprintln!("{message}\nstill serving the last good site");
            *state.build_error.write().unwrap_or_else(|p| p.into_inner()) = Some(message.clone());
            state.hub.send(&Event::new("build-error", &message));
        }
    }
}

/// 128 random bits as hex, from the standard library's randomly keyed hasher.
fn random_token() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut token = String::new();
    for _ in 0..2 {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos(),
        );
        token += &format!("{:016x}", hasher.finish());
    }
    token
}

fn error_text(diagnostics: &[Diagnostic]) -> String {
    let errors: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect();
    errors.join("\n")
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(opener).arg(url).spawn().is_err() {
        eprintln!("could not start {opener}; open {url} yourself");
    }
}
