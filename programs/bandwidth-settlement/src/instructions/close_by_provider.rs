use crate::{
    errors::SettlementError,
    instructions::{
        finalize_close::refund_to_buyer,
        settle::{apply_and_credit, check_reward_pool, emit_settled, ReceiptArgs},
    },
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
    /// The market's reward pool, when it has one: a final receipt accrues rewards.
    pub reward_pool: Option<Box<Account<'info, RewardPool>>>,
}

impl CloseByProvider<'_> {
    fn validate(&self) -> Result<()> {
        self.channel
            .require_settleable(Clock::get()?.unix_timestamp)
    }

    /// Cooperative close: the provider optionally settles a final receipt, then refunds the
    /// rest to the buyer at once. It can only give up money owed to itself.
    #[access_control(ctx.accounts.validate())]
    pub fn handle(ctx: Context<Self>, final_receipt: Option<ReceiptArgs>) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let accounts = &mut *ctx.accounts;
        check_reward_pool(&accounts.reward_pool, &accounts.channel.market)?;
        if let Some(receipt) = final_receipt {
            let settlement = apply_and_credit(
                &mut accounts.channel,
                &mut accounts.provider_market,
                &receipt,
                now,
                false,
                accounts.reward_pool.as_deref().map(|p| &**p),
            )?;
            emit_settled(
                &accounts.channel,
                &accounts.provider_market,
                accounts.authority.key(),
                &settlement,
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
