//! Deletions in a real vault, each checked against a full build: copies a site (its
//! `cardweb.yaml` and cards folder) into a temporary folder, builds it with a long-lived
//! `Project` as `serve` does, then deletes N notes spread over it, one at a time. After
//! each, the project's rebuild (and what it draws when edits pause) must equal a fresh full
//! build, file for file and diagnostic for diagnostic; prints whether it was done in place
//! and how long the rebuild took.
//!
//!     cargo run --release --example deletions -- SITE_DIR [N (default 20)]

use anyhow::{Context, Result, bail};
use cardweb::config::Config;
use cardweb::project::{Changes, Project};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (site, count) = match &args[..] {
        [site] => (PathBuf::from(site), 20),
        [site, n] => (PathBuf::from(site), n.parse().context("N is a number")?),
        _ => bail!("usage: deletions SITE_DIR [N]"),
    };
    let copy = tempfile::tempdir()?;
    copy_site(&site, copy.path())?;
    let config = Config::load(copy.path())?;
    let notes = notes(&config.cards);
    let mut project = Project::new(config.clone());
    project.build()?;
    let (mut in_place, mut equal) = (0, 0);
    let step = (notes.len() / count.max(1)).max(1);
    let chosen: Vec<&PathBuf> = notes.iter().step_by(step).take(count).collect();
    for note in &chosen {
        std::fs::remove_file(note)?;
        let started = Instant::now();
        let changes = Changes {
            cards: vec![note.to_path_buf()],
            ..Changes::default()
        };
        let built = project.rebuild(&changes)?;
        let took = started.elapsed();
        let placed = built.changed.is_some();
        let mut files = built.site.map(|site| site.files);
        if let Some(redrawn) = project.finish()? {
            files = Some(redrawn.site.files);
        }
        let full = cardweb::build_site(&config)?;
        let same_files = files.as_deref() == full.site.as_ref().map(|site| &*site.files);
        let same = same_files && built.report.diagnostics == full.report.diagnostics;
        in_place += usize::from(placed);
        equal += usize::from(same);
        let name = note.strip_prefix(copy.path()).unwrap_or(note).display();
        let how = if placed { "in place" } else { "in full" };
        let verdict = if same { "equal" } else { "DIFFERENT" };
        println!("{name}: {how} in {took:.1?}, {verdict} to a full build");
    }
    let n = chosen.len();
    println!("{n} deletions: {in_place} in place, {equal} equal to a full build");
    if equal < n {
        bail!(
            "{} deletions gave another site than a full build",
            n - equal
        );
    }
    Ok(())
}

/// Every Markdown file under `cards`, in order.
fn notes(cards: &Path) -> Vec<PathBuf> {
    let mut notes: Vec<PathBuf> = walkdir::WalkDir::new(cards)
        .into_iter()
        .filter_map(Result::ok)
        .map(|entry| entry.into_path())
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .collect();
    notes.sort();
    notes
}

/// Copies the site at `from` (its configuration and cards folder) into `to`.
fn copy_site(from: &Path, to: &Path) -> Result<()> {
    let config = Config::load(from)?;
    let yaml = from.join("cardweb.yaml");
    if yaml.exists() {
        std::fs::copy(&yaml, to.join("cardweb.yaml"))?;
    }
    let cards = config
        .cards
        .strip_prefix(from)
        .unwrap_or(Path::new("cards"));
    for entry in walkdir::WalkDir::new(&config.cards) {
        let entry = entry?;
        let rel = entry.path().strip_prefix(&config.cards)?;
        let target = to.join(cards).join(rel);
        match entry.file_type().is_dir() {
            true => std::fs::create_dir_all(&target)?,
            false => {
                std::fs::copy(entry.path(), &target)
                    .with_context(|| format!("cannot copy {}", entry.path().display()))?;
            }
        }
    }
    Ok(())
}
