//! What the settlement code needs of a receipt store ([`Book`]), for a store of its own or one
//! shared with the receipts arriving over the network ([`SharedStore`]).
use super::store::{ChannelTerms, ReceiptStore, StoredChannel};
use crate::errors::ClientError;
use anchor_lang::prelude::Pubkey;
use bandwidth_settlement::receipt::SignedReceipt;
use std::sync::{Arc, Mutex};

/// What the settlement code needs of a receipt store: a [`ReceiptStore`] of its own (the
/// `bwx watch` process), or one shared with the receipts arriving over the network
/// ([`SharedStore`], the provider's node), each call holding the lock only for itself.
pub trait Book: Send {
    fn channel(&self, channel: &Pubkey) -> Option<StoredChannel>;
    fn channels(&self) -> Vec<StoredChannel>;
    fn best(&self, channel: &Pubkey) -> Option<SignedReceipt> {
        self.channel(channel).and_then(|c| c.best)
    }
    fn add_channel(&mut self, terms: ChannelTerms) -> Result<(), ClientError>;
    fn record_settled(
        &mut self,
        channel: &Pubkey,
        amount: u64,
        bytes: u64,
    ) -> Result<(), ClientError>;
    fn mark_pending(&mut self, channel: &Pubkey, now: i64) -> Result<i64, ClientError>;
    fn record_closing(&mut self, channel: &Pubkey, deadline: i64) -> Result<(), ClientError>;
    fn record_closed(&mut self, channel: &Pubkey) -> Result<(), ClientError>;
}

impl Book for ReceiptStore {
    fn channel(&self, channel: &Pubkey) -> Option<StoredChannel> {
        ReceiptStore::channel(self, channel)
    }
    fn channels(&self) -> Vec<StoredChannel> {
        ReceiptStore::channels(self)
    }
    fn add_channel(&mut self, terms: ChannelTerms) -> Result<(), ClientError> {
        ReceiptStore::add_channel(self, terms)
    }
    fn record_settled(
        &mut self,
        channel: &Pubkey,
        amount: u64,
        bytes: u64,
    ) -> Result<(), ClientError> {
        ReceiptStore::record_settled(self, channel, amount, bytes)
    }
    fn mark_pending(&mut self, channel: &Pubkey, now: i64) -> Result<i64, ClientError> {
        ReceiptStore::mark_pending(self, channel, now)
    }
    fn record_closing(&mut self, channel: &Pubkey, deadline: i64) -> Result<(), ClientError> {
        ReceiptStore::record_closing(self, channel, deadline)
    }
    fn record_closed(&mut self, channel: &Pubkey) -> Result<(), ClientError> {
        ReceiptStore::record_closed(self, channel)
    }
}

/// One store for the receipts arriving (through a [`GroupCommitter`]) and for the settlement
/// policy: a mutex held for one commit or one read at a time, never across a network call.
pub type SharedStore = Arc<Mutex<ReceiptStore>>;

pub(crate) fn locked(store: &SharedStore) -> std::sync::MutexGuard<'_, ReceiptStore> {
    // A panic while holding the lock cannot leave the store half-written: a commit is one
    // SQLite transaction and the mirror is updated after it. Keep serving.
    store
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Book for SharedStore {
    fn channel(&self, channel: &Pubkey) -> Option<StoredChannel> {
        locked(self).channel(channel)
    }
    fn channels(&self) -> Vec<StoredChannel> {
        locked(self).channels()
    }
    fn add_channel(&mut self, terms: ChannelTerms) -> Result<(), ClientError> {
        locked(self).add_channel(terms)
    }
    fn record_settled(
        &mut self,
        channel: &Pubkey,
        amount: u64,
        bytes: u64,
    ) -> Result<(), ClientError> {
        locked(self).record_settled(channel, amount, bytes)
    }
    fn mark_pending(&mut self, channel: &Pubkey, now: i64) -> Result<i64, ClientError> {
        locked(self).mark_pending(channel, now)
    }
    fn record_closing(&mut self, channel: &Pubkey, deadline: i64) -> Result<(), ClientError> {
        locked(self).record_closing(channel, deadline)
    }
    fn record_closed(&mut self, channel: &Pubkey) -> Result<(), ClientError> {
        locked(self).record_closed(channel)
    }
}
