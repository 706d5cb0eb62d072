//! A card's HTML kept compressed while it waits to be drawn. Every card's HTML is made when
//! the cards are read and used when its page (or a page embedding it) is drawn; on a large
//! site it was the largest part of a build's memory. LZ4 halves it at a small cost:
//! compressing runs at several hundred megabytes a second, unpacking many times faster.
//! A build can also let it wait on disk, in a [`Scratch`] file: packed, 50,000 cards' HTML
//! is still 158 MB.

use std::borrow::Cow;
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// HTML, compressed. Equal HTML packs to equal bytes, so packs compare and hash as their
/// HTML would.
#[derive(Clone, Debug, Default)]
pub(super) struct Packed {
    /// The length of the HTML, in bytes.
    len: usize,
    /// The HTML in LZ4's block format.
    bytes: Stored,
}

/// Where packed bytes are.
#[derive(Clone, Debug)]
enum Stored {
    /// In memory.
    Held(Box<[u8]>),
    /// In a scratch file: `size` bytes from byte `at`.
    Spilled {
        scratch: Arc<Scratch>,
        at: u64,
        size: usize,
    },
}

impl Default for Stored {
    fn default() -> Stored {
        Stored::Held(Box::default())
    }
}

impl PartialEq for Packed {
    fn eq(&self, other: &Packed) -> bool {
        self.len == other.len && matches!((self.bytes(), other.bytes()), (Ok(a), Ok(b)) if a == b)
    }
}

impl Eq for Packed {}

impl Hash for Packed {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.len.hash(state);
        if let Ok(bytes) = self.bytes() {
            bytes.hash(state);
        }
    }
}

impl Packed {
    /// `html`, packed; no HTML packs to no bytes, as [`Packed::default`].
    pub(super) fn of(html: &str) -> Packed {
        if html.is_empty() {
            return Packed::default();
        }
        Packed {
            len: html.len(),
            bytes: Stored::Held(lz4_flex::compress(html.as_bytes()).into_boxed_slice()),
        }
    }

    /// The length of the HTML, in bytes.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Moves the packed bytes out of memory into `scratch`; they stay in memory if it
    /// cannot take them.
    pub(super) fn spill(&mut self, scratch: &Arc<Scratch>) {
        let Stored::Held(bytes) = &self.bytes else {
            return;
        };
        if bytes.is_empty() {
            return;
        }
        if let Ok(at) = scratch.put(bytes) {
            let size = bytes.len();
            let scratch = Arc::clone(scratch);
            self.bytes = Stored::Spilled { scratch, at, size };
        }
    }

    /// The HTML again; an error if it waited on disk and could not be read back.
    pub(super) fn unpack(&self) -> io::Result<String> {
        if self.len == 0 {
            return Ok(String::new());
        }
        let html = lz4_flex::decompress(&self.bytes()?, self.len).map_err(io::Error::other)?;
        String::from_utf8(html).map_err(io::Error::other)
    }

    /// The packed bytes, read back if they were spilled.
    fn bytes(&self) -> io::Result<Cow<'_, [u8]>> {
        match &self.bytes {
            Stored::Held(bytes) => Ok(Cow::Borrowed(bytes)),
            Stored::Spilled { scratch, at, size } => scratch.get(*at, *size).map(Cow::Owned),
        }
    }
}

/// A file without a name that cards' packed HTML waits in until its pages are drawn, so
/// that a large site's HTML is on disk rather than in memory during a build. Every card
/// whose HTML is in it holds it; it is gone when the last one goes, however the build ends.
#[derive(Debug)]
pub struct Scratch {
    file: File,
    /// Where the next bytes go: the file's length so far.
    end: AtomicU64,
}

impl Scratch {
    /// A new scratch file in `folder` (choose one on the disk the site is written to:
    /// the system's temporary folder may be memory).
    pub fn in_folder(folder: &Path) -> io::Result<Arc<Scratch>> {
        Ok(Arc::new(Scratch {
            file: tempfile::tempfile_in(folder)?,
            end: AtomicU64::new(0),
        }))
    }

    /// Writes `bytes` at the end of the file; returns where they start.
    fn put(&self, bytes: &[u8]) -> io::Result<u64> {
        let at = self.end.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        write_at(&self.file, bytes, at)?;
        Ok(at)
    }

    /// The `size` bytes from byte `at`.
    fn get(&self, at: u64, size: usize) -> io::Result<Vec<u8>> {
        let mut bytes = vec![0; size];
        read_at(&self.file, &mut bytes, at)?;
        Ok(bytes)
    }
}

#[cfg(unix)]
fn write_at(file: &File, bytes: &[u8], at: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, at)
}

#[cfg(unix)]
fn read_at(file: &File, bytes: &mut [u8], at: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, at)
}

/// Elsewhere the HTML stays in memory: writing at an offset is refused.
#[cfg(not(unix))]
fn write_at(_: &File, _: &[u8], _: u64) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

#[cfg(not(unix))]
fn read_at(_: &File, _: &mut [u8], _: u64) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_comes_back_as_it_was_packed_and_smaller() {
        let html = "<p>A <em>client</em> asks; a <em>server</em> answers. é ü</p>\n".repeat(50);
        let packed = Packed::of(&html);
        assert_eq!(packed.unpack().unwrap(), html);
        assert_eq!(packed.len(), html.len());
        let Stored::Held(bytes) = &packed.bytes else {
            panic!("held");
        };
        assert!(bytes.len() < html.len() / 4, "{} bytes", bytes.len());
        assert_eq!(Packed::of(""), Packed::default());
        assert_eq!(Packed::default().unpack().unwrap(), "");
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
        let held: Vec<Packed> = pages.iter().map(|p| Packed::of(p)).collect();
        let mut spilled = held.clone();
        spilled.iter_mut().for_each(|p| p.spill(&scratch));
        assert!(matches!(spilled[0].bytes, Stored::Spilled { .. }));
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
