//! The compute units the SDK requests, from figures measured on the SBF VM: the program built by
//! `sbf/build.sh`, run through the BPF loader (README "Compute units on the SBF VM"). Requests
//! follow the measurements: too low and a transaction fails, too high and a priority fee pays
//! for units never used.
//!
//! `tests/suite/sbf.rs` checks these against the VM: the verifiers alone (the probe) and the
//! settlement instructions at every batch size, failing when a figure here is below what the
//! VM consumed or needlessly above it. Figures for upstream LLVM 23 (sbf/README.md says how a
//! platform-tools build may differ).

/// One strict Ed25519 verification of a receipt (`receipt::verify`: SHA-512 in-program, one
/// two-point multiscalar multiplication): measured 22,249–22,262.
pub const VERIFY_UNITS: u32 = 22_300;

/// `receipt::is_usable_signer` (`open_channel`): the key checks and one point validation;
/// measured 483–484.
pub const USABLE_SIGNER_UNITS: u32 = 490;

/// `halfagg::verify` of n receipts: the transcript, n coefficients and challenges, the scalar
/// arithmetic mod L, one multiscalar multiplication of 2n + 1 points. Measured 57,175 at n = 1,
/// then ~42,980 per receipt (the transcript's SHA-512 blocks make it a staircase).
pub const AGG_VERIFY_BASE_UNITS: u32 = 15_000;
pub const AGG_VERIFY_PER_RECEIPT_UNITS: u32 = 43_000;

pub fn agg_verify_units(n: usize) -> u32 {
    AGG_VERIFY_BASE_UNITS + AGG_VERIFY_PER_RECEIPT_UNITS * n as u32
}

/// Heap `halfagg::verify` of n allocates: the transcript's parts, the scalars and points of the
/// multiplication (measured 96 + 176 n bytes; the program's heap is 32 KiB).
pub fn agg_verify_heap(n: usize) -> usize {
    128 + 176 * n
}

/// A program-derived address the program finds on-chain (`seeds …, bump`, or
/// `find_program_address`) costs 1,500 CU per bump it tries, from 255 down: one try half the
/// time, but a few addresses need many (the suite on the VM saw up to 18, 27k CU). What each
/// address needs is fixed by its seeds, so an unlucky market or channel always costs more.
/// Each search is budgeted 40 tries: needing more has probability 2^-40. (Storing the bumps,
/// or taking them as arguments, would make this exact and cheaper: a program change.)
pub const PDA_SEARCH_UNITS: u32 = 40 * 1_500;

/// A settlement instruction's own work besides verification: accounts, the provider's
/// earnings, the reward pool (found at its PDA when the market has none: one search), and a
/// watcher's bounty transfer when there is one (a token transfer, ~25k).
pub const SETTLE_BASE_UNITS: u32 = 40_000 + PDA_SEARCH_UNITS;
/// Per channel besides its receipt's verification: load and check the channel, the cumulative
/// fee arithmetic, write it back, emit its event (measured 4.2k–4.7k).
pub const SETTLE_CHANNEL_UNITS: u32 = 5_000;

/// `settle` of one receipt, with or without a watcher's bounty (measured 37.1k–64.8k).
pub const SETTLE: u32 = SETTLE_BASE_UNITS + VERIFY_UNITS + SETTLE_CHANNEL_UNITS;
pub const SETTLE_WITH_BOUNTY: u32 = SETTLE;

/// `settle_many` of k receipts: measured 37.8k at k = 1, 619.7k at k = 23. Above
/// [`MAX_UNITS`] the batch does not fit one transaction (the packers never build one).
pub fn settle_many_units(k: usize) -> u32 {
    SETTLE_BASE_UNITS + (VERIFY_UNITS + SETTLE_CHANNEL_UNITS) * k as u32
}

/// `settle_many_agg` of k receipts: measured 73.7k at k = 1, 1,111k at k = 23.
pub fn settle_many_agg_units(k: usize) -> u32 {
    SETTLE_BASE_UNITS + agg_verify_units(k) + SETTLE_CHANNEL_UNITS * k as u32
}

/// The most compute units a transaction may use.
pub const MAX_UNITS: u32 = 1_400_000;

