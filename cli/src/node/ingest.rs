//! From the bytes of a request to durable verdicts: cheap refusals first (malformed, a channel
//! known to be foreign or closed, beyond the deposit, not above the best held), then one
//! lookup on the chain for the channels not seen before (cached, refusals included), then the
//! signatures on the verifier threads (in batches across requests), then the group commit.
use super::{metrics::Metrics, Shared};
use anchor_lang::{prelude::Pubkey, AccountDeserialize};
use bandwidth_client::{
    api::{ReceiptResult, Refusal, U64},
    receipts::{
        store::{Accepted, ChannelTerms, Checked, Rejected, StoredChannel},
        verify::{self, PreparedSigner},
    },
};
use bandwidth_settlement::{
    receipt::SignedReceipt,
    state::{Channel, ChannelState},
};
use std::{
    collections::{HashMap, HashSet},
    sync::{atomic::Ordering, mpsc, Arc, Mutex},
    time::Instant,
};

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
    /// only until `until` ([`Limits::unknown_ttl`](super::Limits): it may be opened meanwhile).
    Refuse {
        reason: Refusal,
        message: String,
        until: Option<Instant>,
    },
}

fn refused(channel: Option<&Pubkey>, reason: Refusal, message: String) -> ReceiptResult {
    ReceiptResult::Refused {
        channel: channel.map(|c| c.to_string()),
        reason,
        message,
    }
}

/// The cache entry for a channel as the chain has it (`None`: no account there).
fn classify(shared: &Shared, address: &Pubkey, found: &Result<Channel, String>, now: i64) -> Entry {
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
    if c.market != shared.market.address {
        return Entry::Refuse {
            reason: Refusal::ForeignMarket,
            message: format!(
                "channel {address} is in market {}, this node serves {}",
                c.market, shared.market.address
            ),
            until: None,
        };
    }
    if c.provider != shared.provider {
        return Entry::Refuse {
            reason: Refusal::ForeignProvider,
            message: format!(
                "channel {address} pays provider {}, not this node's {}",
                c.provider, shared.provider
            ),
            until: None,
        };
    }
    if c.state == ChannelState::Closing && now >= c.close_deadline {
        return Entry::Refuse {
            reason: Refusal::ChannelClosed,
            message: format!("channel {address} is past its close deadline"),
            until: None,
        };
    }
    Entry::Serve {
        signer: PreparedSigner::new(&c.receipt_signer),
        deposit: c.deposit,
        best: c.settled,
    }
}

