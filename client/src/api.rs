//! The provider node's HTTP API, version 1: paths and bodies, shared by the node
//! (`bwx provider serve`) and the buyer's [`ReceiptSender`](crate::receipts::sender::ReceiptSender).
//!
//! - `POST /v1/receipts`: receipts in their wire form, 116 bytes each, concatenated
//!   (`Content-Type: application/octet-stream`), or JSON (`application/json`,
//!   [`JsonReceipts`]). The answer ([`ReceiptsResponse`]) has one result per receipt, in order,
//!   given once the accepted ones are durably stored.
//! - `GET /v1/channels/{address}`: what the node holds for a channel ([`ChannelView`]).
//! - `GET /v1/terms`: the provider's terms in its market ([`Terms`]).
//! - `GET /healthz`, `GET /metrics` (Prometheus text format).
//!
//! Amounts are JSON strings of base units (as Solana's JSON-RPC writes token amounts: a u64 does
//! not fit a JavaScript number); addresses and signatures are base58, receipts in hex.
use anchor_lang::prelude::Pubkey;
use bandwidth_settlement::receipt::{Receipt, SignedReceipt, SIGNED_RECEIPT_LEN};
use serde::{Deserialize, Serialize};

pub const RECEIPTS_PATH: &str = "/v1/receipts";
pub const TERMS_PATH: &str = "/v1/terms";
pub const CHANNELS_PATH: &str = "/v1/channels";
pub const HEALTH_PATH: &str = "/healthz";
pub const METRICS_PATH: &str = "/metrics";
pub const BINARY: &str = "application/octet-stream";

/// `POST /v1/receipts` as JSON: each element a hex string (message ‖ signature) or
/// [`ReceiptFields`]. An element that is neither is answered `malformed`; the others are
/// still judged.
#[derive(Debug, Serialize, Deserialize)]
pub struct JsonReceipts {
    pub receipts: Vec<serde_json::Value>,
}

/// A receipt as JSON fields.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReceiptFields {
    pub channel: String,
    pub amount: U64,
    pub bytes: U64,
    /// Base58, as Solana writes signatures.
    pub signature: String,
}

/// A u64 read from a JSON string or number, written as a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct U64(pub u64);

impl Serialize for U64 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for U64 {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            N(u64),
            S(String),
        }
        match Either::deserialize(d)? {
            Either::N(n) => Ok(U64(n)),
            Either::S(s) => s
                .parse()
                .map(U64)
                .map_err(|_| serde::de::Error::custom(format!("{s:?} is not a u64"))),
        }
    }
}

impl ReceiptFields {
    pub fn of(r: &SignedReceipt) -> ReceiptFields {
        ReceiptFields {
            channel: r.receipt.channel.to_string(),
            amount: U64(r.receipt.amount),
            bytes: U64(r.receipt.bytes),
            signature: solana_signature::Signature::from(r.signature).to_string(),
        }
    }
}

/// Parses one element of [`JsonReceipts::receipts`]; the error says what is wrong.
pub fn parse_json_receipt(v: &serde_json::Value) -> Result<SignedReceipt, String> {
    if let Some(text) = v.as_str() {
        let bytes = hex::decode(text).map_err(|e| format!("not hex: {e}"))?;
        return SignedReceipt::decode(&bytes).map_err(|e| e.to_string());
    }
    let f: ReceiptFields =
        serde_json::from_value(v.clone()).map_err(|e| format!("not a receipt: {e}"))?;
    let channel: Pubkey = f
        .channel
        .parse()
        .map_err(|_| format!("channel {:?} is not a base58 address", f.channel))?;
    let signature: solana_signature::Signature = f
        .signature
        .parse()
        .map_err(|_| format!("signature {:?} is not a base58 signature", f.signature))?;
    Ok(SignedReceipt {
        receipt: Receipt {
            channel,
            amount: f.amount.0,
            bytes: f.bytes.0,
        },
        signature: signature.into(),
    })
}

