//! `bwx`: parses the command line and dispatches; every command lives in `commands/`.
use bandwidth_cli::{
    commands::{self, Command},
    context::{Ctx, GlobalArgs},
};
use bandwidth_client::ClientError;
use clap::{parser::ValueSource, CommandFactory, FromArgMatches, Parser};
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
    let matches = Cli::command().get_matches(); // usage errors exit with 2
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    cli.global.url_from_env = matches.value_source("url") == Some(ValueSource::EnvVariable);
    cli.global.config_optional = !cli.command.uses_cluster(cli.global.url.is_some());
    let ctx = Ctx::new(&cli.global);
    let cluster = ctx
        .as_ref()
        .ok()
        .map(|c| format!("{} (from {})", c.url, c.url_source));
    let result = match ctx {
        Ok(ctx) => commands::execute(&cli.command, &ctx).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("error: a check or a settlement failed (see the report above)");
            ExitCode::FAILURE
        }
        Err(ClientError::NoSigner) => {
            eprintln!("error: this command signs: pass -k/--keypair (a keypair file, prompt:// or another signer URI), or set keypair_path in the Solana CLI config");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            // A cluster that does not answer may not be the one meant (BWX_URL wins over the
            // Solana CLI config): say which it was.
            if let (ClientError::Chain(_), Some(cluster)) = (&e, &cluster) {
                eprintln!("  cluster: {cluster}");
            }
            if cli.global.verbose {
                for line in e.logs() {
                    eprintln!("  {line}");
                }
            }
            ExitCode::FAILURE
        }
    }
}
