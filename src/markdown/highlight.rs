//! The only place arborium is used: fenced code highlighted at build time by tree-sitter
//! grammars, as `<span class="keyword">`-style classes that the theme colours for light and
//! dark. A language without a grammar here stays plain, without a warning. A grammar is
//! compiled on a thread of its own the first time a card needs it: the cards read
//! meanwhile leave that code to be highlighted when their page is drawn.

use arborium::{Config, GrammarStore, Highlighter, HtmlFormat};
use std::cell::RefCell;
use std::sync::{Arc, LazyLock, Once, OnceLock};

/// The grammars, shared by every thread: compiling one (its highlight queries) costs
/// about a third of a second, so each is compiled once per process. Before the first,
/// tree-sitter's C code is given mimalloc, the allocator of the rest of cardweb: with the
/// C library's, the memory a grammar's compilation frees stayed there, unused, 5 of a
/// 1,000-card build's 45 MB peak.
static GRAMMARS: LazyLock<Arc<GrammarStore>> = LazyLock::new(|| {
    // SAFETY: called once, before tree-sitter allocates anything (no grammar or
    // highlighter exists before this store), with functions of one allocator.
    unsafe {
        arborium_tree_sitter::set_allocator(
            Some(libmimalloc_sys::mi_malloc),
            Some(libmimalloc_sys::mi_calloc),
            Some(libmimalloc_sys::mi_realloc),
            Some(libmimalloc_sys::mi_free),
        );
    }
    Arc::new(GrammarStore::new())
});

/// The grammars compiled in, by the name arborium knows them by.
const GRAMMAR_NAMES: [&str; 16] = [
    "rust",
    "python",
    "javascript",
    "typescript",
    "bash",
    "json",
    "yaml",
    "toml",
    "html",
    "css",
    "c",
    "cpp",
    "go",
    "java",
    "sql",
    "diff",
];

/// For each grammar, whether it compiled, set once it has: whoever needs it first compiles
/// it, and anyone else who needs it meanwhile waits.
static COMPILED: [OnceLock<bool>; GRAMMAR_NAMES.len()] =
    [const { OnceLock::new() }; GRAMMAR_NAMES.len()];

/// For each grammar, whether a thread to compile it was started.
static STARTED: [Once; GRAMMAR_NAMES.len()] = [const { Once::new() }; GRAMMAR_NAMES.len()];

thread_local! {
    /// A highlighter per thread (highlighting keeps state), over the shared grammars.
    static HIGHLIGHTER: RefCell<Highlighter> = RefCell::new(Highlighter::with_store_and_config(
        Arc::clone(&GRAMMARS),
        Config {
            html_format: HtmlFormat::ClassNames,
            // Languages inside languages (CSS in HTML) one level deep: code in cards is
            // short, and each level costs more queries.
            max_injection_depth: 1,
        },
    ));
}

/// When a fence's code can be highlighted.
pub(super) enum Grammar {
    /// Now: its grammar is compiled.
    Ready,
    /// Once its grammar is compiled, which has begun on a thread of its own: reading goes
    /// on meanwhile, and the code is highlighted when its page is drawn.
    Compiling,
    /// Never: there is no grammar for its language; it stays plain.
    Missing,
}

/// Whether code in `language` (as a fence names it) can be highlighted now; if its
/// grammar is not compiled, starts compiling it, once per process.
pub(super) fn grammar_for(language: &str) -> Grammar {
    let Some(index) = grammar(language) else {
        return Grammar::Missing;
    };
    if COMPILED[index].get().is_some() {
        return Grammar::Ready;
    }
    STARTED[index].call_once(|| {
        // Should no thread start, the first page to show such code compiles it.
        let _ = std::thread::Builder::new()
            .name(format!("grammar {}", GRAMMAR_NAMES[index]))
            .spawn(move || compiled(index));
    });
    Grammar::Compiling
}

/// Compiles grammar `index` unless it is (waiting while another thread compiles it), and
/// tells whether it compiled.
fn compiled(index: usize) -> bool {
    *COMPILED[index].get_or_init(|| GRAMMARS.get(GRAMMAR_NAMES[index]).is_some())
}

/// The highlighted HTML of `code` in `language` (as a fence names it: `rust`, `py`,
/// `sh`, ...), or None if there is no grammar for it. Waits for the grammar to compile.
pub(super) fn highlight(language: &str, code: &str) -> Option<String> {
    let index = grammar(language)?;
    if !compiled(index) {
        return None;
    }
    HIGHLIGHTER.with(|h| h.borrow_mut().highlight(GRAMMAR_NAMES[index], code).ok())
}

/// The grammar for a fence's language name, among those compiled in: its index in
/// [`GRAMMAR_NAMES`].
fn grammar(language: &str) -> Option<usize> {
    let name = match language.trim().to_ascii_lowercase().as_str() {
        "rust" | "rs" => "rust",
        "python" | "py" | "python3" => "python",
        "javascript" | "js" | "jsx" | "mjs" | "cjs" | "node" => "javascript",
        "typescript" | "ts" | "tsx" => "typescript",
        "bash" | "sh" | "shell" | "zsh" | "console" => "bash",
        "json" | "jsonc" => "json",
        "yaml" | "yml" => "yaml",
        "toml" => "toml",
        "html" | "xhtml" => "html",
        "css" => "css",
        "c" | "h" => "c",
        "cpp" | "c++" | "cc" | "cxx" | "hpp" => "cpp",
        "go" | "golang" => "go",
        "java" => "java",
        "sql" => "sql",
        "diff" | "patch" => "diff",
        _ => return None,
    };
    GRAMMAR_NAMES.iter().position(|known| *known == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_languages_are_highlighted_and_others_left_plain() {
        let rust = highlight("rs", "fn main() { let s = \"<hi>\"; }").unwrap();
        assert!(rust.contains("<span class=\"keyword\">fn</span>"), "{rust}");
        assert!(rust.contains("&lt;hi&gt;"), "escaped: {rust}");
        let python = highlight("python", "def f():\n    return 1  # one\n").unwrap();
        assert!(
            python.contains("<span class=\"comment\"># one</span>"),
            "{python}"
        );
        assert_eq!(highlight("klingon", "x"), None);
        assert_eq!(highlight("dataview", "LIST FROM #tag"), None);
    }
}
