//! A provider in one market: registering and joining, terms and price, settling its receipt
//! store, closing channels with their final receipt, earnings, rewards and stake, and the
//! lookup table its settlements use.
use super::{buyer::nonzero, Landed, Moved};
use crate::{
    budget as compute,
    errors::{ClientError, InputError},
    ix::ChannelKeys,
    lookup,
    market::{ensure_token_account, load_market, MarketInfo},
    receipts::{
        store::{Book, ChannelTerms, ReceiptStore, Verdict},
        to_args,
    },
    settlement::{self, SettleRow},
    tokens, Chain, Client,
};
use anchor_lang::prelude::Pubkey;
use bandwidth_settlement::{
    instructions::{RegisterProviderArgs, UpdateProviderArgs},
    receipt::SignedReceipt,
    state::{Buyer as Escrow, Channel, Provider as ProviderAccount, ProviderMarket, RewardPool},
};
use solana_message::AddressLookupTableAccount;

/// The client's signer as a provider (its authority) in `market`.
pub struct Provider<'c, C: Chain> {
    client: &'c Client<C>,
    market: MarketInfo,
}

/// A channel closed by its provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClosedByProvider {
    pub channel: Pubkey,
    /// The final receipt settled on the way, when the store had one above what was settled.
    pub final_amount: Option<u64>,
    pub landed: Landed,
}

/// Rewards claimed, in base units of the reward mint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claimed {
    pub reward_mint: Pubkey,
    pub reward_decimals: u8,
    pub minted: u64,
    /// What this claim moved from accrued into the vesting schedule.
    pub allotted: u64,
    pub accrued: u64,
    pub vesting: u64,
    pub vest_end: i64,
    pub claimed_total: u64,
    pub landed: Landed,
}

/// What `check_receipt` found.
#[derive(Clone, Debug)]
pub struct ReceiptCheck {
    pub receipt: SignedReceipt,
    pub channel: Channel,
    /// What the program would take now: a valid signature of the channel's signer, within the
    /// deposit, above what is settled.
    pub valid: bool,
    /// What the store did with it, when one was given.
    pub stored: Option<Verdict>,
}

impl<'c, C: Chain> Provider<'c, C> {
    /// Reads `market` (and its mint's decimals).
    pub async fn new(client: &'c Client<C>, market: &Pubkey) -> Result<Self, ClientError> {
        Ok(Provider {
            market: load_market(client, market).await?,
            client,
        })
    }

    pub fn market(&self) -> &MarketInfo {
        &self.market
    }

    pub fn authority(&self) -> Result<Pubkey, ClientError> {
        Ok(self.client.try_payer()?.pubkey())
    }

    /// The provider's account (shared by every market it joins).
    pub fn address(&self) -> Result<Pubkey, ClientError> {
        Ok(self.client.pda().provider(&self.authority()?))
    }

    /// Its account in this market.
    pub fn market_account_address(&self) -> Result<Pubkey, ClientError> {
        Ok(self
            .client
            .pda()
            .provider_market(&self.market.address, &self.address()?))
    }

    pub async fn account(&self) -> Result<ProviderAccount, ClientError> {
        self.client
            .require(&self.address()?, "provider (bwx provider register)")
            .await
    }

    pub async fn market_account(&self) -> Result<ProviderMarket, ClientError> {
        self.client
            .require(
                &self.market_account_address()?,
                "provider account in this market (bwx provider register --market)",
            )
            .await
    }

    /// Registers the signer as a provider (unless it is one) and joins this market at
    /// `price_per_gib`, in one transaction.
    pub async fn register(
        &self,
        args: RegisterProviderArgs,
        price_per_gib: u64,
    ) -> Result<Landed, ClientError> {
        let authority = self.authority()?;
        let ix = self.client.ix();
        let mut ixs = vec![];
        if self.client.chain.account(&self.address()?).await?.is_none() {
            ixs.push(ix.register_provider(authority, args));
        }
        ixs.push(ix.join_market(authority, self.market.address, price_per_gib));
        self.client.land(&ixs, &[], compute::PROVIDER * 2).await
    }

    /// Changes the provider's terms, and its price in this market when given.
    pub async fn update(
        &self,
        args: UpdateProviderArgs,
        price_per_gib: Option<u64>,
    ) -> Result<Landed, ClientError> {
        let authority = self.authority()?;
        let ix = self.client.ix();
        let mut ixs = vec![ix.update_provider(authority, args)];
        if let Some(price) = price_per_gib {
            ixs.push(ix.set_price(authority, self.market.address, price));
        }
        self.client.land(&ixs, &[], compute::ADMIN * 2).await
    }

