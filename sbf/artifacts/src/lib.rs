//! The SBF builds of this repository, for tests and benches: [`program`] and [`probe`] run
//! `sbf/build.sh` once per process (seconds when the toolchain is cached and nothing changed;
//! the first run on a machine fetches the toolchain, sbf/README.md) and return the `.so`.
//! Building from the current sources every time means no test measures a stale binary.
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// The repository's root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Where `sbf/build.sh` puts the SBF build of `name`.
pub fn path(name: &str) -> PathBuf {
    root().join("target/deploy").join(format!("{name}.so"))
}

/// The settlement program built for SBF (`target/deploy/bandwidth_settlement.so`).
pub fn program() -> Result<PathBuf, String> {
    build("program", "bandwidth_settlement")
}

/// The receipt-verification cost probe (`target/deploy/bandwidth_sbf_probe.so`).
pub fn probe() -> Result<PathBuf, String> {
    build("probe", "bandwidth_sbf_probe")
}

/// What each `sbf/build.sh <what>` of this process ended with.
type Builds = Vec<(&'static str, Result<(), String>)>;

/// Runs `sbf/build.sh <what>` once per process and `what`, one build at a time (two cold
/// runs would fetch the same toolchain into the same cache).
fn build(what: &'static str, name: &str) -> Result<PathBuf, String> {
    static BUILDS: OnceLock<Mutex<Builds>> = OnceLock::new();
    let mut builds = BUILDS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if !builds.iter().any(|(w, _)| *w == what) {
        builds.push((what, run_build_script(what)));
    }
    let (_, result) = builds
        .iter()
        .find(|(w, _)| *w == what)
        .expect("recorded above");
    result.clone().map(|()| path(name))
}

fn run_build_script(what: &str) -> Result<(), String> {
    let script = root().join("sbf/build.sh");
    let out = std::process::Command::new("bash")
        .arg(&script)
        .arg(what)
        .output()
        .map_err(|e| format!("could not run {}: {e}", script.display()))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "`sbf/build.sh {what}` failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}
