//! `bwx rewards create-mint | configure | show | claim`.
use super::{compute, ensure_token_account, load_market, market::percent, MarketInfo};
use crate::{context::Ctx, errors::ClientError, ix, pda, tokens, Chain, Client};
use anchor_lang::prelude::Pubkey;
use bandwidth_settlement::{
    instructions::RewardTerms,
    state::{ProviderMarket, RewardPool},
};
use serde::Serialize;
use solana_keypair::Keypair;
use solana_signer::Signer;

/// What a wash trader (a buyer paying itself as provider) spends and gets per rewarded GiB.
#[derive(Debug, Serialize)]
pub struct BreakEven {
    /// The least a rewarded GiB can be paid: the market's minimum price.
    pub min_paid_per_gib: String,
    /// What the wash trader cannot get back: the protocol fee on that payment.
    pub fee_per_rewarded_gib: String,
    pub reward_per_gib: String,
    /// Wash trading pays only if one reward token is worth more than this many payment tokens.
    pub break_even_reward_price: String,
    /// Most it could gain per epoch at twice the break-even price, all of the cap taken.
    pub epoch_cap: String,
}

#[derive(Debug, Serialize)]
pub struct RewardsReport {
    pub market: String,
    pub reward_pool: String,
    pub reward_mint: String,
    pub active: bool,
    pub reward_per_gib: String,
    pub min_price_per_gib: String,
    pub epoch_secs: u32,
    pub epoch_cap: String,
    pub vesting_secs: u32,
    pub current_epoch: u64,
    pub allotted_in_epoch: String,
    pub total_allotted: String,
    pub total_minted: String,
    pub fee: String,
    pub break_even: BreakEven,
}

/// The break-even of wash trading, from the market's fee and the pool's terms.
pub fn break_even(
    m: &MarketInfo,
    fee_bps: u16,
    pool: &RewardPool,
    reward_decimals: u8,
) -> BreakEven {
    let fee = u128::from(pool.min_price_per_gib) * u128::from(fee_bps) / 10_000;
    // payment base units per reward base unit, shown per whole tokens of each.
    let price = if pool.reward_per_gib == 0 {
        f64::INFINITY
    } else {
        (fee as f64 / 10f64.powi(i32::from(m.decimals)))
            / (pool.reward_per_gib as f64 / 10f64.powi(i32::from(reward_decimals)))
    };
    BreakEven {
        min_paid_per_gib: m.ui(pool.min_price_per_gib),
        fee_per_rewarded_gib: m.ui(fee as u64),
        reward_per_gib: super::ui_amount(pool.reward_per_gib, reward_decimals),
        break_even_reward_price: format!("{price:.6}"),
        epoch_cap: super::ui_amount(pool.epoch_cap, reward_decimals),
    }
}

pub async fn show<C: Chain>(
    client: &Client<C>,
    market: &Pubkey,
) -> Result<RewardsReport, ClientError> {
    let m = load_market(client, market).await?;
    let address = pda::reward_pool(market);
    let pool: RewardPool = client
        .require(&address, "reward pool (configure rewards first)")
        .await?;
    let mint = client
        .chain
        .account(&pool.mint)
        .await?
        .ok_or(ClientError::NotFound {
            what: "reward mint",
            address: pool.mint,
        })?;
    let (reward_decimals, _) = tokens::mint_info(&mint.data).unwrap_or((0, 0));
    let now = client.chain.clock().await?.unix_timestamp;
    let fee_bps = m.account.fee_bps_at(now);
    let r = |v| super::ui_amount(v, reward_decimals);
    let epoch = u64::try_from(now).unwrap_or(0) / u64::from(pool.epoch_secs.max(1));
    Ok(RewardsReport {
        market: market.to_string(),
        reward_pool: address.to_string(),
        reward_mint: pool.mint.to_string(),
        active: pool.active,
        reward_per_gib: r(pool.reward_per_gib),
        min_price_per_gib: m.ui(pool.min_price_per_gib),
        epoch_secs: pool.epoch_secs,
        epoch_cap: r(pool.epoch_cap),
        vesting_secs: pool.vesting_secs,
        current_epoch: epoch,
        allotted_in_epoch: r(if pool.epoch == epoch {
            pool.allotted_in_epoch
        } else {
            0
        }),
        total_allotted: r(pool.total_allotted),
        total_minted: r(pool.total_minted),
        fee: percent(fee_bps),
        break_even: break_even(&m, fee_bps, &pool, reward_decimals),
    })
}

