//! `bwx earnings withdraw`.
use crate::context::Ctx;
use anchor_lang::prelude::Pubkey;
use bandwidth_client::{ops::Provider, ClientError};

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
    let Cmd::Withdraw { market, amount, to } = cmd;
    let client = ctx.client()?;
    let provider = Provider::new(&client, market).await?;
    let amount = amount
        .as_deref()
        .map(|a| provider.market().parse(a))
        .transpose()?;
    provider.withdraw_earnings(amount, *to).await?;
    ctx.print(&super::provider::report(&client, &provider.authority()?, &[*market]).await?);
    Ok(true)
}
