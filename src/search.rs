//! Search on any static host: an index of every concept's title, aliases, summary, tags,
//! headings and text, cut into small script files so that a query loads only what it needs
//! (the shard of each word's first two letters, then the records of its best results).
//! Files are scripts that hand their data to `cardwebSearch`, so the index loads from
//! `file://` too. `assets/search.js` reads it: search as you type, and link previews.
//!
//! - `search/meta.js`: the shards there are, and where each chunk of records starts.
//! - `search/t/<key>.js`: for each word starting with `key`, the records it is in, each
//!   with a weight (title 9, alias 8, heading and tag 5, summary 3, text 1 or 2).
//! - `search/r/<n>.js`: records (id, title, status, summary, who wants a stub), chunked
//!   by a hash of the id, so that a link's preview finds its record from the id alone.

use crate::card::Status;
use crate::graph::{Graph, NodeId};
use crate::parallel::in_small_shares;
use crate::words::each_word;
use anyhow::{Context, Result};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde_json::json;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write;

/// About how many bytes a shard of words may hold before it is split by longer keys.
const MAX_SHARD: usize = 48 * 1024;
/// The longest key a shard is split down to, in characters.
const MAX_KEY: usize = 6;
/// About how many records a chunk holds.
const RECORDS_PER_CHUNK: usize = 64;
/// How many records' words are weighed at a time (in parallel) before they join the
/// index: all the site's at once would be held at once.
const WEIGHED_AT_ONCE: usize = 1024;
/// Weights of a word by where it stands; a record takes the highest.
const TITLE: u8 = 9;
const ALIAS: u8 = 8;
const HEADING: u8 = 5;
const TAG: u8 = 5;
const SUMMARY: u8 = 3;
const TEXT: u8 = 1;
/// A word this often in a card's text weighs 2.
const OFTEN: usize = 3;
/// The records a word is in, each with the word's weight there, in record order, as
/// `search.js` reads them: the distance from the record before in base 36, then the
/// weight. Written as records are added: a few bytes each, where numbers took eight.
#[derive(Default)]
struct Postings {
    encoded: String,
    last: u32,
}

impl Postings {
    /// Adds `record`, after all added before, with `weight`.
    fn push(&mut self, record: u32, weight: u8) {
        if !self.encoded.is_empty() {
            self.encoded.push(',');
        }
        push_base36(&mut self.encoded, record - self.last);
        self.encoded.push(char::from(b'0' + weight));
        self.last = record;
    }
}

/// What to leave out of the index.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Whether draft cards are found.
    pub drafts: bool,
}

/// Makes the files of the search index of `graph`, handing each to `emit` with its path
/// as soon as it is made; stops at the first error `emit` returns.
pub fn index_files(
    graph: &Graph,
    options: Options,
    mut emit: impl FnMut(String, String) -> Result<()>,
) -> Result<()> {
    let nodes: Vec<NodeId> = (graph.ids())
        .filter(|&n| options.drafts || graph[n].status != Status::Draft)
        .collect();
    let chunks = nodes.len().div_ceil(RECORDS_PER_CHUNK).max(1);
    let mut by_chunk: Vec<Vec<NodeId>> = vec![Vec::new(); chunks];
    for &node in &nodes {
        by_chunk[chunk_of(&graph[node].id, chunks)].push(node);
    }
    for chunk in &mut by_chunk {
        chunk.sort_by(|&a, &b| graph[a].id.cmp(&graph[b].id));
    }
    let order: Vec<NodeId> = by_chunk.iter().flatten().copied().collect();
    let mut postings: FxHashMap<Cow<str>, Postings> = FxHashMap::default();
    let mut records = 0..;
    for block in order.chunks(WEIGHED_AT_ONCE) {
        let words: Vec<Vec<(Cow<str>, u8)>> = in_small_shares(block.par_iter())
            .map(|&n| weighed_words(graph, n))
            .collect::<std::io::Result<_>>()
            .context("cannot read cards' words back from the build's scratch file")?;
        // Words first: when they run out, zip takes no record number with them.
        for (words, record) in words.into_iter().zip(records.by_ref()) {
            for (word, weight) in words {
                postings.entry(word).or_default().push(record, weight);
            }
        }
    }
    let mut by_key: BTreeMap<String, Vec<(Cow<str>, Postings)>> = BTreeMap::new();
    for (word, list) in postings {
        by_key
            .entry(shard_key(&word, 2))
            .or_default()
            .push((word, list));
    }
    let mut shards = BTreeMap::new();
    for (key, words) in by_key {
        split(key, words, &mut shards);
    }
    let mut starts = Vec::with_capacity(chunks);
    let mut start = 0;
    for (n, chunk) in by_chunk.iter().enumerate() {
        starts.push(start);
        start += chunk.len();
        let records: Vec<serde_json::Value> = chunk.iter().map(|&n| record(graph, n)).collect();
        emit(
            format!("search/r/{n}.js"),
            format!("cardwebSearch.records({n},{});\n", json!(records)),
        )?;
    }
    let keys: Vec<&String> = shards.keys().collect();
    emit(
        "search/meta.js".into(),
        format!(
            "cardwebSearch.meta({});\n",
            json!({"shards": keys, "starts": starts, "chunks": chunks})
        ),
    )?;
    for (key, mut words) in shards {
        words.sort_by(|a, b| a.0.cmp(&b.0));
        let mut table = serde_json::Map::new();
        for (word, list) in words {
            table.insert(word.into_owned(), list.encoded.into());
        }
        emit(
            format!("search/t/{}.js", file_name(&key)),
            format!("cardwebSearch.shard({},{});\n", json!(key), json!(table)),
        )?;
    }
    Ok(())
}

