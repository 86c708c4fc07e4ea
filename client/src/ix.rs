//! One builder per program instruction, accounts filled in. Built from the program crate's
//! own `accounts::*` and `instruction::*` types, so the account lists cannot drift from the
//! program.
use crate::pda;
use anchor_lang::{prelude::Pubkey, InstructionData, ToAccountMetas};
use bandwidth_settlement::{
    accounts as acc, instruction as data,
    instructions::{
        AggregatedReceipts, CreateMarketArgs, OpenChannelArgs, ReceiptArgs, RegisterProviderArgs,
        RewardTerms, UpdateMarketArgs, UpdateProviderArgs,
    },
    state::{Channel, Market},
    ID,
};
use solana_instruction::Instruction;

/// The addresses of a market that instructions need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MarketKeys {
    pub market: Pubkey,
    pub mint: Pubkey,
    pub token_program: Pubkey,
    pub vault: Pubkey,
    pub treasury: Pubkey,
}

impl MarketKeys {
    /// Addresses of the market `creator` creates (or created) for `mint`.
    pub fn derive(mint: Pubkey, creator: Pubkey, token_program: Pubkey, treasury: Pubkey) -> Self {
        let market = pda::market(&mint, &creator);
        MarketKeys {
            market,
            mint,
            token_program,
            vault: pda::vault(&market),
            treasury,
        }
    }

    pub fn from_account(market: Pubkey, account: &Market) -> Self {
        MarketKeys {
            market,
            mint: account.mint,
            token_program: account.token_program,
            vault: account.vault,
            treasury: account.treasury,
        }
    }

    /// The market, vault, mint and token program every token movement takes together.
    pub fn vault_accounts(&self) -> acc::MarketVault {
        acc::MarketVault {
            market: self.market,
            vault: self.vault,
            mint: self.mint,
            token_program: self.token_program,
        }
    }
}

/// The addresses of a channel that instructions need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChannelKeys {
    pub channel: Pubkey,
    pub market: Pubkey,
    /// The Buyer account.
    pub buyer: Pubkey,
    /// The Provider account.
    pub provider: Pubkey,
    pub rent_payer: Pubkey,
}

impl ChannelKeys {
    /// The channel's addresses.
    pub fn from_account(channel: Pubkey, account: &Channel) -> Self {
        ChannelKeys {
            channel,
            market: account.market,
            buyer: account.buyer,
            provider: account.provider,
            rent_payer: account.rent_payer,
        }
    }

    pub fn provider_market(&self) -> Pubkey {
        pda::provider_market(&self.market, &self.provider)
    }

    /// The market's reward pool address: every settlement passes it, whether or not the
    /// market has rewards.
    pub fn reward_pool(&self) -> Pubkey {
        pda::reward_pool(&self.market)
    }
}

fn build(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction {
        program_id: ID,
        accounts: accounts.to_account_metas(None),
        data: data.data(),
    }
}

pub fn create_market(
    creator: Pubkey,
    mint: Pubkey,
    token_program: Pubkey,
    treasury: Pubkey,
    args: CreateMarketArgs,
) -> Instruction {
    let m = MarketKeys::derive(mint, creator, token_program, treasury);
    build(
        acc::CreateMarket {
            creator,
            market: m.market,
            mint,
            vault: m.vault,
            treasury,
            token_program,
            system_program: anchor_lang::system_program::ID,
        },
        data::CreateMarket { args },
    )
}

pub fn update_market(
    admin: Pubkey,
    market: Pubkey,
    new_treasury: Option<Pubkey>,
    args: UpdateMarketArgs,
) -> Instruction {
    build(
        acc::UpdateMarket {
            admin,
            market,
            new_treasury,
        },
        data::UpdateMarket { args },
    )
}

/// Admin: names the market's next admin (the default address withdraws a proposal).
pub fn propose_admin(admin: Pubkey, market: Pubkey, new_admin: Pubkey) -> Instruction {
    build(
        acc::ProposeAdmin { admin, market },
        data::ProposeAdmin { new_admin },
    )
}

/// The proposed admin takes over the market.
pub fn accept_admin(new_admin: Pubkey, market: Pubkey) -> Instruction {
    build(acc::AcceptAdmin { new_admin, market }, data::AcceptAdmin {})
}

pub fn deposit(owner: Pubkey, m: &MarketKeys, source: Pubkey, amount: u64) -> Instruction {
    build(
        acc::Deposit {
            owner,
            market: m.market,
            vault: m.vault,
            mint: m.mint,
            token_program: m.token_program,
            buyer: pda::buyer(&m.market, &owner),
            source,
            system_program: anchor_lang::system_program::ID,
        },
        data::Deposit { amount },
    )
}

pub fn withdraw(owner: Pubkey, m: &MarketKeys, destination: Pubkey, amount: u64) -> Instruction {
    build(
        acc::Withdraw {
            owner,
            tokens: m.vault_accounts(),
            buyer: pda::buyer(&m.market, &owner),
            destination,
        },
        data::Withdraw { amount },
    )
}

