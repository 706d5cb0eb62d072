//! Cards: finding them under `cards/` in a sorted walk, splitting off their YAML front
//! matter and reading every field of it, with each problem reported at `path:line:col` of
//! the real file. Other files under `cards/` are attachments, copied to the output as they are.

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Pos};
use crate::slug::{self, slugify};
use anyhow::{Context, Result, bail};
use serde::Serialize;
use serde_yaml::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use walkdir::WalkDir;

/// Cards larger than this are refused: a card is a page, not a data dump.
pub const MAX_CARD_BYTES: u64 = 4 << 20;

/// The front-matter keys cardweb reads; anything else goes to `card.extra`.
const KNOWN_KEYS: &[&str] = &[
    "title",
    "summary",
    "description",
    "status",
    "tags",
    "parent",
    "related",
    "next",
    "prerequisites",
    "aliases",
    "reading",
];

/// How finished a card is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Written and reviewed.
    #[default]
    Complete,
    /// Written, but not finished.
    Draft,
    /// A placeholder for a concept still to be written.
    Stub,
}

impl Status {
    /// The lower-case name used in front matter, CSS classes and templates.
    pub fn name(self) -> &'static str {
        match self {
            Status::Complete => "complete",
            Status::Draft => "draft",
            Status::Stub => "stub",
        }
    }
}

/// A name written in front matter (a `parent`, `related` concept, an alias), with the
/// position of its key so that problems with it can be pinned down.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    /// The name as written: an id, title or alias.
    pub name: String,
    /// Where the key stands in the file.
    pub pos: Pos,
}

/// An entry of a card's "Further reading".
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Reading {
    /// What the reader sees.
    pub title: String,
    /// Where it leads.
    pub url: String,
}

/// One concept card, as read from its file.
#[derive(Clone, Debug)]
pub struct Card {
    /// The slug of the file stem; unique across the site.
    pub id: String,
    /// The file, as the author names it (for diagnostics).
    pub path: PathBuf,
    /// The file relative to the cards folder, with `/` separators.
    pub rel: String,
    /// The title; the file stem when the front matter has none.
    pub title: String,
    /// A one-line description for previews and search.
    pub summary: Option<String>,
    /// How finished the card is.
    pub status: Status,
    /// Tags, without a leading `#`.
    pub tags: Vec<String>,
    /// The broader concept this one belongs under.
    pub parent: Option<Located>,
    /// Concepts beside this one.
    pub related: Vec<Located>,
    /// Concepts to explore after this one.
    pub next: Vec<Located>,
    /// Concepts to read before this one.
    pub prerequisites: Vec<Located>,
    /// Other names links may use for this card.
    pub aliases: Vec<Located>,
    /// Further reading.
    pub reading: Vec<Reading>,
    /// Front-matter keys cardweb does not know, passed on to templates.
    pub extra: BTreeMap<String, Value>,
    /// The Markdown after the front matter (emptied, once outlined, by a build that runs
    /// once).
    pub body: String,
    /// The line of the file on which the body starts.
    pub body_line: usize,
}

impl Card {
    /// Whether `other` differs from this card at most in its body: same file, same front
    /// matter, and the body starting on the same line.
    pub fn same_but_body(&self, other: &Card) -> bool {
        let Card {
            id,
            path,
            rel,
            title,
            summary,
            status,
            tags,
            parent,
            related,
            next,
            prerequisites,
            aliases,
            reading,
            extra,
            body: _,
            body_line,
        } = self;
        (id, path, rel, title, summary, status, tags)
            == (
                &other.id,
                &other.path,
                &other.rel,
                &other.title,
                &other.summary,
                &other.status,
                &other.tags,
            )
            && (parent, related, next, prerequisites, aliases)
                == (
                    &other.parent,
                    &other.related,
                    &other.next,
                    &other.prerequisites,
                    &other.aliases,
                )
            && (reading, extra, body_line) == (&other.reading, &other.extra, &other.body_line)
    }
}

/// A file under `cards/` that is not a card (an image, a PDF, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    /// Where it is on disk.
    pub source: PathBuf,
    /// The file relative to the cards folder, with `/` separators; also its output path.
    pub rel: String,
}

/// Everything found under `cards/`.
#[derive(Debug, Default)]
pub struct Corpus {
    /// The cards, in path order.
    pub cards: Vec<Arc<Card>>,
    /// The other files, in path order.
    pub attachments: Vec<Attachment>,
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
}

