//! The buyer's side of the provider node: [`ReceiptSender`] posts the meter's receipts to the
//! provider's endpoint (the one in its on-chain Provider account), retrying with exponential
//! backoff while the node is unreachable or overloaded.
//!
//! Receipts are cumulative, so a resend is always safe: the node answers `duplicate` for one it
//! already stored, and only the highest matters. The sender never signs anything; the
//! [`Meter`](super::meter::Meter) already refuses to sign beyond the deposit.
use crate::{
    api::{self, ChannelView, ErrorBody, ReceiptResult, ReceiptsResponse, Terms},
    errors::ClientError,
    Chain, Client,
};
use anchor_lang::prelude::Pubkey;
use bandwidth_settlement::{receipt::SignedReceipt, state::Provider};
use std::time::Duration;

/// How a [`ReceiptSender`] retries.
#[derive(Clone, Copy, Debug)]
pub struct Backoff {
    /// Further attempts after the first.
    pub retries: u32,
    /// Wait before the first retry, doubled before each further one...
    pub initial: Duration,
    /// ...up to this.
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            retries: 5,
            initial: Duration::from_millis(100),
            max: Duration::from_secs(5),
        }
    }
}

#[derive(Clone)]
pub struct ReceiptSender {
    http: reqwest::Client,
    endpoint: String,
    pub backoff: Backoff,
}

impl ReceiptSender {
    /// A sender to the node at `endpoint` (`http://host:port`, with or without a trailing `/`).
    pub fn new(endpoint: &str) -> Result<ReceiptSender, ClientError> {
        let endpoint = endpoint.trim().trim_end_matches('/').to_string();
        if !(endpoint.starts_with("http://") || endpoint.starts_with("https://")) {
            return Err(ClientError::Invalid(format!(
                "provider endpoint {endpoint:?} is not an http:// or https:// URL"
            )));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| ClientError::Invalid(format!("HTTP client: {e}")))?;
        Ok(ReceiptSender {
            http,
            endpoint,
            backoff: Backoff::default(),
        })
    }

    /// A sender to the endpoint the provider (`authority`) registered on-chain.
    pub async fn for_provider<C: Chain>(
        client: &Client<C>,
        authority: &Pubkey,
    ) -> Result<ReceiptSender, ClientError> {
        let p: Provider = client
            .require(&client.pda().provider(authority), "provider")
            .await?;
        if p.endpoint.is_empty() {
            return Err(ClientError::Invalid(format!(
                "provider {authority} has registered no endpoint: receipts cannot be sent to it"
            )));
        }
        Self::new(&p.endpoint)
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    fn error(&self, message: String, transient: bool) -> ClientError {
        ClientError::Node {
            endpoint: self.endpoint.clone(),
            message,
            transient,
        }
    }

    /// Posts `receipts` (binary form) and returns the node's result for each, in order.
    /// Retries while the node cannot be reached, answers 429 or 5xx; a 4xx is final.
    pub async fn send(
        &self,
        receipts: &[SignedReceipt],
    ) -> Result<Vec<ReceiptResult>, ClientError> {
        if receipts.is_empty() {
            return Ok(vec![]);
        }
        let mut body = Vec::with_capacity(receipts.len() * 116);
        for r in receipts {
            body.extend_from_slice(&r.encode());
        }
        let url = format!("{}{}", self.endpoint, api::RECEIPTS_PATH);
        let mut wait = self.backoff.initial;
        let mut attempt = 0;
        loop {
            let result = self
                .http
                .post(&url)
                .header(reqwest::header::CONTENT_TYPE, api::BINARY)
                .body(body.clone())
                .send()
                .await;
            let failure = match result {
                Ok(answer) if answer.status().is_success() => {
                    let answer: ReceiptsResponse = answer
                        .json()
                        .await
                        .map_err(|e| self.error(format!("unreadable answer: {e}"), false))?;
                    if answer.results.len() != receipts.len() {
                        return Err(self.error(
                            format!(
                                "{} results for {} receipts",
                                answer.results.len(),
                                receipts.len()
                            ),
                            false,
                        ));
                    }
                    return Ok(answer.results);
                }
                Ok(answer) => {
                    let status = answer.status();
                    let text = answer.text().await.unwrap_or_default();
                    let message = serde_json::from_str::<ErrorBody>(&text)
                        .map(|e| format!("{status}: {} ({})", e.error, e.code))
                        .unwrap_or_else(|_| format!("{status}: {text}"));
                    let transient = status.is_server_error() || status.as_u16() == 429;
                    self.error(message, transient)
                }
                Err(e) => self.error(format!("unreachable: {e}"), true),
            };
            if !failure.is_transient() || attempt >= self.backoff.retries {
                return Err(failure);
            }
            tracing::debug!(endpoint = %self.endpoint, attempt, error = %failure, "retrying receipts");
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(self.backoff.max);
            attempt += 1;
        }
    }

    /// [`send`](Self::send) for one receipt.
    pub async fn send_one(&self, receipt: &SignedReceipt) -> Result<ReceiptResult, ClientError> {
        Ok(self.send(std::slice::from_ref(receipt)).await?.remove(0))
    }

    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
    ) -> Result<Option<T>, ClientError> {
        let url = format!("{}{path}", self.endpoint);
        let answer = self
            .http
            .get(&url)
            .send()
            .await
            .map_err(|e| self.error(format!("unreachable: {e}"), true))?;
        if answer.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !answer.status().is_success() {
            let status = answer.status();
            return Err(self.error(format!("{status}"), status.is_server_error()));
        }
        answer
            .json()
            .await
            .map(Some)
            .map_err(|e| self.error(format!("unreadable answer: {e}"), false))
    }

    /// What the node holds for `channel` (`None`: nothing).
    pub async fn channel(&self, channel: &Pubkey) -> Result<Option<ChannelView>, ClientError> {
        self.get(&format!("{}/{channel}", api::CHANNELS_PATH)).await
    }

    /// The provider's terms.
    pub async fn terms(&self) -> Result<Terms, ClientError> {
        self.get(api::TERMS_PATH)
            .await?
            .ok_or_else(|| self.error("no terms served".into(), false))
    }
}
