//! A card's HTML with its links left open. Parsing and rendering Markdown is the costly part
//! of a page; where a link to another card goes, and how it looks, is known only once the
//! graph is built. So a card is rendered once, with a marker where each such link opens and
//! closes, and the markers are replaced by the resolved links when a page is drawn. Code
//! read while its grammar was being compiled has a slot too, highlighted when drawn.

use super::code::{highlighted_block, plain_block};
use super::packed::Packed;
use super::sections::{self, Section};
use super::{Href, link_close, link_open, media};
use crate::html::escape;
use crate::scratch::Scratch;
use pulldown_cmark::{Event, LinkType, Tag, html};
use std::hash::{Hash, Hasher};
use std::io;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

/// How a link or embed whose target was not found is drawn: its text, marked, and no
/// link that would lead nowhere (the build warns about it).
pub(super) const MISSING: &str = "<span class=\"missing-link\">";

/// Starts and ends a marker. Markdown cannot put it in the HTML: [`super::outline`] replaces
/// it before parsing.
const MARK: char = '\0';

/// A card's HTML with a slot for each link to a card or attachment, in the order of the
/// outline's links, and where its sections are.
#[derive(Clone, Debug, Default)]
pub struct Unlinked {
    html: Packed,
    slots: Vec<Slot>,
    sections: Vec<Section>,
    /// The code blocks left to highlight, each where `\0#i\0` stands.
    code: Vec<Code>,
    /// A hash of the three, made the first time it is hashed: `serve` hashes a card's HTML
    /// into the signature of every page that shows it, and the HTML does not change.
    fingerprint: OnceLock<u64>,
}

impl PartialEq for Unlinked {
    fn eq(&self, other: &Unlinked) -> bool {
        (&self.html, &self.slots, &self.sections, &self.code)
            == (&other.html, &other.slots, &other.sections, &other.code)
    }
}

impl Hash for Unlinked {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let fingerprint = self.fingerprint.get_or_init(|| {
            let mut hasher = std::hash::DefaultHasher::new();
            (&self.html, &self.slots, &self.sections, &self.code).hash(&mut hasher);
            hasher.finish()
        });
        fingerprint.hash(state);
    }
}

/// How one link is drawn, whatever it resolves to.
#[derive(Clone, Debug, PartialEq, Hash)]
enum Slot {
    /// A link: opened where `\0i\0` stands and closed at `\0/i\0`.
    Link {
        /// The `#anchor` it asks for, if any.
        fragment: String,
    },
    /// An image (or a card embedded with `![[card]]`), standing whole at `\0i\0`; boxed,
    /// as images are few and links many.
    Image(Box<Image>),
    /// A link inside an image's text, which is not drawn as a link (and an image's slot
    /// until its end is read).
    Nested,
}

/// A fenced code block whose grammar was still being compiled when its card was read.
#[derive(Clone, Debug)]
struct Code {
    language: String,
    code: String,
    /// Its HTML, made the first time it is drawn.
    html: OnceLock<String>,
}

impl Code {
    /// Its HTML: highlighted, or plain if the grammar did not compile; without the end
    /// of its last line, which its marker keeps.
    fn html(&self) -> &str {
        self.html.get_or_init(|| {
            let mut block = highlighted_block(&self.language, &self.code)
                .unwrap_or_else(|| plain_block(&self.language, &self.code));
            if block.ends_with('\n') {
                block.pop();
            }
            block
        })
    }
}

impl PartialEq for Code {
    fn eq(&self, other: &Code) -> bool {
        (&self.language, &self.code) == (&other.language, &other.code)
    }
}

impl Hash for Code {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (&self.language, &self.code).hash(state);
    }
}

/// How an image or embed is drawn.
#[derive(Clone, Debug, PartialEq, Hash)]
struct Image {
    fragment: String,
    /// The element that shows the attachment, before and after its URL.
    file: (String, String),
    /// The image's text as HTML: the link text of an embedded card.
    text: String,
    /// Whether it stands on its own, where a block may go: a card embedded there is
    /// shown whole.
    block: bool,
}

