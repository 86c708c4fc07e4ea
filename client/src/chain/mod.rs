//! The `Chain` trait: what the SDK needs of a cluster. [`rpc::RpcChain`] implements it over
//! JSON-RPC; the `bwx` CLI adds an embedded in-process chain. Everything else is written once,
//! against [`crate::Client`], which works over any implementation.
pub mod rpc;

use crate::errors::ClientError;
use anchor_lang::prelude::Pubkey;
use async_trait::async_trait;
use solana_account::Account;
use solana_clock::Clock;
use solana_hash::Hash;
use solana_signature::Signature;
use solana_transaction::versioned::VersionedTransaction;

/// What a confirmed transaction left behind.
#[derive(Clone, Debug, Default)]
pub struct Sent {
    pub signature: Signature,
    /// Log messages, when the chain returns them (always on the embedded chain).
    pub logs: Vec<String>,
}

#[async_trait]
pub trait Chain: Send + Sync {
    /// The account at `address`, or `None` if there is none.
    async fn account(&self, address: &Pubkey) -> Result<Option<Account>, ClientError>;

    /// Several accounts at once (`None` where there is none), in order.
    async fn accounts(&self, addresses: &[Pubkey]) -> Result<Vec<Option<Account>>, ClientError> {
        let mut out = Vec::with_capacity(addresses.len());
        for a in addresses {
            out.push(self.account(a).await?);
        }
        Ok(out)
    }

    /// A blockhash to sign with. `fresh` asks for one different from the last returned (to
    /// resend an otherwise identical transaction).
    async fn blockhash(&self, fresh: bool) -> Result<Hash, ClientError>;

    /// Submits a signed transaction and waits until it is confirmed or refused.
    async fn send(&self, tx: VersionedTransaction) -> Result<Sent, ClientError>;

    async fn clock(&self) -> Result<Clock, ClientError>;

    async fn minimum_balance(&self, data_len: usize) -> Result<u64, ClientError>;

    /// The program's accounts of one type (by discriminator) whose 32 bytes at `offset` equal
    /// `key`, with their data.
    async fn program_accounts(
        &self,
        discriminator: &[u8],
        offset: usize,
        key: &Pubkey,
    ) -> Result<Vec<(Pubkey, Account)>, ClientError>;

    /// A priority fee (micro-lamports per compute unit) that recent transactions writing
    /// `writable` paid; 0 where there is no fee market.
    async fn prioritization_fee(&self, writable: &[Pubkey]) -> Result<u64, ClientError> {
        let _ = writable;
        Ok(0)
    }
}

/// Forwards every method of [`Chain`] to the chain behind a pointer.
macro_rules! forward_chain {
    ($($pointer:ty),*) => {$(
        #[async_trait]
        impl<T: Chain + ?Sized> Chain for $pointer {
            async fn account(&self, address: &Pubkey) -> Result<Option<Account>, ClientError> {
                (**self).account(address).await
            }
            async fn accounts(
                &self,
                addresses: &[Pubkey],
            ) -> Result<Vec<Option<Account>>, ClientError> {
                (**self).accounts(addresses).await
            }
            async fn blockhash(&self, fresh: bool) -> Result<Hash, ClientError> {
                (**self).blockhash(fresh).await
            }
            async fn send(&self, tx: VersionedTransaction) -> Result<Sent, ClientError> {
                (**self).send(tx).await
            }
            async fn clock(&self) -> Result<Clock, ClientError> {
                (**self).clock().await
            }
            async fn minimum_balance(&self, data_len: usize) -> Result<u64, ClientError> {
                (**self).minimum_balance(data_len).await
            }
            async fn program_accounts(
                &self,
                discriminator: &[u8],
                offset: usize,
                key: &Pubkey,
            ) -> Result<Vec<(Pubkey, Account)>, ClientError> {
                (**self).program_accounts(discriminator, offset, key).await
            }
            async fn prioritization_fee(&self, writable: &[Pubkey]) -> Result<u64, ClientError> {
                (**self).prioritization_fee(writable).await
            }
        }
    )*};
}

// A shared reference to a chain is a chain: several clients (one per fee payer) can use one;
// so is an `Arc` of one, shared across tasks (a node's handlers and its settlement loop).
forward_chain!(&T, std::sync::Arc<T>);
