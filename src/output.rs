//! Writing a site to disk as it is drawn, safely: only into a folder cardweb created (or an
//! empty one), never over the site root or the cards, never through a link planted inside
//! it, rewriting only files whose bytes changed, and cleaning only files it wrote itself, as
//! listed in its manifest.
//!
//! A build into an absent folder writes every file straight into a fresh folder beside it,
//! made for this build, and renames that folder into place at the end: one rename, and no
//! per-file staging. A build over an earlier one rewrites only the files whose bytes changed:
//! they wait in temporary files beside their place until the whole site is drawn. Then a
//! journal lists every move and deletion, and they are made; a build killed while staging
//! leaves only temporary files (or the fresh folder), which the next build removes, and one
//! killed while moving leaves the journal, which the next build completes. No case needs
//! cleaning by hand.

use crate::fs;
use crate::site::lock;
use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// The file in the output folder that lists what cardweb wrote there.
pub const MANIFEST: &str = ".cardweb-manifest";
/// The moves and deletions that finish a build, written before the first of them.
const JOURNAL: &str = ".cardweb-journal";
/// There while a build stages files: temporary files may be anywhere in the folder.
const STAGING: &str = ".cardweb-staging";

/// What a write changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriteStats {
    /// HTML pages in the site.
    pub pages: usize,
    /// Files created or rewritten because their bytes changed.
    pub written: usize,
    /// Files left alone because they already held the right bytes.
    pub unchanged: usize,
    /// Files from an earlier build that the site no longer has.
    pub removed: usize,
}

/// What finishes a build, kept on disk while it is being done.
#[derive(Serialize, Deserialize)]
struct Journal {
    /// Every file of the new site: the new manifest.
    files: Vec<String>,
    /// Files whose new bytes wait in a temporary file: (path, temporary file name).
    staged: Vec<(String, String)>,
    /// Files of the last build that the new site does not have.
    stale: Vec<String>,
}

/// An output folder being written, file by file as the site is drawn. Into an absent
/// folder, files go straight into a fresh folder beside it; over an earlier build, a file
/// whose bytes changed goes into a temporary file beside its place. Only
/// [`Output::finish`] puts them in place (renaming the fresh folder, or moving each file),
/// removes what the site no longer has and writes the manifest, so a build that fails
/// ([`Output::abandon`]) leaves the folder as it was.
pub struct Output {
    out: PathBuf,
    /// How the files are written.
    mode: Mode,
    /// Every file of the site so far, and the name of the temporary file its new bytes
    /// wait in, if they changed (always None in a fresh folder).
    files: Mutex<BTreeMap<String, Option<String>>>,
}

/// How a build writes its files.
enum Mode {
    /// Into `folder`, made by this build beside the absent output folder, and renamed to it
    /// at the end.
    Fresh {
        folder: PathBuf,
        /// Folders inside it made so far.
        made: Mutex<HashSet<PathBuf>>,
    },
    /// Over the files of an earlier build, rewriting only those whose bytes changed.
    Update {
        /// What the manifest of the last build lists.
        previous: BTreeSet<String>,
        /// Folders inside the output already found to be real folders, not links.
        checked: Mutex<HashSet<String>>,
    },
}

