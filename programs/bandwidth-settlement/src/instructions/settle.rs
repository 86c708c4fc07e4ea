use crate::math::reward_accrual;
use crate::{
    errors::SettlementError,
    events::{ChannelSettled, SettlementBatch},
    state::*,
    vault::VaultAccounts,
};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

/// A buyer-signed cumulative receipt as it travels in an instruction: the program rebuilds
/// the 52-byte message from the channel's own address and these two values (PROTOCOL §3).
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReceiptArgs {
    /// Cumulative amount owed, token base units.
    pub amount: u64,
    /// Cumulative bytes received.
    pub bytes: u64,
    /// Ed25519 signature of the channel's receipt signer over the receipt message.
    pub signature: [u8; 64],
}

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

/// The optional bounty accounts, checked against the market `channel_market`; `None` when
/// absent. Shared by `settle` and `settle_many`.
pub fn bounty_payout<'a, 'info>(
    market: &'a Option<Box<Account<'info, Market>>>,
    vault: &'a Option<Box<InterfaceAccount<'info, TokenAccount>>>,
    mint: &'a Option<Box<InterfaceAccount<'info, Mint>>>,
    destination: &'a Option<Box<InterfaceAccount<'info, TokenAccount>>>,
    token_program: &'a Option<Interface<'info, TokenInterface>>,
    channel_market: &Pubkey,
) -> Result<
    Option<(
        VaultAccounts<'a, 'info>,
        &'a InterfaceAccount<'info, TokenAccount>,
    )>,
> {
    match (market, vault, mint, destination, token_program) {
        (None, None, None, None, None) => Ok(None),
        (Some(market), Some(vault), Some(mint), Some(destination), Some(token_program)) => {
            require_keys_eq!(market.key(), *channel_market, SettlementError::WrongMarket);
            require_keys_eq!(vault.key(), market.vault, SettlementError::WrongVault);
            require_keys_eq!(mint.key(), market.mint, SettlementError::WrongMint);
            require_keys_eq!(
                token_program.key(),
                market.token_program,
                SettlementError::WrongTokenProgram
            );
            require_keys_eq!(destination.mint, market.mint, SettlementError::WrongMint);
            Ok(Some((
                VaultAccounts {
                    market,
                    vault,
                    mint,
                    token_program,
                },
                destination,
            )))
        }
        _ => err!(SettlementError::IncompleteBountyAccounts),
    }
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

/// Verifies a receipt against the channel and credits the provider: the one path every
/// settlement takes (settle, settle_many, close_by_provider). Also records that a buyer's
/// forced close was answered, and accrues rewards for the paid bytes.
pub fn apply_and_credit(
    channel: &mut Account<Channel>,
    provider_market: &mut Account<ProviderMarket>,
    receipt: &ReceiptArgs,
    now: i64,
    pay_bounty: bool,
    rewards: Option<&RewardPool>,
) -> Result<Settlement> {
    let key = channel.key();
    let mut settlement = channel.apply_receipt(
        &key,
        receipt.amount,
        receipt.bytes,
        &receipt.signature,
        now,
        pay_bounty,
    )?;
    credit(channel, provider_market, &mut settlement, rewards)?;
    Ok(settlement)
}

/// Credits an applied settlement to the provider: earnings, fees, a forced close answered,
/// and rewards for the paid bytes (cumulative in the channel's settled values, so they do not
/// depend on how many steps reached them).
pub fn credit(
    channel: &mut Account<Channel>,
    provider_market: &mut Account<ProviderMarket>,
    settlement: &mut Settlement,
    rewards: Option<&RewardPool>,
) -> Result<()> {
    provider_market.credit(&settlement.split, settlement.bytes_delta)?;
    if channel.state == ChannelState::Closing && !channel.close_answered {
        channel.close_answered = true;
        provider_market.forced_closes_answered =
            provider_market.forced_closes_answered.saturating_add(1);
    }
    // Rewards never block a settlement: they saturate.
    if let Some(pool) = rewards.filter(|p| p.active) {
        let (bytes, units) = reward_accrual(
            settlement.from,
            (channel.settled, channel.settled_bytes),
            channel.fee_bps,
            pool.min_price_per_gib,
            pool.reward_per_gib,
        );
        settlement.reward = units;
        provider_market.reward_accrued = provider_market.reward_accrued.saturating_add(units);
        provider_market.rewarded_bytes = provider_market.rewarded_bytes.saturating_add(bytes);
    }
    Ok(())
}

/// What one settling instruction did, for its events: a `ChannelSettled` per channel as it is
/// settled, then one `SettlementBatch` with the totals (docs/adr/0010).
#[derive(Default)]
pub struct Tally {
    pub channels: u16,
    pub gross: u64,
    pub fee: u64,
    pub bounty: u64,
    pub reward: u64,
}

impl Tally {
    /// Emits the channel's event and adds it to the totals.
    pub fn settled(&mut self, channel: &Account<Channel>, settlement: &Settlement) {
        let split = &settlement.split;
        crate::events::emit(&ChannelSettled {
            channel: channel.key(),
            amount: channel.settled,
            bytes: channel.settled_bytes,
            gross: split.gross,
            fee: split.fee,
            bounty: split.bounty,
            provider_amount: split.provider,
            reward: settlement.reward,
        });
        self.channels = self.channels.saturating_add(1);
        self.gross = self.gross.saturating_add(split.gross);
        self.fee = self.fee.saturating_add(split.fee);
        self.bounty = self.bounty.saturating_add(split.bounty);
        self.reward = self.reward.saturating_add(settlement.reward);
    }

    /// Emits the instruction's `SettlementBatch` (nothing if no channel was settled).
    pub fn finish(
        &self,
        provider_market: &ProviderMarket,
        settler: Pubkey,
        bounty_destination: Pubkey,
    ) {
        if self.channels == 0 {
            return;
        }
        crate::events::emit(&SettlementBatch {
            market: provider_market.market,
            provider: provider_market.provider,
            settler,
            bounty_destination: if self.bounty > 0 {
                bounty_destination
            } else {
                Pubkey::default()
            },
            channels: self.channels,
            gross: self.gross,
            fee: self.fee,
            bounty: self.bounty,
            reward: self.reward,
            provider_earnings: provider_market.earnings,
            provider_fees_accrued: provider_market.fees_accrued,
        });
    }
}
