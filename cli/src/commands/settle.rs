//! `bwx settle`: the SDK's settlement of a receipt store ([`bandwidth_client::settlement`]).
pub use bandwidth_client::settlement::*;

use crate::{context::Ctx, errors::ClientError, lookup};
use anchor_lang::prelude::Pubkey;

#[derive(clap::Args)]
pub struct Args {
    /// Only this channel [default: every channel of the receipt store with something unsettled].
    #[arg(long)]
    pub channel: Option<Pubkey>,
    /// Lookup table for v0 transactions (see `bwx lookup-table create`).
    #[arg(long)]
    pub lookup_table: Option<Pubkey>,
}

/// Settles and prints one row per channel; `Ok(false)` when a settlement was refused or failed.
pub async fn execute(args: &Args, ctx: &Ctx) -> Result<bool, ClientError> {
    let client = ctx.client()?;
    let mut store = ctx.store()?;
    let tables = match &args.lookup_table {
        Some(t) => vec![lookup::fetch_active(&client.chain, t).await?],
        None => vec![],
    };
    let rows = settle(&client, &mut store, args.channel, &tables).await?;
    ctx.print(&rows);
    Ok(!rows.iter().any(|r| r.is_failure()))
}
