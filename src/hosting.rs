//! What static hosts take: a tally of the files a build writes, warnings where the site
//! passes the limits of common hosts (Cloudflare Pages: 20,000 files on its free plan,
//! 25 MiB a file; GitHub Pages: 1 GB a site), and, when asked, each text file
//! compressed beside it for servers that send those as they are (nginx `gzip_static`).

use std::io::Write;
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

    /// How many files are counted so far.
    pub fn files(&self) -> usize {
        self.files.load(Ordering::Relaxed)
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

/// The files worth compressing: text, by extension.
const TEXT: &[&str] = &["html", "css", "js", "json", "xml", "svg", "txt"];
/// Files smaller than this are sent as they are: compression would save next to nothing.
const MIN_COMPRESSED: usize = 1024;

/// The gzip (`.gz`, best compression, no time in the header, so the same bytes give the
/// same file) and Brotli (`.br`, quality 9) forms of the file at `path`, if it is text
/// worth compressing.
pub fn precompressed(path: &str, bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let text = path
        .rsplit_once('.')
        .is_some_and(|(_, ext)| TEXT.contains(&ext));
    if !text || bytes.len() < MIN_COMPRESSED {
        return Vec::new();
    }
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let gzip = gzip.write_all(bytes).and_then(|()| gzip.finish());
    let mut brotli = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 9,
        ..Default::default()
    };
    let brotli = brotli::BrotliCompress(&mut &bytes[..], &mut brotli, &params).map(|_| brotli);
    // Writing to memory does not fail; if it did, the plain file is still there.
    [(gzip, "gz"), (brotli, "br")]
        .into_iter()
        .filter_map(|(packed, ext)| Some((format!("{path}.{ext}"), packed.ok()?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_compressed_beside_itself_and_the_rest_is_not() {
        let page = "<p>A paragraph of a page.</p>\n".repeat(100);
        let packed = precompressed("a/index.html", page.as_bytes());
        let names: Vec<&str> = packed.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["a/index.html.gz", "a/index.html.br"]);
        let mut unpacked = String::new();
        let mut gunzip = flate2::read::GzDecoder::new(&packed[0].1[..]);
        std::io::Read::read_to_string(&mut gunzip, &mut unpacked).unwrap();
        assert_eq!(unpacked, page);
        assert!(packed.iter().all(|(_, b)| b.len() < page.len() / 10));
        assert_eq!(
            precompressed("a/index.html", page.as_bytes()),
            packed,
            "the same bytes"
        );
        assert!(precompressed("photo.png", page.as_bytes()).is_empty());
        assert!(precompressed("tiny.html", b"<p>x</p>").is_empty());
    }

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
