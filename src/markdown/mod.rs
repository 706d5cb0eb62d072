//! The only place pulldown-cmark is configured. One parser setup serves two jobs:
//! [`outline`] lists a card's links and heading anchors for the graph, and [`to_html`]
//! renders a card with every link rewritten in the event stream by a [`Resolver`], headings
//! given stable anchors, and callouts and quizzes turned into their boxes.

mod callout;
mod outline;

pub use outline::{Link, Outline, outline};

use crate::slug::slugify;
use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd, TextMergeStream};
use std::collections::HashMap;

/// The Markdown dialect of cards: CommonMark plus tables, footnotes, strikethrough, task
/// lists, heading ids and `[[wikilinks]]`. Callouts are recognised by [`callout`] for every
/// kind, so GFM's five-kind alerts stay off.
fn options() -> Options {
    Options::ENABLE_TABLES
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

fn classify(link_type: LinkType, dest: &str) -> Dest {
    if let LinkType::WikiLink { .. } = link_type {
        let (name, anchor) = split_anchor(dest);
        let name = name.trim();
        return match (name.is_empty(), anchor) {
            (true, Some(anchor)) => Dest::SamePage(anchor),
            (true, None) => Dest::Verbatim,
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

/// Splits `name#heading` and turns the heading into its anchor slug.
fn split_anchor(dest: &str) -> (&str, Option<String>) {
    match dest.split_once('#') {
        Some((name, heading)) => (name, Some(slugify(&percent_decode(heading)))),
        None => (dest, None),
    }
}

/// Decodes `%XX` escapes in a URL path; text that would not be UTF-8 is left as it was.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

/// A resolved link: where it goes and how it looks.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Href {
    /// A written card; `status` is `complete` or `draft`, and becomes a CSS class.
    Card {
        url: String,
        title: String,
        status: &'static str,
    },
    /// A concept with no card yet: drawn differently, and announced to screen readers.
    Stub { url: String, title: String },
    /// An attachment copied to the output.
    File { url: String },
    /// Nothing found (a missing attachment): the link is left as written.
    Missing,
}

/// Turns link targets into URLs; the renderer implements it over the knowledge graph.
pub trait Resolver {
    /// Where `target` (an image if `embed`) leads from the card being rendered.
    fn resolve(&self, target: &Target, embed: bool) -> Href;
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

/// Renders a card's Markdown to HTML, resolving its links with `resolver`.
pub fn to_html(markdown: &str, resolver: &dyn Resolver) -> String {
    let events = TextMergeStream::new(Parser::new_ext(markdown, options()));
    let events = rewrite_links_and_headings(events, resolver);
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    callout::push_html(&mut html, events);
    html
}

fn rewrite_links_and_headings<'a>(
    events: impl Iterator<Item = Event<'a>>,
    resolver: &dyn Resolver,
) -> Vec<Event<'a>> {
    let mut out = Vec::new();
    // What closes each open link or image: raw HTML, or None to keep the original end event.
    let mut closers: Vec<Option<String>> = Vec::new();
    let mut heading: Option<Vec<Event<'a>>> = None;
    let mut ids = HeadingIds::default();
    for event in events {
        let event = match event {
            Event::Start(Tag::Link {
                link_type,
                ref dest_url,
                ref title,
                ..
            }) => {
                let opened = match classify(link_type, dest_url) {
                    Dest::External => Some(open_external(dest_url, title)),
                    dest => open_link(dest, resolver, ""),
                };
                match opened {
                    Some((open, close)) => {
                        closers.push(Some(close));
                        Event::InlineHtml(open.into())
                    }
                    None => {
                        closers.push(None);
                        event
                    }
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = classify(link_type, &dest_url);
                let file = match &dest {
                    Dest::Internal(target, _) => match resolver.resolve(target, true) {
                        Href::File { url } => Some(url),
                        _ => None,
                    },
                    _ => None,
                };
                // An image of a card (`![[other-card]]`) links to that card.
                let embed = match file {
                    Some(_) => None,
                    None => open_link(dest, resolver, " embed"),
                };
                closers.push(embed.as_ref().map(|(_, close)| close.clone()));
                match (file, embed) {
                    (Some(url), _) => Event::Start(Tag::Image {
                        link_type,
                        dest_url: url.into(),
                        title,
                        id,
                    }),
                    (None, Some((open, _))) => Event::InlineHtml(open.into()),
                    (None, None) => Event::Start(Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }),
                }
            }
            Event::End(TagEnd::Link | TagEnd::Image) => match closers.pop().flatten() {
                Some(close) => Event::InlineHtml(close.into()),
                None => event,
            },
            Event::Start(Tag::Heading { .. }) => {
                heading = Some(vec![event]);
                continue;
            }
            Event::End(TagEnd::Heading(_)) => {
                let mut events = heading.take().unwrap_or_default();
                let text = plain_text(&events);
                if let Some(Event::Start(Tag::Heading { id, .. })) = events.first_mut() {
                    *id = Some(ids.assign(id.as_deref(), &text).into());
                }
                out.append(&mut events);
                event
            }
            event => event,
        };
        match &mut heading {
            Some(events) => events.push(event),
            None => out.push(event),
        }
    }
    out
}

/// The HTML that opens and closes a link to `dest`, or None to leave the link as written.
fn open_link(dest: Dest, resolver: &dyn Resolver, extra_class: &str) -> Option<(String, String)> {
    match dest {
        Dest::External | Dest::Verbatim => None,
        Dest::SamePage(anchor) => Some((
            format!("<a href=\"#{}\">", escape(&anchor)),
            "</a>".to_string(),
        )),
        Dest::Internal(target, anchor) => {
            let fragment = anchor.map(|a| format!("#{a}")).unwrap_or_default();
            link_tags(resolver.resolve(&target, false), &fragment, extra_class)
        }
    }
}

/// The tags around a link to a resolved target: cards carry their status as a class, stubs
/// look different and say "(not written yet)" to screen readers. None for a missing target.
fn link_tags(href: Href, fragment: &str, extra_class: &str) -> Option<(String, String)> {
    let (class, url, title, close) = match href {
        Href::Card { url, title, status } => {
            (format!("card-link {status}"), url, Some(title), "</a>")
        }
        Href::Stub { url, title } => (
            "stub-link".to_string(),
            url,
            Some(title),
            "<span class=\"visually-hidden\"> (not written yet)</span></a>",
        ),
        Href::File { url } => ("file-link".to_string(), url, None, "</a>"),
        Href::Missing => return None,
    };
    let title = title
        .map(|t| format!(" data-title=\"{}\"", escape(&t)))
        .unwrap_or_default();
    let open = format!(
        "<a class=\"{class}{extra_class}\" href=\"{}{}\"{title}>",
        escape(&url),
        escape(fragment)
    );
    Some((open, close.to_string()))
}

/// A whole link to a resolved target, showing `text`: the same markup as links in cards.
pub fn link_html(href: Href, text: &str) -> String {
    match link_tags(href, "", "") {
        Some((open, close)) => format!("{open}{}{close}", escape(text)),
        None => escape(text),
    }
}

/// The HTML that opens and closes an external link, marked as leaving the site.
fn open_external(url: &str, title: &str) -> (String, String) {
    let title = match title {
        "" => String::new(),
        t => format!(" title=\"{}\"", escape(t)),
    };
    let open = format!(
        "<a class=\"external\" rel=\"external noopener\" href=\"{}\"{title}>",
        escape(url)
    );
    (open, "</a>".to_string())
}

/// The text of inline events, without markup (for heading anchors and link context).
fn plain_text(events: &[Event]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed;
    impl Resolver for Fixed {
        fn resolve(&self, target: &Target, embed: bool) -> Href {
            match target {
                Target::Name(n) if n == "dns" => Href::Stub {
                    url: "../dns/".into(),
                    title: "DNS".into(),
                },
                Target::Name(n) if n.ends_with(".svg") => Href::File {
                    url: format!("../{n}"),
                },
                Target::Path(p) if embed => Href::File {
                    url: format!("../{p}"),
                },
                _ => Href::Card {
                    url: "../card/".into(),
                    title: "Card".into(),
                    status: "complete",
                },
            }
        }
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
        let html = to_html(
            "[[dns|lookup]] [[x#Part Two]] [ext](https://e.org) `[[dns]]` ![[d.svg]]",
            &Fixed,
        );
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
    fn headings_get_unique_anchors() {
        let html = to_html(
            "## Key *ideas*\n\n## Key ideas\n\n## Custom {#mine}\n",
            &Fixed,
        );
        assert!(html.contains("<h2 id=\"key-ideas\">"), "{html}");
        assert!(html.contains("<h2 id=\"key-ideas-1\">"), "{html}");
        assert!(html.contains("<h2 id=\"mine\">"), "{html}");
    }
}
