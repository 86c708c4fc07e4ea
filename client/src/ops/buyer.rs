//! A buyer in one market: its escrow (deposit, withdraw) and its channels (open with a session
//! key, top up, rate, request a close, sign receipts). [`finalize_close`] is anyone's.
use super::{Landed, Moved};
use crate::{
    budget as compute,
    errors::{ClientError, InputError},
    ix::ChannelKeys,
    market::{ensure_token_account, load_market, token_balance, MarketInfo},
    receipts::{sessions::SessionKeys, sign_receipt},
    tokens, Chain, Client,
};
use anchor_lang::prelude::Pubkey;
use bandwidth_settlement::{
    instructions::OpenChannelArgs,
    receipt::SignedReceipt,
    state::{Buyer as Escrow, Channel, ChannelState, Provider},
};
use solana_signer::Signer;

/// The client's signer as a buyer in `market`.
pub struct Buyer<'c, C: Chain> {
    client: &'c Client<C>,
    market: MarketInfo,
    /// The escrow's owner when it is not the client's signer (reading, signing receipts with
    /// session keys: nothing sent).
    owner: Option<Pubkey>,
}

/// A channel just opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opened {
    pub channel: Pubkey,
    pub channel_id: u64,
    /// The session key's public key, which signs this channel's receipts.
    pub receipt_signer: Pubkey,
    pub deposit: u64,
    pub dispute_window_secs: u32,
    pub landed: Landed,
}

/// A close requested: the dispute window runs until `deadline`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CloseRequested {
    pub channel: Pubkey,
    pub deadline: i64,
    pub landed: Landed,
}

/// A closing channel finalized after its deadline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finalized {
    pub channel: Pubkey,
    /// What went back to the buyer's free balance.
    pub refunded: u64,
    pub landed: Landed,
}

impl<'c, C: Chain> Buyer<'c, C> {
    /// Reads `market` (and its mint's decimals).
    pub async fn new(client: &'c Client<C>, market: &Pubkey) -> Result<Self, ClientError> {
        Ok(Buyer {
            market: load_market(client, market).await?,
            client,
            owner: None,
        })
    }

    /// The buyer `owner`, for a client that may have no signer: it reads and signs receipts
    /// with the channels' session keys; whatever it sends is still signed by the client's
    /// signer, which the program checks is the owner.
    pub async fn for_owner(
        client: &'c Client<C>,
        market: &Pubkey,
        owner: &Pubkey,
    ) -> Result<Self, ClientError> {
        Ok(Buyer {
            owner: Some(*owner),
            ..Buyer::new(client, market).await?
        })
    }

    pub fn market(&self) -> &MarketInfo {
        &self.market
    }

    pub fn owner(&self) -> Result<Pubkey, ClientError> {
        match self.owner {
            Some(owner) => Ok(owner),
            None => Ok(self.client.try_payer()?.pubkey()),
        }
    }

    /// The buyer's escrow account address in this market.
    pub fn escrow(&self) -> Result<Pubkey, ClientError> {
        Ok(self
            .client
            .pda()
            .buyer(&self.market.address, &self.owner()?))
    }

    /// The escrow, or why there is none.
    pub async fn escrow_account(&self) -> Result<Escrow, ClientError> {
        let escrow = self.escrow()?;
        self.client
            .require(&escrow, "buyer escrow (deposit first)")
            .await
    }

    /// Moves `amount` from `source` (default: the buyer's associated token account) into the
    /// escrow, creating it on the first deposit.
    pub async fn deposit(
        &self,
        amount: u64,
        source: Option<Pubkey>,
    ) -> Result<Landed, ClientError> {
        nonzero(amount)?;
        let owner = self.owner()?;
        let keys = &self.market.keys;
        let source = source
            .unwrap_or_else(|| tokens::associated_address(&owner, &keys.mint, &keys.token_program));
        let held = token_balance(self.client, &source).await?;
        if held < amount {
            return Err(self.input(|decimals| InputError::InsufficientTokens {
                account: source,
                held,
                asked: amount,
                decimals,
            }));
        }
        let ix = self.client.ix().deposit(owner, keys, source, amount);
        self.client.land(&[ix], &[], compute::DEPOSIT).await
    }

