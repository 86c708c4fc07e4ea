//! `bwx earnings withdraw`.
use super::{compute, ensure_token_account, load_market, provider::ProviderReport};
use crate::{context::Ctx, errors::ClientError, ix, pda, Chain, Client};
use anchor_lang::prelude::Pubkey;
use bandwidth_settlement::state::{Provider, ProviderMarket};

/// Withdraws `amount` (everything when `None`) of the payer's earnings in `market` to a token
/// account of its payout wallet (the payout wallet's associated account unless given).
pub async fn withdraw<C: Chain>(
    client: &Client<C>,
    market: &Pubkey,
    amount: Option<&str>,
    destination: Option<Pubkey>,
) -> Result<ProviderReport, ClientError> {
    let m = load_market(client, market).await?;
    let authority = client.payer().pubkey();
    let provider = pda::provider(&authority);
    let p: Provider = client.require(&provider, "provider").await?;
    let pm: ProviderMarket = client
        .require(
            &pda::provider_market(market, &provider),
            "provider account in this market",
        )
        .await?;
    if pm.earnings == 0 {
        return Err(ClientError::Invalid(
            "no earnings to withdraw: settle receipts first".into(),
        ));
    }
    let amount = amount.map(|a| m.parse(a)).transpose()?;
    let destination = match destination {
        Some(d) => d,
        None => ensure_token_account(client, &m, &p.payout).await?,
    };
    let ix = ix::withdraw_earnings(authority, &m.keys, destination, amount);
    client.send(&[ix], &[], compute::WITHDRAW_EARNINGS).await?;
    super::provider::show(client, &authority, &[*market]).await
}

#[derive(clap::Subcommand)]
pub enum Cmd {
    /// Move earnings to a token account of the payout wallet.
    Withdraw {
        #[arg(long)]
        market: Pubkey,
        /// [default: all of them]
        #[arg(long)]
        amount: Option<String>,
        /// [default: the payout wallet's associated token account]
        #[arg(long)]
        to: Option<Pubkey>,
    },
}

pub async fn execute(cmd: &Cmd, ctx: &Ctx) -> Result<bool, ClientError> {
    match cmd {
        Cmd::Withdraw { market, amount, to } => {
            ctx.print(&withdraw(&ctx.client()?, market, amount.as_deref(), *to).await?)
        }
    }
    Ok(true)
}
