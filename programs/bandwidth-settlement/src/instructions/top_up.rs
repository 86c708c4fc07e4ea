use crate::{errors::SettlementError, events::ChannelToppedUp, state::*};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct TopUp<'info> {
    pub owner: Signer<'info>,
    pub market: Box<Account<'info, Market>>,
    #[account(
        mut,
        has_one = owner @ SettlementError::NotBuyerOwner,
        has_one = market @ SettlementError::WrongMarket,
    )]
    pub buyer: Box<Account<'info, Buyer>>,
    #[account(mut, has_one = buyer @ SettlementError::WrongBuyer)]
    pub channel: Box<Account<'info, Channel>>,
}

impl TopUp<'_> {
    fn validate(&self, amount: u64) -> Result<()> {
        require!(!self.market.paused, SettlementError::MarketPaused);
        require!(
            self.channel.state == ChannelState::Open,
            SettlementError::ChannelNotOpen
        );
        require!(amount > 0, SettlementError::ZeroAmount);
        require!(
            amount <= self.buyer.free,
            SettlementError::InsufficientFreeBalance
        );
        Ok(())
    }

    /// Moves free balance into an open channel's deposit.
    #[access_control(ctx.accounts.validate(amount))]
    pub fn handle(ctx: Context<Self>, amount: u64) -> Result<()> {
        let buyer = &mut ctx.accounts.buyer;
        let channel = &mut ctx.accounts.channel;
        buyer.free -= amount;
        channel.deposit = channel
            .deposit
            .checked_add(amount)
            .ok_or(SettlementError::ArithmeticOverflow)?;
        crate::events::emit(&ChannelToppedUp {
            market: channel.market,
            buyer: channel.buyer,
            channel: channel.key(),
            amount,
            deposit: channel.deposit,
            buyer_free_balance: buyer.free,
        });
        Ok(())
    }
}
