//! `bwx localnet`: runs `bwx-localnet` (crate `bandwidth-localnet`), the Agave test validator
//! in-process with the settlement program. A binary of its own so that `bwx` — and README
//! command 1 — never build a validator.
use bandwidth_client::ClientError;

#[derive(clap::Args)]
#[command(disable_help_flag = true)]
pub struct Args {
    /// Passed to bwx-localnet (`bwx localnet --help` lists them).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub args: Vec<String>,
}

/// bwx-localnet beside this executable (as cargo builds them), else on the PATH.
fn binary() -> std::path::PathBuf {
    let name = format!("bwx-localnet{}", std::env::consts::EXE_SUFFIX);
    std::env::current_exe()
        .ok()
        .map(|exe| exe.with_file_name(&name))
        .filter(|p| p.exists())
        .unwrap_or_else(|| name.into())
}

pub fn execute(args: &Args) -> Result<bool, ClientError> {
    let mut command = std::process::Command::new(binary());
    command.args(&args.args);
    let not_found = |e: std::io::Error| {
        ClientError::Invalid(format!(
            "cannot run bwx-localnet ({e}): it is built apart from bwx, so that bwx carries no \
             validator. Build it with `cargo build --release -p bandwidth-localnet` (beside bwx) \
             or run it directly with `cargo run --release -p bandwidth-localnet --`"
        ))
    };
    #[cfg(unix)]
    {
        // Replaces this process: signals reach the validator directly.
        use std::os::unix::process::CommandExt;
        Err(not_found(command.exec()))
    }
    #[cfg(not(unix))]
    {
        let status = command.status().map_err(not_found)?;
        Ok(status.success())
    }
}
