//! `bwx lookup-table create | extend`: a provider's address lookup table, holding its
//! Provider and ProviderMarket accounts and its channels, for v0 settlement transactions.
use crate::{
    context::Ctx, errors::ClientError, lookup, pda, receipts::store::ReceiptStore, Chain, Client,
};
use anchor_lang::prelude::Pubkey;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct TableReport {
    pub table: String,
    pub addresses: usize,
}

/// The addresses a provider's settlements in `market` touch: its accounts, the market's
/// reward pool address (passed by every settlement), the market and its vault (a watcher's
/// bounty accounts), then its open channels as the store knows them.
pub fn provider_addresses(
    authority: &Pubkey,
    market: &Pubkey,
    store: &ReceiptStore,
) -> Vec<Pubkey> {
    let provider = pda::provider(authority);
    let mut addresses = vec![
        provider,
        pda::provider_market(market, &provider),
        pda::reward_pool(market),
        // What a watcher's bounty accounts name: one byte each through this table.
        *market,
        pda::vault(market),
    ];
    addresses.extend(
        store
            .channels()
            .into_iter()
            .filter(|c| !c.closed && c.terms.market == *market)
            .map(|c| c.terms.channel),
    );
    addresses
}

pub async fn create<C: Chain>(
    client: &Client<C>,
    store: &ReceiptStore,
    market: &Pubkey,
) -> Result<TableReport, ClientError> {
    let addresses = provider_addresses(&client.payer().pubkey(), market, store);
    let table = lookup::create(client, &addresses).await?;
    report(client, &table).await
}

pub async fn extend<C: Chain>(
    client: &Client<C>,
    store: &ReceiptStore,
    market: &Pubkey,
    table: &Pubkey,
) -> Result<TableReport, ClientError> {
    let addresses = provider_addresses(&client.payer().pubkey(), market, store);
    lookup::extend(client, table, &addresses).await?;
    report(client, table).await
}

async fn report<C: Chain>(client: &Client<C>, table: &Pubkey) -> Result<TableReport, ClientError> {
    Ok(TableReport {
        table: table.to_string(),
        addresses: lookup::fetch(&client.chain, table).await?.addresses.len(),
    })
}

#[derive(clap::Subcommand)]
pub enum Cmd {
    /// Create a table with the signer's provider accounts, the market's reward pool address and
    /// the open channels of the receipt store in a market.
    Create {
        #[arg(long)]
        market: Pubkey,
    },
    /// Add the channels opened since.
    Extend {
        #[arg(long)]
        market: Pubkey,
        #[arg(long)]
        table: Pubkey,
    },
}

pub async fn execute(cmd: &Cmd, ctx: &Ctx) -> Result<bool, ClientError> {
    match cmd {
        Cmd::Create { market } => ctx.print(&create(&ctx.client()?, &ctx.store()?, market).await?),
        Cmd::Extend { market, table } => {
            ctx.print(&extend(&ctx.client()?, &ctx.store()?, market, table).await?)
        }
    }
    Ok(true)
}
