use crate::{errors::SettlementError, events::PriceUpdated, state::*};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct SetPrice<'info> {
    pub authority: Signer<'info>,
    #[account(has_one = authority @ SettlementError::NotProviderAuthority)]
    pub provider: Box<Account<'info, Provider>>,
    #[account(mut, has_one = provider @ SettlementError::WrongProvider)]
    pub provider_market: Box<Account<'info, ProviderMarket>>,
}

impl SetPrice<'_> {
    /// Changes the advertised price for channels opened from now on.
    pub fn handle(ctx: Context<Self>, price_per_gib: u64) -> Result<()> {
        let pm = &mut ctx.accounts.provider_market;
        pm.price_per_gib = price_per_gib;
        crate::events::emit(&PriceUpdated {
            market: pm.market,
            provider: pm.provider,
            price_per_gib,
        });
        Ok(())
    }
}
