//! Token movements into and out of a market's vault; payouts are signed by the market PDA.
use crate::{errors::SettlementError, state::Market};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{
    burn, transfer_checked, Burn, Mint, TokenAccount, TokenInterface, TransferChecked,
};

/// A market with its vault, mint and token program, each checked against the market: every
/// instruction that moves tokens in or out of the vault takes these four together. The market
/// and the mint are read-only, so that deposits, withdrawals and payouts of one market never
/// contend for a write lock on them.
#[derive(Accounts)]
pub struct MarketVault<'info> {
    #[account(
        has_one = vault @ SettlementError::WrongVault,
        has_one = mint @ SettlementError::WrongMint,
        has_one = token_program @ SettlementError::WrongTokenProgram,
    )]
    pub market: Box<Account<'info, Market>>,
    #[account(mut)]
    pub vault: Box<InterfaceAccount<'info, TokenAccount>>,
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl<'info> MarketVault<'info> {
    pub fn accounts(&self) -> VaultAccounts<'_, 'info> {
        VaultAccounts {
            market: &self.market,
            vault: &self.vault,
            mint: &self.mint,
            token_program: &self.token_program,
        }
    }

    /// Pays `amount` out of the vault to `to`, signed by the market.
    pub fn pay(&self, to: &InterfaceAccount<'info, TokenAccount>, amount: u64) -> Result<()> {
        self.accounts().pay(to, amount)
    }

    /// Moves `amount` from `from`, signed by its owner `authority`, into the vault.
    pub fn receive(
        &self,
        from: &InterfaceAccount<'info, TokenAccount>,
        authority: &AccountInfo<'info>,
        amount: u64,
    ) -> Result<()> {
        self.accounts().receive(from, authority, amount)
    }
}

/// Accounts every payout from the vault needs.
pub struct VaultAccounts<'a, 'info> {
    pub market: &'a Account<'info, Market>,
    pub vault: &'a InterfaceAccount<'info, TokenAccount>,
    pub mint: &'a InterfaceAccount<'info, Mint>,
    pub token_program: &'a Interface<'info, TokenInterface>,
}

impl<'info> VaultAccounts<'_, 'info> {
    /// Moves `amount` from `from`, signed by its owner `authority`, into the vault.
    pub fn receive(
        &self,
        from: &InterfaceAccount<'info, TokenAccount>,
        authority: &AccountInfo<'info>,
        amount: u64,
    ) -> Result<()> {
        transfer_checked(
            CpiContext::new(
                self.token_program.key(),
                TransferChecked {
                    from: from.to_account_info(),
                    mint: self.mint.to_account_info(),
                    to: self.vault.to_account_info(),
                    authority: authority.clone(),
                },
            ),
            amount,
            self.mint.decimals,
        )
    }

    pub fn pay(&self, to: &InterfaceAccount<'info, TokenAccount>, amount: u64) -> Result<()> {
        let seeds = self.market.signer_seeds();
        transfer_checked(
            CpiContext::new_with_signer(
                self.token_program.key(),
                TransferChecked {
                    from: self.vault.to_account_info(),
                    mint: self.mint.to_account_info(),
                    to: to.to_account_info(),
                    authority: self.market.to_account_info(),
                },
                &[&seeds],
            ),
            amount,
            self.mint.decimals,
        )
    }

    pub fn burn(&self, amount: u64) -> Result<()> {
        let seeds = self.market.signer_seeds();
        burn(
            CpiContext::new_with_signer(
                self.token_program.key(),
                Burn {
                    mint: self.mint.to_account_info(),
                    from: self.vault.to_account_info(),
                    authority: self.market.to_account_info(),
                },
                &[&seeds],
            ),
            amount,
        )
    }
}
