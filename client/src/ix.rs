//! One builder per program instruction, accounts filled in. Built from the program crate's
//! own `accounts::*` and `instruction::*` types, so the account lists cannot drift from the
//! program.
use crate::pda::{self, Pda};
use anchor_lang::{prelude::Pubkey, InstructionData, ToAccountMetas};
use bandwidth_settlement::{
    accounts as acc, instruction as data,
    instructions::{
        AggregatedReceipts, CreateMarketArgs, OpenChannelArgs, RegisterProviderArgs, RewardTerms,
        UpdateMarketArgs, UpdateProviderArgs,
    },
    state::{Channel, Market},
    ReceiptArgs, ID,
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

/// The builders, for the program at `program_id`: [`Ix::default`] (or [`DEFAULT`]) is the
/// program this SDK was built with; a devnet deployment or a fork passes its own id, and every
/// address the builders derive follows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ix {
    pub program_id: Pubkey,
}

/// The builders for the program this SDK was built with.
pub const DEFAULT: Ix = Ix { program_id: ID };

impl Default for Ix {
    fn default() -> Self {
        DEFAULT
    }
}

/// Where a watcher wants its bounty paid when it settles a closing channel.
#[derive(Clone, Copy, Debug)]
pub struct Bounty<'a> {
    pub market: &'a MarketKeys,
    /// A token account of the market's mint.
    pub destination: Pubkey,
}

impl Ix {
    pub const fn new(program_id: Pubkey) -> Ix {
        Ix { program_id }
    }

    /// The program's addresses, under this program id.
    pub fn pda(&self) -> Pda {
        Pda::new(self.program_id)
    }

    /// The addresses of the market `creator` creates (or created) for `mint`.
    pub fn market_keys(
        &self,
        mint: Pubkey,
        creator: Pubkey,
        token_program: Pubkey,
        treasury: Pubkey,
    ) -> MarketKeys {
        let market = self.pda().market(&mint, &creator);
        MarketKeys {
            market,
            mint,
            token_program,
            vault: self.pda().vault(&market),
            treasury,
        }
    }

    fn build(&self, accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
        Instruction {
            program_id: self.program_id,
            accounts: accounts.to_account_metas(None),
            data: data.data(),
        }
    }