impl Output {
    /// Opens `out` for a new build, refusing folders that are not cardweb's to write, and
    /// finishing or cleaning up after a build that was killed.
    pub fn open(out: &Path, root: &Path, cards: &Path) -> Result<Output> {
        check_output_folder(out, root, cards)?;
        let fresh = fresh_folder(out);
        if let Ok(folder) = &fresh {
            remove_fresh_folder(folder)?; // left by a build that was stopped
        }
        let mode = if out.exists() {
            recover(out)?;
            fs::write_atomic(&out.join(STAGING), b"")?;
            let previous = manifest_paths(&fs::read_to_string(&out.join(MANIFEST))?);
            Mode::Update {
                previous,
                checked: Mutex::default(),
            }
        } else {
            let folder = fresh?;
            // Made cardweb's at once: a build killed before its end leaves a folder the
            // next build recognises as its own.
            if let Some(parent) = folder.parent() {
                fs::create_dir_all(parent)?;
            }
            std::fs::create_dir(&folder).with_context(|| {
                format!("cannot create {}: remove what is there", folder.display())
            })?;
            let manifest = folder.join(MANIFEST);
            std::fs::File::create(&manifest)
                .with_context(|| format!("cannot create {}", manifest.display()))?;
            let made = Mutex::new(HashSet::from([folder.clone()]));
            Mode::Fresh { folder, made }
        };
        Ok(Output {
            out: out.to_path_buf(),
            mode,
            files: Mutex::default(),
        })
    }

    /// The folder the files are written into: the fresh folder, or the output folder.
    pub fn folder(&self) -> &Path {
        match &self.mode {
            Mode::Fresh { folder, .. } => folder,
            Mode::Update { .. } => &self.out,
        }
    }

    /// Takes the file at `path` (`/`-separated, inside the folder): unless the folder
    /// already holds these bytes there, they wait in a temporary file. Two files for one
    /// path is an error naming the path.
    pub fn put(&self, path: &str, bytes: &[u8]) -> Result<()> {
        let Some(path) = plain_relative(path) else {
            bail!("cannot write `{path}`: it is not a path inside the output folder");
        };
        if lock(&self.files).insert(path.clone(), None).is_some() {
            return Err(crate::site::clash(&path));
        }
        let checked = match &self.mode {
            Mode::Fresh { folder, made } => return write_fresh(folder, made, &path, bytes),
            Mode::Update { checked, .. } => checked,
        };
        check_no_links(&self.out, &path, checked)?;
        let target = self.out.join(&path);
        match std::fs::symlink_metadata(&target) {
            Ok(m) if m.is_dir() => {
                bail!("cannot write {}: a folder is in the way", target.display())
            }
            Ok(m)
                if m.is_file()
                    && m.len() == bytes.len() as u64
                    && std::fs::read(&target).is_ok_and(|old| *old == *bytes) =>
            {
                return Ok(());
            }
            _ => {}
        }
        let temp = fs::write_temp(&target, bytes)?;
        let temp = temp.file_name().unwrap_or_default().to_string_lossy();
        lock(&self.files).insert(path, Some(temp.into_owned()));
        Ok(())
    }

    /// Moves every changed file into place, removes the files of the last build that the
    /// site no longer has, and writes the manifest.
    pub fn finish(self) -> Result<WriteStats> {
        let files = self.files.into_inner().unwrap_or_else(|p| p.into_inner());
        let (previous, checked) = match self.mode {
            Mode::Fresh { folder, .. } => return finish_fresh(&folder, &self.out, files),
            Mode::Update { previous, checked } => (previous, checked),
        };
        let stale: Vec<String> = (previous.iter())
            .filter(|p| !files.contains_key(*p))
            .filter_map(|p| plain_relative(p))
            .collect();
        for path in &stale {
            check_no_links(&self.out, path, &checked)?;
        }
        let journal = Journal {
            staged: (files.iter())
                .filter_map(|(path, temp)| Some((path.clone(), temp.clone()?)))
                .collect(),
            files: files.into_keys().collect(),
            stale,
        };
        let stats = WriteStats {
            pages: journal
                .files
                .iter()
                .filter(|p| p.ends_with(".html"))
                .count(),
            written: journal.staged.len(),
            unchanged: journal.files.len() - journal.staged.len(),
            removed: journal.stale.len(),
        };
        let text = serde_json::to_vec(&journal)?;
        fs::write_atomic(&self.out.join(JOURNAL), &text)?;
        complete(&self.out, &journal)?;
        Ok(stats)
    }

