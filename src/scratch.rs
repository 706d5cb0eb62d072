//! A file without a name for what a build keeps of its cards until it is drawn: a card's
//! HTML until its page is drawn, its words until the search index is made, so that a large
//! site's cards wait on disk rather than in memory.

use std::fs::File;
use std::io;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// The scratch file. Everything kept in it holds it; it is gone when the last holder goes,
/// however the build ends.
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

    /// Writes `bytes` at the end of the file; returns the handle that reads them back.
    pub fn put(self: &Arc<Scratch>, bytes: &[u8]) -> io::Result<Spilled> {
        let at = self.end.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        write_at(&self.file, bytes, at)?;
        Ok(Spilled {
            scratch: Arc::clone(self),
            at,
            len: bytes.len(),
        })
    }
}

/// Bytes put in a scratch file: where they are, with the file held open.
#[derive(Clone, Debug)]
pub struct Spilled {
    scratch: Arc<Scratch>,
    at: u64,
    len: usize,
}

impl Spilled {
    /// The bytes again.
    pub fn read(&self) -> io::Result<Vec<u8>> {
        let mut bytes = vec![0; self.len];
        read_at(&self.scratch.file, &mut bytes, self.at)?;
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
