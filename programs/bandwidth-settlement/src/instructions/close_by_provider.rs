use crate::{
    errors::SettlementError,
    settlement::{apply_and_credit, refund_to_buyer, ReceiptArgs, Tally},
    state::*,
};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct CloseByProvider<'info> {
    pub authority: Signer<'info>,
    #[account(has_one = authority @ SettlementError::NotProviderAuthority)]
    pub provider: Box<Account<'info, Provider>>,
    #[account(
        mut,
        close = rent_payer,
        has_one = provider @ SettlementError::WrongProvider,
        has_one = buyer @ SettlementError::WrongBuyer,
        has_one = rent_payer @ SettlementError::WrongRentPayer,
    )]
    pub channel: Box<Account<'info, Channel>>,
    #[account(mut)]
    pub buyer: Box<Account<'info, Buyer>>,
    #[account(
        mut,
        has_one = provider @ SettlementError::WrongProvider,
        constraint = provider_market.market == channel.market @ SettlementError::WrongMarket,
    )]
    pub provider_market: Box<Account<'info, ProviderMarket>>,
    /// CHECK: must be the channel's `rent_payer` (checked by `has_one`); only receives lamports.
    #[account(mut)]
    pub rent_payer: UncheckedAccount<'info>,
    /// CHECK: the market's reward pool PDA, whether or not it exists (as in `settle`): a final
    /// receipt accrues rewards.
    pub reward_pool: UncheckedAccount<'info>,
}

impl CloseByProvider<'_> {
    fn validate(&self) -> Result<()> {
        self.channel
            .require_settleable(Clock::get()?.unix_timestamp)
    }

    /// Cooperative close: the provider optionally settles a final receipt, then refunds the
    /// rest to the buyer at once. It can only give up money owed to itself. A final receipt
    /// that is already settled (the buyer, or a watcher, settled it first) is skipped rather
    /// than failing the close.
    #[access_control(ctx.accounts.validate())]
    pub fn handle(ctx: Context<Self>, final_receipt: Option<ReceiptArgs>) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let accounts = &mut *ctx.accounts;
        let pool = RewardPool::for_settlement(&accounts.reward_pool, &accounts.channel.market)?;
        if let Some(receipt) = final_receipt.filter(|r| r.amount > accounts.channel.settled) {
            let settlement = apply_and_credit(
                &mut accounts.channel,
                &mut accounts.provider_market,
                &receipt,
                now,
                false,
                pool.as_ref(),
            )?;
            let mut tally = Tally::default();
            tally.settled(&accounts.channel, &settlement);
            tally.finish(
                &accounts.provider_market,
                accounts.authority.key(),
                Pubkey::default(),
            );
        }
        let pm = &mut accounts.provider_market;
        pm.channels_closed_by_provider = pm.channels_closed_by_provider.saturating_add(1);
        // Closing at once answers a buyer's forced close as well as a settlement would.
        let channel = &mut accounts.channel;
        if channel.state == ChannelState::Closing && !channel.close_answered {
            channel.close_answered = true;
            pm.forced_closes_answered = pm.forced_closes_answered.saturating_add(1);
        }
        refund_to_buyer(&accounts.channel, &mut accounts.buyer, pm, true)
    }
}
