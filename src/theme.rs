//! Templates and assets. The built-in ones are the real files in `templates/` and
//! `themes/default/`, compiled into the binary; a site overrides any of them file by file
//! with its own `templates/NAME` or `themes/THEME/NAME`, and may add more.

use crate::config::Config;
use crate::fs;
use crate::hashed_name::hashed_name;
use crate::site::Bytes;
use anyhow::{Context, Result, anyhow, bail};
use std::collections::{BTreeMap, BTreeSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;
use std::sync::LazyLock;
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
    ("list.html", include_str!("../templates/list.html")),
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

/// The Mermaid script (vendored from npm, see `themes/default/vendor/README.md`): its
/// plain name, its name with the hash of its bytes (made by `build.rs`), and its bytes.
const DIAGRAM_SCRIPT: (&str, &str, &[u8]) = (
    "mermaid.min.js",
    env!("CARDWEB_DIAGRAM_SCRIPT"),
    include_bytes!("../themes/default/vendor/mermaid.min.js"),
);

/// The Mermaid script's bytes as the site shares them: copied from the binary the first
/// time a site draws a diagram, and only then.
static DIAGRAM_BYTES: LazyLock<Bytes> = LazyLock::new(|| Bytes::from(DIAGRAM_SCRIPT.2));

/// Compiled templates and the theme's assets.
pub struct Theme {
    /// The templates, compiled once.
    pub tera: Tera,
    /// The names of the site's own templates (`templates/NAME`), for errors.
    own: BTreeSet<String>,
    /// The text of every template, by name, for errors.
    templates: BTreeMap<String, String>,
    /// Asset files by path under `assets/`: the files templates name carry a hash of
    /// their bytes in it (`style.1f0c9a22be.css`), so hosts may cache them for ever.
    pub assets: BTreeMap<String, Bytes>,
    /// The path under `assets/` of each file the templates name, by its plain name
    /// (`style.css` → `style.1f0c9a22be.css`): `site.assets` in templates.
    pub asset_paths: BTreeMap<String, String>,
    /// A hash of every template and asset: pages drawn with another theme are redrawn.
    pub fingerprint: u64,
}

impl Theme {
    /// The Mermaid script, by its path under `assets/`: written only for a site that
    /// draws a diagram.
    pub fn diagram_script(&self) -> (&'static str, Bytes) {
        (DIAGRAM_SCRIPT.1, DIAGRAM_BYTES.clone())
    }

    /// The built-in theme with the site's own templates and theme files laid over it.
    pub fn load(config: &Config) -> Result<Theme> {
        let mut templates: BTreeMap<String, String> = TEMPLATES
            .iter()
            .map(|(name, text)| (name.to_string(), text.to_string()))
            .collect();
        let mut own = BTreeSet::new();
        for (name, path) in files_under(&config.root.join("templates"))? {
            templates.insert(name.clone(), fs::read_to_string(&path)?);
            own.insert(name);
        }
        let mut hasher = DefaultHasher::new();
        templates.hash(&mut hasher);
        let mut tera = Tera::new();
        if let Err(e) = tera.add_raw_templates(&templates) {
            let where_ = Place {
                own: &own,
                templates: &templates,
            };
            bail!("cannot compile the templates: {}", where_.describe(&e));
        }
        let mut assets: BTreeMap<String, Bytes> = ASSETS
            .iter()
            .map(|(name, bytes)| (name.to_string(), Bytes::from(*bytes)))
            .collect();
        for (name, path) in files_under(&config.root.join("themes").join(&config.theme))? {
            assets.insert(name, fs::read(&path)?.into());
        }
        let mut asset_paths = BTreeMap::new();
        for (name, _) in ASSETS {
            if let Some(bytes) = assets.remove(*name) {
                let hashed = hashed_name(name, &bytes);
                asset_paths.insert(name.to_string(), hashed.clone());
                assets.insert(hashed, bytes);
            }
        }
        let (name, hashed, _) = DIAGRAM_SCRIPT;
        asset_paths.insert(name.to_string(), hashed.to_string());
        assets.hash(&mut hasher);
        Ok(Theme {
            tera,
            own,
            templates,
            assets,
            asset_paths,
            fingerprint: hasher.finish(),
        })
    }

    /// Renders template `name` with `context`.
    pub fn render(&self, name: &str, context: &impl serde::Serialize) -> Result<String> {
        let place = Place {
            own: &self.own,
            templates: &self.templates,
        };
        let context = tera::Context::from_serialize(context)
            .map_err(|e| anyhow!("cannot render template {name}: {}", place.describe(&e)))?;
        self.tera
            .render(name, &context)
            .map_err(|e| anyhow!("cannot render template {name}: {}", place.describe(&e)))
    }
}

/// A value for templates made once and given to many pages: a page's context takes it as
/// it is, where anything else in the context is converted for every page that has it.
#[derive(Clone)]
pub struct Shared(tera::Value);

impl Shared {
    /// `value` as templates see it; None if it cannot be converted (a map whose keys are
    /// not text), which [`Theme::render`] would report for a page that has it.
    pub fn of(value: &impl serde::Serialize) -> Option<Shared> {
        tera::Value::try_from_serializable(value).ok().map(Shared)
    }
}

impl serde::Serialize for Shared {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

/// Where templates come from, to say where an error of one is.
struct Place<'a> {
    own: &'a BTreeSet<String>,
    templates: &'a BTreeMap<String, String>,
}

impl Place<'_> {
    /// A template error as `path:line:col: message` (the site's own `templates/NAME`, or
    /// cardweb's built-in `NAME`) with Tera's picture of the place, and a hint for a
    /// template written for Tera 1.
    fn describe(&self, error: &tera::Error) -> String {
        let report = match error.kind() {
            tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => r,
            _ => return error_chain(error),
        };
        let name = report.filename();
        let file = match self.own.contains(name) {
            true => format!("templates/{name}"),
            false => format!("{name} (built in)"),
        };
        let span = report.span();
        let (line, col) = (span.start_line, span.start_col + 1);
        let mut text = format!("{file}:{line}:{col}: {}", report.message());
        // Tera's report names the place again before its picture of the line.
        let full = error_chain(error);
        let picture = full
            .lines()
            .skip_while(|l| !l.trim_start().starts_with("-->"));
        for line in picture.skip(1) {
            text.push('\n');
            text.push_str(line.trim_end());
        }
        let source = self.templates.get(name).map_or("", String::as_str);
        if ["{% macro", "{% import", "self::"]
            .iter()
            .any(|old| source.contains(old))
        {
            text.push_str(
                "\n  hint: templates are Tera 2 now: a `{% macro %}` is a `{% component %}`, \
                 called as `{{ <name arg={value}/> }}`, and needs no `{% import %}` \
                 (see the README, Templates)",
            );
        }
        text
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_diagram_script_is_named_by_its_bytes_as_every_other_asset() {
        let (name, hashed, bytes) = DIAGRAM_SCRIPT;
        assert_eq!(hashed, hashed_name(name, bytes));
        assert_ne!(hashed, name);
    }
}
