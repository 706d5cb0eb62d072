//! The only place arborium is used: fenced code highlighted at build time by tree-sitter
//! grammars, as `<span class="keyword">`-style classes that the theme colours for light and
//! dark. A language without a grammar here stays plain, without a warning.

use arborium::{Config, GrammarStore, Highlighter, HtmlFormat};
use std::cell::RefCell;
use std::sync::{Arc, LazyLock, Mutex};

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

/// Held while a grammar is compiled, so that two threads never compile the same one.
static COMPILING: Mutex<()> = Mutex::new(());

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
    /// The grammars this thread knows to be compiled.
    static READY: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
}

/// The highlighted HTML of `code` in `language` (as a fence names it: `rust`, `py`,
/// `sh`, ...), or None if there is no grammar for it.
pub(super) fn highlight(language: &str, code: &str) -> Option<String> {
    let language = grammar(language)?;
    if !READY.with(|ready| ready.borrow().contains(&language)) {
        let _one_at_a_time = COMPILING.lock().unwrap_or_else(|p| p.into_inner());
        GRAMMARS.get(language)?;
        READY.with(|ready| ready.borrow_mut().push(language));
    }
    HIGHLIGHTER.with(|h| h.borrow_mut().highlight(language, code).ok())
}

/// The grammar for a fence's language name, among those compiled in.
fn grammar(language: &str) -> Option<&'static str> {
    Some(match language.trim().to_ascii_lowercase().as_str() {
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
    })
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
