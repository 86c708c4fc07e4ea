use crate::{errors::SettlementError, events::EarningsWithdrawn, payout::ProviderPayout};
use anchor_lang::prelude::*;

impl ProviderPayout<'_> {
    fn amount(&self, requested: Option<u64>) -> Result<u64> {
        let earnings = self.provider_market.earnings;
        let amount = requested.unwrap_or(earnings);
        require!(amount > 0, SettlementError::ZeroAmount);
        require!(amount <= earnings, SettlementError::InsufficientEarnings);
        Ok(amount)
    }

    /// Moves earnings (all of them when `amount` is `None`) to a token account of the
    /// provider's payout wallet.
    pub fn withdraw_earnings(ctx: Context<Self>, amount: Option<u64>) -> Result<()> {
        let accounts = &mut *ctx.accounts;
        let amount = accounts.amount(amount)?;
        let pm = &mut accounts.provider_market;
        pm.earnings -= amount;
        pm.earnings_withdrawn = pm.earnings_withdrawn.saturating_add(amount);
        accounts.tokens.pay(&accounts.destination, amount)?;
        crate::events::emit(&EarningsWithdrawn {
            market: accounts.tokens.market.key(),
            provider: accounts.provider.key(),
            destination: accounts.destination.key(),
            amount,
            earnings: accounts.provider_market.earnings,
        });
        Ok(())
    }
}
