//! The accounts of a payout to a provider's payout wallet, shared by two instructions whose
//! handlers live in their own files (`withdraw_earnings`, `withdraw_stake`).
use crate::{errors::SettlementError, state::*, vault::*};
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
