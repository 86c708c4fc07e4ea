use crate::pda_account::init_account;
use crate::{constants::ACCOUNT_VERSION, errors::SettlementError, events::ChannelOpened, state::*};
use anchor_lang::prelude::*;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, PartialEq, Eq)]
pub struct OpenChannelArgs {
    /// Reserved from the buyer's free balance as the channel deposit.
    pub amount: u64,
    /// Within the market's bounds and at least the provider's minimum.
    pub dispute_window_secs: u32,
    /// Key that signs this channel's receipts: the owner's wallet key or, better, a fresh
    /// per-channel session key.
    pub receipt_signer: Pubkey,
}

#[derive(Accounts)]
pub struct OpenChannel<'info> {
    /// Buyer wallet; pays the channel's rent and gets it back at close.
    #[account(mut)]
    pub owner: Signer<'info>,
    pub market: Box<Account<'info, Market>>,
    #[account(
        mut,
        has_one = owner @ SettlementError::NotBuyerOwner,
        has_one = market @ SettlementError::WrongMarket,
    )]
    pub buyer: Box<Account<'info, Buyer>>,
    pub provider: Box<Account<'info, Provider>>,
    #[account(
        mut,
        has_one = market @ SettlementError::WrongMarket,
        has_one = provider @ SettlementError::WrongProvider,
    )]
    pub provider_market: Box<Account<'info, ProviderMarket>>,
    /// CHECK: created by the handler at the buyer's next channel PDA (see `pda_account`).
    #[account(
        mut,
        seeds = [seeds::CHANNEL, buyer.key().as_ref(), &buyer.next_channel_id.to_le_bytes()],
        bump,
    )]
    pub channel: UncheckedAccount<'info>,
    pub system_program: Program<'info, System>,
}

impl OpenChannel<'_> {
    fn validate(&self, args: &OpenChannelArgs) -> Result<()> {
        let market = &self.market;
        require!(!market.paused, SettlementError::MarketPaused);
        require!(self.provider.active, SettlementError::ProviderInactive);
        require!(args.amount > 0, SettlementError::ZeroAmount);
        require!(
            args.amount <= self.buyer.free,
            SettlementError::InsufficientFreeBalance
        );
        require!(
            (market.min_dispute_window_secs..=market.max_dispute_window_secs)
                .contains(&args.dispute_window_secs),
            SettlementError::DisputeWindowOutOfMarketBounds
        );
        require!(
            args.dispute_window_secs >= self.provider.min_dispute_window_secs,
            SettlementError::DisputeWindowBelowProviderMinimum
        );
        require!(
            crate::receipt::is_usable_signer(&args.receipt_signer),
            SettlementError::InvalidReceiptSigner
        );
        Ok(())
    }

    #[access_control(ctx.accounts.validate(&args))]
    pub fn handle(ctx: Context<Self>, args: OpenChannelArgs) -> Result<()> {
        let clock = Clock::get()?;
        let accounts = &mut *ctx.accounts;
        let buyer = &mut accounts.buyer;
        let channel_id = buyer.next_channel_id;
        buyer.free -= args.amount;
        buyer.next_channel_id = channel_id
            .checked_add(1)
            .ok_or(SettlementError::ArithmeticOverflow)?;
        buyer.open_channels = buyer.open_channels.saturating_add(1);

        let pm = &mut accounts.provider_market;
        pm.channels_opened = pm.channels_opened.saturating_add(1);
        pm.channels_active = pm.channels_active.saturating_add(1);

        let channel = Channel {
            version: ACCOUNT_VERSION,
            bump: ctx.bumps.channel,
            state: ChannelState::Open,
            fee_bps: accounts.market.fee_bps_at(clock.unix_timestamp),
            bounty_bps: accounts.provider.bounty_bps,
            dispute_window_secs: args.dispute_window_secs,
            market: accounts.market.key(),
            buyer: buyer.key(),
            provider: accounts.provider.key(),
            receipt_signer: args.receipt_signer,
            rent_payer: accounts.owner.key(),
            channel_id,
            deposit: args.amount,
            settled: 0,
            settled_bytes: 0,
            price_per_gib: pm.price_per_gib,
            opened_at: clock.unix_timestamp,
            opened_slot: clock.slot,
            close_deadline: 0,
            close_answered: false,
            rating: 0,
            reserved: [0; 16],
        };
        let buyer_key = buyer.key();
        init_account(
            &accounts.owner.to_account_info(),
            &accounts.channel.to_account_info(),
            Channel::SPACE,
            &[
                seeds::CHANNEL,
                buyer_key.as_ref(),
                &channel_id.to_le_bytes(),
                &[channel.bump],
            ],
            &channel,
        )?;
        crate::events::emit(&ChannelOpened {
            market: channel.market,
            buyer: channel.buyer,
            provider: channel.provider,
            channel: accounts.channel.key(),
            channel_id,
            deposit: channel.deposit,
            fee_bps: channel.fee_bps,
            bounty_bps: channel.bounty_bps,
            dispute_window_secs: channel.dispute_window_secs,
            receipt_signer: channel.receipt_signer,
            price_per_gib: channel.price_per_gib,
            buyer_free_balance: buyer.free,
        });
        Ok(())
    }
}
