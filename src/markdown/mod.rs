//! The only place pulldown-cmark is configured. Each card's Markdown is parsed once, by
//! [`outline`]: the links it makes and its heading anchors, for the graph, and its HTML with
//! headings given stable anchors, callouts and quizzes turned into their boxes, and every
//! link to a card or attachment left open ([`Unlinked`]) until pages resolve them.

mod callout;
mod code;
mod comments;
mod highlight;
mod inline;
mod math;
mod media;
mod outline;
mod packed;
mod sections;
mod slots;

pub use outline::{Heading, Link, Outline};
pub use slots::{Drawn, Unlinked};

use crate::diagnostic::Pos;
use crate::html::{escape, percent_decode, push_escaped};
use crate::slug::slugify;
use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd, TextMergeWithOffset};
use std::borrow::Cow;
use std::collections::HashMap;

/// The Markdown dialect of cards: CommonMark plus tables, footnotes, strikethrough, task
/// lists, heading ids, `$math$` and `[[wikilinks]]`. Callouts are recognised by [`callout`]
/// for every kind, so GFM's five-kind alerts stay off; the rest of Obsidian's syntax is
/// read by [`comments`], [`inline`] and [`sections`].
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_MATH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_WIKILINKS
}

/// What a link in a card points at, before resolution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A wikilink's name: an id, title, alias, or an attachment's file name.
    Name(String),
    /// A relative path as written in a Markdown link, percent-decoded (`../web/dns.md`).
    Path(String),
}

/// Where a link destination leads, as far as Markdown alone can tell.
#[derive(Debug, PartialEq, Eq)]
enum Dest {
    /// Another site (`https://…`, `mailto:…`, `//host/…`).
    External,
    /// A place in the same page (`#section`); holds the anchor.
    SamePage(String),
    /// Something cardweb leaves exactly as written (an absolute path, a query).
    Verbatim,
    /// A card or attachment, with an optional heading anchor.
    Internal(Target, Option<String>),
}

/// Where the link or image that `event` starts leads; None for any other event.
fn destination(event: &Event) -> Option<Dest> {
    match event {
        Event::Start(
            Tag::Link {
                link_type,
                dest_url,
                ..
            }
            | Tag::Image {
                link_type,
                dest_url,
                ..
            },
        ) => Some(classify(*link_type, dest_url)),
        _ => None,
    }
}

