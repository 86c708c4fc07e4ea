use crate::{errors::SettlementError, events::EarningsWithdrawn, state::*, vault::*};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::TokenAccount;

/// A payout out of the vault to a token account of the provider's payout wallet: its earnings
/// (`withdraw_earnings`) or its unbonded stake (`withdraw_stake`).
#[derive(Accounts)]
pub struct ProviderPayout<'info> {
    pub authority: Signer<'info>,
    #[account(has_one = authority @ SettlementError::NotProviderAuthority)]
    pub provider: Box<Account<'info, Provider>>,
    pub tokens: MarketVault<'info>,
    #[account(
        mut,
        has_one = provider @ SettlementError::WrongProvider,
        constraint = provider_market.market == tokens.market.key() @ SettlementError::WrongMarket,
    )]
    pub provider_market: Box<Account<'info, ProviderMarket>>,
    #[account(
        mut,
        constraint = destination.mint == tokens.market.mint @ SettlementError::WrongMint,
        constraint = destination.owner == provider.payout @ SettlementError::WrongPayoutAccount,
    )]
    pub destination: Box<InterfaceAccount<'info, TokenAccount>>,
}

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
