use crate::{
    errors::SettlementError,
    instructions::settle::{apply_and_credit, bounty_payout, emit_settled, ReceiptArgs},
    state::*,
};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

/// Remaining accounts: the channels settled, writable, one per receipt and in the same order.
/// Per channel only its account (one byte with a lookup table), amount, bytes and the 64-byte
/// signature travel.
#[derive(Accounts)]
pub struct SettleMany<'info> {
    /// The provider, or a watcher (anyone).
    pub settler: Signer<'info>,
    pub provider: Box<Account<'info, Provider>>,
    #[account(mut, has_one = provider @ SettlementError::WrongProvider)]
    pub provider_market: Box<Account<'info, ProviderMarket>>,
    /// CHECK: the market's reward pool PDA, whether or not it exists (as in `settle`).
    pub reward_pool: UncheckedAccount<'info>,
    // Bounty accounts, as in `settle`: passed together or not at all.
    pub market: Option<Box<Account<'info, Market>>>,
    #[account(mut)]
    pub vault: Option<Box<InterfaceAccount<'info, TokenAccount>>>,
    pub mint: Option<Box<InterfaceAccount<'info, Mint>>>,
    #[account(mut)]
    pub bounty_destination: Option<Box<InterfaceAccount<'info, TokenAccount>>>,
    pub token_program: Option<Interface<'info, TokenInterface>>,
}

impl<'info> SettleMany<'info> {
    /// Settles one receipt per channel, all channels of one provider in one market; the
    /// provider's earnings are written once, and a watcher's bounties are paid in one transfer.
    /// An entry whose amount is already settled (someone settled that channel first, perhaps
    /// its buyer) is skipped, so that nobody can make a provider's batch fail by settling one
    /// of its channels ahead of it; any other refused entry refuses the whole batch.
    pub fn handle(
        ctx: Context<'info, SettleMany<'info>>,
        receipts: Vec<ReceiptArgs>,
    ) -> Result<()> {
        let channels = ctx.remaining_accounts;
        require!(!receipts.is_empty(), SettlementError::EmptyBatch);
        require!(
            channels.len() == receipts.len(),
            SettlementError::ReceiptCountMismatch
        );
        // At most a few dozen entries fit in a transaction: the quadratic check is cheap.
        for (i, a) in channels.iter().enumerate() {
            require!(
                channels[..i].iter().all(|b| b.key != a.key),
                SettlementError::DuplicateChannel
            );
        }
        let now = Clock::get()?.unix_timestamp;
        let accounts = &mut *ctx.accounts;
        let market = accounts.provider_market.market;
        let pool = RewardPool::for_settlement(&accounts.reward_pool, &market)?;
        let provider = accounts.provider.key();
        let settler = accounts.settler.key();
        let payout = bounty_payout(
            &accounts.market,
            &accounts.vault,
            &accounts.mint,
            &accounts.bounty_destination,
            &accounts.token_program,
            &market,
        )?;
        let by_watcher = settler != accounts.provider.authority;
        let destination = payout.as_ref().map(|(_, d)| d.key()).unwrap_or_default();
        let mut bounty: u64 = 0;
        for (info, receipt) in channels.iter().zip(&receipts) {
            require!(info.is_writable, SettlementError::ChannelNotWritable);
            let mut channel = Account::<Channel>::try_from(info)?;
            require_keys_eq!(channel.provider, provider, SettlementError::WrongProvider);
            require_keys_eq!(channel.market, market, SettlementError::WrongMarket);
            if receipt.amount <= channel.settled {
                continue;
            }
            let pay_bounty = payout.is_some() && by_watcher && channel.in_bounty_phase(now);
            let settlement = apply_and_credit(
                &mut channel,
                &mut accounts.provider_market,
                receipt,
                now,
                pay_bounty,
                pool.as_ref(),
            )?;
            bounty = bounty
                .checked_add(settlement.split.bounty)
                .ok_or(SettlementError::ArithmeticOverflow)?;
            channel.exit(&crate::ID)?;
            emit_settled(
                &channel,
                &accounts.provider_market,
                settler,
                &settlement,
                if settlement.split.bounty > 0 {
                    destination
                } else {
                    Pubkey::default()
                },
            );
        }
        if bounty > 0 {
            if let Some((vault, destination)) = payout {
                vault.pay(destination, bounty)?;
            }
        }
        Ok(())
    }
}