fn classify(link_type: LinkType, dest: &str) -> Dest {
    if let LinkType::WikiLink { .. } = link_type {
        // Inside a table, `[[a\\|b]]` escapes the `|` from the table, not from the link.
        let (name, anchor) = split_anchor(dest.trim_end_matches('\\'));
        let name = name.trim();
        return match (name.is_empty(), anchor) {
            (true, Some(anchor)) => Dest::SamePage(anchor),
            // `[[ ]]` names nothing: a warning, and its text without a link.
            (true, None) => Dest::Internal(Target::Name(String::new()), None),
            (false, anchor) => {
                let name = name.strip_suffix(".md").unwrap_or(name);
                Dest::Internal(Target::Name(name.to_string()), anchor)
            }
        };
    }
    let has_scheme = dest.split_once(':').is_some_and(|(scheme, _)| {
        scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if has_scheme || dest.starts_with("//") || matches!(link_type, LinkType::Email) {
        return Dest::External;
    }
    if dest.is_empty() || dest.starts_with('/') || dest.starts_with('?') {
        return Dest::Verbatim;
    }
    match split_anchor(dest) {
        ("", Some(anchor)) => Dest::SamePage(anchor),
        (path, anchor) => Dest::Internal(Target::Path(percent_decode(path)), anchor),
    }
}

/// Splits `name#heading` and turns the heading into its anchor: the slug of the last
/// heading of a nested `name#A#B`, or a block's `^id` as written.
fn split_anchor(dest: &str) -> (&str, Option<String>) {
    let Some((name, headings)) = dest.split_once('#') else {
        return (dest, None);
    };
    let last = headings.rsplit('#').next().unwrap_or(headings);
    let last = percent_decode(last);
    let anchor = match last.strip_prefix('^') {
        Some(block) => format!("^{}", block.trim()),
        None => slugify(&last),
    };
    (name, Some(anchor))
}

/// A resolved link: where it goes and how it looks.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Href {
    /// A written card.
    Card {
        /// Its page, relative to the linking page.
        url: String,
        /// Its title, for the link's tooltip.
        title: String,
        /// `complete` or `draft`: becomes a CSS class.
        status: &'static str,
    },
    /// A concept with no card yet: drawn differently, and announced to screen readers.
    Stub {
        /// Its page, relative to the linking page.
        url: String,
        /// Its title, for the link's tooltip.
        title: String,
    },
    /// An attachment copied to the output.
    File {
        /// The file, relative to the linking page.
        url: String,
    },
    /// Nothing found (a missing attachment, a name with no letters): the link's text is
    /// shown without a link.
    Missing,
}

/// Gives each heading a unique anchor: its explicit `{#id}`, else the slug of its text,
/// numbered `-1`, `-2`, … when the same slug comes again.
#[derive(Default)]
struct HeadingIds {
    seen: HashMap<String, usize>,
}

impl HeadingIds {
    fn assign(&mut self, explicit: Option<&str>, text: &str) -> String {
        let base = explicit.map_or_else(|| slugify(text), str::to_string);
        let base = if base.is_empty() {
            "section".to_string()
        } else {
            base
        };
        let count = self.seen.entry(base.clone()).or_insert(0);
        *count += 1;
        match *count {
            1 => base,
            n => format!("{base}-{}", n - 1),
        }
    }
}

/// Parses a card's Markdown, once: its links with their sentences, its heading and block
/// anchors, its inline tags, and its HTML with the links left open.
pub fn outline(markdown: &str) -> Outline {
    let mut links = outline::Links::default();
    let mut html = Unlinked::new();
    let mut anchors = Vec::new();
    let mut found = inline::Found::default();
    // U+0000 starts the markers of link slots: a NUL in a card (which CommonMark would turn
    // into U+FFFD) becomes U+001A, one byte like it, so that offsets stay true.
    let markdown = match markdown.contains('\0') {
        true => Cow::Owned(markdown.replace('\0', "\u{1A}")),
        false => Cow::Borrowed(markdown),
    };
    let uncommented = comments::uncomment(&markdown);
    let text = &uncommented.text;
    let parser = Parser::new_ext(text, options()).into_offset_iter();
    let events = inline::Obsidian::new(TextMergeWithOffset::new(parser), &mut found).map(
        |(event, range)| {
            links.observe(&event, range.start);
            event
        },
    );
    let mut levels = Vec::new();
    let events = rewrite(events, &mut html, &mut anchors, &mut levels);
    let (events, diagrams) = code::code_blocks(events, &mut html);
    let (mut events, blocks) = sections::mark(events);
    anchors.extend(blocks);
    unlink_missing_anchors(&mut events, &anchors);
    let mut out = String::with_capacity(text.len() * 3 / 2);
    callout::push_html(&mut out, events);
    html.set_html(out);
    let mut links_read = links;
    let mut links = links_read.finish();
    for link in &mut links {
        link.offset = uncommented.original(link.offset);
    }
    outline::place(&markdown, &mut links);
    let missing = (found.raw_fragments.into_iter())
        .filter(|(_, fragment)| {
            let decoded = percent_decode(fragment);
            !fragment.is_empty() && !anchors.contains(&decoded)
        })
        .map(|(offset, fragment)| {
            let why = format!(
                "raw HTML links to `#{fragment}`, and this note has no such heading or block"
            );
            (offset, why)
        });
    let problems = (found.problems.into_iter().chain(missing))
        .map(|(offset, why)| {
            let offset = uncommented.original(offset);
            (Pos::in_text(&markdown, offset, 1), why)
        })
        .collect();
    let headings = (links_read.headings.into_iter())
        .zip(anchors.iter())
        .zip(levels)
        .map(|((text, anchor), level)| Heading {
            level,
            text: text.into_boxed_str().into(),
            anchor: anchor.clone(),
        })
        .collect();
    // Kept while the site is built or served: without the room left for more, which
    // vectors grown one item at a time keep (up to as much again).
    links.shrink_to_fit();
    anchors.shrink_to_fit();
    let mut tags = found.tags;
    tags.shrink_to_fit();
    Outline {
        links,
        anchors,
        html,
        tags,
        problems,
        words: crate::words::Counted::of(&links_read.text),
        headings,
        diagrams,
    }
}

/// A heading being read: its events, and its text for the anchor.
type HeadingRead<'a> = (Vec<Event<'a>>, String);

