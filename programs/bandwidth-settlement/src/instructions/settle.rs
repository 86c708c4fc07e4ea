use crate::{
    errors::SettlementError,
    settlement::{apply_and_credit, bounty_payout, ReceiptArgs, Tally},
    state::*,
    vault::VaultAccounts,
};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

#[derive(Accounts)]
pub struct Settle<'info> {
    /// Whoever submits the receipt: the provider, or a watcher (anyone).
    pub settler: Signer<'info>,
    #[account(mut, has_one = provider @ SettlementError::WrongProvider)]
    pub channel: Box<Account<'info, Channel>>,
    pub provider: Box<Account<'info, Provider>>,
    #[account(
        mut,
        has_one = provider @ SettlementError::WrongProvider,
        constraint = provider_market.market == channel.market @ SettlementError::WrongMarket,
    )]
    pub provider_market: Box<Account<'info, ProviderMarket>>,
    /// CHECK: the market's reward pool PDA, passed whether or not it exists (checked by
    /// `RewardPool::for_settlement`): a settler cannot leave a provider's rewards out.
    pub reward_pool: UncheckedAccount<'info>,
    // The accounts below are passed together, or not at all. A watcher settling a CLOSING
    // channel in its bounty phase passes them to be paid its bounty; without them (the
    // watcher waives it) no bounty is paid.
    pub market: Option<Box<Account<'info, Market>>>,
    #[account(mut)]
    pub vault: Option<Box<InterfaceAccount<'info, TokenAccount>>>,
    pub mint: Option<Box<InterfaceAccount<'info, Mint>>>,
    /// Token account of the market's mint, chosen by the watcher.
    #[account(mut)]
    pub bounty_destination: Option<Box<InterfaceAccount<'info, TokenAccount>>>,
    pub token_program: Option<Interface<'info, TokenInterface>>,
}

impl<'info> Settle<'info> {
    fn bounty_payout(
        &self,
    ) -> Result<
        Option<(
            VaultAccounts<'_, 'info>,
            &InterfaceAccount<'info, TokenAccount>,
        )>,
    > {
        bounty_payout(
            &self.market,
            &self.vault,
            &self.mint,
            &self.bounty_destination,
            &self.token_program,
            &self.channel.market,
        )
    }

    pub fn handle(ctx: Context<Self>, receipt: ReceiptArgs) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let accounts = &mut *ctx.accounts;
        let pool = RewardPool::for_settlement(&accounts.reward_pool, &accounts.channel.market)?;
        let has_bounty_accounts = accounts.bounty_payout()?.is_some();
        let by_watcher = accounts.settler.key() != accounts.provider.authority;
        let pay_bounty = has_bounty_accounts && by_watcher && accounts.channel.in_bounty_phase(now);
        let settlement = apply_and_credit(
            &mut accounts.channel,
            &mut accounts.provider_market,
            &receipt,
            now,
            pay_bounty,
            pool.as_ref(),
        )?;
        let mut bounty_destination = Pubkey::default();
        if settlement.split.bounty > 0 {
            if let Some((vault, destination)) = accounts.bounty_payout()? {
                vault.pay(destination, settlement.split.bounty)?;
                bounty_destination = destination.key();
            }
        }
        let mut tally = Tally::default();
        tally.settled(&accounts.channel, &settlement);
        tally.finish(
            &accounts.provider_market,
            accounts.settler.key(),
            bounty_destination,
        );
        Ok(())
    }
}
