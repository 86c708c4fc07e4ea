//! `bwx market create | show | update | propose-admin | accept-admin`.
use crate::{context::Ctx, output::percent};
use anchor_lang::prelude::Pubkey;
use bandwidth_client::{
    ops::{views, MarketAdmin},
    Chain, Client, ClientError,
};
use bandwidth_settlement::instructions::{CreateMarketArgs, UpdateMarketArgs};
use serde::Serialize;

#[derive(clap::Subcommand)]
pub enum Cmd {
    /// Create a market for a mint; the signer becomes its creator and admin.
    Create {
        #[arg(long)]
        mint: Pubkey,
        /// Token account receiving the treasury share of fees [default: the admin's].
        #[arg(long)]
        treasury: Option<Pubkey>,
        #[arg(long, default_value_t = 250)]
        fee_bps: u16,
        #[arg(long, default_value_t = 2_000)]
        burn_bps: u16,
        #[arg(long, default_value_t = 600)]
        min_window: u32,
        #[arg(long, default_value_t = 604_800)]
        max_window: u32,
        #[arg(long, default_value_t = 86_400)]
        fee_change_delay: u32,
    },
    /// The market's terms, balances and mint (no signer needed).
    Show {
        #[arg(long)]
        market: Pubkey,
    },
    /// Admin: pause, announce a fee, change the burn share, bounds, unbonding delay or treasury.
    Update {
        #[arg(long)]
        market: Pubkey,
        #[arg(long)]
        pause: Option<bool>,
        #[arg(long)]
        fee_bps: Option<u16>,
        #[arg(long)]
        burn_bps: Option<u16>,
        #[arg(long)]
        min_window: Option<u32>,
        #[arg(long)]
        max_window: Option<u32>,
        /// Stake unbonding delay (seconds) for unstake requests made from now on.
        #[arg(long)]
        unbonding: Option<u32>,
        #[arg(long)]
        treasury: Option<Pubkey>,
    },
    /// Admin: propose the next admin, who takes over only by `accept-admin` (the default
    /// address 11111111111111111111111111111111 withdraws a proposal).
    ProposeAdmin {
        #[arg(long)]
        market: Pubkey,
        #[arg(long)]
        new_admin: Pubkey,
    },
    /// The proposed admin (the signer) takes over the market.
    AcceptAdmin {
        #[arg(long)]
        market: Pubkey,
    },
}

#[derive(Debug, Serialize)]
pub struct MarketReport {
    pub market: String,
    pub mint: String,
    pub token_program: String,
    /// Whose address the market's is (its seed), for good: the admin may change.
    pub creator: String,
    pub admin: String,
    /// Proposed next admin, until it accepts.
    pub pending_admin: Option<String>,
    pub vault: String,
    pub vault_balance: String,
    pub treasury: String,
    pub paused: bool,
    /// Fee for channels opened now.
    pub fee: String,
    /// Announced fee and when it takes effect, if any.
    pub announced_fee: Option<String>,
    pub announced_fee_effective_at: Option<i64>,
    pub fee_change_delay_secs: u32,
    pub burn_share: String,
    pub dispute_window_secs: String,
    pub stake_unbonding_secs: u32,
    pub fees_to_treasury: String,
    pub fees_burned: String,
    /// The market's reward pool (`bwx rewards show`), if it has one.
    pub reward_pool: Option<String>,
    /// The payment mint's Token-2022 extensions, and whether the program's mint policy
    /// accepts them today (docs/adr/0008).
    pub mint_extensions: Vec<String>,
    pub mint_policy: String,
}

pub async fn execute(cmd: &Cmd, ctx: &Ctx) -> Result<bool, ClientError> {
    let market = match cmd {
        Cmd::Create {
            mint,
            treasury,
            fee_bps,
            burn_bps,
            min_window,
            max_window,
            fee_change_delay,
        } => {
            let args = CreateMarketArgs {
                fee_bps: *fee_bps,
                burn_bps: *burn_bps,
                min_dispute_window_secs: *min_window,
                max_dispute_window_secs: *max_window,
                fee_change_delay_secs: *fee_change_delay,
            };
            let client = ctx.client()?;
            let (admin, _) = MarketAdmin::create(&client, mint, *treasury, args).await?;
            ctx.print(&report(&client, &admin.market()).await?);
            return Ok(true);
        }
        Cmd::Show { market } => {
            ctx.print(&report(&ctx.reader(), market).await?);
            return Ok(true);
        }
        Cmd::Update { market, .. }
        | Cmd::ProposeAdmin { market, .. }
        | Cmd::AcceptAdmin { market } => market,
    };
    let client = ctx.client()?;
    let admin = MarketAdmin::new(&client, *market);
    match cmd {
        Cmd::Update {
            pause,
            fee_bps,
            burn_bps,
            min_window,
            max_window,
            unbonding,
            treasury,
            ..
        } => {
            let args = UpdateMarketArgs {
                paused: *pause,
                fee_bps: *fee_bps,
                burn_bps: *burn_bps,
                min_dispute_window_secs: *min_window,
                max_dispute_window_secs: *max_window,
                stake_unbonding_secs: *unbonding,
            };
            admin.update(*treasury, args).await?
        }
        Cmd::ProposeAdmin { new_admin, .. } => admin.propose_admin(new_admin).await?,
        _ => admin.accept_admin().await?,
    };
    ctx.print(&report(&client, market).await?);
    Ok(true)
}

pub async fn report<C: Chain>(
    client: &Client<C>,
    market: &Pubkey,
) -> Result<MarketReport, ClientError> {
    let v = views::market(client, market).await?;
    let (m, a) = (&v.info, &v.info.account);
    Ok(MarketReport {
        market: market.to_string(),
        mint: a.mint.to_string(),
        token_program: a.token_program.to_string(),
        creator: a.creator.to_string(),
        admin: a.admin.to_string(),
        pending_admin: (a.pending_admin != Pubkey::default()).then(|| a.pending_admin.to_string()),
        vault: a.vault.to_string(),
        vault_balance: m.ui(v.vault_balance),
        treasury: a.treasury.to_string(),
        paused: a.paused,
        fee: percent(v.fee_bps),
        announced_fee: v.announced_fee.map(|(bps, _)| percent(bps)),
        announced_fee_effective_at: v.announced_fee.map(|(_, at)| at),
        fee_change_delay_secs: a.fee_change_delay_secs,
        burn_share: percent(a.burn_bps),
        dispute_window_secs: format!(
            "{}..={}",
            a.min_dispute_window_secs, a.max_dispute_window_secs
        ),
        stake_unbonding_secs: a.stake_unbonding_secs,
        fees_to_treasury: m.ui(a.fees_to_treasury),
        fees_burned: m.ui(a.fees_burned),
        reward_pool: m.reward_pool.map(|p| p.to_string()),
        mint_extensions: v.mint_extensions.clone(),
        mint_policy: match &v.mint_policy {
            Ok(()) => "accepted".into(),
            Err(e) => format!("refused: {e}"),
        },
    })
}