    /// Moves `amount` (default: the whole free balance) to `destination` (default: the buyer's
    /// associated token account, created if missing).
    pub async fn withdraw(
        &self,
        amount: Option<u64>,
        destination: Option<Pubkey>,
    ) -> Result<Moved, ClientError> {
        let owner = self.owner()?;
        let escrow = self.escrow_account().await?;
        let amount = amount.unwrap_or(escrow.free);
        nonzero(amount)?;
        self.within_free(&escrow, amount)?;
        let to = match destination {
            Some(d) => d,
            None => ensure_token_account(self.client, &self.market, &owner).await?,
        };
        let ix = self
            .client
            .ix()
            .withdraw(owner, &self.market.keys, to, amount);
        let landed = self.client.land(&[ix], &[], compute::WITHDRAW).await?;
        Ok(Moved { amount, to, landed })
    }

    /// Opens a channel of `amount` to `provider` (its authority or its Provider account) with a
    /// fresh session key, written to `sessions` before the channel exists. `window` defaults to
    /// the shortest the market and the provider accept.
    pub async fn open_channel(
        &self,
        sessions: &SessionKeys,
        provider: &Pubkey,
        amount: u64,
        window: Option<u32>,
    ) -> Result<Opened, ClientError> {
        nonzero(amount)?;
        let (provider, p) = provider_account(self.client, provider).await?;
        if !p.active {
            return Err(InputError::ProviderInactive(provider).into());
        }
        let escrow = self.escrow_account().await?;
        self.within_free(&escrow, amount)?;
        let window = self.window(&p, window)?;
        let escrow_address = self.escrow()?;
        let channel = self
            .client
            .pda()
            .channel(&escrow_address, escrow.next_channel_id);
        let session = sessions.for_channel(&channel)?;
        let args = OpenChannelArgs {
            amount,
            dispute_window_secs: window,
            receipt_signer: session.pubkey(),
        };
        let (ix, address) = self.client.ix().open_channel(
            self.owner()?,
            self.market.address,
            provider,
            escrow.next_channel_id,
            args,
        );
        debug_assert_eq!(address, channel);
        let landed = self.client.land(&[ix], &[], compute::OPEN_CHANNEL).await?;
        Ok(Opened {
            channel,
            channel_id: escrow.next_channel_id,
            receipt_signer: session.pubkey(),
            deposit: amount,
            dispute_window_secs: window,
            landed,
        })
    }

    /// Moves `amount` of the free balance into an open channel's deposit.
    pub async fn top_up(&self, channel: &Pubkey, amount: u64) -> Result<Landed, ClientError> {
        nonzero(amount)?;
        let (keys, _) = self.own_channel(channel).await?;
        self.within_free(&self.escrow_account().await?, amount)?;
        let ix = self.client.ix().top_up(self.owner()?, &keys, amount);
        self.client.land(&[ix], &[], compute::TOP_UP).await
    }

    /// Rates the channel's provider, 1 to 5; it counts at close, weighted by what was paid.
    pub async fn rate(&self, channel: &Pubkey, rating: u8) -> Result<Landed, ClientError> {
        if !(1..=5).contains(&rating) {
            return Err(InputError::RatingOutOfRange(rating).into());
        }
        let (keys, _) = self.own_channel(channel).await?;
        let ix = self.client.ix().rate_channel(self.owner()?, &keys, rating);
        self.client.land(&[ix], &[], compute::RATE).await
    }

    /// Starts the dispute window: the provider may settle its best receipt until the deadline,
    /// then anyone may [`finalize_close`].
    pub async fn request_close(&self, channel: &Pubkey) -> Result<CloseRequested, ClientError> {
        let (keys, _) = self.own_channel(channel).await?;
        let ix = self.client.ix().request_close(self.owner()?, &keys);
        let landed = self.client.land(&[ix], &[], compute::REQUEST_CLOSE).await?;
        let c: Channel = self.client.require(channel, "channel").await?;
        Ok(CloseRequested {
            channel: *channel,
            deadline: c.close_deadline,
            landed,
        })
    }

