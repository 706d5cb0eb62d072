//! Obsidian's inline syntax, read from the event stream before links are: `==highlight==`,
//! inline `#tags`, `$math$`, `^block-id` markers at the end of a block, and the text of
//! `[[Note#Heading]]` links written without their own text.

use super::math;
use super::sections::block_marker;
use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};
use std::collections::VecDeque;
use std::iter::Peekable;
use std::ops::Range;

/// Where a card's tag pages are, from its page (a card's HTML is drawn one folder deep).
const TAGS_URL: &str = "../tags/";

/// What the inline syntax of a card gave besides its events.
#[derive(Default)]
pub(super) struct Found {
    /// Inline `#tags`, without `#`, in order of first use.
    pub tags: Vec<String>,
    /// The tags in `tags`, to find one again at once.
    seen_tags: std::collections::HashSet<String>,
    /// What could not be drawn as written: its byte offset in the Markdown and why.
    pub problems: Vec<(usize, String)>,
    /// The `#fragment`s raw HTML links to in the same page (`href="#x"`, `src="#x"`), with
    /// their byte offsets: checked once the page's anchors are known.
    pub raw_fragments: Vec<(usize, String)>,
}

/// The events of `events` with Obsidian's inline syntax turned into HTML.
pub(super) struct Obsidian<'f, 'a, I: Iterator<Item = (Event<'a>, Range<usize>)>> {
    events: Peekable<I>,
    queue: VecDeque<(Event<'a>, Range<usize>)>,
    found: &'f mut Found,
    in_code_block: bool,
    /// How many links or images are open: their text is not searched for tags.
    in_link: usize,
    /// Whether the text before the next text ended in white space (or a block started).
    after_space: bool,
    /// Whether the next text is a wikilink's name standing as its text.
    bare_wikilink: bool,
}

impl<'f, 'a, I: Iterator<Item = (Event<'a>, Range<usize>)>> Obsidian<'f, 'a, I> {
    /// Reads `events`, noting tags and problems in `found`.
    pub(super) fn new(events: I, found: &'f mut Found) -> Self {
        Obsidian {
            events: events.peekable(),
            queue: VecDeque::new(),
            found,
            in_code_block: false,
            in_link: 0,
            after_space: true,
            bare_wikilink: false,
        }
    }

    /// Turns one event into what it stands for, queued.
    fn take(&mut self, event: Event<'a>, range: Range<usize>) {
        let after_space = std::mem::replace(&mut self.after_space, false);
        match event {
            Event::InlineMath(ref latex) | Event::DisplayMath(ref latex) => {
                let display = matches!(event, Event::DisplayMath(_));
                let html = match math::to_mathml(latex, display) {
                    Ok(mathml) => mathml,
                    Err((html, why)) => {
                        let why = format!("math that cannot be read: {why}");
                        self.found.problems.push((range.start, why));
                        html
                    }
                };
                self.queue
                    .push_back((Event::InlineHtml(html.into()), range));
            }
            Event::Text(text) if self.in_code_block => {
                self.queue.push_back((Event::Text(text), range))
            }
            Event::Text(text) if std::mem::take(&mut self.bare_wikilink) => {
                self.queue
                    .push_back((Event::Text(link_text(&text).into()), range));
            }
            Event::Text(text) => {
                self.after_space = text.ends_with(char::is_whitespace);
                let ends_block = matches!(
                    self.events.peek(),
                    None | Some((
                        Event::End(TagEnd::Paragraph | TagEnd::Item) | Event::Start(Tag::List(_)),
                        _
                    ))
                );
                let (kept, block) = match ends_block {
                    true => split_block_id(&text),
                    false => (text.as_ref(), None),
                };
                if block.is_none() && !kept.bytes().any(|b| b == b'=' || b == b'#') {
                    // Most text is plain: it goes on as it is.
                    self.queue.push_back((Event::Text(text), range));
                    return;
                }
                self.push_text(kept, after_space, &range);
                if let Some(id) = block {
                    self.queue
                        .push_back((Event::InlineHtml(block_marker(id).into()), range));
                }
            }
            event => {
                match &event {
                    Event::Html(html) | Event::InlineHtml(html) => {
                        for fragment in same_page_fragments(html) {
                            let fragment = fragment.to_string();
                            self.found.raw_fragments.push((range.start, fragment));
                        }
                    }
                    Event::Start(Tag::CodeBlock(_)) => self.in_code_block = true,
                    Event::End(TagEnd::CodeBlock) => self.in_code_block = false,
                    Event::Start(Tag::Link { link_type, .. }) => {
                        self.in_link += 1;
                        self.bare_wikilink =
                            matches!(link_type, LinkType::WikiLink { has_pothole: false });
                    }
                    Event::Start(Tag::Image { .. }) => self.in_link += 1,
                    Event::End(TagEnd::Link | TagEnd::Image) => {
                        self.in_link = self.in_link.saturating_sub(1)
                    }
                    Event::Start(_) | Event::End(_) | Event::SoftBreak | Event::HardBreak => {
                        self.after_space = true
                    }
                    _ => {}
                }
                self.queue.push_back((event, range));
            }
        }
    }

    /// Queues `text` with its highlights and (outside links) tags drawn.
    fn push_text(&mut self, text: &str, after_space: bool, range: &Range<usize>) {
        let plain = |queue: &mut VecDeque<_>, s: &str| {
            if !s.is_empty() {
                queue.push_back((Event::Text(CowStr::from(s.to_string())), range.clone()));
            }
        };
        let html = |queue: &mut VecDeque<_>, s: String| {
            queue.push_back((Event::InlineHtml(s.into()), range.clone()));
        };
        let mut marks = highlights(text).into_iter().peekable();
        let mut start = 0;
        let mut i = 0;
        while i < text.len() {
            if let Some((_, open)) = marks.next_if(|&(at, _)| at == i) {
                plain(&mut self.queue, &text[start..i]);
                html(
                    &mut self.queue,
                    if open { "<mark>" } else { "</mark>" }.into(),
                );
                i += 2;
                start = i;
                continue;
            }
            let space_before = match text[..i].chars().next_back() {
                Some(c) => c.is_whitespace() || c == '(',
                None => after_space,
            };
            if let Some(tag) = (self.in_link == 0 && space_before)
                .then(|| tag_at(&text[i..]))
                .flatten()
            {
                plain(&mut self.queue, &text[start..i]);
                let name = &tag[1..];
                html(
                    &mut self.queue,
                    format!(
                        "<a class=\"tag\" href=\"{TAGS_URL}{}/\">",
                        crate::html::encode_path(&crate::slug::slugify(name))
                    ),
                );
                plain(&mut self.queue, tag);
                html(&mut self.queue, "</a>".into());
                if self.found.seen_tags.insert(name.to_string()) {
                    self.found.tags.push(name.to_string());
                }
                i += tag.len();
                start = i;
                continue;
            }
            i += text[i..].chars().next().map_or(1, char::len_utf8);
        }
        plain(&mut self.queue, &text[start..]);
    }
}

impl<'a, I: Iterator<Item = (Event<'a>, Range<usize>)>> Iterator for Obsidian<'_, 'a, I> {
    type Item = (Event<'a>, Range<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        while self.queue.is_empty() {
            let (event, range) = self.events.next()?;
            self.take(event, range);
        }
        self.queue.pop_front()
    }
}

