//! Every `bwx` command: one module per noun, each with its clap arguments and an `execute`
//! that runs it against a [`Ctx`](crate::context::Ctx). The logic of each command is a
//! function written once against [`Client`](crate::Client), so it runs unchanged on the
//! embedded chain (tests, demo, bench) and over JSON-RPC.
pub mod bench;
pub mod bench_ingest;
pub mod buyer;
pub mod channel;
pub mod demo;
pub mod earnings;
pub mod fees;
pub mod localnet;
pub mod lookup;
pub mod market;
pub mod output;
pub mod provider;
pub mod receipt;
pub mod rewards;
pub mod serve;
pub mod settle;
pub mod watch;

pub use bandwidth_client::market::*;

use crate::{context::Ctx, errors::ClientError};
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
    Bench(bench::Args),
    /// The whole market on the embedded in-process chain (no validator needed); with -u, on
    /// that cluster over JSON-RPC (e.g. bwx localnet), paid for by the -k signer.
    Demo(demo::Args),
    /// The cluster, signer and data directory `bwx` would use, and where each came from.
    Config,
    /// A local Agave validator with the settlement program, SPL Token, Token-2022, the ATA
    /// program and a faucet (JSON-RPC on 127.0.0.1:8899); runs the bwx-localnet binary.
    Localnet(localnet::Args),
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
        Command::Bench(args) => bench::execute(args, ctx).await,
        Command::Demo(args) => demo::execute(args, ctx).await,
        Command::Config => {
            ctx.print(&ctx.describe());
            Ok(true)
        }
        Command::Localnet(args) => localnet::execute(args),
    }
}
