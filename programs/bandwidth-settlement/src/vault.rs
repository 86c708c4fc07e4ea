//! Token movements out of a market's vault, signed by the market PDA.
use crate::state::Market;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{
    burn, transfer_checked, Burn, Mint, TokenAccount, TokenInterface, TransferChecked,
};

/// Accounts every payout from the vault needs.
pub struct VaultAccounts<'a, 'info> {
    pub market: &'a Account<'info, Market>,
    pub vault: &'a InterfaceAccount<'info, TokenAccount>,
    pub mint: &'a InterfaceAccount<'info, Mint>,
    pub token_program: &'a Interface<'info, TokenInterface>,
}

impl<'info> VaultAccounts<'_, 'info> {
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