    /// Settles the best receipt `store` holds for `channel` (default: every channel with
    /// something unsettled), many channels per transaction: one row per channel.
    pub async fn settle<S: Book>(
        &self,
        store: &mut S,
        channel: Option<Pubkey>,
        tables: &[AddressLookupTableAccount],
    ) -> Result<Vec<SettleRow>, ClientError> {
        settlement::settle(self.client, store, channel, tables).await
    }

    /// Closes `channel` at once, settling the best receipt of `store` first when it is above
    /// what the chain has settled; the store records the close.
    pub async fn close(
        &self,
        store: Option<&mut dyn Book>,
        channel: &Pubkey,
    ) -> Result<ClosedByProvider, ClientError> {
        let c: Channel = self.client.require(channel, "channel").await?;
        if c.provider != self.address()? {
            let escrow: Escrow = self.client.require(&c.buyer, "buyer escrow").await?;
            return Err(InputError::NotChannelParty {
                channel: *channel,
                signer: self.authority()?,
                buyer: escrow.owner,
            }
            .into());
        }
        let best = store
            .as_ref()
            .and_then(|s| s.best(channel))
            .filter(|b| b.receipt.amount > c.settled && b.receipt.amount <= c.deposit);
        let keys = ChannelKeys::from_account(*channel, &c);
        let ix = self.client.ix().close_by_provider(
            self.authority()?,
            &keys,
            best.as_ref().map(to_args),
        );
        let landed = self
            .client
            .land(&[ix], &[], compute::CLOSE_BY_PROVIDER)
            .await?;
        if let Some(store) = store {
            if store.channel(channel).is_some() {
                if let Some(b) = best {
                    store.record_settled(channel, b.receipt.amount, b.receipt.bytes)?;
                }
                store.record_closed(channel)?;
            }
        }
        Ok(ClosedByProvider {
            channel: *channel,
            final_amount: best.map(|b| b.receipt.amount),
            landed,
        })
    }

    /// Moves `amount` (default: all) of the earnings to `destination` (default: the payout
    /// wallet's associated token account, created if missing).
    pub async fn withdraw_earnings(
        &self,
        amount: Option<u64>,
        destination: Option<Pubkey>,
    ) -> Result<Moved, ClientError> {
        let pm = self.market_account().await?;
        let amount = amount.unwrap_or(pm.earnings);
        if pm.earnings == 0 {
            return Err(InputError::NoEarnings.into());
        }
        nonzero(amount)?;
        if amount > pm.earnings {
            return Err(InputError::ExceedsEarnings {
                earnings: pm.earnings,
                asked: amount,
                decimals: self.market.decimals,
            }
            .into());
        }
        let to = self.payout_account(destination).await?;
        let ix = self.client.ix().withdraw_earnings(
            self.authority()?,
            &self.market.keys,
            to,
            Some(amount),
        );
        let landed = self
            .client
            .land(&[ix], &[], compute::WITHDRAW_EARNINGS)
            .await?;
        Ok(Moved { amount, to, landed })
    }

    /// Claims the vested rewards into the payout wallet's reward-token account.
    pub async fn claim_rewards(&self) -> Result<Claimed, ClientError> {
        let market = self.market.address;
        let pool: RewardPool = self
            .client
            .require(&self.client.pda().reward_pool(&market), "reward pool")
            .await?;
        let reward_decimals = mint_decimals(self.client, &pool.mint, "reward mint").await?;
        let p = self.account().await?;
        let rewards_market = MarketInfo {
            keys: crate::ix::MarketKeys {
                mint: pool.mint,
                token_program: pool.token_program,
                ..self.market.keys
            },
            ..self.market.clone()
        };
        let to = ensure_token_account(self.client, &rewards_market, &p.payout).await?;
        let before = self.market_account().await?;
        let ix = self.client.ix().claim_rewards(
            self.authority()?,
            market,
            pool.mint,
            pool.token_program,
            to,
        );
        let landed = self.client.land(&[ix], &[], compute::PROVIDER).await?;
        let after = self.market_account().await?;
        Ok(Claimed {
            reward_mint: pool.mint,
            reward_decimals,
            minted: after.rewards_claimed - before.rewards_claimed,
            allotted: before.reward_accrued - after.reward_accrued,
            accrued: after.reward_accrued,
            vesting: after.reward_locked - after.reward_released,
            vest_end: after.reward_vest_end,
            claimed_total: after.rewards_claimed,
            landed,
        })
    }

    /// Bonds `amount` from the authority's associated token account as stake.
    pub async fn stake(&self, amount: u64) -> Result<Landed, ClientError> {
        nonzero(amount)?;
        let me = self.authority()?;
        let keys = &self.market.keys;
        let source = tokens::associated_address(&me, &keys.mint, &keys.token_program);
        let ix = self.client.ix().stake(me, keys, source, amount);
        self.client.land(&[ix], &[], compute::DEPOSIT).await
    }

