//! A card's HTML kept compressed while it waits to be drawn. Every card's HTML is made when
//! the cards are read and used when its page (or a page embedding it) is drawn; on a large
//! site it was the largest part of a build's memory. LZ4 halves it at a small cost:
//! compressing runs at several hundred megabytes a second, unpacking many times faster.

/// HTML, compressed. Equal HTML packs to equal bytes, so packs compare and hash as their
/// HTML would.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub(super) struct Packed {
    /// The length of the HTML, in bytes.
    len: usize,
    /// The HTML in LZ4's block format.
    bytes: Box<[u8]>,
}

impl Packed {
    /// `html`, packed; no HTML packs to no bytes, as [`Packed::default`].
    pub(super) fn of(html: &str) -> Packed {
        if html.is_empty() {
            return Packed::default();
        }
        Packed {
            len: html.len(),
            bytes: lz4_flex::compress(html.as_bytes()).into_boxed_slice(),
        }
    }

    /// The length of the HTML, in bytes.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// The HTML again.
    pub(super) fn unpack(&self) -> String {
        let bytes = lz4_flex::decompress(&self.bytes, self.len);
        // Both can fail only for bytes that `Packed::of` did not make.
        String::from_utf8(bytes.unwrap_or_default()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_comes_back_as_it_was_packed_and_smaller() {
        let html = "<p>A <em>client</em> asks; a <em>server</em> answers. é ü</p>\n".repeat(50);
        let packed = Packed::of(&html);
        assert_eq!(packed.unpack(), html);
        assert_eq!(packed.len(), html.len());
        assert!(
            packed.bytes.len() < html.len() / 4,
            "{} bytes",
            packed.bytes.len()
        );
        assert_eq!(Packed::of(""), Packed::default());
        assert_eq!(Packed::default().unpack(), "");
    }
}
