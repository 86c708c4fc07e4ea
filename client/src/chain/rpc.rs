//! JSON-RPC to a validator or cluster, through `solana-rpc-client`. Everything the SDK does goes
//! through [`Chain`]; this implementation adds what a real node needs: base64 account data
//! (getProgramAccounts included), the logs of a landed transaction (getTransaction, v0
//! transactions included), an expired blockhash reported so the client signs again, decoded
//! program errors with their logs on preflight failure, timeouts, and recent prioritization fees.
use super::{Chain, Sent};
use crate::errors::ClientError;
use anchor_lang::prelude::Pubkey;
use async_trait::async_trait;
use solana_account::Account;
use solana_account_decoder_client_types::UiAccountEncoding;
use solana_clock::Clock;
use solana_commitment_config::CommitmentConfig;
use solana_hash::Hash;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client_api::{
    client_error::{Error as RpcClientError, ErrorKind},
    config::{RpcAccountInfoConfig, RpcProgramAccountsConfig, RpcTransactionConfig},
    filter::{Memcmp, RpcFilterType},
    request::{RpcError, RpcResponseErrorData},
};
use solana_signature::Signature;
use solana_transaction::versioned::VersionedTransaction;
use solana_transaction_error::TransactionError;
use solana_transaction_status_client_types::{
    option_serializer::OptionSerializer, UiTransactionEncoding,
};
use std::time::Duration;
use tokio::sync::Mutex;

/// How long one request may take before it counts as a (transient) failure.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

pub struct RpcChain {
    client: RpcClient,
    last_blockhash: Mutex<Hash>,
    /// Show a spinner while waiting for confirmations.
    pub spinner: bool,
}

impl RpcChain {
    pub fn new(url: &str) -> RpcChain {
        RpcChain {
            client: RpcClient::new_with_timeout_and_commitment(
                url.to_string(),
                REQUEST_TIMEOUT,
                CommitmentConfig::confirmed(),
            ),
            last_blockhash: Mutex::new(Hash::default()),
            spinner: true,
        }
    }

    pub fn url(&self) -> String {
        self.client.url()
    }

    /// The underlying RPC client, for what the `Chain` trait does not cover.
    pub fn rpc(&self) -> &RpcClient {
        &self.client
    }