/// Creates a reward mint whose only authority is the market's reward pool.
pub async fn create_mint<C: Chain>(
    client: &Client<C>,
    market: &Pubkey,
    decimals: u8,
) -> Result<Pubkey, ClientError> {
    let mint = Keypair::new();
    let rent = client.chain.minimum_balance(tokens::MINT_LEN).await?;
    let ixs = tokens::create_mint(
        &client.payer().pubkey(),
        &mint.pubkey(),
        &pda::reward_pool(market),
        decimals,
        &spl_token_interface::ID,
        rent,
    );
    client.send(&ixs, &[&mint], compute::TOKEN_SETUP).await?;
    Ok(mint.pubkey())
}

/// Admin: creates the pool (with `mint`, made by [`create_mint`]) or changes its terms.
pub async fn configure<C: Chain>(
    client: &Client<C>,
    market: &Pubkey,
    mint: &Pubkey,
    terms: RewardTerms,
) -> Result<RewardsReport, ClientError> {
    let owner = client
        .chain
        .account(mint)
        .await?
        .ok_or(ClientError::NotFound {
            what: "reward mint",
            address: *mint,
        })?;
    let ix = ix::configure_rewards(client.payer().pubkey(), *market, *mint, owner.owner, terms);
    client.send(&[ix], &[], compute::CONFIGURE_REWARDS).await?;
    show(client, market).await
}

#[derive(Debug, Serialize)]
pub struct ClaimReport {
    pub minted: String,
    pub allotted: String,
    pub accrued: String,
    pub vesting: String,
    pub vest_end: i64,
    pub claimed_total: String,
}

/// Provider: claims its vested rewards into its payout wallet's reward-token account.
pub async fn claim<C: Chain>(
    client: &Client<C>,
    market: &Pubkey,
) -> Result<ClaimReport, ClientError> {
    let pool: RewardPool = client
        .require(&pda::reward_pool(market), "reward pool")
        .await?;
    let mint = client
        .chain
        .account(&pool.mint)
        .await?
        .ok_or(ClientError::NotFound {
            what: "reward mint",
            address: pool.mint,
        })?;
    let (decimals, _) = tokens::mint_info(&mint.data).unwrap_or((0, 0));
    let authority = client.payer().pubkey();
    let provider = pda::provider(&authority);
    let p: bandwidth_settlement::state::Provider = client.require(&provider, "provider").await?;
    let rewards_market = MarketInfo {
        keys: crate::ix::MarketKeys {
            mint: pool.mint,
            token_program: pool.token_program,
            ..load_market(client, market).await?.keys
        },
        ..load_market(client, market).await?
    };
    let destination = ensure_token_account(client, &rewards_market, &p.payout).await?;
    let pm_address = pda::provider_market(market, &provider);
    let before: ProviderMarket = client
        .require(&pm_address, "provider account in this market")
        .await?;
    let ix = ix::claim_rewards(
        authority,
        *market,
        pool.mint,
        pool.token_program,
        destination,
    );
    client.send(&[ix], &[], compute::PROVIDER).await?;
    let after: ProviderMarket = client.require(&pm_address, "provider account").await?;
    let r = |v| super::ui_amount(v, decimals);
    Ok(ClaimReport {
        minted: r(after.rewards_claimed - before.rewards_claimed),
        allotted: r(before.reward_accrued - after.reward_accrued),
        accrued: r(after.reward_accrued),
        vesting: r(after.reward_locked - after.reward_released),
        vest_end: after.reward_vest_end,
        claimed_total: r(after.rewards_claimed),
    })
}

