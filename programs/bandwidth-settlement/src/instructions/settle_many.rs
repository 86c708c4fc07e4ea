use crate::{
    errors::SettlementError,
    halfagg, receipt,
    settlement::{apply_and_credit, bounty_payout, credit, ReceiptArgs, Tally},
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

/// The compact form of a batch (docs/protocol.md §3.1, §3.2): the aggregated scalar `S`, and
/// per channel, in the order of the channel accounts, `R ‖ amount ‖ bytes` as
/// `halfagg::encode_entry` writes them.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, PartialEq, Eq)]
pub struct AggregatedReceipts {
    pub s: [u8; 32],
    pub entries: Vec<u8>,
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
        let mut batch = Batch::open(ctx.accounts, channels)?;
        for (info, receipt) in channels.iter().zip(&receipts) {
            let mut channel = batch.load(info)?;
            if receipt.amount <= channel.settled {
                continue;
            }
            let pay_bounty = batch.pays_bounty(&channel);
            let settlement = apply_and_credit(
                &mut channel,
                &mut batch.accounts.provider_market,
                receipt,
                batch.now,
                pay_bounty,
                batch.pool.as_ref(),
            )?;
            batch.record(&mut channel, &settlement)?;
        }
        batch.close()
    }

    /// The same with half-aggregated receipts: one scalar for the whole batch and 32 bytes
    /// plus two varints per channel instead of 80 bytes (docs/protocol.md §3.1). Every
    /// channel's receipt is still its buyer's signature: one invalid receipt makes the whole
    /// aggregate invalid. Cheap checks (accounts, deadlines, deposits) come before the one
    /// multiscalar multiplication.
    pub fn handle_aggregated(
        ctx: Context<'info, SettleMany<'info>>,
        receipts: AggregatedReceipts,
    ) -> Result<()> {
        let channels = ctx.remaining_accounts;
        require!(!channels.is_empty(), SettlementError::EmptyBatch);
        require!(
            channels.len() <= halfagg::MAX_BATCH,
            SettlementError::BatchTooLarge
        );
        let mut batch = Batch::open(ctx.accounts, channels)?;
        let mut decoder = halfagg::EntryDecoder::new(&receipts.entries);
        let mut loaded = Vec::with_capacity(channels.len());
        for info in channels {
            let channel = batch.load(info)?;
            let (r, amount, bytes) = decoder
                .next(channel.settled, channel.price_per_gib)
                .map_err(|_| error!(SettlementError::MalformedAggregateEntries))?;
            if amount > channel.settled {
                channel.require_settleable(batch.now)?;
                require!(
                    amount <= channel.deposit,
                    SettlementError::AmountExceedsDeposit
                );
            }
            let message = receipt::message(info.key, amount, bytes);
            loaded.push((channel, r, message, amount, bytes));
        }
        decoder
            .finish()
            .map_err(|_| error!(SettlementError::MalformedAggregateEntries))?;
        let signers: Vec<[u8; 32]> = loaded
            .iter()
            .map(|(c, ..)| c.receipt_signer.to_bytes())
            .collect();
        let items: Vec<halfagg::Item> = loaded
            .iter()
            .zip(&signers)
            .map(|((_, r, message, ..), signer)| halfagg::Item { signer, r, message })
            .collect();
        require!(
            halfagg::verify(&items, &receipts.s),
            SettlementError::InvalidAggregateSignature
        );
        for (mut channel, _, _, amount, bytes) in loaded {
            // Verified, but already settled as far (someone settled it first): skipped.
            if amount <= channel.settled {
                continue;
            }
            let pay_bounty = batch.pays_bounty(&channel);
            let mut settlement = channel.apply_verified(amount, bytes, pay_bounty)?;
            credit(
                &mut channel,
                &mut batch.accounts.provider_market,
                &mut settlement,
                batch.pool.as_ref(),
            )?;
            batch.record(&mut channel, &settlement)?;
        }
        batch.close()
    }
}

/// What every batch settlement shares: the accounts checked once, the reward pool, whether a
/// watcher is paid, and the bounties summed for one transfer at the end.
struct Batch<'a, 'info> {
    accounts: &'a mut SettleMany<'info>,
    now: i64,
    market: Pubkey,
    provider: Pubkey,
    settler: Pubkey,
    pool: Option<RewardPool>,
    /// A watcher passed the bounty accounts.
    watcher_paid: bool,
    destination: Pubkey,
    tally: Tally,
}

impl<'a, 'info> Batch<'a, 'info> {
    fn open(accounts: &'a mut SettleMany<'info>, channels: &[AccountInfo<'info>]) -> Result<Self> {
        // At most a few dozen entries fit in a transaction: the quadratic check is cheap.
        for (i, a) in channels.iter().enumerate() {
            require!(
                channels[..i].iter().all(|b| b.key != a.key),
                SettlementError::DuplicateChannel
            );
        }
        let market = accounts.provider_market.market;
        let pool = RewardPool::for_settlement(&accounts.reward_pool, &market)?;
        let settler = accounts.settler.key();
        let destination = bounty_payout(
            &accounts.market,
            &accounts.vault,
            &accounts.mint,
            &accounts.bounty_destination,
            &accounts.token_program,
            &market,
        )?
        .map(|(_, d)| d.key());
        Ok(Batch {
            now: Clock::get()?.unix_timestamp,
            market,
            provider: accounts.provider.key(),
            settler,
            pool,
            watcher_paid: destination.is_some() && settler != accounts.provider.authority,
            destination: destination.unwrap_or_default(),
            tally: Tally::default(),
            accounts,
        })
    }

    /// A channel of the batch: writable, this provider's, this market's.
    fn load(&self, info: &'info AccountInfo<'info>) -> Result<Account<'info, Channel>> {
        require!(info.is_writable, SettlementError::ChannelNotWritable);
        let channel = Account::<Channel>::try_from(info)?;
        require_keys_eq!(
            channel.provider,
            self.provider,
            SettlementError::WrongProvider
        );
        require_keys_eq!(channel.market, self.market, SettlementError::WrongMarket);
        Ok(channel)
    }

    fn pays_bounty(&self, channel: &Channel) -> bool {
        self.watcher_paid && channel.in_bounty_phase(self.now)
    }

    /// Writes a settled channel back and emits its event.
    fn record(&mut self, channel: &mut Account<'info, Channel>, s: &Settlement) -> Result<()> {
        channel.exit(&crate::ID)?;
        self.tally.settled(channel, s);
        Ok(())
    }

    /// Pays the watcher its bounties in one transfer; emits the batch's totals.
    fn close(self) -> Result<()> {
        let a = &*self.accounts;
        if self.tally.bounty > 0 {
            if let Some((vault, destination)) = bounty_payout(
                &a.market,
                &a.vault,
                &a.mint,
                &a.bounty_destination,
                &a.token_program,
                &self.market,
            )? {
                vault.pay(destination, self.tally.bounty)?;
            }
        }
        self.tally
            .finish(&a.provider_market, self.settler, self.destination);
        Ok(())
    }
}
