//! A card's HTML with its links left open. Parsing and rendering Markdown is the costly part
//! of a page; where a link to another card goes, and how it looks, is known only once the
//! graph is built. So a card is rendered once, with a marker where each such link opens and
//! closes, and the markers are replaced by the resolved links when a page is drawn.

use super::{Href, link_close, link_open};
use crate::html::escape;
use pulldown_cmark::{CowStr, Event, Tag, html};
use std::hash::{Hash, Hasher};

/// How a link or embed whose target was not found is drawn: its text, marked, and no
/// link that would lead nowhere (the build warns about it).
pub(super) const MISSING: &str = "<span class=\"missing-link\">";

/// Starts and ends a marker. Markdown cannot put it in the HTML: [`super::outline`] replaces
/// it before parsing.
const MARK: char = '\0';

/// A card's HTML with a slot for each link to a card or attachment, in the order of the
/// outline's links.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Unlinked {
    html: String,
    slots: Vec<Slot>,
}

/// How one link is drawn, whatever it resolves to.
#[derive(Clone, Debug, PartialEq)]
enum Slot {
    /// A link: opened where `\0i\0` stands and closed at `\0/i\0`.
    Link {
        /// The `#anchor` it asks for, if any.
        fragment: String,
    },
    /// An image (or a card embedded with `![[card]]`), standing whole at `\0i\0`.
    Image {
        fragment: String,
        /// The `<img>` of an attachment, before and after its URL.
        file: (String, String),
        /// The image's text as HTML: the link text of an embedded card.
        text: String,
    },
    /// A link inside an image's text, which is not drawn as a link (and an image's slot
    /// until its end is read).
    Nested,
}

impl Unlinked {
    /// Starts with no HTML.
    pub(super) fn new() -> Unlinked {
        Unlinked::default()
    }

    /// Adds a slot for a link and returns the events that stand for its start and end.
    pub(super) fn add_link<'a>(&mut self, fragment: String) -> (Event<'a>, Event<'a>) {
        let index = self.slots.len();
        self.slots.push(Slot::Link { fragment });
        (
            marker(format!("{MARK}{index}{MARK}")),
            marker(format!("{MARK}/{index}{MARK}")),
        )
    }

    /// Keeps the next slot for an image whose end is still to come, and returns its index.
    pub(super) fn reserve(&mut self) -> usize {
        self.slots.push(Slot::Nested);
        self.slots.len() - 1
    }

    /// Fills slot `index`, kept by [`Unlinked::reserve`], with an image whose events (from
    /// its start to its end) are `image`, and returns the event that stands for it.
    pub(super) fn add_image<'a>(
        &mut self,
        index: usize,
        image: Vec<Event>,
        fragment: String,
    ) -> Event<'a> {
        const PLACEHOLDER: &str = "cardweb:url";
        let text = to_html(image[1..image.len() - 1].iter().cloned());
        let mut with_placeholder = image;
        if let Some(Event::Start(Tag::Image { dest_url, .. })) = with_placeholder.first_mut() {
            *dest_url = CowStr::Borrowed(PLACEHOLDER);
        }
        let file = to_html(with_placeholder);
        let file = match file.split_once(PLACEHOLDER) {
            Some((before, after)) => (before.to_string(), after.to_string()),
            None => (file, String::new()),
        };
        if let Some(slot) = self.slots.get_mut(index) {
            *slot = Slot::Image {
                fragment,
                file,
                text,
            };
        }
        marker(format!("{MARK}{index}{MARK}"))
    }

    /// Sets the HTML, once every slot is known.
    pub(super) fn set_html(&mut self, html: String) {
        self.html = html;
    }

    /// The HTML with every link drawn to its target: `hrefs` holds where each of the
    /// outline's links leads, in order; a link without one is drawn as its text alone.
    pub fn linked(&self, hrefs: &[Href]) -> String {
        self.linked_anchored(hrefs, &[])
    }

    /// As [`Unlinked::linked`], but a link whose entry in `anchored` is false leads to the
    /// top of its target: the `#heading` it asks for is not there.
    pub fn linked_anchored(&self, hrefs: &[Href], anchored: &[bool]) -> String {
        let mut out = String::with_capacity(self.html.len() + 96 * self.slots.len());
        let mut rest = self.html.as_str();
        while let Some(at) = rest.find(MARK) {
            out.push_str(&rest[..at]);
            let marker = &rest[at + 1..];
            let Some(end) = marker.find(MARK) else {
                break;
            };
            let (closing, index) = match marker[..end].strip_prefix('/') {
                Some(index) => (true, index),
                None => (false, &marker[..end]),
            };
            rest = &marker[end + 1..];
            let Ok(index) = index.parse::<usize>() else {
                continue;
            };
            let href = hrefs.get(index).unwrap_or(&Href::Missing);
            let anchored = anchored.get(index) != Some(&false);
            match (self.slots.get(index), closing) {
                (Some(Slot::Link { .. }), true) => out.push_str(link_close(href)),
                (Some(Slot::Link { fragment }), false) => out.push_str(
                    &link_open(href, kept(fragment, anchored), "").unwrap_or(MISSING.into()),
                ),
                (
                    Some(Slot::Image {
                        fragment,
                        file,
                        text,
                    }),
                    _,
                ) => match (href, link_open(href, kept(fragment, anchored), " embed")) {
                    (Href::File { url }, _) => {
                        out.push_str(&file.0);
                        out.push_str(&escape(url));
                        out.push_str(&file.1);
                    }
                    (_, Some(open)) => {
                        out.push_str(&open);
                        out.push_str(text);
                        out.push_str(link_close(href));
                    }
                    (_, None) => {
                        out.push_str(MISSING);
                        out.push_str(text);
                        out.push_str(link_close(href));
                    }
                },
                _ => {}
            }
        }
        out.push_str(rest);
        out
    }
}

/// The `#fragment` of a link, if the heading it names is there to go to.
fn kept(fragment: &str, anchored: bool) -> &str {
    if anchored { fragment } else { "" }
}

/// Hashes what the HTML is drawn from, for page signatures.
impl Hash for Unlinked {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.html.hash(state);
        for slot in &self.slots {
            match slot {
                Slot::Link { fragment } => (0u8, fragment).hash(state),
                Slot::Image {
                    fragment,
                    file,
                    text,
                } => (1u8, fragment, file, text).hash(state),
                Slot::Nested => 2u8.hash(state),
            }
        }
    }
}

fn marker<'a>(text: String) -> Event<'a> {
    Event::InlineHtml(text.into())
}

fn to_html<'a>(events: impl IntoIterator<Item = Event<'a>>) -> String {
    let mut out = String::new();
    html::push_html(&mut out, events.into_iter());
    out
}
