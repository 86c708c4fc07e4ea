//! What the node knows of each channel: looked up on the chain once, then cached (refusals
//! included), and recorded in the store for the channels it serves.
use crate::state::Shared;
use anchor_lang::{prelude::Pubkey, AccountDeserialize};
use bandwidth_client::{
    api::Refusal,
    receipts::{
        store::{ChannelTerms, StoredChannel},
        verify::PreparedSigner,
    },
};
use bandwidth_settlement::{
    receipt::SignedReceipt,
    state::{Channel, ChannelState},
};
use std::{collections::HashMap, time::Instant};

/// What the node knows of a channel.
// Most entries serve: the decompressed key is kept inline, not boxed (one per channel).
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum Entry {
    Serve {
        signer: PreparedSigner,
        deposit: u64,
        /// The best amount held (or settled): receipts at or below it need no signature check.
        best: u64,
    },
    /// Refused without looking again: foreign or closed for good; an address with no channel
    /// only until `until` ([`Limits::unknown_ttl`](crate::Limits): it may be opened meanwhile).
    Refuse {
        reason: Refusal,
        message: String,
        until: Option<Instant>,
    },
}

impl Entry {
    pub fn closed(channel: &Pubkey, why: &str) -> Entry {
        Entry::Refuse {
            reason: Refusal::ChannelClosed,
            message: format!("channel {channel} {why}: nothing more can be settled"),
            until: None,
        }
    }
}

/// The cache entry for a channel as the chain has it (`Err`: no channel there).
fn classify(shared: &Shared, address: &Pubkey, found: &Result<Channel, String>, now: i64) -> Entry {
    let refuse = |reason, message| Entry::Refuse {
        reason,
        message,
        until: None,
    };
    let c = match found {
        Ok(c) => c,
        Err(message) => {
            return Entry::Refuse {
                reason: Refusal::UnknownChannel,
                message: message.clone(),
                until: Some(Instant::now() + shared.limits.unknown_ttl),
            }
        }
    };
    let market = shared.market.address;
    if c.market != market {
        let m = format!(
            "channel {address} is in market {}, this node serves {market}",
            c.market
        );
        return refuse(Refusal::ForeignMarket, m);
    }
    if c.provider != shared.provider {
        let m = format!(
            "channel {address} pays provider {}, not this node's {}",
            c.provider, shared.provider
        );
        return refuse(Refusal::ForeignProvider, m);
    }
    if c.state == ChannelState::Closing && now >= c.close_deadline {
        let m = format!("channel {address} is past its close deadline");
        return refuse(Refusal::ChannelClosed, m);
    }
    Entry::Serve {
        signer: PreparedSigner::new(&c.receipt_signer),
        deposit: c.deposit,
        best: c.settled,
    }
}

/// The channel at `address`, or why there is none.
fn decode(
    program_id: &Pubkey,
    address: &Pubkey,
    account: Option<&solana_account::Account>,
) -> Result<Channel, String> {
    let account = account.ok_or_else(|| {
        format!("no channel {address} on-chain (closed, or not opened yet): open it first")
    })?;
    if account.owner != *program_id {
        return Err(format!(
            "{address} is not an account of the settlement program"
        ));
    }
    Channel::try_deserialize(&mut account.data.as_slice())
        .map_err(|_| format!("{address} is not a channel"))
}

