//! Records the source revision for the program's security.txt (SBF builds only; host builds
//! do not embed it and never rerun this).
use std::{path::PathBuf, process::Command};

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Reruns when the revision moves: HEAD names a branch, whose ref file (or packed-refs, once
/// git packs it) changes with every commit, while HEAD itself does not.
fn watch_revision() {
    let Some(dir) = git(&["rev-parse", "--absolute-git-dir"]).map(PathBuf::from) else {
        return;
    };
    let head = dir.join("HEAD");
    let branch = std::fs::read_to_string(&head)
        .ok()
        .and_then(|h| h.strip_prefix("ref: ").map(|r| dir.join(r.trim())));
    // Only files that exist: cargo reruns every time for one that does not.
    let files = [Some(head), Some(dir.join("packed-refs")), branch];
    for file in files.into_iter().flatten().filter(|f| f.exists()) {
        println!("cargo:rerun-if-changed={}", file.display());
    }
}

fn main() {
    println!("cargo:rerun-if-env-changed=SOURCE_REVISION");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("solana") {
        return;
    }
    let revision = std::env::var("SOURCE_REVISION")
        .ok()
        .or_else(|| git(&["rev-parse", "HEAD"]))
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=BWX_SOURCE_REVISION={revision}");
    watch_revision();
}
