//! `bwx buyer deposit | withdraw | show`.
use super::channel::ChannelRow;
use crate::context::Ctx;
use anchor_lang::prelude::Pubkey;
use bandwidth_client::{
    ops::{views, Buyer},
    Chain, Client, ClientError,
};
use serde::Serialize;

#[derive(clap::Subcommand)]
pub enum Cmd {
    /// Move tokens from the signer's token account into its escrow.
    Deposit {
        #[arg(long)]
        market: Pubkey,
        /// In the mint's units (e.g. 12.5).
        #[arg(long)]
        amount: String,
        /// Token account to pay from [default: the signer's associated account].
        #[arg(long)]
        from: Option<Pubkey>,
    },
    /// Move free balance back to a token account.
    Withdraw {
        #[arg(long)]
        market: Pubkey,
        /// [default: the whole free balance]
        #[arg(long)]
        amount: Option<String>,
        /// [default: the signer's associated account, created if missing]
        #[arg(long)]
        to: Option<Pubkey>,
    },
    /// A buyer's escrow and channels (no signer needed with --owner).
    Show {
        #[arg(long)]
        market: Pubkey,
        /// [default: the signer]
        #[arg(long)]
        owner: Option<Pubkey>,
    },
}

#[derive(Debug, Serialize)]
pub struct BuyerReport {
    pub market: String,
    pub owner: String,
    pub escrow: String,
    /// Free balance: withdrawable, or available for new channels.
    pub free: String,
    pub wallet_balance: Option<String>,
    pub next_channel_id: u64,
    pub open_channels: u64,
    pub total_deposited: String,
    pub total_withdrawn: String,
    pub channels: Vec<ChannelRow>,
}

pub async fn execute(cmd: &Cmd, ctx: &Ctx) -> Result<bool, ClientError> {
    match cmd {
        Cmd::Deposit {
            market,
            amount,
            from,
        } => {
            let client = ctx.client()?;
            let buyer = Buyer::new(&client, market).await?;
            buyer.deposit(buyer.market().parse(amount)?, *from).await?;
            ctx.print(&report(&client, market, &buyer.owner()?).await?);
        }
        Cmd::Withdraw { market, amount, to } => {
            let client = ctx.client()?;
            let buyer = Buyer::new(&client, market).await?;
            let amount = amount
                .as_deref()
                .map(|a| buyer.market().parse(a))
                .transpose()?;
            buyer.withdraw(amount, *to).await?;
            ctx.print(&report(&client, market, &buyer.owner()?).await?);
        }
        Cmd::Show { market, owner } => {
            let client = ctx.reader();
            let owner = match owner {
                Some(o) => *o,
                None => client.try_payer()?.pubkey(),
            };
            ctx.print(&report(&client, market, &owner).await?);
        }
    }
    Ok(true)
}

pub async fn report<C: Chain>(
    client: &Client<C>,
    market: &Pubkey,
    owner: &Pubkey,
) -> Result<BuyerReport, ClientError> {
    let v = views::buyer(client, market, owner).await?;
    let (m, b) = (&v.info, &v.account);
    Ok(BuyerReport {
        market: market.to_string(),
        owner: owner.to_string(),
        escrow: v.escrow.to_string(),
        free: m.ui(b.free),
        wallet_balance: v.wallet_balance.map(|w| m.ui(w)),
        next_channel_id: b.next_channel_id,
        open_channels: b.open_channels,
        total_deposited: m.ui(b.total_deposited),
        total_withdrawn: m.ui(b.total_withdrawn),
        channels: v
            .channels
            .iter()
            .map(|(a, c)| ChannelRow::new(m, a, c))
            .collect(),
    })
}
