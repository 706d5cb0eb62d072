//! The file-system calls cardweb makes, each wrapped once so that every error names its file.

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// Reads a whole file.
pub fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Reads a whole file as UTF-8 text.
pub fn read_to_string(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Writes `bytes` to `path` atomically: into a temporary file beside it, then renamed over
/// it, so that a reader never sees half a file. Creates missing parent folders.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let temp = write_temp(path, bytes)?;
    rename(&temp, path)
}

/// Writes `bytes` into a temporary file beside `path` (see [`temp_path`]) and returns it.
/// Creates missing parent folders.
pub fn write_temp(path: &Path, bytes: &[u8]) -> Result<PathBuf> {
    if let Some(parent) = path.parent() {
        create_dir_all(parent)?;
    }
    let temp = temp_path(path);
    std::fs::write(&temp, bytes).with_context(|| format!("cannot write {}", temp.display()))?;
    Ok(temp)
}

/// How the name of every temporary file cardweb makes starts.
pub const TEMP_PREFIX: &str = ".cardweb-tmp-";

/// The temporary file beside `path` that its new bytes wait in: hidden (so that watchers
/// and walks of `cards/` pass it by), as short whatever the length of `path`'s name, and
/// distinct for each name in a folder.
pub fn temp_path(path: &Path) -> PathBuf {
    use std::hash::{DefaultHasher, Hasher};
    let mut hasher = DefaultHasher::new();
    hasher.write(path.file_name().unwrap_or_default().as_encoded_bytes());
    path.with_file_name(format!("{TEMP_PREFIX}{:016x}", hasher.finish()))
}

/// Moves a file over another.
pub fn rename(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to)
        .with_context(|| format!("cannot move {} to {}", from.display(), to.display()))
}

/// Creates a folder and its missing parents.
pub fn create_dir_all(path: &Path) -> Result<()> {
    std::fs::create_dir_all(path)
        .with_context(|| format!("cannot create folder {}", path.display()))
}

/// Removes a file; a file that is already gone is fine.
pub fn remove_file(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("cannot remove {}", path.display()))
        }
        _ => Ok(()),
    }
}