impl Sources {
    /// These sources after changes to `changed` (absolute paths, as a watcher reports
    /// them) under the absolute `cards_dir`, if each is one of these card files and still
    /// a file: only those are looked at again. None when the changes may have added,
    /// removed or renamed files, which only a new [`find_sources`] can tell.
    pub fn refresh(&self, cards_dir: &Path, changed: &[PathBuf]) -> Option<Sources> {
        let mut sources = self.clone();
        for path in changed {
            path.strip_prefix(cards_dir).ok()?;
            let rel = relative_name(cards_dir, path);
            let file = sources.cards.iter_mut().find(|f| f.rel == rel)?;
            let metadata = std::fs::metadata(path).ok().filter(|m| m.is_file())?;
            file.stamp = Stamp::of(Some(&metadata));
        }
        Some(sources)
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
    for entry in walk.filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name())) {
        let entry = entry.with_context(|| format!("cannot walk {}", config.cards.display()))?;
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

/// Reads and parses one card file; returns the card if it is usable, and every problem.
pub fn read_card(config: &Config, file: &CardFile) -> (Option<Card>, Vec<Diagnostic>) {
    let path = config.display_path(&file.source);
    match read_text(&file.source, &path) {
        Ok(text) => parse_card(&path, &file.rel, &text),
        Err(d) => (None, vec![d]),
    }
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

/// Reads a card file as UTF-8 text without a byte-order mark, refusing huge and binary files.
fn read_text(source: &Path, path: &Path) -> Result<String, Diagnostic> {
    let too_big = |size: u64| {
        Diagnostic::error(
            path,
            Pos::START,
            format!("card is {size} bytes; the limit is {MAX_CARD_BYTES}"),
        )
        .hint("split it into several cards, or move data into an attachment")
    };
    let unreadable =
        |e: std::io::Error| Diagnostic::error(path, Pos::START, format!("cannot read: {e}"));
    let size = std::fs::metadata(source).map_err(unreadable)?.len();
    if size > MAX_CARD_BYTES {
        return Err(too_big(size));
    }
    let bytes = std::fs::read(source).map_err(unreadable)?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        }),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let prefix = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
            Err(Diagnostic::error(
                path,
                Pos::in_text(prefix, valid, 1),
                format!("not UTF-8 text (byte 0x{:02x})", bytes[valid]),
            )
            .hint("save the file with UTF-8 encoding"))
        }
    }
}

/// The YAML front matter of a card and where it starts.
struct FrontMatter<'a> {
    yaml: &'a str,
    first_line: usize,
}

/// Splits `text` into optional front matter and body, and gives the body's first line.
fn split_front_matter<'a>(
    path: &Path,
    text: &'a str,
) -> Result<(Option<FrontMatter<'a>>, &'a str, usize), Diagnostic> {
    let mut lines = text.split_inclusive('\n');
    let Some(first) = lines.next() else {
        return Ok((None, text, 1));
    };
    if first.trim_end() != "---" {
        return Ok((None, text, 1));
    }
    let mut offset = first.len();
    for (index, line) in lines.enumerate() {
        if matches!(line.trim_end(), "---" | "...") {
            let yaml = &text[first.len()..offset];
            let body = &text[offset + line.len()..];
            return Ok((
                Some(FrontMatter {
                    yaml,
                    first_line: 2,
                }),
                body,
                index + 3,
            ));
        }
        offset += line.len();
    }
    Err(Diagnostic::error(
        path,
        Pos::START,
        "front matter opened with `---` is never closed",
    )
    .hint("end the front matter with a line holding only `---`"))
}

/// Reads one card from its text; returns the card if it is usable, and every problem found.
pub fn parse_card(path: &Path, rel: &str, text: &str) -> (Option<Card>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let stem = rel.rsplit('/').next().unwrap_or(rel);
    let stem = stem.get(..stem.len().saturating_sub(3)).unwrap_or(stem);
    let id = slugify(stem);
    if id.is_empty() {
        let d = Diagnostic::error(
            path,
            Pos::START,
            format!("the file name `{stem}` gives no id"),
        )
        .hint("name the file with at least one letter or digit");
        return (None, vec![d]);
    }
    let (front, body, body_line) = match split_front_matter(path, text) {
        Ok(parts) => parts,
        Err(d) => return (None, vec![d]),
    };
    let mut card = Card {
        id,
        path: path.to_path_buf(),
        rel: rel.to_string(),
        title: stem.to_string(),
        summary: None,
        status: Status::Complete,
        tags: Vec::new(),
        parent: None,
        related: Vec::new(),
        next: Vec::new(),
        prerequisites: Vec::new(),
        aliases: Vec::new(),
        reading: Vec::new(),
        extra: BTreeMap::new(),
        body: body.to_string(),
        body_line,
    };
    if let Some(front) = front {
        let before = diagnostics.len();
        read_front_matter(&mut card, &front, &mut diagnostics);
        if diagnostics[before..].iter().any(Diagnostic::is_error) {
            return (None, diagnostics);
        }
    }
    (Some(card), diagnostics)
}

