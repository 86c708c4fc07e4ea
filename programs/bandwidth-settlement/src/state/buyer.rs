use anchor_lang::prelude::*;

/// A buyer's pooled escrow in one market. Never closed, so `next_channel_id` never repeats and
/// a channel address never hosts two channels (PROTOCOL §2).
#[account]
#[derive(InitSpace, Debug)]
pub struct Buyer {
    pub version: u8,
    pub bump: u8,
    pub market: Pubkey,
    pub owner: Pubkey,
    /// Tokens in escrow not reserved by any channel; withdrawable at any time.
    pub free: u64,
    /// Id of the next channel; only ever increases.
    pub next_channel_id: u64,
    pub open_channels: u64,
    /// Lifetime statistics.
    pub total_deposited: u64,
    pub total_withdrawn: u64,
    /// Room to grow without a migration; zero.
    pub reserved: [u8; 32],
}

impl Buyer {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;
}
