//! The parts of a card that can be embedded on their own: the section under each heading
//! (to the next heading as high or higher) and each block marked `^block-id`. Markers
//! around them are put in the event stream, and taken out of the HTML again with where
//! each part starts and ends.

use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};
use std::ops::Range;

/// Starts and ends a section marker. Markdown cannot put it in the HTML: the outline
/// replaces NUL before parsing.
const MARK: char = '\0';

/// The marker [`super::inline`] leaves where a `^block-id` was written.
pub(super) fn block_marker(id: &str) -> String {
    format!("{MARK}^{id}{MARK}")
}

/// The block id of a marker left by [`block_marker`].
fn block_id<'e>(event: &'e Event) -> Option<&'e str> {
    match event {
        Event::InlineHtml(html) => html
            .strip_prefix("\0^")
            .and_then(|rest| rest.strip_suffix(MARK)),
        _ => None,
    }
}

fn start(anchor: &str) -> Event<'static> {
    Event::InlineHtml(format!("{MARK}[{anchor}{MARK}").into())
}

fn end(anchor: &str) -> Event<'static> {
    Event::InlineHtml(format!("{MARK}]{anchor}{MARK}").into())
}

/// The anchor a block gets: its id with a `^`, as links write it.
fn anchor_span(id: &str) -> Event<'static> {
    Event::InlineHtml(format!("<span class=\"block-id\" id=\"^{id}\"></span>").into())
}

/// Puts section markers around every top-level heading's section and every marked block,
/// and an anchor at each block; returns the blocks' anchors (`^id`).
pub(super) fn mark(events: Vec<Event<'_>>) -> (Vec<Event<'_>>, Vec<String>) {
    let mut inserts: Vec<(usize, Event)> = Vec::new();
    let mut dropped = vec![false; events.len()];
    let mut blocks = Vec::new();
    // Open block containers: where each starts, and the block id it is to end with.
    let mut open: Vec<(usize, Option<String>)> = Vec::new();
    let mut headings: Vec<(HeadingLevel, String)> = Vec::new();
    // The last block that ended: its depth, first event and the index after its end.
    let mut last_closed: Option<(usize, usize, usize)> = None;
    for (i, event) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::Heading { level, id, .. }) if open.is_empty() => {
                while headings.last().is_some_and(|(l, _)| l >= level) {
                    let (_, anchor) = headings.pop().unwrap_or_else(|| unreachable!());
                    inserts.push((i, end(&anchor)));
                }
                let anchor = id.as_deref().unwrap_or_default().to_string();
                inserts.push((i, start(&anchor)));
                headings.push((*level, anchor));
                open.push((i, None));
            }
            Event::Start(_) => open.push((i, None)),
            Event::End(_) => {
                let Some((from, id)) = open.pop() else {
                    continue;
                };
                if dropped[i] {
                    continue;
                }
                if let Some(id) = id {
                    let anchor = format!("^{id}");
                    inserts.push((i + 1, end(&anchor)));
                    blocks.push(anchor);
                }
                last_closed = Some((open.len(), from, i + 1));
            }
            _ => {
                let Some(id) = block_id(event) else {
                    continue;
                };
                dropped[i] = true;
                let depth = open.len();
                let lone = i > 0
                    && matches!(events[i - 1], Event::Start(Tag::Paragraph))
                    && matches!(events.get(i + 1), Some(Event::End(TagEnd::Paragraph)));
                match (lone, last_closed) {
                    // `^id` on a line of its own names the block before it.
                    (true, Some((d, from, to))) if d + 1 == depth && to == i - 1 => {
                        dropped[i - 1] = true;
                        dropped[i + 1] = true;
                        let anchor = format!("^{id}");
                        inserts.push((from, start(&anchor)));
                        inserts.push((from, anchor_span(id)));
                        inserts.push((to, end(&anchor)));
                        blocks.push(anchor);
                        last_closed = Some((d, from, to));
                    }
                    _ => {
                        if let Some((from, pending)) = open.last_mut() {
                            inserts.push((*from, start(&format!("^{id}"))));
                            inserts.push((*from + 1, anchor_span(id)));
                            *pending = Some(id.to_string());
                        }
                    }
                }
            }
        }
    }
    for (_, anchor) in headings.iter().rev() {
        inserts.push((events.len(), end(anchor)));
    }
    if inserts.is_empty() && blocks.is_empty() {
        return (events, blocks);
    }
    inserts.sort_by_key(|(at, _)| *at);
    let mut inserts = inserts.into_iter().peekable();
    let mut out = Vec::with_capacity(events.len() + inserts.len());
    for (i, event) in events.into_iter().enumerate() {
        while let Some((_, insert)) = inserts.next_if(|(at, _)| *at == i) {
            out.push(insert);
        }
        if !dropped[i] {
            out.push(event);
        }
    }
    out.extend(inserts.map(|(_, event)| event));
    (out, blocks)
}

