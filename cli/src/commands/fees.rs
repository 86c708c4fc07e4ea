//! `bwx fees sweep`.
use crate::context::Ctx;
use anchor_lang::prelude::Pubkey;
use bandwidth_client::{market::load_market, ops::admin::sweep_fees, ClientError};
use serde::Serialize;

#[derive(clap::Subcommand)]
pub enum Cmd {
    /// Anyone: send the treasury share of every provider's accrued fees to the treasury and
    /// burn the rest.
    Sweep {
        #[arg(long)]
        market: Pubkey,
    },
}

#[derive(Debug, Serialize)]
pub struct SweepReport {
    pub market: String,
    pub providers_swept: usize,
    pub total: String,
    pub to_treasury: String,
    pub burned: String,
    pub transactions: usize,
}

pub async fn execute(cmd: &Cmd, ctx: &Ctx) -> Result<bool, ClientError> {
    let Cmd::Sweep { market } = cmd;
    let client = ctx.client()?;
    let m = load_market(&client, market).await?;
    let swept = sweep_fees(&client, market).await?;
    ctx.print(&SweepReport {
        market: market.to_string(),
        providers_swept: swept.providers,
        total: m.ui(swept.total),
        to_treasury: m.ui(swept.to_treasury),
        burned: m.ui(swept.burned),
        transactions: swept.transactions.len(),
    });
    Ok(true)
}
