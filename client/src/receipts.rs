//! Receipt signing for buyers (verification is the program crate's `receipt::verify`).
use anchor_lang::prelude::Pubkey;
use bandwidth_settlement::{instructions::ReceiptArgs, receipt};
use solana_keypair::Keypair;
use solana_signer::Signer;

/// Signs the cumulative receipt `(channel, amount, bytes)` with `signer`.
pub fn sign(signer: &Keypair, channel: &Pubkey, amount: u64, bytes: u64) -> ReceiptArgs {
    let message = receipt::message(channel, amount, bytes);
    ReceiptArgs {
        amount,
        bytes,
        signature: signer.sign_message(&message).into(),
    }
}
