//! `bwx provider register | update | show`.
use super::{compute, ensure_token_account, load_market, market::percent, MarketInfo};
use crate::{context::Ctx, errors::ClientError, ix, pda, reputation, tokens, Chain, Client};
use anchor_lang::prelude::Pubkey;
use bandwidth_settlement::{
    instructions::{RegisterProviderArgs, UpdateProviderArgs},
    state::{Provider, ProviderMarket},
};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct ProviderReport {
    pub provider: String,
    pub authority: String,
    pub payout: String,
    pub active: bool,
    pub min_dispute_window_secs: u32,
    pub watcher_bounty: String,
    pub endpoint: String,
    pub region: String,
    pub markets: Vec<ProviderMarketReport>,
}

#[derive(Debug, Serialize)]
pub struct ProviderMarketReport {
    pub market: String,
    pub price_per_gib: String,
    pub earnings: String,
    pub fees_accrued: String,
    pub settled: String,
    pub bytes_settled: u64,
    pub channels_opened: u64,
    pub channels_active: u64,
    pub closed_by_provider: u64,
    pub force_closed: u64,
    pub forced_closes_answered: u64,
    pub forced_closes_missed: u64,
    pub rating: String,
    pub ratings: u64,
    pub stake: String,
    pub unbonding: String,
    pub unbonding_at: Option<i64>,
    pub score: String,
}

impl ProviderMarketReport {
    fn new(market: &Pubkey, m: &MarketInfo, pm: &ProviderMarket) -> ProviderMarketReport {
        let s = reputation::score(pm, m.decimals);
        ProviderMarketReport {
            market: market.to_string(),
            price_per_gib: m.ui(pm.price_per_gib),
            earnings: m.ui(pm.earnings),
            fees_accrued: m.ui(pm.fees_accrued),
            settled: m.ui(pm.amount_settled),
            bytes_settled: pm.bytes_settled,
            channels_opened: pm.channels_opened,
            channels_active: pm.channels_active,
            closed_by_provider: pm.channels_closed_by_provider,
            force_closed: pm.channels_force_closed,
            forced_closes_answered: pm.forced_closes_answered,
            forced_closes_missed: pm.forced_closes_missed,
            rating: format!("{:.2}", s.rating),
            ratings: pm.ratings,
            stake: m.ui(pm.stake),
            unbonding: m.ui(pm.unbonding),
            unbonding_at: (pm.unbonding > 0).then_some(pm.unbonding_at),
            score: format!("{:.1}", s.score),
        }
    }
}

/// Shows a provider (by its authority) and its accounts in the given markets.
pub async fn show<C: Chain>(
    client: &Client<C>,
    authority: &Pubkey,
    markets: &[Pubkey],
) -> Result<ProviderReport, ClientError> {
    let address = pda::provider(authority);
    let p: Provider = client.require(&address, "provider").await?;
    let mut rows = vec![];
    for market in markets {
        let m = load_market(client, market).await?;
        let Some(pm) = client
            .get::<ProviderMarket>(&pda::provider_market(market, &address))
            .await?
        else {
            continue;
        };
        rows.push(ProviderMarketReport::new(market, &m, &pm));
    }
    Ok(ProviderReport {
        provider: address.to_string(),
        authority: p.authority.to_string(),
        payout: p.payout.to_string(),
        active: p.active,
        min_dispute_window_secs: p.min_dispute_window_secs,
        watcher_bounty: percent(p.bounty_bps),
        endpoint: p.endpoint,
        region: p.region,
        markets: rows,
    })
}

/// Registers the payer as a provider (if not yet) and joins `market` at `price_per_gib`.
pub async fn register<C: Chain>(
    client: &Client<C>,
    market: &Pubkey,
    args: RegisterProviderArgs,
    price_per_gib: &str,
) -> Result<ProviderReport, ClientError> {
    let authority = client.payer().pubkey();
    let m = load_market(client, market).await?;
    let price = m.parse(price_per_gib)?;
    let mut ixs = vec![];
    if client
        .chain
        .account(&pda::provider(&authority))
        .await?
        .is_none()
    {
        ixs.push(ix::register_provider(authority, args));
    }
    ixs.push(ix::join_market(authority, *market, price));
    client.send(&ixs, &[], compute::PROVIDER * 2).await?;
    show(client, &authority, &[*market]).await
}

