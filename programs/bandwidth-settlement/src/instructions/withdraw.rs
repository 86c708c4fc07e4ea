use crate::{errors::SettlementError, events::Withdrawn, state::*, vault::*};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::TokenAccount;

#[derive(Accounts)]
pub struct Withdraw<'info> {
    pub owner: Signer<'info>,
    pub tokens: MarketVault<'info>,
    #[account(
        mut,
        has_one = owner @ SettlementError::NotBuyerOwner,
        constraint = buyer.market == tokens.market.key() @ SettlementError::WrongMarket,
    )]
    pub buyer: Box<Account<'info, Buyer>>,
    #[account(mut, constraint = destination.mint == tokens.market.mint @ SettlementError::WrongMint)]
    pub destination: Box<InterfaceAccount<'info, TokenAccount>>,
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

    /// Moves free balance to any token account of the market's mint. Never blocked by a pause.
    #[access_control(ctx.accounts.validate(amount))]
    pub fn handle(ctx: Context<Self>, amount: u64) -> Result<()> {
        let accounts = &mut *ctx.accounts;
        accounts.buyer.free -= amount;
        accounts.buyer.total_withdrawn = accounts.buyer.total_withdrawn.saturating_add(amount);
        accounts.tokens.pay(&accounts.destination, amount)?;
        crate::events::emit(&Withdrawn {
            market: accounts.tokens.market.key(),
            buyer: accounts.buyer.key(),
            owner: accounts.owner.key(),
            destination: accounts.destination.key(),
            amount,
            free_balance: accounts.buyer.free,
        });
        Ok(())
    }
}
