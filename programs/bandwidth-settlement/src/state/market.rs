use crate::state::seeds;
use anchor_lang::prelude::*;

/// One market per (mint, creator): fee terms, dispute-window bounds and the pooled vault.
///
/// Keyed by the creator as well as the mint so that nobody can squat the market of a popular
/// mint; a market address is still distinct on every cluster because mints are.
#[account]
#[derive(InitSpace, Debug)]
pub struct Market {
    pub version: u8,
    pub bump: u8,
    pub vault_bump: u8,
    /// Blocks deposits, new channels and top-ups. Never blocks settlements, closes or
    /// withdrawals: the admin cannot hold anyone's money hostage.
    pub paused: bool,
    /// Signer of `create_market`; part of the address.
    pub creator: Pubkey,
    pub admin: Pubkey,
    pub mint: Pubkey,
    /// SPL Token or Token-2022: whichever owns the mint.
    pub token_program: Pubkey,
    /// The one token account holding every token of this market.
    pub vault: Pubkey,
    /// Token account receiving the treasury share of swept fees.
    pub treasury: Pubkey,
    /// Fee for channels opened now, unless a pending change is already effective.
    pub fee_bps: u16,
    /// Announced fee; applies to channels opened at or after `fee_change_at`.
    pub pending_fee_bps: u16,
    /// When the announced fee takes effect; 0 when nothing is announced.
    pub fee_change_at: i64,
    /// Delay between announcing a fee and its effect; at least 24 h, fixed at creation.
    pub fee_change_delay_secs: u32,
    /// Share of swept fees that is burned; the rest goes to the treasury.
    pub burn_bps: u16,
    pub min_dispute_window_secs: u32,
    pub max_dispute_window_secs: u32,
    /// Delay between a provider's unstake request and the withdrawal of its stake.
    pub stake_unbonding_secs: u32,
    /// Lifetime totals of swept fees.
    pub fees_to_treasury: u64,
    pub fees_burned: u64,
    pub created_at: i64,
    /// Proposed by the admin, takes over when it accepts (two-step handover); default when
    /// nothing is proposed.
    pub pending_admin: Pubkey,
    /// Room to grow without a migration; zero.
    pub reserved: [u8; 64],
}

impl Market {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;

    /// The fee a channel opened at `now` snapshots.
    pub fn fee_bps_at(&self, now: i64) -> u16 {
        if self.fee_change_at != 0 && now >= self.fee_change_at {
            self.pending_fee_bps
        } else {
            self.fee_bps
        }
    }

    /// Folds an announced fee whose time has come into `fee_bps`.
    pub fn apply_due_fee_change(&mut self, now: i64) {
        if self.fee_change_at != 0 && now >= self.fee_change_at {
            self.fee_bps = self.pending_fee_bps;
            self.fee_change_at = 0;
        }
    }

    /// Seeds the market PDA signs with: it is the vault's token authority.
    pub fn signer_seeds(&self) -> [&[u8]; 4] {
        [
            seeds::MARKET,
            self.mint.as_ref(),
            self.creator.as_ref(),
            core::slice::from_ref(&self.bump),
        ]
    }
}
