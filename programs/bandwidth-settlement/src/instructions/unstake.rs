use crate::{errors::SettlementError, events::UnstakeRequested, state::*};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct Unstake<'info> {
    pub authority: Signer<'info>,
    #[account(has_one = authority @ SettlementError::NotProviderAuthority)]
    pub provider: Box<Account<'info, Provider>>,
    pub market: Box<Account<'info, Market>>,
    #[account(
        mut,
        has_one = market @ SettlementError::WrongMarket,
        has_one = provider @ SettlementError::WrongProvider,
    )]
    pub provider_market: Box<Account<'info, ProviderMarket>>,
}

impl Unstake<'_> {
    /// Starts unbonding `amount`; everything unbonding becomes withdrawable one unbonding
    /// delay (the market's, at the time of this request) after the latest request.
    pub fn handle(ctx: Context<Self>, amount: u64) -> Result<()> {
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
}
