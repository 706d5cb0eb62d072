//! Any bytes as a card file: reading its front matter and outlining its Markdown must end
//! in a card or in diagnostics, never in a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (card, diagnostics) = cardweb::card::parse_card(Path::new("cards/a.md"), "a.md", &text);
    for d in &diagnostics {
        assert!(
            d.pos.line >= 1 && d.pos.line <= text.lines().count() + 1,
            "{d}"
        );
    }
    if let Some(card) = card {
        let _ = card.outline.html.linked(&[]);
    }
});
