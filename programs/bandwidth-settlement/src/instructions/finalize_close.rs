use crate::{errors::SettlementError, settlement::refund_to_buyer, state::*};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct FinalizeClose<'info> {
    #[account(
        mut,
        close = rent_payer,
        has_one = buyer @ SettlementError::WrongBuyer,
        has_one = rent_payer @ SettlementError::WrongRentPayer,
    )]
    pub channel: Box<Account<'info, Channel>>,
    #[account(mut)]
    pub buyer: Box<Account<'info, Buyer>>,
    #[account(
        mut,
        constraint = provider_market.provider == channel.provider @ SettlementError::WrongProvider,
        constraint = provider_market.market == channel.market @ SettlementError::WrongMarket,
    )]
    pub provider_market: Box<Account<'info, ProviderMarket>>,
    /// CHECK: must be the channel's `rent_payer` (checked by `has_one`); only receives lamports.
    #[account(mut)]
    pub rent_payer: UncheckedAccount<'info>,
}

impl FinalizeClose<'_> {
    fn validate(&self) -> Result<()> {
        require!(
            self.channel.state == ChannelState::Closing,
            SettlementError::ChannelNotClosing
        );
        require!(
            Clock::get()?.unix_timestamp >= self.channel.close_deadline,
            SettlementError::DisputeWindowNotElapsed
        );
        Ok(())
    }

    /// Permissionless: once the deadline has passed anyone may return the unsettled deposit
    /// to the buyer's free balance and close the channel (rent back to its payer).
    #[access_control(ctx.accounts.validate())]
    pub fn handle(ctx: Context<Self>) -> Result<()> {
        let accounts = &mut *ctx.accounts;
        let pm = &mut accounts.provider_market;
        pm.channels_finalized = pm.channels_finalized.saturating_add(1);
        // Nothing settled after the buyer's request: a missed forced close (whether a receipt
        // was left unsettled is not knowable on-chain).
        if !accounts.channel.close_answered {
            pm.forced_closes_missed = pm.forced_closes_missed.saturating_add(1);
        }
        refund_to_buyer(&accounts.channel, &mut accounts.buyer, pm, false)
    }
}