/// Reward terms as typed: reward amounts in the reward mint's units, prices in the market's.
pub struct TermsInput<'a> {
    pub active: bool,
    pub reward_per_gib: &'a str,
    pub min_price_per_gib: &'a str,
    pub epoch_secs: u32,
    pub epoch_cap: &'a str,
    pub vesting_secs: u32,
}

pub async fn parse_terms<C: Chain>(
    client: &Client<C>,
    market: &Pubkey,
    mint: &Pubkey,
    input: TermsInput<'_>,
) -> Result<RewardTerms, ClientError> {
    let m = load_market(client, market).await?;
    let account = client
        .chain
        .account(mint)
        .await?
        .ok_or(ClientError::NotFound {
            what: "reward mint",
            address: *mint,
        })?;
    let (decimals, _) = tokens::mint_info(&account.data)
        .ok_or_else(|| ClientError::Invalid(format!("{mint} is not a mint")))?;
    Ok(RewardTerms {
        active: input.active,
        reward_per_gib: super::parse_amount(input.reward_per_gib, decimals)?,
        min_price_per_gib: m.parse(input.min_price_per_gib)?,
        epoch_secs: input.epoch_secs,
        epoch_cap: super::parse_amount(input.epoch_cap, decimals)?,
        vesting_secs: input.vesting_secs,
    })
}

/// What `bwx rewards create-mint` made.
#[derive(Debug, Serialize)]
pub struct RewardMintReport {
    pub mint: String,
    pub decimals: u8,
    /// The market's reward pool: the mint's only authority.
    pub mint_authority: String,
}

#[derive(clap::Subcommand)]
pub enum Cmd {
    /// Admin: create a reward mint whose only authority is the market's reward pool.
    CreateMint {
        #[arg(long)]
        market: Pubkey,
        #[arg(long, default_value_t = 6)]
        decimals: u8,
    },
    /// Admin: create the reward pool or change its terms.
    Configure {
        #[arg(long)]
        market: Pubkey,
        #[arg(long)]
        mint: Pubkey,
        /// Reward tokens per GiB of paid bytes.
        #[arg(long)]
        reward_per_gib: String,
        /// Bytes count only as far as the fee paid covers them at this price (payment tokens
        /// per GiB).
        #[arg(long)]
        min_price: String,
        #[arg(long, default_value_t = 86_400)]
        epoch_secs: u32,
        /// Most reward tokens allotted per epoch, to all providers together.
        #[arg(long)]
        epoch_cap: String,
        #[arg(long, default_value_t = 30 * 86_400)]
        vesting_secs: u32,
        /// Stop accrual.
        #[arg(long)]
        inactive: bool,
    },
    /// Terms, this epoch's allotment, and the wash-trading break-even (no signer needed).
    Show {
        #[arg(long)]
        market: Pubkey,
    },
    /// Provider: claim vested rewards.
    Claim {
        #[arg(long)]
        market: Pubkey,
    },
}

pub async fn execute(cmd: &Cmd, ctx: &Ctx) -> Result<bool, ClientError> {
    match cmd {
        Cmd::CreateMint { market, decimals } => {
            let mint = create_mint(&ctx.client()?, market, *decimals).await?;
            ctx.print(&RewardMintReport {
                mint: mint.to_string(),
                decimals: *decimals,
                mint_authority: pda::reward_pool(market).to_string(),
            });
        }
        Cmd::Configure {
            market,
            mint,
            reward_per_gib,
            min_price,
            epoch_secs,
            epoch_cap,
            vesting_secs,
            inactive,
        } => {
            let client = ctx.client()?;
            let input = TermsInput {
                active: !*inactive,
                reward_per_gib,
                min_price_per_gib: min_price,
                epoch_secs: *epoch_secs,
                epoch_cap,
                vesting_secs: *vesting_secs,
            };
            let terms = parse_terms(&client, market, mint, input).await?;
            ctx.print(&configure(&client, market, mint, terms).await?);
        }
        Cmd::Show { market } => ctx.print(&show(&ctx.reader(), market).await?),
        Cmd::Claim { market } => ctx.print(&claim(&ctx.client()?, market).await?),
    }
    Ok(true)
}
