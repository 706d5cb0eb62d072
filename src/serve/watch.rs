//! Watching the site's sources: notify, with a short debounce so that a burst of saves (or
//! an editor's write-temp-then-rename) gives one rebuild. Knows nothing about HTTP: it calls
//! back, and the caller rebuilds.

use crate::config::{CONFIG_FILE, Config};
use anyhow::{Context, Result};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

/// How long the watcher waits for more events before it calls back.
const DEBOUNCE: Duration = Duration::from_millis(10);

/// The folders and files a site's build reads.
struct Sources {
    root: PathBuf,
    folders: Vec<PathBuf>,
}

impl Sources {
    fn of(config: &Config) -> Result<Sources> {
        let absolute = |p: &Path| {
            std::path::absolute(p).with_context(|| format!("cannot resolve {}", p.display()))
        };
        let root = absolute(&config.root)?;
        let folders = [
            config.cards.clone(),
            config.root.join("templates"),
            config.root.join("themes"),
        ]
        .iter()
        .map(|p| absolute(p))
        .collect::<Result<_>>()?;
        Ok(Sources { root, folders })
    }

    /// Whether a change to `path` can change the site.
    fn affect(&self, path: &Path) -> bool {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        if is_temporary(&name) {
            return false;
        }
        if path.parent() == Some(self.root.as_path()) {
            return name == CONFIG_FILE || self.folders.iter().any(|f| f == path);
        }
        self.folders.iter().any(|f| path.starts_with(f))
    }
}

impl Sources {
    /// The paths an event changed that can change the site. Reading a file changes
    /// nothing; an event that names no path (a watcher error, or "rescan everything")
    /// stands for the site's root, which is no card: the caller looks at every file again.
    fn changed_by(&self, event: notify::Result<Event>) -> Vec<PathBuf> {
        match event {
            Ok(event) if matches!(event.kind, EventKind::Access(_)) => Vec::new(),
            Ok(event) if !event.paths.is_empty() => {
                event.paths.into_iter().filter(|p| self.affect(p)).collect()
            }
            _ => vec![self.root.clone()],
        }
    }
}

/// Editors' scratch files: swap files, backups, lock files, atomic-save temporaries.
fn is_temporary(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name == "4913"
        || [
            ".swp",
            ".swx",
            ".tmp",
            ".part",
            ".crdownload",
            ".cardweb-tmp",
        ]
        .iter()
        .any(|s| name.ends_with(s))
}

/// Calls `on_change` with the changed paths (absolute) after every burst of changes to the
/// site's sources, until the returned watcher is dropped.
pub fn watch(
    config: &Config,
    on_change: impl FnMut(Vec<PathBuf>) + Send + 'static,
) -> Result<RecommendedWatcher> {
    let sources = Sources::of(config)?;
    let (sender, events) = channel();
    let mut watcher = notify::recommended_watcher(sender)?;
    watcher.watch(&sources.root, RecursiveMode::NonRecursive)?;
    for folder in sources.folders.iter().filter(|f| f.is_dir()) {
        watcher
            .watch(folder, RecursiveMode::Recursive)
            .with_context(|| format!("cannot watch {}", folder.display()))?;
    }
    std::thread::spawn(move || debounce(&sources, &events, on_change));
    Ok(watcher)
}

/// Waits for a change that matters, then for a quiet [`DEBOUNCE`] interval, then calls
/// `on_change` with the paths that changed; events that arrive while it runs make the
/// next burst.
fn debounce(
    sources: &Sources,
    events: &Receiver<notify::Result<Event>>,
    mut on_change: impl FnMut(Vec<PathBuf>),
) {
    while let Ok(event) = events.recv() {
        let mut paths = sources.changed_by(event);
        if paths.is_empty() {
            continue;
        }
        loop {
            match events.recv_timeout(DEBOUNCE) {
                Ok(event) => paths.extend(sources.changed_by(event)),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        paths.sort();
        paths.dedup();
        on_change(paths);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sources_count() {
        let sources = Sources {
            root: "/site".into(),
            folders: vec![
                "/site/cards".into(),
                "/site/templates".into(),
                "/site/themes".into(),
            ],
        };
        assert!(sources.affect(Path::new("/site/cards/web/dns.md")));
        assert!(sources.affect(Path::new("/site/cards/img.png")));
        assert!(sources.affect(Path::new("/site/templates/card.html")));
        assert!(sources.affect(Path::new("/site/cardweb.yaml")));
        assert!(
            sources.affect(Path::new("/site/cards")),
            "the folder itself (renamed, recreated)"
        );
        assert!(!sources.affect(Path::new("/site/output/dns/index.html")));
        assert!(!sources.affect(Path::new("/site/README.md")));
        for temp in [
            ".dns.md.swp",
            "dns.md~",
            "4913",
            "#dns.md#",
            ".#dns.md",
            "dns.md.tmp",
            ".goutputstream-X1",
        ] {
            assert!(
                !sources.affect(&Path::new("/site/cards").join(temp)),
                "{temp}"
            );
        }
    }

    #[test]
    fn events_name_the_paths_they_changed() {
        let sources = Sources {
            root: "/site".into(),
            folders: vec!["/site/cards".into()],
        };
        let event = |kind: EventKind, paths: &[&str]| {
            Ok(Event {
                kind,
                paths: paths.iter().map(PathBuf::from).collect(),
                attrs: Default::default(),
            })
        };
        let modify = EventKind::Modify(notify::event::ModifyKind::Any);
        assert_eq!(
            sources.changed_by(event(
                modify,
                &["/site/cards/a.md", "/site/cards/.a.md.swp"]
            )),
            [PathBuf::from("/site/cards/a.md")]
        );
        let read = EventKind::Access(notify::event::AccessKind::Any);
        assert!(
            sources
                .changed_by(event(read, &["/site/cards/a.md"]))
                .is_empty()
        );
        let rescan = event(EventKind::Other, &[]);
        assert_eq!(sources.changed_by(rescan), [PathBuf::from("/site")]);
        let error = Err(notify::Error::generic("queue overflow"));
        assert_eq!(sources.changed_by(error), [PathBuf::from("/site")]);
    }
}
