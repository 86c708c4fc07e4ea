//! The watcher: keeps every channel in a receipt store settled, so that no provider loses
//! money to a deadline. Any key can run one: the provider itself, or a third party holding
//! copies of the provider's receipts, who earns the provider's bounty on closing channels in
//! the second half of their dispute window.
//!
//! Each poll reads the chain and the store afresh; everything it decides from is on disk or
//! on-chain, so a restart loses nothing and never settles twice. A poll never stops at the
//! first problem: a channel that cannot be read or a batch that is refused is reported in its
//! row and the rest goes on (see [`settle_due`]); [`Watcher::run`] keeps polling until it is
//! told to stop.
use crate::{
    errors::ClientError,
    receipts::store::{Book, ReceiptStore},
    settlement::{refresh_retrying, settle_due, settleable, Due, Outcome, Retry, SettleRow},
    Chain, Client,
};
use anchor_lang::prelude::Pubkey;
use bandwidth_settlement::state::ChannelState;
use serde::Serialize;
use solana_message::AddressLookupTableAccount;
use std::{future::Future, time::Duration};

#[derive(Clone, Copy, Debug, Serialize)]
pub struct WatchPolicy {
    /// A closing channel is settled as soon as it is due; within this many seconds of its
    /// deadline it is reported as late (and still settled while the deadline has not passed).
    pub margin_secs: i64,
    /// An open channel is settled once this much (base units) is unsettled...
    pub min_unsettled: u64,
    /// ...or once an unsettled amount has waited this long (seconds).
    pub max_age_secs: i64,
    /// Retries of transient failures within a poll.
    pub retry: Retry,
}

impl Default for WatchPolicy {
    fn default() -> Self {
        WatchPolicy {
            margin_secs: 120,
            min_unsettled: 1,
            max_age_secs: 3_600,
            retry: Retry::default(),
        }
    }
}

/// `S`: the watcher's own store, or one shared with a node's ingest ([`SharedStore`](crate::receipts::store::SharedStore)).
pub struct Watcher<C: Chain, S: Book = ReceiptStore> {
    pub client: Client<C>,
    pub store: S,
    pub policy: WatchPolicy,
    /// Lookup tables for v0 settlement transactions (none: legacy transactions).
    pub tables: Vec<AddressLookupTableAccount>,
    /// Token account the bounty of closing channels is paid to (third-party watchers).
    pub bounty_to: Option<Pubkey>,
}

/// What one round of [`Watcher::run`] did.
#[derive(Debug)]
pub enum Round {
    /// The poll ran: one row per channel it acted on or could not act on.
    Polled(Vec<SettleRow>),
    /// The poll could not start (the cluster could not be reached); the next round waits
    /// longer.
    Failed(ClientError),
}

impl<C: Chain, S: Book> Watcher<C, S> {
    /// One pass over every channel of the store. Fails only when the cluster's clock cannot
    /// be read at all; anything that goes wrong with one channel or one batch is a row.
    pub async fn poll(&mut self) -> Result<Vec<SettleRow>, ClientError> {
        let retry = self.policy.retry;
        let now = retry
            .run(|| self.client.chain.clock())
            .await?
            .unix_timestamp;
        // A third party is paid a bounty only from the middle of a forced close on.
        let for_bounty = self.bounty_to.is_some();
        let mut rows = vec![];
        let mut due = vec![];
        for stored in self.store.channels().into_iter().filter(|c| !c.closed) {
            let channel = stored.terms.channel;
            let on_chain =
                match refresh_retrying(&self.client, &mut self.store, &channel, retry).await {
                    Ok(Some(c)) => c,
                    Ok(None) => {
                        rows.push(SettleRow::plain(&channel, Outcome::Closed));
                        continue;
                    }
                    Err(e) => {
                        rows.push(SettleRow {
                            error: Some(e.to_string()),
                            ..SettleRow::plain(&channel, Outcome::Failed)
                        });
                        continue;
                    }
                };
            let d = match settleable(&self.store, channel, on_chain, now) {
                Ok(d) => d,
                Err(Outcome::NothingNew) => continue,
                Err(outcome) => {
                    rows.push(SettleRow::plain(&channel, outcome));
                    continue;
                }
            };
            if d.on_chain.state == ChannelState::Closing {
                let deadline = d.on_chain.close_deadline;
                let late = now + self.policy.margin_secs >= deadline;
                let bounty_from = deadline - i64::from(d.on_chain.dispute_window_secs / 2);
                if for_bounty && now < bounty_from && !late {
                    rows.push(SettleRow::plain(&channel, Outcome::WaitingForBountyPhase));
                    continue;
                }
                if late {
                    rows.push(SettleRow::plain(&channel, Outcome::Late));
                }
                due.push(d);
                continue;
            }
            if self.open_channel_due(&d, now)? {
                due.push(d);
            }
        }
        rows.extend(
            settle_due(
                &self.client,
                &mut self.store,
                due,
                &self.tables,
                self.bounty_to,
                retry,
            )
            .await,
        );
        Ok(rows)
    }

    /// An open channel is settled once enough is unsettled or it has waited long enough.
    fn open_channel_due(&mut self, d: &Due, now: i64) -> Result<bool, ClientError> {
        let since = self.store.mark_pending(&d.channel, now)?;
        let unsettled = d.receipt.receipt.amount - d.on_chain.settled;
        Ok(unsettled >= self.policy.min_unsettled || now - since >= self.policy.max_age_secs)
    }

    /// Polls every `interval` until `stop` completes, handing each round to `report`. A round
    /// that could not start is retried sooner: after `min(interval, 1 s)` doubled for each
    /// failure in a row (2, 4, then 8 times it); nothing else ends the loop.
    pub async fn run(
        &mut self,
        interval: Duration,
        stop: impl Future<Output = ()>,
        mut report: impl FnMut(Round),
    ) {
        tokio::pin!(stop);
        let mut failures = 0u32;
        loop {
            let wait = match self.poll().await {
                Ok(rows) => {
                    failures = 0;
                    report(Round::Polled(rows));
                    interval
                }
                Err(e) => {
                    failures += 1;
                    report(Round::Failed(e));
                    interval.min(Duration::from_secs(1)) * 2u32.pow(failures.min(3))
                }
            };
            tokio::select! {
                biased;
                _ = &mut stop => return,
                _ = tokio::time::sleep(wait) => {}
            }
        }
    }

    /// The watcher's signing key.
    pub fn key(&self) -> Pubkey {
        self.client.payer().pubkey()
    }
}
