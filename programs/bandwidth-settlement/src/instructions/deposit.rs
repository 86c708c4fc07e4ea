use crate::{
    constants::ACCOUNT_VERSION,
    errors::SettlementError,
    events::Deposited,
    pda_account::{init_account, load, store},
    state::*,
    vault::*,
};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

/// The market's accounts are the four of [`MarketVault`], with its checks, at the top level
/// rather than nested: the escrow's seeds name the market, and account resolvers (Anchor's,
/// Codama's) cannot follow a seed through a nested group of accounts. The accounts in the
/// transaction are the same, in the same order.
#[derive(Accounts)]
pub struct Deposit<'info> {
    /// Buyer wallet; pays the escrow's rent on its first deposit.
    #[account(mut)]
    pub owner: Signer<'info>,
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
    /// CHECK: the buyer's escrow PDA; created on the first deposit (see `pda_account`).
    #[account(
        mut,
        seeds = [seeds::BUYER, market.key().as_ref(), owner.key().as_ref()],
        bump,
    )]
    pub buyer: UncheckedAccount<'info>,
    #[account(mut, constraint = source.mint == market.mint @ SettlementError::WrongMint)]
    pub source: Box<InterfaceAccount<'info, TokenAccount>>,
    pub system_program: Program<'info, System>,
}

impl<'info> Deposit<'info> {
    fn vault_accounts(&self) -> VaultAccounts<'_, 'info> {
        VaultAccounts {
            market: &self.market,
            vault: &self.vault,
            mint: &self.mint,
            token_program: &self.token_program,
        }
    }

    fn validate(&self, amount: u64) -> Result<()> {
        require!(!self.market.paused, SettlementError::MarketPaused);
        require!(amount > 0, SettlementError::ZeroAmount);
        Ok(())
    }

    /// Moves `amount` from the owner's token account into the vault and credits its free
    /// balance, creating the escrow on the first deposit.
    #[access_control(ctx.accounts.validate(amount))]
    pub fn handle(ctx: Context<Self>, amount: u64) -> Result<()> {
        let accounts = &mut *ctx.accounts;
        let owner_info = accounts.owner.to_account_info();
        accounts
            .vault_accounts()
            .receive(&accounts.source, &owner_info, amount)?;

        let (market, owner) = (accounts.market.key(), accounts.owner.key());
        let buyer_info = accounts.buyer.to_account_info();
        if buyer_info.owner != &crate::ID {
            let bump = ctx.bumps.buyer;
            let fresh = Buyer {
                version: ACCOUNT_VERSION,
                bump,
                market,
                owner,
                free: 0,
                next_channel_id: 0,
                open_channels: 0,
                total_deposited: 0,
                total_withdrawn: 0,
                reserved: [0; 32],
            };
            init_account(
                &owner_info,
                &buyer_info,
                Buyer::SPACE,
                &[seeds::BUYER, market.as_ref(), owner.as_ref(), &[bump]],
                &fresh,
            )?;
        }
        let mut buyer: Buyer = load(&buyer_info)?;
        buyer.free = buyer
            .free
            .checked_add(amount)
            .ok_or(SettlementError::ArithmeticOverflow)?;
        buyer.total_deposited = buyer.total_deposited.saturating_add(amount);
        store(&buyer_info, &buyer)?;
        crate::events::emit(&Deposited {
            market,
            buyer: buyer_info.key(),
            owner,
            amount,
            free_balance: buyer.free,
        });
        Ok(())
    }
}
