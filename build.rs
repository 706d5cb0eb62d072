//! Names the vendored Mermaid script by a hash of its bytes once, when cardweb is
//! compiled, instead of at every build (`CARDWEB_DIAGRAM_SCRIPT`, read by `src/theme.rs`).

#[path = "src/hashed_name.rs"]
mod hashed_name;

const DIAGRAM_SCRIPT: &str = "themes/default/vendor/mermaid.min.js";

fn main() {
    println!("cargo::rerun-if-changed={DIAGRAM_SCRIPT}");
    println!("cargo::rerun-if-changed=src/hashed_name.rs");
    let bytes = std::fs::read(DIAGRAM_SCRIPT).expect("the vendored Mermaid script");
    let name = hashed_name::hashed_name("mermaid.min.js", &bytes);
    println!("cargo::rustc-env=CARDWEB_DIAGRAM_SCRIPT={name}");
}
