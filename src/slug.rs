//! Slugs: the one normal form for ids, link targets and heading anchors.
//!
//! `[[Domain Name System]]`, `[[domain_name_system]]` and `domain-name-system.md` all meet at
//! the same slug, which is what makes links case- and separator-insensitive.

/// Lower-cases letters and digits (any script) and joins every other run of characters
/// into a single `-`, without leading or trailing dashes.
pub fn slugify(text: &str) -> String {
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
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(super::edit_distance("tittle", "title"), 1);
        assert_eq!(super::edit_distance("frontent", "frontend"), 1);
        assert_eq!(super::edit_distance("abc", "abc"), 0);
        assert_eq!(super::edit_distance("", "ab"), 2);
    }
}
