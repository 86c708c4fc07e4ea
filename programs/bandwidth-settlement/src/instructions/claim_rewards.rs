use crate::{errors::SettlementError, events::RewardsClaimed, state::*};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{mint_to, Mint, MintTo, TokenAccount, TokenInterface};

#[derive(Accounts)]
pub struct ClaimRewards<'info> {
    pub authority: Signer<'info>,
    #[account(has_one = authority @ SettlementError::NotProviderAuthority)]
    pub provider: Box<Account<'info, Provider>>,
    #[account(
        mut,
        has_one = provider @ SettlementError::WrongProvider,
        constraint = provider_market.market == reward_pool.market @ SettlementError::WrongMarket,
    )]
    pub provider_market: Box<Account<'info, ProviderMarket>>,
    #[account(
        mut,
        constraint = reward_pool.mint == reward_mint.key() @ SettlementError::WrongRewardPool,
        constraint = reward_pool.token_program == token_program.key() @ SettlementError::WrongTokenProgram,
    )]
    pub reward_pool: Box<Account<'info, RewardPool>>,
    #[account(mut)]
    pub reward_mint: Box<InterfaceAccount<'info, Mint>>,
    /// A reward-token account owned by the provider's payout wallet.
    #[account(
        mut,
        constraint = destination.mint == reward_mint.key() @ SettlementError::WrongMint,
        constraint = destination.owner == provider.payout @ SettlementError::WrongPayoutAccount,
    )]
    pub destination: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl ClaimRewards<'_> {
    /// Mints what has vested; when the current vesting schedule is complete, allots the
    /// accrued rewards to a new one, up to what is left of the epoch's cap (first come, first
    /// served; what does not fit stays accrued for later epochs).
    pub fn handle(ctx: Context<Self>) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let accounts = &mut *ctx.accounts;
        let pool = &mut accounts.reward_pool;
        let pm = &mut accounts.provider_market;
        let (released, allotted) = pm.claim(pool, now)?;
        require!(
            released > 0 || allotted > 0,
            SettlementError::NothingToClaim
        );
        if released > 0 {
            pool.total_minted = pool.total_minted.saturating_add(released);
            let seeds = pool.signer_seeds();
            mint_to(
                CpiContext::new_with_signer(
                    accounts.token_program.key(),
                    MintTo {
                        mint: accounts.reward_mint.to_account_info(),
                        to: accounts.destination.to_account_info(),
                        authority: pool.to_account_info(),
                    },
                    &[&seeds],
                ),
                released,
            )?;
        }
        crate::events::emit(&RewardsClaimed {
            market: pm.market,
            provider: pm.provider,
            destination: accounts.destination.key(),
            released,
            allotted,
            accrued: pm.reward_accrued,
            locked: pm.reward_locked,
            vest_end: pm.reward_vest_end,
            epoch: pool.epoch,
            allotted_in_epoch: pool.allotted_in_epoch,
        });
        Ok(())
    }
}
