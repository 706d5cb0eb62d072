//! The element that shows an embedded attachment: an image, audio, video or a PDF, chosen
//! by its file name, with the size a wikilink may give (`![[a.png|300]]`).

use crate::html::escape;

/// A width, and perhaps a height, in pixels.
pub(super) type Size = (u32, Option<u32>);

/// The size written as a wikilink's text: `300` or `300x200`.
pub(super) fn size(text: &str) -> Option<Size> {
    let number = |s: &str| {
        let digits = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        digits.then(|| s.parse::<u32>().ok()).flatten()
    };
    match text.trim().split_once('x') {
        Some((width, height)) => Some((number(width)?, Some(number(height)?))),
        None => Some((number(text.trim())?, None)),
    }
}

/// The element for an attachment at `dest` (its URL goes between the two parts), with
/// `alt` (HTML) as its text.
pub(super) fn element(dest: &str, alt: &str, title: &str, size: Option<Size>) -> (String, String) {
    let extension = dest.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    let dimensions = match size {
        Some((w, Some(h))) => format!(" width=\"{w}\" height=\"{h}\""),
        Some((w, None)) => format!(" width=\"{w}\""),
        None => String::new(),
    };
    let title = match title {
        "" => String::new(),
        t => format!(" title=\"{}\"", escape(t)),
    };
    match extension.as_deref() {
        Some("mp3" | "wav" | "m4a" | "ogg" | "oga" | "flac" | "3gp") => (
            format!("<audio class=\"embed-audio\" controls{title} src=\""),
            format!("\">{alt}</audio>"),
        ),
        Some("mp4" | "webm" | "ogv" | "mov" | "mkv") => (
            format!("<video class=\"embed-video\" controls{dimensions}{title} src=\""),
            format!("\">{alt}</video>"),
        ),
        Some("pdf") => (
            format!(
                "<iframe class=\"embed-pdf\"{dimensions} title=\"{}\" src=\"",
                plain(alt)
            ),
            "\"></iframe>".to_string(),
        ),
        _ => (
            "<img src=\"".to_string(),
            format!("\" alt=\"{}\"{dimensions}{title} />", plain(alt)),
        ),
    }
}

/// HTML text as an attribute value: its tags left out.
fn plain(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            '"' if !in_tag => out.push_str("&quot;"),
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_numbers() {
        assert_eq!(size("300"), Some((300, None)));
        assert_eq!(size("300x200"), Some((300, Some(200))));
        assert_eq!(size("a picture"), None);
        assert_eq!(size("300x"), None);
    }

    #[test]
    fn elements_follow_the_file_kind() {
        let (a, b) = element("a.png", "A <em>b</em>", "", Some((300, None)));
        assert_eq!(
            format!("{a}u{b}"),
            "<img src=\"u\" alt=\"A b\" width=\"300\" />"
        );
        assert!(element("s.MP3", "s", "", None).0.starts_with("<audio"));
        assert!(element("v.mp4", "v", "", None).0.starts_with("<video"));
        assert!(element("d.pdf", "d", "", None).0.starts_with("<iframe"));
    }
}
