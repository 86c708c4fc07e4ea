//! `bwx settle`: settle the best stored receipt of each channel, many channels per
//! transaction (`settle_many`, packed to the size limit; v0 with lookup tables when given).
use super::{load_market, MarketInfo};
use crate::{
    batch::SettleGroup,
    errors::ClientError,
    ix::{self, Bounty},
    receipts::{store::ReceiptStore, to_args},
    Chain, Client,
};
use anchor_lang::prelude::Pubkey;
use bandwidth_settlement::{
    receipt::SignedReceipt,
    state::{Channel, ChannelState},
};
use serde::Serialize;
use solana_message::AddressLookupTableAccount;
use solana_signer::Signer;
use std::collections::BTreeMap;

#[derive(Debug, Serialize)]
pub struct SettleRow {
    pub channel: String,
    /// "settled", "nothing new", "closed", or "deadline passed".
    pub outcome: &'static str,
    pub amount: Option<String>,
    pub bytes: Option<u64>,
    pub signature: Option<String>,
    /// Channels settled in the same transaction.
    pub batch: Option<usize>,
}

impl SettleRow {
    fn plain(channel: &Pubkey, outcome: &'static str) -> SettleRow {
        SettleRow {
            channel: channel.to_string(),
            outcome,
            amount: None,
            bytes: None,
            signature: None,
            batch: None,
        }
    }
}

/// A channel whose best receipt should be settled.
#[derive(Clone, Debug)]
pub struct Due {
    pub channel: Pubkey,
    pub on_chain: Channel,
    pub receipt: SignedReceipt,
}

/// Refreshes the store from the chain: closed channels, deposits (top-ups), closes started,
/// what is settled. Returns the channel as it is on-chain, `None` once it is closed.
pub async fn refresh<C: Chain>(
    client: &Client<C>,
    store: &mut ReceiptStore,
    channel: &Pubkey,
) -> Result<Option<Channel>, ClientError> {
    let Some(on_chain) = client.get::<Channel>(channel).await? else {
        if store.channel(channel).is_some_and(|c| !c.closed) {
            store.record_closed(channel)?;
        }
        return Ok(None);
    };
    if let Some(stored) = store.channel(channel) {
        if on_chain.deposit > stored.terms.deposit {
            store.add_channel(crate::receipts::store::ChannelTerms {
                deposit: on_chain.deposit,
                ..stored.terms
            })?;
        }
        if on_chain.state == ChannelState::Closing && stored.close_deadline.is_none() {
            store.record_closing(channel, on_chain.close_deadline)?;
        }
        if on_chain.settled > stored.settled_amount || on_chain.settled_bytes > stored.settled_bytes
        {
            store.record_settled(channel, on_chain.settled, on_chain.settled_bytes)?;
        }
    }
    Ok(Some(on_chain))
}

