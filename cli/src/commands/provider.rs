//! `bwx provider register | update | show | stake | unstake | withdraw-stake | rank | serve`.
use crate::{context::Ctx, output::percent};
use anchor_lang::prelude::Pubkey;
use bandwidth_client::{
    market::MarketInfo,
    ops::{views, Provider},
    reputation, Chain, Client, ClientError,
};
use bandwidth_settlement::{
    instructions::{RegisterProviderArgs, UpdateProviderArgs},
    state::ProviderMarket,
};
use serde::Serialize;

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
        /// The shortest dispute window (seconds) a buyer may open a channel to this provider with.
        #[arg(long, default_value_t = 3_600)]
        min_window: u32,
        /// Share of a settlement paid to a watcher who settles for this provider, in basis points.
        #[arg(long, default_value_t = 500)]
        bounty_bps: u16,
        /// Where buyers send receipts (the provider node's URL).
        #[arg(long, default_value = "")]
        endpoint: String,
        /// A free-form region label shown to buyers (e.g. eu-west).
        #[arg(long, default_value = "")]
        region: String,
    },
    /// Change the signer's provider terms (and, with --market and --price, its price there).
    Update {
        /// Wallet earnings are paid to.
        #[arg(long)]
        payout: Option<Pubkey>,
        /// The shortest dispute window (seconds) a buyer may open a channel to this provider with.
        #[arg(long)]
        min_window: Option<u32>,
        /// Share of a settlement paid to a watcher who settles for this provider, in basis points.
        #[arg(long)]
        bounty_bps: Option<u16>,
        /// Where buyers send receipts (the provider node's URL).
        #[arg(long)]
        endpoint: Option<String>,
        /// A free-form region label shown to buyers (e.g. eu-west).
        #[arg(long)]
        region: Option<String>,
        /// false: no new channels to this provider (open ones are unaffected).
        #[arg(long)]
        active: Option<bool>,
        /// With --price: the market whose price changes.
        #[arg(long, requires = "price")]
        market: Option<Pubkey>,
        /// New price per GiB in that market, in the mint's units (e.g. 0.8).
        #[arg(long, requires = "market")]
        price: Option<String>,
    },
    /// A provider's terms and, per market, its earnings and reputation (no signer needed).
    Show {
        /// The provider's authority [default: the signer].
        #[arg(long)]
        authority: Option<Pubkey>,
        /// Markets to show its earnings and reputation in (repeat the option; none: terms only).
        #[arg(long)]
        market: Vec<Pubkey>,
    },
    /// Bond payment tokens as stake (an input to the score; never slashed).
    Stake {
        #[arg(long)]
        market: Pubkey,
        /// In the mint's units (e.g. 100).
        #[arg(long)]
        amount: String,
    },
    /// Start unbonding stake.
    Unstake {
        #[arg(long)]
        market: Pubkey,
        /// In the mint's units (e.g. 100).
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
            let provider = Provider::new(&client, market).await?;
            let args = RegisterProviderArgs {
                payout: payout.unwrap_or(provider.authority()?),
                min_dispute_window_secs: *min_window,
                bounty_bps: *bounty_bps,
                endpoint: endpoint.clone(),
                region: region.clone(),
            };
            provider
                .register(args, provider.market().parse(price)?)
                .await?;
            ctx.print(&report(&client, &provider.authority()?, &[*market]).await?);
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
            ctx.print(&update(ctx, args, market.as_ref().zip(price.as_deref())).await?);
        }
        Cmd::Show { authority, market } => {
            let client = ctx.reader();
            let authority = match authority {
                Some(a) => *a,
                None => client.try_payer()?.pubkey(),
            };
            ctx.print(&report(&client, &authority, market).await?);
        }
        Cmd::Stake { market, amount } | Cmd::Unstake { market, amount } => {
            let client = ctx.client()?;
            let provider = Provider::new(&client, market).await?;
            let amount = provider.market().parse(amount)?;
            match cmd {
                Cmd::Stake { .. } => provider.stake(amount).await?,
                _ => provider.unstake(amount).await?,
            };
            ctx.print(&report(&client, &provider.authority()?, &[*market]).await?);
        }
        Cmd::WithdrawStake { market } => {
            let client = ctx.client()?;
            let provider = Provider::new(&client, market).await?;
            provider.withdraw_stake().await?;
            ctx.print(&report(&client, &provider.authority()?, &[*market]).await?);
        }
        Cmd::Rank { market } => ctx.print(&rank(&ctx.reader(), market).await?),
        Cmd::Serve(args) => return super::serve::execute(args, ctx).await,
    }
    Ok(true)
}

/// The provider's terms change everywhere; its price in one market when given.
async fn update(
    ctx: &Ctx,
    args: UpdateProviderArgs,
    price: Option<(&Pubkey, &str)>,
) -> Result<ProviderReport, ClientError> {
    let client = ctx.client()?;
    let me = client.payer().pubkey();
    let Some((market, price)) = price else {
        bandwidth_client::ops::provider::update_terms(&client, args).await?;
        return report(&client, &me, &[]).await;
    };
    let provider = Provider::new(&client, market).await?;
    provider
        .update(args, Some(provider.market().parse(price)?))
        .await?;
    report(&client, &me, &[*market]).await
}

pub async fn report<C: Chain>(
    client: &Client<C>,
    authority: &Pubkey,
    markets: &[Pubkey],
) -> Result<ProviderReport, ClientError> {
    let v = views::provider(client, authority, markets).await?;
    let p = &v.account;
    Ok(ProviderReport {
        provider: v.address.to_string(),
        authority: p.authority.to_string(),
        payout: p.payout.to_string(),
        active: p.active,
        min_dispute_window_secs: p.min_dispute_window_secs,
        watcher_bounty: percent(p.bounty_bps),
        endpoint: p.endpoint.clone(),
        region: p.region.clone(),
        markets: v
            .markets
            .iter()
            .map(|(m, pm)| market_report(m, pm))
            .collect(),
    })
}

fn market_report(m: &MarketInfo, pm: &ProviderMarket) -> ProviderMarketReport {
    let s = reputation::score(pm, m.decimals);
    ProviderMarketReport {
        market: m.address.to_string(),
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

pub async fn rank<C: Chain>(
    client: &Client<C>,
    market: &Pubkey,
) -> Result<Vec<RankRow>, ClientError> {
    let (m, ranked) = views::ranking(client, market).await?;
    Ok(ranked
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let (p, pm, s) = (r.provider, r.market_account, r.score);
            RankRow {
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
            }
        })
        .collect())
}
