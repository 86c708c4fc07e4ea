//! From the receipts of a request to durable verdicts, in four passes: cheap refusals
//! (malformed, a channel known to be foreign or closed, not above the best held) with one
//! lookup on the chain for the channels not seen before; then what needs a signature check;
//! then the signatures on the verifier threads; then the group commit.
use crate::{
    cache::{entries_for, look_up, Entry},
    metrics::Metrics,
    state::Shared,
};
use anchor_lang::prelude::Pubkey;
use bandwidth_client::{
    api::{ReceiptResult, Refusal, U64},
    receipts::{
        store::{Accepted, Checked, Rejected, Verdict},
        verify::PreparedSigner,
    },
};
use bandwidth_settlement::receipt::SignedReceipt;
use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
    time::Instant,
};

type Parsed = [Result<SignedReceipt, String>];
type Results = Vec<Option<ReceiptResult>>;
/// A receipt to store, by its index in the request, with its signature checked (or `None`:
/// at the best held, the store decides without a check).
type ToStore = Vec<(usize, Option<Checked>)>;

fn refused(channel: Option<&Pubkey>, reason: Refusal, message: String) -> ReceiptResult {
    ReceiptResult::Refused {
        channel: channel.map(|c| c.to_string()),
        reason,
        message,
    }
}

/// Judges every receipt of a request: one result each, in order, once the accepted ones are
/// durable.
pub async fn ingest(
    shared: &Arc<Shared>,
    parsed: Vec<Result<SignedReceipt, String>>,
) -> Result<Vec<ReceiptResult>, String> {
    let mut results: Results = vec![None; parsed.len()];
    screen(shared, &parsed, &mut results).await;
    let (to_verify, mut to_store) = candidates(shared, &parsed, &mut results);
    to_store.extend(verify(shared, &parsed, to_verify, &mut results).await?);
    commit(shared, &parsed, to_store, &mut results).await?;
    let results: Vec<ReceiptResult> = results
        .into_iter()
        .map(|r| r.expect("every receipt has a result"))
        .collect();
    count(&shared.metrics, &results);
    Ok(results)
}

/// Pass 1: the refusals the cache decides, and one lookup of the channels it does not know
/// (or knew as absent, long enough ago); then the same again with what the lookup found.
async fn screen(shared: &Shared, parsed: &Parsed, results: &mut Results) {
    let now = Instant::now();
    for _pass in 0..2 {
        let cache = entries_for(shared, parsed);
        let mut unknown: HashSet<Pubkey> = HashSet::new();
        for (i, p) in parsed.iter().enumerate() {
            if results[i].is_some() {
                continue;
            }
            let r = match p {
                Ok(r) => r,
                Err(e) => {
                    results[i] = Some(refused(None, Refusal::Malformed, e.clone()));
                    continue;
                }
            };
            let channel = r.receipt.channel;
            match cache.get(&channel) {
                None => drop(unknown.insert(channel)),
                Some(Entry::Refuse { until: Some(t), .. }) if *t <= now => {
                    unknown.insert(channel);
                }
                Some(Entry::Refuse {
                    reason, message, ..
                }) => results[i] = Some(refused(Some(&channel), *reason, message.clone())),
                Some(Entry::Serve { best, .. }) if r.receipt.amount < *best => {
                    let m = format!(
                        "amount {} is not above the best receipt held, {best}: receipts are cumulative",
                        r.receipt.amount
                    );
                    results[i] = Some(refused(Some(&channel), Refusal::NotAboveBest, m))
                }
                Some(Entry::Serve { .. }) => {}
            }
        }
        if unknown.is_empty() {
            return;
        }
        let addresses: Vec<Pubkey> = unknown.into_iter().collect();
        if let Err(e) = look_up(shared, &addresses).await {
            let m = format!("the channel could not be read from the cluster ({e}): retry");
            refuse_where(parsed, results, Refusal::UnknownChannel, &m, |c| {
                addresses.contains(c)
            });
        }
    }
}

/// Refuses the receipts without a result yet whose channel `pick` selects.
fn refuse_where(
    parsed: &Parsed,
    results: &mut Results,
    reason: Refusal,
    message: &str,
    pick: impl Fn(&Pubkey) -> bool,
) {
    for (i, p) in parsed.iter().enumerate() {
        if let (None, Ok(r)) = (&results[i], p) {
            if pick(&r.receipt.channel) {
                results[i] = Some(refused(Some(&r.receipt.channel), reason, message.into()));
            }
        }
    }
}

/// Pass 2: the receipts that could become a new best need their signature checked; those at
/// the best held go to the store as they are (a duplicate, or its refusal).
fn candidates(
    shared: &Shared,
    parsed: &Parsed,
    results: &mut Results,
) -> (Vec<(usize, SignedReceipt, PreparedSigner)>, ToStore) {
    let cache = entries_for(shared, parsed);
    let (mut to_verify, mut to_store) = (vec![], vec![]);
    for (i, p) in parsed.iter().enumerate() {
        if results[i].is_some() {
            continue;
        }
        let r = p.as_ref().expect("malformed ones have a result");
        let channel = r.receipt.channel;
        match cache.get(&channel) {
            Some(Entry::Serve { signer, best, .. }) if r.receipt.amount > *best => {
                to_verify.push((i, *r, *signer))
            }
            Some(Entry::Serve { .. }) => to_store.push((i, None)),
            Some(Entry::Refuse {
                reason, message, ..
            }) => results[i] = Some(refused(Some(&channel), *reason, message.clone())),
            None => {
                let m = "the channel could not be looked up: retry".to_string();
                results[i] = Some(refused(Some(&channel), Refusal::UnknownChannel, m))
            }
        }
    }
    (to_verify, to_store)
}

