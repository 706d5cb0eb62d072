//! `cardweb serve`: the site built in memory and served by tiny_http, rebuilt when a source
//! changes, with open pages told to reload over Server-Sent Events. The server is also the
//! client-server model's live exhibit: `/_cardweb/echo` answers with the request itself,
//! and `/_cardweb/log` shows every request and response as it happens.

mod dispatch;
mod http;
mod live;
mod pages;
mod route;
mod watch;

use crate::Built;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::project::{Changes, Project};
use crate::site::Site;
use crate::start::{self, StartError};
use anyhow::Result;
use live::{Event, Hub};
use pages::Pages;
use std::collections::HashSet;
use std::net::SocketAddr;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// How long edits must pause before what in-place edits left stale (search index, the
/// site's own pages, graph data) is made: saves in quick succession each reload at once,
/// and the rest follows once.
const FINISH_AFTER: Duration = Duration::from_millis(250);

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

/// What the request handlers share: the current pages, the current build error, the hub
/// that reaches every open event stream, and the way to the loop that owns the project.
pub struct State {
    /// Whether the server listens on loopback only: starting cards is allowed only then.
    loopback: bool,
    /// A random secret that only scripts served by this server know.
    token: String,
    pages: RwLock<Arc<Pages>>,
    build_error: RwLock<Option<String>>,
    /// The warnings of the last build, each printed once: a save prints only new ones (a
    /// large site may have thousands; `cardweb check` lists them all).
    warned: Mutex<HashSet<Diagnostic>>,
    hub: Hub,
    log_requests: bool,
    /// Where requests to start a card go: the loop that owns the project.
    inbox: Sender<Message>,
    /// How many event streams may be open at once (below the limit on open files).
    max_streams: usize,
    /// A request path whose handler panics, set by `CARDWEB_PANIC_ON` to test that a
    /// panicking handler answers 500 and the server lives on.
    panic_on: Option<String>,
}

impl State {
    /// Serves `site` from now on and tells the open pages whose files changed to reload;
    /// returns how many files changed. `changed`, when known, names the only files that can
    /// differ from the site served until now: those alone are looked at.
    fn publish(&self, site: Site, changed: Option<Vec<String>>) -> usize {
        let differ = match changed {
            Some(changed) => {
                let mut pages = self.pages.write().unwrap_or_else(|p| p.into_inner());
                Arc::make_mut(&mut pages).apply(&site, &changed)
            }
            None => {
                let (pages, differ) = Pages::update(site, &self.pages());
                *self.pages.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(pages);
                differ
            }
        };
        self.hub.send(&Event::new("reload", &differ));
        differ.len()
    }

