use crate::{errors::SettlementError, events::EarningsWithdrawn, state::*, vault::VaultAccounts};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

#[derive(Accounts)]
pub struct WithdrawEarnings<'info> {
    pub authority: Signer<'info>,
    #[account(has_one = authority @ SettlementError::NotProviderAuthority)]
    pub provider: Box<Account<'info, Provider>>,
    #[account(
        has_one = vault @ SettlementError::WrongVault,
        has_one = mint @ SettlementError::WrongMint,
        has_one = token_program @ SettlementError::WrongTokenProgram,
    )]
    pub market: Box<Account<'info, Market>>,
    #[account(
        mut,
        has_one = market @ SettlementError::WrongMarket,
        has_one = provider @ SettlementError::WrongProvider,
    )]
    pub provider_market: Box<Account<'info, ProviderMarket>>,
    /// A token account of the market's mint owned by the provider's payout wallet.
    #[account(
        mut,
        constraint = destination.mint == market.mint @ SettlementError::WrongMint,
        constraint = destination.owner == provider.payout @ SettlementError::WrongPayoutAccount,
    )]
    pub destination: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut)]
    pub vault: Box<InterfaceAccount<'info, TokenAccount>>,
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl WithdrawEarnings<'_> {
    fn amount(&self, requested: Option<u64>) -> Result<u64> {
        let earnings = self.provider_market.earnings;
        let amount = requested.unwrap_or(earnings);
        require!(amount > 0, SettlementError::ZeroAmount);
        require!(amount <= earnings, SettlementError::InsufficientEarnings);
        Ok(amount)
    }

    /// Moves settled earnings (all of them when `amount` is `None`) to the payout wallet.
    /// Not blocked by a pause.
    pub fn handle(ctx: Context<Self>, amount: Option<u64>) -> Result<()> {
        let accounts = &mut *ctx.accounts;
        let amount = accounts.amount(amount)?;
        let pm = &mut accounts.provider_market;
        pm.earnings -= amount;
        pm.earnings_withdrawn = pm.earnings_withdrawn.saturating_add(amount);
        VaultAccounts {
            market: &accounts.market,
            vault: &accounts.vault,
            mint: &accounts.mint,
            token_program: &accounts.token_program,
        }
        .pay(&accounts.destination, amount)?;
        crate::events::emit(&EarningsWithdrawn {
            market: accounts.market.key(),
            provider: accounts.provider.key(),
            destination: accounts.destination.key(),
            amount,
            earnings: accounts.provider_market.earnings,
        });
        Ok(())
    }
}
