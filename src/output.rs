//! Writing a rendered site to disk, safely: only into a folder cardweb created (or an empty
//! one), never over the site root or the cards, rewriting only files whose bytes changed,
//! and cleaning only files it wrote itself, as listed in its manifest.

use crate::fs;
use crate::render::Site;
use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Component, Path};

/// The file in the output folder that lists what cardweb wrote there.
pub const MANIFEST: &str = ".cardweb-manifest";

/// What a write changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriteStats {
    /// Files created or rewritten because their bytes changed.
    pub written: usize,
    /// Files left alone because they already held the right bytes.
    pub unchanged: usize,
    /// Files from an earlier build that the site no longer has.
    pub removed: usize,
}

/// Writes `site` to `out`, refusing folders that are not cardweb's to write.
pub fn write_site(site: &Site, out: &Path, root: &Path, cards: &Path) -> Result<WriteStats> {
    check_output_folder(out, root, cards)?;
    let manifest_path = out.join(MANIFEST);
    let previous: BTreeSet<String> = match manifest_path.exists() {
        true => fs::read_to_string(&manifest_path)?
            .lines()
            .map(str::to_string)
            .collect(),
        false => BTreeSet::new(),
    };
    let written: Vec<bool> = site
        .files
        .par_iter()
        .map(|(path, bytes)| {
            let target = out.join(path);
            if std::fs::read(&target).is_ok_and(|old| *old == **bytes) {
                return Ok(false);
            }
            fs::write_atomic(&target, bytes).map(|()| true)
        })
        .collect::<Result<_>>()?;
    let mut stats = WriteStats::default();
    stats.written = written.iter().filter(|&&w| w).count();
    stats.unchanged = written.len() - stats.written;
    for stale in previous
        .iter()
        .filter(|p| !site.files.contains_key(*p) && is_plain_relative(p))
    {
        let path = out.join(stale);
        fs::remove_file(&path)?;
        remove_empty_parents(&path, out);
        stats.removed += 1;
    }
    let manifest: String = site.files.keys().map(|p| format!("{p}\n")).collect();
    if std::fs::read_to_string(&manifest_path).ok().as_deref() != Some(manifest.as_str()) {
        fs::write_atomic(&manifest_path, manifest.as_bytes())?;
    }
    Ok(stats)
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