/// The `==` of each highlight in `text`: byte offset, and whether it opens. An opening
/// `==` has text right after it, a closing one right before it; one without a partner is
/// text.
fn highlights(text: &str) -> Vec<(usize, bool)> {
    let mut marks = Vec::new();
    let mut open: Option<usize> = None;
    let mut from = 0;
    while let Some(at) = text[from..].find("==").map(|i| i + from) {
        let before = text[..at].chars().next_back();
        let after = text[at + 2..].chars().next();
        let opens = after.is_some_and(|c| !c.is_whitespace() && c != '=');
        let closes = before.is_some_and(|c| !c.is_whitespace() && c != '=');
        match open {
            Some(start) if closes => {
                marks.push((start, true));
                marks.push((at, false));
                open = None;
            }
            None if opens => open = Some(at),
            _ => {}
        }
        from = at + 2;
    }
    marks
}

/// The tag (`#name`, `#nested/name`) that `text` starts with, if it does: letters, digits,
/// `_`, `-` and `/`, with at least one that is not a digit.
fn tag_at(text: &str) -> Option<&str> {
    let rest = text.strip_prefix('#')?;
    let len = rest
        .char_indices()
        .find(|&(_, c)| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '/')))
        .map_or(rest.len(), |(i, _)| i);
    let name = rest[..len].trim_end_matches('/');
    let is_tag = name.chars().any(|c| !c.is_ascii_digit()) && !name.starts_with('/');
    is_tag.then(|| &text[..name.len() + 1])
}

