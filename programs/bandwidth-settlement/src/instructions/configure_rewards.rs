use crate::{
    constants::*,
    errors::SettlementError,
    events::RewardsConfigured,
    mint_policy,
    pda_account::{init_account, load, store},
    state::*,
};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenInterface};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, PartialEq, Eq)]
pub struct RewardTerms {
    /// `false` stops accrual (claims of what was accrued go on).
    pub active: bool,
    /// Reward base units per GiB of paid bytes.
    pub reward_per_gib: u64,
    /// Bytes count only up to `amount_paid / min_price_per_gib`; above zero.
    pub min_price_per_gib: u64,
    pub epoch_secs: u32,
    /// Most reward units allotted per epoch to all providers together.
    pub epoch_cap: u64,
    /// Allotments vest linearly over this long (0: at once).
    pub vesting_secs: u32,
}

#[derive(Accounts)]
pub struct ConfigureRewards<'info> {
    #[account(mut)]
    pub admin: Signer<'info>,
    #[account(has_one = admin @ SettlementError::NotMarketAdmin)]
    pub market: Box<Account<'info, Market>>,
    /// CHECK: the market's reward pool PDA; created on the first call (see `pda_account`).
    #[account(mut, seeds = [seeds::REWARD_POOL, market.key().as_ref()], bump)]
    pub reward_pool: UncheckedAccount<'info>,
    /// A mint whose only authority is the reward pool, with nothing minted yet.
    #[account(mint::token_program = token_program)]
    pub reward_mint: Box<InterfaceAccount<'info, Mint>>,
    pub token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

impl ConfigureRewards<'_> {
    fn validate(&self, terms: &RewardTerms) -> Result<()> {
        require!(
            (MIN_REWARD_EPOCH_SECS..=MAX_REWARD_EPOCH_SECS).contains(&terms.epoch_secs)
                && terms.vesting_secs <= MAX_VESTING_SECS
                && terms.min_price_per_gib > 0,
            SettlementError::InvalidRewardTerms
        );
        Ok(())
    }

    /// Creates the market's reward pool (first call) or changes its terms. The reward mint is
    /// fixed at creation: its authority must be the pool, nothing may be minted yet, and no
    /// freeze authority may exist.
    #[access_control(ctx.accounts.validate(&terms))]
    pub fn handle(ctx: Context<Self>, terms: RewardTerms) -> Result<()> {
        let accounts = &ctx.accounts;
        let pool_info = accounts.reward_pool.to_account_info();
        let market = accounts.market.key();
        let mut pool = if pool_info.owner == &crate::ID {
            let pool: RewardPool = load(&pool_info)?;
            require_keys_eq!(
                pool.mint,
                accounts.reward_mint.key(),
                SettlementError::WrongRewardPool
            );
            pool
        } else {
            let mint = &accounts.reward_mint;
            require!(
                mint.mint_authority == Some(pool_info.key()).into()
                    && mint.freeze_authority.is_none()
                    && mint.supply == 0,
                SettlementError::InvalidRewardMint
            );
            mint_policy::check_mint(&mint.to_account_info())?;
            let pool = RewardPool {
                version: ACCOUNT_VERSION,
                bump: ctx.bumps.reward_pool,
                active: false,
                market,
                mint: mint.key(),
                token_program: accounts.token_program.key(),
                reward_per_gib: 0,
                min_price_per_gib: 0,
                epoch_secs: 0,
                epoch_cap: 0,
                vesting_secs: 0,
                epoch: 0,
                allotted_in_epoch: 0,
                total_allotted: 0,
                total_minted: 0,
                reserved: [0; 64],
            };
            init_account(
                &accounts.admin.to_account_info(),
                &pool_info,
                RewardPool::SPACE,
                &[seeds::REWARD_POOL, market.as_ref(), &[pool.bump]],
                &pool,
            )?;
            pool
        };
        pool.active = terms.active;
        pool.reward_per_gib = terms.reward_per_gib;
        pool.min_price_per_gib = terms.min_price_per_gib;
        pool.epoch_secs = terms.epoch_secs;
        pool.epoch_cap = terms.epoch_cap;
        pool.vesting_secs = terms.vesting_secs;
        store(&pool_info, &pool)?;
        crate::events::emit(&RewardsConfigured {
            market,
            reward_pool: pool_info.key(),
            mint: pool.mint,
            active: pool.active,
            reward_per_gib: pool.reward_per_gib,
            min_price_per_gib: pool.min_price_per_gib,
            epoch_secs: pool.epoch_secs,
            epoch_cap: pool.epoch_cap,
            vesting_secs: pool.vesting_secs,
        });
        Ok(())
    }
}
