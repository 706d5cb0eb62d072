//! The floor for the benchmarks: what any Markdown site generator must at least do. Reads
//! every `.md` file under a folder, renders it with pulldown-cmark (same options as
//! cardweb) in parallel, and writes one HTML file per card. No links, templates or graph.
//!
//!     cargo run --release --example floor -- CARDS_DIR OUT_DIR

use pulldown_cmark::{Options, Parser, html};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

fn markdown_files(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            markdown_files(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
    Ok(())
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [cards, out] = &args[..] else {
        eprintln!("usage: floor CARDS_DIR OUT_DIR");
        std::process::exit(2);
    };
    let mut files = Vec::new();
    markdown_files(Path::new(cards), &mut files)?;
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_WIKILINKS
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    files.par_iter().try_for_each(|file| {
        let text = std::fs::read_to_string(file)?;
        let mut page = String::with_capacity(text.len() * 3 / 2);
        html::push_html(&mut page, Parser::new_ext(&text, options));
        let dir = Path::new(out).join(file.file_stem().unwrap_or_default());
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("index.html"), page)
    })?;
    println!("rendered {} files", files.len());
    Ok(())
}
