use crate::pda_account::init_account;
use crate::{
    constants::ACCOUNT_VERSION, errors::SettlementError, events::ProviderJoinedMarket, state::*,
};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct JoinMarket<'info> {
    #[account(mut)]
    pub authority: Signer<'info>,
    #[account(has_one = authority @ SettlementError::NotProviderAuthority)]
    pub provider: Box<Account<'info, Provider>>,
    pub market: Box<Account<'info, Market>>,
    /// CHECK: created by the handler at this PDA (see `pda_account`).
    #[account(
        mut,
        seeds = [seeds::PROVIDER_MARKET, market.key().as_ref(), provider.key().as_ref()],
        bump,
    )]
    pub provider_market: UncheckedAccount<'info>,
    pub system_program: Program<'info, System>,
}

impl JoinMarket<'_> {
    /// Creates the provider's earnings account in a market, with its advertised price.
    pub fn handle(ctx: Context<Self>, price_per_gib: u64) -> Result<()> {
        let accounts = &ctx.accounts;
        let (market, provider) = (accounts.market.key(), accounts.provider.key());
        let pm = ProviderMarket {
            version: ACCOUNT_VERSION,
            bump: ctx.bumps.provider_market,
            market,
            provider,
            price_per_gib,
            earnings: 0,
            fees_accrued: 0,
            amount_settled: 0,
            bytes_settled: 0,
            fees_paid: 0,
            bounties_paid: 0,
            earnings_withdrawn: 0,
            channels_opened: 0,
            channels_active: 0,
            channels_closed_by_provider: 0,
            channels_force_closed: 0,
            channels_finalized: 0,
            joined_at: Clock::get()?.unix_timestamp,
            forced_closes_answered: 0,
            forced_closes_missed: 0,
            ratings: 0,
            rating_weight: 0,
            rating_weighted_sum: 0,
            stake: 0,
            unbonding: 0,
            unbonding_at: 0,
            reward_accrued: 0,
            reward_locked: 0,
            reward_released: 0,
            reward_vest_start: 0,
            reward_vest_end: 0,
            rewards_claimed: 0,
            rewarded_bytes: 0,
        };
        init_account(
            &accounts.authority.to_account_info(),
            &accounts.provider_market.to_account_info(),
            ProviderMarket::SPACE,
            &[
                seeds::PROVIDER_MARKET,
                market.as_ref(),
                provider.as_ref(),
                &[pm.bump],
            ],
            &pm,
        )?;
        crate::events::emit(&ProviderJoinedMarket {
            market,
            provider,
            provider_market: accounts.provider_market.key(),
            price_per_gib,
        });
        Ok(())
    }
}