    fn pages(&self) -> Arc<Pages> {
        self.pages.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn build_error(&self) -> Option<String> {
        self.build_error
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Shows `message` as the build error on every open page, the last good site still
    /// served.
    fn fail(&self, message: String) {
        eprintln!("{message}\nstill serving the last good site");
        *self.build_error.write().unwrap_or_else(|p| p.into_inner()) = Some(message.clone());
        self.hub.send(&Event::new("build-error", &message));
    }
}

/// What the loop that owns the project is asked to do.
pub enum Message {
    /// Rebuild after these changes.
    Changed(Changes),
    /// Start a card for the name, and answer with what was written (as the author names
    /// the file) or why not.
    Start {
        /// The concept's id or title.
        name: String,
        /// Where the answer goes.
        reply: Sender<Result<String, StartError>>,
    },
}

/// Builds the site, serves it, and rebuilds it on every change, until the process ends.
/// `load_config` reads the site's configuration (again whenever `cardweb.yaml` changes).
pub fn serve(
    load_config: impl Fn() -> Result<Config> + Send + 'static,
    options: Options,
) -> Result<()> {
    let config = load_config()?;
    let max_streams = http::raise_open_files_limit();
    let (inbox, messages) = channel();
    let state = Arc::new(State {
        loopback: options.addr.ip().is_loopback(),
        token: random_token(),
        pages: RwLock::default(),
        build_error: RwLock::default(),
        warned: Mutex::default(),
        hub: Hub::default(),
        log_requests: options.log_requests,
        inbox: inbox.clone(),
        panic_on: std::env::var("CARDWEB_PANIC_ON").ok(),
        max_streams,
    });
    // Watch first, so that no change made once "serving" is printed can be missed.
    let watcher = watch_into(&config, &inbox)?;
    let mut project = Project::new(config.clone());
    rebuild(&mut project, &state, Project::build);
    {
        let state = state.clone();
        std::thread::spawn(move || {
            let owner = Owner {
                project,
                watcher,
                inbox,
                load_config: Box::new(load_config),
                config_broken: false,
            };
            owner.run(&messages, &state);
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

/// Watches the sources of `config`, sending what changed to `inbox`.
fn watch_into(config: &Config, inbox: &Sender<Message>) -> Result<notify::RecommendedWatcher> {
    let inbox = inbox.clone();
    watch::watch(config, move |changes| {
        let _ = inbox.send(Message::Changed(changes));
    })
}

/// The loop that owns the only project: it rebuilds on changes, reloads the configuration,
/// and starts cards, one thing at a time.
struct Owner {
    project: Project,
    watcher: notify::RecommendedWatcher,
    inbox: Sender<Message>,
    load_config: Box<dyn Fn() -> Result<Config> + Send>,
    /// Whether the last reading of `cardweb.yaml` failed: every change reads it again.
    config_broken: bool,
}

impl Owner {
    /// Takes messages until the server stops; changes that arrived together make one
    /// rebuild.
    fn run(mut self, messages: &Receiver<Message>, state: &State) {
        let mut next = messages.recv().ok();
        while let Some(first) = next.take() {
            let mut changes = Changes::default();
            let mut starts = Vec::new();
            for message in std::iter::once(first).chain(messages.try_iter()) {
                match message {
                    Message::Changed(more) => changes.extend(more),
                    Message::Start { name, reply } => starts.push((name, reply)),
                }
            }
            if changes.config || (self.config_broken && !changes.is_empty()) {
                self.reload_config(state); // with a new watcher and a full build
            } else if !changes.is_empty() {
                if changes.folders {
                    self.watch_again();
                }
                rebuild(&mut self.project, state, |p| p.rebuild(&changes));
            }
            for (name, reply) in starts {
                let _ = reply.send(self.start(&name));
            }
            // In-place edits leave the search index and site pages to be made when edits pause.
            next = match messages.recv_timeout(FINISH_AFTER) {
                Ok(message) => Some(message),
                Err(RecvTimeoutError::Timeout) => {
                    self.finish(state);
                    messages.recv().ok()
                }
                Err(RecvTimeoutError::Disconnected) => None,
            };
        }
    }

    /// Makes what the edits drawn since the last time left stale (the search index, the
    /// site's own pages and graph data), serves it, and tells the pages that changed to
    /// reload.
    fn finish(&mut self, state: &State) {
        let project = &mut self.project;
        match catch_unwind(AssertUnwindSafe(|| project.finish())) {
            Ok(Ok(Some(redrawn))) => {
                state.publish(redrawn.site, Some(redrawn.changed));
            }
            Ok(Err(error)) => state.fail(format!("error: {error:#}")),
            _ => {}
        }
    }

    /// Reads `cardweb.yaml` again and, if it reads, rebuilds the site with it from scratch
    /// (folders, title, theme may all have changed); if not, shows why.
    fn reload_config(&mut self, state: &State) {
        let reloaded = (self.load_config)().and_then(|config| {
            let watcher = watch_into(&config, &self.inbox)?;
            Ok((config, watcher))
        });
        match reloaded {
            Ok((config, watcher)) => {
                self.config_broken = false;
                self.watcher = watcher;
                self.project = Project::new(config);
                rebuild(&mut self.project, state, Project::build);
            }
            Err(error) => {
                self.config_broken = true;
                state.fail(format!("error: {error:#}"));
            }
        }
    }

    /// Watches the sources again, after a watched folder was made, removed or moved (a
    /// watch follows the folder it was set on, not its name). If that fails (the cards
    /// folder is gone) the build says so, and the folder's return is a change again.
    fn watch_again(&mut self) {
        if let Ok(watcher) = watch_into(self.project.config(), &self.inbox) {
            self.watcher = watcher;
        }
    }

    /// Starts a card for `name` from the current cards.
    fn start(&mut self, name: &str) -> Result<String, StartError> {
        let config = self.project.config().clone();
        let (started, _) = self
            .project
            .inspect(|graph| start::new_card(&config, graph, name))
            .map_err(StartError::Failed)?;
        let card = started?;
        Ok(config.display_path(&card.path).display().to_string())
    }
}

/// Rebuilds the site in memory with `build` (which reads only changed cards and draws only
/// pages whose inputs changed). On success the new pages replace the old and every open
/// page hears which paths changed; on failure the old pages stay and every open page shows
/// the error. A build that panics is a failure too, and the project starts afresh.
fn rebuild(
    project: &mut Project,
    state: &State,
    build: impl FnOnce(&mut Project) -> Result<Built>,
) {
    let started = Instant::now();
    let outcome = match catch_unwind(AssertUnwindSafe(|| build(project))) {
        Ok(outcome) => outcome,
        Err(_) => {
            *project = Project::new(project.config().clone());
            Err(anyhow::anyhow!(
                "the build stopped on a bug in cardweb (see above)"
            ))
        }
    };
    let outcome = outcome.map(|built| {
        // In the order of the report (by file and place), each new one once.
        let warnings = (built.report.diagnostics.iter()).filter(|d| !d.is_error());
        let mut warned = state.warned.lock().unwrap_or_else(|p| p.into_inner());
        let new: Vec<String> = (warnings.clone())
            .filter(|w| !warned.contains(*w))
            .map(|w| w.to_string())
            .collect();
        if !new.is_empty() {
            let text = new.join("\n") + "\n";
            let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), text.as_bytes());
        }
        *warned = warnings.cloned().collect();
        drop(warned);
        match built.site {
            Some(site) => Ok((site, built.changed)),
            None => Err(error_text(&built.report.diagnostics)),
        }
    });
    match outcome.unwrap_or_else(|e| Err(format!("error: {e:#}"))) {
        Ok((site, changed)) => {
            *state.build_error.write().unwrap_or_else(|p| p.into_inner()) = None;
            let changed = state.publish(site, changed);
            println!(
                "built in {} ms: {} files changed",
                started.elapsed().as_millis(),
                changed
            );
        }
        Err(message) => state.fail(message),
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
