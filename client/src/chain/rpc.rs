//! JSON-RPC to a validator or cluster, through `solana-rpc-client`. Kept thin: everything a
//! command does goes through [`Chain`], which the embedded chain implements too.
use super::{Chain, Sent};
use crate::errors::ClientError;
use anchor_lang::prelude::Pubkey;
use async_trait::async_trait;
use solana_account::Account;
use solana_clock::Clock;
use solana_commitment_config::CommitmentConfig;
use solana_hash::Hash;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client_api::{
    client_error::{Error as RpcClientError, ErrorKind},
    config::{RpcAccountInfoConfig, RpcProgramAccountsConfig},
    filter::{Memcmp, RpcFilterType},
    request::{RpcError, RpcResponseErrorData},
};
use solana_transaction::versioned::VersionedTransaction;
use tokio::sync::Mutex;

pub struct RpcChain {
    client: RpcClient,
    last_blockhash: Mutex<Hash>,
    /// Show a spinner while waiting for confirmations.
    pub spinner: bool,
}

impl RpcChain {
    pub fn new(url: &str) -> RpcChain {
        RpcChain {
            client: RpcClient::new_with_commitment(url.to_string(), CommitmentConfig::confirmed()),
            last_blockhash: Mutex::new(Hash::default()),
            spinner: true,
        }
    }

    pub fn url(&self) -> String {
        self.client.url()
    }
}

fn chain_error(e: RpcClientError) -> ClientError {
    // The RPC client folds transport failures into other error kinds: recognise them by text.
    let text = e.to_string();
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
        Ok(Sent {
            signature,
            logs: vec![],
        })
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
    ) -> Result<Vec<Pubkey>, ClientError> {
        let config = RpcProgramAccountsConfig {
            filters: Some(vec![
                RpcFilterType::Memcmp(Memcmp::new_raw_bytes(0, discriminator.to_vec())),
                RpcFilterType::Memcmp(Memcmp::new_raw_bytes(offset, key.to_bytes().to_vec())),
            ]),
            account_config: RpcAccountInfoConfig {
                commitment: Some(self.client.commitment()),
                ..Default::default()
            },
            ..Default::default()
        };
        let accounts = self
            .client
            .get_program_ui_accounts_with_config(&bandwidth_settlement::ID, config)
            .await
            .map_err(chain_error)?;
        Ok(accounts.into_iter().map(|(address, _)| address).collect())
    }
}
