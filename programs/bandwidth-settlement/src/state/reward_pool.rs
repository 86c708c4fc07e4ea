use crate::{errors::SettlementError, pda_account::load, state::seeds};
use anchor_lang::prelude::*;

/// A market's rewards: terms, and the shared per-epoch emission cap. The pool's PDA is the
/// reward mint's authority, so no reward token exists but what `claim_rewards` mints.
///
/// Providers accrue rewards in their own ProviderMarket when they settle (no write here, so
/// settlements never contend on this account); the cap is applied when they claim.
#[account]
#[derive(InitSpace, Debug)]
pub struct RewardPool {
    pub version: u8,
    pub bump: u8,
    pub active: bool,
    pub market: Pubkey,
    pub mint: Pubkey,
    pub token_program: Pubkey,
    /// Reward base units per GiB of paid bytes.
    pub reward_per_gib: u64,
    /// A byte counts only if paid at least this price (payment base units per GiB).
    pub min_price_per_gib: u64,
    pub epoch_secs: u32,
    /// Most reward units allotted in one epoch, to all providers together.
    pub epoch_cap: u64,
    /// Allotted rewards vest linearly over this long.
    pub vesting_secs: u32,
    /// Current epoch (unix time / epoch_secs) and what was allotted in it.
    pub epoch: u64,
    pub allotted_in_epoch: u64,
    /// Lifetime totals.
    pub total_allotted: u64,
    pub total_minted: u64,
    /// Room to grow without a migration; zero.
    pub reserved: [u8; 64],
}

impl RewardPool {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;

    /// The market's reward pool as passed to a settlement: `None` when the market has none.
    ///
    /// The account is required in every settlement, so that what a provider is owed never
    /// depends on which optional accounts a settler chose to pass (PROTOCOL invariant 10). A
    /// program-owned RewardPool of this market can only live at the market's pool PDA; any
    /// other account must be that PDA (canonical bump), still empty.
    pub fn for_settlement(info: &AccountInfo, market: &Pubkey) -> Result<Option<RewardPool>> {
        if *info.owner == crate::ID {
            let pool: RewardPool =
                load(info).map_err(|_| error!(SettlementError::RewardPoolMismatch))?;
            require_keys_eq!(pool.market, *market, SettlementError::RewardPoolMismatch);
            return Ok(Some(pool));
        }
        let (expected, _) =
            Pubkey::find_program_address(&[seeds::REWARD_POOL, market.as_ref()], &crate::ID);
        require_keys_eq!(*info.key, expected, SettlementError::RewardPoolMismatch);
        Ok(None)
    }

    /// Moves to the epoch of `now`, which starts with nothing allotted.
    pub fn roll_epoch(&mut self, now: i64) {
        let epoch = u64::try_from(now).unwrap_or(0) / u64::from(self.epoch_secs.max(1));
        if epoch != self.epoch {
            self.epoch = epoch;
            self.allotted_in_epoch = 0;
        }
    }

    /// What is left of this epoch's cap.
    pub fn room(&self) -> u64 {
        self.epoch_cap.saturating_sub(self.allotted_in_epoch)
    }

    pub fn signer_seeds(&self) -> [&[u8]; 3] {
        [
            seeds::REWARD_POOL,
            self.market.as_ref(),
            core::slice::from_ref(&self.bump),
        ]
    }
}
