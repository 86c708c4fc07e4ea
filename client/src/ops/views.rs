//! Reads: a market, a buyer's escrow and channels, a channel, a provider, a market's providers
//! ranked, a reward pool. Decoded accounts and what follows from them, in base units; the CLI
//! formats them.
use super::{admin::PROVIDER_MARKET_MARKET_OFFSET, provider::mint_decimals};
use crate::{
    errors::ClientError,
    market::{load_market, token_balance, MarketInfo},
    reputation::{self, Score},
    tokens, Chain, Client,
};
use anchor_lang::prelude::Pubkey;
use bandwidth_settlement::state::{
    Buyer as Escrow, Channel, Provider as ProviderAccount, ProviderMarket, RewardPool,
};

/// A market as it is now.
#[derive(Clone, Debug)]
pub struct MarketView {
    pub info: MarketInfo,
    pub now: i64,
    pub vault_balance: u64,
    /// The fee of channels opened now.
    pub fee_bps: u16,
    /// An announced fee and when it takes effect.
    pub announced_fee: Option<(u16, i64)>,
    /// The payment mint's Token-2022 extensions, and the program's mint policy's verdict on
    /// them today (a market created before protocol v2 may hold a mint it would now refuse:
    /// docs/adr/0008).
    pub mint_extensions: Vec<String>,
    pub mint_policy: Result<(), String>,
}

pub async fn market<C: Chain>(
    client: &Client<C>,
    market: &Pubkey,
) -> Result<MarketView, ClientError> {
    let info = load_market(client, market).await?;
    let a = &info.account;
    let now = client.chain.clock().await?.unix_timestamp;
    let vault_balance = token_balance(client, &a.vault).await?;
    let (mint_extensions, mint_policy) = mint_policy(client, &a.mint).await?;
    Ok(MarketView {
        now,
        vault_balance,
        fee_bps: a.fee_bps_at(now),
        announced_fee: (a.fee_change_at != 0 && now < a.fee_change_at)
            .then_some((a.pending_fee_bps, a.fee_change_at)),
        mint_extensions,
        mint_policy,
        info,
    })
}

/// The Token-2022 extensions of `mint` and the program's mint policy's verdict on them.
async fn mint_policy<C: Chain>(
    client: &Client<C>,
    mint: &Pubkey,
) -> Result<(Vec<String>, Result<(), String>), ClientError> {
    use spl_token_2022_interface::{
        extension::{BaseStateWithExtensions, StateWithExtensions},
        state::Mint,
    };
    let mut account = client
        .chain
        .account(mint)
        .await?
        .ok_or(ClientError::NotFound {
            what: "mint",
            address: *mint,
        })?;
    let extensions = if account.owner == spl_token_2022_interface::ID {
        StateWithExtensions::<Mint>::unpack(&account.data)
            .and_then(|m| m.get_extension_types())
            .map_err(|e| ClientError::Invalid(format!("mint {mint}: {e}")))?
            .iter()
            .map(|e| format!("{e:?}"))
            .collect()
    } else {
        vec![]
    };
    // The program's own check, run on the account as the program would see it.
    let (key, owner) = (*mint, account.owner);
    let info = anchor_lang::prelude::AccountInfo::new(
        &key,
        false,
        false,
        &mut account.lamports,
        &mut account.data,
        &owner,
        false,
    );
    let verdict = bandwidth_settlement::mint_policy::check_mint(&info).map_err(|e| e.to_string());
    Ok((extensions, verdict))
}

/// A buyer's escrow in a market and its channels.
#[derive(Clone, Debug)]
pub struct BuyerView {
    pub info: MarketInfo,
    pub owner: Pubkey,
    pub escrow: Pubkey,
    pub account: Escrow,
    /// The owner's associated token account balance, when it has one.
    pub wallet_balance: Option<u64>,
    /// Every channel of the escrow that still exists.
    pub channels: Vec<(Pubkey, Channel)>,
}

pub async fn buyer<C: Chain>(
    client: &Client<C>,
    market: &Pubkey,
    owner: &Pubkey,
) -> Result<BuyerView, ClientError> {
    let info = load_market(client, market).await?;
    let escrow = client.pda().buyer(market, owner);
    let account: Escrow = client
        .require(&escrow, "buyer escrow (deposit first)")
        .await?;
    let keys = &info.keys;
    let wallet = tokens::associated_address(owner, &keys.mint, &keys.token_program);
    let wallet_balance = client
        .chain
        .account(&wallet)
        .await?
        .and_then(|a| tokens::balance(&a.data));
    let addresses: Vec<Pubkey> = (0..account.next_channel_id)
        .map(|id| client.pda().channel(&escrow, id))
        .collect();
    let found = client.get_many::<Channel>(&addresses).await?;
    let channels = addresses
        .into_iter()
        .zip(found)
        .filter_map(|(a, c)| c.map(|c| (a, c)))
        .collect();
    Ok(BuyerView {
        info,
        owner: *owner,
        escrow,
        account,
        wallet_balance,
        channels,
    })
}