/// Changes the payer's provider terms, and its price in `market` when given.
pub async fn update<C: Chain>(
    client: &Client<C>,
    args: UpdateProviderArgs,
    price: Option<(Pubkey, String)>,
) -> Result<ProviderReport, ClientError> {
    let authority = client.payer().pubkey();
    let mut ixs = vec![ix::update_provider(authority, args)];
    let mut markets = vec![];
    if let Some((market, price)) = price {
        let m = load_market(client, &market).await?;
        ixs.push(ix::set_price(authority, market, m.parse(&price)?));
        markets.push(market);
    }
    client.send(&ixs, &[], compute::PROVIDER * 2).await?;
    show(client, &authority, &markets).await
}

/// Provider: bonds `amount` (in the mint's units) from its associated token account.
pub async fn stake<C: Chain>(
    client: &Client<C>,
    market: &Pubkey,
    amount: &str,
) -> Result<ProviderReport, ClientError> {
    let m = load_market(client, market).await?;
    let me = client.payer().pubkey();
    let source = tokens::associated_address(&me, &m.keys.mint, &m.keys.token_program);
    let ix = ix::stake(me, &m.keys, source, m.parse(amount)?);
    client.send(&[ix], &[], compute::DEPOSIT).await?;
    show(client, &me, &[*market]).await
}

/// Provider: starts unbonding `amount` of its stake.
pub async fn unstake<C: Chain>(
    client: &Client<C>,
    market: &Pubkey,
    amount: &str,
) -> Result<ProviderReport, ClientError> {
    let m = load_market(client, market).await?;
    let me = client.payer().pubkey();
    let ix = ix::unstake(me, *market, m.parse(amount)?);
    client.send(&[ix], &[], compute::ADMIN).await?;
    show(client, &me, &[*market]).await
}

/// Provider: withdraws unbonded stake to its payout wallet once the delay has passed.
pub async fn withdraw_stake<C: Chain>(
    client: &Client<C>,
    market: &Pubkey,
) -> Result<ProviderReport, ClientError> {
    let m = load_market(client, market).await?;
    let me = client.payer().pubkey();
    let p: Provider = client.require(&pda::provider(&me), "provider").await?;
    let destination = ensure_token_account(client, &m, &p.payout).await?;
    let ix = ix::withdraw_stake(me, &m.keys, destination);
    client.send(&[ix], &[], compute::WITHDRAW).await?;
    show(client, &me, &[*market]).await
}

#[derive(Debug, Serialize)]
pub struct RankRow {
    pub rank: usize,
    pub provider: String,
    pub endpoint: String,
    pub region: String,
    pub price_per_gib: String,
    pub score: String,
    pub reliability: String,
    pub rating: String,
    pub settled: String,
    pub stake: String,
    pub forced_closes: String,
}

/// Providers of a market, best score first (see `reputation`).
pub async fn rank<C: Chain>(
    client: &Client<C>,
    market: &Pubkey,
) -> Result<Vec<RankRow>, ClientError> {
    let m = load_market(client, market).await?;
    // Two requests, whatever the number of providers: their market accounts, then their
    // Provider accounts.
    let pms: Vec<ProviderMarket> = client
        .accounts_of::<ProviderMarket>(super::fees::PROVIDER_MARKET_MARKET_OFFSET, market)
        .await?
        .into_iter()
        .map(|(_, pm)| pm)
        .collect();
    let keys: Vec<Pubkey> = pms.iter().map(|pm| pm.provider).collect();
    let providers = client.get_many::<Provider>(&keys).await?;
    let mut rows = vec![];
    for (pm, p) in pms.into_iter().zip(providers) {
        let Some(p) = p else { continue };
        let s = reputation::score(&pm, m.decimals);
        rows.push((s.score, p, pm, s));
    }
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    Ok(rows
        .into_iter()
        .enumerate()
        .map(|(i, (_, p, pm, s))| RankRow {
            rank: i + 1,
            provider: p.authority.to_string(),
            endpoint: p.endpoint,
            region: p.region,
            price_per_gib: m.ui(pm.price_per_gib),
            score: format!("{:.1}", s.score),
            reliability: format!("{:.2}", s.reliability),
            rating: format!("{:.2}", s.rating),
            settled: m.ui(pm.amount_settled),
            stake: m.ui(pm.stake + pm.unbonding),
            forced_closes: format!(
                "{} answered, {} missed",
                pm.forced_closes_answered, pm.forced_closes_missed
            ),
        })
        .collect())
}

