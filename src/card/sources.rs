//! Finding a site's sources: every card and attachment under `cards/` in a sorted walk,
//! with a stamp per card so that an unchanged card need not be read again.

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Pos};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};
use walkdir::WalkDir;

/// A file under `cards/` that is not a card (an image, a PDF, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    /// Where it is on disk.
    pub source: PathBuf,
    /// The file relative to the cards folder, with `/` separators; also its output path.
    pub rel: String,
}

/// When a file was last changed, as far as the file system tells: a card whose stamp is
/// unchanged need not be read again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
}

impl Stamp {
    /// The stamp of a file with `metadata` (none if it could not be read).
    fn of(metadata: Option<&std::fs::Metadata>) -> Stamp {
        Stamp {
            modified: metadata.and_then(|m| m.modified().ok()),
            len: metadata.map_or(0, |m| m.len()),
        }
    }

    /// File systems stamp times from a coarse clock: a file changed again within one tick
    /// of being read can keep its stamp. A stamp is trusted only this long after that.
    const SETTLE: Duration = Duration::from_millis(100);

    /// Whether a file with this stamp, read at `read_at` with stamp `then`, is known to be
    /// unchanged (as git does for "racily clean" files: a recent stamp proves nothing).
    pub fn unchanged_since(&self, then: &Stamp, read_at: SystemTime) -> bool {
        self == then && self.modified.is_some_and(|m| m + Self::SETTLE < read_at)
    }
}

/// A card file found under `cards/`, not yet read.
#[derive(Clone, Debug)]
pub struct CardFile {
    /// Where it is on disk.
    pub source: PathBuf,
    /// The file relative to the cards folder, with `/` separators.
    pub rel: String,
    /// Its stamp when it was found.
    pub stamp: Stamp,
}

/// The files under `cards/`: cards to read and attachments to copy, in path order.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    /// `*.md` files.
    pub cards: Vec<CardFile>,
    /// Every other file.
    pub attachments: Vec<Attachment>,
    /// What was left out, and why: folders that cannot be read, links.
    pub problems: Vec<Diagnostic>,
}

impl Sources {
    /// These sources after changes to `changed` (absolute paths, as a watcher reports
    /// them) under the absolute `cards_dir`, if each is a card file, or was one, in a
    /// folder these sources have cards in: only those are looked at again, and a card
    /// file added or removed there is taken in or left out where a new walk puts it. None
    /// when a change may have touched anything else (a folder, an attachment, a link),
    /// which only a new [`find_sources`] can tell.
    pub fn refresh(
        self,
        config: &Config,
        cards_dir: &Path,
        changed: &[PathBuf],
    ) -> Option<Sources> {
        let mut sources = self;
        for path in changed {
            path.strip_prefix(cards_dir).ok()?;
            let rel = relative_name(cards_dir, path);
            let known = sources.cards.iter().position(|f| f.rel == rel);
            match (known, std::fs::symlink_metadata(path)) {
                (Some(at), Ok(metadata)) if metadata.is_file() => {
                    sources.cards[at].stamp = Stamp::of(Some(&metadata));
                }
                (Some(at), Err(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                    sources.cards.remove(at);
                }
                (None, Ok(metadata)) if metadata.is_file() && sources.may_hold(config, &rel) => {
                    let order = |f: &CardFile| f.rel.split('/').cmp(rel.split('/'));
                    let at = sources.cards.partition_point(|f| order(f).is_lt());
                    let card = CardFile {
                        source: path.clone(),
                        rel,
                        stamp: Stamp::of(Some(&metadata)),
                    };
                    sources.cards.insert(at, card);
                }
                _ => return None,
            }
        }
        Some(sources)
    }

    /// Whether a walk would take `rel` as a card file: a Markdown file, not hidden nor
    /// ignored, in the cards folder itself or in a folder that holds a card or attachment
    /// already (so the walk went into it).
    fn may_hold(&self, config: &Config, rel: &str) -> bool {
        let folder = rel.rsplit_once('/').map_or("", |(folder, _)| folder);
        let folder_of = |rel: &str| rel.rsplit_once('/').map_or("", |(f, _)| f) == folder;
        let walked = folder.is_empty()
            || self.cards.iter().any(|f| folder_of(&f.rel))
            || self.attachments.iter().any(|a| folder_of(&a.rel));
        let ignored = std::iter::successors(Some(rel), |r| r.rsplit_once('/').map(|(up, _)| up))
            .any(|r| config.ignore.is_match(r));
        rel.rsplit_once('.')
            .is_some_and(|(_, e)| e.eq_ignore_ascii_case("md"))
            && !rel.split('/').any(|part| part.starts_with('.'))
            && !ignored
            && walked
    }
}

/// Finds every card and attachment under `config.cards` (hidden files and folders are
/// skipped); only a missing or unreadable cards folder is an `Err`.
pub fn find_sources(config: &Config) -> Result<Sources> {
    if !config.cards.is_dir() {
        bail!(
            "no cards folder at {} (create it, or run `cardweb init DIR` for a new site)",
            config.cards.display()
        );
    }
    let mut sources = Sources::default();
    let walk = WalkDir::new(&config.cards).sort_by_file_name().into_iter();
    let passed_over = |e: &walkdir::DirEntry| {
        is_hidden(e.file_name())
            || config
                .ignore
                .is_match(relative_name(&config.cards, e.path()))
    };
    for entry in walk.filter_entry(|e| e.depth() == 0 || !passed_over(e)) {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) if error.depth() > 0 => {
                let path = config.display_path(error.path().unwrap_or(&config.cards));
                let message = format!(
                    "cannot read: {}",
                    error
                        .io_error()
                        .map_or(error.to_string(), |e| e.to_string())
                );
                sources.problems.push(
                    Diagnostic::warning(&path, Pos::START, message)
                        .hint("its cards are left out; make it readable"),
                );
                continue;
            }
            Err(error) => {
                return Err(error)
                    .with_context(|| format!("cannot read {}", config.cards.display()));
            }
        };
        if entry.path_is_symlink() {
            sources.problems.push(
                Diagnostic::warning(
                    &config.display_path(entry.path()),
                    Pos::START,
                    "a symbolic link: cardweb does not follow links in the cards folder",
                )
                .hint("move or copy what it points to into the cards folder"),
            );
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = relative_name(&config.cards, entry.path());
        if entry
            .path()
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("md"))
        {
            let stamp = Stamp::of(entry.metadata().ok().as_ref());
            sources.cards.push(CardFile {
                source: entry.into_path(),
                rel,
                stamp,
            });
        } else {
            sources.attachments.push(Attachment {
                rel,
                source: entry.into_path(),
            });
        }
    }
    Ok(sources)
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.'))
}

