//! Hard limits compiled into the program (PROTOCOL §5). No market admin can exceed them.
use anchor_lang::prelude::*;

/// Layout version written into every account this program creates: 2 since protocol v2
/// (reserved bytes, the market's pending admin).
#[constant]
pub const ACCOUNT_VERSION: u8 = 2;

/// Basis-point denominator: 10_000 bps = 100 %.
#[constant]
pub const BPS_DENOMINATOR: u16 = 10_000;

/// Protocol fee cap: 10 % of every settled amount.
#[constant]
pub const MAX_FEE_BPS: u16 = 1_000;

/// Watcher bounty cap: 10 % of the provider's share of a settlement.
#[constant]
pub const MAX_BOUNTY_BPS: u16 = 1_000;

/// Shortest dispute window any channel may have (10 minutes).
#[constant]
pub const MIN_DISPUTE_WINDOW_SECS: u32 = 600;

/// Longest dispute window any channel may have (30 days).
#[constant]
pub const MAX_DISPUTE_WINDOW_SECS: u32 = 30 * 86_400;

/// A fee change takes effect at least this long after it is announced (24 hours).
#[constant]
pub const MIN_FEE_CHANGE_DELAY_SECS: u32 = 86_400;

/// Longest announcement delay a market may choose (365 days).
#[constant]
pub const MAX_FEE_CHANGE_DELAY_SECS: u32 = 365 * 86_400;

/// Longest provider endpoint (URL or host:port), in bytes.
#[constant]
pub const MAX_ENDPOINT_LEN: u32 = 128;

/// Longest provider region label, in bytes.
#[constant]
pub const MAX_REGION_LEN: u32 = 32;

/// Stake unbonding delay bounds, and the default a market starts with (7 days).
#[constant]
pub const MIN_UNBONDING_SECS: u32 = 86_400;
#[constant]
pub const MAX_UNBONDING_SECS: u32 = 365 * 86_400;
#[constant]
pub const DEFAULT_UNBONDING_SECS: u32 = 7 * 86_400;

/// Reward epochs last between an hour and a year; vesting at most a year.
#[constant]
pub const MIN_REWARD_EPOCH_SECS: u32 = 3_600;
#[constant]
pub const MAX_REWARD_EPOCH_SECS: u32 = 365 * 86_400;
#[constant]
pub const MAX_VESTING_SECS: u32 = 365 * 86_400;

/// Bytes in a GiB: prices and rewards are per 2^30 bytes.
#[constant]
pub const BYTES_PER_GIB: u64 = 1 << 30;
const _: () = assert!(BYTES_PER_GIB == bandwidth_receipt::BYTES_PER_GIB);
