//! Helpers shared by integration tests: where the shared test vectors live, and reading them.
#![allow(dead_code)]

use std::path::PathBuf;

/// The shared data directory: `$OIDC_TRUST_SHARED` if set, else `<manifest>/../shared` if it exists (the main
/// checkout), else `/work/shared` (worktrees live elsewhere).
pub fn shared_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("OIDC_TRUST_SHARED") {
        return PathBuf::from(dir);
    }
    let beside = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("shared");
    if beside.is_dir() {
        return beside;
    }
    PathBuf::from("/work/shared")
}

/// `<shared>/vectors/<rel>`.
pub fn vector_path(rel: &str) -> PathBuf {
    shared_dir().join("vectors").join(rel)
}

pub fn read_vector_text(rel: &str) -> String {
    let path = vector_path(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

pub fn read_vector_json(rel: &str) -> serde_json::Value {
    let text = read_vector_text(rel);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{rel} is not JSON: {e}"))
}
