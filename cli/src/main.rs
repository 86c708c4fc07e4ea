//! `bwx`: parses the command line and dispatches; every command lives in `commands/`.
use bandwidth_cli::{
    commands::{self, Command},
    context::{Ctx, GlobalArgs},
};
use clap::Parser;
use std::process::ExitCode;

const EXIT_CODES: &str = "\
Exit status:
  0  success
  1  refused by the chain, invalid input, or a check or settlement failed (the message says
     what to do; --verbose adds the transaction logs)
  2  usage error (unknown command, missing or malformed argument)

Cluster and signer default to the Solana CLI's config file (~/.config/solana/cli/config.yml)
when it exists. Read-only commands (market show, channel show/list, provider show/rank, buyer
show, rewards show, receipt verify without --store) need no signer.";

#[derive(Parser)]
#[command(
    name = "bwx",
    version,
    about = "Buyers, providers, watchers and admins of the bandwidth settlement program",
    after_help = EXIT_CODES
)]
struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse(); // usage errors exit with 2
    let result = match Ctx::new(&cli.global) {
        Ok(ctx) => commands::execute(&cli.command, &ctx).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("error: a check or a settlement failed (see the report above)");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            if cli.global.verbose {
                for line in e.logs() {
                    eprintln!("  {line}");
                }
            }
            ExitCode::FAILURE
        }
    }
}
