//! Words for search: the runs of letters and digits of a text, lower-cased. Cards are cut
//! into words once, when they are read (in parallel, and only again when they change);
//! the search index is made from the words. `assets/search.js` cuts a query the same way.

use crate::scratch::{Scratch, Spilled};
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::io;
use std::sync::Arc;

/// The longest word kept, in characters; a longer run of letters is cut.
const MAX_WORD: usize = 40;

/// Whether `word` is too common in text to find anything by.
fn is_stop_word(word: &str) -> bool {
    matches!(
        word,
        "a" | "an"
            | "and"
            | "are"
            | "as"
            | "at"
            | "be"
            | "but"
            | "by"
            | "for"
            | "from"
            | "if"
            | "in"
            | "into"
            | "is"
            | "it"
            | "its"
            | "of"
            | "on"
            | "or"
            | "so"
            | "than"
            | "that"
            | "the"
            | "then"
            | "there"
            | "these"
            | "this"
            | "to"
            | "was"
            | "were"
            | "which"
            | "with"
    )
}

/// Gives `each` the words of `text`: runs of letters and digits, two characters or more
/// (or a number), lower-cased and cut to [`MAX_WORD`] characters; borrowed where the text
/// already is so. Byte by byte over ASCII (most text), letter by letter where there is more.
pub fn each_word<'t>(text: &'t str, mut each: impl FnMut(Cow<'t, str>)) {
    if !text.is_ascii() {
        let runs = text.split(|c: char| !c.is_alphanumeric());
        for run in runs.filter(|w| !w.is_empty()) {
            if run.chars().nth(1).is_some() || run.chars().all(|c| c.is_ascii_digit()) {
                each(lower_cased(run));
            }
        }
        return;
    }
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(start) = bytes[at..].iter().position(u8::is_ascii_alphanumeric) {
        let start = at + start;
        let length = (bytes[start..].iter())
            .position(|b| !b.is_ascii_alphanumeric())
            .unwrap_or(bytes.len() - start);
        at = start + length;
        if length > 1 || bytes[start].is_ascii_digit() {
            let run = &text[start..at];
            // A character is a byte in ASCII, and lower-cased alone.
            each(
                match length <= MAX_WORD && !run.bytes().any(|b| b.is_ascii_uppercase()) {
                    true => Cow::Borrowed(run),
                    false => Cow::Owned(run[..length.min(MAX_WORD)].to_ascii_lowercase()),
                },
            );
        }
    }
}

/// `run`, lower-cased and cut to [`MAX_WORD`] characters; borrowed if it already is so.
fn lower_cased(run: &str) -> Cow<'_, str> {
    let lower = |c: char| {
        let mut lower = c.to_lowercase();
        (lower.next(), lower.next()) == (Some(c), None)
    };
    let plain = run.chars().nth(MAX_WORD).is_none() && run.chars().all(lower);
    match plain {
        true => Cow::Borrowed(run),
        false => Cow::Owned(
            run.chars()
                .take(MAX_WORD)
                .flat_map(char::to_lowercase)
                .collect(),
        ),
    }
}

/// Counts `word` in `counts`, unless it is too common to count.
fn count_word<'t>(counts: &mut FxHashMap<Cow<'t, str>, u32>, word: Cow<'t, str>) {
    if !is_stop_word(&word) {
        *counts.entry(word).or_default() += 1;
    }
}

/// A card's words with how often each comes, kept compact: one string of the words and
/// one list of counts, each up to 255 (search asks only whether a word comes often). `serve`
/// keeps them in memory; a build lets them wait in its scratch file until the search index
/// is made.
#[derive(Clone, Debug)]
pub struct Counted(Kept);

/// Where counted words are.
#[derive(Clone, Debug)]
enum Kept {
    /// In memory: the words, each ended by a newline, and their counts.
    Held { words: Box<str>, counts: Box<[u8]> },
    /// In a scratch file: the `counts` counts (one byte a word), then the words.
    Spilled { bytes: Spilled, counts: usize },
}

impl Default for Counted {
    fn default() -> Counted {
        Counted(Kept::Held {
            words: Box::default(),
            counts: Box::default(),
        })
    }
}

