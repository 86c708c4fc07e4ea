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
            joined_at: Clock::get()?.unix_timestamp,
            // Every counter, stake and reward field starts at zero.
            ..Default::default()
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
