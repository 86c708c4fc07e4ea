//! A provider's bond: payment tokens locked in the market vault, released after an unbonding
//! delay. It feeds reputation only; nothing on-chain can slash it (see SECURITY.md).
use crate::{
    errors::SettlementError,
    events::{StakeWithdrawn, Staked, UnstakeRequested},
    state::*,
    vault::VaultAccounts,
};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{
    transfer_checked, Mint, TokenAccount, TokenInterface, TransferChecked,
};

#[derive(Accounts)]
pub struct StakeAccounts<'info> {
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
    /// Where the stake comes from (`stake`) or goes to (`withdraw_stake`: a token account of
    /// the provider's payout wallet).
    #[account(mut, constraint = token_account.mint == market.mint @ SettlementError::WrongMint)]
    pub token_account: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut)]
    pub vault: Box<InterfaceAccount<'info, TokenAccount>>,
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl StakeAccounts<'_> {
    /// Bonds `amount` from the authority's token account.
    pub fn stake(ctx: Context<Self>, amount: u64) -> Result<()> {
        let a = &mut *ctx.accounts;
        require!(!a.market.paused, SettlementError::MarketPaused);
        require!(amount > 0, SettlementError::ZeroAmount);
        transfer_checked(
            CpiContext::new(
                a.token_program.key(),
                TransferChecked {
                    from: a.token_account.to_account_info(),
                    mint: a.mint.to_account_info(),
                    to: a.vault.to_account_info(),
                    authority: a.authority.to_account_info(),
                },
            ),
            amount,
            a.mint.decimals,
        )?;
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

    /// Starts unbonding `amount`; everything unbonding becomes withdrawable one unbonding
    /// delay after the latest request.
    pub fn unstake(ctx: Context<Self>, amount: u64) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let delay = i64::from(ctx.accounts.market.stake_unbonding_secs);
        let pm = &mut ctx.accounts.provider_market;
        require!(amount > 0, SettlementError::ZeroAmount);
        require!(amount <= pm.stake, SettlementError::InsufficientStake);
        pm.stake -= amount;
        pm.unbonding = pm
            .unbonding
            .checked_add(amount)
            .ok_or(SettlementError::ArithmeticOverflow)?;
        pm.unbonding_at = now
            .checked_add(delay)
            .ok_or(SettlementError::ArithmeticOverflow)?;
        crate::events::emit(&UnstakeRequested {
            market: pm.market,
            provider: pm.provider,
            amount,
            stake: pm.stake,
            unbonding: pm.unbonding,
            unbonding_at: pm.unbonding_at,
        });
        Ok(())
    }

    /// After the unbonding delay: sends everything unbonding to a token account of the
    /// provider's payout wallet. Not blocked by a pause.
    pub fn withdraw_stake(ctx: Context<Self>) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let a = &mut *ctx.accounts;
        require_keys_eq!(
            a.token_account.owner,
            a.provider.payout,
            SettlementError::WrongPayoutAccount
        );
        let amount = a.provider_market.unbonding;
        require!(amount > 0, SettlementError::NothingUnbonding);
        require!(
            now >= a.provider_market.unbonding_at,
            SettlementError::StakeStillUnbonding
        );
        a.provider_market.unbonding = 0;
        VaultAccounts {
            market: &a.market,
            vault: &a.vault,
            mint: &a.mint,
            token_program: &a.token_program,
        }
        .pay(&a.token_account, amount)?;
        crate::events::emit(&StakeWithdrawn {
            market: a.provider_market.market,
            provider: a.provider_market.provider,
            destination: a.token_account.key(),
            amount,
        });
        Ok(())
    }
}
