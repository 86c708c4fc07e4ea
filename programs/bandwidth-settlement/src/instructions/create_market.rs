use crate::{constants::*, errors::SettlementError, events::MarketCreated, mint_policy, state::*};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, PartialEq, Eq)]
pub struct CreateMarketArgs {
    /// Protocol fee on settled amounts, at most `MAX_FEE_BPS`.
    pub fee_bps: u16,
    /// Share of swept fees burned (the rest goes to the treasury), at most 10_000.
    pub burn_bps: u16,
    pub min_dispute_window_secs: u32,
    pub max_dispute_window_secs: u32,
    /// Delay between announcing a fee change and its effect, at least 24 h. Fixed forever.
    pub fee_change_delay_secs: u32,
}

#[derive(Accounts)]
pub struct CreateMarket<'info> {
    #[account(mut)]
    pub admin: Signer<'info>,
    #[account(
        init,
        payer = admin,
        space = Market::SPACE,
        seeds = [seeds::MARKET, mint.key().as_ref(), admin.key().as_ref()],
        bump,
    )]
    pub market: Box<Account<'info, Market>>,
    #[account(mint::token_program = token_program)]
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(
        init,
        payer = admin,
        seeds = [seeds::VAULT, market.key().as_ref()],
        bump,
        token::mint = mint,
        token::authority = market,
        token::token_program = token_program,
    )]
    pub vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(constraint = treasury.mint == mint.key() @ SettlementError::InvalidTreasury)]
    pub treasury: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

impl CreateMarket<'_> {
    fn validate(&self, args: &CreateMarketArgs) -> Result<()> {
        require!(args.fee_bps <= MAX_FEE_BPS, SettlementError::FeeTooHigh);
        require!(
            args.burn_bps <= BPS_DENOMINATOR,
            SettlementError::BurnShareTooHigh
        );
        validate_window_bounds(args.min_dispute_window_secs, args.max_dispute_window_secs)?;
        require!(
            (MIN_FEE_CHANGE_DELAY_SECS..=MAX_FEE_CHANGE_DELAY_SECS)
                .contains(&args.fee_change_delay_secs),
            SettlementError::InvalidFeeChangeDelay
        );
        mint_policy::check_mint(&self.mint.to_account_info())
    }

    #[access_control(ctx.accounts.validate(&args))]
    pub fn handle(ctx: Context<Self>, args: CreateMarketArgs) -> Result<()> {
        ctx.accounts.market.set_inner(Market {
            version: ACCOUNT_VERSION,
            bump: ctx.bumps.market,
            vault_bump: ctx.bumps.vault,
            paused: false,
            creator: ctx.accounts.admin.key(),
            admin: ctx.accounts.admin.key(),
            mint: ctx.accounts.mint.key(),
            token_program: ctx.accounts.token_program.key(),
            vault: ctx.accounts.vault.key(),
            treasury: ctx.accounts.treasury.key(),
            fee_bps: args.fee_bps,
            pending_fee_bps: args.fee_bps,
            fee_change_at: 0,
            fee_change_delay_secs: args.fee_change_delay_secs,
            burn_bps: args.burn_bps,
            min_dispute_window_secs: args.min_dispute_window_secs,
            max_dispute_window_secs: args.max_dispute_window_secs,
            fees_to_treasury: 0,
            fees_burned: 0,
            created_at: Clock::get()?.unix_timestamp,
        });
        let market = &ctx.accounts.market;
        emit!(MarketCreated {
            market: market.key(),
            mint: market.mint,
            token_program: market.token_program,
            admin: market.admin,
            vault: market.vault,
            treasury: market.treasury,
            fee_bps: market.fee_bps,
            burn_bps: market.burn_bps,
            min_dispute_window_secs: market.min_dispute_window_secs,
            max_dispute_window_secs: market.max_dispute_window_secs,
            fee_change_delay_secs: market.fee_change_delay_secs,
        });
        Ok(())
    }
}

/// Market dispute-window bounds must lie within the hard caps and be ordered.
pub fn validate_window_bounds(min: u32, max: u32) -> Result<()> {
    require!(
        MIN_DISPUTE_WINDOW_SECS <= min && min <= max && max <= MAX_DISPUTE_WINDOW_SECS,
        SettlementError::InvalidDisputeWindowBounds
    );
    Ok(())
}
