//! A small chainable helper for building test sites, and a link checker for built output.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;

/// A site in a fresh temp folder.
pub struct TestSite {
    dir: TempDir,
}

impl TestSite {
    /// An empty site.
    pub fn new() -> Self {
        TestSite {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A copy of `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> Self {
        let site = Self::new();
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(name),
            site.path(),
        );
        site
    }

    /// A copy of the project's own `cards/`.
    pub fn own_cards() -> Self {
        let site = Self::new();
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("cards"),
            &site.path().join("cards"),
        );
        site
    }

    /// Adds (or replaces) a file, creating its folders.
    pub fn file(self, rel: &str, text: impl AsRef<[u8]>) -> Self {
        self.write(rel, text);
        self
    }

    /// Writes a file, creating its folders.
    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// The site root.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `cardweb ARGS` in the site root.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_cardweb"))
            .args(args)
            .current_dir(self.path())
            .output()
            .expect("run cardweb");
        Run(output)
    }

    /// Runs `cardweb build` and asserts that it succeeded.
    pub fn build(&self) -> Run {
        self.run(&["build"]).success()
    }

    /// A file of the built output, as text.
    pub fn page(&self, rel: &str) -> String {
        let path = self.path().join("output").join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// Every file under `output/` with its bytes.
    pub fn output_files(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        Self::output_files_in(&self.path().join("output"))
    }

    /// Every file under `dir` with its bytes.
    pub fn output_files_in(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
        files_under(dir)
    }
}

/// The outcome of one run of the binary.
pub struct Run(pub Output);

impl Run {
    /// Asserts exit code 0 and passes the run on.
    pub fn success(self) -> Self {
        assert!(
            self.0.status.success(),
            "cardweb failed:\n{}{}",
            self.stdout(),
            self.stderr()
        );
        self
    }

    /// Asserts exit code 1 and passes the run on.
    pub fn failure(self) -> Self {
        assert_eq!(
            self.0.status.code(),
            Some(1),
            "expected exit 1:\n{}{}",
            self.stdout(),
            self.stderr()
        );
        self
    }

    /// What it printed to stdout.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }

    /// What it printed to stderr.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for (rel, bytes) in files_under(from) {
        let target = to.join(rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, bytes).unwrap();
    }
}

fn files_under(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.insert(
                    path.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&path).unwrap(),
                );
            }
        }
    }
    files
}

/// Checks every `href` and `src` of every HTML page under `out`: each relative URL must
/// name a file of the output, and each `#fragment` an `id` in its page. Returns the broken
/// ones as `page: url` lines.
pub fn broken_links(out: &Path) -> Vec<String> {
    let files = files_under(out);
    let text = |path: &Path| String::from_utf8_lossy(&files[path]).into_owned();
    let mut broken = Vec::new();
    for page in files
        .keys()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
    {
        if page == Path::new("404.html") {
            continue; // served at any depth; its links are checked from the root below
        }
        let html = text(page);
        for url in attribute_values(&html, "href")
            .into_iter()
            .chain(attribute_values(&html, "src"))
        {
            if url.contains("://") || url.starts_with("mailto:") || url.starts_with("//") {
                continue;
            }
            let (path, fragment) = url.split_once('#').unwrap_or((&url, ""));
            let target = if path.is_empty() {
                Some(page.clone())
            } else {
                resolve(page.parent().unwrap(), &cardweb::html::percent_decode(path))
            };
            let ok = target.is_some_and(|t| {
                files.contains_key(&t)
                    && (fragment.is_empty() || {
                        let id = cardweb::html::percent_decode(fragment);
                        text(&t).contains(&format!("id=\"{id}\""))
                    })
            });
            if !ok {
                broken.push(format!("{}: {url}", page.display()));
            }
        }
    }
    broken
}

/// The values of `name="..."` attributes in `html`, with entities decoded.
pub fn attribute_values(html: &str, name: &str) -> Vec<String> {
    let needle = format!(" {name}=\"");
    html.match_indices(&needle)
        .map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            let value = &rest[..rest.find('"').unwrap()];
            value.replace("&#x2F;", "/").replace("&amp;", "&")
        })
        .collect()
}

fn resolve(dir: &Path, url: &str) -> Option<PathBuf> {
    let mut parts: Vec<String> = dir
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    for part in url.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p.to_string()),
        }
    }
    if url.ends_with('/') || url == "." || url.ends_with("/.") {
        parts.push("index.html".into());
    }
    Some(parts.iter().collect())
}

/// A small deterministic generator (xorshift), so a failing sequence can be replayed.
pub struct Random(pub u64);

impl Random {
    /// A number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    /// One of `items`.
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}
