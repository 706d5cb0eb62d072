//! Text made safe for where it goes: HTML content and attribute values, and URL paths
//! (percent-encoding and decoding). Every module that writes HTML or URLs uses these.

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, text);
    out
}

/// Adds `text` to `out`, escaped for HTML content and attribute values.
pub fn push_escaped(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
        out.push_str(&rest[..at]);
        out.push_str(match rest.as_bytes()[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
}

/// Percent-encodes a `/`-separated path for use in a URL.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// `html` with every relative link to a folder (`href="../tcp/"`, `href="./#x"`) naming
/// the folder's `index.html`, so that a site opened from disk (`file://`), where no
/// server turns a folder into its index, still finds its pages.
pub fn link_index_files(html: &str) -> String {
    const HREF: &str = "href=\"";
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut rest = html;
    while let Some(at) = rest.find(HREF) {
        let start = at + HREF.len();
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find('"').unwrap_or(rest.len());
        let url = &rest[..end];
        let path_end = url.find(['#', '?']).unwrap_or(url.len());
        let relative = !url.starts_with('/') && !url[..path_end].contains(':');
        out.push_str(&url[..path_end]);
        if relative && url[..path_end].ends_with('/') {
            out.push_str("index.html");
        }
        out.push_str(&url[path_end..]);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Decodes `%XX` escapes in a URL path; text that would not be UTF-8 is left as it was.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_to_folders_name_their_index_file() {
        let html = r##"<a href="../tcp/">a</a><a href="./#tree">b</a><a href="../">c</a><a href="https://x.org/">d</a><a href="#top">e</a><a href="//x.org/">f</a><link href="../assets/s.css"><a href="">g</a>"##;
        assert_eq!(
            link_index_files(html),
            r##"<a href="../tcp/index.html">a</a><a href="./index.html#tree">b</a><a href="../index.html">c</a><a href="https://x.org/">d</a><a href="#top">e</a><a href="//x.org/">f</a><link href="../assets/s.css"><a href="">g</a>"##
        );
    }
}
