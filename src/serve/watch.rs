//! Watching the site's sources: notify, with a short debounce so that a burst of saves (or
//! an editor's write-temp-then-rename) gives one rebuild, told what kind of source changed:
//! cards, templates and theme files, or the configuration. Knows nothing about HTTP: it
//! calls back, and the caller rebuilds.

use crate::config::{CONFIG_FILE, Config};
use crate::project::Changes;
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
    cards: PathBuf,
    /// `templates/` and `themes/`.
    theme: Vec<PathBuf>,
}

impl Sources {
    fn of(config: &Config) -> Result<Sources> {
        let absolute = |p: &Path| {
            std::path::absolute(p).with_context(|| format!("cannot resolve {}", p.display()))
        };
        Ok(Sources {
            root: absolute(&config.root)?,
            cards: absolute(&config.cards)?,
            theme: vec![
                absolute(&config.root.join("templates"))?,
                absolute(&config.root.join("themes"))?,
            ],
        })
    }

    /// The folders to watch, each with all below it.
    fn folders(&self) -> impl Iterator<Item = &PathBuf> {
        std::iter::once(&self.cards).chain(&self.theme)
    }

    /// Adds a change to `path` to `changes`, if it can change the site.
    fn add(&self, path: PathBuf, changes: &mut Changes) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        if is_temporary(&name) {
            return;
        }
        if self.folders().any(|f| *f == path) {
            changes.folders = true;
        }
        if path.starts_with(&self.cards) {
            changes.cards.push(path);
        } else if self.theme.iter().any(|f| path.starts_with(f)) {
            changes.theme = true;
        } else if path.parent() == Some(self.root.as_path()) && name == CONFIG_FILE {
            changes.config = true;
        }
    }

    /// What an event changed that can change the site. Reading a file changes nothing; an
    /// event that names no path (a watcher error, or "rescan everything") may have changed
    /// anything.
    fn changed_by(&self, event: notify::Result<Event>) -> Changes {
        let mut changes = Changes::default();
        match event {
            Ok(event) if matches!(event.kind, EventKind::Access(_)) => {}
            Ok(event) if !event.paths.is_empty() => {
                for path in event.paths {
                    self.add(path, &mut changes);
                }
            }
            _ => {
                changes = Changes {
                    cards: vec![self.cards.clone()],
                    theme: true,
                    config: true,
                    folders: true,
                }
            }
        }
        changes
    }
}

/// Editors' scratch files: swap files, backups, lock files, atomic-save temporaries.
fn is_temporary(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name == "4913"
        || [".swp", ".swx", ".tmp", ".part", ".crdownload"]
            .iter()
            .any(|s| name.ends_with(s))
}

/// Calls `on_change` with what changed after every burst of changes to the site's
/// sources, until the returned watcher is dropped. Folders that do not exist yet are
/// noticed when they are made (the site's root is watched); then, as when a watched folder
/// is replaced, the caller sets up a new watcher ([`Changes::folders`]).
pub fn watch(
    config: &Config,
    on_change: impl FnMut(Changes) + Send + 'static,
) -> Result<RecommendedWatcher> {
    let sources = Sources::of(config)?;
    let (sender, events) = channel();
    let mut watcher = notify::recommended_watcher(sender)?;
    watcher.watch(&sources.root, RecursiveMode::NonRecursive)?;
    for folder in sources.folders().filter(|f| f.is_dir()) {
        watcher
            .watch(folder, RecursiveMode::Recursive)
            .with_context(|| format!("cannot watch {}", folder.display()))?;
    }
    std::thread::spawn(move || debounce(&sources, &events, on_change));
    Ok(watcher)
}

/// Waits for a change that matters, then for a quiet [`DEBOUNCE`] interval, then calls
/// `on_change` with what changed; events that arrive while it runs make the next burst.
fn debounce(
    sources: &Sources,
    events: &Receiver<notify::Result<Event>>,
    mut on_change: impl FnMut(Changes),
) {
    while let Ok(event) = events.recv() {
        let mut changes = sources.changed_by(event);
        if changes.is_empty() {
            continue;
        }
        loop {
            match events.recv_timeout(DEBOUNCE) {
                Ok(event) => changes.extend(sources.changed_by(event)),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        changes.cards.sort();
        changes.cards.dedup();
        on_change(changes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources() -> Sources {
        Sources {
            root: "/site".into(),
            cards: "/site/cards".into(),
            theme: vec!["/site/templates".into(), "/site/themes".into()],
        }
    }

    fn changes_of(paths: &[&str]) -> Changes {
        let mut changes = Changes::default();
        for path in paths {
            sources().add(PathBuf::from(path), &mut changes);
        }
        changes
    }

    #[test]
    fn each_source_has_its_kind() {
        let cards = changes_of(&[
            "/site/cards/web/dns.md",
            "/site/cards/img.png",
            "/site/cards",
        ]);
        assert_eq!(
            cards.cards.len(),
            3,
            "cards, attachments, the folder itself"
        );
        assert!(!cards.theme && !cards.config);
        assert!(changes_of(&["/site/templates/card.html"]).theme);
        assert!(
            changes_of(&["/site/templates"]).theme,
            "the folder, created"
        );
        assert!(changes_of(&["/site/themes/default/style.css"]).theme);
        assert!(changes_of(&["/site/cardweb.yaml"]).config);
        for other in [
            "/site/output/dns/index.html",
            "/site/README.md",
            "/site/sub/cardweb.yaml",
        ] {
            assert!(changes_of(&[other]).is_empty(), "{other}");
        }
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
                changes_of(&[&format!("/site/cards/{temp}")]).is_empty(),
                "{temp}"
            );
        }
    }

    #[test]
    fn events_name_what_they_changed() {
        let event = |kind: EventKind, paths: &[&str]| {
            Ok(Event {
                kind,
                paths: paths.iter().map(PathBuf::from).collect(),
                attrs: Default::default(),
            })
        };
        let modify = EventKind::Modify(notify::event::ModifyKind::Any);
        assert_eq!(
            sources().changed_by(event(
                modify,
                &["/site/cards/a.md", "/site/cards/.a.md.swp"]
            )),
            Changes {
                cards: vec![PathBuf::from("/site/cards/a.md")],
                ..Changes::default()
            }
        );
        let read = EventKind::Access(notify::event::AccessKind::Any);
        assert!(
            sources()
                .changed_by(event(read, &["/site/cards/a.md"]))
                .is_empty()
        );
        let everything = Changes {
            cards: vec![PathBuf::from("/site/cards")],
            theme: true,
            config: true,
            folders: true,
        };
        let rescan = event(EventKind::Other, &[]);
        assert_eq!(sources().changed_by(rescan), everything);
        let error = Err(notify::Error::generic("queue overflow"));
        assert_eq!(sources().changed_by(error), everything);
    }
}