fn read_front_matter(card: &mut Card, front: &FrontMatter, diagnostics: &mut Vec<Diagnostic>) {
    let path = card.path.clone();
    let map = match serde_yaml::from_str::<Value>(front.yaml) {
        Ok(Value::Mapping(map)) => map,
        Ok(Value::Null) => return,
        Ok(_) => {
            let pos = Pos {
                line: front.first_line,
                col: 1,
            };
            diagnostics.push(
                Diagnostic::error(&path, pos, "front matter must be `key: value` lines")
                    .hint("write e.g. `title: My concept`"),
            );
            return;
        }
        Err(e) => {
            let message = e.to_string();
            let message = message.split(" at line ").next().unwrap_or(&message);
            let at = e.location().map_or(0, |l| l.index());
            let diagnostic = match unclosed_bracket(front.yaml, at) {
                Some((offset, bracket)) => Diagnostic::error(
                    &path,
                    Pos::in_text(front.yaml, offset, front.first_line),
                    format!("invalid YAML in front matter: this `{bracket}` is never closed"),
                )
                .hint(format!(
                    "close it on the same line, or quote the value; the parser said: {message}"
                )),
                None => Diagnostic::error(
                    &path,
                    Pos::in_text(front.yaml, at, front.first_line),
                    format!("invalid YAML in front matter: {message}"),
                )
                .hint("check the indentation, and quote values that contain `: ` or start with `[`, `{`, `*` or `&`"),
            };
            diagnostics.push(diagnostic);
            return;
        }
    };
    for (key, value) in map {
        let Some(key) = key.as_str().map(str::to_string) else {
            let pos = Pos {
                line: front.first_line,
                col: 1,
            };
            diagnostics.push(Diagnostic::error(
                &path,
                pos,
                "front-matter keys must be text",
            ));
            continue;
        };
        let pos = key_pos(front, &key);
        let names = |value: Value| -> Result<Vec<Located>, String> {
            Ok(strings(value)?
                .into_iter()
                .map(|t| Located {
                    name: strip_brackets(&t).to_string(),
                    pos,
                })
                .collect())
        };
        let result: Result<(), String> = match key.as_str() {
            "title" => text(value).map(|t| match t.filter(|t| !t.trim().is_empty()) {
                Some(t) => card.title = t,
                None => diagnostics.push(
                    Diagnostic::warning(&path, pos, "empty title; using the file name")
                        .hint("give the card a title, or remove the key"),
                ),
            }),
            "summary" => text(value).map(|t| card.summary = t.or(card.summary.take())),
            "description" => text(value).map(|t| card.summary = card.summary.take().or(t)),
            "status" => status(value).map(|s| card.status = s),
            "tags" => strings(value).map(|t| {
                card.tags = t
                    .iter()
                    .map(|t| t.trim_start_matches('#').to_string())
                    .collect()
            }),
            "aliases" => names(value).map(|a| card.aliases = a),
            "parent" => names(value).and_then(|mut r| match r.len() {
                0 | 1 => {
                    card.parent = r.pop();
                    Ok(())
                }
                _ => Err("a single concept (a card has one parent)".into()),
            }),
            "related" => names(value).map(|r| card.related = r),
            "next" => names(value).map(|r| card.next = r),
            "prerequisites" => names(value).map(|r| card.prerequisites = r),
            "reading" => reading(value).map(|r| card.reading = r),
            _ => {
                if let Some(known) = similar_key(&key) {
                    diagnostics.push(
                        Diagnostic::warning(
                            &path,
                            pos,
                            format!("unknown key `{key}` (kept as card.extra.{key})"),
                        )
                        .hint(format!("did you mean `{known}`?")),
                    );
                }
                card.extra.insert(key.clone(), value);
                Ok(())
            }
        };
        if let Err(expected) = result {
            diagnostics.push(Diagnostic::error(
                &path,
                pos,
                format!("`{key}` must be {expected}"),
            ));
        }
    }
}

