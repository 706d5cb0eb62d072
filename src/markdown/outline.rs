//! A card's outline: the links it makes (with where they stand and the sentence around
//! them), the anchors of its headings, and its HTML with the links still open. The graph is
//! built from outlines; pages fill in their links.

use super::slots::Unlinked;
use super::{Dest, Target, destination};
use crate::diagnostic::Pos;
use crate::scratch::Scratch;
use crate::words::Counted;
use pulldown_cmark::{Event, Tag, TagEnd};
use std::sync::Arc;

/// The longest context kept around a link, in characters.
const MAX_CONTEXT: usize = 280;
/// The most of a card's text kept for search, in bytes.
const MAX_TEXT: usize = 32 * 1024;

/// A link from a card to another card or an attachment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// What the link names.
    pub target: Target,
    /// The heading anchor it asks for, slugified.
    pub anchor: Option<String>,
    /// Byte offset of the link in the Markdown.
    pub offset: usize,
    /// Where the link stands in the Markdown, counting its first line as line 1.
    pub at: Pos,
    /// The sentence the link stands in, as plain text (shared with the graph's edges).
    pub context: Arc<str>,
    /// Whether it is an image or embed (`![[...]]`) rather than a link.
    pub embed: bool,
}

/// What one parse of a card's Markdown gives: what the graph needs, and the HTML.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outline {
    /// Links to cards and attachments, in document order (external links left out).
    pub links: Vec<Link>,
    /// The anchors of the card's headings, as the HTML has them.
    pub anchors: Vec<String>,
    /// The card's HTML, with a slot for each of `links`.
    pub html: Unlinked,
    /// Inline `#tags`, without `#`.
    pub tags: Vec<String>,
    /// What could not be drawn (math that does not parse): where, counting the first line
    /// as line 1, and why.
    pub problems: Vec<(Pos, String)>,
    /// The words of the card's text with how often each comes (of its first [`MAX_TEXT`]
    /// bytes), for search.
    pub words: Counted,
    /// Its headings, in order: for its contents list and for search.
    pub headings: Vec<Heading>,
    /// Whether it has a Mermaid diagram (its page then loads the diagram script).
    pub diagrams: bool,
}

/// A heading of a card.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Heading {
    /// 1 for `#`, 2 for `##`, ...
    pub level: u8,
    /// Its text, without markup.
    pub text: String,
    /// The anchor it has on the page.
    pub anchor: String,
}

impl Link {
    /// Where the link stands in a file whose Markdown starts on line `first_line`.
    pub fn pos(&self, first_line: usize) -> Pos {
        Pos {
            line: first_line + self.at.line - 1,
            col: self.at.col,
        }
    }
}

impl Outline {
    /// Puts away what waits to be drawn and indexed: into `scratch` if given (its HTML and
    /// words), else its HTML compressed in memory.
    pub fn put_away(&mut self, scratch: Option<&Arc<Scratch>>) {
        self.html.put_away(scratch);
        if let Some(scratch) = scratch {
            self.words.spill(scratch);
        }
    }

    /// Whether `other` has the same links (targets, anchors, embeds, in order), the same
    /// headings and diagrams or none: what the graph and the site's files are made from.
    /// Sentences and positions may differ.
    pub fn same_links(&self, other: &Outline) -> bool {
        fn key(l: &Link) -> (&Target, &Option<String>, bool) {
            (&l.target, &l.anchor, l.embed)
        }
        self.same_but_links(other) && self.links.iter().map(key).eq(other.links.iter().map(key))
    }

    /// Whether `other` has the same headings, diagrams or none, and embeds (in order): its
    /// other links may differ.
    pub fn same_but_links(&self, other: &Outline) -> bool {
        fn embeds(o: &Outline) -> impl Iterator<Item = (&Target, &Option<String>)> {
            (o.links.iter().filter(|l| l.embed)).map(|l| (&l.target, &l.anchor))
        }
        self.anchors == other.anchors
            && self.diagrams == other.diagrams
            && embeds(self).eq(embeds(other))
    }
}