    /// Removes every file waiting to be moved into place, and the folders made for them.
    pub fn abandon(self) {
        if let Mode::Fresh { folder, .. } = &self.mode {
            let _ = remove_fresh_folder(folder);
            return;
        }
        let files = self.files.into_inner().unwrap_or_else(|p| p.into_inner());
        for (path, temp) in files {
            if let Some(temp) = temp {
                let temp = self.out.join(&path).with_file_name(temp);
                let _ = std::fs::remove_file(&temp);
                remove_empty_parents(&temp, &self.out);
            }
        }
        let _ = std::fs::remove_file(self.out.join(STAGING));
    }
}

/// The fresh folder a build into `out` (while absent) writes into: beside it, hidden, named
/// after it.
fn fresh_folder(out: &Path) -> Result<PathBuf> {
    let absolute =
        std::path::absolute(out).with_context(|| format!("cannot resolve {}", out.display()))?;
    let Some(name) = absolute.file_name() else {
        bail!(
            "cannot write the site into {}: name the folder without `..`",
            out.display()
        );
    };
    let mut fresh = std::ffi::OsString::from(".");
    fresh.push(name);
    fresh.push(".cardweb-new");
    Ok(absolute.with_file_name(fresh))
}

/// Removes the fresh folder a build made, if it is there and is cardweb's (holds a manifest,
/// or nothing).
fn remove_fresh_folder(folder: &Path) -> Result<()> {
    match std::fs::symlink_metadata(folder.join(MANIFEST)) {
        Ok(m) if m.is_file() && !std::fs::symlink_metadata(folder)?.file_type().is_symlink() => {
            remove_all_but_the_manifest(folder)?;
            fs::remove_file(&folder.join(MANIFEST))?;
            std::fs::remove_dir(folder)
                .with_context(|| format!("cannot remove {}", folder.display()))
        }
        // Killed before the manifest was made: an empty folder loses nothing (and
        // `remove_dir` leaves a folder that holds anything, or a link).
        _ => {
            let _ = std::fs::remove_dir(folder);
            Ok(())
        }
    }
}

/// Removes everything in `folder` but its manifest, which goes last: a build killed while
/// removing leaves a folder the next build still knows as cardweb's.
fn remove_all_but_the_manifest(folder: &Path) -> Result<()> {
    let entries =
        std::fs::read_dir(folder).with_context(|| format!("cannot read {}", folder.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot read {}", folder.display()))?;
        if entry.file_name() == MANIFEST {
            continue;
        }
        let path = entry.path();
        let removed = match entry.file_type() {
            Ok(kind) if kind.is_dir() => std::fs::remove_dir_all(&path),
            _ => std::fs::remove_file(&path),
        };
        removed.with_context(|| format!("cannot remove {}", path.display()))?;
    }
    Ok(())
}

/// Writes `bytes` as `path` inside the fresh `folder`, making the folders it needs (those
/// in `made` are there already).
fn write_fresh(
    folder: &Path,
    made: &Mutex<HashSet<PathBuf>>,
    path: &str,
    bytes: &[u8],
) -> Result<()> {
    let target = folder.join(path);
    let missing: Vec<&Path> = {
        let made = lock(made);
        let mut ancestors = target.ancestors().skip(1);
        ancestors
            .by_ref()
            .take_while(|d| !made.contains(*d))
            .collect()
    };
    for dir in missing.into_iter().rev() {
        match std::fs::create_dir(dir) {
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
                return Err(e).with_context(|| format!("cannot create folder {}", dir.display()));
            }
            _ => lock(made).insert(dir.to_path_buf()),
        };
    }
    std::fs::write(&target, bytes).with_context(|| format!("cannot write {}", target.display()))
}

/// Writes the manifest of `files` into the fresh `folder` and renames it to `out`.
fn finish_fresh(
    folder: &Path,
    out: &Path,
    files: BTreeMap<String, Option<String>>,
) -> Result<WriteStats> {
    let paths: Vec<String> = files.into_keys().collect();
    fs::write_atomic(&folder.join(MANIFEST), manifest_text(&paths).as_bytes())?;
    fs::rename(folder, out)?;
    Ok(WriteStats {
        pages: paths.iter().filter(|p| p.ends_with(".html")).count(),
        written: paths.len(),
        unchanged: 0,
        removed: 0,
    })
}

