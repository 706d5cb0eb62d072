//! The names assets are written under: the plain name with a hash of the bytes before the
//! extension, so that hosts may cache them for ever. Shared with `build.rs`, which names
//! the Mermaid script when cardweb is compiled (hashing its 5.5 MB at every build cost
//! 10 ms and as many megabytes): nothing here may use the rest of the crate.

/// `name` with a hash of `bytes` before its extension: 40 bits of FNV-1a, the same on
/// every machine and every version of cardweb.
pub fn hashed_name(name: &str, bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let hash = format!("{:010x}", hash >> 24);
    match name.rsplit_once('.') {
        Some((stem, extension)) => format!("{stem}.{hash}.{extension}"),
        None => format!("{name}.{hash}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_follow_the_bytes_alone() {
        assert_eq!(
            hashed_name("style.css", b"body {}"),
            hashed_name("style.css", b"body {}")
        );
        assert_ne!(
            hashed_name("style.css", b"body {}"),
            hashed_name("style.css", b"p {}")
        );
        // FNV-1a of "a" is 0xaf63dc4c8601ec8c: a fixed function, not the standard library's.
        assert_eq!(hashed_name("x.js", b"a"), "x.af63dc4c86.js");
        assert_eq!(hashed_name("LICENSE", b"a"), "LICENSE.af63dc4c86");
    }
}
