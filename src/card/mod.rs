//! Cards: what a card is once read (its front matter, typed, and its outline), how cards
//! are found under `cards/` ([`sources`]), and how one is read from its file ([`read`]),
//! with each problem reported at `path:line:col` of the real file. Other files under
//! `cards/` are attachments, copied to the output as they are.

mod front_matter;
mod read;
mod sources;

pub use read::{MAX_CARD_BYTES, parse_card, read_card};
pub use sources::{Attachment, CardFile, Sources, Stamp, find_sources};

use crate::diagnostic::Pos;
use crate::markdown::Outline;
use serde::Serialize;
use serde_yaml::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

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
    /// Not a card: a folder of a vault, whose page lists what it holds.
    Folder,
}

impl Status {
    /// The lower-case name used in front matter, CSS classes and templates.
    pub fn name(self) -> &'static str {
        match self {
            Status::Complete => "complete",
            Status::Draft => "draft",
            Status::Stub => "stub",
            Status::Folder => "folder",
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

/// One concept card, as read from its file: its front matter and the outline of its
/// Markdown (the Markdown itself is not kept).
#[derive(Clone, Debug, PartialEq)]
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
    /// The ids its page had before (`moved_from:`): each keeps a page that leads here.
    pub moved_from: Vec<Located>,
    /// Further reading.
    pub reading: Vec<Reading>,
    /// False for a note left out of the site (`publish: false`).
    pub publish: bool,
    /// The address its page asks for (Obsidian Publish's `permalink:`).
    pub permalink: Option<String>,
    /// CSS classes for its page (Obsidian's `cssclasses:`).
    pub css_classes: Vec<String>,
    /// When it was written (`date:`), as an RFC 3339 time.
    pub date: Option<String>,
    /// When it last changed (`updated:`), as an RFC 3339 time.
    pub updated: Option<String>,
    /// Front-matter keys cardweb does not know, passed on to templates.
    pub extra: BTreeMap<String, Value>,
    /// The links, headings and HTML of the Markdown after the front matter.
    pub outline: Outline,
    /// The line of the file on which the Markdown after the front matter starts.
    pub body_line: usize,
}

impl Card {
    /// Whether `other` differs from this card at most in its text: same file, same front
    /// matter, and the same links and headings (what the graph is built from). Sentences,
    /// positions (of links, of front-matter names, of the text's start), title, tags and
    /// status (which no edge comes from; callers check what a new title or status changes
    /// besides: which links find the card, whether it is a stub or shown) and the HTML may
    /// differ.
    pub fn same_but_text(&self, other: &Card) -> bool {
        self.same_but_body(other) && self.outline.same_links(&other.outline)
    }

    /// Whether `other` differs from this card at most in its text and its links to other
    /// cards: as [`Card::same_but_text`], but the links may differ (embeds may not), and
    /// its front matter's names and text start where they were.
    pub fn same_but_links(&self, other: &Card) -> bool {
        self.same_but_body(other)
            && self.same_places(other)
            && self.outline.same_but_links(&other.outline)
    }

    /// Whether `other` differs from this card at most in what pages show of it: its text,
    /// summary, reading time, CSS classes, `extra` fields, title, tags and status (the
    /// same links, headings and everything else of its front matter, which may stand on
    /// other lines).
    pub fn same_but_shown(&self, other: &Card) -> bool {
        self.same_in_graph(other) && self.outline.same_links(&other.outline)
    }

    /// Whether `other` differs from this card at most in its text and its aliases (which
    /// may stand on other lines, and move the names and text after them).
    pub fn same_but_aliases(&self, other: &Card) -> bool {
        let realiased = Card {
            aliases: self.aliases.clone(),
            ..other.clone()
        };
        self.title == other.title && self.same_but_text(&realiased)
    }

    /// Whether `other` is this card moved: the same in everything but its path and its
    /// HTML (kept elsewhere once drawn, or different where only its own page shows it).
    pub fn same_but_place(&self, other: &Card) -> bool {
        let moved = Card {
            path: other.path.clone(),
            rel: other.rel.clone(),
            outline: Outline {
                html: other.outline.html.clone(),
                ..self.outline.clone()
            },
            ..self.clone()
        };
        moved == *other
    }

    /// The names its front matter gives, each with where it stands: its relations (parent,
    /// related, next, prerequisites), then its aliases.
    pub fn located(&self) -> impl Iterator<Item = &Located> {
        (self.parent.iter())
            .chain(&self.related)
            .chain(&self.next)
            .chain(&self.prerequisites)
            .chain(&self.aliases)
    }

    /// Whether `other`'s front-matter names and text start stand where this card's do.
    fn same_places(&self, other: &Card) -> bool {
        self.body_line == other.body_line
            && (self.located().map(|l| l.pos)).eq(other.located().map(|l| l.pos))
    }

    /// Whether `other` is this card's file with the same front matter (its names may
    /// stand on other lines): the outline may differ.
    fn same_but_body(&self, other: &Card) -> bool {
        self.same_in_graph(other)
            && (&self.summary, &self.reading, &self.css_classes, &self.extra)
                == (
                    &other.summary,
                    &other.reading,
                    &other.css_classes,
                    &other.extra,
                )
    }

    /// Whether `other` is this card's file with the same front matter but for what only
    /// pages show (summary, reading time, CSS classes, `extra`, title, tags, status) and
    /// where its names and text stand: the outline may differ.
    fn same_in_graph(&self, other: &Card) -> bool {
        let Card {
            id,
            path,
            rel,
            title: _,
            summary: _,
            status: _,
            tags: _,
            parent,
            related,
            next,
            prerequisites,
            aliases,
            moved_from,
            reading: _,
            publish,
            permalink,
            css_classes: _,
            date,
            updated,
            extra: _,
            outline: _,
            body_line: _,
        } = self;
        let names = |a: &[Located], b: &[Located]| {
            (a.iter().map(|l| &l.name)).eq(b.iter().map(|l| &l.name))
        };
        (id, path, rel) == (&other.id, &other.path, &other.rel)
            && names(parent.as_slice(), other.parent.as_slice())
            && names(related, &other.related)
            && names(next, &other.next)
            && names(prerequisites, &other.prerequisites)
            && names(aliases, &other.aliases)
            && (publish, permalink) == (&other.publish, &other.permalink)
            && (date, updated, moved_from) == (&other.date, &other.updated, &other.moved_from)
    }
}

/// Everything read from under `cards/`: what the graph is built from.
#[derive(Debug, Default)]
pub struct Corpus {
    /// The usable cards, in path order.
    pub cards: Vec<Arc<Card>>,
    /// The other files, in path order.
    pub attachments: Vec<Attachment>,
}

#[cfg(test)]
impl Corpus {
    /// The cards given as (path under `cards/`, text), each of which must be usable, and
    /// no attachments: for tests.
    pub fn of_texts<R: AsRef<str>, T: AsRef<str>>(
        cards: impl IntoIterator<Item = (R, T)>,
    ) -> Corpus {
        let cards = cards.into_iter().map(|(rel, text)| {
            let rel = rel.as_ref();
            let card = parse_card(std::path::Path::new(rel), rel, text.as_ref()).0;
            Arc::new(card.expect("a usable card"))
        });
        Corpus {
            cards: cards.collect(),
            attachments: Vec::new(),
        }
    }
}