    /// Starts unbonding `amount` of the stake.
    pub async fn unstake(&self, amount: u64) -> Result<Landed, ClientError> {
        nonzero(amount)?;
        let pm = self.market_account().await?;
        if amount > pm.stake {
            return Err(InputError::ExceedsStake {
                stake: pm.stake,
                asked: amount,
                decimals: self.market.decimals,
            }
            .into());
        }
        let ix = self
            .client
            .ix()
            .unstake(self.authority()?, self.market.address, amount);
        self.client.land(&[ix], &[], compute::ADMIN).await
    }

    /// Withdraws unbonded stake to the payout wallet once the unbonding delay has passed.
    pub async fn withdraw_stake(&self) -> Result<Moved, ClientError> {
        let pm = self.market_account().await?;
        let to = self.payout_account(None).await?;
        let ix = self
            .client
            .ix()
            .withdraw_stake(self.authority()?, &self.market.keys, to);
        let landed = self.client.land(&[ix], &[], compute::WITHDRAW).await?;
        Ok(Moved {
            amount: pm.unbonding,
            to,
            landed,
        })
    }

    /// The addresses its settlements in this market touch: its accounts, the reward pool
    /// address (passed by every settlement), the market and its vault (a watcher's bounty
    /// accounts), then the open channels `store` knows.
    pub fn table_addresses(&self, store: &impl Book) -> Result<Vec<Pubkey>, ClientError> {
        let pda = self.client.pda();
        let market = self.market.address;
        let mut addresses = vec![
            self.address()?,
            self.market_account_address()?,
            pda.reward_pool(&market),
            market,
            pda.vault(&market),
        ];
        addresses.extend(
            store
                .channels()
                .into_iter()
                .filter(|c| !c.closed && c.terms.market == market)
                .map(|c| c.terms.channel),
        );
        Ok(addresses)
    }

    /// Creates an address lookup table of [`table_addresses`](Self::table_addresses).
    pub async fn create_lookup_table(&self, store: &impl Book) -> Result<Pubkey, ClientError> {
        lookup::create(self.client, &self.table_addresses(store)?).await
    }

    /// Adds to `table` what it lacks of [`table_addresses`](Self::table_addresses).
    pub async fn extend_lookup_table(
        &self,
        store: &impl Book,
        table: &Pubkey,
    ) -> Result<(), ClientError> {
        lookup::extend(self.client, table, &self.table_addresses(store)?).await
    }

    async fn payout_account(&self, destination: Option<Pubkey>) -> Result<Pubkey, ClientError> {
        match destination {
            Some(d) => Ok(d),
            None => {
                let p = self.account().await?;
                ensure_token_account(self.client, &self.market, &p.payout).await
            }
        }
    }
}

/// Changes the signer's provider terms (every market it is in).
pub async fn update_terms<C: Chain>(
    client: &Client<C>,
    args: UpdateProviderArgs,
) -> Result<Landed, ClientError> {
    let ix = client
        .ix()
        .update_provider(client.try_payer()?.pubkey(), args);
    client.land(&[ix], &[], compute::ADMIN).await
}

/// Checks a receipt against its channel on-chain (signer, deposit, what is settled); with
/// `store`, keeps it when it is the channel's new best. Anyone may check; a provider stores.
pub async fn check_receipt<C: Chain>(
    client: &Client<C>,
    receipt: &SignedReceipt,
    store: Option<&mut ReceiptStore>,
) -> Result<ReceiptCheck, ClientError> {
    let address = receipt.receipt.channel;
    let c: Channel = client.require(&address, "channel").await?;
    let valid = receipt.verify(&c.receipt_signer)
        && receipt.receipt.amount <= c.deposit
        && receipt.receipt.amount > c.settled;
    let stored = match store {
        Some(store) => {
            store.add_channel(ChannelTerms {
                channel: address,
                market: c.market,
                signer: c.receipt_signer,
                deposit: c.deposit,
            })?;
            store.record_settled(&address, c.settled, c.settled_bytes)?;
            Some(store.accept(receipt)?)
        }
        None => None,
    };
    Ok(ReceiptCheck {
        receipt: *receipt,
        channel: c,
        valid,
        stored,
    })
}

/// The decimals of `mint`.
pub async fn mint_decimals<C: Chain>(
    client: &Client<C>,
    mint: &Pubkey,
    what: &'static str,
) -> Result<u8, ClientError> {
    let account = client
        .chain
        .account(mint)
        .await?
        .ok_or(ClientError::NotFound {
            what,
            address: *mint,
        })?;
    tokens::mint_info(&account.data)
        .map(|(decimals, _)| decimals)
        .ok_or_else(|| ClientError::Invalid(format!("{mint} is not a mint")))
}
