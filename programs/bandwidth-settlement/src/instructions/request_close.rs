use crate::{errors::SettlementError, events::CloseRequested, state::*};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct RequestClose<'info> {
    pub owner: Signer<'info>,
    #[account(has_one = owner @ SettlementError::NotBuyerOwner)]
    pub buyer: Box<Account<'info, Buyer>>,
    #[account(mut, has_one = buyer @ SettlementError::WrongBuyer)]
    pub channel: Box<Account<'info, Channel>>,
    #[account(
        mut,
        constraint = provider_market.provider == channel.provider @ SettlementError::WrongProvider,
        constraint = provider_market.market == channel.market @ SettlementError::WrongMarket,
    )]
    pub provider_market: Box<Account<'info, ProviderMarket>>,
}

impl RequestClose<'_> {
    fn validate(&self) -> Result<()> {
        require!(
            self.channel.state == ChannelState::Open,
            SettlementError::ChannelNotOpen
        );
        Ok(())
    }

    /// Starts the dispute window: the provider (or any watcher) has until the deadline to
    /// settle its highest receipt; after it, anyone may finalize and refund the rest.
    #[access_control(ctx.accounts.validate())]
    pub fn handle(ctx: Context<Self>) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let channel = &mut ctx.accounts.channel;
        let deadline = now
            .checked_add(i64::from(channel.dispute_window_secs))
            .ok_or(SettlementError::ArithmeticOverflow)?;
        channel.state = ChannelState::Closing;
        channel.close_deadline = deadline;
        let pm = &mut ctx.accounts.provider_market;
        pm.channels_force_closed = pm.channels_force_closed.saturating_add(1);
        crate::events::emit(&CloseRequested {
            market: channel.market,
            buyer: channel.buyer,
            provider: channel.provider,
            channel: channel.key(),
            deadline,
        });
        Ok(())
    }
}
