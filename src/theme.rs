//! Templates and assets. The built-in ones are the real files in `templates/` and
//! `themes/default/`, compiled into the binary; a site overrides any of them file by file
//! with its own `templates/NAME` or `themes/THEME/NAME`, and may add more.

use crate::config::Config;
use crate::fs;
use crate::site::Bytes;
use anyhow::{Context, Result, anyhow};
use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;
use tera::Tera;
use walkdir::WalkDir;

/// The built-in templates, by name.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("fits.html", include_str!("../templates/fits.html")),
    ("card.html", include_str!("../templates/card.html")),
    ("stub.html", include_str!("../templates/stub.html")),
    ("index.html", include_str!("../templates/index.html")),
    ("stubs.html", include_str!("../templates/stubs.html")),
    ("404.html", include_str!("../templates/404.html")),
    ("card.md", include_str!("../templates/card.md")),
    ("tag.html", include_str!("../templates/tag.html")),
    ("tags.html", include_str!("../templates/tags.html")),
    ("graph.html", include_str!("../templates/graph.html")),
];

/// The built-in assets of the default theme, by path under `assets/`.
const ASSETS: &[(&str, &[u8])] = &[
    ("style.css", include_bytes!("../themes/default/style.css")),
    ("cardweb.js", include_bytes!("../themes/default/cardweb.js")),
    ("graph.js", include_bytes!("../themes/default/graph.js")),
    ("search.js", include_bytes!("../themes/default/search.js")),
    (
        "diagrams.js",
        include_bytes!("../themes/default/diagrams.js"),
    ),
    (
        "favicon.svg",
        include_bytes!("../themes/default/favicon.svg"),
    ),
];

/// The Mermaid script (vendored from npm, see `themes/default/vendor/README.md`), by its
/// path under `assets/`: written only for sites that have a diagram.
pub const DIAGRAM_SCRIPT: (&str, &[u8]) = (
    "mermaid.min.js",
    include_bytes!("../themes/default/vendor/mermaid.min.js"),
);

/// Compiled templates and the theme's assets.
pub struct Theme {
    /// The templates, compiled once.
    pub tera: Tera,
    /// Asset files by path under `assets/`.
    pub assets: BTreeMap<String, Bytes>,
    /// A hash of every template and asset: pages drawn with another theme are redrawn.
    pub fingerprint: u64,
}

impl Theme {
    /// The built-in theme with the site's own templates and theme files laid over it.
    pub fn load(config: &Config) -> Result<Theme> {
        let mut templates: BTreeMap<String, String> = TEMPLATES
            .iter()
            .map(|(name, text)| (name.to_string(), text.to_string()))
            .collect();
        for (name, path) in files_under(&config.root.join("templates"))? {
            templates.insert(name, fs::read_to_string(&path)?);
        }
        let mut hasher = DefaultHasher::new();
        templates.hash(&mut hasher);
        let mut tera = Tera::default();
        tera.add_raw_templates(templates)
            .map_err(|e| anyhow!("{}", error_chain(&e)))
            .context("cannot compile the templates")?;
        let mut assets: BTreeMap<String, Bytes> = ASSETS
            .iter()
            .map(|(name, bytes)| (name.to_string(), Bytes::from(*bytes)))
            .collect();
        for (name, path) in files_under(&config.root.join("themes").join(&config.theme))? {
            assets.insert(name, fs::read(&path)?.into());
        }
        assets.hash(&mut hasher);
        Ok(Theme {
            tera,
            assets,
            fingerprint: hasher.finish(),
        })
    }

    /// Renders template `name` with `context`.
    pub fn render(&self, name: &str, context: &impl serde::Serialize) -> Result<String> {
        let context = tera::Context::from_serialize(context)?;
        self.tera
            .render(name, &context)
            .map_err(|e| anyhow!("cannot render template {name}: {}", error_chain(&e)))
    }
}

/// Tera puts the useful part of an error in its sources: join them into one line.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        text = format!("{text}: {e}");
        source = e.source();
    }
    text
}

/// The files under `dir` (none if it does not exist), named by their `/`-separated path
/// relative to it, in sorted order. Hidden files are skipped.
fn files_under(dir: &Path) -> Result<Vec<(String, std::path::PathBuf)>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("cannot walk {}", dir.display()))?;
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let hidden = rel
            .components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
        if entry.file_type().is_file() && !hidden {
            let name: Vec<_> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect();
            files.push((name.join("/"), entry.into_path()));
        }
    }
    Ok(files)
}
