use crate::{
    errors::SettlementError,
    math::{split_settlement, Split},
    receipt,
};
use anchor_lang::prelude::*;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, PartialEq, Eq, Debug, InitSpace)]
pub enum ChannelState {
    /// Settlements and top-ups accepted.
    Open,
    /// The buyer asked to close: settlements accepted strictly before `close_deadline`,
    /// then anyone may finalize.
    Closing,
}

/// A payment channel from one buyer to one provider, reserving part of the buyer's escrow.
#[account]
#[derive(InitSpace, Debug)]
pub struct Channel {
    pub version: u8,
    pub bump: u8,
    pub state: ChannelState,
    /// Market fee and provider bounty at open; later changes never apply to this channel.
    pub fee_bps: u16,
    pub bounty_bps: u16,
    pub dispute_window_secs: u32,
    pub market: Pubkey,
    /// The Buyer account (not the wallet).
    pub buyer: Pubkey,
    /// The Provider account (not the authority).
    pub provider: Pubkey,
    /// Key whose Ed25519 signatures over receipts of this channel are accepted.
    pub receipt_signer: Pubkey,
    /// Receives the rent when the channel closes.
    pub rent_payer: Pubkey,
    pub channel_id: u64,
    /// Tokens reserved for this channel.
    pub deposit: u64,
    /// Cumulative amount paid out of the deposit; only grows, never above `deposit`.
    pub settled: u64,
    /// Cumulative bytes of the last settled receipt; never decreases.
    pub settled_bytes: u64,
    /// Provider's advertised price at open (base units per GiB); informs the buyer's meter.
    pub price_per_gib: u64,
    pub opened_at: i64,
    pub opened_slot: u64,
    /// Set by `request_close`; 0 while open.
    pub close_deadline: i64,
    /// A settlement (or the provider's close) happened after the buyer requested the close.
    pub close_answered: bool,
    /// The buyer's rating of the provider, 1–5; 0 when not rated. Weighted at close by the
    /// amount paid on the channel.
    pub rating: u8,
}

/// What one accepted receipt changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settlement {
    pub split: Split,
    pub bytes_delta: u64,
    /// Reward units accrued for the paid bytes (set by the caller that knows the pool).
    pub reward: u64,
}

impl Channel {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;

    /// OPEN, or CLOSING strictly before the deadline.
    pub fn require_settleable(&self, now: i64) -> Result<()> {
        if self.state == ChannelState::Closing {
            require!(
                now < self.close_deadline,
                SettlementError::DisputeWindowElapsed
            );
        }
        Ok(())
    }

    /// Applies a buyer-signed cumulative receipt (PROTOCOL §3, §4). Cheap checks come first;
    /// the signature (the expensive part) is verified last.
    pub fn apply_receipt(
        &mut self,
        channel_key: &Pubkey,
        amount: u64,
        bytes: u64,
        signature: &[u8; 64],
        now: i64,
        pay_bounty: bool,
    ) -> Result<Settlement> {
        self.require_settleable(now)?;
        require!(
            amount > self.settled,
            SettlementError::AmountNotAboveSettled
        );
        require!(
            amount <= self.deposit,
            SettlementError::AmountExceedsDeposit
        );
        require!(bytes >= self.settled_bytes, SettlementError::BytesDecreased);
        require!(
            receipt::verify(&self.receipt_signer, channel_key, amount, bytes, signature),
            SettlementError::InvalidReceiptSignature
        );
        let split = split_settlement(
            self.settled,
            amount,
            self.fee_bps,
            self.bounty_bps,
            pay_bounty,
        )?;
        let bytes_delta = bytes - self.settled_bytes;
        self.settled = amount;
        self.settled_bytes = bytes;
        Ok(Settlement {
            split,
            bytes_delta,
            reward: 0,
        })
    }

    /// What goes back to the buyer's free balance at close.
    pub fn refund(&self) -> Result<u64> {
        self.deposit
            .checked_sub(self.settled)
            .ok_or_else(|| error!(SettlementError::ArithmeticOverflow))
    }
}