/// The channel at `address`, or why there is none.
fn decode(address: &Pubkey, account: Option<&solana_account::Account>) -> Result<Channel, String> {
    let account = account.ok_or_else(|| {
        format!("no channel {address} on-chain (closed, or not opened yet): open it first")
    })?;
    if account.owner != bandwidth_settlement::ID {
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
async fn look_up(shared: &Shared, addresses: &[Pubkey]) -> Result<(), String> {
    let _gate = shared.lookups.acquire().await.map_err(|e| e.to_string())?;
    shared
        .metrics
        .channel_lookups
        .fetch_add(addresses.len() as u64, Ordering::Relaxed);
    let accounts = match shared.reader.chain.accounts(addresses).await {
        Ok(a) => a,
        Err(e) => {
            shared.metrics.rpc_errors.fetch_add(1, Ordering::Relaxed);
            return Err(e.to_string());
        }
    };
    let found: Vec<Result<Channel, String>> = addresses
        .iter()
        .zip(&accounts)
        .map(|(address, account)| decode(address, account.as_ref()))
        .collect();
    let closing = found
        .iter()
        .any(|c| c.as_ref().is_ok_and(|c| c.state == ChannelState::Closing));
    let now = if closing {
        match shared.reader.chain.clock().await {
            Ok(c) => c.unix_timestamp,
            Err(e) => {
                shared.metrics.rpc_errors.fetch_add(1, Ordering::Relaxed);
                return Err(e.to_string());
            }
        }
    } else {
        i64::MIN
    };
    let mut entries = Vec::with_capacity(addresses.len());
    let mut terms = vec![];
    let mut settled = vec![];
    for (address, found) in addresses.iter().zip(&found) {
        let entry = classify(shared, address, found, now);
        if let (
            Entry::Serve {
                signer, deposit, ..
            },
            Ok(c),
        ) = (&entry, found)
        {
            terms.push(ChannelTerms {
                channel: *address,
                market: c.market,
                signer: signer.key,
                deposit: *deposit,
            });
            settled.push((
                *address,
                c.settled,
                c.settled_bytes,
                c.state,
                c.close_deadline,
            ));
        }
        entries.push((*address, entry));
    }
    if !terms.is_empty() {
        let store = shared.store.clone();
        let stored =
            tokio::task::spawn_blocking(move || -> Result<Vec<Option<StoredChannel>>, String> {
                let mut s = store.lock().unwrap_or_else(|p| p.into_inner());
                s.add_channels(&terms).map_err(|e| e.to_string())?;
                for (channel, amount, bytes, state, deadline) in settled {
                    s.record_settled(&channel, amount, bytes)
                        .map_err(|e| e.to_string())?;
                    if state == ChannelState::Closing
                        && s.channel(&channel)
                            .is_some_and(|c| c.close_deadline.is_none())
                    {
                        s.record_closing(&channel, deadline)
                            .map_err(|e| e.to_string())?;
                    }
                }
                Ok(terms.iter().map(|t| s.channel(&t.channel)).collect())
            })
            .await
            .map_err(|e| e.to_string())??;
        // What the store held from before (a restart, a channel refused then opened).
        let held: HashMap<Pubkey, StoredChannel> = stored
            .into_iter()
            .flatten()
            .map(|c| (c.terms.channel, c))
            .collect();
        for (address, entry) in entries.iter_mut() {
            if let (Entry::Serve { best, .. }, Some(c)) = (entry, held.get(address)) {
                *best = (*best).max(c.best.map(|b| b.receipt.amount).unwrap_or(0));
            }
        }
    }
    let mut cache = shared.cache.write().unwrap_or_else(|p| p.into_inner());
    for (address, entry) in entries {
        cache.insert(address, entry);
    }
    Ok(())
}

/// Judges every receipt of a request: one result each, in order, once the accepted ones are
/// durable.
pub async fn ingest(
    shared: &Arc<Shared>,
    parsed: Vec<Result<SignedReceipt, String>>,
) -> Result<Vec<ReceiptResult>, String> {
    let n = parsed.len();
    let mut results: Vec<Option<ReceiptResult>> = vec![None; n];
    // Pass 1: cheap refusals, and the channels to look up.
    let mut unknown: HashSet<Pubkey> = HashSet::new();
    let now = Instant::now();
    for _pass in 0..2 {
        let cache = entries_for(shared, &parsed);
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
                None => {
                    unknown.insert(channel);
                }
                Some(Entry::Refuse { until: Some(t), .. }) if *t <= now => {
                    unknown.insert(channel);
                }
                Some(Entry::Refuse {
                    reason, message, ..
                }) => results[i] = Some(refused(Some(&channel), *reason, message.clone())),
                Some(Entry::Serve { best, .. }) if r.receipt.amount < *best => {
                    results[i] = Some(refused(
                        Some(&channel),
                        Refusal::NotAboveBest,
                        format!(
                            "amount {} is not above the best receipt held, {best}: receipts are cumulative",
                            r.receipt.amount
                        ),
                    ))
                }
                Some(Entry::Serve { .. }) => {}
            }
        }
        if unknown.is_empty() {
            break;
        }
        let addresses: Vec<Pubkey> = unknown.drain().collect();
        if let Err(e) = look_up(shared, &addresses).await {
            for (i, p) in parsed.iter().enumerate() {
                if let (None, Ok(r)) = (&results[i], p) {
                    if addresses.contains(&r.receipt.channel) {
                        results[i] = Some(refused(
                            Some(&r.receipt.channel),
                            Refusal::UnknownChannel,
                            format!("the channel could not be read from the cluster ({e}): retry"),
                        ));
                    }
                }
            }
        }
    }
    // Pass 2: signatures, for the receipts that could become a new best.
    let mut cache = entries_for(shared, &parsed);
    let mut to_verify = vec![];
    let mut to_store = vec![];
    for (i, p) in parsed.iter().enumerate() {
        if results[i].is_some() {
            continue;
        }
        let r = p.as_ref().expect("malformed ones have a result");
        match cache.get(&r.receipt.channel) {
            Some(Entry::Serve { signer, best, .. }) => {
                if r.receipt.amount > *best {
                    to_verify.push((i, *r, *signer));
                } else {
                    // At the best: a duplicate or a refusal, decided by the store without a
                    // signature check.
                    to_store.push((i, None));
                }
            }
            Some(Entry::Refuse {
                reason, message, ..
            }) => results[i] = Some(refused(Some(&r.receipt.channel), *reason, message.clone())),
            None => {
                results[i] = Some(refused(
                    Some(&r.receipt.channel),
                    Refusal::UnknownChannel,
                    "the channel could not be looked up: retry".into(),
                ))
            }
        }
    }
    if !to_verify.is_empty() {
        let items: Vec<(SignedReceipt, PreparedSigner)> =
            to_verify.iter().map(|(_, r, s)| (*r, *s)).collect();
        let verdicts = shared.verifier.verify(items).await?;
        // Beyond the deposit as last read, with a valid signature: the buyer may have topped
        // up. Those channels are read again (once per request, and only for the channel's own
        // signer: nobody else can make the node read a channel again).
        let beyond: Vec<Pubkey> = to_verify
            .iter()
            .zip(&verdicts)
            .filter(|((_, r, _), valid)| {
                **valid
                    && matches!(cache.get(&r.receipt.channel),
                        Some(Entry::Serve { deposit, .. }) if r.receipt.amount > *deposit)
            })
            .map(|((_, r, _), _)| r.receipt.channel)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        if !beyond.is_empty() {
            // A failed read leaves the deposit as known: those receipts are refused below.
            let _ = look_up(shared, &beyond).await;
            cache = entries_for(shared, &parsed);
        }
        for ((i, r, signer), valid) in to_verify.into_iter().zip(verdicts) {
            let deposit = match cache.get(&r.receipt.channel) {
                Some(Entry::Serve { deposit, .. }) => Some(*deposit),
                _ => None,
            };
            if valid && deposit.is_some_and(|d| r.receipt.amount > d) {
                results[i] = Some(refused(
                    Some(&r.receipt.channel),
                    Refusal::ExceedsDeposit,
                    format!(
                        "amount {} exceeds the channel deposit {}: top up the channel first",
                        r.receipt.amount,
                        deposit.unwrap_or(0)
                    ),
                ));
            } else if valid {
                to_store.push((
                    i,
                    Some(Checked {
                        signer: signer.key,
                        valid,
                    }),
                ));
            } else {
                results[i] = Some(refused(
                    Some(&r.receipt.channel),
                    Refusal::BadSignature,
                    "the signature is not the channel signer's over this receipt".into(),
                ));
            }
        }
    }
    // Pass 3: the group commit, in request order.
    to_store.sort_by_key(|(i, _)| *i);
    if !to_store.is_empty() {
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
            let channel = r.receipt.channel;
            results[*i] = Some(match verdict {
                Ok(Accepted::New { previous }) => {
                    if let Some(Entry::Serve { best, .. }) = cache.get_mut(&channel) {
                        *best = (*best).max(r.receipt.amount);
                    }
                    ReceiptResult::Accepted {
                        channel: channel.to_string(),
                        amount: U64(r.receipt.amount),
                        previous: U64(previous),
                    }
                }
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
            });
        }
    }
    let results: Vec<ReceiptResult> = results
        .into_iter()
        .map(|r| r.expect("every receipt has a result"))
        .collect();
    count(&shared.metrics, &results);
    Ok(results)
}