/// Errs if a folder of `path` inside `out` is a link (cardweb never writes or deletes
/// through a link it did not make). Folders in `checked` were found real before.
fn check_no_links(out: &Path, path: &str, checked: &Mutex<HashSet<String>>) -> Result<()> {
    let mut folder = String::new();
    let parts: Vec<&str> = path.split('/').collect();
    for part in &parts[..parts.len() - 1] {
        if !folder.is_empty() {
            folder.push('/');
        }
        folder.push_str(part);
        if lock(checked).contains(&folder) {
            continue;
        }
        let place = out.join(&folder);
        match std::fs::symlink_metadata(&place) {
            Ok(m) if m.file_type().is_symlink() => bail!(
                "{} is a symbolic link: cardweb never writes or deletes through a link it did \
                 not make; remove the link and build again",
                place.display()
            ),
            Ok(m) if !m.is_dir() => bail!(
                "cannot write {}: {} is a file, not a folder",
                out.join(path).display(),
                place.display()
            ),
            Ok(_) => {
                lock(checked).insert(folder.clone());
            }
            Err(_) => return Ok(()), // missing: made by this build, below here too
        }
    }
    Ok(())
}

/// Makes the moves and deletions `journal` lists (those not made yet), writes the
/// manifest, and removes the journal and the staging mark.
fn complete(out: &Path, journal: &Journal) -> Result<()> {
    journal.staged.par_iter().try_for_each(|(path, temp)| {
        let target = out.join(path);
        let temp = target.with_file_name(temp);
        match temp.exists() {
            true => fs::rename(&temp, &target),
            false => Ok(()), // moved before the build was stopped
        }
    })?;
    for stale in &journal.stale {
        let path = out.join(stale);
        fs::remove_file(&path)?;
        remove_empty_parents(&path, out);
    }
    let manifest = manifest_text(&journal.files);
    let manifest_path = out.join(MANIFEST);
    if std::fs::read_to_string(&manifest_path).ok().as_deref() != Some(manifest.as_str()) {
        fs::write_atomic(&manifest_path, manifest.as_bytes())?;
    }
    fs::remove_file(&out.join(JOURNAL))?;
    fs::remove_file(&out.join(STAGING))
}

/// Finishes what a build that was stopped left: the moves of its journal, if it had come
/// that far, or else its temporary files removed.
fn recover(out: &Path) -> Result<()> {
    let journal_path = out.join(JOURNAL);
    if journal_path.exists() {
        let text = fs::read(&journal_path)?;
        let journal: Journal = serde_json::from_slice(&text)
            .with_context(|| format!("cannot read {}", journal_path.display()))?;
        let checked = Mutex::default();
        for path in journal.files.iter().chain(&journal.stale) {
            check_no_links(out, path, &checked)?;
        }
        return complete(out, &journal);
    }
    if !out.join(STAGING).exists() {
        return Ok(());
    }
    let temps = walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .filter(|e| e.file_name().to_string_lossy().starts_with(fs::TEMP_PREFIX));
    for temp in temps {
        fs::remove_file(temp.path())?;
        remove_empty_parents(temp.path(), out);
    }
    fs::remove_file(&out.join(STAGING))
}

