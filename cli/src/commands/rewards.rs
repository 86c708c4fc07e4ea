//! `bwx rewards create-mint | configure | show | claim`.
use crate::{context::Ctx, output::percent};
use anchor_lang::prelude::Pubkey;
use bandwidth_client::{
    market::{load_market, parse_amount, ui_amount},
    ops::{views, MarketAdmin, Provider},
    Chain, Client, ClientError,
};
use bandwidth_settlement::instructions::RewardTerms;
use serde::Serialize;

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

/// What `bwx rewards create-mint` made.
#[derive(Debug, Serialize)]
pub struct RewardMintReport {
    pub mint: String,
    pub decimals: u8,
    /// The market's reward pool: the mint's only authority.
    pub mint_authority: String,
}

/// What a wash trader (a buyer paying itself as provider) spends and gets per rewarded GiB.
#[derive(Debug, Serialize)]
pub struct BreakEven {
    /// The least a rewarded GiB can be paid: the pool's minimum price.
    pub min_paid_per_gib: String,
    /// What the wash trader cannot get back: the protocol fee on that payment.
    pub fee_per_rewarded_gib: String,
    pub reward_per_gib: String,
    /// Wash trading pays only if one reward token is worth more than this many payment tokens.
    pub break_even_reward_price: String,
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

#[derive(Debug, Serialize)]
pub struct ClaimReport {
    pub minted: String,
    pub allotted: String,
    pub accrued: String,
    pub vesting: String,
    pub vest_end: i64,
    pub claimed_total: String,
    pub signature: String,
}

pub async fn execute(cmd: &Cmd, ctx: &Ctx) -> Result<bool, ClientError> {
    match cmd {
        Cmd::CreateMint { market, decimals } => {
            let client = ctx.client()?;
            let mint = MarketAdmin::new(&client, *market)
                .create_reward_mint(*decimals)
                .await?;
            ctx.print(&RewardMintReport {
                mint: mint.to_string(),
                decimals: *decimals,
                mint_authority: client.pda().reward_pool(market).to_string(),
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
            let admin = MarketAdmin::new(&client, *market);
            let decimals = admin.reward_decimals(mint).await?;
            let m = load_market(&client, market).await?;
            let terms = RewardTerms {
                active: !*inactive,
                reward_per_gib: parse_amount(reward_per_gib, decimals)?,
                min_price_per_gib: m.parse(min_price)?,
                epoch_secs: *epoch_secs,
                epoch_cap: parse_amount(epoch_cap, decimals)?,
                vesting_secs: *vesting_secs,
            };
            admin.configure_rewards(mint, terms).await?;
            ctx.print(&report(&client, market).await?);
        }
        Cmd::Show { market } => ctx.print(&report(&ctx.reader(), market).await?),
        Cmd::Claim { market } => {
            let client = ctx.client()?;
            let c = Provider::new(&client, market)
                .await?
                .claim_rewards()
                .await?;
            let r = |v| ui_amount(v, c.reward_decimals);
            ctx.print(&ClaimReport {
                minted: r(c.minted),
                allotted: r(c.allotted),
                accrued: r(c.accrued),
                vesting: r(c.vesting),
                vest_end: c.vest_end,
                claimed_total: r(c.claimed_total),
                signature: c.landed.signature.to_string(),
            });
        }
    }
    Ok(true)
}

pub async fn report<C: Chain>(
    client: &Client<C>,
    market: &Pubkey,
) -> Result<RewardsReport, ClientError> {
    let v = views::rewards(client, market).await?;
    let (m, pool) = (&v.info, &v.pool);
    let r = |amount| ui_amount(amount, v.reward_decimals);
    let be = v.break_even();
    Ok(RewardsReport {
        market: market.to_string(),
        reward_pool: v.address.to_string(),
        reward_mint: pool.mint.to_string(),
        active: pool.active,
        reward_per_gib: r(pool.reward_per_gib),
        min_price_per_gib: m.ui(pool.min_price_per_gib),
        epoch_secs: pool.epoch_secs,
        epoch_cap: r(pool.epoch_cap),
        vesting_secs: pool.vesting_secs,
        current_epoch: v.epoch(),
        allotted_in_epoch: r(v.allotted_in_epoch()),
        total_allotted: r(pool.total_allotted),
        total_minted: r(pool.total_minted),
        fee: percent(v.fee_bps),
        break_even: BreakEven {
            min_paid_per_gib: m.ui(pool.min_price_per_gib),
            fee_per_rewarded_gib: m.ui(be.fee_per_rewarded_gib),
            reward_per_gib: r(pool.reward_per_gib),
            break_even_reward_price: format!("{:.6}", be.break_even_reward_price),
            epoch_cap: r(pool.epoch_cap),
        },
    })
}