    /// The log of a landed transaction. A node may answer getTransaction a moment after it
    /// confirmed the transaction: asked a few times.
    async fn logs(&self, signature: &Signature) -> Result<Vec<String>, ClientError> {
        let config = RpcTransactionConfig {
            encoding: Some(UiTransactionEncoding::Base64),
            commitment: Some(self.client.commitment()),
            max_supported_transaction_version: Some(0),
        };
        let mut last = None;
        for _ in 0..20 {
            match self
                .client
                .get_transaction_with_config(signature, config)
                .await
            {
                Ok(tx) => {
                    return Ok(match tx.transaction.meta.map(|m| m.log_messages) {
                        Some(OptionSerializer::Some(logs)) => logs,
                        _ => vec![],
                    })
                }
                Err(e) => last = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(chain_error(last.expect("an attempt failed")))
    }
}

fn chain_error(e: RpcClientError) -> ClientError {
    // The RPC client folds transport failures into other error kinds: recognise them by text.
    let text = e.to_string();
    if text.contains("unable to confirm transaction") {
        // The blockhash expired before the transaction landed; it never will now. Reported as
        // such, so that the client signs it again with a new blockhash.
        return ClientError::Transaction {
            error: TransactionError::BlockhashNotFound,
            logs: vec![],
        };
    }
    if text.contains("error sending request") || text.contains("onnection refused") {
        return ClientError::Chain(format!(
            "cannot reach the cluster ({text}): is a validator running there? Start one with \
             `solana-test-validator`, or pass --url"
        ));
    }
    let logs = match e.kind() {
        ErrorKind::RpcError(RpcError::RpcResponseError {
            data: RpcResponseErrorData::SendTransactionPreflightFailure(result),
            ..
        }) => result.logs.clone().unwrap_or_default(),
        _ => vec![],
    };
    match e.get_transaction_error() {
        Some(error) => ClientError::from_transaction_error(error, logs),
        None => ClientError::Chain(e.to_string()),
    }
}

#[async_trait]
impl Chain for RpcChain {
    async fn account(&self, address: &Pubkey) -> Result<Option<Account>, ClientError> {
        Ok(self
            .client
            .get_account_with_commitment(address, self.client.commitment())
            .await
            .map_err(chain_error)?
            .value)
    }

    async fn accounts(&self, addresses: &[Pubkey]) -> Result<Vec<Option<Account>>, ClientError> {
        let mut out = Vec::with_capacity(addresses.len());
        // getMultipleAccounts takes at most 100 addresses.
        for chunk in addresses.chunks(100) {
            out.extend(
                self.client
                    .get_multiple_accounts_with_commitment(chunk, self.client.commitment())
                    .await
                    .map_err(chain_error)?
                    .value,
            );
        }
        Ok(out)
    }

    async fn blockhash(&self, fresh: bool) -> Result<Hash, ClientError> {
        let mut last = self.last_blockhash.lock().await;
        let hash = if fresh {
            self.client.get_new_latest_blockhash(&last).await
        } else {
            self.client.get_latest_blockhash().await
        }
        .map_err(chain_error)?;
        *last = hash;
        Ok(hash)
    }

    async fn send(&self, tx: VersionedTransaction) -> Result<Sent, ClientError> {
        let signature = if self.spinner {
            self.client
                .send_and_confirm_transaction_with_spinner(&tx)
                .await
        } else {
            self.client.send_and_confirm_transaction(&tx).await
        }
        .map_err(chain_error)?;
        // The transaction has landed: a node that cannot give its log (no transaction history)
        // must not make it look failed, or a caller would send it again.
        let logs = self.logs(&signature).await.unwrap_or_default();
        Ok(Sent { signature, logs })
    }

    async fn clock(&self) -> Result<Clock, ClientError> {
        let account = self
            .account(&solana_sdk_ids::sysvar::clock::ID)
            .await?
            .ok_or_else(|| ClientError::Chain("the cluster has no clock sysvar".into()))?;
        bincode::deserialize(&account.data).map_err(|e| ClientError::Chain(e.to_string()))
    }

    async fn minimum_balance(&self, data_len: usize) -> Result<u64, ClientError> {
        self.client
            .get_minimum_balance_for_rent_exemption(data_len)
            .await
            .map_err(chain_error)
    }

    async fn program_accounts(
        &self,
        discriminator: &[u8],
        offset: usize,
        key: &Pubkey,
    ) -> Result<Vec<(Pubkey, Account)>, ClientError> {
        let config = RpcProgramAccountsConfig {
            filters: Some(vec![
                RpcFilterType::Memcmp(Memcmp::new_raw_bytes(0, discriminator.to_vec())),
                RpcFilterType::Memcmp(Memcmp::new_raw_bytes(offset, key.to_bytes().to_vec())),
            ]),
            account_config: RpcAccountInfoConfig {
                // Base58 is refused for accounts over 128 bytes.
                encoding: Some(UiAccountEncoding::Base64),
                commitment: Some(self.client.commitment()),
                ..Default::default()
            },
            ..Default::default()
        };
        self.client
            .get_program_ui_accounts_with_config(&bandwidth_settlement::ID, config)
            .await
            .map_err(chain_error)?
            .into_iter()
            .map(|(address, ui)| {
                ui.decode::<Account>()
                    .map(|account| (address, account))
                    .ok_or_else(|| ClientError::Chain(format!("cannot decode account {address}")))
            })
            .collect()
    }

    async fn prioritization_fee(&self, writable: &[Pubkey]) -> Result<u64, ClientError> {
        let mut fees: Vec<u64> = self
            .client
            .get_recent_prioritization_fees(writable)
            .await
            .map_err(chain_error)?
            .into_iter()
            .map(|f| f.prioritization_fee)
            .collect();
        fees.sort_unstable();
        // The 75th percentile of the recent slots: lands in most of them without overpaying
        // for the busiest.
        Ok(fees.get(fees.len() * 3 / 4).copied().unwrap_or(0))
    }
}