/// Settles every `due` receipt, grouped by market and provider, packed into as few
/// `settle_many` transactions as fit. A watcher passes `bounty_to` (a token account of the
/// market's mint) to be paid the bounty on closing channels.
pub async fn settle_due<C: Chain>(
    client: &Client<C>,
    store: &mut ReceiptStore,
    due: Vec<Due>,
    tables: &[AddressLookupTableAccount],
    bounty_to: Option<Pubkey>,
) -> Result<Vec<SettleRow>, ClientError> {
    let mut groups: BTreeMap<(Pubkey, Pubkey), Vec<Due>> = BTreeMap::new();
    for d in due {
        groups
            .entry((d.on_chain.market, d.on_chain.provider))
            .or_default()
            .push(d);
    }
    let mut rows = vec![];
    let mut markets: BTreeMap<Pubkey, MarketInfo> = BTreeMap::new();
    for ((market, provider), dues) in groups {
        let m = match markets.get(&market) {
            Some(m) => m.clone(),
            None => {
                let m = load_market(client, &market).await?;
                markets.insert(market, m.clone());
                m
            }
        };
        let budget = |units| client.compute_budget(units);
        let group = SettleGroup {
            payer: client.payer().pubkey(),
            settler: client.payer().pubkey(),
            market,
            provider,
            bounty: bounty_to.map(|destination| Bounty {
                market: &m.keys,
                destination,
            }),
            reward_pool: m.reward_pool,
            compute_budget: &budget,
        };
        let entries: Vec<(Pubkey, _)> = dues
            .iter()
            .map(|d| (d.channel, to_args(&d.receipt)))
            .collect();
        for batch in group.pack(&entries, tables)? {
            let ixs = group.instructions(&batch);
            // The compute-budget instructions are already part of `ixs`.
            let sent = client.send_prebudgeted(&ixs, &[], tables).await?;
            for (channel, receipt) in &batch {
                store.record_settled(channel, receipt.amount, receipt.bytes)?;
                rows.push(SettleRow {
                    channel: channel.to_string(),
                    outcome: "settled",
                    amount: Some(m.ui(receipt.amount)),
                    bytes: Some(receipt.bytes),
                    signature: Some(sent.signature.to_string()),
                    batch: Some(batch.len()),
                });
            }
        }
    }
    Ok(rows)
}

/// Settles, for `channel` or for every channel in `store`, the best stored receipt when it is
/// above what the chain has settled (and, for a closing channel, before its deadline).
pub async fn settle<C: Chain>(
    client: &Client<C>,
    store: &mut ReceiptStore,
    channel: Option<Pubkey>,
    tables: &[AddressLookupTableAccount],
) -> Result<Vec<SettleRow>, ClientError> {
    let channels: Vec<Pubkey> = match channel {
        Some(c) => vec![c],
        None => store
            .channels()
            .into_iter()
            .filter(|c| !c.closed && c.unsettled() > 0)
            .map(|c| c.terms.channel)
            .collect(),
    };
    let now = client.chain.clock().await?.unix_timestamp;
    let mut rows = vec![];
    let mut due = vec![];
    for address in channels {
        let Some(on_chain) = refresh(client, store, &address).await? else {
            rows.push(SettleRow::plain(&address, "closed"));
            continue;
        };
        match store
            .best(&address)
            .filter(|b| b.receipt.amount > on_chain.settled)
        {
            None => rows.push(SettleRow::plain(&address, "nothing new")),
            Some(_)
                if on_chain.state == ChannelState::Closing && now >= on_chain.close_deadline =>
            {
                rows.push(SettleRow::plain(&address, "deadline passed"))
            }
            Some(receipt) => due.push(Due {
                channel: address,
                on_chain,
                receipt,
            }),
        }
    }
    rows.extend(settle_due(client, store, due, tables, None).await?);
    Ok(rows)
}

/// A single settlement, with `settle` (not `settle_many`): what a one-off caller needs.
pub async fn settle_one<C: Chain>(
    client: &Client<C>,
    channel: &Pubkey,
    receipt: &SignedReceipt,
    bounty_to: Option<Pubkey>,
) -> Result<SettleRow, ClientError> {
    let on_chain: Channel = client.require(channel, "channel").await?;
    let m = load_market(client, &on_chain.market).await?;
    let keys = ix::ChannelKeys {
        reward_pool: m.reward_pool,
        ..ix::ChannelKeys::from_account(*channel, &on_chain)
    };
    let bounty = bounty_to.map(|destination| Bounty {
        market: &m.keys,
        destination,
    });
    let ix = ix::settle(client.payer().pubkey(), &keys, to_args(receipt), bounty);
    let sent = client
        .send(&[ix], &[], super::compute::SETTLE_WITH_BOUNTY)
        .await?;
    Ok(SettleRow {
        channel: channel.to_string(),
        outcome: "settled",
        amount: Some(m.ui(receipt.receipt.amount)),
        bytes: Some(receipt.receipt.bytes),
        signature: Some(sent.signature.to_string()),
        batch: Some(1),
    })
}
