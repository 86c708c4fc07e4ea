//! One event per state change. Each carries the amounts moved and the balances after, so an
//! indexer can rebuild every balance of PROTOCOL invariant 1 from events alone.
use anchor_lang::prelude::*;

/// Emits `event` the way Anchor's `emit!` does (`sol_log_data` of discriminator + Borsh).
///
/// Anchor 1.2's host build of `sol_log_data` is a no-op, which would hide every event from
/// native tests and the embedded chain; on the host the call goes through the syscall stubs
/// instead, like every other syscall. On-chain the two are identical.
pub fn emit<E: anchor_lang::Event>(event: &E) {
    let data = event.data();
    #[cfg(target_os = "solana")]
    anchor_lang::solana_program::log::sol_log_data(&[&data]);
    #[cfg(not(target_os = "solana"))]
    solana_sysvar::program_stubs::sol_log_data(&[&data]);
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarketCreated {
    pub market: Pubkey,
    pub mint: Pubkey,
    pub token_program: Pubkey,
    pub admin: Pubkey,
    pub vault: Pubkey,
    pub treasury: Pubkey,
    pub fee_bps: u16,
    pub burn_bps: u16,
    pub min_dispute_window_secs: u32,
    pub max_dispute_window_secs: u32,
    pub fee_change_delay_secs: u32,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarketUpdated {
    pub market: Pubkey,
    pub paused: bool,
    pub fee_bps: u16,
    pub burn_bps: u16,
    pub treasury: Pubkey,
    pub min_dispute_window_secs: u32,
    pub max_dispute_window_secs: u32,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminProposed {
    pub market: Pubkey,
    pub admin: Pubkey,
    /// The default address withdraws a proposal.
    pub pending_admin: Pubkey,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminChanged {
    pub market: Pubkey,
    pub previous_admin: Pubkey,
    pub admin: Pubkey,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeChangeAnnounced {
    pub market: Pubkey,
    pub current_fee_bps: u16,
    pub new_fee_bps: u16,
    /// Channels opened at or after this time snapshot the new fee.
    pub effective_at: i64,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deposited {
    pub market: Pubkey,
    pub buyer: Pubkey,
    pub owner: Pubkey,
    pub amount: u64,
    pub free_balance: u64,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withdrawn {
    pub market: Pubkey,
    pub buyer: Pubkey,
    pub owner: Pubkey,
    pub destination: Pubkey,
    pub amount: u64,
    pub free_balance: u64,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderRegistered {
    pub provider: Pubkey,
    pub authority: Pubkey,
    pub payout: Pubkey,
    pub min_dispute_window_secs: u32,
    pub bounty_bps: u16,
    pub endpoint: String,
    pub region: String,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderUpdated {
    pub provider: Pubkey,
    pub payout: Pubkey,
    pub min_dispute_window_secs: u32,
    pub bounty_bps: u16,
    pub active: bool,
    pub endpoint: String,
    pub region: String,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderJoinedMarket {
    pub market: Pubkey,
    pub provider: Pubkey,
    pub provider_market: Pubkey,
    pub price_per_gib: u64,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceUpdated {
    pub market: Pubkey,
    pub provider: Pubkey,
    pub price_per_gib: u64,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelOpened {
    pub market: Pubkey,
    pub buyer: Pubkey,
    pub provider: Pubkey,
    pub channel: Pubkey,
    pub channel_id: u64,
    pub deposit: u64,
    pub fee_bps: u16,
    pub bounty_bps: u16,
    pub dispute_window_secs: u32,
    pub receipt_signer: Pubkey,
    pub price_per_gib: u64,
    pub buyer_free_balance: u64,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelToppedUp {
    pub market: Pubkey,
    pub buyer: Pubkey,
    pub channel: Pubkey,
    pub amount: u64,
    pub deposit: u64,
    pub buyer_free_balance: u64,
}

/// One channel's settlement. Compact, because a batch writes one per channel into a log the
/// runtime caps at 10,000 bytes (docs/adr/0010): the market, provider and settler are in the
/// instruction's `SettlementBatch`, which follows the last `ChannelSettled` of the
/// instruction; the channel's market and provider are also in its `ChannelOpened`.
#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelSettled {
    pub channel: Pubkey,
    /// The channel's cumulative settled amount and bytes after it.
    pub amount: u64,
    pub bytes: u64,
    /// Left the channel deposit in this settlement: fee + bounty + provider_amount.
    pub gross: u64,
    pub fee: u64,
    pub bounty: u64,
    pub provider_amount: u64,
    /// Reward units accrued to the provider for the paid bytes of this settlement.
    pub reward: u64,
}

/// What one settling instruction (`settle`, `settle_many`, `settle_many_agg`, or
/// `close_by_provider` with a final receipt) did in total, after its `ChannelSettled` events.
#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementBatch {
    pub market: Pubkey,
    pub provider: Pubkey,
    /// Who submitted the receipts (the provider or a watcher).
    pub settler: Pubkey,
    /// Token account the bounties were paid to (default key when none was).
    pub bounty_destination: Pubkey,
    /// Channels settled (entries already settled were skipped).
    pub channels: u16,
    pub gross: u64,
    pub fee: u64,
    pub bounty: u64,
    pub reward: u64,
    /// The provider's balances in the market after it.
    pub provider_earnings: u64,
    pub provider_fees_accrued: u64,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseRequested {
    pub market: Pubkey,
    pub buyer: Pubkey,
    pub provider: Pubkey,
    pub channel: Pubkey,
    pub deadline: i64,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelClosed {
    pub market: Pubkey,
    pub buyer: Pubkey,
    pub provider: Pubkey,
    pub channel: Pubkey,
    pub settled: u64,
    pub settled_bytes: u64,
    /// Returned to the buyer's free balance: deposit - settled.
    pub refund: u64,
    pub buyer_free_balance: u64,
    /// True for `close_by_provider`, false for `finalize_close`.
    pub by_provider: bool,
    /// The buyer's rating (0: none), weighted by `settled` in the provider's reputation.
    pub rating: u8,
    /// For a buyer-forced close: whether anything was settled (or the provider closed) after
    /// the request.
    pub answered: bool,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarningsWithdrawn {
    pub market: Pubkey,
    pub provider: Pubkey,
    pub destination: Pubkey,
    pub amount: u64,
    pub earnings: u64,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderFeesSwept {
    pub market: Pubkey,
    pub provider: Pubkey,
    pub amount: u64,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeesSwept {
    pub market: Pubkey,
    pub treasury: Pubkey,
    pub total: u64,
    pub to_treasury: u64,
    pub burned: u64,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RewardsConfigured {
    pub market: Pubkey,
    pub reward_pool: Pubkey,
    pub mint: Pubkey,
    pub active: bool,
    pub reward_per_gib: u64,
    pub min_price_per_gib: u64,
    pub epoch_secs: u32,
    pub epoch_cap: u64,
    pub vesting_secs: u32,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RewardsClaimed {
    pub market: Pubkey,
    pub provider: Pubkey,
    pub destination: Pubkey,
    /// Minted now.
    pub released: u64,
    /// Moved from accrued to a new vesting schedule.
    pub allotted: u64,
    pub accrued: u64,
    pub locked: u64,
    pub vest_end: i64,
    pub epoch: u64,
    pub allotted_in_epoch: u64,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelRated {
    pub market: Pubkey,
    pub provider: Pubkey,
    pub channel: Pubkey,
    pub rating: u8,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staked {
    pub market: Pubkey,
    pub provider: Pubkey,
    pub amount: u64,
    pub stake: u64,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnstakeRequested {
    pub market: Pubkey,
    pub provider: Pubkey,
    pub amount: u64,
    pub stake: u64,
    pub unbonding: u64,
    pub unbonding_at: i64,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StakeWithdrawn {
    pub market: Pubkey,
    pub provider: Pubkey,
    pub destination: Pubkey,
    pub amount: u64,
}
