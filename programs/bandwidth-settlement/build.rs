//! Records the source revision for the program's security.txt (SBF builds only; host builds
//! do not embed it and never rerun this).
fn main() {
    println!("cargo:rerun-if-env-changed=SOURCE_REVISION");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("solana") {
        return;
    }
    let revision = std::env::var("SOURCE_REVISION")
        .ok()
        .or_else(|| {
            let out = std::process::Command::new("git")
                .args(["rev-parse", "HEAD"])
                .output()
                .ok()?;
            out.status
                .success()
                .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=BWX_SOURCE_REVISION={revision}");
    println!("cargo:rerun-if-changed=../../.git/HEAD");
}