/// Pass 3: signatures on the verifier threads. A valid receipt beyond the deposit as last read
/// makes the node read its channel again (the buyer may have topped up): once per request,
/// and only for the channel's own signer, so nobody else can make the node look again.
async fn verify(
    shared: &Shared,
    parsed: &Parsed,
    to_verify: Vec<(usize, SignedReceipt, PreparedSigner)>,
    results: &mut Results,
) -> Result<ToStore, String> {
    if to_verify.is_empty() {
        return Ok(vec![]);
    }
    let items = to_verify.iter().map(|(_, r, s)| (*r, *s)).collect();
    let verdicts = shared.verifier.verify(items).await?;
    let mut cache = entries_for(shared, parsed);
    let deposit = |cache: &HashMap<Pubkey, Entry>, channel: &Pubkey| match cache.get(channel) {
        Some(Entry::Serve { deposit, .. }) => Some(*deposit),
        _ => None,
    };
    let beyond: HashSet<Pubkey> = to_verify
        .iter()
        .zip(&verdicts)
        .filter(|((_, r, _), valid)| {
            **valid && deposit(&cache, &r.receipt.channel).is_some_and(|d| r.receipt.amount > d)
        })
        .map(|((_, r, _), _)| r.receipt.channel)
        .collect();
    if !beyond.is_empty() {
        // A failed read leaves the deposit as known: those receipts are refused below.
        let _ = look_up(shared, &beyond.into_iter().collect::<Vec<_>>()).await;
        cache = entries_for(shared, parsed);
    }
    let mut to_store = vec![];
    for ((i, r, signer), valid) in to_verify.into_iter().zip(verdicts) {
        let channel = r.receipt.channel;
        let known = deposit(&cache, &channel);
        if !valid {
            let m = "the signature is not the channel signer's over this receipt".to_string();
            results[i] = Some(refused(Some(&channel), Refusal::BadSignature, m));
        } else if known.is_some_and(|d| r.receipt.amount > d) {
            let m = format!(
                "amount {} exceeds the channel deposit {}: top up the channel first",
                r.receipt.amount,
                known.unwrap_or(0)
            );
            results[i] = Some(refused(Some(&channel), Refusal::ExceedsDeposit, m));
        } else {
            let checked = Checked {
                signer: signer.key,
                valid,
            };
            to_store.push((i, Some(checked)));
        }
    }
    Ok(to_store)
}

/// Pass 4: the group commit, in request order; the cache learns the new bests.
async fn commit(
    shared: &Shared,
    parsed: &Parsed,
    mut to_store: ToStore,
    results: &mut Results,
) -> Result<(), String> {
    if to_store.is_empty() {
        return Ok(());
    }
    to_store.sort_by_key(|(i, _)| *i);
    let receipts: Vec<SignedReceipt> = to_store
        .iter()
        .map(|(i, _)| *parsed[*i].as_ref().expect("parsed"))
        .collect();
    let checked: Vec<Option<Checked>> = to_store.iter().map(|(_, c)| *c).collect();
    let verdicts = shared
        .submit(receipts.clone(), checked)
        .await
        .map_err(|e| e.to_string())?;
    let mut cache = shared.cache.write().unwrap_or_else(|p| p.into_inner());
    for (((i, _), r), verdict) in to_store.iter().zip(&receipts).zip(verdicts) {
        if let (Ok(Accepted::New { .. }), Some(Entry::Serve { best, .. })) =
            (&verdict, cache.get_mut(&r.receipt.channel))
        {
            *best = (*best).max(r.receipt.amount);
        }
        results[*i] = Some(result(r, verdict));
    }
    Ok(())
}

/// The answer for a receipt the store judged.
fn result(r: &SignedReceipt, verdict: Verdict) -> ReceiptResult {
    let channel = r.receipt.channel;
    match verdict {
        Ok(Accepted::New { previous }) => ReceiptResult::Accepted {
            channel: channel.to_string(),
            amount: U64(r.receipt.amount),
            previous: U64(previous),
        },
        Ok(Accepted::Duplicate) => ReceiptResult::Duplicate {
            channel: channel.to_string(),
            amount: U64(r.receipt.amount),
        },
        Err(e) => {
            let reason = match e {
                Rejected::UnknownChannel(_) => Refusal::UnknownChannel,
                Rejected::ChannelClosed(_) => Refusal::ChannelClosed,
                Rejected::InvalidSignature => Refusal::BadSignature,
                Rejected::NotAboveBest { .. } => Refusal::NotAboveBest,
                Rejected::ExceedsDeposit { .. } => Refusal::ExceedsDeposit,
            };
            refused(Some(&channel), reason, e.to_string())
        }
    }
}

fn count(metrics: &Metrics, results: &[ReceiptResult]) {
    for r in results {
        match r {
            ReceiptResult::Accepted { .. } => {
                metrics.accepted.inc();
            }
            ReceiptResult::Duplicate { .. } => {
                metrics.duplicates.inc();
            }
            ReceiptResult::Refused { reason, .. } => metrics.refuse(*reason),
        }
    }
}
