//! Reading one card: its file as UTF-8 text (refusing huge and binary files), split into
//! front matter and Markdown, the front matter read into a [`Card`] and the Markdown
//! outlined, with every problem at `path:line:col` of the real file.

use super::front_matter::{self, FrontMatter};
use super::{Card, CardFile, Status};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Pos};
use crate::markdown;
use crate::scratch::Scratch;
use crate::slug::slugify;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// Cards larger than this are refused: a card is a page, not a data dump.
pub const MAX_CARD_BYTES: u64 = 4 << 20;

/// Reads and parses one card file; returns the card if it is usable, and every problem.
/// What waits to be drawn and indexed waits in `scratch` if given ([`markdown::Outline::put_away`]).
pub fn read_card(
    config: &Config,
    file: &CardFile,
    scratch: Option<&Arc<Scratch>>,
) -> (Option<Arc<Card>>, Vec<Diagnostic>) {
    let path = config.display_path(&file.source);
    match read_text(&file.source, &path) {
        Ok(text) => {
            let (mut card, diagnostics) = parse_card(&path, &file.rel, &text);
            if let Some(card) = &mut card {
                card.outline.put_away(scratch);
            }
            (card.map(Arc::new), diagnostics)
        }
        Err(d) => (None, vec![d]),
    }
}

/// Reads one card from its text (`path` names the file for diagnostics, `rel` is its path
/// relative to the cards folder); returns the card if it is usable, and every problem.
pub fn parse_card(path: &Path, rel: &str, text: &str) -> (Option<Card>, Vec<Diagnostic>) {
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
    let mut diagnostics = Vec::new();
    let (front, body, body_line) = split_front_matter(path, text, &mut diagnostics);
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
        moved_from: Vec::new(),
        reading: Vec::new(),
        publish: true,
        permalink: None,
        css_classes: Vec::new(),
        date: None,
        updated: None,
        extra: BTreeMap::new(),
        outline: Default::default(),
        body_line,
    };
    if let Some(front) = front {
        front_matter::read(&mut card, &front, &mut diagnostics);
    }
    card.outline = markdown::outline(body);
    let mut known: std::collections::HashSet<String> =
        card.tags.iter().map(|t| slugify(t)).collect();
    for tag in &card.outline.tags {
        if known.insert(slugify(tag)) {
            card.tags.push(tag.clone());
        }
    }
    for (at, why) in &card.outline.problems {
        let pos = Pos {
            line: body_line + at.line - 1,
            col: at.col,
        };
        diagnostics.push(Diagnostic::warning(path, pos, why.clone()));
    }
    (Some(card), diagnostics)
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
    // Opened once and measured once, through the open file (`fs::read` would measure it
    // again), and read no further than the limit should it grow meanwhile.
    let file = std::fs::File::open(source).map_err(unreadable)?;
    let size = file.metadata().map_err(unreadable)?.len();
    if size > MAX_CARD_BYTES {
        return Err(too_big(size));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    let mut limited = std::io::Read::take(&file, MAX_CARD_BYTES + 1);
    std::io::Read::read_to_end(&mut limited, &mut bytes).map_err(unreadable)?;
    if bytes.len() as u64 > MAX_CARD_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
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

/// Splits `text` into optional front matter and body, and gives the body's first line.
/// Front matter opened with `---` and never closed is not front matter (a warning): the
/// whole text is the body, as Obsidian shows it.
fn split_front_matter<'a>(
    path: &Path,
    text: &'a str,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Option<FrontMatter<'a>>, &'a str, usize) {
    let mut lines = text.split_inclusive('\n');
    let Some(first) = lines.next() else {
        return (None, text, 1);
    };
    if first.trim_end() != "---" {
        return (None, text, 1);
    }
    let mut offset = first.len();
    for (index, line) in lines.enumerate() {
        if matches!(line.trim_end(), "---" | "...") {
            let yaml = &text[first.len()..offset];
            let body = &text[offset + line.len()..];
            let front = FrontMatter {
                yaml,
                first_line: 2,
            };
            return (Some(front), body, index + 3);
        }
        offset += line.len();
    }
    diagnostics.push(
        Diagnostic::warning(
            path,
            Pos::START,
            "front matter opened with `---` is never closed, so it is read as text",
        )
        .hint("end the front matter with a line holding only `---`"),
    );
    (None, text, 1)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::card::Located;
    use serde_yaml::Value;

    /// Parses `text` as the card `cards/web/Client Server.md`.
    pub fn parse(text: &str) -> (Option<Card>, Vec<Diagnostic>) {
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
             colour: blue\n---\nBody with [[dns]]\n",
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
        assert_eq!(card.body_line, 14);
        assert_eq!(card.outline.links.len(), 1, "the Markdown is outlined");
        assert_eq!(
            card.outline.links[0].pos(card.body_line),
            Pos { line: 14, col: 11 }
        );
    }

    #[test]
    fn no_front_matter_takes_title_from_file_name() {
        let card = parse("# Hello\n").0.unwrap();
        assert_eq!((card.title.as_str(), card.body_line), ("Client Server", 1));
    }

    #[test]
    fn unclosed_front_matter_is_text_and_a_warning() {
        let (card, diagnostics) = parse("---\ntitle: x\n");
        let card = card.unwrap();
        assert_eq!(card.title, "Client Server", "the title from the file name");
        assert!(
            card.outline.html.linked(&[]).unwrap().contains("title: x"),
            "the text is shown"
        );
        assert!(diagnostics[0].message.contains("never closed"));
        assert!(!diagnostics[0].is_error());
    }
}