/// Reads `addresses` from the chain (one call), records the served ones in the store and
/// caches every answer. A failed read caches nothing: those receipts are refused as
/// `unknown_channel` with a message to retry.
pub async fn look_up(shared: &Shared, addresses: &[Pubkey]) -> Result<(), String> {
    let _gate = shared.lookups.acquire().await.map_err(|e| e.to_string())?;
    shared
        .metrics
        .channel_lookups
        .inc_by(addresses.len() as u64);
    let rpc_error = |e: bandwidth_client::ClientError| {
        shared.metrics.rpc_errors.inc();
        e.to_string()
    };
    let accounts = shared
        .reader
        .chain
        .accounts(addresses)
        .await
        .map_err(rpc_error)?;
    let found: Vec<Result<Channel, String>> = addresses
        .iter()
        .zip(&accounts)
        .map(|(address, account)| decode(&shared.program_id, address, account.as_ref()))
        .collect();
    let closing = found
        .iter()
        .any(|c| c.as_ref().is_ok_and(|c| c.state == ChannelState::Closing));
    // The clock matters only for closing channels: no second call otherwise.
    let now = match closing {
        true => {
            shared
                .reader
                .chain
                .clock()
                .await
                .map_err(rpc_error)?
                .unix_timestamp
        }
        false => i64::MIN,
    };
    let mut entries: Vec<(Pubkey, Entry)> = addresses
        .iter()
        .zip(&found)
        .map(|(address, found)| (*address, classify(shared, address, found, now)))
        .collect();
    let served: Vec<Channel> = entries
        .iter()
        .zip(&found)
        .filter(|((_, e), _)| matches!(e, Entry::Serve { .. }))
        .filter_map(|(_, c)| c.as_ref().ok().cloned())
        .collect();
    let served_addresses: Vec<Pubkey> = entries
        .iter()
        .filter(|(_, e)| matches!(e, Entry::Serve { .. }))
        .map(|(a, _)| *a)
        .collect();
    if !served.is_empty() {
        let held = record(shared, served_addresses, served).await?;
        // What the store held from before (a restart, a channel refused then opened).
        for (address, entry) in entries.iter_mut() {
            if let (Entry::Serve { best, .. }, Some(c)) = (entry, held.get(address)) {
                *best = (*best).max(c.best.map(|b| b.receipt.amount).unwrap_or(0));
            }
        }
    }
    let mut cache = shared.cache.write().unwrap_or_else(|p| p.into_inner());
    cache.extend(entries);
    Ok(())
}

/// Records the served channels' terms and what the chain settled; returns what the store held.
async fn record(
    shared: &Shared,
    addresses: Vec<Pubkey>,
    channels: Vec<Channel>,
) -> Result<HashMap<Pubkey, StoredChannel>, String> {
    let store = shared.store.clone();
    let stored =
        tokio::task::spawn_blocking(move || -> Result<Vec<Option<StoredChannel>>, String> {
            let mut s = store.lock().unwrap_or_else(|p| p.into_inner());
            let terms: Vec<ChannelTerms> = addresses
                .iter()
                .zip(&channels)
                .map(|(address, c)| ChannelTerms {
                    channel: *address,
                    market: c.market,
                    signer: c.receipt_signer,
                    deposit: c.deposit,
                })
                .collect();
            s.add_channels(&terms).map_err(|e| e.to_string())?;
            for (address, c) in addresses.iter().zip(&channels) {
                s.record_settled(address, c.settled, c.settled_bytes)
                    .map_err(|e| e.to_string())?;
                let unrecorded = s
                    .channel(address)
                    .is_some_and(|c| c.close_deadline.is_none());
                if c.state == ChannelState::Closing && unrecorded {
                    s.record_closing(address, c.close_deadline)
                        .map_err(|e| e.to_string())?;
                }
            }
            Ok(addresses.iter().map(|a| s.channel(a)).collect())
        })
        .await
        .map_err(|e| e.to_string())??;
    Ok(stored
        .into_iter()
        .flatten()
        .map(|c| (c.terms.channel, c))
        .collect())
}

/// The entries a request needs, copied out of the cache so that no lock is held across an
/// await.
pub fn entries_for(
    shared: &Shared,
    parsed: &[Result<SignedReceipt, String>],
) -> HashMap<Pubkey, Entry> {
    let cache = shared.cache.read().unwrap_or_else(|p| p.into_inner());
    parsed
        .iter()
        .flatten()
        .filter_map(|r| {
            cache
                .get(&r.receipt.channel)
                .map(|e| (r.receipt.channel, e.clone()))
        })
        .collect()
}

/// The cache entries of the channels in the store when the node starts: nothing is looked up
/// again after a restart.
pub fn warm(channels: &[StoredChannel]) -> HashMap<Pubkey, Entry> {
    channels
        .iter()
        .map(|c| {
            let entry = if c.closed {
                Entry::closed(&c.terms.channel, "is closed")
            } else {
                Entry::Serve {
                    signer: PreparedSigner::new(&c.terms.signer),
                    deposit: c.terms.deposit,
                    best: c
                        .best
                        .map(|b| b.receipt.amount)
                        .unwrap_or(0)
                        .max(c.settled_amount),
                }
            };
            (c.terms.channel, entry)
        })
        .collect()
}