/// Splits a binary body into receipts; `Err` when it is not a whole number of them.
pub fn split_binary(body: &[u8]) -> Result<Vec<Result<SignedReceipt, String>>, String> {
    if !body.len().is_multiple_of(SIGNED_RECEIPT_LEN) {
        return Err(format!(
            "the body is {} bytes: not a whole number of {SIGNED_RECEIPT_LEN}-byte receipts",
            body.len()
        ));
    }
    Ok(body
        .chunks_exact(SIGNED_RECEIPT_LEN)
        .map(|c| SignedReceipt::decode(c).map_err(|e| e.to_string()))
        .collect())
}

/// Why a receipt was refused. The buyer's app should not resend a refused receipt as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// Not a receipt: wrong length, wrong domain tag, unparsable JSON element.
    Malformed,
    /// The signature is not the channel signer's over this receipt (as the program checks it).
    BadSignature,
    /// No such channel on-chain.
    UnknownChannel,
    /// The channel pays another provider.
    ForeignProvider,
    /// The channel is in another market than the one this node serves.
    ForeignMarket,
    /// The channel is closed (or past its close deadline): nothing more can be settled.
    ChannelClosed,
    /// The amount is above the channel's deposit: top up first.
    ExceedsDeposit,
    /// The amount is not above the best receipt the node holds (or the chain has settled).
    NotAboveBest,
}

impl Refusal {
    pub const ALL: [Refusal; 8] = [
        Refusal::Malformed,
        Refusal::BadSignature,
        Refusal::UnknownChannel,
        Refusal::ForeignProvider,
        Refusal::ForeignMarket,
        Refusal::ChannelClosed,
        Refusal::ExceedsDeposit,
        Refusal::NotAboveBest,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Refusal::Malformed => "malformed",
            Refusal::BadSignature => "bad_signature",
            Refusal::UnknownChannel => "unknown_channel",
            Refusal::ForeignProvider => "foreign_provider",
            Refusal::ForeignMarket => "foreign_market",
            Refusal::ChannelClosed => "channel_closed",
            Refusal::ExceedsDeposit => "exceeds_deposit",
            Refusal::NotAboveBest => "not_above_best",
        }
    }
}

/// The node's answer for one receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ReceiptResult {
    /// The channel's new best receipt, durably stored.
    Accepted {
        channel: String,
        amount: U64,
        /// The amount of the best receipt it replaced.
        previous: U64,
    },
    /// Exactly the receipt already stored.
    Duplicate { channel: String, amount: U64 },
    Refused {
        /// Absent for a receipt too malformed to name its channel.
        #[serde(skip_serializing_if = "Option::is_none", default)]
        channel: Option<String>,
        reason: Refusal,
        message: String,
    },
}

impl ReceiptResult {
    /// Stored: accepted now or before.
    pub fn is_stored(&self) -> bool {
        !matches!(self, ReceiptResult::Refused { .. })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReceiptsResponse {
    pub results: Vec<ReceiptResult>,
    pub accepted: usize,
    pub duplicates: usize,
    pub refused: usize,
}

/// The body of every error answer (4xx, 5xx).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Machine-readable: `malformed_body`, `too_many_receipts`, `body_too_large`,
    /// `unsupported_media_type`, `not_found`, `shutting_down`, `overloaded`, `store_failed`.
    pub code: String,
    pub error: String,
}

/// `GET /v1/terms`: what a buyer needs before opening a channel to this provider.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Terms {
    pub market: String,
    pub mint: String,
    pub decimals: u8,
    /// The provider account (PDA) a channel names.
    pub provider: String,
    pub authority: String,
    pub payout: String,
    pub price_per_gib: U64,
    pub min_dispute_window_secs: u32,
    pub watcher_bounty_bps: u16,
    pub endpoint: String,
    /// Most receipts one `POST /v1/receipts` may carry.
    pub max_receipts_per_request: usize,
}

/// `GET /v1/channels/{address}`: what the node holds for a channel, so a buyer's app can
/// resume its meter after a reconnect.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChannelView {
    pub channel: String,
    pub deposit: U64,
    /// The best receipt held (hex, message ‖ signature), with its amount and bytes.
    pub best: Option<String>,
    pub best_amount: U64,
    pub best_bytes: U64,
    pub settled_amount: U64,
    pub settled_bytes: U64,
    pub unsettled: U64,
    pub closing_deadline: Option<i64>,
    pub closed: bool,
}
