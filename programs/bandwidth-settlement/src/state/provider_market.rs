use crate::math::Split;
use anchor_lang::prelude::*;

/// A provider's price, earnings and statistics in one market.
///
/// Protocol fees accrue here, not in the Market, so that settlements of different providers
/// never write the same account and never contend for a write lock (see docs/adr/0002).
#[account]
#[derive(InitSpace, Debug)]
pub struct ProviderMarket {
    pub version: u8,
    pub bump: u8,
    pub market: Pubkey,
    pub provider: Pubkey,
    /// Advertised price, token base units per GiB (2^30 bytes); snapshotted into channels.
    pub price_per_gib: u64,
    /// Settled and not yet withdrawn.
    pub earnings: u64,
    /// Protocol fees taken from this provider's settlements and not yet swept.
    pub fees_accrued: u64,
    // Lifetime statistics. Saturating: a statistic may never block a money movement.
    pub amount_settled: u64,
    pub bytes_settled: u64,
    pub fees_paid: u64,
    pub bounties_paid: u64,
    pub earnings_withdrawn: u64,
    pub channels_opened: u64,
    pub channels_active: u64,
    pub channels_closed_by_provider: u64,
    pub channels_force_closed: u64,
    pub channels_finalized: u64,
    pub joined_at: i64,
}

impl ProviderMarket {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;

    /// Credits one settlement: the provider's part to earnings, the fee to the accrual.
    pub fn credit(&mut self, split: &Split, bytes_delta: u64) -> Result<()> {
        self.earnings = self
            .earnings
            .checked_add(split.provider)
            .ok_or(crate::errors::SettlementError::ArithmeticOverflow)?;
        self.fees_accrued = self
            .fees_accrued
            .checked_add(split.fee)
            .ok_or(crate::errors::SettlementError::ArithmeticOverflow)?;
        self.amount_settled = self.amount_settled.saturating_add(split.gross);
        self.bytes_settled = self.bytes_settled.saturating_add(bytes_delta);
        self.fees_paid = self.fees_paid.saturating_add(split.fee);
        self.bounties_paid = self.bounties_paid.saturating_add(split.bounty);
        Ok(())
    }

    /// A channel left the active set.
    pub fn channel_closed(&mut self) {
        self.channels_active = self.channels_active.saturating_sub(1);
    }
}
