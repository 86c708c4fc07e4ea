//! `bwx receipt sign | verify`.
use crate::context::Ctx;
use anchor_lang::prelude::Pubkey;
use bandwidth_client::{
    market::load_market,
    ops::{provider::check_receipt, Buyer},
    receipts::store::{Accepted, Verdict},
    ClientError,
};
use bandwidth_settlement::{receipt::SignedReceipt, state::Channel};
use serde::Serialize;

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

pub async fn execute(cmd: &Cmd, ctx: &Ctx) -> Result<bool, ClientError> {
    match cmd {
        Cmd::Sign {
            channel,
            amount,
            bytes,
        } => {
            // Signing reads the channel, never sends: no signer needed beyond the session key.
            let client = ctx.reader();
            let c: Channel = client.require(channel, "channel").await?;
            let buyer = Buyer::for_owner(&client, &c.market, &owner_of(&client, &c).await?).await?;
            let amount = buyer.market().parse(amount)?;
            let r = buyer
                .sign_receipt(&ctx.sessions()?, channel, amount, *bytes)
                .await?;
            ctx.print(&ReceiptReport {
                channel: channel.to_string(),
                amount: buyer.market().ui(amount),
                bytes: *bytes,
                signer: c.receipt_signer.to_string(),
                receipt: hex::encode(r.encode()),
                valid: true,
                stored: None,
            });
            Ok(true)
        }
        Cmd::Verify { receipt, store } => {
            let r = decode_hex(receipt)?;
            let client = ctx.reader();
            let mut kept = if *store { Some(ctx.store()?) } else { None };
            let check = check_receipt(&client, &r, kept.as_mut()).await?;
            let m = load_market(&client, &check.channel.market).await?;
            ctx.print(&ReceiptReport {
                channel: r.receipt.channel.to_string(),
                amount: m.ui(r.receipt.amount),
                bytes: r.receipt.bytes,
                signer: check.channel.receipt_signer.to_string(),
                receipt: hex::encode(r.encode()),
                valid: check.valid,
                stored: check.stored.map(describe),
            });
            // Exit code 1 for a receipt the program would refuse now.
            Ok(check.valid)
        }
    }
}

async fn owner_of<C: bandwidth_client::Chain>(
    client: &bandwidth_client::Client<C>,
    c: &Channel,
) -> Result<Pubkey, ClientError> {
    let escrow: bandwidth_settlement::state::Buyer =
        client.require(&c.buyer, "buyer escrow").await?;
    Ok(escrow.owner)
}

pub fn decode_hex(text: &str) -> Result<SignedReceipt, ClientError> {
    let bytes = hex::decode(text.trim())
        .map_err(|e| ClientError::Invalid(format!("receipt is not hex: {e}")))?;
    SignedReceipt::decode(&bytes).map_err(|e| ClientError::Invalid(e.to_string()))
}

pub fn describe(v: Verdict) -> String {
    match v {
        Ok(Accepted::New { .. }) => "accepted (new best)".into(),
        Ok(Accepted::Duplicate) => "already stored".into(),
        Err(e) => format!("rejected: {e}"),
    }
}
