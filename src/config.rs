//! Site configuration: where the cards are, where the output goes, what the site is called
//! and where it will live, from defaults and an optional `cardweb.yaml` at the site root.

use crate::{fs, slug};
use anyhow::{Result, bail};
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The key an `unknown field` error most likely meant, if one is close: among the keys
/// the error itself lists (`expected one of `a`, `b``).
fn misspelt_key(error: &str) -> Option<&str> {
    let unknown = error.strip_prefix("unknown field `")?.split('`').next()?;
    let expected = error.split_once("expected one of ")?.1;
    let unknown = unknown.to_lowercase();
    let near: Vec<(usize, &str)> = (expected.split('`').skip(1).step_by(2))
        .map(|key| (slug::edit_distance(&unknown, key), key))
        .filter(|&(distance, _)| distance <= 2)
        .collect();
    near.into_iter().min().map(|(_, key)| key)
}

/// `url` with one trailing slash.
fn base_url(url: &str) -> String {
    format!("{}/", url.trim_end_matches('/'))
}

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
    /// What the site is about, for search engines and link previews.
    pub description: Option<String>,
    /// The public address of the site, if it has one (`https://example.org/notes/`).
    pub base_url: Option<String>,
    /// The language the cards are written in (the pages' `lang`), `en` unless told.
    pub language: String,
    /// The theme folder name under `themes/`.
    pub theme: String,
    /// The note whose content opens the home page (`home: Start Here`), if any.
    pub home: Option<String>,
    /// Whether draft cards are published (`drafts: true`, or `--drafts`); `serve` always
    /// shows them.
    pub drafts: bool,
    /// Whether search finds draft cards (`search_drafts: false` leaves them out).
    pub search_drafts: bool,
    /// Whatever the templates want (`extra:` in `cardweb.yaml`), as `site.extra`.
    pub extra: serde_json::Value,
    /// Whether links name each page's `index.html` (`links: files`, or `--file-links`), so
    /// that the site works opened from disk.
    pub file_links: bool,
    /// Whether each text file gets `.gz` and `.br` forms beside it (`precompress: true`, or
    /// `--precompress`), for servers that send them as they are.
    pub precompress: bool,
    /// Files and folders of the cards folder to pass over (`ignore:` globs, matched
    /// against the path under the cards folder).
    pub ignore: GlobSet,
}

/// The keys `cardweb.yaml` may hold; all optional.
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct ConfigFile {
    title: Option<String>,
    description: Option<String>,
    base_url: Option<String>,
    language: Option<String>,
    theme: Option<String>,
    cards: Option<PathBuf>,
    output: Option<PathBuf>,
    home: Option<String>,
    drafts: Option<bool>,
    search_drafts: Option<bool>,
    extra: Option<serde_yaml::Value>,
    ignore: Vec<String>,
    links: Option<Links>,
    precompress: Option<bool>,
}

/// How links name pages: `folders` (`../tcp/`, for hosts) or `files` (`../tcp/index.html`,
/// for a folder opened from disk).
#[derive(Deserialize, PartialEq)]
#[serde(rename_all = "lowercase")]
enum Links {
    Folders,
    Files,
}

impl Config {
    /// The configuration of the site at `root`: defaults, overridden by `cardweb.yaml` if
    /// the site has one. A key it does not know, a value of the wrong type or a glob that
    /// is not one is an error at its line and column.
    pub fn load(root: &Path) -> Result<Config> {
        let path = root.join(CONFIG_FILE);
        let shown = path.strip_prefix(".").unwrap_or(&path).to_path_buf();
        let (file, text): (ConfigFile, String) = if path.exists() {
            let text = fs::read_to_string(&path)?;
            match serde_yaml::from_str::<Option<ConfigFile>>(&text) {
                Ok(file) => (file.unwrap_or_default(), text),
                Err(e) => {
                    let (line, col) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
                    let hint = misspelt_key(&e.to_string())
                        .map(|key| format!("\n  hint: did you mean `{key}`?"))
                        .unwrap_or_default();
                    bail!("{}:{line}:{col}: {e}{hint}", shown.display());
                }
            }
        } else {
            Default::default()
        };
        let mut globs = GlobSetBuilder::new();
        for pattern in &file.ignore {
            match Glob::new(pattern) {
                Ok(glob) => globs.add(glob),
                Err(e) => {
                    let line = text.lines().position(|l| l.contains(pattern.as_str()));
                    bail!("{}:{}:1: {e}", shown.display(), line.unwrap_or(0) + 1);
                }
            };
        }
        Ok(Config {
            cards: root.join(file.cards.unwrap_or_else(|| "cards".into())),
            output: root.join(file.output.unwrap_or_else(|| "output".into())),
            title: file.title.unwrap_or_else(|| "Knowledge cards".into()),
            description: file.description.filter(|d| !d.trim().is_empty()),
            base_url: file.base_url.map(|url| base_url(&url)),
            language: file.language.unwrap_or_else(|| "en".into()),
            theme: file.theme.unwrap_or_else(|| "default".into()),
            home: file.home.filter(|h| !h.trim().is_empty()),
            drafts: file.drafts.unwrap_or(false),
            search_drafts: file.search_drafts.unwrap_or(true),
            extra: serde_json::to_value(file.extra).unwrap_or_default(),
            file_links: file.links == Some(Links::Files),
            precompress: file.precompress.unwrap_or(false),
            ignore: globs.build()?,
            root: root.to_path_buf(),
        })
    }

    /// The site's address as `--base-url` gives it, over what `cardweb.yaml` says.
    pub fn set_base_url(&mut self, url: &str) {
        self.base_url = Some(base_url(url));
    }

    /// The path part of `base_url` (`/notes/` of `https://example.org/notes/`): where the
    /// site lies on its host.
    pub fn base_path(&self) -> Option<&str> {
        let url = self.base_url.as_deref()?;
        let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
        Some(after_scheme.find('/').map_or("/", |i| &after_scheme[i..]))
    }

    /// `path` as an author would name it: relative to the site root where it lies inside.
    pub fn display_path(&self, path: &Path) -> PathBuf {
        let relative = path.strip_prefix(&self.root).unwrap_or(path);
        relative.strip_prefix(".").unwrap_or(relative).to_path_buf()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses_are_named() {
        let error = |key: &str| match serde_yaml::from_str::<ConfigFile>(key) {
            Ok(_) => String::new(),
            Err(e) => e.to_string(),
        };
        assert_eq!(misspelt_key(&error("descripton: x")), Some("description"));
        assert_eq!(misspelt_key(&error("Base_URL: x")), Some("base_url"));
        assert_eq!(misspelt_key(&error("colour: red")), None);
    }
}