/// What a result shows: id, title, status, summary, and for a stub who wants it.
fn record(graph: &Graph, node: NodeId) -> serde_json::Value {
    let n = &graph[node];
    let summary = n
        .card
        .as_ref()
        .and_then(|c| c.summary.as_deref())
        .unwrap_or("");
    let wanted = match n.is_stub() {
        true => (graph.incoming(node).map(|e| e.from))
            .filter(|&from| from != node)
            .take(3)
            .map(|from| graph[from].title.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        false => String::new(),
    };
    json!([n.id, n.title, n.status.name(), summary, wanted])
}

/// Each word of `node` with its weight: the highest of where it stands.
fn weighed_words(graph: &Graph, node: NodeId) -> std::io::Result<Vec<(Cow<'_, str>, u8)>> {
    let n = &graph[node];
    // Each word's weight from the fields it is in, and how often it is in the text.
    let mut found: FxHashMap<Cow<str>, (u8, usize)> = FxHashMap::default();
    let mut add = |text, weight| weigh(&mut found, text, weight);
    add(&n.title, TITLE);
    add(&n.id, ALIAS);
    if let Some(card) = &n.card {
        for alias in &card.aliases {
            add(&alias.name, ALIAS);
        }
        for heading in &card.outline.headings {
            add(&heading.text, HEADING);
        }
        for tag in &card.tags {
            add(tag, TAG);
        }
        add(card.summary.as_deref().unwrap_or(""), SUMMARY);
        for (word, count) in card.outline.words.counts()? {
            found.entry(word).or_default().1 += count as usize;
        }
    }
    Ok((found.into_iter())
        .map(|(word, (weight, count))| {
            let in_text = match count {
                0 => 0,
                c if c >= OFTEN => TEXT + 1,
                _ => TEXT,
            };
            (word, weight.max(in_text))
        })
        .collect())
}

/// Raises the weight of each word of `text` in `found` to `weight`.
fn weigh<'g>(found: &mut FxHashMap<Cow<'g, str>, (u8, usize)>, text: &'g str, weight: u8) {
    each_word(text, |word| {
        let entry = found.entry(word).or_default();
        entry.0 = entry.0.max(weight);
    });
}

/// The first `length` characters of `word`: the key of a shard.
fn shard_key(word: &str, length: usize) -> String {
    word.chars().take(length).collect()
}