/// A link whose sentence is not known yet: where it starts and ends in the block's text.
struct Pending {
    link: Link,
    start: usize,
    end: Option<usize>,
}

/// Collects a card's links with their sentences from its events, one event at a time.
#[derive(Default)]
pub(super) struct Links {
    links: Vec<Link>,
    /// The text read so far, block by block.
    pub text: String,
    /// The text of each heading read so far.
    pub headings: Vec<String>,
    block: String,
    pending: Vec<Pending>,
    open: Vec<Option<usize>>, // index into `pending` of each open link
}

impl Links {
    /// Takes in the next event, which starts at byte `offset` of the Markdown.
    pub(super) fn observe(&mut self, event: &Event, offset: usize) {
        if let Some(dest) = destination(event) {
            let embed = matches!(event, Event::Start(Tag::Image { .. }));
            self.open.push(match dest {
                Dest::Internal(target, anchor) => {
                    let link = Link {
                        target,
                        anchor,
                        offset,
                        at: Pos::START,
                        context: Arc::from(""),
                        embed,
                    };
                    self.pending.push(Pending {
                        link,
                        start: self.block.len(),
                        end: None,
                    });
                    Some(self.pending.len() - 1)
                }
                _ => None,
            });
            return;
        }
        match event {
            Event::End(TagEnd::Heading(_)) => {
                self.headings.push(self.block.trim().to_string());
                self.end_block();
            }
            Event::Start(Tag::Paragraph | Tag::Item | Tag::TableCell | Tag::Heading { .. })
            | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => {
                self.end_block();
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if let Some(Some(index)) = self.open.pop() {
                    self.pending[index].end = Some(self.block.len());
                }
            }
            Event::Text(text) | Event::Code(text) => self.block.push_str(text),
            Event::SoftBreak | Event::HardBreak => self.block.push(' '),
            _ => {}
        }
    }

    /// Ends the block of text being read: its links get their sentences, and its text
    /// joins the card's.
    fn end_block(&mut self) {
        if self.text.len() + self.block.len() < MAX_TEXT {
            self.text.push_str(&self.block);
            self.text.push('\n');
        }
        finish_block(&mut self.block, &mut self.pending, &mut self.links);
    }

    /// The links read, in document order, each with its sentence (not yet placed).
    pub(super) fn finish(&mut self) -> Vec<Link> {
        self.end_block();
        std::mem::take(&mut self.links)
    }
}

/// Sets each link's line and column from its offset, in one pass over `markdown` (also
/// along one long line: columns are counted on from the last link, not from the line's start).
pub(super) fn place(markdown: &str, links: &mut [Link]) {
    let mut order: Vec<usize> = (0..links.len()).collect();
    order.sort_by_key(|&i| links[i].offset);
    // The line and column of byte `scanned`.
    let (mut line, mut col, mut scanned) = (1, 1, 0);
    for i in order {
        let offset = links[i].offset.min(markdown.len());
        let gap = &markdown[scanned..offset];
        match gap.rfind('\n') {
            Some(last) => {
                line += gap.matches('\n').count();
                col = gap[last + 1..].chars().count() + 1;
            }
            None => col += gap.chars().count(),
        }
        scanned = offset;
        links[i].at = Pos { line, col };
    }
}

