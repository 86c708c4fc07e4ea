//! Receipts off-chain: signing (buyers), a metering signer that never signs beyond the
//! deposit, per-channel session keys, and the providers' durable receipt store. The wire
//! format and verification are the program crate's `receipt` module, so both sides run the
//! very same code.
pub mod book;
pub mod committer;
pub mod meter;
pub mod sender;
pub mod sessions;
pub mod store;
pub mod verify;

use anchor_lang::prelude::Pubkey;
use bandwidth_settlement::{
    receipt::{self, Receipt, SignedReceipt},
    ReceiptArgs,
};
use solana_signer::Signer;

/// Signs the cumulative receipt `(channel, amount, bytes)` with `signer` (a per-channel session
/// key, usually).
pub fn sign(
    signer: &(impl Signer + ?Sized),
    channel: &Pubkey,
    amount: u64,
    bytes: u64,
) -> ReceiptArgs {
    let message = receipt::message(channel, amount, bytes);
    ReceiptArgs {
        amount,
        bytes,
        signature: signer.sign_message(&message).into(),
    }
}

/// Signs and returns the receipt in its wire form (message ‖ signature).
pub fn sign_receipt(
    signer: &(impl Signer + ?Sized),
    channel: &Pubkey,
    amount: u64,
    bytes: u64,
) -> SignedReceipt {
    SignedReceipt {
        receipt: Receipt {
            channel: *channel,
            amount,
            bytes,
        },
        signature: sign(signer, channel, amount, bytes).signature,
    }
}

/// The instruction arguments that settle a signed receipt.
pub fn to_args(r: &SignedReceipt) -> ReceiptArgs {
    ReceiptArgs {
        amount: r.receipt.amount,
        bytes: r.receipt.bytes,
        signature: r.signature,
    }
}
