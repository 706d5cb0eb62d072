//! Writing a site to disk as it is drawn, safely: only into a folder cardweb created (or an
//! empty one), never over the site root or the cards, rewriting only files whose bytes
//! changed, all moved into place at the end of a good build, and cleaning only files it
//! wrote itself, as listed in its manifest.

use crate::fs;
use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// The file in the output folder that lists what cardweb wrote there.
pub const MANIFEST: &str = ".cardweb-manifest";

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

/// An output folder being written, file by file as the site is drawn. A file whose bytes
/// changed goes into a temporary file beside its place; only [`Output::finish`] moves them
/// into place, removes what the site no longer has and writes the manifest, so a build that
/// fails ([`Output::abandon`]) leaves the folder as it was.
pub struct Output {
    out: PathBuf,
    /// Whether the folder was there before this build.
    existed: bool,
    /// What the manifest of the last build lists.
    previous: BTreeSet<String>,
    /// Every file of the site so far, and where its new bytes wait, if they changed.
    files: Mutex<BTreeMap<String, Option<PathBuf>>>,
}

impl Output {
    /// Opens `out` for a new build, refusing folders that are not cardweb's to write.
    pub fn open(out: &Path, root: &Path, cards: &Path) -> Result<Output> {
        check_output_folder(out, root, cards)?;
        let manifest = out.join(MANIFEST);
        let previous = match manifest.exists() {
            true => fs::read_to_string(&manifest)?
                .lines()
                .map(str::to_string)
                .collect(),
            false => BTreeSet::new(),
        };
        Ok(Output {
            out: out.to_path_buf(),
            existed: out.exists(),
            previous,
            files: Mutex::default(),
        })
    }

    /// Takes the file at `path` (`/`-separated, inside the folder): unless the folder
    /// already holds these bytes there, they wait in a temporary file. Two files for one
    /// path is an error naming the path.
    pub fn put(&self, path: &str, bytes: &[u8]) -> Result<()> {
        if !is_plain_relative(path) {
            bail!("cannot write `{path}`: it is not a path inside the output folder");
        }
        if self.lock().insert(path.to_string(), None).is_some() {
            bail!("two sources produce the same output file `{path}`; rename one of them");
        }
        let target = self.out.join(path);
        if std::fs::read(&target).is_ok_and(|old| *old == *bytes) {
            return Ok(());
        }
        let temp = fs::write_temp(&target, bytes)?;
        self.lock().insert(path.to_string(), Some(temp));
        Ok(())
    }

    /// Moves every changed file into place, removes the files of the last build that the
    /// site no longer has, and writes the manifest.
    pub fn finish(self) -> Result<WriteStats> {
        let files = self.files.into_inner().unwrap_or_else(|p| p.into_inner());
        let staged: Vec<(&String, &PathBuf)> = files
            .iter()
            .filter_map(|(path, temp)| temp.as_ref().map(|t| (path, t)))
            .collect();
        staged
            .par_iter()
            .try_for_each(|(path, temp)| fs::rename(temp, &self.out.join(path)))?;
        let mut stats = WriteStats {
            pages: files.keys().filter(|p| p.ends_with(".html")).count(),
            written: staged.len(),
            unchanged: files.len() - staged.len(),
            removed: 0,
        };
        for stale in self
            .previous
            .iter()
            .filter(|p| !files.contains_key(*p) && is_plain_relative(p))
        {
            let path = self.out.join(stale);
            fs::remove_file(&path)?;
            remove_empty_parents(&path, &self.out);
            stats.removed += 1;
        }
        let manifest_path = self.out.join(MANIFEST);
        let manifest: String = files.keys().map(|p| format!("{p}\n")).collect();
        if std::fs::read_to_string(&manifest_path).ok().as_deref() != Some(manifest.as_str()) {
            fs::write_atomic(&manifest_path, manifest.as_bytes())?;
        }
        Ok(stats)
    }

    /// Removes every file waiting to be moved into place, and the folders made for them.
    pub fn abandon(self) {
        let files = self.files.into_inner().unwrap_or_else(|p| p.into_inner());
        for temp in files.into_values().flatten() {
            let _ = std::fs::remove_file(&temp);
            remove_empty_parents(&temp, &self.out);
        }
        if !self.existed {
            let _ = std::fs::remove_dir(&self.out); // made by this build, and empty again
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Option<PathBuf>>> {
        self.files.lock().unwrap_or_else(|p| p.into_inner())
    }
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

/// Whether a manifest line names a file inside the output folder (no `..`, not absolute).
fn is_plain_relative(path: &str) -> bool {
    !path.is_empty()
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
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