/// Gives every pending link the sentence around it, and starts a new block of text. Links
/// in one sentence share it. Linear in the block and its links (times the log of the
/// number of sentences): a paragraph of 100,000 links is no longer read once per link.
fn finish_block(block: &mut String, pending: &mut Vec<Pending>, links: &mut Vec<Link>) {
    if pending.is_empty() {
        block.clear();
        return;
    }
    let stops = sentence_stops(block);
    let mut last: Option<((usize, usize), Arc<str>)> = None;
    for Pending {
        mut link,
        start,
        end,
    } in pending.drain(..)
    {
        let end = end.unwrap_or(block.len());
        let bounds = sentence_bounds(&stops, block.len(), start, end);
        // A link that is its whole sentence (an embed on its own line) has none to show.
        if block[bounds.0..bounds.1].trim() == block[start..end].trim() {
            link.context = Arc::from("");
            links.push(link);
            continue;
        }
        let context = match &last {
            Some((seen, context)) if *seen == bounds => Arc::clone(context),
            _ => {
                let context: Arc<str> = trimmed_sentence(&block[bounds.0..bounds.1]).into();
                last = Some((bounds, Arc::clone(&context)));
                context
            }
        };
        link.context = context;
        links.push(link);
    }
    block.clear();
}

/// Where the sentences of `text` end: the byte of each `.`, `!` or `?` that whitespace
/// follows, in order.
fn sentence_stops(text: &str) -> Vec<usize> {
    memchr::memchr3_iter(b'.', b'!', b'?', text.as_bytes())
        .filter(|&i| text[i + 1..].starts_with(char::is_whitespace))
        .collect()
}

/// The bytes of the sentence that holds `start..end`: from after the last stop before
/// `start` to the first stop at or after `end`, included.
fn sentence_bounds(stops: &[usize], len: usize, start: usize, end: usize) -> (usize, usize) {
    let before = stops.partition_point(|&i| i < start);
    let from = before.checked_sub(1).map_or(0, |b| stops[b] + 1);
    let after = stops.partition_point(|&i| i < end);
    let to = stops.get(after).map_or(len, |&i| i + 1);
    (from, to)
}

/// A sentence without surrounding white space or a callout's `[!kind]-` marker, cut to
/// [`MAX_CONTEXT`] characters.
fn trimmed_sentence(sentence: &str) -> String {
    let sentence = sentence.trim();
    let sentence = match sentence.strip_prefix("[!").and_then(|s| s.split_once(']')) {
        Some((kind, rest)) if !kind.contains(char::is_whitespace) => {
            rest.trim_start_matches(['-', '+']).trim_start()
        }
        _ => sentence,
    };
    match sentence.char_indices().nth(MAX_CONTEXT) {
        Some((cut, _)) => format!("{}…", &sentence[..cut]),
        None => sentence.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::outline;
    use super::*;

    #[test]
    fn lists_links_with_their_sentence() {
        let md = "Intro. Names are found by [[DNS]] lookups, fast. Done.\n\n- See [x](web/x.md#a)\n\n`[[not-a-link]]`\n\n    [[indented code]]\n";
        let o = outline(md);
        let targets: Vec<_> = o
            .links
            .iter()
            .map(|l| (&l.target, l.anchor.as_deref()))
            .collect();
        assert_eq!(
            targets,
            [
                (&Target::Name("DNS".into()), None),
                (&Target::Path("web/x.md".into()), Some("a"))
            ]
        );
        assert_eq!(
            &*o.links[0].context,
            "Names are found by DNS lookups, fast."
        );
        assert_eq!(o.links[0].offset, md.find("[[DNS").unwrap());
        for link in &o.links {
            assert_eq!(link.pos(7), Pos::in_text(md, link.offset, 7));
        }
        assert_eq!(&*o.links[1].context, "See x");
    }

    #[test]
    fn anchors_match_the_rendered_headings() {
        let o = outline("# A\n\n## A\n\n## Status `codes`\n\n### Mine {#own}\n");
        assert_eq!(o.anchors, ["a", "a-1", "status-codes", "own"]);
    }

    #[test]
    fn long_sentences_are_cut() {
        let long = format!("Start {} [[x]] end.", "word ".repeat(100));
        let context = &outline(&long).links[0].context;
        assert_eq!(context.chars().count(), MAX_CONTEXT + 1);
    }
}