/// Where a heading's section or a block is in a card's HTML.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) struct Section {
    /// The heading's anchor, or `^id` for a block.
    pub anchor: String,
    /// Its bytes in the HTML.
    pub range: Range<usize>,
}

/// `html` without its section markers, and where each section is in what is left.
pub(super) fn take_out(html: String) -> (String, Vec<Section>) {
    if !html.contains("\0[") {
        return (html, Vec::new());
    }
    let mut out = String::with_capacity(html.len());
    let mut sections: Vec<Section> = Vec::new();
    let mut rest = html.as_str();
    while let Some(at) = rest.find(MARK) {
        let marker = &rest[at + 1..];
        let kind = marker.as_bytes().first().copied();
        let close = marker.find(MARK);
        match (kind, close) {
            (Some(b'[' | b']'), Some(close)) => {
                out.push_str(&rest[..at]);
                let anchor = &marker[1..close];
                match kind {
                    Some(b'[') => sections.push(Section {
                        anchor: anchor.to_string(),
                        range: out.len()..out.len(),
                    }),
                    _ => {
                        if let Some(s) = sections.iter_mut().rev().find(|s| s.anchor == anchor) {
                            s.range.end = out.len();
                        }
                    }
                }
                rest = &marker[close + 1..];
            }
            _ => {
                // A link marker: kept for the links to be drawn.
                out.push_str(&rest[..=at]);
                rest = marker;
            }
        }
    }
    out.push_str(rest);
    (out, sections)
}

#[cfg(test)]
mod tests {
    use super::super::outline;

    fn section(o: &crate::markdown::Outline, anchor: &str) -> String {
        let html = o.html.section_html(anchor);
        html.unwrap_or_else(|| panic!("no {anchor}"))
            .trim_start()
            .to_string()
    }

    #[test]
    fn headings_own_their_sections() {
        let o = outline("# A\n\none\n\n## B\n\ntwo\n\n## C\n\nthree\n\n# D\n\nfour\n");
        let b = section(&o, "b");
        assert!(
            b.starts_with("<h2 id=\"b\">B<a class=\"heading-anchor\""),
            "{b}"
        );
        assert!(b.ends_with("</h2>\n<p>two</p>\n"), "{b}");
        assert!(
            section(&o, "a").ends_with("<p>three</p>\n"),
            "{}",
            section(&o, "a")
        );
        let d = section(&o, "d");
        assert!(
            d.starts_with("<h1 id=\"d\">D") && d.ends_with("</h1>\n<p>four</p>\n"),
            "{d}"
        );
    }

    #[test]
    fn blocks_get_anchors_and_sections() {
        let o = outline("Para one. ^p1\n\n- item ^i1\n- other\n\n| a |\n|---|\n| b |\n\n^t1\n");
        assert_eq!(o.anchors, ["^p1", "^i1", "^t1"]);
        let p1 = section(&o, "^p1");
        assert_eq!(
            p1,
            "<p><span class=\"block-id\" id=\"^p1\"></span>Para one.</p>\n"
        );
        assert!(
            section(&o, "^i1").starts_with("<li>"),
            "{}",
            section(&o, "^i1")
        );
        assert!(
            section(&o, "^t1").contains("<table>"),
            "{}",
            section(&o, "^t1")
        );
        let html = o.html.linked(&[]).unwrap();
        assert!(
            !html.contains("^t1</p>") && !html.contains('\0'),
            "{html:?}"
        );
    }
}
