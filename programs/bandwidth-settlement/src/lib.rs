//! On-chain settlement for a decentralised bandwidth market.
//!
//! Buyers escrow tokens in a market's pooled vault and open payment channels to providers.
//! Buyers sign cumulative Ed25519 receipts off-chain; providers (or any watcher) settle them
//! here, where each receipt is verified in-program. A buyer can always force a close and get
//! back what it never signed for; a provider always has the dispute window to settle its
//! highest receipt. The specification this program implements is docs/protocol.md.
#![allow(unexpected_cfgs)]

use anchor_lang::prelude::*;

pub mod constants;
pub mod errors;
pub mod events;
pub mod instructions;
pub mod math;
pub mod mint_policy;
pub mod payout;
pub mod pda_account;
pub mod settlement;
pub mod state;
pub mod validation;
pub mod vault;

// The receipt format and its verifiers live in their own no_std crate (receipt/), so that the
// SBF probe in sbf/ measures exactly this code; these paths are the program's API as before.
pub use bandwidth_receipt::{halfagg, receipt};

// SBF builds with upstream tools (sbf/build.sh): 128-bit arithmetic and memory builtins in the
// convention LLVM calls them with (Rust's own compiler-builtins pass i128 by reference on BPF).
#[cfg(all(target_os = "solana", target_arch = "bpf"))]
use bandwidth_sbf_builtins as _;

use instructions::*;
use payout::*;
pub use settlement::ReceiptArgs;

#[cfg(all(feature = "fast-sha512", feature = "sha512-syscall"))]
compile_error!(
    "`sha512-syscall` replaces the in-program SHA-512: build with \
     `--no-default-features --features sha512-syscall`"
);

declare_id!("BWXun1P9nKADGJbkcrHSjzRapUC6qdCwNeCr6b1g2Uwt");

// How to report a vulnerability, readable from the deployed binary (explorers show it).
#[cfg(all(target_os = "solana", not(feature = "no-entrypoint")))]
solana_security_txt::security_txt! {
    name: "Bandwidth settlement",
    project_url: "https://github.com/bandwidth-market/bandwidth-settlement",
    contacts: "link:https://github.com/bandwidth-market/bandwidth-settlement/security/advisories/new,email:security@bandwidth-market.org",
    policy: "https://github.com/bandwidth-market/bandwidth-settlement/blob/main/SECURITY.md",
    preferred_languages: "en",
    source_code: "https://github.com/bandwidth-market/bandwidth-settlement",
    source_revision: env!("BWX_SOURCE_REVISION"),
    auditors: "See SECURITY.md (audit findings of the v2 round and their tests)"
}

#[program]
pub mod bandwidth_settlement {
    use super::*;

    /// Creates a market for one mint: its vault, fee terms and dispute-window bounds.
    pub fn create_market(ctx: Context<CreateMarket>, args: CreateMarketArgs) -> Result<()> {
        CreateMarket::handle(ctx, args)
    }

    /// Admin: pause, announce a fee change, change the burn share, bounds or treasury.
    pub fn update_market(ctx: Context<UpdateMarket>, args: UpdateMarketArgs) -> Result<()> {
        UpdateMarket::handle(ctx, args)
    }

    /// Admin: names the market's next admin (or withdraws a proposal with the default
    /// address); the handover happens only when that key accepts.
    pub fn propose_admin(ctx: Context<ProposeAdmin>, new_admin: Pubkey) -> Result<()> {
        ProposeAdmin::handle(ctx, new_admin)
    }

    /// The proposed admin takes over the market.
    pub fn accept_admin(ctx: Context<AcceptAdmin>) -> Result<()> {
        AcceptAdmin::handle(ctx)
    }

    /// Buyer: moves tokens from its wallet into its free balance (creates the escrow).
    pub fn deposit(ctx: Context<Deposit>, amount: u64) -> Result<()> {
        Deposit::handle(ctx, amount)
    }

    /// Buyer: moves free balance back to a token account.
    pub fn withdraw(ctx: Context<Withdraw>, amount: u64) -> Result<()> {
        Withdraw::handle(ctx, amount)
    }

    /// Creates a provider identity with its payout wallet and terms.
    pub fn register_provider(
        ctx: Context<RegisterProvider>,
        args: RegisterProviderArgs,
    ) -> Result<()> {
        RegisterProvider::handle(ctx, args)
    }

    /// Provider: changes its terms or metadata for future channels.
    pub fn update_provider(ctx: Context<UpdateProvider>, args: UpdateProviderArgs) -> Result<()> {
        UpdateProvider::handle(ctx, args)
    }

    /// Provider: joins a market with an advertised price per GiB.
    pub fn join_market(ctx: Context<JoinMarket>, price_per_gib: u64) -> Result<()> {
        JoinMarket::handle(ctx, price_per_gib)
    }

