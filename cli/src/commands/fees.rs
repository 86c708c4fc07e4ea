//! `bwx fees sweep`.
use super::{compute, load_market};
use crate::{context::Ctx, errors::ClientError, ix, Chain, Client};
use anchor_lang::prelude::Pubkey;
use bandwidth_settlement::state::ProviderMarket;
use serde::Serialize;

/// Byte offset of `ProviderMarket.market` (after the discriminator, version and bump).
pub const PROVIDER_MARKET_MARKET_OFFSET: usize = 8 + 1 + 1;

/// Provider accounts swept per transaction: keeps the transaction well under its size limit.
pub const PROVIDERS_PER_SWEEP: usize = 20;

#[derive(Debug, Serialize)]
pub struct SweepReport {
    pub market: String,
    pub providers_swept: usize,
    pub total: String,
    pub to_treasury: String,
    pub burned: String,
    pub transactions: usize,
}

/// Sweeps the accrued fees of every provider of `market` (found through the chain's account
/// index) to the treasury and the burn.
pub async fn sweep<C: Chain>(
    client: &Client<C>,
    market: &Pubkey,
) -> Result<SweepReport, ClientError> {
    let m = load_market(client, market).await?;
    let due: Vec<(Pubkey, u64)> = client
        .accounts_of::<ProviderMarket>(PROVIDER_MARKET_MARKET_OFFSET, market)
        .await?
        .into_iter()
        .filter(|(_, pm)| pm.fees_accrued > 0 && pm.market == *market)
        .map(|(address, pm)| (address, pm.fees_accrued))
        .collect();
    if due.is_empty() {
        return Err(ClientError::Invalid(
            "no fees to sweep in this market".into(),
        ));
    }
    let (mut total, mut to_treasury, mut burned) = (0u64, 0u64, 0u64);
    let mut transactions = 0;
    for chunk in due.chunks(PROVIDERS_PER_SWEEP) {
        // The program splits each sweep separately: so does the report.
        let chunk_total: u64 = chunk.iter().map(|(_, f)| f).sum();
        let (t, b) = bandwidth_settlement::math::split_fees(chunk_total, m.account.burn_bps)
            .map_err(|e| ClientError::Invalid(e.to_string()))?;
        total += chunk_total;
        to_treasury += t;
        burned += b;
        let pms: Vec<Pubkey> = chunk.iter().map(|(a, _)| *a).collect();
        let units = compute::SWEEP_BASE + compute::SWEEP_PER_PROVIDER * pms.len() as u32;
        client
            .send(&[ix::sweep_fees(&m.keys, &pms)], &[], units)
            .await?;
        transactions += 1;
    }
    Ok(SweepReport {
        market: market.to_string(),
        providers_swept: due.len(),
        total: m.ui(total),
        to_treasury: m.ui(to_treasury),
        burned: m.ui(burned),
        transactions,
    })
}

#[derive(clap::Subcommand)]
pub enum Cmd {
    /// Anyone: send the treasury share of every provider's accrued fees to the treasury and
    /// burn the rest.
    Sweep {
        #[arg(long)]
        market: Pubkey,
    },
}

pub async fn execute(cmd: &Cmd, ctx: &Ctx) -> Result<bool, ClientError> {
    match cmd {
        Cmd::Sweep { market } => ctx.print(&sweep(&ctx.client()?, market).await?),
    }
    Ok(true)
}
