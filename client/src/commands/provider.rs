//! `bwx provider register | update | show`.
use super::{compute, load_market, market::percent};
use crate::{errors::ClientError, ix, pda, Chain, Client};
use anchor_lang::prelude::Pubkey;
use bandwidth_settlement::{
    instructions::{RegisterProviderArgs, UpdateProviderArgs},
    state::{Provider, ProviderMarket},
};
use serde::Serialize;
use solana_signer::Signer;

#[derive(Debug, Serialize)]
pub struct ProviderReport {
    pub provider: String,
    pub authority: String,
    pub payout: String,
    pub active: bool,
    pub min_dispute_window_secs: u32,
    pub watcher_bounty: String,
    pub endpoint: String,
    pub region: String,
    pub markets: Vec<ProviderMarketReport>,
}

#[derive(Debug, Serialize)]
pub struct ProviderMarketReport {
    pub market: String,
    pub price_per_gib: String,
    pub earnings: String,
    pub fees_accrued: String,
    pub settled: String,
    pub bytes_settled: u64,
    pub channels_opened: u64,
    pub channels_active: u64,
    pub closed_by_provider: u64,
    pub force_closed: u64,
}

/// Shows a provider (by its authority) and its accounts in the given markets.
pub async fn show<C: Chain>(
    client: &Client<C>,
    authority: &Pubkey,
    markets: &[Pubkey],
) -> Result<ProviderReport, ClientError> {
    let address = pda::provider(authority);
    let p: Provider = client.require(&address, "provider").await?;
    let mut rows = vec![];
    for market in markets {
        let m = load_market(client, market).await?;
        let Some(pm) = client
            .get::<ProviderMarket>(&pda::provider_market(market, &address))
            .await?
        else {
            continue;
        };
        rows.push(ProviderMarketReport {
            market: market.to_string(),
            price_per_gib: m.ui(pm.price_per_gib),
            earnings: m.ui(pm.earnings),
            fees_accrued: m.ui(pm.fees_accrued),
            settled: m.ui(pm.amount_settled),
            bytes_settled: pm.bytes_settled,
            channels_opened: pm.channels_opened,
            channels_active: pm.channels_active,
            closed_by_provider: pm.channels_closed_by_provider,
            force_closed: pm.channels_force_closed,
        });
    }
    Ok(ProviderReport {
        provider: address.to_string(),
        authority: p.authority.to_string(),
        payout: p.payout.to_string(),
        active: p.active,
        min_dispute_window_secs: p.min_dispute_window_secs,
        watcher_bounty: percent(p.bounty_bps),
        endpoint: p.endpoint,
        region: p.region,
        markets: rows,
    })
}

/// Registers the payer as a provider (if not yet) and joins `market` at `price_per_gib`.
pub async fn register<C: Chain>(
    client: &Client<C>,
    market: &Pubkey,
    args: RegisterProviderArgs,
    price_per_gib: &str,
) -> Result<ProviderReport, ClientError> {
    let authority = client.payer().pubkey();
    let m = load_market(client, market).await?;
    let price = m.parse(price_per_gib)?;
    let mut ixs = vec![];
    if client
        .chain
        .account(&pda::provider(&authority))
        .await?
        .is_none()
    {
        ixs.push(ix::register_provider(authority, args));
    }
    ixs.push(ix::join_market(authority, *market, price));
    client.send(&ixs, &[], compute::PROVIDER * 2).await?;
    show(client, &authority, &[*market]).await
}

/// Changes the payer's provider terms, and its price in `market` when given.
pub async fn update<C: Chain>(
    client: &Client<C>,
    args: UpdateProviderArgs,
    price: Option<(Pubkey, String)>,
) -> Result<ProviderReport, ClientError> {
    let authority = client.payer().pubkey();
    let mut ixs = vec![ix::update_provider(authority, args)];
    let mut markets = vec![];
    if let Some((market, price)) = price {
        let m = load_market(client, &market).await?;
        ixs.push(ix::set_price(authority, market, m.parse(&price)?));
        markets.push(market);
    }
    client.send(&ixs, &[], compute::PROVIDER * 2).await?;
    show(client, &authority, &markets).await
}