    /// Provider: changes its advertised price in a market.
    pub fn set_price(ctx: Context<SetPrice>, price_per_gib: u64) -> Result<()> {
        SetPrice::handle(ctx, price_per_gib)
    }

    /// Buyer: opens a channel to a provider, reserving part of its free balance.
    pub fn open_channel(ctx: Context<OpenChannel>, args: OpenChannelArgs) -> Result<()> {
        OpenChannel::handle(ctx, args)
    }

    /// Buyer: adds free balance to an open channel's deposit.
    pub fn top_up(ctx: Context<TopUp>, amount: u64) -> Result<()> {
        TopUp::handle(ctx, amount)
    }

    /// Anyone: settles a buyer-signed cumulative receipt, verified in-program.
    pub fn settle(ctx: Context<Settle>, receipt: ReceiptArgs) -> Result<()> {
        Settle::handle(ctx, receipt)
    }

    /// Anyone: settles one receipt on each of many channels of one provider, verified
    /// in-program, with one earnings update.
    ///
    /// Remaining accounts: the channels, writable, one per entry of `receipts` and in the same
    /// order (1 to 32; docs/protocol.md §4).
    pub fn settle_many<'info>(
        ctx: Context<'info, SettleMany<'info>>,
        receipts: Vec<ReceiptArgs>,
    ) -> Result<()> {
        SettleMany::handle(ctx, receipts)
    }

    /// Anyone: the same with half-aggregated receipts (one scalar for the batch, 32 bytes and
    /// two varints per channel), verified with one multiscalar multiplication.
    ///
    /// Remaining accounts: the channels, writable, in the order of the entries (1 to 32;
    /// docs/protocol.md §3.1, §3.2).
    pub fn settle_many_agg<'info>(
        ctx: Context<'info, SettleMany<'info>>,
        receipts: AggregatedReceipts,
    ) -> Result<()> {
        SettleMany::handle_aggregated(ctx, receipts)
    }

    /// Buyer: starts the dispute window of an open channel.
    pub fn request_close(ctx: Context<RequestClose>) -> Result<()> {
        RequestClose::handle(ctx)
    }

    /// Anyone, after the deadline: refunds the unsettled deposit and closes the channel.
    pub fn finalize_close(ctx: Context<FinalizeClose>) -> Result<()> {
        FinalizeClose::handle(ctx)
    }

    /// Provider: settles an optional final receipt, refunds the rest and closes at once.
    pub fn close_by_provider(
        ctx: Context<CloseByProvider>,
        final_receipt: Option<ReceiptArgs>,
    ) -> Result<()> {
        CloseByProvider::handle(ctx, final_receipt)
    }

    /// Provider: moves settled earnings to a token account of its payout wallet.
    pub fn withdraw_earnings(ctx: Context<ProviderPayout>, amount: Option<u64>) -> Result<()> {
        ProviderPayout::withdraw_earnings(ctx, amount)
    }

    /// Buyer: rates the provider of a channel (1–5), weighted at close by what it paid.
    pub fn rate_channel(ctx: Context<RateChannel>, rating: u8) -> Result<()> {
        RateChannel::handle(ctx, rating)
    }

    /// Admin: creates the market's reward pool (reward mint owned by the pool) or changes its
    /// terms.
    pub fn configure_rewards(ctx: Context<ConfigureRewards>, terms: RewardTerms) -> Result<()> {
        ConfigureRewards::handle(ctx, terms)
    }

    /// Provider: mints its vested rewards; allots accrued rewards to a new vesting schedule
    /// within the epoch's cap.
    pub fn claim_rewards(ctx: Context<ClaimRewards>) -> Result<()> {
        ClaimRewards::handle(ctx)
    }

    /// Provider: bonds payment tokens as stake (an input to its reputation; never slashed).
    pub fn stake(ctx: Context<Stake>, amount: u64) -> Result<()> {
        Stake::handle(ctx, amount)
    }

    /// Provider: starts unbonding part of its stake.
    pub fn unstake(ctx: Context<Unstake>, amount: u64) -> Result<()> {
        Unstake::handle(ctx, amount)
    }

    /// Provider: withdraws unbonded stake after the unbonding delay.
    pub fn withdraw_stake(ctx: Context<ProviderPayout>) -> Result<()> {
        ProviderPayout::withdraw_stake(ctx)
    }

    /// Anyone: sends the treasury share of accrued fees to the treasury and burns the rest.
    ///
    /// Remaining accounts: the ProviderMarket accounts whose fees are swept, writable, all of
    /// this market; together they must hold some fees.
    pub fn sweep_fees<'info>(ctx: Context<'info, SweepFees<'info>>) -> Result<()> {
        SweepFees::handle(ctx)
    }
}
