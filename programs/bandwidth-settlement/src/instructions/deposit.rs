use crate::{constants::ACCOUNT_VERSION, errors::SettlementError, events::Deposited, state::*};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{
    transfer_checked, Mint, TokenAccount, TokenInterface, TransferChecked,
};

#[derive(Accounts)]
pub struct Deposit<'info> {
    #[account(mut)]
    pub owner: Signer<'info>,
    #[account(
        has_one = vault @ SettlementError::WrongVault,
        has_one = mint @ SettlementError::WrongMint,
        has_one = token_program @ SettlementError::WrongTokenProgram,
    )]
    pub market: Box<Account<'info, Market>>,
    /// Created on the first deposit; never closed.
    #[account(
        init_if_needed,
        payer = owner,
        space = Buyer::SPACE,
        seeds = [seeds::BUYER, market.key().as_ref(), owner.key().as_ref()],
        bump,
    )]
    pub buyer: Box<Account<'info, Buyer>>,
    /// The owner's token account the deposit comes from.
    #[account(mut, constraint = source.mint == market.mint @ SettlementError::WrongMint)]
    pub source: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut)]
    pub vault: Box<InterfaceAccount<'info, TokenAccount>>,
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    pub token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

impl Deposit<'_> {
    fn validate(&self, amount: u64) -> Result<()> {
        require!(!self.market.paused, SettlementError::MarketPaused);
        require!(amount > 0, SettlementError::ZeroAmount);
        Ok(())
    }

    #[access_control(ctx.accounts.validate(amount))]
    pub fn handle(ctx: Context<Self>, amount: u64) -> Result<()> {
        let accounts = &mut *ctx.accounts;
        transfer_checked(
            CpiContext::new(
                accounts.token_program.key(),
                TransferChecked {
                    from: accounts.source.to_account_info(),
                    mint: accounts.mint.to_account_info(),
                    to: accounts.vault.to_account_info(),
                    authority: accounts.owner.to_account_info(),
                },
            ),
            amount,
            accounts.mint.decimals,
        )?;

        let buyer = &mut accounts.buyer;
        if buyer.version == 0 {
            buyer.version = ACCOUNT_VERSION;
            buyer.bump = ctx.bumps.buyer;
            buyer.market = accounts.market.key();
            buyer.owner = accounts.owner.key();
        }
        buyer.free = buyer
            .free
            .checked_add(amount)
            .ok_or(SettlementError::ArithmeticOverflow)?;
        buyer.total_deposited = buyer.total_deposited.saturating_add(amount);
        emit!(Deposited {
            market: buyer.market,
            buyer: buyer.key(),
            owner: buyer.owner,
            amount,
            free_balance: buyer.free,
        });
        Ok(())
    }
}
