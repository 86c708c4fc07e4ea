use crate::{
    constants::*,
    errors::SettlementError,
    events::MarketCreated,
    mint_policy,
    pda_account::{create_pda, init_account},
    state::*,
    validation::validate_window_bounds,
};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{
    initialize_account3,
    spl_token_2022::{
        extension::{BaseStateWithExtensions, ExtensionType, StateWithExtensions},
        state::{Account as TokenAccountState, Mint as MintState},
    },
    InitializeAccount3, Mint, TokenAccount, TokenInterface,
};

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
    /// The market's creator, part of its address, and its first admin (a handover changes the
    /// admin, never the creator nor the address). Pays the market's and the vault's rent.
    #[account(mut)]
    pub creator: Signer<'info>,
    /// CHECK: created by the handler at this PDA (see `pda_account`).
    #[account(
        mut,
        seeds = [seeds::MARKET, mint.key().as_ref(), creator.key().as_ref()],
        bump,
    )]
    pub market: UncheckedAccount<'info>,
    #[account(mint::token_program = token_program)]
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    /// CHECK: created by the handler at this PDA as a token account owned by the market.
    #[account(mut, seeds = [seeds::VAULT, market.key().as_ref()], bump)]
    pub vault: UncheckedAccount<'info>,
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

    /// Creates the vault: a token account of the mint whose authority is the market PDA.
    fn create_vault(&self, vault_bump: u8) -> Result<()> {
        let market_key = self.market.key();
        let seeds: &[&[u8]] = &[seeds::VAULT, market_key.as_ref(), &[vault_bump]];
        let space = if self.token_program.key() == anchor_spl::token::ID {
            anchor_spl::token::TokenAccount::LEN
        } else {
            let mint_info = self.mint.to_account_info();
            let data = mint_info.try_borrow_data()?;
            let mint = StateWithExtensions::<MintState>::unpack(&data)?;
            let required =
                ExtensionType::get_required_init_account_extensions(&mint.get_extension_types()?);
            ExtensionType::try_calculate_account_len::<TokenAccountState>(&required)?
        };
        create_pda(
            &self.creator.to_account_info(),
            &self.vault.to_account_info(),
            space,
            &self.token_program.key(),
            seeds,
        )?;
        initialize_account3(CpiContext::new(
            self.token_program.key(),
            InitializeAccount3 {
                account: self.vault.to_account_info(),
                mint: self.mint.to_account_info(),
                authority: self.market.to_account_info(),
            },
        ))
    }

    #[access_control(ctx.accounts.validate(&args))]
    pub fn handle(ctx: Context<Self>, args: CreateMarketArgs) -> Result<()> {
        let accounts = &ctx.accounts;
        accounts.create_vault(ctx.bumps.vault)?;
        let market = Market {
            version: ACCOUNT_VERSION,
            bump: ctx.bumps.market,
            vault_bump: ctx.bumps.vault,
            paused: false,
            creator: accounts.creator.key(),
            admin: accounts.creator.key(),
            mint: accounts.mint.key(),
            token_program: accounts.token_program.key(),
            vault: accounts.vault.key(),
            treasury: accounts.treasury.key(),
            fee_bps: args.fee_bps,
            pending_fee_bps: args.fee_bps,
            fee_change_at: 0,
            fee_change_delay_secs: args.fee_change_delay_secs,
            burn_bps: args.burn_bps,
            min_dispute_window_secs: args.min_dispute_window_secs,
            max_dispute_window_secs: args.max_dispute_window_secs,
            stake_unbonding_secs: DEFAULT_UNBONDING_SECS,
            fees_to_treasury: 0,
            fees_burned: 0,
            created_at: Clock::get()?.unix_timestamp,
            pending_admin: Pubkey::default(),
            reserved: [0; 64],
        };
        init_account(
            &accounts.creator.to_account_info(),
            &accounts.market.to_account_info(),
            Market::SPACE,
            &market.signer_seeds(),
            &market,
        )?;
        crate::events::emit(&MarketCreated {
            market: accounts.market.key(),
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
