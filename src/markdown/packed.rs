//! A card's HTML while it waits to be drawn. Every card's HTML is made when the cards are
//! read and used when its page (or a page embedding it) is drawn; on a large site it was
//! the largest part of a build's memory. `serve` keeps it in memory, LZ4-compressed (half
//! the size; compressing runs at several hundred megabytes a second, unpacking many times
//! faster); `cardweb build` writes it as it is into a scratch file (50,000 cards'
//! HTML was 158 MB even packed), which costs no compressing at all.

use crate::scratch::{Scratch, Spilled};
use std::borrow::Cow;
use std::hash::{Hash, Hasher};
use std::io;
use std::sync::Arc;

/// A card's HTML, wherever it waits. Packs compare and hash as their HTML does.
#[derive(Clone, Debug, Default)]
pub(super) struct Packed {
    /// The length of the HTML, in bytes.
    len: usize,
    /// Where it is, and how.
    bytes: Stored,
}

/// Where a card's HTML waits.
#[derive(Clone, Debug)]
enum Stored {
    /// In memory as it is: just made.
    Plain(Box<str>),
    /// In memory, in LZ4's block format.
    Lz4(Box<[u8]>),
    /// As it is, in a scratch file.
    Spilled(Spilled),
}

impl Default for Stored {
    fn default() -> Stored {
        Stored::Plain(Box::default())
    }
}

impl PartialEq for Packed {
    fn eq(&self, other: &Packed) -> bool {
        if let (Stored::Lz4(a), Stored::Lz4(b)) = (&self.bytes, &other.bytes) {
            return a == b; // equal HTML packs to equal bytes
        }
        self.len == other.len && matches!((self.unpack(), other.unpack()), (Ok(a), Ok(b)) if a == b)
    }
}

impl Eq for Packed {}

impl Hash for Packed {
    fn hash<H: Hasher>(&self, state: &mut H) {
        if let Ok(html) = self.unpack() {
            html.hash(state);
        }
    }
}

impl Packed {
    /// `html`, as it is until it is put away ([`Packed::pack`], [`Packed::spill`]).
    pub(super) fn of(html: String) -> Packed {
        Packed {
            len: html.len(),
            bytes: Stored::Plain(html.into_boxed_str()),
        }
    }

    /// The length of the HTML, in bytes.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Compresses HTML held as it is.
    pub(super) fn pack(&mut self) {
        if let Stored::Plain(html) = &self.bytes
            && !html.is_empty()
        {
            self.bytes = Stored::Lz4(lz4_flex::compress(html.as_bytes()).into_boxed_slice());
        }
    }

    /// Moves HTML held as it is out of memory into `scratch`; if it cannot take it, packs
    /// it instead.
    pub(super) fn spill(&mut self, scratch: &Arc<Scratch>) {
        let Stored::Plain(html) = &self.bytes else {
            return;
        };
        if html.is_empty() {
            return;
        }
        match scratch.put(html.as_bytes()) {
            Ok(spilled) => self.bytes = Stored::Spilled(spilled),
            Err(_) => self.pack(),
        }
    }

    /// The HTML again; an error if it waited on disk and could not be read back.
    pub(super) fn unpack(&self) -> io::Result<Cow<'_, str>> {
        let bytes = match &self.bytes {
            Stored::Plain(html) => return Ok(Cow::Borrowed(html)),
            Stored::Lz4(bytes) => {
                lz4_flex::decompress(bytes, self.len).map_err(io::Error::other)?
            }
            Stored::Spilled(spilled) => spilled.read()?,
        };
        String::from_utf8(bytes)
            .map(Cow::Owned)
            .map_err(io::Error::other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_html_comes_back_as_it_was_and_smaller() {
        let html = "<p>A <em>client</em> asks; a <em>server</em> answers. é ü</p>\n".repeat(50);
        let mut packed = Packed::of(html.clone());
        packed.pack();
        assert_eq!(packed.unpack().unwrap(), html);
        assert_eq!(packed.len(), html.len());
        let Stored::Lz4(bytes) = &packed.bytes else {
            panic!("packed");
        };
        assert!(bytes.len() < html.len() / 4, "{} bytes", bytes.len());
        assert_eq!(packed, Packed::of(html), "as its HTML as it is");
        let mut empty = Packed::of(String::new());
        empty.pack();
        assert_eq!(empty, Packed::default());
        assert_eq!(empty.unpack().unwrap(), "");
    }

    #[test]
    fn spilled_html_leaves_memory_and_comes_back_equal() {
        let folder = tempfile::tempdir().unwrap();
        let scratch = Scratch::in_folder(folder.path()).unwrap();
        let pages = [
            "<p>one</p>".repeat(40),
            "<p>two</p>".repeat(30),
            String::new(),
        ];
        let held: Vec<Packed> = pages.iter().map(|p| Packed::of(p.clone())).collect();
        let mut spilled = held.clone();
        spilled.iter_mut().for_each(|p| p.spill(&scratch));
        assert!(matches!(spilled[0].bytes, Stored::Spilled(_)));
        for ((page, held), spilled) in pages.iter().zip(&held).zip(&spilled) {
            assert_eq!(&spilled.unpack().unwrap(), page);
            assert_eq!(spilled, held, "a spilled pack equals the held one");
        }
        assert_ne!(spilled[0], held[1]);
        assert_eq!(
            std::fs::read_dir(folder.path()).unwrap().count(),
            0,
            "the scratch file has no name in the folder"
        );
    }
}