/// Refuses an output folder that is, holds or lies inside the site's sources, or that
/// holds files cardweb did not write.
fn check_output_folder(out: &Path, root: &Path, cards: &Path) -> Result<()> {
    let absolute = |p: &Path| -> Result<std::path::PathBuf> {
        let p =
            std::path::absolute(p).with_context(|| format!("cannot resolve {}", p.display()))?;
        Ok(p.canonicalize().unwrap_or(p))
    };
    let (out_abs, root_abs, cards_abs) = (absolute(out)?, absolute(root)?, absolute(cards)?);
    if root_abs.starts_with(&out_abs) || cards_abs.starts_with(&out_abs) {
        bail!(
            "refusing to write the site into {}: it holds the site's own files",
            out.display()
        );
    }
    if out_abs.starts_with(&cards_abs) {
        bail!(
            "refusing to write the site into {}: it is inside the cards folder",
            out.display()
        );
    }
    if out.is_dir() && !out.join(MANIFEST).is_file() {
        let mut entries =
            std::fs::read_dir(out).with_context(|| format!("cannot read {}", out.display()))?;
        if entries.next().is_some() {
            bail!(
                "refusing to write into {}: it holds files cardweb did not write (no {MANIFEST}); \
                 empty it or choose another --out",
                out.display()
            );
        }
    }
    Ok(())
}

/// `path` in its one normal form (`a/b`, no empty parts), if it names a file inside the
/// output folder (no `..`, not absolute).
fn plain_relative(path: &str) -> Option<String> {
    let mut parts = Vec::new();
    for component in Path::new(path).components() {
        match component {
            Component::Normal(part) => parts.push(part.to_str()?),
            _ => return None,
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// Removes the folders that `file`'s removal left empty, up to (not including) `out`.
fn remove_empty_parents(file: &Path, out: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir.filter(|d| *d != out && d.starts_with(out)) {
        if std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// The first line of a manifest whose lines are front-coded.
const MANIFEST_V2: &str = "#cardweb-manifest 2";

/// The manifest of `paths` (sorted): after its first line, each path as the number of
/// bytes it shares with the one before and the rest (`13 5/index.html`), which halves a
/// large site's manifest.
fn manifest_text<'a>(paths: impl IntoIterator<Item = &'a String>) -> String {
    let mut text = format!("{MANIFEST_V2}\n");
    let mut last = "";
    for path in paths {
        let shared = (last.bytes().zip(path.bytes()))
            .take_while(|(a, b)| a == b)
            .count();
        let shared = (0..=shared)
            .rev()
            .find(|&i| path.is_char_boundary(i))
            .unwrap_or(0);
        text += &format!("{shared} {}\n", &path[shared..]);
        last = path;
    }
    text
}

/// The paths a manifest lists, front-coded or (as builds before wrote it) one a line.
fn manifest_paths(text: &str) -> BTreeSet<String> {
    let mut lines = text.lines();
    if lines.next() != Some(MANIFEST_V2) {
        return text.lines().map(str::to_string).collect();
    }
    let mut last = String::new();
    let mut paths = BTreeSet::new();
    for line in lines {
        // A line that is not front-coded (added by hand) is a whole path.
        let coded = line
            .split_once(' ')
            .and_then(|(n, rest)| Some((n.parse().ok()?, rest)));
        let (shared, rest) = coded.unwrap_or((0, line));
        let Some(prefix) = last.get(..shared) else {
            continue;
        };
        last = format!("{prefix}{rest}");
        paths.insert(last.clone());
    }
    paths
}

#[cfg(test)]
mod manifest_tests {
    use super::*;

    #[test]
    fn a_manifest_reads_back_the_paths_it_was_written_from() {
        let paths: Vec<String> = [
            "a/index.html",
            "a/x.html",
            "ab/é/index.html",
            "aé/b.html",
            "b",
        ]
        .map(String::from)
        .to_vec();
        let text = manifest_text(&paths);
        assert!(text.contains("\n2 x.html\n"), "{text}");
        assert_eq!(manifest_paths(&text), paths.iter().cloned().collect());
        let added = format!("{text}evil/x.txt\n");
        assert!(
            manifest_paths(&added).contains("evil/x.txt"),
            "a line added by hand"
        );
        assert_eq!(
            manifest_paths("a/index.html\nb\n"),
            ["a/index.html", "b"].map(String::from).into()
        );
    }
}