#[derive(clap::Subcommand)]
pub enum Cmd {
    /// Register the signer as a provider (if not yet) and join a market at a price per GiB.
    Register {
        #[arg(long)]
        market: Pubkey,
        /// Price per GiB, in the mint's units (e.g. 0.8).
        #[arg(long)]
        price: String,
        /// Wallet earnings are paid to [default: the signer].
        #[arg(long)]
        payout: Option<Pubkey>,
        #[arg(long, default_value_t = 3_600)]
        min_window: u32,
        #[arg(long, default_value_t = 500)]
        bounty_bps: u16,
        /// Where buyers send receipts (the provider node's URL).
        #[arg(long, default_value = "")]
        endpoint: String,
        #[arg(long, default_value = "")]
        region: String,
    },
    /// Change the signer's provider terms (and, with --market and --price, its price there).
    Update {
        #[arg(long)]
        payout: Option<Pubkey>,
        #[arg(long)]
        min_window: Option<u32>,
        #[arg(long)]
        bounty_bps: Option<u16>,
        #[arg(long)]
        endpoint: Option<String>,
        #[arg(long)]
        region: Option<String>,
        #[arg(long)]
        active: Option<bool>,
        /// With --price: the market whose price changes.
        #[arg(long, requires = "price")]
        market: Option<Pubkey>,
        #[arg(long, requires = "market")]
        price: Option<String>,
    },
    /// A provider's terms and, per market, its earnings and reputation (no signer needed).
    Show {
        /// The provider's authority [default: the signer].
        #[arg(long)]
        authority: Option<Pubkey>,
        #[arg(long)]
        market: Vec<Pubkey>,
    },
    /// Bond payment tokens as stake (an input to the score; never slashed).
    Stake {
        #[arg(long)]
        market: Pubkey,
        #[arg(long)]
        amount: String,
    },
    /// Start unbonding stake.
    Unstake {
        #[arg(long)]
        market: Pubkey,
        #[arg(long)]
        amount: String,
    },
    /// Withdraw unbonded stake after the market's unbonding delay.
    WithdrawStake {
        #[arg(long)]
        market: Pubkey,
    },
    /// The providers of a market, best score first (no signer needed).
    Rank {
        #[arg(long)]
        market: Pubkey,
    },
    /// Run the provider's node: receipts over HTTP (POST /v1/receipts), settled, withdrawn and
    /// claimed by policy, /healthz and /metrics; until SIGTERM or SIGINT.
    Serve(Box<super::serve::Args>),
}

pub async fn execute(cmd: &Cmd, ctx: &Ctx) -> Result<bool, ClientError> {
    match cmd {
        Cmd::Register {
            market,
            price,
            payout,
            min_window,
            bounty_bps,
            endpoint,
            region,
        } => {
            let client = ctx.client()?;
            let args = RegisterProviderArgs {
                payout: payout.unwrap_or(client.payer().pubkey()),
                min_dispute_window_secs: *min_window,
                bounty_bps: *bounty_bps,
                endpoint: endpoint.clone(),
                region: region.clone(),
            };
            ctx.print(&register(&client, market, args, price).await?);
        }
        Cmd::Update {
            payout,
            min_window,
            bounty_bps,
            endpoint,
            region,
            active,
            market,
            price,
        } => {
            let args = UpdateProviderArgs {
                payout: *payout,
                min_dispute_window_secs: *min_window,
                bounty_bps: *bounty_bps,
                endpoint: endpoint.clone(),
                region: region.clone(),
                active: *active,
            };
            let price = market.zip(price.clone());
            ctx.print(&update(&ctx.client()?, args, price).await?);
        }
        Cmd::Show { authority, market } => {
            let client = ctx.reader();
            let authority = match authority {
                Some(a) => *a,
                None => client.try_payer()?.pubkey(),
            };
            ctx.print(&show(&client, &authority, market).await?);
        }
        Cmd::Stake { market, amount } => ctx.print(&stake(&ctx.client()?, market, amount).await?),
        Cmd::Unstake { market, amount } => {
            ctx.print(&unstake(&ctx.client()?, market, amount).await?)
        }
        Cmd::WithdrawStake { market } => ctx.print(&withdraw_stake(&ctx.client()?, market).await?),
        Cmd::Rank { market } => ctx.print(&rank(&ctx.reader(), market).await?),
        Cmd::Serve(args) => return super::serve::execute(args, ctx).await,
    }
    Ok(true)
}