/// The innermost flow list or map (`[` or `{` starting a value) still open at byte `end`
/// of `yaml`: YAML parsers notice a missing `]` only lines later, but the author needs to
/// see the line that opened it.
fn unclosed_bracket(yaml: &str, end: usize) -> Option<(usize, char)> {
    let mut open: Vec<(usize, char)> = Vec::new();
    let mut quote: Option<char> = None;
    let mut previous = '\n';
    for (i, c) in yaml[..end.min(yaml.len())].char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '[' | '{') if open.is_empty() && !matches!(previous, ':' | '-' | '\n') => {}
            (None, '[' | '{') => open.push((i, c)),
            (None, ']' | '}') => {
                open.pop();
            }
            _ => {}
        }
        if !c.is_whitespace() || c == '\n' {
            previous = c;
        }
    }
    open.pop()
}

/// Where `key:` stands in the front matter (its line and column in the file).
fn key_pos(front: &FrontMatter, key: &str) -> Pos {
    front
        .yaml
        .lines()
        .position(|line| {
            line.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map_or(
            Pos {
                line: front.first_line,
                col: 1,
            },
            |i| Pos {
                line: front.first_line + i,
                col: 1,
            },
        )
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn text(value: Value) -> Result<Option<String>, String> {
    match value {
        Value::Null => Ok(None),
        v => scalar(&v)
            .map(Some)
            .ok_or_else(|| "a single line of text".into()),
    }
}

fn strings(value: Value) -> Result<Vec<String>, String> {
    let expected = || "a name or a list of names, like `[a, b]`".to_string();
    match value {
        Value::Null => Ok(Vec::new()),
        Value::Sequence(items) => items
            .iter()
            .map(|v| scalar(v).ok_or_else(expected))
            .collect(),
        v => scalar(&v).map(|s| vec![s]).ok_or_else(expected),
    }
}

fn status(value: Value) -> Result<Status, String> {
    match text(value)?.as_deref().map(str::trim) {
        None | Some("complete") => Ok(Status::Complete),
        Some("draft") => Ok(Status::Draft),
        Some("stub") => Ok(Status::Stub),
        Some(other) => Err(format!(
            "one of `complete`, `draft`, `stub` (not `{other}`)"
        )),
    }
}

fn reading(value: Value) -> Result<Vec<Reading>, String> {
    let expected = || "a list of `{ title: ..., url: ... }` entries or URLs".to_string();
    let entry = |v: &Value| match v {
        Value::Mapping(_) => {
            let field = |k: &str| v.get(k).and_then(scalar);
            let url = field("url").ok_or_else(expected)?;
            Ok(Reading {
                title: field("title").unwrap_or_else(|| url.clone()),
                url,
            })
        }
        v => scalar(v)
            .map(|url| Reading {
                title: url.clone(),
                url,
            })
            .ok_or_else(expected),
    };
    match value {
        Value::Null => Ok(Vec::new()),
        Value::Sequence(items) => items.iter().map(entry).collect(),
        v => entry(&v).map(|r| vec![r]),
    }
}

/// `[[dns]]` → `dns`: Obsidian writes links in properties that way.
fn strip_brackets(target: &str) -> &str {
    let t = target.trim();
    t.strip_prefix("[[")
        .and_then(|t| t.strip_suffix("]]"))
        .unwrap_or(t)
}

/// The known key that `key` looks like a typo of, if any.
fn similar_key(key: &str) -> Option<&'static str> {
    let key = key.to_lowercase();
    KNOWN_KEYS
        .iter()
        .copied()
        .find(|known| key == *known || (key.len() > 3 && slug::edit_distance(&key, known) <= 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Option<Card>, Vec<Diagnostic>) {
        parse_card(
            Path::new("cards/web/Client Server.md"),
            "web/Client Server.md",
            text,
        )
    }

    #[test]
    fn reads_every_field() {
        let (card, diagnostics) = parse(
            "---\ntitle: Client-Server Model\nsummary: One asks.\nstatus: draft\ntags: [web, '#arch']\n\
             parent: \"[[software-architecture]]\"\nrelated: [http-protocol]\nnext: dns\n\
             aliases: [client/server]\nreading:\n  - { title: An article, url: https://example.org }\n\
             colour: blue\n---\nBody\n",
        );
        let card = card.unwrap();
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(card.id, "client-server");
        assert_eq!(card.title, "Client-Server Model");
        assert_eq!(card.status, Status::Draft);
        assert_eq!(card.tags, ["web", "arch"]);
        assert_eq!(
            card.parent.unwrap(),
            Located {
                name: "software-architecture".into(),
                pos: Pos { line: 6, col: 1 }
            }
        );
        assert_eq!(card.next[0].name, "dns");
        assert_eq!(card.reading[0].title, "An article");
        assert_eq!(card.extra["colour"], Value::String("blue".into()));
        assert_eq!((card.body.as_str(), card.body_line), ("Body\n", 14));
    }

    #[test]
    fn no_front_matter_takes_title_from_file_name() {
        let card = parse("# Hello\n").0.unwrap();
        assert_eq!((card.title.as_str(), card.body_line), ("Client Server", 1));
    }

    #[test]
    fn yaml_errors_point_at_the_line_of_the_file() {
        let (card, diagnostics) = parse("---\ntitle: ok\nsummary: a: b\n---\n");
        assert!(card.is_none());
        assert_eq!(diagnostics[0].pos.line, 3, "{}", diagnostics[0]);
        assert!(
            diagnostics[0].message.contains("invalid YAML"),
            "{}",
            diagnostics[0]
        );
        assert!(diagnostics[0].is_error());
    }

    #[test]
    fn an_unclosed_list_points_at_its_bracket() {
        let (_, diagnostics) = parse("---\ntitle: ok\ntags: [a, b\nsummary: x\n---\n");
        assert_eq!(
            diagnostics[0].pos,
            Pos { line: 3, col: 7 },
            "{}",
            diagnostics[0]
        );
        assert!(diagnostics[0].message.contains("`[` is never closed"));
        let (_, diagnostics) = parse("---\nsummary: see [1] and [2\nstatus: [draft\n---\n");
        assert_eq!(
            diagnostics[0].pos,
            Pos { line: 3, col: 9 },
            "{}",
            diagnostics[0]
        );
    }

    #[test]
    fn wrong_types_and_statuses_name_the_key_line() {
        let (card, diagnostics) = parse("---\ntitle: ok\nstatus: done\ntags: {a: 1}\n---\n");
        assert!(card.is_none());
        let lines: Vec<_> = diagnostics.iter().map(|d| d.pos.line).collect();
        assert_eq!(lines, [3, 4]);
        assert!(diagnostics[0].message.contains("`done`"));
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let (card, diagnostics) = parse("---\ntitle: x\n");
        assert!(card.is_none());
        assert!(diagnostics[0].message.contains("never closed"));
    }

    #[test]
    fn typos_of_known_keys_warn() {
        let (card, diagnostics) = parse("---\ntittle: x\ncssclasses: [wide]\n---\n");
        assert!(card.is_some());
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(
            diagnostics[0].hint.as_deref(),
            Some("did you mean `title`?")
        );
    }

    #[test]
    fn obsidian_description_is_the_summary() {
        let card = parse("---\ndescription: From Obsidian\n---\n").0.unwrap();
        assert_eq!(card.summary.as_deref(), Some("From Obsidian"));
    }

    #[test]
    fn sources_refresh_only_known_card_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::path::absolute(dir.path()).unwrap();
        let cards = root.join("cards");
        std::fs::create_dir_all(cards.join("web")).unwrap();
        std::fs::write(cards.join("web/dns.md"), "DNS.\n").unwrap();
        std::fs::write(cards.join("a.png"), "png").unwrap();
        let config = Config::load(&root).unwrap();
        let sources = find_sources(&config).unwrap();
        std::fs::write(cards.join("web/dns.md"), "DNS, longer.\n").unwrap();
        let refreshed = sources
            .refresh(&cards, &[cards.join("web/dns.md")])
            .unwrap();
        assert_ne!(refreshed.cards[0].stamp, sources.cards[0].stamp);
        assert_eq!(refreshed.attachments, sources.attachments);
        for unknown in ["new.md", "a.png", "web", "../elsewhere.md"] {
            assert!(
                sources.refresh(&cards, &[cards.join(unknown)]).is_none(),
                "{unknown}"
            );
        }
        std::fs::remove_file(cards.join("web/dns.md")).unwrap();
        assert!(
            sources
                .refresh(&cards, &[cards.join("web/dns.md")])
                .is_none()
        );
    }
}
