//! `bwx market create | show | update | propose-admin | accept-admin`.
use super::{compute, load_market, MarketInfo};
use crate::{context::Ctx, errors::ClientError, ix, pda, Chain, Client};
use anchor_lang::prelude::Pubkey;
use bandwidth_settlement::instructions::{CreateMarketArgs, UpdateMarketArgs};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct MarketReport {
    pub market: String,
    pub mint: String,
    pub token_program: String,
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
    /// accepts them today (a market created before protocol v2 may hold a mint it would now
    /// refuse, e.g. one with a close authority: see docs/adr/0008).
    pub mint_extensions: Vec<String>,
    pub mint_policy: String,
}

/// The Token-2022 extensions of `mint` and the mint policy's verdict on them.
async fn mint_policy<C: Chain>(
    client: &Client<C>,
    mint: &Pubkey,
) -> Result<(Vec<String>, String), ClientError> {
    use spl_token_2022_interface::{
        extension::{BaseStateWithExtensions, StateWithExtensions},
        state::Mint,
    };
    let account = client
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
    let mut info_account = account.clone();
    let key = *mint;
    let info = anchor_lang::prelude::AccountInfo::new(
        &key,
        false,
        false,
        &mut info_account.lamports,
        &mut info_account.data,
        &account.owner,
        false,
    );
    let verdict = match bandwidth_settlement::mint_policy::check_mint(&info) {
        Ok(()) => "accepted".to_string(),
        Err(e) => format!("refused: {e}"),
    };
    Ok((extensions, verdict))
}

pub fn percent(bps: u16) -> String {
    format!("{}.{:02} %", bps / 100, bps % 100)
}

pub async fn report<C: Chain>(
    client: &Client<C>,
    m: &MarketInfo,
) -> Result<MarketReport, ClientError> {
    let a = &m.account;
    let now = client.chain.clock().await?.unix_timestamp;
    let vault = super::token_balance(client, &a.vault).await?;
    let pending = a.fee_change_at != 0 && now < a.fee_change_at;
    let (mint_extensions, mint_policy) = mint_policy(client, &a.mint).await?;
    Ok(MarketReport {
        market: m.address.to_string(),
        mint: a.mint.to_string(),
        token_program: a.token_program.to_string(),
        admin: a.admin.to_string(),
        pending_admin: (a.pending_admin != Pubkey::default()).then(|| a.pending_admin.to_string()),
        vault: a.vault.to_string(),
        vault_balance: m.ui(vault),
        treasury: a.treasury.to_string(),
        paused: a.paused,
        fee: percent(a.fee_bps_at(now)),
        announced_fee: pending.then(|| percent(a.pending_fee_bps)),
        announced_fee_effective_at: pending.then_some(a.fee_change_at),
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
        mint_extensions,
        mint_policy,
    })
}

pub async fn show<C: Chain>(
    client: &Client<C>,
    market: &Pubkey,
) -> Result<MarketReport, ClientError> {
    let m = load_market(client, market).await?;
    report(client, &m).await
}

/// Creates a market for `mint` with the client's payer as admin; the treasury defaults to the
/// admin's associated token account (created if missing).
pub async fn create<C: Chain>(
    client: &Client<C>,
    mint: &Pubkey,
    treasury: Option<Pubkey>,
    args: CreateMarketArgs,
) -> Result<MarketReport, ClientError> {
    let mint_account = client
        .chain
        .account(mint)
        .await?
        .ok_or(ClientError::NotFound {
            what: "mint",
            address: *mint,
        })?;
    let token_program = mint_account.owner;
    let admin = client.payer().pubkey();
    let treasury = match treasury {
        Some(t) => t,
        None => {
            let address = crate::tokens::associated_address(&admin, mint, &token_program);
            if client.chain.account(&address).await?.is_none() {
                let ix =
                    crate::tokens::create_associated_account(&admin, &admin, mint, &token_program);
                client.send(&[ix], &[], compute::TOKEN_SETUP).await?;
            }
            address
        }
    };
    let ix = ix::create_market(admin, *mint, token_program, treasury, args);
    client.send(&[ix], &[], compute::CREATE_MARKET).await?;
    show(client, &pda::market(mint, &admin)).await
}

/// Admin changes; `new_treasury` moves the treasury.
pub async fn update<C: Chain>(
    client: &Client<C>,
    market: &Pubkey,
    new_treasury: Option<Pubkey>,
    args: UpdateMarketArgs,
) -> Result<MarketReport, ClientError> {
    let ix = ix::update_market(client.payer().pubkey(), *market, new_treasury, args);
    client.send(&[ix], &[], compute::ADMIN).await?;
    show(client, market).await
}

/// Admin: names the next admin (the default address withdraws a proposal).
pub async fn propose_admin<C: Chain>(
    client: &Client<C>,
    market: &Pubkey,
    new_admin: &Pubkey,
) -> Result<MarketReport, ClientError> {
    let ix = ix::propose_admin(client.payer().pubkey(), *market, *new_admin);
    client.send(&[ix], &[], compute::ADMIN).await?;
    show(client, market).await
}

/// The proposed admin (the client's payer) takes over the market.
pub async fn accept_admin<C: Chain>(
    client: &Client<C>,
    market: &Pubkey,
) -> Result<MarketReport, ClientError> {
    let ix = ix::accept_admin(client.payer().pubkey(), *market);
    client.send(&[ix], &[], compute::ADMIN).await?;
    show(client, market).await
}

#[derive(clap::Subcommand)]
pub enum Cmd {
    /// Create a market for a mint; the signer becomes its admin.
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

pub async fn execute(cmd: &Cmd, ctx: &Ctx) -> Result<bool, ClientError> {
    match cmd {
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
            ctx.print(&create(&ctx.client()?, mint, *treasury, args).await?);
        }
        Cmd::Show { market } => ctx.print(&show(&ctx.reader(), market).await?),
        Cmd::Update {
            market,
            pause,
            fee_bps,
            burn_bps,
            min_window,
            max_window,
            unbonding,
            treasury,
        } => {
            let args = UpdateMarketArgs {
                paused: *pause,
                fee_bps: *fee_bps,
                burn_bps: *burn_bps,
                min_dispute_window_secs: *min_window,
                max_dispute_window_secs: *max_window,
                stake_unbonding_secs: *unbonding,
            };
            ctx.print(&update(&ctx.client()?, market, *treasury, args).await?);
        }
        Cmd::ProposeAdmin { market, new_admin } => {
            ctx.print(&propose_admin(&ctx.client()?, market, new_admin).await?)
        }
        Cmd::AcceptAdmin { market } => ctx.print(&accept_admin(&ctx.client()?, market).await?),
    }
    Ok(true)
}
