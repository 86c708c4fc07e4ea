use crate::{errors::SettlementError, math::Split, state::RewardPool};
use anchor_lang::prelude::*;

/// A provider's price, earnings and statistics in one market.
///
/// Protocol fees accrue here, not in the Market, so that settlements of different providers
/// never write the same account and never contend for a write lock (see docs/adr/0002).
#[account]
#[derive(InitSpace, Debug, Default)]
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

    // Reputation.
    /// Buyer-forced closes in which something was settled (or the provider closed) before
    /// the deadline.
    pub forced_closes_answered: u64,
    /// Buyer-forced closes finalized with nothing settled after the buyer's request.
    pub forced_closes_missed: u64,
    /// Ratings received, and their sums weighted by the amount paid on each rated channel.
    pub ratings: u64,
    pub rating_weight: u128,
    pub rating_weighted_sum: u128,

    // Stake: payment tokens the provider bonded, held in the market vault. Never slashed.
    pub stake: u64,
    /// Being unbonded: withdrawable from `unbonding_at`.
    pub unbonding: u64,
    pub unbonding_at: i64,

    // Rewards (when the market has a reward pool).
    /// Earned on paid bytes, not yet allotted against an epoch cap.
    pub reward_accrued: u64,
    /// The current vesting schedule: `reward_locked` units vest linearly from
    /// `reward_vest_start` to `reward_vest_end`; `reward_released` of them were minted.
    pub reward_locked: u64,
    pub reward_released: u64,
    pub reward_vest_start: i64,
    pub reward_vest_end: i64,
    /// Lifetime: reward units minted to the provider, bytes that earned rewards.
    pub rewards_claimed: u64,
    pub rewarded_bytes: u64,
    /// Room to grow without a migration; zero (64 bytes).
    pub reserved: [u64; 8],
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

    /// Records a buyer's rating of a closing channel, weighted by what it paid.
    pub fn record_rating(&mut self, rating: u8, paid: u64) {
        if rating == 0 {
            return;
        }
        self.ratings = self.ratings.saturating_add(1);
        self.rating_weight = self.rating_weight.saturating_add(u128::from(paid));
        self.rating_weighted_sum = self
            .rating_weighted_sum
            .saturating_add(u128::from(rating) * u128::from(paid));
    }

    /// Units of the current schedule vested at `now` (linear, rounded down).
    pub fn vested(&self, now: i64) -> u64 {
        let (start, end) = (self.reward_vest_start, self.reward_vest_end);
        // The end first: a schedule without vesting (end == start) is vested at its start.
        if now >= end || end <= start {
            return self.reward_locked;
        }
        if now <= start {
            return 0;
        }
        let elapsed = (now - start) as u128;
        let duration = (end - start) as u128;
        (u128::from(self.reward_locked) * elapsed / duration) as u64
    }

    /// Releases what has vested; once the current schedule has fully vested, allots the
    /// accrued rewards (up to what is left of the epoch's cap) to a new one. Returns
    /// (units to mint now, units newly allotted).
    pub fn claim(&mut self, pool: &mut RewardPool, now: i64) -> Result<(u64, u64)> {
        let vested = self.vested(now);
        let mut release = vested
            .checked_sub(self.reward_released)
            .ok_or(SettlementError::ArithmeticOverflow)?;
        self.reward_released = vested;
        let mut allotted = 0;
        if self.reward_released == self.reward_locked {
            pool.roll_epoch(now);
            allotted = self.reward_accrued.min(pool.room());
            self.reward_accrued -= allotted;
            pool.allotted_in_epoch += allotted;
            pool.total_allotted = pool.total_allotted.saturating_add(allotted);
            self.reward_locked = allotted;
            self.reward_released = 0;
            self.reward_vest_start = now;
            self.reward_vest_end = now
                .checked_add(i64::from(pool.vesting_secs))
                .ok_or(SettlementError::ArithmeticOverflow)?;
            if pool.vesting_secs == 0 {
                release += allotted;
                self.reward_released = allotted;
            }
        }
        self.rewards_claimed = self.rewards_claimed.saturating_add(release);
        Ok((release, allotted))
    }
}