/// An image being read: its slot, its events, how deep in nested links and images it is,
/// and its fragment.
type Image<'a> = (usize, Vec<Event<'a>>, usize, String);

/// Leaves a slot in `html` for every link to a card or attachment, marks links to other
/// sites, and gives headings their anchors (listed in `anchors`).
fn rewrite<'a>(
    events: impl Iterator<Item = Event<'a>>,
    html: &mut Unlinked,
    anchors: &mut Vec<String>,
    levels: &mut Vec<u8>,
) -> Vec<Event<'a>> {
    let mut out = Vec::new();
    // What closes each open link or image: an event, or None to keep the original end event.
    let mut closers: Vec<Option<Event<'a>>> = Vec::new();
    let mut heading: Option<HeadingRead<'a>> = None;
    let mut image: Option<Image<'a>> = None;
    // The paragraph being read: where it starts in `out`, and the slots of its embeds.
    let mut paragraph: Option<(usize, Vec<usize>)> = None;
    let mut ids = HeadingIds::default();
    for event in events {
        if let Some((_, text)) = &mut heading {
            push_plain(text, &event);
        }
        if let Some((_, events, depth, _)) = &mut image {
            match destination(&event) {
                Some(dest) => {
                    if let Dest::Internal(..) = dest {
                        html.reserve();
                    }
                    *depth += 1;
                }
                None if matches!(event, Event::End(TagEnd::Link | TagEnd::Image)) => *depth -= 1,
                None => {}
            }
            events.push(event);
            if let Some((slot, events, _, fragment)) = image.take_if(|(_, _, depth, _)| *depth == 0)
            {
                match (&mut paragraph, &heading) {
                    (Some((_, embeds)), _) => embeds.push(slot),
                    (None, None) => html.set_block(slot),
                    (None, Some(_)) => {}
                }
                emit(
                    &mut out,
                    &mut heading,
                    html.add_image(slot, events, fragment),
                );
            }
            continue;
        }
        let event = match event {
            Event::Start(Tag::Link {
                link_type,
                ref dest_url,
                ref title,
                ..
            }) => match classify(link_type, dest_url) {
                Dest::External => {
                    closers.push(Some(inline("</a>".into())));
                    let url = match link_type {
                        // `<a@b.org>`: the parser gives the address alone.
                        LinkType::Email => format!("mailto:{dest_url}"),
                        _ => dest_url.to_string(),
                    };
                    inline(open_external(&url, title))
                }
                Dest::SamePage(anchor) => {
                    closers.push(Some(inline("</a>".into())));
                    inline(open_same_page(&anchor))
                }
                Dest::Verbatim => {
                    closers.push(None);
                    event
                }
                Dest::Internal(_, anchor) => {
                    let (open, close) = html.add_link(fragment(anchor.as_deref()));
                    closers.push(Some(close));
                    open
                }
            },
            Event::Start(Tag::Image {
                link_type,
                ref dest_url,
                ..
            }) => match classify(link_type, dest_url) {
                Dest::Internal(_, anchor) => {
                    image = Some((html.reserve(), vec![event], 1, fragment(anchor.as_deref())));
                    continue;
                }
                Dest::SamePage(anchor) => {
                    closers.push(Some(inline("</a>".into())));
                    inline(open_same_page(&anchor))
                }
                _ => {
                    closers.push(None);
                    event
                }
            },
            Event::End(TagEnd::Link | TagEnd::Image) => match closers.pop().flatten() {
                Some(close) => close,
                None => event,
            },
            Event::Start(Tag::Heading { .. }) => {
                heading = Some((vec![event], String::new()));
                continue;
            }
            Event::Start(Tag::Paragraph) => {
                paragraph = Some((out.len(), Vec::new()));
                event
            }
            Event::End(TagEnd::Paragraph) => match paragraph.take() {
                Some((start, embeds)) if only_embeds(&out[start + 1..], &embeds) => {
                    // Embeds on lines of their own stand where blocks go, not in a `<p>`.
                    out.truncate(start);
                    for &slot in &embeds {
                        html.set_block(slot);
                        out.push(slots::marker(format!("\0{slot}\0")));
                    }
                    continue;
                }
                _ => event,
            },
            Event::End(TagEnd::Heading(level)) => {
                let (mut events, text) = heading.take().unwrap_or_default();
                if let Some(Event::Start(Tag::Heading { id, .. })) = events.first_mut() {
                    let anchor = ids.assign(id.as_deref(), &text);
                    *id = Some(anchor.clone().into());
                    // A link to the heading itself, to copy.
                    events.push(inline(format!(
                        "<a class=\"heading-anchor\" href=\"#{}\" aria-label=\"Link to the section “{}”\">#</a>",
                        escape(&anchor),
                        escape(text.trim())
                    )));
                    anchors.push(anchor);
                    levels.push(level as u8);
                }
                out.append(&mut events);
                event
            }
            event => event,
        };
        emit(&mut out, &mut heading, event);
    }
    out
}

