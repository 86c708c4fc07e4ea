//! Every PDA seed prefix. The program, the client and the tests derive addresses from these
//! constants only, so they cannot disagree.

/// Market: `[MARKET, mint, creator]`.
pub const MARKET: &[u8] = b"market";
/// The market's pooled token account: `[VAULT, market]`.
pub const VAULT: &[u8] = b"vault";
/// A buyer's escrow in one market: `[BUYER, market, owner]`.
pub const BUYER: &[u8] = b"buyer";
/// A provider's identity, shared by all markets: `[PROVIDER, authority]`.
pub const PROVIDER: &[u8] = b"provider";
/// A provider's earnings and statistics in one market: `[PROVIDER_MARKET, market, provider]`.
pub const PROVIDER_MARKET: &[u8] = b"earnings";
/// A payment channel: `[CHANNEL, buyer account, channel_id as u64 little-endian]`.
pub const CHANNEL: &[u8] = b"channel";
/// A market's reward pool, also the reward mint's authority: `[REWARD_POOL, market]`.
pub const REWARD_POOL: &[u8] = b"rewards";