/// A channel and its market.
#[derive(Clone, Debug)]
pub struct ChannelInfo {
    pub address: Pubkey,
    pub account: Channel,
    pub info: MarketInfo,
}

pub async fn channel<C: Chain>(
    client: &Client<C>,
    channel: &Pubkey,
) -> Result<ChannelInfo, ClientError> {
    let account: Channel = client.require(channel, "channel").await?;
    Ok(ChannelInfo {
        address: *channel,
        info: load_market(client, &account.market).await?,
        account,
    })
}

/// A provider and its accounts in some markets.
#[derive(Clone, Debug)]
pub struct ProviderView {
    pub address: Pubkey,
    pub account: ProviderAccount,
    /// The markets asked for that it has joined.
    pub markets: Vec<(MarketInfo, ProviderMarket)>,
}

pub async fn provider<C: Chain>(
    client: &Client<C>,
    authority: &Pubkey,
    markets: &[Pubkey],
) -> Result<ProviderView, ClientError> {
    let address = client.pda().provider(authority);
    let account: ProviderAccount = client.require(&address, "provider").await?;
    let mut joined = vec![];
    for market in markets {
        let pm_address = client.pda().provider_market(market, &address);
        if let Some(pm) = client.get::<ProviderMarket>(&pm_address).await? {
            joined.push((load_market(client, market).await?, pm));
        }
    }
    Ok(ProviderView {
        address,
        account,
        markets: joined,
    })
}

/// One provider of a market, with its score.
#[derive(Clone, Debug)]
pub struct Ranked {
    pub provider: ProviderAccount,
    pub market_account: ProviderMarket,
    pub score: Score,
}

/// A market's providers, best score first (see [`reputation`]): two requests, whatever their
/// number.
pub async fn ranking<C: Chain>(
    client: &Client<C>,
    market: &Pubkey,
) -> Result<(MarketInfo, Vec<Ranked>), ClientError> {
    let info = load_market(client, market).await?;
    let pms: Vec<ProviderMarket> = client
        .accounts_of::<ProviderMarket>(PROVIDER_MARKET_MARKET_OFFSET, market)
        .await?
        .into_iter()
        .map(|(_, pm)| pm)
        .collect();
    let keys: Vec<Pubkey> = pms.iter().map(|pm| pm.provider).collect();
    let providers = client.get_many::<ProviderAccount>(&keys).await?;
    let mut ranked: Vec<Ranked> = pms
        .into_iter()
        .zip(providers)
        .filter_map(|(pm, p)| {
            p.map(|provider| Ranked {
                score: reputation::score(&pm, info.decimals),
                provider,
                market_account: pm,
            })
        })
        .collect();
    ranked.sort_by(|a, b| b.score.score.total_cmp(&a.score.score));
    Ok((info, ranked))
}

/// A market's reward pool as it is now.
#[derive(Clone, Debug)]
pub struct RewardsView {
    pub info: MarketInfo,
    pub address: Pubkey,
    pub pool: RewardPool,
    pub reward_decimals: u8,
    pub now: i64,
    /// The fee of channels opened now.
    pub fee_bps: u16,
}

/// What a wash trader (a buyer paying itself as provider) spends and gets per rewarded GiB.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BreakEven {
    /// What it cannot get back: the protocol fee on the least a rewarded GiB can be paid.
    pub fee_per_rewarded_gib: u64,
    /// Wash trading pays only if one reward token is worth more than this many payment tokens.
    pub break_even_reward_price: f64,
}

impl RewardsView {
    pub fn epoch(&self) -> u64 {
        u64::try_from(self.now).unwrap_or(0) / u64::from(self.pool.epoch_secs.max(1))
    }

    /// Reward base units allotted in the current epoch so far.
    pub fn allotted_in_epoch(&self) -> u64 {
        if self.pool.epoch == self.epoch() {
            self.pool.allotted_in_epoch
        } else {
            0
        }
    }

    pub fn break_even(&self) -> BreakEven {
        let fee = u128::from(self.pool.min_price_per_gib) * u128::from(self.fee_bps) / 10_000;
        // Payment tokens per reward token, both as whole tokens.
        let price = if self.pool.reward_per_gib == 0 {
            f64::INFINITY
        } else {
            (fee as f64 / 10f64.powi(i32::from(self.info.decimals)))
                / (self.pool.reward_per_gib as f64 / 10f64.powi(i32::from(self.reward_decimals)))
        };
        BreakEven {
            fee_per_rewarded_gib: fee as u64,
            break_even_reward_price: price,
        }
    }
}

pub async fn rewards<C: Chain>(
    client: &Client<C>,
    market: &Pubkey,
) -> Result<RewardsView, ClientError> {
    let info = load_market(client, market).await?;
    let address = client.pda().reward_pool(market);
    let pool: RewardPool = client
        .require(&address, "reward pool (configure rewards first)")
        .await?;
    let reward_decimals = mint_decimals(client, &pool.mint, "reward mint").await?;
    let now = client.chain.clock().await?.unix_timestamp;
    Ok(RewardsView {
        fee_bps: info.account.fee_bps_at(now),
        info,
        address,
        pool,
        reward_decimals,
        now,
    })
}
