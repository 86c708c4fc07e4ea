use crate::{
    constants::*,
    errors::SettlementError,
    events::{FeeChangeAnnounced, MarketUpdated},
    state::*,
    validation::validate_window_bounds,
};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::TokenAccount;

/// Every field is optional: `None` leaves the setting as it is.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct UpdateMarketArgs {
    pub paused: Option<bool>,
    /// Announces a new fee. It applies to channels opened at or after
    /// `now + fee_change_delay_secs`; open channels keep the fee they snapshotted. A new
    /// announcement replaces a pending one that has not taken effect yet.
    pub fee_bps: Option<u16>,
    /// Share of swept fees burned. Takes effect at the next sweep: it never changes what a
    /// buyer pays or a provider earns.
    pub burn_bps: Option<u16>,
    /// Bounds for channels opened from now on.
    pub min_dispute_window_secs: Option<u32>,
    pub max_dispute_window_secs: Option<u32>,
    /// Delay between a provider's unstake request and its withdrawal, for requests made from
    /// now on.
    pub stake_unbonding_secs: Option<u32>,
}

#[derive(Accounts)]
pub struct UpdateMarket<'info> {
    pub admin: Signer<'info>,
    #[account(mut, has_one = admin @ SettlementError::NotMarketAdmin)]
    pub market: Box<Account<'info, Market>>,
    /// Pass to move the treasury to another token account of the market's mint.
    #[account(constraint = new_treasury.mint == market.mint @ SettlementError::InvalidTreasury)]
    pub new_treasury: Option<Box<InterfaceAccount<'info, TokenAccount>>>,
}

impl UpdateMarket<'_> {
    fn validate(&self, args: &UpdateMarketArgs) -> Result<()> {
        if let Some(fee) = args.fee_bps {
            require!(fee <= MAX_FEE_BPS, SettlementError::FeeTooHigh);
        }
        if let Some(burn) = args.burn_bps {
            require!(burn <= BPS_DENOMINATOR, SettlementError::BurnShareTooHigh);
        }
        if let Some(delay) = args.stake_unbonding_secs {
            require!(
                (MIN_UNBONDING_SECS..=MAX_UNBONDING_SECS).contains(&delay),
                SettlementError::InvalidUnbondingDelay
            );
        }
        validate_window_bounds(
            args.min_dispute_window_secs
                .unwrap_or(self.market.min_dispute_window_secs),
            args.max_dispute_window_secs
                .unwrap_or(self.market.max_dispute_window_secs),
        )
    }

    #[access_control(ctx.accounts.validate(&args))]
    pub fn handle(ctx: Context<Self>, args: UpdateMarketArgs) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let market = &mut ctx.accounts.market;
        market.apply_due_fee_change(now);

        if let Some(fee) = args.fee_bps {
            let effective_at = now
                .checked_add(i64::from(market.fee_change_delay_secs))
                .ok_or(SettlementError::ArithmeticOverflow)?;
            market.pending_fee_bps = fee;
            market.fee_change_at = effective_at;
            crate::events::emit(&FeeChangeAnnounced {
                market: market.key(),
                current_fee_bps: market.fee_bps,
                new_fee_bps: fee,
                effective_at,
            });
        }
        if let Some(paused) = args.paused {
            market.paused = paused;
        }
        if let Some(burn) = args.burn_bps {
            market.burn_bps = burn;
        }
        if let Some(min) = args.min_dispute_window_secs {
            market.min_dispute_window_secs = min;
        }
        if let Some(max) = args.max_dispute_window_secs {
            market.max_dispute_window_secs = max;
        }
        if let Some(delay) = args.stake_unbonding_secs {
            market.stake_unbonding_secs = delay;
        }
        if let Some(treasury) = &ctx.accounts.new_treasury {
            market.treasury = treasury.key();
        }
        crate::events::emit(&MarketUpdated {
            market: market.key(),
            paused: market.paused,
            fee_bps: market.fee_bps,
            burn_bps: market.burn_bps,
            treasury: market.treasury,
            min_dispute_window_secs: market.min_dispute_window_secs,
            max_dispute_window_secs: market.max_dispute_window_secs,
        });
        Ok(())
    }
}
