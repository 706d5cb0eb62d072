//! Diagnostics: problems found in a site's input, each pinned to `path:line:col` of the real
//! file and carrying a hint, so that an author can jump straight to the fix.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a problem is: errors stop a build, warnings do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Something an author should look at; the site still builds.
    Warning,
    /// The input cannot be built as it is.
    Error,
}

/// A 1-based line and column (in characters) within a file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    /// Line number, starting at 1.
    pub line: usize,
    /// Column in characters, starting at 1.
    pub col: usize,
}

impl Pos {
    /// The start of a file.
    pub const START: Pos = Pos { line: 1, col: 1 };

    /// The position of byte `offset` in `text`, whose first line is line `first_line` of
    /// its file.
    pub fn in_text(text: &str, offset: usize, first_line: usize) -> Pos {
        let before = &text[..offset.min(text.len())];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Pos {
            line: first_line + before.matches('\n').count(),
            col: before[line_start..].chars().count() + 1,
        }
    }
}

/// One problem in the input.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file, as the author would type it (relative to the site root where possible).
    pub path: PathBuf,
    /// Where in the file.
    pub pos: Pos,
    /// What is wrong.
    pub message: String,
    /// How to fix it, where there is something useful to say.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error at `pos` of `path`.
    pub fn error(path: &Path, pos: Pos, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, path, pos, message.into())
    }

    /// A warning at `pos` of `path`.
    pub fn warning(path: &Path, pos: Pos, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, path, pos, message.into())
    }

    fn new(severity: Severity, path: &Path, pos: Pos, message: String) -> Self {
        Diagnostic {
            severity,
            path: path.to_path_buf(),
            pos,
            message,
            hint: None,
        }
    }

    /// The same diagnostic with a hint on how to fix it.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Whether this diagnostic stops a build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}:{}:{}: {label}: {}",
            self.path.display(),
            self.pos.line,
            self.pos.col,
            self.message
        )?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Puts diagnostics in a stable order: by file, then position, then message.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| (&a.path, a.pos, &a.message).cmp(&(&b.path, b.pos, &b.message)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let text = "ab\nçd [[x]]\n";
        assert_eq!(Pos::in_text(text, 0, 5), Pos { line: 5, col: 1 });
        assert_eq!(
            Pos::in_text(text, text.find("[[").unwrap(), 5),
            Pos { line: 6, col: 4 }
        );
    }

    #[test]
    fn display_is_path_line_col_then_hint() {
        let d = Diagnostic::error(Path::new("cards/a.md"), Pos { line: 3, col: 7 }, "bad")
            .hint("fix it");
        assert_eq!(d.to_string(), "cards/a.md:3:7: error: bad\n  hint: fix it");
    }
}