/// `text` without the `^block-id` it ends with (after white space, or alone), and the id.
fn split_block_id(text: &str) -> (&str, Option<&str>) {
    let trimmed = text.trim_end();
    let Some(caret) = trimmed.rfind('^') else {
        return (text, None);
    };
    let id = &trimmed[caret + 1..];
    let before = &trimmed[..caret];
    let valid = !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if valid && (before.is_empty() || before.ends_with(char::is_whitespace)) {
        (before.trim_end(), Some(id))
    } else {
        (text, None)
    }
}

/// The fragments of `href="#…"` and `src="#…"` attributes in raw HTML.
fn same_page_fragments(html: &str) -> impl Iterator<Item = &str> {
    ["href=\"#", "src=\"#"]
        .into_iter()
        .flat_map(move |attribute| {
            html.match_indices(attribute).filter_map(move |(at, _)| {
                let value = &html[at + attribute.len()..];
                value.find('"').map(|end| &value[..end])
            })
        })
}

/// What a wikilink written without its own text shows: `Note > Heading` for
/// `Note#Heading`, `Heading` for `#Heading`, the last heading of a nested link.
fn link_text(dest: &str) -> String {
    let mut parts = dest.split('#').map(str::trim);
    let name = parts.next().unwrap_or_default();
    match parts.next_back() {
        None => name.to_string(),
        Some(heading) if name.is_empty() => heading.to_string(),
        Some(heading) => format!("{name} > {heading}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_pair_up() {
        assert_eq!(highlights("a ==b== c"), [(2, true), (5, false)]);
        assert_eq!(highlights("x == y and z == w"), []);
        assert_eq!(highlights("==a== ==b"), [(0, true), (3, false)]);
    }

    #[test]
    fn tags_are_words_after_a_hash() {
        assert_eq!(tag_at("#tag, more"), Some("#tag"));
        assert_eq!(tag_at("#nested/tag."), Some("#nested/tag"));
        assert_eq!(tag_at("#1"), None);
        assert_eq!(tag_at("#2024-notes"), Some("#2024-notes"));
        assert_eq!(tag_at("# heading"), None);
        assert_eq!(tag_at("#ünïcode"), Some("#ünïcode"));
    }

    #[test]
    fn block_ids_end_a_block() {
        assert_eq!(split_block_id("text ^abc-1"), ("text", Some("abc-1")));
        assert_eq!(split_block_id("^abc"), ("", Some("abc")));
        assert_eq!(split_block_id("2^10"), ("2^10", None));
        assert_eq!(split_block_id("a ^b c"), ("a ^b c", None));
    }

    #[test]
    fn bare_wikilinks_read_as_their_heading() {
        assert_eq!(link_text("#Heading"), "Heading");
        assert_eq!(link_text("Note#A#B"), "Note > B");
        assert_eq!(link_text("Note"), "Note");
    }
}
