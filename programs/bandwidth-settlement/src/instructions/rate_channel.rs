use crate::{errors::SettlementError, events::ChannelRated, state::*};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct RateChannel<'info> {
    pub owner: Signer<'info>,
    #[account(has_one = owner @ SettlementError::NotBuyerOwner)]
    pub buyer: Box<Account<'info, Buyer>>,
    #[account(mut, has_one = buyer @ SettlementError::WrongBuyer)]
    pub channel: Box<Account<'info, Channel>>,
}

impl RateChannel<'_> {
    /// The buyer rates the provider of a channel (1–5; may change it until the channel
    /// closes). At close the rating counts in the provider's reputation, weighted by what the
    /// buyer paid on the channel.
    pub fn handle(ctx: Context<Self>, rating: u8) -> Result<()> {
        require!((1..=5).contains(&rating), SettlementError::InvalidRating);
        let channel = &mut ctx.accounts.channel;
        channel.rating = rating;
        crate::events::emit(&ChannelRated {
            market: channel.market,
            provider: channel.provider,
            channel: channel.key(),
            rating,
        });
        Ok(())
    }
}
