//! `bwx receipt sign | verify`.
use super::load_market;
use crate::{
    context::Ctx,
    errors::ClientError,
    receipts::{
        sessions::SessionKeys,
        sign_receipt,
        store::{ChannelTerms, ReceiptStore, Verdict},
    },
    Chain, Client,
};
use anchor_lang::prelude::Pubkey;
use bandwidth_settlement::{receipt::SignedReceipt, state::Channel};
use serde::Serialize;
use solana_signer::Signer;

#[derive(Debug, Serialize)]
pub struct ReceiptReport {
    pub channel: String,
    pub amount: String,
    pub bytes: u64,
    pub signer: String,
    /// message ‖ signature, hex: what the buyer hands the provider.
    pub receipt: String,
    pub valid: bool,
    /// What the provider's store did with it, when asked to keep it.
    pub stored: Option<String>,
}

/// The buyer signs a cumulative receipt for `channel` with the channel's session key,
/// refusing to owe more than the deposit.
pub async fn sign<C: Chain>(
    client: &Client<C>,
    sessions: &SessionKeys,
    channel: &Pubkey,
    amount: &str,
    bytes: u64,
) -> Result<ReceiptReport, ClientError> {
    let c: Channel = client.require(channel, "channel").await?;
    let m = load_market(client, &c.market).await?;
    let amount = m.parse(amount)?;
    let key = sessions.load(channel)?;
    if key.pubkey() != c.receipt_signer {
        return Err(ClientError::Invalid(format!(
            "the session key kept for {channel} is not the channel's receipt signer {}",
            c.receipt_signer
        )));
    }
    if amount > c.deposit {
        return Err(ClientError::Invalid(format!(
            "refusing to sign {}: the channel deposit is {}; top up first",
            m.ui(amount),
            m.ui(c.deposit)
        )));
    }
    let r = sign_receipt(&key, channel, amount, bytes);
    Ok(ReceiptReport {
        channel: channel.to_string(),
        amount: m.ui(amount),
        bytes,
        signer: c.receipt_signer.to_string(),
        receipt: hex::encode(r.encode()),
        valid: true,
        stored: None,
    })
}

pub fn decode_hex(text: &str) -> Result<SignedReceipt, ClientError> {
    let bytes = hex::decode(text.trim())
        .map_err(|e| ClientError::Invalid(format!("receipt is not hex: {e}")))?;
    SignedReceipt::decode(&bytes).map_err(|e| ClientError::Invalid(e.to_string()))
}

/// Checks a receipt against its channel on-chain (signer, deposit); with `store`, the
/// provider keeps it if it is the channel's new best.
pub async fn verify<C: Chain>(
    client: &Client<C>,
    store: Option<&mut ReceiptStore>,
    receipt_hex: &str,
) -> Result<ReceiptReport, ClientError> {
    let r = decode_hex(receipt_hex)?;
    let channel = r.receipt.channel;
    let c: Channel = client.require(&channel, "channel").await?;
    let m = load_market(client, &c.market).await?;
    // What the program would take now: the amount alone decides (PROTOCOL §4).
    let valid = r.verify(&c.receipt_signer)
        && r.receipt.amount <= c.deposit
        && r.receipt.amount > c.settled;
    let stored = match store {
        Some(store) => {
            store.add_channel(ChannelTerms {
                channel,
                market: c.market,
                signer: c.receipt_signer,
                deposit: c.deposit,
            })?;
            store.record_settled(&channel, c.settled, c.settled_bytes)?;
            Some(describe(store.accept(&r)?))
        }
        None => None,
    };
    Ok(ReceiptReport {
        channel: channel.to_string(),
        amount: m.ui(r.receipt.amount),
        bytes: r.receipt.bytes,
        signer: c.receipt_signer.to_string(),
        receipt: hex::encode(r.encode()),
        valid,
        stored,
    })
}

pub fn describe(v: Verdict) -> String {
    match v {
        Ok(crate::receipts::store::Accepted::New { .. }) => "accepted (new best)".into(),
        Ok(crate::receipts::store::Accepted::Duplicate) => "already stored".into(),
        Err(e) => format!("rejected: {e}"),
    }
}

#[derive(clap::Subcommand)]
pub enum Cmd {
    /// Buyer: sign a cumulative receipt with the channel's session key (never beyond the
    /// deposit).
    Sign {
        #[arg(long)]
        channel: Pubkey,
        #[arg(long)]
        amount: String,
        #[arg(long)]
        bytes: u64,
    },
    /// Check a receipt (hex, message ‖ signature) against its channel (no signer needed);
    /// --store keeps it in the provider's receipt store.
    Verify {
        receipt: String,
        #[arg(long)]
        store: bool,
    },
}

pub async fn execute(cmd: &Cmd, ctx: &Ctx) -> Result<bool, ClientError> {
    match cmd {
        Cmd::Sign {
            channel,
            amount,
            bytes,
        } => {
            let sessions = ctx.sessions()?;
            ctx.print(&sign(&ctx.reader(), &sessions, channel, amount, *bytes).await?);
        }
        Cmd::Verify { receipt, store } => {
            let mut kept = if *store { Some(ctx.store()?) } else { None };
            let report = verify(&ctx.reader(), kept.as_mut(), receipt).await?;
            ctx.print(&report);
            // Exit code 1 for a receipt the program would refuse now.
            return Ok(report.valid);
        }
    }
    Ok(true)
}
