//! Slugs: the one normal form for ids, link targets and heading anchors.
//!
//! `[[Domain Name System]]`, `[[domain_name_system]]` and `domain-name-system.md` all meet at
//! the same slug, which is what makes links case- and separator-insensitive.

/// Lower-cases letters and digits (any script) and joins every other run of characters
/// into a single `-`, without leading or trailing dashes. A name with no letter or digit
/// but with symbols beyond ASCII punctuation (`🦀`, `∑`) is named by their code points
/// (`u1f980`), so that it still has a slug of its own; mere punctuation has none.
pub fn slugify(text: &str) -> String {
    let slug = letters_and_digits(text);
    if !slug.is_empty() {
        return slug;
    }
    let symbols: Vec<String> = text
        .chars()
        .filter(|c| !c.is_ascii() && !c.is_whitespace())
        .map(|c| format!("u{:x}", u32::from(c)))
        .collect();
    symbols.join("-")
}

/// The letters and digits of `text`, lower-cased, each other run of characters a `-`.
fn letters_and_digits(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.extend(c.to_lowercase());
        } else if c != '\'' && c != '\u{2019}' {
            pending_dash = true;
        }
    }
    slug
}

/// How many single-character edits turn `a` into `b` (Levenshtein distance): how
/// close a misspelt key or link is to a known one.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(above + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn folds_case_and_separators() {
        assert_eq!(slugify("Domain Name System"), "domain-name-system");
        assert_eq!(slugify("domain_name--system"), "domain-name-system");
        assert_eq!(slugify("TCP/IP"), "tcp-ip");
        assert_eq!(slugify("  What's HTTP?  "), "whats-http");
        assert_eq!(slugify("Ärger über Öl"), "ärger-über-öl");
        assert_eq!(slugify("!!!"), "");
        assert_eq!(slugify("🦀"), "u1f980");
        assert_eq!(slugify(" 🦀 🦀!"), "u1f980-u1f980");
        assert_eq!(slugify("🦀 crab"), "crab");
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(super::edit_distance("tittle", "title"), 1);
        assert_eq!(super::edit_distance("frontent", "frontend"), 1);
        assert_eq!(super::edit_distance("abc", "abc"), 0);
        assert_eq!(super::edit_distance("", "ab"), 2);
    }
}