impl PartialEq for Counted {
    fn eq(&self, other: &Counted) -> bool {
        matches!((self.counts(), other.counts()), (Ok(a), Ok(b)) if a == b)
    }
}

impl Counted {
    /// The words of `text` and how often each comes, common words left out.
    pub fn of(text: &str) -> Counted {
        // Room for the different words of most texts, so that the table seldom grows.
        let mut counts: FxHashMap<Cow<str>, u32> =
            FxHashMap::with_capacity_and_hasher(text.len() / 16, Default::default());
        each_word(text, |word| count_word(&mut counts, word));
        let mut words = String::with_capacity(counts.keys().map(|w| w.len() + 1).sum());
        let mut list = Vec::with_capacity(counts.len());
        for (word, count) in counts {
            words.push_str(&word);
            words.push('\n');
            list.push(u8::try_from(count).unwrap_or(u8::MAX));
        }
        Counted(Kept::Held {
            words: words.into(),
            counts: list.into(),
        })
    }

    /// Moves the words out of memory into `scratch`; they stay if it cannot take them.
    pub fn spill(&mut self, scratch: &Arc<Scratch>) {
        let Kept::Held { words, counts } = &self.0 else {
            return;
        };
        if counts.is_empty() {
            return;
        }
        if let Ok(bytes) = scratch.put(&[counts.as_ref(), words.as_bytes()].concat()) {
            let counts = counts.len();
            self.0 = Kept::Spilled { bytes, counts };
        }
    }

    /// Each word and how often it comes (255 for more), in no particular order; an error
    /// if they waited on disk and could not be read back.
    pub fn counts(&self) -> io::Result<Vec<(Cow<'_, str>, u8)>> {
        match &self.0 {
            Kept::Held { words, counts } => Ok((words.lines().map(Cow::Borrowed))
                .zip(counts.iter().copied())
                .collect()),
            Kept::Spilled { bytes, counts } => {
                let mut bytes = bytes.read()?;
                let words =
                    String::from_utf8(bytes.split_off(*counts)).map_err(io::Error::other)?;
                Ok((words.lines().map(|w| Cow::Owned(w.to_string())))
                    .zip(bytes)
                    .collect())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lower_cased_runs_of_letters_and_digits() {
        let words = |text| {
            let mut found: Vec<Cow<str>> = Vec::new();
            each_word(text, |w| found.push(w));
            found
        };
        let found = words("Client-Server Model, HTTP/2 & a é Ünïcode");
        assert_eq!(found, ["client", "server", "model", "http", "2", "ünïcode"]);
        let ascii = words("The HTTP/2 spec, a b 42.");
        assert_eq!(ascii, ["the", "http", "2", "spec", "42"]);
        let long = "Word".repeat(11);
        assert_eq!(words(&long), [&long.to_lowercase()[..MAX_WORD]]);
        assert_eq!(words("ÉÉ"), ["éé"]);
    }

    #[test]
    fn counted_words_leave_out_the_common_ones() {
        let counted = Counted::of("The client asks; the server answers the client.");
        let mut counted = counted.counts().unwrap();
        counted.sort_unstable();
        let expected = [("answers", 1), ("asks", 1), ("client", 2), ("server", 1)];
        assert_eq!(counted, expected.map(|(w, n)| (Cow::Borrowed(w), n)));
        let often = Counted::of(&"packet ".repeat(300));
        assert_eq!(often.counts().unwrap(), [(Cow::Borrowed("packet"), 255)]);
    }

    #[test]
    fn spilled_words_come_back_equal() {
        let folder = tempfile::tempdir().unwrap();
        let scratch = Scratch::in_folder(folder.path()).unwrap();
        let held = Counted::of("Ein Client fragt; der Server antwortet dem Client: ÉÉ.");
        let mut spilled = held.clone();
        spilled.spill(&scratch);
        assert!(matches!(spilled.0, Kept::Spilled { .. }));
        assert_eq!(spilled.counts().unwrap(), held.counts().unwrap());
        assert_eq!(spilled, held);
        assert_ne!(spilled, Counted::of("client"));
    }
}