/// Whether a paragraph's events are the markers of `embeds` and line breaks, no more.
fn only_embeds(events: &[Event], embeds: &[usize]) -> bool {
    let mut markers = embeds.iter();
    !embeds.is_empty()
        && events.iter().all(|event| match event {
            Event::SoftBreak | Event::HardBreak => true,
            Event::Text(t) => t.trim().is_empty(),
            Event::InlineHtml(h) => markers
                .next()
                .is_some_and(|slot| h.as_ref() == format!("\0{slot}\0")),
            _ => false,
        })
}

/// Adds an event to the heading being read, if any, else to the output.
fn emit<'a>(out: &mut Vec<Event<'a>>, heading: &mut Option<HeadingRead<'a>>, event: Event<'a>) {
    match heading {
        Some((events, _)) => events.push(event),
        None => out.push(event),
    }
}

fn inline<'a>(html: String) -> Event<'a> {
    Event::InlineHtml(html.into())
}

/// `#anchor` as a URL's fragment, or nothing.
pub fn fragment(anchor: Option<&str>) -> String {
    anchor
        .map(|a| format!("#{}", url_anchor(a)))
        .unwrap_or_default()
}

/// An anchor as a URL's fragment: a block's `^` is not a URL character.
fn url_anchor(anchor: &str) -> String {
    anchor.replace('^', "%5E")
}

fn open_same_page(anchor: &str) -> String {
    format!("<a href=\"#{}\">", escape(&url_anchor(anchor)))
}

/// Links to a heading of the same card that it does not have are drawn as their text,
/// like links to nothing (only once the whole card is read are its headings known).
fn unlink_missing_anchors(events: &mut [Event], anchors: &[String]) {
    let mut unlinked = false;
    for event in events.iter_mut() {
        let Event::InlineHtml(html) = event else {
            continue;
        };
        let same_page = html
            .strip_prefix("<a href=\"#")
            .and_then(|r| r.strip_suffix("\">"));
        match same_page {
            Some(anchor) if !anchors.iter().any(|a| escape(a) == anchor) => {
                *event = inline(slots::MISSING.into());
                unlinked = true;
            }
            None if unlinked && html.as_ref() == "</a>" => {
                *event = inline("</span>".into());
                unlinked = false;
            }
            _ => {}
        }
    }
}