fn relative_name(base: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    let parts: Vec<_> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect();
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_refresh_card_files_in_known_folders_like_a_new_walk() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::path::absolute(dir.path()).unwrap();
        let cards = root.join("cards");
        std::fs::create_dir_all(cards.join("web")).unwrap();
        std::fs::write(cards.join("web/dns.md"), "DNS.\n").unwrap();
        std::fs::write(cards.join("web-z.md"), "Z.\n").unwrap();
        std::fs::write(cards.join("a.png"), "png").unwrap();
        std::fs::create_dir_all(cards.join("pics")).unwrap();
        std::fs::write(cards.join("pics/p.png"), "png").unwrap();
        std::fs::write(root.join("cardweb.yaml"), "ignore: [\"web/skip*\"]\n").unwrap();
        let config = Config::load(&root).unwrap();
        let sources = find_sources(&config).unwrap();
        let rels = |s: &Sources| s.cards.iter().map(|f| f.rel.clone()).collect::<Vec<_>>();
        std::fs::write(cards.join("web/dns.md"), "DNS, longer.\n").unwrap();
        let refreshed = sources
            .clone()
            .refresh(&config, &cards, &[cards.join("web/dns.md")])
            .unwrap();
        assert_ne!(refreshed.cards[0].stamp, sources.cards[0].stamp);
        assert_eq!(refreshed.attachments, sources.attachments);

        // New and removed cards in folders the walk knows: as a new walk finds them.
        // (`pics/` holds only an attachment: the walk went into it too.)
        for new in ["web/a.md", "web/zz.md", "0.md", "web.md", "pics/x.md"] {
            std::fs::write(cards.join(new), "New.\n").unwrap();
            let refreshed = sources.clone().refresh(&config, &cards, &[cards.join(new)]);
            assert_eq!(
                rels(&refreshed.unwrap()),
                rels(&find_sources(&config).unwrap()),
                "{new}"
            );
            std::fs::remove_file(cards.join(new)).unwrap();
        }
        std::fs::remove_file(cards.join("web-z.md")).unwrap();
        let refreshed = sources
            .clone()
            .refresh(&config, &cards, &[cards.join("web-z.md")]);
        let refreshed = refreshed.unwrap();
        assert_eq!(rels(&refreshed), ["web/dns.md"]);
        // The cards folder itself is always walked, with no card in it or with one.
        std::fs::write(cards.join("web-z.md"), "Z.\n").unwrap();
        let back = refreshed.refresh(&config, &cards, &[cards.join("web-z.md")]);
        assert_eq!(rels(&back.unwrap()), rels(&find_sources(&config).unwrap()));

        // What only a new walk can tell.
        std::fs::create_dir_all(cards.join("new")).unwrap();
        for unknown in [
            "new/x.md",
            "b.png",
            "web/skip-me.md",
            ".hidden.md",
            "web",
            "../elsewhere.md",
        ] {
            let path = cards.join(unknown);
            if !path.exists() && unknown.contains('.') && !unknown.starts_with("..") {
                std::fs::write(&path, "x").unwrap();
            }
            assert!(
                sources.clone().refresh(&config, &cards, &[path]).is_none(),
                "{unknown}"
            );
        }
    }
}
