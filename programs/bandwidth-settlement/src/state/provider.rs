use crate::constants::{MAX_ENDPOINT_LEN, MAX_REGION_LEN};
use anchor_lang::prelude::*;

/// A provider's identity and terms, shared by every market it joins.
#[account]
#[derive(InitSpace, Debug)]
pub struct Provider {
    pub version: u8,
    pub bump: u8,
    /// Accepts new channels.
    pub active: bool,
    /// Operational key: signs provider instructions and closes.
    pub authority: Pubkey,
    /// Wallet that owns the token accounts earnings may be withdrawn to. Kept apart from the
    /// authority so a compromised node key cannot redirect earnings without a visible update.
    pub payout: Pubkey,
    /// Shortest dispute window this provider accepts on a new channel.
    pub min_dispute_window_secs: u32,
    /// Share of its own settlement a watcher earns for settling a closing channel; snapshotted
    /// into each channel at open.
    pub bounty_bps: u16,
    #[max_len(MAX_ENDPOINT_LEN)]
    pub endpoint: String,
    #[max_len(MAX_REGION_LEN)]
    pub region: String,
    pub registered_at: i64,
    /// Room to grow without a migration; zero.
    pub reserved: [u8; 64],
}

impl Provider {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;
}