    pub fn create_market(
        &self,
        creator: Pubkey,
        mint: Pubkey,
        token_program: Pubkey,
        treasury: Pubkey,
        args: CreateMarketArgs,
    ) -> Instruction {
        let m = self.market_keys(mint, creator, token_program, treasury);
        self.build(
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
        &self,
        admin: Pubkey,
        market: Pubkey,
        new_treasury: Option<Pubkey>,
        args: UpdateMarketArgs,
    ) -> Instruction {
        self.build(
            acc::UpdateMarket {
                admin,
                market,
                new_treasury,
            },
            data::UpdateMarket { args },
        )
    }

    /// Admin: names the market's next admin (the default address withdraws a proposal).
    pub fn propose_admin(&self, admin: Pubkey, market: Pubkey, new_admin: Pubkey) -> Instruction {
        self.build(
            acc::ProposeAdmin { admin, market },
            data::ProposeAdmin { new_admin },
        )
    }

    /// The proposed admin takes over the market.
    pub fn accept_admin(&self, new_admin: Pubkey, market: Pubkey) -> Instruction {
        self.build(acc::AcceptAdmin { new_admin, market }, data::AcceptAdmin {})
    }

    pub fn deposit(
        &self,
        owner: Pubkey,
        m: &MarketKeys,
        source: Pubkey,
        amount: u64,
    ) -> Instruction {
        self.build(
            acc::Deposit {
                owner,
                market: m.market,
                vault: m.vault,
                mint: m.mint,
                token_program: m.token_program,
                buyer: self.pda().buyer(&m.market, &owner),
                source,
                system_program: anchor_lang::system_program::ID,
            },
            data::Deposit { amount },
        )
    }

    pub fn withdraw(
        &self,
        owner: Pubkey,
        m: &MarketKeys,
        destination: Pubkey,
        amount: u64,
    ) -> Instruction {
        self.build(
            acc::Withdraw {
                owner,
                tokens: m.vault_accounts(),
                buyer: self.pda().buyer(&m.market, &owner),
                destination,
            },
            data::Withdraw { amount },
        )
    }

    pub fn register_provider(&self, authority: Pubkey, args: RegisterProviderArgs) -> Instruction {
        self.build(
            acc::RegisterProvider {
                authority,
                provider: self.pda().provider(&authority),
                system_program: anchor_lang::system_program::ID,
            },
            data::RegisterProvider { args },
        )
    }

    pub fn update_provider(&self, authority: Pubkey, args: UpdateProviderArgs) -> Instruction {
        self.build(
            acc::UpdateProvider {
                authority,
                provider: self.pda().provider(&authority),
            },
            data::UpdateProvider { args },
        )
    }

    pub fn join_market(
        &self,
        authority: Pubkey,
        market: Pubkey,
        price_per_gib: u64,
    ) -> Instruction {
        let provider = self.pda().provider(&authority);
        self.build(
            acc::JoinMarket {
                authority,
                provider,
                market,
                provider_market: self.pda().provider_market(&market, &provider),
                system_program: anchor_lang::system_program::ID,
            },
            data::JoinMarket { price_per_gib },
        )
    }

    pub fn set_price(&self, authority: Pubkey, market: Pubkey, price_per_gib: u64) -> Instruction {
        let provider = self.pda().provider(&authority);
        self.build(
            acc::SetPrice {
                authority,
                provider,
                provider_market: self.pda().provider_market(&market, &provider),
            },
            data::SetPrice { price_per_gib },
        )
    }

    /// Opens channel number `channel_id` (the buyer's `next_channel_id`) to `provider` (the
    /// Provider account). Returns the instruction and the channel's address.
    pub fn open_channel(
        &self,
        owner: Pubkey,
        market: Pubkey,
        provider: Pubkey,
        channel_id: u64,
        args: OpenChannelArgs,
    ) -> (Instruction, Pubkey) {
        let buyer = self.pda().buyer(&market, &owner);
        let channel = self.pda().channel(&buyer, channel_id);
        let ix = self.build(
            acc::OpenChannel {
                owner,
                market,
                buyer,
                provider,
                provider_market: self.pda().provider_market(&market, &provider),
                channel,
                system_program: anchor_lang::system_program::ID,
            },
            data::OpenChannel { args },
        );
        (ix, channel)
    }

    pub fn top_up(&self, owner: Pubkey, c: &ChannelKeys, amount: u64) -> Instruction {
        self.build(
            acc::TopUp {
                owner,
                market: c.market,
                buyer: c.buyer,
                channel: c.channel,
            },
            data::TopUp { amount },
        )
    }

    pub fn settle(
        &self,
        settler: Pubkey,
        c: &ChannelKeys,
        receipt: ReceiptArgs,
        bounty: Option<Bounty>,
    ) -> Instruction {
        self.build(
            acc::Settle {
                settler,
                channel: c.channel,
                provider: c.provider,
                provider_market: self.pda().provider_market(&c.market, &c.provider),
                reward_pool: self.pda().reward_pool(&c.market),
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
        &self,
        settler: Pubkey,
        market: Pubkey,
        provider: Pubkey,
        entries: &[(Pubkey, ReceiptArgs)],
        bounty: Option<Bounty>,
    ) -> Instruction {
        let mut ix = self.build(
            acc::SettleMany {
                settler,
                provider,
                provider_market: self.pda().provider_market(&market, &provider),
                reward_pool: self.pda().reward_pool(&market),
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
        &self,
        settler: Pubkey,
        market: Pubkey,
        provider: Pubkey,
        channels: &[Pubkey],
        receipts: AggregatedReceipts,
        bounty: Option<Bounty>,
    ) -> Instruction {
        let mut ix = self.build(
            acc::SettleMany {
                settler,
                provider,
                provider_market: self.pda().provider_market(&market, &provider),
                reward_pool: self.pda().reward_pool(&market),
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

    pub fn request_close(&self, owner: Pubkey, c: &ChannelKeys) -> Instruction {
        self.build(
            acc::RequestClose {
                owner,
                buyer: c.buyer,
                channel: c.channel,
                provider_market: self.pda().provider_market(&c.market, &c.provider),
            },
            data::RequestClose {},
        )
    }

    pub fn finalize_close(&self, c: &ChannelKeys) -> Instruction {
        self.build(
            acc::FinalizeClose {
                channel: c.channel,
                buyer: c.buyer,
                provider_market: self.pda().provider_market(&c.market, &c.provider),
                rent_payer: c.rent_payer,
            },
            data::FinalizeClose {},
        )
    }

    pub fn close_by_provider(
        &self,
        authority: Pubkey,
        c: &ChannelKeys,
        final_receipt: Option<ReceiptArgs>,
    ) -> Instruction {
        self.build(
            acc::CloseByProvider {
                authority,
                provider: c.provider,
                channel: c.channel,
                buyer: c.buyer,
                provider_market: self.pda().provider_market(&c.market, &c.provider),
                rent_payer: c.rent_payer,
                reward_pool: self.pda().reward_pool(&c.market),
            },
            data::CloseByProvider { final_receipt },
        )
    }

    pub fn withdraw_earnings(
        &self,
        authority: Pubkey,
        m: &MarketKeys,
        destination: Pubkey,
        amount: Option<u64>,
    ) -> Instruction {
        let provider = self.pda().provider(&authority);
        self.build(
            acc::ProviderPayout {
                authority,
                provider,
                tokens: m.vault_accounts(),
                provider_market: self.pda().provider_market(&m.market, &provider),
                destination,
            },
            data::WithdrawEarnings { amount },
        )
    }

    /// Sweeps the accrued fees of the given ProviderMarket accounts.
    pub fn sweep_fees(&self, m: &MarketKeys, provider_markets: &[Pubkey]) -> Instruction {
        let mut ix = self.build(
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

    pub fn rate_channel(&self, owner: Pubkey, c: &ChannelKeys, rating: u8) -> Instruction {
        self.build(
            acc::RateChannel {
                owner,
                buyer: c.buyer,
                channel: c.channel,
            },
            data::RateChannel { rating },
        )
    }

    /// Creates (first call) or changes the market's reward pool; `reward_mint`'s authority must
    /// be [`Pda::reward_pool`].
    pub fn configure_rewards(
        &self,
        admin: Pubkey,
        market: Pubkey,
        reward_mint: Pubkey,
        token_program: Pubkey,
        terms: RewardTerms,
    ) -> Instruction {
        self.build(
            acc::ConfigureRewards {
                admin,
                market,
                reward_pool: self.pda().reward_pool(&market),
                reward_mint,
                token_program,
                system_program: anchor_lang::system_program::ID,
            },
            data::ConfigureRewards { terms },
        )
    }

    pub fn claim_rewards(
        &self,
        authority: Pubkey,
        market: Pubkey,
        reward_mint: Pubkey,
        token_program: Pubkey,
        destination: Pubkey,
    ) -> Instruction {
        let provider = self.pda().provider(&authority);
        self.build(
            acc::ClaimRewards {
                authority,
                provider,
                provider_market: self.pda().provider_market(&market, &provider),
                reward_pool: self.pda().reward_pool(&market),
                reward_mint,
                destination,
                token_program,
            },
            data::ClaimRewards {},
        )
    }

    /// Bonds `amount` from `source` (a token account of the authority).
    pub fn stake(
        &self,
        authority: Pubkey,
        m: &MarketKeys,
        source: Pubkey,
        amount: u64,
    ) -> Instruction {
        let provider = self.pda().provider(&authority);
        self.build(
            acc::Stake {
                authority,
                provider,
                tokens: m.vault_accounts(),
                provider_market: self.pda().provider_market(&m.market, &provider),
                source,
            },
            data::Stake { amount },
        )
    }

    /// Starts unbonding `amount`.
    pub fn unstake(&self, authority: Pubkey, market: Pubkey, amount: u64) -> Instruction {
        let provider = self.pda().provider(&authority);
        self.build(
            acc::Unstake {
                authority,
                provider,
                market,
                provider_market: self.pda().provider_market(&market, &provider),
            },
            data::Unstake { amount },
        )
    }

    /// Withdraws unbonded stake to `destination` (a token account of the payout wallet).
    pub fn withdraw_stake(
        &self,
        authority: Pubkey,
        m: &MarketKeys,
        destination: Pubkey,
    ) -> Instruction {
        let provider = self.pda().provider(&authority);
        self.build(
            acc::ProviderPayout {
                authority,
                provider,
                tokens: m.vault_accounts(),
                provider_market: self.pda().provider_market(&m.market, &provider),
                destination,
            },
            data::WithdrawStake {},
        )
    }
}
