//! What every settling and closing instruction shares: the receipt as it travels, the checks
//! of a watcher's bounty accounts, crediting a provider, the refund of a closed channel, and the
//! events of a settlement. Instruction files are handlers only; this is the logic they share.
use crate::math::reward_accrual;
use crate::{
    errors::SettlementError,
    events::{ChannelClosed, ChannelSettled, SettlementBatch},
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

/// Returns `deposit - settled` to the buyer's free balance and records the close. The
/// account itself is closed by the `close` constraint after the handler.
pub fn refund_to_buyer(
    channel: &Account<Channel>,
    buyer: &mut Account<Buyer>,
    provider_market: &mut Account<ProviderMarket>,
    by_provider: bool,
) -> Result<()> {
    let refund = channel.refund()?;
    buyer.free = buyer
        .free
        .checked_add(refund)
        .ok_or(SettlementError::ArithmeticOverflow)?;
    buyer.open_channels = buyer.open_channels.saturating_sub(1);
    provider_market.channel_closed();
    provider_market.record_rating(channel.rating, channel.settled);
    crate::events::emit(&ChannelClosed {
        market: channel.market,
        buyer: channel.buyer,
        provider: channel.provider,
        channel: channel.key(),
        settled: channel.settled,
        settled_bytes: channel.settled_bytes,
        refund,
        buyer_free_balance: buyer.free,
        by_provider,
        rating: channel.rating,
        answered: channel.close_answered,
    });
    Ok(())
}