pub fn register_provider(authority: Pubkey, args: RegisterProviderArgs) -> Instruction {
    build(
        acc::RegisterProvider {
            authority,
            provider: pda::provider(&authority),
            system_program: anchor_lang::system_program::ID,
        },
        data::RegisterProvider { args },
    )
}

pub fn update_provider(authority: Pubkey, args: UpdateProviderArgs) -> Instruction {
    build(
        acc::UpdateProvider {
            authority,
            provider: pda::provider(&authority),
        },
        data::UpdateProvider { args },
    )
}

pub fn join_market(authority: Pubkey, market: Pubkey, price_per_gib: u64) -> Instruction {
    let provider = pda::provider(&authority);
    build(
        acc::JoinMarket {
            authority,
            provider,
            market,
            provider_market: pda::provider_market(&market, &provider),
            system_program: anchor_lang::system_program::ID,
        },
        data::JoinMarket { price_per_gib },
    )
}

pub fn set_price(authority: Pubkey, market: Pubkey, price_per_gib: u64) -> Instruction {
    let provider = pda::provider(&authority);
    build(
        acc::SetPrice {
            authority,
            provider,
            provider_market: pda::provider_market(&market, &provider),
        },
        data::SetPrice { price_per_gib },
    )
}

/// Opens channel number `channel_id` (the buyer's `next_channel_id`) to `provider` (the
/// Provider account). Returns the instruction and the channel's address.
pub fn open_channel(
    owner: Pubkey,
    market: Pubkey,
    provider: Pubkey,
    channel_id: u64,
    args: OpenChannelArgs,
) -> (Instruction, Pubkey) {
    let buyer = pda::buyer(&market, &owner);
    let channel = pda::channel(&buyer, channel_id);
    let ix = build(
        acc::OpenChannel {
            owner,
            market,
            buyer,
            provider,
            provider_market: pda::provider_market(&market, &provider),
            channel,
            system_program: anchor_lang::system_program::ID,
        },
        data::OpenChannel { args },
    );
    (ix, channel)
}

pub fn top_up(owner: Pubkey, c: &ChannelKeys, amount: u64) -> Instruction {
    build(
        acc::TopUp {
            owner,
            market: c.market,
            buyer: c.buyer,
            channel: c.channel,
        },
        data::TopUp { amount },
    )
}

/// Where a watcher wants its bounty paid when it settles a closing channel.
#[derive(Clone, Copy, Debug)]
pub struct Bounty<'a> {
    pub market: &'a MarketKeys,
    /// A token account of the market's mint.
    pub destination: Pubkey,
}

pub fn settle(
    settler: Pubkey,
    c: &ChannelKeys,
    receipt: ReceiptArgs,
    bounty: Option<Bounty>,
) -> Instruction {
    build(
        acc::Settle {
            settler,
            channel: c.channel,
            provider: c.provider,
            provider_market: c.provider_market(),
            reward_pool: c.reward_pool(),
            market: bounty.map(|b| b.market.market),
            vault: bounty.map(|b| b.market.vault),
            mint: bounty.map(|b| b.market.mint),
            bounty_destination: bounty.map(|b| b.destination),
            token_program: bounty.map(|b| b.market.token_program),
        },
        data::Settle { receipt },
    )
}

/// Settles one receipt on each of `entries`' channels, all of `provider` (the Provider
/// account) in `market`.
pub fn settle_many(
    settler: Pubkey,
    market: Pubkey,
    provider: Pubkey,
    entries: &[(Pubkey, ReceiptArgs)],
    bounty: Option<Bounty>,
) -> Instruction {
    let mut ix = build(
        acc::SettleMany {
            settler,
            provider,
            provider_market: pda::provider_market(&market, &provider),
            reward_pool: pda::reward_pool(&market),
            market: bounty.map(|b| b.market.market),
            vault: bounty.map(|b| b.market.vault),
            mint: bounty.map(|b| b.market.mint),
            bounty_destination: bounty.map(|b| b.destination),
            token_program: bounty.map(|b| b.market.token_program),
        },
        data::SettleMany {
            receipts: entries.iter().map(|(_, r)| *r).collect(),
        },
    );
    ix.accounts.extend(
        entries
            .iter()
            .map(|(channel, _)| solana_instruction::AccountMeta::new(*channel, false)),
    );
    ix
}

/// Settles `channels` (all of `provider` in `market`) with half-aggregated receipts; build
/// `receipts` with [`crate::batch::aggregate`].
pub fn settle_many_agg(
    settler: Pubkey,
    market: Pubkey,
    provider: Pubkey,
    channels: &[Pubkey],
    receipts: AggregatedReceipts,
    bounty: Option<Bounty>,
) -> Instruction {
    let mut ix = build(
        acc::SettleMany {
            settler,
            provider,
            provider_market: pda::provider_market(&market, &provider),
            reward_pool: pda::reward_pool(&market),
            market: bounty.map(|b| b.market.market),
            vault: bounty.map(|b| b.market.vault),
            mint: bounty.map(|b| b.market.mint),
            bounty_destination: bounty.map(|b| b.destination),
            token_program: bounty.map(|b| b.market.token_program),
        },
        data::SettleManyAgg { receipts },
    );
    ix.accounts.extend(
        channels
            .iter()
            .map(|channel| solana_instruction::AccountMeta::new(*channel, false)),
    );
    ix
}