/// The tag that opens a link to a resolved target: cards carry their status as a class,
/// stubs look different. None for a missing target.
fn link_open(href: &Href, fragment: &str, extra_class: &str) -> Option<String> {
    let (class, status, url, title) = match href {
        Href::Card { url, title, status } => ("card-link ", *status, url, Some(title)),
        Href::Stub { url, title } => ("stub-link", "", url, Some(title)),
        Href::File { url } => ("file-link", "", url, None),
        Href::Missing => return None,
    };
    let mut open = String::with_capacity(64 + url.len());
    open.push_str("<a class=\"");
    open.push_str(class);
    open.push_str(status);
    open.push_str(extra_class);
    open.push_str("\" href=\"");
    push_escaped(&mut open, url);
    push_escaped(&mut open, fragment);
    open.push('"');
    if let Some(title) = title {
        open.push_str(" data-title=\"");
        push_escaped(&mut open, title);
        open.push('"');
    }
    open.push('>');
    Some(open)
}

/// The tag that closes a link to `href`; a stub's says "(not written yet)" to screen readers.
fn link_close(href: &Href) -> &'static str {
    match href {
        Href::Stub { .. } => "<span class=\"visually-hidden\"> (not written yet)</span></a>",
        Href::Missing => "</span>",
        _ => "</a>",
    }
}

/// A whole link to a resolved target, showing `text`: the same markup as links in cards.
pub fn link_html(href: Href, text: &str) -> String {
    match link_open(&href, "", "") {
        Some(mut html) => {
            push_escaped(&mut html, text);
            html.push_str(link_close(&href));
            html
        }
        None => escape(text),
    }
}

/// The tag that opens an external link, marked as leaving the site.
fn open_external(url: &str, title: &str) -> String {
    let title = match title {
        "" => String::new(),
        t => format!(" title=\"{}\"", escape(t)),
    };
    format!(
        "<a class=\"external\" rel=\"external noopener\" href=\"{}\"{title}>",
        escape(url)
    )
}