/// How the links of a card are drawn on one page: where each leads, whether the heading it
/// asks for is there, and the HTML of each card embedded whole.
pub struct Drawn<'a> {
    /// Where each link leads, in the order of the outline's links.
    pub hrefs: &'a [Href],
    /// For each link, false if the `#heading` it asks for is not there (it then leads to
    /// the top of its target).
    pub anchored: &'a [bool],
    /// For each link, the content of the card it embeds, if it is drawn in place.
    pub embedded: &'a [Option<String>],
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

    /// Adds a slot for a code block to highlight when drawn and returns its marker, which
    /// ends its line as the block's HTML does: the HTML after it is then the same as after
    /// a block highlighted at once.
    pub(super) fn add_code(&mut self, language: &str, code: String) -> String {
        let index = self.code.len();
        self.code.push(Code {
            language: language.to_string(),
            code,
            html: OnceLock::new(),
        });
        format!("{MARK}#{index}{MARK}\n")
    }

    /// Keeps the next slot for an image whose end is still to come, and returns its index.
    pub(super) fn reserve(&mut self) -> usize {
        self.slots.push(Slot::Nested);
        self.slots.len() - 1
    }

    /// Fills slot `index`, kept by [`Unlinked::reserve`], with an image whose events (from
    /// its start to its end) are `image`, and returns the event that stands for it. A
    /// wikilink's text may give the size: `![[a.png|300]]`, `![[a.png|alt|300x200]]`.
    pub(super) fn add_image<'a>(
        &mut self,
        index: usize,
        image: Vec<Event>,
        fragment: String,
    ) -> Event<'a> {
        let text = to_html(image[1..image.len() - 1].iter().cloned());
        let (file, text) = match image.first() {
            Some(Event::Start(Tag::Image {
                dest_url,
                title,
                link_type,
                ..
            })) => {
                let wiki = matches!(link_type, LinkType::WikiLink { .. });
                let (alt, size) = match text.rsplit_once('|').unwrap_or(("", &text)) {
                    (alt, size) if wiki => match media::size(size) {
                        Some(size) => (alt, Some(size)),
                        None => (text.as_str(), None),
                    },
                    _ => (text.as_str(), None),
                };
                let dest = dest_url.trim_end_matches('\\');
                let name = dest.rsplit('/').next().unwrap_or_default();
                let alt = if alt.is_empty() {
                    escape(name)
                } else {
                    alt.to_string()
                };
                (media::element(dest, &alt, title, size), alt)
            }
            _ => ((String::new(), String::new()), text),
        };
        if let Some(slot) = self.slots.get_mut(index) {
            *slot = Slot::Image(Box::new(Image {
                fragment,
                file,
                text,
                block: false,
            }));
        }
        marker(format!("{MARK}{index}{MARK}"))
    }

    /// Marks the image of slot `index` as standing on its own.
    pub(super) fn set_block(&mut self, index: usize) {
        if let Some(Slot::Image(image)) = self.slots.get_mut(index) {
            image.block = true;
        }
    }

    /// Whether link `index` is an embed standing on its own, where a card can be shown.
    pub fn is_block_embed(&self, index: usize) -> bool {
        matches!(self.slots.get(index), Some(Slot::Image(image)) if image.block)
    }

    /// Sets the HTML, once every slot is known, and finds its sections.
    pub(super) fn set_html(&mut self, html: String) {
        let (html, sections) = sections::take_out(html);
        (self.html, self.sections) = (Packed::of(html), sections);
        // Kept until the card's page is drawn: without the room left for more.
        self.slots.shrink_to_fit();
        self.sections.shrink_to_fit();
        self.code.shrink_to_fit();
        self.fingerprint = OnceLock::new();
    }

    /// Puts the HTML away until it is drawn: into `scratch` if given, as it is, else
    /// compressed in memory.
    pub fn put_away(&mut self, scratch: Option<&Arc<Scratch>>) {
        match scratch {
            Some(scratch) => self.html.spill(scratch),
            None => self.html.pack(),
        }
    }

    /// The bytes of the HTML of the section under heading `anchor`, or of block `^id`.
    pub fn section(&self, anchor: &str) -> Option<Range<usize>> {
        (self.sections.iter())
            .find(|s| s.anchor == anchor)
            .map(|s| s.range.clone())
    }

    /// The whole HTML, as [`Unlinked::section`] gives a part.
    pub fn whole(&self) -> Range<usize> {
        0..self.html.len()
    }

    /// The HTML with every link drawn to its target: `hrefs` holds where each of the
    /// outline's links leads, in order; a link without one is drawn as its text alone.
    pub fn linked(&self, hrefs: &[Href]) -> io::Result<String> {
        let drawn = Drawn {
            hrefs,
            anchored: &[],
            embedded: &[],
        };
        self.draw(self.whole(), &drawn)
    }

    /// The HTML of `part` (all of it, a section) with its links drawn as `drawn` says; an
    /// error if the HTML waited in a scratch file that could not be read.
    pub fn draw(&self, part: Range<usize>, drawn: &Drawn) -> io::Result<String> {
        let whole = self.html.unpack()?;
        let Some(html) = whole.get(part) else {
            return Ok(String::new());
        };
        let mut out = String::with_capacity(html.len() + 96 * self.slots.len());
        let mut rest = html;
        while let Some(at) = rest.find(MARK) {
            out.push_str(&rest[..at]);
            let marker = &rest[at + 1..];
            let Some(end) = marker.find(MARK) else {
                break;
            };
            rest = &marker[end + 1..];
            if let Some(code) = marker[..end].strip_prefix('#') {
                if let Some(code) = code.parse().ok().and_then(|i: usize| self.code.get(i)) {
                    out.push_str(code.html());
                }
                continue;
            }
            let (closing, index) = match marker[..end].strip_prefix('/') {
                Some(index) => (true, index),
                None => (false, &marker[..end]),
            };
            let Ok(index) = index.parse::<usize>() else {
                continue;
            };
            let href = drawn.hrefs.get(index).unwrap_or(&Href::Missing);
            let anchored = drawn.anchored.get(index) != Some(&false);
            match (self.slots.get(index), closing) {
                (Some(Slot::Link { .. }), true) => out.push_str(link_close(href)),
                (Some(Slot::Link { fragment }), false) => out.push_str(
                    &link_open(href, kept(fragment, anchored), "").unwrap_or(MISSING.into()),
                ),
                (Some(Slot::Image(image)), _) => {
                    let Image {
                        fragment,
                        file,
                        text,
                        ..
                    } = &**image;
                    match (href, link_open(href, kept(fragment, anchored), " embed")) {
                        (Href::File { url }, _) => {
                            out.push_str(&file.0);
                            out.push_str(&escape(url));
                            out.push_str(&file.1);
                        }
                        (_, Some(open)) => match drawn.embedded.get(index) {
                            Some(Some(embedded)) => out.push_str(embedded),
                            _ => {
                                out.push_str(&open);
                                out.push_str(text);
                                out.push_str(link_close(href));
                            }
                        },
                        (_, None) => {
                            out.push_str(MISSING);
                            out.push_str(text);
                            out.push_str(link_close(href));
                        }
                    }
                }
                _ => {}
            }
        }
        out.push_str(rest);
        Ok(out)
    }

    /// The HTML of the section `anchor` with no links drawn (for tests).
    #[cfg(test)]
    pub(super) fn section_html(&self, anchor: &str) -> Option<String> {
        self.html
            .unpack()
            .ok()?
            .get(self.section(anchor)?)
            .map(str::to_string)
    }
}

/// The `#fragment` of a link, if the heading it names is there to go to.
fn kept(fragment: &str, anchored: bool) -> &str {
    if anchored { fragment } else { "" }
}

/// An event holding a slot's marker.
pub(super) fn marker<'a>(text: String) -> Event<'a> {
    Event::InlineHtml(text.into())
}

fn to_html<'a>(events: impl IntoIterator<Item = Event<'a>>) -> String {
    let mut out = String::new();
    html::push_html(&mut out, events.into_iter());
    out
}
