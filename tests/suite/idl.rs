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
    // The IDL build sets its own RUSTFLAGS; a separate target directory keeps it from
    // invalidating the main build.
    let target_dir = root.join("target").join("idl-build");
    let idl = IdlBuilder::new()
        .program_path(root.join("programs").join("bandwidth-settlement"))
        .cargo_args(vec![
            "--target-dir".into(),
            target_dir.display().to_string(),
            "--locked".into(),
        ])
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
