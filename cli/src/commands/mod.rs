//! Every `bwx` command: one module per noun, each with its clap arguments, an `execute` that
//! runs the SDK's operation ([`bandwidth_client::ops`]) against a [`Ctx`], and the report it
//! prints. No workflow lives here: what a command does, the SDK does for any caller.
#[cfg(feature = "embedded")]
pub mod bench;
pub mod buyer;
pub mod channel;
pub mod demo;
pub mod earnings;
pub mod fees;
pub mod localnet;
pub mod lookup;
pub mod market;
pub mod provider;
pub mod receipt;
pub mod rewards;
pub mod serve;
pub mod settle;
pub mod watch;

use crate::context::Ctx;
use bandwidth_client::ClientError;
use clap::Subcommand;

/// What `bwx` does. Every command prints its report (`--output table|json`).
#[derive(Subcommand)]
pub enum Command {
    /// Create, inspect or administer a market.
    #[command(subcommand)]
    Market(market::Cmd),
    /// Register, update, inspect or rank providers; stake.
    #[command(subcommand)]
    Provider(provider::Cmd),
    /// A buyer's escrow: deposit, withdraw, show.
    #[command(subcommand)]
    Buyer(buyer::Cmd),
    /// Payment channels.
    #[command(subcommand)]
    Channel(channel::Cmd),
    /// Sign (buyer) or verify and store (provider) receipts.
    #[command(subcommand)]
    Receipt(receipt::Cmd),
    /// Provider: settle the best stored receipt of each channel (or of one), many channels per
    /// transaction.
    Settle(settle::Args),
    /// Provider: an address lookup table of its accounts and channels, for v0 settlements.
    #[command(subcommand)]
    LookupTable(lookup::Cmd),
    /// Keep every channel of the receipt store settled: closing ones before their deadline,
    /// open ones by policy; runs until SIGINT or SIGTERM. Any key may watch; a third party
    /// earns the bounty on closing channels (--bounty-to).
    Watch(watch::Args),
    /// Provider earnings.
    #[command(subcommand)]
    Earnings(earnings::Cmd),
    /// Protocol fees.
    #[command(subcommand)]
    Fees(fees::Cmd),
    /// Provider rewards: a reward mint, terms, claims.
    #[command(subcommand)]
    Rewards(rewards::Cmd),
    /// Channels per settlement transaction and the cost of a channel over its life, against
    /// the closest peer: measured on the embedded chain. `bwx bench ingest`: a provider node's
    /// receipts per second and latency over loopback HTTP.
    #[cfg(feature = "embedded")]
    Bench(bench::Args),
    /// Needs the embedded chain, which this bwx was built without.
    #[cfg(not(feature = "embedded"))]
    #[command(hide = true, disable_help_flag = true)]
    Bench {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
        rest: Vec<String>,
    },
    /// The whole market on the embedded in-process chain (no validator needed); with -u, on
    /// that cluster over JSON-RPC (e.g. bwx localnet), paid for by the -k signer.
    Demo(demo::Args),
    /// The cluster, signer and data directory `bwx` would use, and where each came from.
    Config,
    /// A local Agave validator with the settlement program, SPL Token, Token-2022, the ATA
    /// program and a faucet (JSON-RPC on 127.0.0.1:8899); runs the bwx-localnet binary.
    Localnet(localnet::Args),
}

impl Command {
    /// Whether the command talks to a cluster or signs (and so reads the Solana CLI config):
    /// not `bwx demo` without -u, `bwx bench` or `bwx localnet`, which run their own chain.
    pub fn uses_cluster(&self, url_given: bool) -> bool {
        match self {
            Command::Demo(_) => url_given,
            #[cfg(feature = "embedded")]
            Command::Bench(_) => false,
            #[cfg(not(feature = "embedded"))]
            Command::Bench { .. } => false,
            Command::Localnet(_) => false,
            _ => true,
        }
    }
}

/// Runs `command`; `Ok(false)` when it ran but a check or a settlement failed.
pub async fn execute(command: &Command, ctx: &Ctx) -> Result<bool, ClientError> {
    match command {
        Command::Market(cmd) => market::execute(cmd, ctx).await,
        Command::Provider(cmd) => provider::execute(cmd, ctx).await,
        Command::Buyer(cmd) => buyer::execute(cmd, ctx).await,
        Command::Channel(cmd) => channel::execute(cmd, ctx).await,
        Command::Receipt(cmd) => receipt::execute(cmd, ctx).await,
        Command::Settle(args) => settle::execute(args, ctx).await,
        Command::LookupTable(cmd) => lookup::execute(cmd, ctx).await,
        Command::Watch(args) => watch::execute(args, ctx).await,
        Command::Earnings(cmd) => earnings::execute(cmd, ctx).await,
        Command::Fees(cmd) => fees::execute(cmd, ctx).await,
        Command::Rewards(cmd) => rewards::execute(cmd, ctx).await,
        #[cfg(feature = "embedded")]
        Command::Bench(args) => bench::execute(args, ctx).await,
        #[cfg(not(feature = "embedded"))]
        Command::Bench { .. } => Err(without_embedded_chain("bwx bench")),
        Command::Demo(args) => demo::execute(args, ctx).await,
        Command::Config => {
            ctx.print(&ctx.describe());
            Ok(true)
        }
        Command::Localnet(args) => localnet::execute(args),
    }
}

/// What a command that needs the embedded chain says in a `bwx` built without it.
#[cfg(not(feature = "embedded"))]
pub(crate) fn without_embedded_chain(what: &str) -> ClientError {
    ClientError::Invalid(format!(
        "{what} runs on the embedded chain, and this bwx was built without it \
         (--no-default-features): pass -u <cluster> where the command takes one, or install \
         bwx with its default features (cargo install --path cli)"
    ))
}
