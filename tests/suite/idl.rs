//! The committed IDL (`idl/bandwidth_settlement.json`) must be what anchor-lang's `idl-build`
//! feature generates from the program as it is now. Regenerate with
//! `UPDATE_IDL=1 cargo test -p bandwidth-tests --test integration -- idl::`.
use anchor_lang_idl::build::IdlBuilder;
use std::path::PathBuf;

#[test]
fn committed_idl_matches_the_program() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let root = root.canonicalize().expect("workspace root");
    // anchor-lang-idl would pass this on as `cargo +{toolchain}`; the toolchain is already
    // the one running this test.
    std::env::remove_var("RUSTUP_TOOLCHAIN");
    // CI lints its build through clippy-driver (.ci/run); the IDL build is not linted.
    std::env::remove_var("RUSTC_WORKSPACE_WRAPPER");
    std::env::remove_var("CLIPPY_ARGS");
    // The IDL build sets its own RUSTFLAGS; a separate target directory keeps it from
    // invalidating the main build.
    let target_dir = root.join("target").join("idl-build");
    let idl = IdlBuilder::new()
        .program_path(root.join("programs").join("bandwidth-settlement"))
        .cargo_args(
            [
                "--target-dir",
                &target_dir.display().to_string(),
                "--locked",
                // Only the IDL is wanted from this build, not speed: unoptimised, it compiles
                // its ~170 crates in about half the time (a cold CI runs it once).
                "--config",
                "profile.test.opt-level=0",
                "--config",
                "profile.test.package.\"*\".opt-level=0",
                "--config",
                "profile.test.debug=false",
            ]
            .map(String::from)
            .to_vec(),
        )
        .build()
        .expect("IDL build (run with ANCHOR_LOG=1 to see the cargo output)");
    let generated = serde_json::to_string_pretty(&idl).unwrap() + "\n";
    let path = root.join("idl").join("bandwidth_settlement.json");
    if std::env::var_os("UPDATE_IDL").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is stale: regenerate it with `UPDATE_IDL=1 cargo test -p bandwidth-tests --test integration -- idl::` \
         and commit the result",
        path.display()
    );
}
