//! Site configuration: where the cards are, where the output goes, and the site's title and
//! base URL, from defaults and an optional `cardweb.yaml` at the site root.

use crate::fs;
use anyhow::{Result, bail};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The name of the optional configuration file at the site root.
pub const CONFIG_FILE: &str = "cardweb.yaml";

/// Everything the pipeline needs to know about a site.
#[derive(Clone, Debug)]
pub struct Config {
    /// The site root: holds `cards/`, and optionally `templates/`, `themes/`, `cardweb.yaml`.
    pub root: PathBuf,
    /// The folder of cards.
    pub cards: PathBuf,
    /// The folder `build` writes to.
    pub output: PathBuf,
    /// The site's title, shown in every page header.
    pub title: String,
    /// The public address of the site, if it has one (`https://example.org/notes/`).
    pub base_url: Option<String>,
    /// The theme folder name under `themes/`.
    pub theme: String,
    /// The note whose content opens the home page (`home: Start Here`), if any.
    pub home: Option<String>,
    /// Whether search finds draft cards (`search_drafts: false` leaves them out).
    pub search_drafts: bool,
}

/// The keys `cardweb.yaml` may hold; all optional.
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct ConfigFile {
    title: Option<String>,
    base_url: Option<String>,
    theme: Option<String>,
    cards: Option<PathBuf>,
    output: Option<PathBuf>,
    home: Option<String>,
    search_drafts: Option<bool>,
}

impl Config {
    /// The configuration of the site at `root`: defaults, overridden by `cardweb.yaml` if
    /// the site has one.
    pub fn load(root: &Path) -> Result<Config> {
        let path = root.join(CONFIG_FILE);
        let file: ConfigFile = if path.exists() {
            let text = fs::read_to_string(&path)?;
            match serde_yaml::from_str::<Option<ConfigFile>>(&text) {
                Ok(file) => file.unwrap_or_default(),
                Err(e) => {
                    let (line, col) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
                    let shown = path.strip_prefix(".").unwrap_or(&path);
                    bail!("{}:{line}:{col}: {e}", shown.display());
                }
            }
        } else {
            ConfigFile::default()
        };
        Ok(Config {
            cards: root.join(file.cards.unwrap_or_else(|| "cards".into())),
            output: root.join(file.output.unwrap_or_else(|| "output".into())),
            title: file.title.unwrap_or_else(|| "Knowledge cards".into()),
            base_url: file
                .base_url
                .map(|url| format!("{}/", url.trim_end_matches('/'))),
            theme: file.theme.unwrap_or_else(|| "default".into()),
            home: file.home.filter(|h| !h.trim().is_empty()),
            search_drafts: file.search_drafts.unwrap_or(true),
            root: root.to_path_buf(),
        })
    }

    /// `path` as an author would name it: relative to the site root where it lies inside.
    pub fn display_path(&self, path: &Path) -> PathBuf {
        let relative = path.strip_prefix(&self.root).unwrap_or(path);
        relative.strip_prefix(".").unwrap_or(relative).to_path_buf()
    }
}