/// Puts the words of shard `key` into `shards`: as one shard if it is small, else each
/// word longer than the key in a shard of one more character (`search.js` looks for the
/// longest key that starts a word), so that no query loads much.
fn split<'a>(
    key: String,
    words: Vec<(Cow<'a, str>, Postings)>,
    shards: &mut BTreeMap<String, Vec<(Cow<'a, str>, Postings)>>,
) {
    let size: usize = (words.iter())
        .map(|(w, list)| w.len() + list.encoded.len())
        .sum();
    let length = key.chars().count();
    if size <= MAX_SHARD || length >= MAX_KEY {
        shards.entry(key).or_default().extend(words);
        return;
    }
    let mut longer: BTreeMap<String, Vec<(Cow<str>, Postings)>> = BTreeMap::new();
    for (word, list) in words {
        let sub = match word.chars().nth(length) {
            Some(_) => shard_key(&word, length + 1),
            None => key.clone(),
        };
        longer.entry(sub).or_default().push((word, list));
    }
    for (sub, words) in longer {
        match sub == key {
            true => shards.entry(sub).or_default().extend(words),
            false => split(sub, words, shards),
        }
    }
}

/// Whether `path` names one of the files [`index_files`] makes (their number changes with
/// the words of the site).
pub fn is_index_file(path: &str) -> bool {
    let in_folder = |folder: &str| {
        (path.strip_prefix(folder)).is_some_and(|f| f.ends_with(".js") && !f.contains('/'))
    };
    path == "search/meta.js" || in_folder("search/r/") || in_folder("search/t/")
}

/// The file name of shard `key`: letters `a`–`z` and digits as they are, anything else as
/// `_` and its code point in hex (`search.js` names them the same way).
fn file_name(key: &str) -> String {
    let mut name = String::new();
    for c in key.chars() {
        match c {
            'a'..='z' | '0'..='9' => name.push(c),
            c => {
                let _ = write!(name, "_{:x}", c as u32);
            }
        }
    }
    name
}

/// Writes `n` in base 36 (digits, then lower-case letters).
fn push_base36(out: &mut String, mut n: u32) {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    // u32::MAX has 7 digits in base 36.
    let mut digits = [0u8; 7];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = DIGITS[(n % 36) as usize];
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[at..].iter().map(|&d| char::from(d)));
}

/// The chunk of records the concept `id` is in: FNV-1a of its UTF-8 bytes (`search.js`
/// hashes the same way), modulo the number of chunks.
fn chunk_of(id: &str, chunks: usize) -> usize {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in id.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash as usize % chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postings_are_deltas_in_base36_with_a_weight() {
        let mut postings = Postings::default();
        for (record, weight) in [(0, 9), (1, 1), (40, 2), (40 + u32::MAX / 2, 1)] {
            postings.push(record, weight);
        }
        assert_eq!(postings.encoded, "09,11,132,zik0zj1");
    }

    /// The data a script file of the index hands to `cardwebSearch.CALL(…)`: its only
    /// argument (`meta`), or the one after the chunk or key (`records`, `shard`).
    fn argument(file: &str, call: &str) -> serde_json::Value {
        let inner = file
            .strip_prefix(&format!("cardwebSearch.{call}("))
            .unwrap();
        let inner = inner.trim_end().strip_suffix(");").unwrap();
        let json = match call {
            "meta" => inner,
            _ => &inner[inner.find(',').unwrap() + 1..],
        };
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn each_title_word_finds_its_own_card_when_the_site_is_weighed_in_many_blocks() {
        use crate::card::{Corpus, parse_card};
        use std::sync::Arc;
        let n = 2 * WEIGHED_AT_ONCE + 3;
        let cards = (0..n).map(|i| {
            let (rel, text) = (format!("c{i}.md"), format!("---\ntitle: Q{i}x\n---\n"));
            Arc::new(
                parse_card(std::path::Path::new(&rel), &rel, &text)
                    .0
                    .unwrap(),
            )
        });
        let corpus = Corpus {
            cards: cards.collect(),
            attachments: Vec::new(),
        };
        let (graph, _) = Graph::build(&corpus, true);
        let mut files = BTreeMap::new();
        index_files(&graph, Options { drafts: true }, |path, text| {
            files.insert(path, text);
            Ok(())
        })
        .unwrap();
        // Every record by its number: the chunks' records, each chunk from its start on.
        let meta = argument(&files["search/meta.js"], "meta");
        let mut ids = BTreeMap::new();
        for (chunk, start) in meta["starts"].as_array().unwrap().iter().enumerate() {
            let records = argument(&files[&format!("search/r/{chunk}.js")], "records");
            for (k, record) in records.as_array().unwrap().iter().enumerate() {
                ids.insert(start.as_u64().unwrap() + k as u64, record[0].clone());
            }
        }
        for i in [0, WEIGHED_AT_ONCE - 1, WEIGHED_AT_ONCE, n - 1] {
            let word = format!("q{i}x");
            let shard = argument(&files[&format!("search/t/{}.js", &word[..2])], "shard");
            let posting = shard[&word].as_str().unwrap();
            let record = u64::from_str_radix(&posting[..posting.len() - 1], 36).unwrap();
            assert_eq!(ids[&record], format!("c{i}"), "`{word}` finds c{i}");
        }
    }

    #[test]
    fn shard_file_names_are_plain() {
        assert_eq!(file_name("cl"), "cl");
        assert_eq!(file_name("пр"), "_43f_440");
        assert_eq!(
            chunk_of("client-server-model", 7),
            chunk_of("client-server-model", 7)
        );
    }
}
