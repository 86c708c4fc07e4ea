//! The watcher: keeps every channel in a receipt store settled, so that no provider loses
//! money to a deadline. Any key can run one: the provider itself, or a third party holding
//! copies of the provider's receipts, who earns the provider's bounty on closing channels.
//!
//! Each poll reads the chain and the store afresh; everything it decides from is on disk or
//! on-chain, so a restart loses nothing and never settles twice.
use crate::{
    commands::settle::{refresh, settle_due, Due, SettleRow},
    errors::ClientError,
    receipts::store::ReceiptStore,
    Chain, Client,
};
use anchor_lang::prelude::Pubkey;
use bandwidth_settlement::state::ChannelState;
use serde::Serialize;
use solana_message::AddressLookupTableAccount;

#[derive(Clone, Copy, Debug, Serialize)]
pub struct WatchPolicy {
    /// A closing channel is settled as soon as it is seen; within this many seconds of its
    /// deadline it is reported as late (and still settled while the deadline has not passed).
    pub margin_secs: i64,
    /// An open channel is settled once this much (base units) is unsettled...
    pub min_unsettled: u64,
    /// ...or once an unsettled amount has waited this long (seconds).
    pub max_age_secs: i64,
}

impl Default for WatchPolicy {
    fn default() -> Self {
        WatchPolicy {
            margin_secs: 120,
            min_unsettled: 1,
            max_age_secs: 3_600,
        }
    }
}

pub struct Watcher<C: Chain> {
    pub client: Client<C>,
    pub store: ReceiptStore,
    pub policy: WatchPolicy,
    /// Lookup tables for v0 settlement transactions (none: legacy transactions).
    pub tables: Vec<AddressLookupTableAccount>,
    /// Token account the bounty of closing channels is paid to (third-party watchers).
    pub bounty_to: Option<Pubkey>,
}

impl<C: Chain> Watcher<C> {
    /// One pass over every channel of the store.
    pub async fn poll(&mut self) -> Result<Vec<SettleRow>, ClientError> {
        let now = self.client.chain.clock().await?.unix_timestamp;
        let mut rows = vec![];
        let mut due = vec![];
        for stored in self.store.channels().into_iter().filter(|c| !c.closed) {
            let channel = stored.terms.channel;
            let Some(on_chain) = refresh(&self.client, &mut self.store, &channel).await? else {
                rows.push(row(&channel, "closed"));
                continue;
            };
            let Some(receipt) = self
                .store
                .best(&channel)
                .filter(|b| b.receipt.amount > on_chain.settled)
            else {
                continue;
            };
            if on_chain.state == ChannelState::Closing {
                if now >= on_chain.close_deadline {
                    // Too late: the program would refuse it. Never submit after the deadline.
                    rows.push(row(&channel, "deadline passed"));
                    continue;
                }
                if now + self.policy.margin_secs >= on_chain.close_deadline {
                    rows.push(row(&channel, "late: inside the safety margin"));
                }
                due.push(Due {
                    channel,
                    on_chain,
                    receipt,
                });
                continue;
            }
            let since = self.store.mark_pending(&channel, now)?;
            let unsettled = receipt.receipt.amount - on_chain.settled;
            if unsettled >= self.policy.min_unsettled || now - since >= self.policy.max_age_secs {
                due.push(Due {
                    channel,
                    on_chain,
                    receipt,
                });
            }
        }
        rows.extend(
            settle_due(
                &self.client,
                &mut self.store,
                due,
                &self.tables,
                self.bounty_to,
            )
            .await?,
        );
        Ok(rows)
    }
}

fn row(channel: &Pubkey, outcome: &'static str) -> SettleRow {
    SettleRow {
        channel: channel.to_string(),
        outcome,
        amount: None,
        bytes: None,
        signature: None,
        batch: None,
    }
}