fn count(metrics: &Metrics, results: &[ReceiptResult]) {
    for r in results {
        match r {
            ReceiptResult::Accepted { .. } => {
                metrics.accepted.fetch_add(1, Ordering::Relaxed);
            }
            ReceiptResult::Duplicate { .. } => {
                metrics.duplicates.fetch_add(1, Ordering::Relaxed);
            }
            ReceiptResult::Refused { reason, .. } => metrics.refuse(*reason),
        }
    }
}

/// The entries a request needs, copied out of the cache so that no lock is held across an
/// await.
fn entries_for(
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
pub fn warm_cache(channels: &[StoredChannel]) -> HashMap<Pubkey, Entry> {
    channels
        .iter()
        .map(|c| {
            let entry = if c.closed {
                Entry::Refuse {
                    reason: Refusal::ChannelClosed,
                    message: format!("channel {} is closed", c.terms.channel),
                    until: None,
                }
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

struct VerifyJob {
    items: Vec<(SignedReceipt, PreparedSigner)>,
    reply: tokio::sync::oneshot::Sender<Vec<bool>>,
}

/// Signature verification on its own threads (one per core), in batches gathered across
/// requests: a request of one receipt is verified with the receipts of the other requests
/// waiting at the same time.
pub struct VerifierPool {
    threads_n: usize,
    sender: Mutex<Option<mpsc::Sender<VerifyJob>>>,
    threads: Mutex<Vec<std::thread::JoinHandle<()>>>,
}

/// Receipts a verifier thread gathers into one batch at most.
pub const VERIFY_BATCH: usize = 256;

impl VerifierPool {
    pub fn start(threads: usize, batch: bool, metrics: Arc<Metrics>) -> VerifierPool {
        let (sender, receiver) = mpsc::channel::<VerifyJob>();
        let receiver = Arc::new(Mutex::new(receiver));
        let handles = (0..threads.max(1))
            .map(|_| {
                let (receiver, metrics) = (receiver.clone(), metrics.clone());
                std::thread::spawn(move || loop {
                    let jobs = {
                        let queue = receiver.lock().unwrap_or_else(|p| p.into_inner());
                        let Ok(first) = queue.recv() else { return };
                        let mut total = first.items.len();
                        let mut jobs = vec![first];
                        // Half a batch gathered is enough: the rest is left to the other
                        // threads (a large request, split in two, runs on both cores).
                        while total < VERIFY_BATCH / 2 {
                            match queue.try_recv() {
                                Ok(job) => {
                                    total += job.items.len();
                                    jobs.push(job);
                                }
                                Err(_) => break,
                            }
                        }
                        jobs
                    };
                    run_jobs(jobs, batch, &metrics);
                })
            })
            .collect();
        VerifierPool {
            threads_n: threads.max(1),
            sender: Mutex::new(Some(sender)),
            threads: Mutex::new(handles),
        }
    }

    pub async fn verify(
        &self,
        items: Vec<(SignedReceipt, PreparedSigner)>,
    ) -> Result<Vec<bool>, String> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let sender = self
            .sender
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let Some(sender) = sender else {
            return Err("the node is shutting down".into());
        };
        // A large request is split, so that every core takes part.
        let chunk = items
            .len()
            .div_ceil(self.threads_n)
            .clamp(verify::MIN_BATCH * 8, VERIFY_BATCH / 2);
        if items.len() > chunk {
            let mut answers = vec![];
            for chunk in items.chunks(chunk) {
                let (reply, answer) = tokio::sync::oneshot::channel();
                sender
                    .send(VerifyJob {
                        items: chunk.to_vec(),
                        reply,
                    })
                    .map_err(|_| "verifier stopped".to_string())?;
                answers.push(answer);
            }
            let mut out = Vec::with_capacity(items.len());
            for a in answers {
                out.extend(a.await.map_err(|_| "verifier stopped".to_string())?);
            }
            return Ok(out);
        }
        sender
            .send(VerifyJob { items, reply })
            .map_err(|_| "verifier stopped".to_string())?;
        answer.await.map_err(|_| "verifier stopped".to_string())
    }

    /// Lets the threads finish what is queued and end.
    pub fn stop(&self) {
        self.sender.lock().unwrap_or_else(|p| p.into_inner()).take();
        for t in self
            .threads
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .drain(..)
        {
            let _ = t.join();
        }
    }
}

fn run_jobs(jobs: Vec<VerifyJob>, batch: bool, metrics: &Metrics) {
    let all: Vec<(SignedReceipt, PreparedSigner)> =
        jobs.iter().flat_map(|j| j.items.iter().copied()).collect();
    metrics.verified_batches.fetch_add(1, Ordering::Relaxed);
    metrics
        .verified_receipts
        .fetch_add(all.len() as u64, Ordering::Relaxed);
    if !batch {
        for job in jobs {
            let verdicts = job
                .items
                .iter()
                .map(|(r, s)| verify::verify_one(r, s))
                .collect();
            let _ = job.reply.send(verdicts);
        }
        return;
    }
    if jobs.len() > 1 && verify::all_valid(&all) {
        for job in jobs {
            let n = job.items.len();
            let _ = job.reply.send(vec![true; n]);
        }
        return;
    }
    // One job alone, or a bad signature somewhere: each request on its own, so that one
    // request's invalid receipts cost only that request the single verifications.
    for job in jobs {
        let verdicts = verify::verify_batch(&job.items);
        let _ = job.reply.send(verdicts);
    }
}
