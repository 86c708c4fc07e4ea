//! A provider's bond: payment tokens locked in the market vault, released after an unbonding
//! delay. It feeds reputation only; nothing on-chain can slash it (see SECURITY.md).
use crate::{errors::SettlementError, events::Staked, state::*, vault::*};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::TokenAccount;

#[derive(Accounts)]
pub struct Stake<'info> {
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
    /// Where the stake comes from: a token account of the market's mint owned by the authority.
    #[account(mut, constraint = source.mint == tokens.market.mint @ SettlementError::WrongMint)]
    pub source: Box<InterfaceAccount<'info, TokenAccount>>,
}

impl Stake<'_> {
    /// Bonds `amount` from the authority's token account.
    pub fn handle(ctx: Context<Self>, amount: u64) -> Result<()> {
        let a = &mut *ctx.accounts;
        require!(!a.tokens.market.paused, SettlementError::MarketPaused);
        require!(amount > 0, SettlementError::ZeroAmount);
        a.tokens
            .receive(&a.source, &a.authority.to_account_info(), amount)?;
        let pm = &mut a.provider_market;
        pm.stake = pm
            .stake
            .checked_add(amount)
            .ok_or(SettlementError::ArithmeticOverflow)?;
        crate::events::emit(&Staked {
            market: pm.market,
            provider: pm.provider,
            amount,
            stake: pm.stake,
        });
        Ok(())
    }
}
