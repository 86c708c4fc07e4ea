//! `bwx buyer deposit | withdraw | show`.
use super::{compute, ensure_token_account, load_market, token_balance, MarketInfo};
use crate::{
    commands::channel::ChannelRow, context::Ctx, errors::ClientError, ix, pda, tokens, Chain,
    Client,
};
use anchor_lang::prelude::Pubkey;
use bandwidth_settlement::state::{Buyer, Channel};
use serde::Serialize;

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

pub async fn show<C: Chain>(
    client: &Client<C>,
    market: &Pubkey,
    owner: &Pubkey,
) -> Result<BuyerReport, ClientError> {
    let m = load_market(client, market).await?;
    report(client, &m, owner).await
}

async fn report<C: Chain>(
    client: &Client<C>,
    m: &MarketInfo,
    owner: &Pubkey,
) -> Result<BuyerReport, ClientError> {
    let escrow = pda::buyer(&m.address, owner);
    let b: Buyer = client
        .require(&escrow, "buyer escrow (deposit first)")
        .await?;
    let wallet = tokens::associated_address(owner, &m.keys.mint, &m.keys.token_program);
    let wallet_balance = match client.chain.account(&wallet).await? {
        Some(a) => tokens::balance(&a.data).map(|v| m.ui(v)),
        None => None,
    };
    let mut channels = vec![];
    for id in 0..b.next_channel_id {
        let address = pda::channel(&escrow, id);
        if let Some(c) = client.get::<Channel>(&address).await? {
            channels.push(ChannelRow::new(m, &address, &c));
        }
    }
    Ok(BuyerReport {
        market: m.address.to_string(),
        owner: owner.to_string(),
        escrow: escrow.to_string(),
        free: m.ui(b.free),
        wallet_balance,
        next_channel_id: b.next_channel_id,
        open_channels: b.open_channels,
        total_deposited: m.ui(b.total_deposited),
        total_withdrawn: m.ui(b.total_withdrawn),
        channels,
    })
}

/// Moves `amount` (in the mint's decimals) from the payer's token account (its associated
/// account unless `source` is given) into its escrow.
pub async fn deposit<C: Chain>(
    client: &Client<C>,
    market: &Pubkey,
    amount: &str,
    source: Option<Pubkey>,
) -> Result<BuyerReport, ClientError> {
    let m = load_market(client, market).await?;
    let owner = client.payer().pubkey();
    let amount = m.parse(amount)?;
    let source = source
        .unwrap_or_else(|| tokens::associated_address(&owner, &m.keys.mint, &m.keys.token_program));
    let held = token_balance(client, &source).await?;
    if held < amount {
        return Err(ClientError::Invalid(format!(
            "token account {source} holds {}, less than {}",
            m.ui(held),
            m.ui(amount)
        )));
    }
    client
        .send(
            &[ix::deposit(owner, &m.keys, source, amount)],
            &[],
            compute::DEPOSIT,
        )
        .await?;
    report(client, &m, &owner).await
}

/// Moves `amount` (everything when `None`) of the free balance to `destination` (the payer's
/// associated token account, created if missing, unless given).
pub async fn withdraw<C: Chain>(
    client: &Client<C>,
    market: &Pubkey,
    amount: Option<&str>,
    destination: Option<Pubkey>,
) -> Result<BuyerReport, ClientError> {
    let m = load_market(client, market).await?;
    let owner = client.payer().pubkey();
    let b: Buyer = client
        .require(&pda::buyer(market, &owner), "buyer escrow")
        .await?;
    let amount = match amount {
        Some(a) => m.parse(a)?,
        None => b.free,
    };
    let destination = match destination {
        Some(d) => d,
        None => ensure_token_account(client, &m, &owner).await?,
    };
    client
        .send(
            &[ix::withdraw(owner, &m.keys, destination, amount)],
            &[],
            compute::WITHDRAW,
        )
        .await?;
    report(client, &m, &owner).await
}

#[derive(clap::Subcommand)]
pub enum Cmd {
    /// Move tokens from the signer's token account into its escrow.
    Deposit {
        #[arg(long)]
        market: Pubkey,
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

pub async fn execute(cmd: &Cmd, ctx: &Ctx) -> Result<bool, ClientError> {
    match cmd {
        Cmd::Deposit {
            market,
            amount,
            from,
        } => ctx.print(&deposit(&ctx.client()?, market, amount, *from).await?),
        Cmd::Withdraw { market, amount, to } => {
            ctx.print(&withdraw(&ctx.client()?, market, amount.as_deref(), *to).await?)
        }
        Cmd::Show { market, owner } => {
            let client = ctx.reader();
            let owner = match owner {
                Some(o) => *o,
                None => client.try_payer()?.pubkey(),
            };
            ctx.print(&show(&client, market, &owner).await?);
        }
    }
    Ok(true)
}
