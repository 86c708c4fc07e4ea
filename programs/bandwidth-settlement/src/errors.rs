//! The program's one error enum. Codes start at 6000 (Anchor's custom-error offset) and are
//! append-only: clients match on them.
use anchor_lang::prelude::*;

#[error_code]
pub enum SettlementError {
    // --- market configuration -------------------------------------------------------------
    #[msg("Fee above the hard cap: fee_bps must be at most 1000 (10 %)")]
    FeeTooHigh,
    #[msg("Burn share above 100 %: burn_bps must be at most 10000")]
    BurnShareTooHigh,
    #[msg("Watcher bounty above the hard cap: bounty_bps must be at most 1000 (10 %)")]
    BountyTooHigh,
    #[msg("Dispute-window bounds invalid: need 600 s <= min <= max <= 30 days")]
    InvalidDisputeWindowBounds,
    #[msg("Fee-change delay out of range: choose between 24 hours and 365 days")]
    InvalidFeeChangeDelay,
    #[msg("Treasury must be a token account of the market's mint")]
    InvalidTreasury,

    // --- mint policy (PROTOCOL §7) ----------------------------------------------------------
    #[msg("Mint refused: a permanent delegate could move escrowed tokens; use a mint without one")]
    MintHasPermanentDelegate,
    #[msg("Mint refused: transfer fees would break escrow accounting; use a mint without them")]
    MintHasTransferFee,
    #[msg(
        "Mint refused: a transfer hook runs foreign code on every transfer; use a mint without one"
    )]
    MintHasTransferHook,
    #[msg("Mint refused: confidential transfers hide balances from escrow accounting")]
    MintHasConfidentialTransfers,
    #[msg("Mint refused: non-transferable tokens cannot be escrowed")]
    MintNonTransferable,
    #[msg("Mint refused: a pausable mint lets its authority freeze every withdrawal")]
    MintPausable,
    #[msg("Mint refused: new token accounts of this mint start frozen")]
    MintDefaultAccountStateFrozen,
    #[msg("Mint refused: it has a Token-2022 extension that is not on the allow-list")]
    MintExtensionNotAllowed,
    #[msg("Mint is not owned by the SPL Token or Token-2022 program")]
    MintNotATokenMint,

    // --- authority --------------------------------------------------------------------------
    #[msg("Only the market admin may do this: sign with the admin key")]
    NotMarketAdmin,
    #[msg("Only the buyer who owns this escrow may do this: sign with the owner key")]
    NotBuyerOwner,
    #[msg("Only the provider's authority may do this: sign with the provider authority key")]
    NotProviderAuthority,

    // --- account relationships --------------------------------------------------------------
    #[msg("Account belongs to another market: pass the accounts of this channel's market")]
    WrongMarket,
    #[msg("Account belongs to another provider: pass the channel's own provider accounts")]
    WrongProvider,
    #[msg("Account belongs to another buyer: pass the channel's own buyer account")]
    WrongBuyer,
    #[msg("Token account or mint does not match the market's mint")]
    WrongMint,
    #[msg("Token program does not match the one the market was created with")]
    WrongTokenProgram,
    #[msg("Vault does not match the market's vault")]
    WrongVault,
    #[msg("Treasury does not match the market's treasury")]
    WrongTreasury,
    #[msg("Rent recipient does not match the account that paid the channel's rent")]
    WrongRentPayer,
    #[msg("Destination token account is not owned by the provider's payout wallet")]
    WrongPayoutAccount,

    // --- balances ---------------------------------------------------------------------------
    #[msg("Amount must be greater than zero")]
    ZeroAmount,
    #[msg("Not enough free balance: deposit more or lower the amount")]
    InsufficientFreeBalance,
    #[msg("Not enough earnings: settle receipts first or lower the amount")]
    InsufficientEarnings,
    #[msg("No fees to sweep in the given provider accounts")]
    NoFeesToSweep,
    #[msg("Arithmetic overflow: amounts out of range")]
    ArithmeticOverflow,

    // --- providers and channels -------------------------------------------------------------
    #[msg("Market is paused: deposits, new channels and top-ups are disabled; closes, settlements and withdrawals still work")]
    MarketPaused,
    #[msg("Provider is inactive and accepts no new channels")]
    ProviderInactive,
    #[msg("Endpoint too long: at most 128 bytes")]
    EndpointTooLong,
    #[msg("Region too long: at most 32 bytes")]
    RegionTooLong,
    #[msg("Provider minimum dispute window out of range: choose between 600 s and 30 days")]
    InvalidProviderDisputeWindow,
    #[msg("Dispute window outside the market's bounds: choose a window between the market's min and max")]
    DisputeWindowOutOfMarketBounds,
    #[msg("Dispute window below the provider's minimum: choose a longer window")]
    DisputeWindowBelowProviderMinimum,
    #[msg("Receipt signer can never sign a valid receipt (zero, small-order or non-canonical key): register a real Ed25519 key")]
    InvalidReceiptSigner,
    #[msg("Channel is not open: this action needs an OPEN channel")]
    ChannelNotOpen,
    #[msg("Channel is not closing: request a close first")]
    ChannelNotClosing,
    #[msg("Dispute window has ended: the channel can only be finalized now")]
    DisputeWindowElapsed,
    #[msg("Dispute window still running: finalize after the close deadline")]
    DisputeWindowNotElapsed,

    // --- receipts ---------------------------------------------------------------------------
    #[msg("Receipt amount is not above the amount already settled: submit a newer receipt")]
    AmountNotAboveSettled,
    #[msg("Receipt amount exceeds the channel deposit")]
    AmountExceedsDeposit,
    /// Not raised since protocol v2 (bytes no longer decide whether a receipt is accepted);
    /// kept so that every later code keeps its number.
    #[msg(
        "Receipt bytes are below the bytes already settled (no longer raised since protocol v2)"
    )]
    BytesDecreased,
    #[msg("Receipt signature is invalid for this channel, amount, bytes and signer")]
    InvalidReceiptSignature,

    // --- watcher bounty ---------------------------------------------------------------------
    #[msg("Bounty accounts incomplete: pass all of market, vault, mint, token program and bounty destination, or none")]
    IncompleteBountyAccounts,
    #[msg("Provider accounts passed to sweep_fees must be writable")]
    ProviderMarketNotWritable,
    #[msg("Account already exists at this address")]
    AccountAlreadyExists,

    // --- batch settlement -------------------------------------------------------------------
    #[msg("Each receipt needs its channel: pass exactly one writable channel account per receipt, in the same order")]
    ReceiptCountMismatch,
    #[msg(
        "A channel appears twice in the batch: settle each channel once, with its highest receipt"
    )]
    DuplicateChannel,
    #[msg("Channel accounts of a batch must be writable")]
    ChannelNotWritable,
    #[msg("Empty batch: pass at least one receipt")]
    EmptyBatch,

    // --- rewards, reputation and stake ------------------------------------------------------
    #[msg("Reward mint refused: its mint authority must be the market's reward pool, with no freeze authority and no supply yet")]
    InvalidRewardMint,
    #[msg("Reward terms invalid: epochs between 1 hour and 365 days, vesting at most 365 days, and a minimum price per GiB above zero")]
    InvalidRewardTerms,
    #[msg("Reward pool belongs to another market or mint")]
    WrongRewardPool,
    #[msg("Nothing to claim: nothing has vested yet, and nothing is accrued or the epoch's cap is used up")]
    NothingToClaim,
    #[msg("Rating must be between 1 and 5")]
    InvalidRating,
    #[msg("Not enough stake: unstake at most what is staked")]
    InsufficientStake,
    #[msg("Nothing is unbonding: unstake first")]
    NothingUnbonding,
    #[msg("Stake still unbonding: withdraw after the unbonding delay")]
    StakeStillUnbonding,
    #[msg("Unbonding delay out of range: choose between 1 day and 365 days")]
    InvalidUnbondingDelay,

    // --- appended in protocol v2 (audit findings) -------------------------------------------
    #[msg("Mint refused: a close authority could close the empty mint and re-create it at the same address with other extensions; use a mint without one")]
    MintHasCloseAuthority,
    #[msg("Mint refused: its freeze authority could switch new token accounts to start frozen (DefaultAccountState); use a mint without that extension or without a freeze authority")]
    MintDefaultAccountStateMutable,
    #[msg("Reward pool account missing or wrong: pass the market's reward pool address (PDA of [\"rewards\", market]) whether or not the market has rewards")]
    RewardPoolMismatch,
    #[msg("Only the proposed admin may accept the market: sign with the key the admin proposed")]
    NotPendingAdmin,
    #[msg("Aggregated signature invalid: S does not aggregate valid receipts of every channel of the batch (settle the channels one by one to find the bad receipt)")]
    InvalidAggregateSignature,
    #[msg("Aggregated batch entries malformed: one R, amount and bytes per channel, in the channels' order, nothing after")]
    MalformedAggregateEntries,
    #[msg("Batch too large: at most 32 channels per aggregated batch")]
    BatchTooLarge,
}
