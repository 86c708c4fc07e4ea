use crate::{
    constants::ACCOUNT_VERSION,
    errors::SettlementError,
    events::Deposited,
    pda_account::{init_account, load, store},
    state::*,
};
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
    /// CHECK: the owner's Buyer PDA in this market; created on the first deposit (see
    /// `pda_account`) and never closed.
    #[account(mut, seeds = [seeds::BUYER, market.key().as_ref(), owner.key().as_ref()], bump)]
    pub buyer: UncheckedAccount<'info>,
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
            };
            init_account(
                &accounts.owner.to_account_info(),
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
