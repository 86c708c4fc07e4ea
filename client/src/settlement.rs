//! Settling what a receipt store holds: the best receipt of each channel, many channels per
//! transaction (`settle_many`, packed to the size limit; v0 with lookup tables when given),
//! retried, re-read and re-packed until every channel has an outcome. `bwx settle`, the
//! watcher and a provider's node all settle through here.
use crate::budget as compute;
use crate::market::{load_market, MarketInfo};
use crate::{
    batch::{AggEntry, SettleGroup},
    errors::ClientError,
    ix::{self, Bounty},
    receipts::{store::Book, to_args},
    Chain, Client,
};
use anchor_lang::prelude::Pubkey;
use bandwidth_settlement::{
    receipt::SignedReceipt,
    state::{Channel, ChannelState},
};
use serde::Serialize;
use solana_message::AddressLookupTableAccount;
use solana_signature::Signature;
use std::collections::BTreeMap;

/// What became of one channel in a settlement round. Serialized (and displayed) as the words
/// `bwx` prints: "settled", "nothing new", "closed", ...
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Outcome {
    /// Its best receipt is settled on-chain (`signature`, `batch`).
    #[serde(rename = "settled")]
    Settled,
    /// The chain already has everything the store holds.
    #[serde(rename = "nothing new")]
    NothingNew,
    /// The channel account is gone.
    #[serde(rename = "closed")]
    Closed,
    /// A closing channel's deadline passed: the program would refuse it, so it is never sent.
    #[serde(rename = "deadline passed")]
    DeadlinePassed,
    /// A watcher waits for the second half of the dispute window, where its bounty is paid.
    #[serde(rename = "waiting for the bounty phase")]
    WaitingForBountyPhase,
    /// A closing channel is settled inside the watcher's safety margin (it is also due).
    #[serde(rename = "late: inside the safety margin")]
    Late,
    /// The store holds more than the channel's deposit on-chain: reported, never sent.
    #[serde(rename = "exceeds the on-chain deposit")]
    ExceedsDeposit,
    /// The program refused it (see `error`).
    #[serde(rename = "refused")]
    Refused,
    /// It could not be sent or read back (see `error`); a later round retries.
    #[serde(rename = "failed")]
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Settled => "settled",
            Outcome::NothingNew => "nothing new",
            Outcome::Closed => "closed",
            Outcome::DeadlinePassed => "deadline passed",
            Outcome::WaitingForBountyPhase => "waiting for the bounty phase",
            Outcome::Late => "late: inside the safety margin",
            Outcome::ExceedsDeposit => "exceeds the on-chain deposit",
            Outcome::Refused => "refused",
            Outcome::Failed => "failed",
        }
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What became of one channel: amounts in base units.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SettleRow {
    #[serde(serialize_with = "crate::display::as_text")]
    pub channel: Pubkey,
    /// The channel's market, when the row settled something (to read the amount in).
    #[serde(serialize_with = "crate::display::as_text_opt")]
    pub market: Option<Pubkey>,
    pub outcome: Outcome,
    /// The cumulative amount settled (base units) and its bytes.
    pub amount: Option<u64>,
    pub bytes: Option<u64>,
    #[serde(serialize_with = "crate::display::as_text_opt")]
    pub signature: Option<Signature>,
    /// Channels settled in the same transaction.
    pub batch: Option<usize>,
    /// Why a settlement was refused or failed.
    pub error: Option<String>,
}

impl SettleRow {
    pub fn plain(channel: &Pubkey, outcome: Outcome) -> SettleRow {
        SettleRow {
            channel: *channel,
            market: None,
            outcome,
            amount: None,
            bytes: None,
            signature: None,
            batch: None,
            error: None,
        }
    }

    fn error(channel: &Pubkey, outcome: Outcome, error: &ClientError) -> SettleRow {
        SettleRow {
            error: Some(error.to_string()),
            ..SettleRow::plain(channel, outcome)
        }
    }

    /// The channel was not settled because something went wrong (see `error`).
    pub fn is_failure(&self) -> bool {
        matches!(self.outcome, Outcome::Refused | Outcome::Failed)
    }
}

