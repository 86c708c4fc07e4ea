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
    /// Largest cumulative bytes of any settled receipt; never decreases.
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
    /// Room to grow without a migration; zero. Kept small: every open channel locks its rent.
    pub reserved: [u8; 16],
}

/// What one accepted receipt changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settlement {
    pub split: Split,
    /// The channel's (settled, settled_bytes) before it.
    pub from: (u64, u64),
    /// Increase of `settled_bytes`.
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

    /// Whether a watcher settling now is paid the provider's bounty: only in the second half
    /// of a buyer's forced close. The first half belongs to the provider, who settles without
    /// paying anyone; otherwise a buyer could request a close and, in the same transaction,
    /// settle its own receipt as a "watcher" and take the bounty out of what it owes
    /// (PROTOCOL invariant 9).
    pub fn in_bounty_phase(&self, now: i64) -> bool {
        self.state == ChannelState::Closing
            && now >= self.close_deadline - i64::from(self.dispute_window_secs / 2)
    }

    /// Applies a buyer-signed cumulative receipt (PROTOCOL §3, §4). Cheap checks come first;
    /// the signature (the expensive part) is verified last.
    ///
    /// The amount alone decides whether a receipt is accepted (`settled < amount <= deposit`).
    /// Bytes are informational: `settled_bytes` keeps the largest value seen, and only its
    /// increase counts for reputation and rewards. A rule on bytes would let the buyer, who
    /// holds the signing key and may settle, void every receipt its provider holds by
    /// settling one base unit with `bytes = u64::MAX`.
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
        require!(
            receipt::verify(&self.receipt_signer, channel_key, amount, bytes, signature),
            SettlementError::InvalidReceiptSignature
        );
        self.apply_verified(amount, bytes, pay_bounty)
    }

    /// Applies a receipt whose checks and signature were verified by the caller.
    pub fn apply_verified(
        &mut self,
        amount: u64,
        bytes: u64,
        pay_bounty: bool,
    ) -> Result<Settlement> {
        let split = split_settlement(
            self.settled,
            amount,
            self.fee_bps,
            self.bounty_bps,
            pay_bounty,
        )?;
        let bytes = bytes.max(self.settled_bytes);
        let settlement = Settlement {
            split,
            from: (self.settled, self.settled_bytes),
            bytes_delta: bytes - self.settled_bytes,
            reward: 0,
        };
        self.settled = amount;
        self.settled_bytes = bytes;
        Ok(settlement)
    }

    /// What goes back to the buyer's free balance at close.
    pub fn refund(&self) -> Result<u64> {
        self.deposit
            .checked_sub(self.settled)
            .ok_or_else(|| error!(SettlementError::ArithmeticOverflow))
    }
}
