//! Words for search: the runs of letters and digits of a text, lower-cased. Cards are cut
//! into words once, when they are read (in parallel, and only again when they change);
//! the search index is made from the words. `assets/search.js` cuts a query the same way.

use rustc_hash::FxHashMap;
use std::borrow::Cow;

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

/// The words of `text`: runs of letters and digits, two characters or more (or a number),
/// lower-cased and cut to [`MAX_WORD`] characters; borrowed where the text already is so.
pub fn words(text: &str) -> impl Iterator<Item = Cow<'_, str>> {
    runs(text)
        .filter(|w| match w.len() {
            1 => w.as_bytes()[0].is_ascii_digit(),
            _ => w.chars().nth(1).is_some() || w.chars().all(|c| c.is_ascii_digit()),
        })
        .map(|w| {
            let plain = w.len() <= MAX_WORD
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
            match plain {
                true => Cow::Borrowed(w),
                // A character is a byte in ASCII, and lower-cased alone.
                false if w.is_ascii() => {
                    Cow::Owned(w[..w.len().min(MAX_WORD)].to_ascii_lowercase())
                }
                false => Cow::Owned(
                    w.chars()
                        .take(MAX_WORD)
                        .flat_map(char::to_lowercase)
                        .collect(),
                ),
            }
        })
}

/// The runs of letters and digits of `text`: byte by byte over ASCII (most text), letter
/// by letter where there is more.
fn runs(text: &str) -> Box<dyn Iterator<Item = &str> + '_> {
    if !text.is_ascii() {
        return Box::new(
            text.split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty()),
        );
    }
    let bytes = text.as_bytes();
    let mut at = 0;
    Box::new(std::iter::from_fn(move || {
        while at < bytes.len() && !bytes[at].is_ascii_alphanumeric() {
            at += 1;
        }
        let start = at;
        while at < bytes.len() && bytes[at].is_ascii_alphanumeric() {
            at += 1;
        }
        (start < at).then(|| &text[start..at])
    }))
}

/// Counts `word` in `counts`, unless it is too common to count.
fn count_word<'t>(counts: &mut FxHashMap<Cow<'t, str>, u32>, word: Cow<'t, str>) {
    if !is_stop_word(&word) {
        *counts.entry(word).or_default() += 1;
    }
}

/// A card's words with how often each comes, kept compact: one string of the words and
/// one list of counts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Counted {
    words: Box<str>,
    counts: Box<[u32]>,
}

impl Counted {
    /// The words of `text` and how often each comes, common words left out.
    pub fn of(text: &str) -> Counted {
        // Room for the different words of most texts, so that the table seldom grows.
        let mut counts: FxHashMap<Cow<str>, u32> =
            FxHashMap::with_capacity_and_hasher(text.len() / 16, Default::default());
        for word in words(text) {
            count_word(&mut counts, word);
        }
        let mut words = String::with_capacity(counts.keys().map(|w| w.len() + 1).sum());
        let mut list = Vec::with_capacity(counts.len());
        for (word, count) in counts {
            words.push_str(&word);
            words.push('\n');
            list.push(count);
        }
        Counted {
            words: words.into(),
            counts: list.into(),
        }
    }

    /// Each word and how often it comes, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, u32)> {
        self.words.lines().zip(self.counts.iter().copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lower_cased_runs_of_letters_and_digits() {
        let found: Vec<Cow<str>> = words("Client-Server Model, HTTP/2 & a é Ünïcode").collect();
        assert_eq!(found, ["client", "server", "model", "http", "2", "ünïcode"]);
        let ascii: Vec<Cow<str>> = words("The HTTP/2 spec, a b 42.").collect();
        assert_eq!(ascii, ["the", "http", "2", "spec", "42"]);
    }

    #[test]
    fn counted_words_leave_out_the_common_ones() {
        let counted = Counted::of("The client asks; the server answers the client.");
        let mut counted: Vec<(&str, u32)> = counted.iter().collect();
        counted.sort_unstable();
        assert_eq!(
            counted,
            [("answers", 1), ("asks", 1), ("client", 2), ("server", 1)]
        );
    }
}