/// How hard to try before giving up on a transaction for this round.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Retry {
    /// Further attempts after a transient failure (the cluster unreachable, a blockhash
    /// expired, an account in use).
    pub attempts: u32,
    /// Wait before the first retry; doubled before each further one.
    pub backoff_ms: u64,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            attempts: 3,
            backoff_ms: 500,
        }
    }
}

impl Retry {
    /// Runs `attempt` until it succeeds, fails for good, or the attempts are spent.
    pub async fn run<T, F, Fut>(&self, mut attempt: F) -> Result<T, ClientError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, ClientError>>,
    {
        let mut wait = self.backoff_ms;
        for n in 0.. {
            match attempt().await {
                Err(e) if e.is_transient() && n < self.attempts => {
                    if wait > 0 {
                        tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
                    }
                    wait = wait.saturating_mul(2);
                }
                other => return other,
            }
        }
        unreachable!("the loop returns")
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
pub async fn refresh<C: Chain, S: Book>(
    client: &Client<C>,
    store: &mut S,
    channel: &Pubkey,
) -> Result<Option<Channel>, ClientError> {
    let on_chain = client.get::<Channel>(channel).await?;
    record(store, channel, on_chain.as_ref())?;
    Ok(on_chain)
}

/// Records in the store what the chain says of `channel` (`None`: it is closed).
pub fn record(
    store: &mut impl Book,
    channel: &Pubkey,
    on_chain: Option<&Channel>,
) -> Result<(), ClientError> {
    let Some(on_chain) = on_chain else {
        if store.channel(channel).is_some_and(|c| !c.closed) {
            store.record_closed(channel)?;
        }
        return Ok(());
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
    Ok(())
}

/// [`refresh`], retrying transient failures to read the channel.
pub async fn refresh_retrying<C: Chain, S: Book>(
    client: &Client<C>,
    store: &mut S,
    channel: &Pubkey,
    retry: Retry,
) -> Result<Option<Channel>, ClientError> {
    let on_chain = retry.run(|| client.get::<Channel>(channel)).await?;
    record(store, channel, on_chain.as_ref())?;
    Ok(on_chain)
}

/// The channel's best stored receipt, if the program would take it now; otherwise the reason
/// it is not settled ("nothing new", "deadline passed", "exceeds the on-chain deposit").
pub fn settleable(
    store: &impl Book,
    channel: Pubkey,
    on_chain: Channel,
    now: i64,
) -> Result<Due, Outcome> {
    let receipt = store
        .best(&channel)
        .filter(|b| b.receipt.amount > on_chain.settled)
        .ok_or(Outcome::NothingNew)?;
    if on_chain.state == ChannelState::Closing && now >= on_chain.close_deadline {
        // Too late: the program would refuse it. Never submit after the deadline.
        return Err(Outcome::DeadlinePassed);
    }
    if receipt.receipt.amount > on_chain.deposit {
        // The store was given other terms than the chain has: report, never send.
        return Err(Outcome::ExceedsDeposit);
    }
    Ok(Due {
        channel,
        on_chain,
        receipt,
    })
}

/// Settles every `due` receipt, grouped by market and provider, packed into as few
/// `settle_many` transactions as fit. A watcher passes `bounty_to` (a token account of the
/// market's mint) to be paid the bounty on closing channels.
///
/// Never gives up on everything because of one thing: a transient failure is retried (`retry`),
/// a refused batch is re-read from the chain and re-packed without the entries that are no
/// longer due, and a batch refused again is split until the channel that is refused on its
/// own is found, reported and skipped. Every `due` channel gets a row.
pub async fn settle_due<C: Chain, S: Book>(
    client: &Client<C>,
    store: &mut S,
    due: Vec<Due>,
    tables: &[AddressLookupTableAccount],
    bounty_to: Option<Pubkey>,
    retry: Retry,
) -> Vec<SettleRow> {
    let mut groups: BTreeMap<(Pubkey, Pubkey), Vec<Due>> = BTreeMap::new();
    for d in due {
        groups
            .entry((d.on_chain.market, d.on_chain.provider))
            .or_default()
            .push(d);
    }
    let mut rows = vec![];
    for ((market, provider), dues) in groups {
        let m = match retry.run(|| load_market(client, &market)).await {
            Ok(m) => m,
            Err(e) => {
                rows.extend(
                    dues.iter()
                        .map(|d| SettleRow::error(&d.channel, Outcome::Failed, &e)),
                );
                continue;
            }
        };
        rows.extend(
            settle_group(client, store, &m, provider, dues, tables, bounty_to, retry).await,
        );
    }
    rows
}

/// One provider's channels in one market; see [`settle_due`].
#[allow(clippy::too_many_arguments)]
async fn settle_group<C: Chain, S: Book>(
    client: &Client<C>,
    store: &mut S,
    m: &MarketInfo,
    provider: Pubkey,
    dues: Vec<Due>,
    tables: &[AddressLookupTableAccount],
    bounty_to: Option<Pubkey>,
    retry: Retry,
) -> Vec<SettleRow> {
    let budget = |units| client.compute_budget(units);
    let group = SettleGroup {
        ix: client.ix(),
        payer: client.payer().pubkey(),
        settler: client.payer().pubkey(),
        market: m.keys.market,
        provider,
        bounty: bounty_to.map(|destination| Bounty {
            market: &m.keys,
            destination,
        }),
        compute_budget: &budget,
    };
    let mut rows = vec![];
    let mut writable = vec![client.pda().provider_market(&m.keys.market, &provider)];
    writable.extend(dues.iter().map(|d| d.channel));
    if let Err(e) = client.refresh_priority_fee(&writable).await {
        return dues
            .iter()
            .map(|d| SettleRow::error(&d.channel, Outcome::Failed, &e))
            .collect();
    }
    // Batches of more than one channel go half-aggregated (32 bytes and two varints per
    // channel instead of 80); a single channel goes as a plain settle_many.
    let aggregated: Vec<AggEntry> = dues
        .iter()
        .map(|d| AggEntry::new(d.channel, &d.on_chain, d.receipt))
        .collect();
    let by_channel: BTreeMap<Pubkey, Due> = dues.into_iter().map(|d| (d.channel, d)).collect();
    let mut work: Vec<(Vec<Due>, bool)> = match group.pack_aggregated(&aggregated, tables) {
        Ok(batches) => batches
            .into_iter()
            .rev()
            .map(|b| {
                (
                    b.iter().map(|e| by_channel[&e.channel].clone()).collect(),
                    false,
                )
            })
            .collect(),
        Err(e) => {
            return by_channel
                .keys()
                .map(|c| SettleRow::error(c, Outcome::Failed, &e))
                .collect()
        }
    };
    // `reread`: this batch was refused once already, as it stands.
    while let Some((batch, reread)) = work.pop() {
        // A re-read can leave nothing due (settled or closed by someone else, a deadline
        // passed): every channel already has its row.
        if batch.is_empty() {
            continue;
        }
        let ixs = if batch.len() == 1 {
            Ok(group.instructions(&[(batch[0].channel, to_args(&batch[0].receipt))]))
        } else {
            let entries: Vec<AggEntry> = batch
                .iter()
                .map(|d| AggEntry::new(d.channel, &d.on_chain, d.receipt))
                .collect();
            group.instructions_aggregated(&entries)
        };
        // The compute-budget instructions are already part of `ixs`.
        let sent = match &ixs {
            Ok(ixs) => {
                retry
                    .run(|| client.send_prebudgeted(ixs, &[], tables))
                    .await
            }
            Err(e) => Err(ClientError::Invalid(e.to_string())),
        };
        let error = match sent {
            Ok(sent) => {
                for d in &batch {
                    let r = &d.receipt.receipt;
                    // The chain has it; the store catches up at the next refresh if this fails.
                    let _ = store.record_settled(&d.channel, r.amount, r.bytes);
                    rows.push(SettleRow {
                        channel: d.channel,
                        market: Some(m.address),
                        outcome: Outcome::Settled,
                        amount: Some(r.amount),
                        bytes: Some(r.bytes),
                        signature: Some(sent.signature),
                        batch: Some(batch.len()),
                        error: None,
                    });
                }
                continue;
            }
            Err(e) if e.is_transient() => {
                // Still failing after the retries: next round.
                rows.extend(
                    batch
                        .iter()
                        .map(|d| SettleRow::error(&d.channel, Outcome::Failed, &e)),
                );
                continue;
            }
            Err(e) => e,
        };
        work.extend(after_refusal(client, store, batch, reread, &error, retry, &mut rows).await);
    }
    rows
}

/// What to try next after `batch` was refused: the channels still due, re-read from the chain
/// (the others get their row: closed, settled by someone else, deadline passed). Nothing
/// visible changed: once more as it is (the refusal may have raced with a change the read did
/// not see yet), then split until the channel refused on its own is found.
#[allow(clippy::too_many_arguments)]
async fn after_refusal<C: Chain, S: Book>(
    client: &Client<C>,
    store: &mut S,
    batch: Vec<Due>,
    reread: bool,
    error: &ClientError,
    retry: Retry,
    rows: &mut Vec<SettleRow>,
) -> Vec<(Vec<Due>, bool)> {
    let now = match retry.run(|| client.chain.clock()).await {
        Ok(clock) => clock.unix_timestamp,
        Err(e) => {
            rows.extend(
                batch
                    .iter()
                    .map(|d| SettleRow::error(&d.channel, Outcome::Failed, &e)),
            );
            return vec![];
        }
    };
    let mut still_due = vec![];
    for d in &batch {
        let amount = d.receipt.receipt.amount;
        match refresh_retrying(client, store, &d.channel, retry).await {
            Err(e) => rows.push(SettleRow::error(&d.channel, Outcome::Failed, &e)),
            Ok(None) => rows.push(SettleRow::plain(&d.channel, Outcome::Closed)),
            Ok(Some(c)) if c.settled >= amount => {
                rows.push(SettleRow::plain(&d.channel, Outcome::NothingNew))
            }
            Ok(Some(c)) if c.state == ChannelState::Closing && now >= c.close_deadline => {
                rows.push(SettleRow::plain(&d.channel, Outcome::DeadlinePassed))
            }
            Ok(Some(c)) => still_due.push(Due {
                on_chain: c,
                ..d.clone()
            }),
        }
    }
    if still_due.len() < batch.len() {
        return vec![(still_due, false)];
    }
    if !reread {
        return vec![(still_due, true)];
    }
    if still_due.len() == 1 {
        rows.push(SettleRow::error(
            &still_due[0].channel,
            Outcome::Refused,
            error,
        ));
        return vec![];
    }
    let right = still_due.split_off(still_due.len() / 2);
    // Popped last first: the left half is tried first.
    vec![(right, false), (still_due, false)]
}

/// Settles, for `channel` or for every channel in `store`, the best stored receipt when it is
/// above what the chain has settled (and, for a closing channel, before its deadline).
pub async fn settle<C: Chain, S: Book>(
    client: &Client<C>,
    store: &mut S,
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
            rows.push(SettleRow::plain(&address, Outcome::Closed));
            continue;
        };
        match settleable(store, address, on_chain, now) {
            Ok(d) => due.push(d),
            Err(outcome) => rows.push(SettleRow::plain(&address, outcome)),
        }
    }
    rows.extend(settle_due(client, store, due, tables, None, Retry::default()).await);
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
    let keys = ix::ChannelKeys::from_account(*channel, &on_chain);
    let bounty = bounty_to.map(|destination| Bounty {
        market: &m.keys,
        destination,
    });
    let ix = client.ix().settle(
        client.try_payer()?.pubkey(),
        &keys,
        to_args(receipt),
        bounty,
    );
    let sent = client.send(&[ix], &[], compute::SETTLE_WITH_BOUNTY).await?;
    Ok(SettleRow {
        channel: *channel,
        market: Some(m.address),
        outcome: Outcome::Settled,
        amount: Some(receipt.receipt.amount),
        bytes: Some(receipt.receipt.bytes),
        signature: Some(sent.signature),
        batch: Some(1),
        error: None,
    })
}
