use crate::{errors::SettlementError, events::Withdrawn, state::*, vault::VaultAccounts};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

#[derive(Accounts)]
pub struct Withdraw<'info> {
    pub owner: Signer<'info>,
    #[account(
        has_one = vault @ SettlementError::WrongVault,
        has_one = mint @ SettlementError::WrongMint,
        has_one = token_program @ SettlementError::WrongTokenProgram,
    )]
    pub market: Box<Account<'info, Market>>,
    #[account(
        mut,
        has_one = owner @ SettlementError::NotBuyerOwner,
        has_one = market @ SettlementError::WrongMarket,
    )]
    pub buyer: Box<Account<'info, Buyer>>,
    /// Any token account of the market's mint, chosen by the owner.
    #[account(mut, constraint = destination.mint == market.mint @ SettlementError::WrongMint)]
    pub destination: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut)]
    pub vault: Box<InterfaceAccount<'info, TokenAccount>>,
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl Withdraw<'_> {
    fn validate(&self, amount: u64) -> Result<()> {
        require!(amount > 0, SettlementError::ZeroAmount);
        require!(
            amount <= self.buyer.free,
            SettlementError::InsufficientFreeBalance
        );
        Ok(())
    }

    /// Not blocked by a pause: free balance is always the buyer's to take.
    #[access_control(ctx.accounts.validate(amount))]
    pub fn handle(ctx: Context<Self>, amount: u64) -> Result<()> {
        let accounts = &mut *ctx.accounts;
        accounts.buyer.free -= amount;
        accounts.buyer.total_withdrawn = accounts.buyer.total_withdrawn.saturating_add(amount);
        VaultAccounts {
            market: &accounts.market,
            vault: &accounts.vault,
            mint: &accounts.mint,
            token_program: &accounts.token_program,
        }
        .pay(&accounts.destination, amount)?;
        crate::events::emit(&Withdrawn {
            market: accounts.market.key(),
            buyer: accounts.buyer.key(),
            owner: accounts.owner.key(),
            destination: accounts.destination.key(),
            amount,
            free_balance: accounts.buyer.free,
        });
        Ok(())
    }
}
