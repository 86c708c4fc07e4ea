//! `bwx settle`: the provider settles its receipt store ([`bandwidth_client::settlement`]).
use crate::{context::Ctx, output::SettleLine};
use anchor_lang::prelude::Pubkey;
use bandwidth_client::{lookup, settlement, ClientError};

#[derive(clap::Args)]
pub struct Args {
    /// Only this channel [default: every channel of the receipt store with something unsettled].
    #[arg(long)]
    pub channel: Option<Pubkey>,
    /// Lookup table for v0 transactions (see `bwx lookup-table create`).
    #[arg(long)]
    pub lookup_table: Option<Pubkey>,
}

/// One row per channel; `Ok(false)` when a settlement was refused or failed.
pub async fn execute(args: &Args, ctx: &Ctx) -> Result<bool, ClientError> {
    let client = ctx.client()?;
    let mut store = ctx.store()?;
    let tables = match &args.lookup_table {
        Some(t) => vec![lookup::fetch_active(&client.chain, t).await?],
        None => vec![],
    };
    let rows = settlement::settle(&client, &mut store, args.channel, &tables).await?;
    ctx.print(&SettleLine::all(&client, &rows).await?);
    Ok(!rows.iter().any(|r| r.is_failure()))
}
