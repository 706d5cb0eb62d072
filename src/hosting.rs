//! What static hosts take: a tally of the files a build writes, and warnings where the
//! site passes the limits of common hosts (Cloudflare Pages: 20,000 files on its free
//! plan, 25 MiB a file; GitHub Pages: 1 GB a site).

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// The most files Cloudflare Pages takes on its free plan.
const MAX_FILES: usize = 20_000;
/// The largest file Cloudflare Pages takes.
const MAX_FILE: u64 = 25 << 20;
/// The largest site GitHub Pages publishes.
const MAX_TOTAL: u64 = 1 << 30;

/// The files of a site as they are written: how many, how large in all, and those past
/// [`MAX_FILE`].
#[derive(Default)]
pub struct Tally {
    files: AtomicUsize,
    bytes: AtomicU64,
    too_large: Mutex<Vec<(String, u64)>>,
}

impl Tally {
    /// Counts the file at `path` of `len` bytes.
    pub fn add(&self, path: &str, len: usize) {
        let len = len as u64;
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(len, Ordering::Relaxed);
        if len > MAX_FILE {
            let mut large = self.too_large.lock().unwrap_or_else(|p| p.into_inner());
            large.push((path.to_string(), len));
        }
    }

    /// A warning for each limit the site passes, naming the limit and the host.
    pub fn warnings(&self) -> Vec<String> {
        let (files, bytes) = (
            self.files.load(Ordering::Relaxed),
            self.bytes.load(Ordering::Relaxed),
        );
        let mut warnings = Vec::new();
        if files > MAX_FILES {
            warnings.push(format!(
                "the site has {files} files: Cloudflare Pages takes {MAX_FILES} at most on its free plan"
            ));
        }
        let mut large = self
            .too_large
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        large.sort();
        for (path, len) in large {
            warnings.push(format!(
                "{path} is {} MiB: Cloudflare Pages takes files of 25 MiB at most",
                len >> 20
            ));
        }
        if bytes > MAX_TOTAL {
            warnings.push(format!(
                "the site is {:.2} GB: GitHub Pages publishes sites of 1 GB at most",
                bytes as f64 / 1e9
            ));
        }
        warnings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_limit_passed_is_one_warning() {
        let tally = Tally::default();
        tally.add("small.html", 10);
        assert!(tally.warnings().is_empty());
        tally.add("graph.json", 26 << 20);
        for i in 0..MAX_FILES {
            tally.add(&format!("{i}.html"), 1 << 16);
        }
        let warnings = tally.warnings();
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        assert!(warnings[0].contains("20002 files"));
        assert!(warnings[1].starts_with("graph.json is 26 MiB"));
        assert!(warnings[2].contains("1.34 GB"));
    }
}
