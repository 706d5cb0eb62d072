//! Starting things: `cardweb new` (a card, from a stub or a name, from the overridable
//! `templates/card.md`) and `cardweb init` (a new knowledge site that builds at once).

use crate::config::Config;
use crate::fs;
use crate::graph::Graph;
use crate::slug::slugify;
use crate::theme::Theme;
use anyhow::{Context, Result, bail};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A card that `new` wrote.
#[derive(Debug)]
pub struct NewCard {
    /// The file written.
    pub path: PathBuf,
    /// Its id.
    pub id: String,
    /// The titles of the cards that already link to it.
    pub wanted_by: Vec<String>,
}

/// Why a card could not be started.
#[derive(Debug)]
pub enum StartError {
    /// The name gives no id: it has no letter or digit.
    NoId(String),
    /// The concept `name` already has a card, in the file `path`.
    Exists {
        /// The name asked for.
        name: String,
        /// The card's file.
        path: PathBuf,
    },
    /// The card's text could not be made or written.
    Failed(anyhow::Error),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            StartError::NoId(name) => {
                write!(f, "`{name}` gives no id: use at least one letter or digit")
            }
            StartError::Exists { name, path } => {
                write!(f, "`{name}` is already a card: {}", path.display())
            }
            StartError::Failed(error) => write!(f, "{error:#}"),
        }
    }
}

impl std::error::Error for StartError {}

/// What `templates/card.md` is rendered with.
#[derive(Serialize)]
struct CardStart {
    id: String,
    title: String,
    /// The title as a quoted YAML string.
    title_yaml: String,
    /// Ids of the cards that link here, for `related`.
    related: Vec<String>,
    /// Titles of the cards that link here.
    wanted_by: Vec<String>,
}

/// Starts a card for `name` (an id, or a title) in the site `config` describes, whose
/// graph is `graph`: from a stub it keeps the id and title the links use and lists the
/// cards that want it; it never overwrites a card.
pub fn new_card(config: &Config, graph: &Graph, name: &str) -> Result<NewCard, StartError> {
    let start = plan(graph, name)?;
    let write = || -> Result<PathBuf> {
        let text = Theme::load(config)?.render("card.md", &start)?;
        let path = config.cards.join(format!("{}.md", start.id));
        let mut file = std::fs::File::create_new(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        file.write_all(text.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(path)
    };
    let path = write().map_err(StartError::Failed)?;
    Ok(NewCard {
        path,
        id: start.id,
        wanted_by: start.wanted_by,
    })
}

fn plan(graph: &Graph, name: &str) -> Result<CardStart, StartError> {
    let id = slugify(name);
    if id.is_empty() {
        return Err(StartError::NoId(name.to_string()));
    }
    let Some(node) = graph.find(name) else {
        return Ok(CardStart {
            title_yaml: quote(name),
            title: name.to_string(),
            id,
            related: vec![],
            wanted_by: vec![],
        });
    };
    let n = &graph[node];
    if let Some(card) = &n.card {
        return Err(StartError::Exists {
            name: name.to_string(),
            path: card.path.clone(),
        });
    }
    let wanting: Vec<_> = graph
        .wanted()
        .into_iter()
        .find(|(s, _)| *s == node)
        .map(|(_, w)| w)
        .unwrap_or_default();
    Ok(CardStart {
        id: n.id.clone(),
        title: n.title.clone(),
        title_yaml: quote(&n.title),
        related: wanting.iter().map(|&w| graph[w].id.clone()).collect(),
        wanted_by: wanting.iter().map(|&w| graph[w].title.clone()).collect(),
    })
}

/// A YAML double-quoted string (JSON's string syntax is valid YAML).
fn quote(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

const STARTER_CARDS: &[(&str, &str)] = &[
    ("welcome.md", include_str!("welcome.md")),
    ("linking-cards.md", include_str!("linking-cards.md")),
];

/// Creates a new knowledge site in `dir` (which must be empty or not exist yet): a
/// `cardweb.yaml` and a `cards/` folder with two cards that link to a stub.
pub fn init_site(dir: &Path) -> Result<()> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .with_context(|| format!("cannot read {}", dir.display()))?
            .next()
            .is_some()
    {
        bail!(
            "{} is not empty; choose a new or empty folder",
            dir.display()
        );
    }
    let title = dir.file_name().map_or("Knowledge cards".into(), |n| {
        n.to_string_lossy().into_owned()
    });
    fs::write_atomic(
        &dir.join(crate::config::CONFIG_FILE),
        format!("title: {}\n", quote(&title)).as_bytes(),
    )?;
    for (name, text) in STARTER_CARDS {
        fs::write_atomic(&dir.join("cards").join(name), text.as_bytes())?;
    }
    Ok(())
}
