//! A rendered site in memory: every output file by its `/`-separated path, as shared bytes
//! that the page cache, the output writer and the server pass around without copying.

use anyhow::{Result, anyhow};
use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};

/// Bytes shared between the site, the page cache and the server, never copied.
pub type Bytes = Arc<[u8]>;

/// A rendered site: every output file by its `/`-separated path.
#[derive(Clone, Debug, Default)]
pub struct Site {
    /// File contents by path, in path order; shared, so that a copy of the site costs
    /// nothing until one of them changes (`Arc::make_mut`).
    pub files: Arc<BTreeMap<String, Bytes>>,
}

impl Site {
    /// A [`Put`] that adds each file to `site`.
    pub fn put_into(site: &Mutex<Site>) -> impl Fn(String, Bytes) -> Result<()> + Sync + '_ {
        |path, bytes| lock(site).add(path, bytes)
    }

    /// Adds a file; two sources for one path is an error naming the path.
    pub fn add(&mut self, path: String, bytes: Bytes) -> Result<()> {
        if self.files.contains_key(&path) {
            return Err(clash(&path));
        }
        Arc::make_mut(&mut self.files).insert(path, bytes);
        Ok(())
    }
}

/// What `mutex` guards, even if a thread panicked while it held it (the panic is reported
/// where it happened; what it left is still worth a build's output or the server's pages).
pub fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

/// A [`Put`] for a build that writes nothing, only checks: it keeps the paths alone in
/// `paths`, and two sources for one path is the same error as in a site.
pub fn put_paths_into(
    paths: &Mutex<HashSet<String>>,
) -> impl Fn(String, Bytes) -> Result<()> + Sync + '_ {
    |path, _| {
        let mut paths = lock(paths);
        if paths.contains(&path) {
            return Err(clash(&path));
        }
        paths.insert(path);
        Ok(())
    }
}

/// The error for a second file at `path`.
pub fn clash(path: &str) -> anyhow::Error {
    anyhow!("two sources produce the same output file `{path}`; rename one of them")
}

/// Where drawn files go, each by its `/`-separated path, as soon as it is drawn.
pub type Put<'a> = &'a (dyn Fn(String, Bytes) -> Result<()> + Sync);
