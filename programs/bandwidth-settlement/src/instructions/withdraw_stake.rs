use crate::{errors::SettlementError, events::StakeWithdrawn, payout::ProviderPayout};
use anchor_lang::prelude::*;

impl ProviderPayout<'_> {
    /// After the unbonding delay: sends everything unbonding to a token account of the
    /// provider's payout wallet. Not blocked by a pause.
    pub fn withdraw_stake(ctx: Context<Self>) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let a = &mut *ctx.accounts;
        let amount = a.provider_market.unbonding;
        require!(amount > 0, SettlementError::NothingUnbonding);
        require!(
            now >= a.provider_market.unbonding_at,
            SettlementError::StakeStillUnbonding
        );
        a.provider_market.unbonding = 0;
        a.tokens.pay(&a.destination, amount)?;
        crate::events::emit(&StakeWithdrawn {
            market: a.provider_market.market,
            provider: a.provider_market.provider,
            destination: a.destination.key(),
            amount,
        });
        Ok(())
    }
}