/// Adds the text of an inline event, without markup, to `text` (for heading anchors).
fn push_plain(text: &mut String, event: &Event) {
    match event {
        Event::Text(t) | Event::Code(t) => text.push_str(t),
        Event::SoftBreak | Event::HardBreak => text.push(' '),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where the test links lead: `dns` is a stub, `*.svg` names and embedded paths are
    /// files, `gone.png` is missing, anything else is a card.
    fn fixed(link: &Link) -> Href {
        match &link.target {
            Target::Name(n) if n == "dns" => Href::Stub {
                url: "../dns/".into(),
                title: "DNS".into(),
            },
            Target::Name(n) | Target::Path(n) if n == "gone.png" => Href::Missing,
            Target::Name(n) if n.ends_with(".svg") => Href::File {
                url: format!("../{n}"),
            },
            Target::Path(p) if link.embed => Href::File {
                url: format!("../{p}"),
            },
            _ => Href::Card {
                url: "../card/".into(),
                title: "Card".into(),
                status: "complete",
            },
        }
    }

    fn to_html(markdown: &str) -> String {
        let outline = outline(markdown);
        let hrefs: Vec<Href> = outline.links.iter().map(fixed).collect();
        outline.html.linked(&hrefs).unwrap()
    }

    #[test]
    fn classifies_destinations() {
        let wiki = LinkType::WikiLink { has_pothole: false };
        assert_eq!(
            classify(wiki, "HTTP Protocol#Status Codes"),
            Dest::Internal(
                Target::Name("HTTP Protocol".into()),
                Some("status-codes".into())
            )
        );
        assert_eq!(classify(wiki, "#Intro"), Dest::SamePage("intro".into()));
        assert_eq!(
            classify(LinkType::Inline, "../web/my%20dns.md#x"),
            Dest::Internal(Target::Path("../web/my dns.md".into()), Some("x".into()))
        );
        assert_eq!(
            classify(LinkType::Inline, "https://example.org/a.md"),
            Dest::External
        );
        assert_eq!(classify(LinkType::Inline, "mailto:a@b.c"), Dest::External);
        assert_eq!(classify(LinkType::Inline, "/abs"), Dest::Verbatim);
    }

    #[test]
    fn rewrites_links_in_the_event_stream() {
        let html =
            to_html("[[dns|lookup]] [[x#Part Two]] [ext](https://e.org) `[[dns]]` ![[d.svg]]");
        assert!(html.contains("<a class=\"stub-link\" href=\"../dns/\" data-title=\"DNS\">lookup<span class=\"visually-hidden\"> (not written yet)</span></a>"), "{html}");
        assert!(
            html.contains("<a class=\"card-link complete\" href=\"../card/#part-two\""),
            "{html}"
        );
        assert!(
            html.contains(
                "<a class=\"external\" rel=\"external noopener\" href=\"https://e.org\">ext</a>"
            ),
            "{html}"
        );
        assert!(html.contains("<code>[[dns]]</code>"), "{html}");
        assert!(html.contains("<img src=\"../d.svg\""), "{html}");
    }

    #[test]
    fn code_read_while_its_grammar_compiles_is_highlighted_where_it_stood_when_drawn() {
        let mut unlinked = Unlinked::new();
        let marker = unlinked.add_code("rs", "fn main() {}\n".to_string());
        unlinked.set_html(format!("<p>Before.</p>\n{marker}<p>After.</p>\n"));
        let html = unlinked.linked(&[]).unwrap();
        assert!(
            html.starts_with(
                "<p>Before.</p>\n<pre class=\"code\" data-lang=\"rs\"><code class=\"language-rs\"><span class=\"keyword\">fn</span>"
            ),
            "{html}"
        );
        assert!(html.ends_with("</code></pre>\n<p>After.</p>\n"), "{html}");
        let ready = to_html("```rs\nfn main() {}\n```\n");
        assert_eq!(html, format!("<p>Before.</p>\n{ready}<p>After.</p>\n"));
    }

    #[test]
    fn e_mail_autolinks_keep_mailto() {
        let html = to_html("Write to <someone@example.org>.");
        assert!(
            html.contains("href=\"mailto:someone@example.org\">someone@example.org</a>"),
            "{html}"
        );
    }

    #[test]
    fn headings_get_unique_anchors() {
        let html = to_html("## Key *ideas*\n\n## Key ideas\n\n## Custom {#mine}\n");
        assert!(html.contains("<h2 id=\"key-ideas\">"), "{html}");
        assert!(html.contains("<h2 id=\"key-ideas-1\">"), "{html}");
        assert!(html.contains("<h2 id=\"mine\">"), "{html}");
    }

    #[test]
    fn links_are_drawn_once_resolved() {
        let md = "[gone](gone.png) ![a *b*](gone.png \"t\") ![[Card#Top]] ![pic](p/x.png) ![text [y](y.md)](q.png)";
        let outline = outline(md);
        assert_eq!(outline.links.len(), 6, "{:?}", outline.links);
        let html = to_html(md);
        assert!(
            html.contains("<span class=\"missing-link\">gone</span>"),
            "a link to nothing is its text alone: {html}"
        );
        assert!(
            html.contains("<span class=\"missing-link\">a <em>b</em></span>"),
            "an image of nothing is its text alone: {html}"
        );
        assert!(
            html.contains("<a class=\"card-link complete embed\" href=\"../card/#top\" data-title=\"Card\">Card#Top</a>"),
            "{html}"
        );
        assert!(
            html.contains("<img src=\"../p/x.png\" alt=\"pic\" />"),
            "{html}"
        );
        assert!(
            html.contains("<img src=\"../q.png\" alt=\"text y\" />"),
            "{html}"
        );
        assert!(!html.contains('\0'), "{html:?}");
    }

    #[test]
    fn a_nul_in_the_markdown_is_not_a_marker() {
        let html = to_html("a\0b [[x]]\n\n<div>\0</div>\n\n`\0` <span>\0</span>\n\n```\n\0\n```\n");
        assert!(!html.contains('\0'), "{html:?}");
        assert!(html.contains("card-link"), "{html}");
    }

    #[test]
    fn outline_anchors_are_the_html_anchors() {
        let outline = outline("# A\n\n## A\n\n## A ![[Card]]\n\n## Status `codes`\n");
        assert_eq!(outline.anchors, ["a", "a-1", "a-card", "status-codes"]);
        let html = outline.html.linked(&[]).unwrap();
        assert!(html.contains("<h2 id=\"a-card\">"), "{html}");
    }
}
