//! The only place math-core is used: LaTeX math (`$…$`, `$$…$$`) to MathML at build time,
//! which browsers draw with no script and nothing fetched.

use crate::html::escape;
use math_core::{LatexToMathML, MathCoreConfig, MathDisplay};
use std::sync::LazyLock;

/// One converter for the whole process: it holds no state between formulas.
static CONVERTER: LazyLock<Option<LatexToMathML>> =
    LazyLock::new(|| LatexToMathML::new(MathCoreConfig::default()).ok());

/// The MathML of `latex`, shown as a block (`display`) or in the line; for LaTeX that cannot
/// be read, its source as code and why.
pub(super) fn to_mathml(latex: &str, display: bool) -> Result<String, (String, String)> {
    let mode = match display {
        true => MathDisplay::Block,
        false => MathDisplay::Inline,
    };
    let converted = CONVERTER
        .as_ref()
        .map(|c| c.convert_with_local_state(latex, mode));
    match converted {
        Some(Ok(result)) => Ok(result.mathml),
        Some(Err(error)) => Err((source_html(latex, display), error.to_string())),
        None => Err((source_html(latex, display), "no math converter".into())),
    }
}

/// Math that could not be converted, shown as its source.
fn source_html(latex: &str, display: bool) -> String {
    match display {
        true => format!(
            "<pre class=\"math-error\"><code>{}</code></pre>",
            escape(latex)
        ),
        false => format!("<code class=\"math-error\">{}</code>", escape(latex)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latex_becomes_mathml() {
        let inline = to_mathml("x^2", false).unwrap();
        assert!(
            inline.starts_with("<math>") && inline.contains("<msup>"),
            "{inline}"
        );
        let block = to_mathml(r"\frac{1}{2}", true).unwrap();
        assert!(block.starts_with("<math display=\"block\">"), "{block}");
        let (html, why) = to_mathml(r"\frac{1", false).unwrap_err();
        assert_eq!(html, "<code class=\"math-error\">\\frac{1</code>");
        assert!(!why.is_empty());
    }
}
