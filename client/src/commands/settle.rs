//! `bwx settle`: the provider settles the best receipt of each of its channels.
use super::{compute, load_market};
use crate::{
    errors::ClientError,
    ix::{self, ChannelKeys},
    receipts::{store::ReceiptStore, to_args},
    Chain, Client,
};
use anchor_lang::prelude::Pubkey;
use bandwidth_settlement::state::Channel;
use serde::Serialize;
use solana_signer::Signer;

#[derive(Debug, Serialize)]
pub struct SettleRow {
    pub channel: String,
    /// "settled", "nothing new", or "closed".
    pub outcome: &'static str,
    pub amount: Option<String>,
    pub bytes: Option<u64>,
    pub signature: Option<String>,
}

/// Settles, for `channel` or for every channel in `store`, the best stored receipt when it is
/// above what the chain has settled; records what the chain now holds.
pub async fn settle<C: Chain>(
    client: &Client<C>,
    store: &mut ReceiptStore,
    channel: Option<Pubkey>,
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
    let mut rows = vec![];
    for address in channels {
        let Some(on_chain) = client.get::<Channel>(&address).await? else {
            if store.channel(&address).is_some() {
                store.record_closed(&address)?;
            }
            rows.push(SettleRow {
                channel: address.to_string(),
                outcome: "closed",
                amount: None,
                bytes: None,
                signature: None,
            });
            continue;
        };
        let best = store
            .best(&address)
            .filter(|b| b.receipt.amount > on_chain.settled);
        let Some(best) = best else {
            store.record_settled(&address, on_chain.settled, on_chain.settled_bytes)?;
            rows.push(SettleRow {
                channel: address.to_string(),
                outcome: "nothing new",
                amount: None,
                bytes: None,
                signature: None,
            });
            continue;
        };
        let m = load_market(client, &on_chain.market).await?;
        let keys = ChannelKeys::from_account(address, &on_chain);
        let ix = ix::settle(client.payer().pubkey(), &keys, to_args(&best), None);
        let sent = client.send(&[ix], &[], compute::SETTLE).await?;
        store.record_settled(&address, best.receipt.amount, best.receipt.bytes)?;
        rows.push(SettleRow {
            channel: address.to_string(),
            outcome: "settled",
            amount: Some(m.ui(best.receipt.amount)),
            bytes: Some(best.receipt.bytes),
            signature: Some(sent.signature.to_string()),
        });
    }
    Ok(rows)
}