pub fn request_close(owner: Pubkey, c: &ChannelKeys) -> Instruction {
    build(
        acc::RequestClose {
            owner,
            buyer: c.buyer,
            channel: c.channel,
            provider_market: c.provider_market(),
        },
        data::RequestClose {},
    )
}

pub fn finalize_close(c: &ChannelKeys) -> Instruction {
    build(
        acc::FinalizeClose {
            channel: c.channel,
            buyer: c.buyer,
            provider_market: c.provider_market(),
            rent_payer: c.rent_payer,
        },
        data::FinalizeClose {},
    )
}

pub fn close_by_provider(
    authority: Pubkey,
    c: &ChannelKeys,
    final_receipt: Option<ReceiptArgs>,
) -> Instruction {
    build(
        acc::CloseByProvider {
            authority,
            provider: c.provider,
            channel: c.channel,
            buyer: c.buyer,
            provider_market: c.provider_market(),
            rent_payer: c.rent_payer,
            reward_pool: c.reward_pool(),
        },
        data::CloseByProvider { final_receipt },
    )
}

pub fn withdraw_earnings(
    authority: Pubkey,
    m: &MarketKeys,
    destination: Pubkey,
    amount: Option<u64>,
) -> Instruction {
    let provider = pda::provider(&authority);
    build(
        acc::ProviderPayout {
            authority,
            provider,
            tokens: m.vault_accounts(),
            provider_market: pda::provider_market(&m.market, &provider),
            destination,
        },
        data::WithdrawEarnings { amount },
    )
}

/// Sweeps the accrued fees of the given ProviderMarket accounts.
pub fn sweep_fees(m: &MarketKeys, provider_markets: &[Pubkey]) -> Instruction {
    let mut ix = build(
        acc::SweepFees {
            market: m.market,
            vault: m.vault,
            mint: m.mint,
            treasury: m.treasury,
            token_program: m.token_program,
        },
        data::SweepFees {},
    );
    ix.accounts.extend(
        provider_markets
            .iter()
            .map(|pm| solana_instruction::AccountMeta::new(*pm, false)),
    );
    ix
}

pub fn rate_channel(owner: Pubkey, c: &ChannelKeys, rating: u8) -> Instruction {
    build(
        acc::RateChannel {
            owner,
            buyer: c.buyer,
            channel: c.channel,
        },
        data::RateChannel { rating },
    )
}

/// Creates (first call) or changes the market's reward pool; `reward_mint`'s authority must
/// be [`pda::reward_pool`].
pub fn configure_rewards(
    admin: Pubkey,
    market: Pubkey,
    reward_mint: Pubkey,
    token_program: Pubkey,
    terms: RewardTerms,
) -> Instruction {
    build(
        acc::ConfigureRewards {
            admin,
            market,
            reward_pool: pda::reward_pool(&market),
            reward_mint,
            token_program,
            system_program: anchor_lang::system_program::ID,
        },
        data::ConfigureRewards { terms },
    )
}

pub fn claim_rewards(
    authority: Pubkey,
    market: Pubkey,
    reward_mint: Pubkey,
    token_program: Pubkey,
    destination: Pubkey,
) -> Instruction {
    let provider = pda::provider(&authority);
    build(
        acc::ClaimRewards {
            authority,
            provider,
            provider_market: pda::provider_market(&market, &provider),
            reward_pool: pda::reward_pool(&market),
            reward_mint,
            destination,
            token_program,
        },
        data::ClaimRewards {},
    )
}

/// Bonds `amount` from `source` (a token account of the authority).
pub fn stake(authority: Pubkey, m: &MarketKeys, source: Pubkey, amount: u64) -> Instruction {
    let provider = pda::provider(&authority);
    build(
        acc::Stake {
            authority,
            provider,
            tokens: m.vault_accounts(),
            provider_market: pda::provider_market(&m.market, &provider),
            source,
        },
        data::Stake { amount },
    )
}

/// Starts unbonding `amount`.
pub fn unstake(authority: Pubkey, market: Pubkey, amount: u64) -> Instruction {
    let provider = pda::provider(&authority);
    build(
        acc::Unstake {
            authority,
            provider,
            market,
            provider_market: pda::provider_market(&market, &provider),
        },
        data::Unstake { amount },
    )
}

/// Withdraws unbonded stake to `destination` (a token account of the payout wallet).
pub fn withdraw_stake(authority: Pubkey, m: &MarketKeys, destination: Pubkey) -> Instruction {
    let provider = pda::provider(&authority);
    build(
        acc::ProviderPayout {
            authority,
            provider,
            tokens: m.vault_accounts(),
            provider_market: pda::provider_market(&m.market, &provider),
            destination,
        },
        data::WithdrawStake {},
    )
}
