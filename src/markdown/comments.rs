//! Obsidian's comments: `%%…%%`, inline or over several lines, are the author's alone and
//! are taken out before the Markdown is parsed (so that links in them are not links),
//! except inside code. Where text was cut is kept, so that positions still point into the
//! file as written.

use std::borrow::Cow;

/// Markdown with its comments cut out, and where: each cut as (offset in the cut text,
/// bytes taken out there and before).
pub(super) struct Uncommented<'a> {
    /// The Markdown without comments.
    pub text: Cow<'a, str>,
    cuts: Vec<(usize, usize)>,
}

impl Uncommented<'_> {
    /// The offset in the Markdown as written of byte `offset` of the cut text.
    pub fn original(&self, offset: usize) -> usize {
        let before = self.cuts.partition_point(|(at, _)| *at <= offset);
        offset + before.checked_sub(1).map_or(0, |i| self.cuts[i].1)
    }
}

/// `markdown` without its `%%comments%%`. An opening `%%` without a closing one is text.
/// Linear in the length of `markdown`, however its comments and code spans fall.
pub(super) fn uncomment(markdown: &str) -> Uncommented<'_> {
    if !markdown.contains("%%") {
        return Uncommented {
            text: Cow::Borrowed(markdown),
            cuts: Vec::new(),
        };
    }
    let mut text = String::with_capacity(markdown.len());
    let mut cuts = Vec::new();
    let mut taken = 0;
    let mut code = Code::default();
    let mut rest = markdown;
    while !rest.is_empty() {
        let mut line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
        if code.fence_line(&rest[..line_end]) {
            text.push_str(&rest[..line_end]);
            rest = &rest[line_end..];
            continue;
        }
        let mut spans = Spans::default();
        while let Some((start, end)) = spans.comment_in(rest, &rest[..line_end]) {
            text.push_str(&rest[..start]);
            taken += end - start;
            cuts.push((text.len(), taken));
            rest = &rest[end..];
            if end <= line_end {
                line_end -= end;
            } else {
                // The comment ran over lines: the text after it starts a line of its own.
                line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
                spans = Spans::default();
            }
        }
        text.push_str(&rest[..line_end]);
        rest = &rest[line_end..];
    }
    Uncommented {
        text: Cow::Owned(text),
        cuts,
    }
}

/// What one line's search for comments has learnt of its code spans: the backtick runs
/// that have no closing run further on, so an unclosed one is not looked for twice.
#[derive(Default)]
struct Spans {
    unclosed: Vec<usize>,
}

impl Spans {
    /// The first comment that starts on `line` (the start of `rest`), outside code spans,
    /// as byte range of `rest`; its end may be on a later line.
    fn comment_in(&mut self, rest: &str, line: &str) -> Option<(usize, usize)> {
        let mut i = 0;
        let bytes = line.as_bytes();
        while i < bytes.len() {
            match bytes[i] {
                b'`' => {
                    let run = bytes[i..].iter().take_while(|&&b| b == b'`').count();
                    i += run;
                    // A code span ends at the next run of as many backticks on the line.
                    if !self.unclosed.contains(&run) {
                        match find_run(&line[i..], run) {
                            Some(close) => i += close + run,
                            None => self.unclosed.push(run),
                        }
                    }
                }
                b'\\' => i += 2,
                b'%' if bytes.get(i + 1) == Some(&b'%') => {
                    let end = rest[i + 2..].find("%%")? + i + 4;
                    return Some((i, end));
                }
                _ => i += 1,
            }
        }
        None
    }
}

/// Where a run of exactly `len` backticks starts in `text`.
fn find_run(text: &str, len: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(start) = bytes[at..].iter().position(|&b| b == b'`') {
        let start = at + start;
        let run = bytes[start..].iter().take_while(|&&b| b == b'`').count();
        if run == len {
            return Some(start);
        }
        at = start + run;
    }
    None
}

/// Whether the lines read so far leave a fenced code block open.
#[derive(Default)]
struct Code {
    /// The fence that opened it: its character and length.
    open: Option<(u8, usize)>,
}

impl Code {
    /// Takes in `line`; true if it is inside a fenced code block or is one of its fences.
    fn fence_line(&mut self, line: &str) -> bool {
        let trimmed = line.trim_start_matches(' ');
        let fence = (line.len() - trimmed.len() <= 3)
            .then(|| {
                let c = *trimmed.as_bytes().first()?;
                let run = trimmed.bytes().take_while(|&b| b == c).count();
                ((c == b'`' || c == b'~') && run >= 3).then_some((c, run))
            })
            .flatten();
        match (self.open, fence) {
            (None, Some(fence)) => {
                self.open = Some(fence);
                true
            }
            (Some((c, len)), Some((d, run)))
                if c == d && run >= len && trimmed[run..].trim().is_empty() =>
            {
                self.open = None;
                true
            }
            (Some(_), _) => true,
            (None, None) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_cut_and_positions_kept() {
        let md = "a %%hidden [[x]]%% b\n%%\nblock\n%%\nc [[y]]\n";
        let cut = uncomment(md);
        assert_eq!(cut.text, "a  b\n\nc [[y]]\n");
        let y = cut.text.find("[[y]]").unwrap();
        assert_eq!(cut.original(y), md.find("[[y]]").unwrap());
        assert_eq!(cut.original(0), 0);
    }

    #[test]
    fn code_keeps_its_percent_signs() {
        let md = "`%%a%%` and ``x `%%` y``\n\n```\n%% kept %%\n```\n%%gone%%";
        assert_eq!(
            uncomment(md).text,
            "`%%a%%` and ``x `%%` y``\n\n```\n%% kept %%\n```\n"
        );
    }

    #[test]
    fn comments_one_after_another_and_unclosed_code_spans_keep_positions() {
        let md = "` a %%1%% b %%2\n2%% ``c`` [[x]] %%3%%[[y]]";
        let cut = uncomment(md);
        assert_eq!(cut.text, "` a  b  ``c`` [[x]] [[y]]");
        for link in ["[[x]]", "[[y]]"] {
            let at = cut.text.find(link).unwrap();
            assert_eq!(cut.original(at), md.find(link).unwrap());
        }
    }

    #[test]
    fn an_unclosed_comment_is_text() {
        assert_eq!(uncomment("100%% sure").text, "100%% sure");
    }
}
