use crate::{
    errors::SettlementError,
    events::{FeesSwept, ProviderFeesSwept},
    math::split_fees,
    state::*,
    vault::VaultAccounts,
};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

/// Remaining accounts: the writable `ProviderMarket` accounts of this market whose accrued
/// fees are swept. Anyone may call it; the money can only go to the treasury or be burned.
#[derive(Accounts)]
pub struct SweepFees<'info> {
    #[account(
        mut,
        has_one = vault @ SettlementError::WrongVault,
        has_one = mint @ SettlementError::WrongMint,
        has_one = token_program @ SettlementError::WrongTokenProgram,
        has_one = treasury @ SettlementError::WrongTreasury,
    )]
    pub market: Box<Account<'info, Market>>,
    #[account(mut)]
    pub vault: Box<InterfaceAccount<'info, TokenAccount>>,
    /// Writable: burning lowers its supply.
    #[account(mut)]
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut)]
    pub treasury: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl SweepFees<'_> {
    pub fn handle<'info>(ctx: Context<'info, SweepFees<'info>>) -> Result<()> {
        let market_key = ctx.accounts.market.key();
        let mut total: u64 = 0;
        for info in ctx.remaining_accounts {
            require!(info.is_writable, SettlementError::ProviderMarketNotWritable);
            let mut pm = Account::<ProviderMarket>::try_from(info)?;
            require_keys_eq!(pm.market, market_key, SettlementError::WrongMarket);
            let amount = pm.fees_accrued;
            if amount == 0 {
                continue;
            }
            pm.fees_accrued = 0;
            // Written back before the next entry is read, so a duplicated entry reads zero.
            pm.exit(&crate::ID)?;
            total = total
                .checked_add(amount)
                .ok_or(SettlementError::ArithmeticOverflow)?;
            crate::events::emit(&ProviderFeesSwept {
                market: market_key,
                provider: pm.provider,
                amount,
            });
        }
        require!(total > 0, SettlementError::NoFeesToSweep);

        let accounts = &mut *ctx.accounts;
        let (to_treasury, burned) = split_fees(total, accounts.market.burn_bps)?;
        let market = &mut accounts.market;
        market.fees_to_treasury = market.fees_to_treasury.saturating_add(to_treasury);
        market.fees_burned = market.fees_burned.saturating_add(burned);
        let vault = VaultAccounts {
            market: &accounts.market,
            vault: &accounts.vault,
            mint: &accounts.mint,
            token_program: &accounts.token_program,
        };
        if to_treasury > 0 {
            vault.pay(&accounts.treasury, to_treasury)?;
        }
        if burned > 0 {
            vault.burn(burned)?;
        }
        crate::events::emit(&FeesSwept {
            market: market_key,
            treasury: accounts.treasury.key(),
            total,
            to_treasury,
            burned,
        });
        Ok(())
    }
}