// ----- every other instruction ----------------------------------------------------------------
// The least each consumed over the whole test suite run on the SBF build (`BWX_UNITS_LOG`,
// sbf/README.md), plus what the dearest paths add (first calls that create accounts, PDAs
// someone prefunded, Token-2022 mints with extensions) with ~20 % to spare, plus
// `PDA_SEARCH_UNITS` per address found on-chain. The suite run on the VM fails when a call
// needs more than this (`tests/src/sbf.rs::check_units`).

/// `create_market` (19.9k–41.0k measured; finds the market and the vault).
pub const CREATE_MARKET: u32 = 40_000 + 2 * PDA_SEARCH_UNITS;
/// `update_market`, `propose_admin`, `accept_admin`, `update_provider`, `set_price`,
/// `unstake` (up to 10.4k; nothing found).
pub const ADMIN: u32 = 15_000;
/// `configure_rewards` (9.8k–30.1k: the first call creates the pool; finds it).
pub const CONFIGURE_REWARDS: u32 = 25_000 + PDA_SEARCH_UNITS;
/// `deposit` (17.6k–41.5k: the first creates the escrow; finds it), `stake` (24.9k).
pub const DEPOSIT: u32 = 35_000 + PDA_SEARCH_UNITS;
/// `withdraw` (up to 21.1k), `withdraw_stake` (25.0k).
pub const WITHDRAW: u32 = 29_000;
/// `register_provider` (7.9k–33.4k; finds the provider), `join_market` (12.4k–27.5k; finds
/// the provider's market account), `claim_rewards` (23.2k); a provider's set-up sends the
/// first two in one transaction with twice this.
pub const PROVIDER: u32 = 30_000 + PDA_SEARCH_UNITS;
/// `open_channel` (19.6k–46.8k; finds the channel).
pub const OPEN_CHANNEL: u32 = 30_000 + PDA_SEARCH_UNITS;
/// `top_up` (9.5k).
pub const TOP_UP: u32 = 11_000;
/// `rate_channel` (5.9k).
pub const RATE: u32 = 7_500;
/// `request_close` (up to 10.3k).
pub const REQUEST_CLOSE: u32 = 12_000;
/// `finalize_close` (up to 11.3k).
pub const FINALIZE: u32 = 13_000;
/// `close_by_provider` with a final receipt (14.9k–53.6k: a Token-2022 refund, a receipt
/// verified; finds the reward pool).
pub const CLOSE_BY_PROVIDER: u32 = 45_000 + PDA_SEARCH_UNITS;
/// `withdraw_earnings` (up to 25.0k).
pub const WITHDRAW_EARNINGS: u32 = 29_000;
/// `sweep_fees` over n provider accounts: two token CPIs (treasury transfer, burn) and n
/// accounts (23.8k–60.8k measured).
pub const SWEEP_BASE: u32 = 30_000;
pub const SWEEP_PER_PROVIDER: u32 = 12_000;
/// Creating a mint or token accounts (SPL programs, not this one).
pub const TOKEN_SETUP: u32 = 100_000;

/// What the SDK requests for one call of `instruction` (its name as the program logs it,
/// "CreateMarket"), for the instructions whose cost does not grow with a batch; the settlement
/// batches and `sweep_fees` are priced per channel or provider above.
pub fn for_instruction(instruction: &str) -> Option<u32> {
    Some(match instruction {
        "CreateMarket" => CREATE_MARKET,
        "UpdateMarket" | "ProposeAdmin" | "AcceptAdmin" | "UpdateProvider" | "SetPrice"
        | "Unstake" => ADMIN,
        "ConfigureRewards" => CONFIGURE_REWARDS,
        "Deposit" | "Stake" => DEPOSIT,
        "Withdraw" | "WithdrawStake" => WITHDRAW,
        "RegisterProvider" | "JoinMarket" | "ClaimRewards" => PROVIDER,
        "OpenChannel" => OPEN_CHANNEL,
        "TopUp" => TOP_UP,
        "RateChannel" => RATE,
        "RequestClose" => REQUEST_CLOSE,
        "FinalizeClose" => FINALIZE,
        "CloseByProvider" => CLOSE_BY_PROVIDER,
        "Settle" => SETTLE,
        "WithdrawEarnings" => WITHDRAW_EARNINGS,
        _ => return None,
    })
}