    /// Signs the cumulative receipt `(amount, bytes)` with the channel's session key, never
    /// beyond the channel's deposit.
    pub async fn sign_receipt(
        &self,
        sessions: &SessionKeys,
        channel: &Pubkey,
        amount: u64,
        bytes: u64,
    ) -> Result<SignedReceipt, ClientError> {
        let (_, c) = self.own_channel(channel).await?;
        let key = sessions.load(channel)?;
        if key.pubkey() != c.receipt_signer {
            return Err(InputError::SessionKeyMismatch {
                channel: *channel,
                signer: c.receipt_signer,
            }
            .into());
        }
        if amount > c.deposit {
            return Err(self.input(|decimals| InputError::ExceedsDeposit {
                deposit: c.deposit,
                asked: amount,
                decimals,
            }));
        }
        Ok(sign_receipt(&key, channel, amount, bytes))
    }

    /// The channel, checked to be this buyer's in this market.
    async fn own_channel(&self, channel: &Pubkey) -> Result<(ChannelKeys, Channel), ClientError> {
        let c: Channel = self.client.require(channel, "channel").await?;
        if c.market != self.market.address {
            return Err(InputError::WrongMarket {
                channel: *channel,
                expected: self.market.address,
                actual: c.market,
            }
            .into());
        }
        if c.buyer != self.escrow()? {
            return Err(InputError::NotChannelBuyer {
                channel: *channel,
                signer: self.owner()?,
            }
            .into());
        }
        Ok((ChannelKeys::from_account(*channel, &c), c))
    }

    fn within_free(&self, escrow: &Escrow, amount: u64) -> Result<(), ClientError> {
        if amount > escrow.free {
            return Err(self.input(|decimals| InputError::InsufficientFreeBalance {
                free: escrow.free,
                asked: amount,
                decimals,
            }));
        }
        Ok(())
    }

    /// The dispute window asked for, or the shortest both sides accept, checked against both.
    fn window(&self, provider: &Provider, asked: Option<u32>) -> Result<u32, ClientError> {
        let (min, max) = (
            self.market.account.min_dispute_window_secs,
            self.market.account.max_dispute_window_secs,
        );
        let window = asked.unwrap_or(min.max(provider.min_dispute_window_secs));
        if !(min..=max).contains(&window) || window < provider.min_dispute_window_secs {
            return Err(InputError::DisputeWindowOutOfBounds {
                asked: window,
                min,
                max,
                provider_min: provider.min_dispute_window_secs,
            }
            .into());
        }
        Ok(window)
    }

    fn input(&self, error: impl FnOnce(u8) -> InputError) -> ClientError {
        error(self.market.decimals).into()
    }
}

/// Anyone, once a closing channel's deadline has passed: refunds the rest of the deposit to the
/// buyer's free balance and closes the channel (its rent goes back to whoever paid it).
pub async fn finalize_close<C: Chain>(
    client: &Client<C>,
    channel: &Pubkey,
) -> Result<Finalized, ClientError> {
    let c: Channel = client.require(channel, "channel").await?;
    if c.state != ChannelState::Closing {
        return Err(InputError::ChannelOpen(*channel).into());
    }
    let now = client.chain.clock().await?.unix_timestamp;
    if now < c.close_deadline {
        return Err(InputError::DisputeWindowOpen {
            channel: *channel,
            deadline: c.close_deadline,
            left: c.close_deadline - now,
        }
        .into());
    }
    let keys = ChannelKeys::from_account(*channel, &c);
    let ix = client.ix().finalize_close(&keys);
    let landed = client.land(&[ix], &[], compute::FINALIZE).await?;
    Ok(Finalized {
        channel: *channel,
        refunded: c.deposit - c.settled,
        landed,
    })
}

/// The Provider account for `key`, which may be the Provider account itself or its authority.
pub async fn provider_account<C: Chain>(
    client: &Client<C>,
    key: &Pubkey,
) -> Result<(Pubkey, Provider), ClientError> {
    if let Ok(Some(p)) = client.get::<Provider>(key).await {
        return Ok((*key, p));
    }
    let address = client.pda().provider(key);
    let p = client.require(&address, "provider").await?;
    Ok((address, p))
}

pub(crate) fn nonzero(amount: u64) -> Result<(), ClientError> {
    if amount == 0 {
        return Err(InputError::ZeroAmount.into());
    }
    Ok(())
}
