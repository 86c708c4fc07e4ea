//! The demo's books: every balance on-chain checked against what the buyers signed, and the
//! report.
use super::*;
use bandwidth_client::{
    market::{token_balance, ui_amount},
    ops::{admin::Swept, views},
    reputation, tokens, TxStats,
};
use bandwidth_node::NodeReport;
use bandwidth_settlement::{math::bps_of, state::ProviderMarket};

#[derive(Debug, Serialize)]
pub struct ProviderRow {
    pub provider: String,
    pub price_per_gib: String,
    pub channels: u64,
    pub gib: String,
    pub receipts_stored: u64,
    pub earned: String,
    pub fees: String,
    pub paid_out: String,
    pub rewards: String,
    pub rating: String,
}

#[derive(Debug, Serialize)]
pub struct BuyerRow {
    pub buyer: String,
    pub provider: u64,
    pub gib: String,
    pub receipts_signed: u64,
    pub spent: String,
    pub refunded: String,
}

#[derive(Debug, Serialize)]
pub struct RoleRow {
    pub role: &'static str,
    pub transactions: u64,
    pub signatures: u64,
    pub fees_lamports: u64,
    pub bytes: u64,
}

#[derive(Debug, Serialize)]
pub struct RankRow {
    pub rank: usize,
    pub provider: String,
    pub endpoint: String,
    pub price_per_gib: String,
    pub score: String,
    pub rating: String,
    pub settled: String,
}

#[derive(Debug, Serialize)]
pub struct Check {
    pub check: String,
    pub ok: bool,
}

/// Checks as they are made; per-party checks fold into one line naming whoever fails.
#[derive(Default)]
struct Checks(Vec<Check>);

impl Checks {
    fn check(&mut self, name: &str, ok: bool) {
        self.0.push(Check {
            check: name.into(),
            ok,
        });
    }

    fn each(&mut self, name: &str, failing: &[usize]) {
        let check = match failing {
            [] => name.to_string(),
            _ => format!("{name}: fails for {failing:?}"),
        };
        self.0.push(Check {
            check,
            ok: failing.is_empty(),
        });
    }
}

/// What the market's tokens add up to at the end.
#[derive(Default)]
struct Totals {
    spent: u64,
    fees_expected: u64,
    buyers_hold: u64,
    providers_hold: u64,
    rewards_claimed: u64,
}

pub(super) async fn report<C: DemoChain>(
    demo: &mut Demo<'_, C>,
    swept: Swept,
) -> Result<DemoReport, ClientError> {
    let mut checks = Checks::default();
    let node_reports = stop_nodes(demo, &mut checks).await?;
    let mut totals = Totals::default();
    let buyers = buyer_rows(demo, &mut checks, &mut totals).await?;
    let providers = provider_rows(demo, &mut checks, &mut totals).await?;
    market_checks(demo, &mut checks, &totals).await?;
    let receipts_signed: u64 = demo.buyers.iter().map(|b| b.meter.signed()).sum();
    let receipts_stored: u64 = demo.providers.iter().map(|p| p.received).sum();
    checks.check(
        "every receipt signed was stored by its provider",
        receipts_signed == receipts_stored,
    );
    if demo.nodes.is_some() {
        let over_http: u64 = node_reports.iter().map(|r| r.receipts_accepted).sum();
        checks.check(
            "every receipt travelled over HTTP and was acknowledged by its provider's node",
            over_http == receipts_signed && node_reports.iter().all(|r| r.receipts_refused == 0),
        );
    }
    Ok(DemoReport {
        market: demo.market.to_string(),
        receipts_signed,
        receipts_stored,
        events: std::mem::take(&mut demo.events),
        fees_to_treasury: ui_amount(swept.to_treasury, DECIMALS),
        fees_burned: ui_amount(swept.burned, DECIMALS),
        rewards_minted: ui_amount(totals.rewards_claimed, DECIMALS),
        seconds: 0.0,
        providers,
        buyers,
        transactions: transactions(demo),
        ranking: ranking(demo).await?,
        checks: checks.0,
    })
}

/// With `network`: what each buyer's app reads back from its provider's node is its last
/// receipt; then the nodes stop (draining, flushing).
async fn stop_nodes<C: DemoChain>(
    demo: &mut Demo<'_, C>,
    checks: &mut Checks,
) -> Result<Vec<NodeReport>, ClientError> {
    let mut failing = vec![];
    for (i, b) in demo.buyers.iter().enumerate() {
        if let Some(sender) = &b.sender {
            let view = sender.channel(&b.channel).await?;
            let last = b.meter.last().map(|r| r.receipt.amount).unwrap_or(0);
            if view.map(|v| v.best_amount.0) != Some(last) {
                failing.push(i);
            }
        }
    }
    let mut reports = vec![];
    for p in demo.providers.iter_mut() {
        if let Some(node) = p.node.take() {
            reports.push(node.shutdown().await?.1);
        }
    }
    if demo.nodes.is_some() {
        let name =
            "every buyer's last receipt is what its provider's node holds (GET /v1/channels)";
        checks.each(name, &failing);
    }
    Ok(reports)
}

async fn buyer_rows<C: DemoChain>(
    demo: &Demo<'_, C>,
    checks: &mut Checks,
    totals: &mut Totals,
) -> Result<Vec<BuyerRow>, ClientError> {
    let (mut failing_paid, mut failing_closed, mut rows) = (vec![], vec![], vec![]);
    for (i, b) in demo.buyers.iter().enumerate() {
        let (spent, bytes) = b
            .meter
            .last()
            .map(|r| (r.receipt.amount, r.receipt.bytes))
            .unwrap_or((0, 0));
        let wallet = tokens::associated_address(
            &b.client.payer().pubkey(),
            &demo.mint,
            &spl_token_interface::ID,
        );
        let held = token_balance(&demo.admin, &wallet).await?;
        totals.buyers_hold += held;
        totals.spent += spent;
        totals.fees_expected += bps_of(spent, FEE_BPS).expect("fee");
        if held != WALLET_TOKENS - spent {
            failing_paid.push(i);
        }
        if demo.chain.account(&b.channel).await?.is_some() {
            failing_closed.push(i);
        }
        rows.push(BuyerRow {
            buyer: short(&b.client.payer().pubkey()),
            provider: b.provider as u64,
            gib: gib(bytes),
            receipts_signed: b.meter.signed(),
            spent: ui_amount(spent, DECIMALS),
            refunded: ui_amount(b.meter.deposit() - spent, DECIMALS),
        });
    }
    checks.each(
        "every buyer paid exactly its highest receipt",
        &failing_paid,
    );
    checks.each("every channel is closed", &failing_closed);
    Ok(rows)
}

/// What each provider's buyers signed: (paid to it, less the fee; bytes).
fn expected<C: DemoChain>(demo: &Demo<'_, C>) -> Vec<(u64, u64)> {
    let mut owed = vec![(0u64, 0u64); demo.providers.len()];
    for b in &demo.buyers {
        let (spent, bytes) = b
            .meter
            .last()
            .map(|r| (r.receipt.amount, r.receipt.bytes))
            .unwrap_or((0, 0));
        owed[b.provider].0 += spent - bps_of(spent, FEE_BPS).expect("fee");
        owed[b.provider].1 += bytes;
    }
    owed
}

async fn provider_rows<C: DemoChain>(
    demo: &Demo<'_, C>,
    checks: &mut Checks,
    totals: &mut Totals,
) -> Result<Vec<ProviderRow>, ClientError> {
    let owed = expected(demo);
    let (mut failing_paid, mut failing_bytes, mut failing_rewards, mut rows) =
        (vec![], vec![], vec![], vec![]);
    for (i, p) in demo.providers.iter().enumerate() {
        let authority = p.client.payer().pubkey();
        let pda = demo.admin.pda();
        let pm: ProviderMarket = demo
            .admin
            .require(
                &pda.provider_market(&demo.market, &pda.provider(&authority)),
                "provider market",
            )
            .await?;
        let payout = tokens::associated_address(&authority, &demo.mint, &spl_token_interface::ID);
        let paid = token_balance(&demo.admin, &payout).await?;
        totals.providers_hold += paid;
        totals.rewards_claimed += pm.rewards_claimed;
        if paid != owed[i].0 || pm.earnings != 0 {
            failing_paid.push(i);
        }
        if pm.bytes_settled != owed[i].1 {
            failing_bytes.push(i);
        }
        // Every byte was paid above the minimum price, so every byte earned rewards; all of
        // them were claimed (rounded down per settlement).
        let most = bandwidth_settlement::math::reward_for(pm.rewarded_bytes, REWARD_PER_GIB);
        if pm.reward_accrued != 0
            || pm.rewarded_bytes != pm.bytes_settled
            || pm.rewards_claimed == 0
            || pm.rewards_claimed > most
        {
            failing_rewards.push(i);
        }
        rows.push(ProviderRow {
            provider: short(&authority),
            price_per_gib: ui_amount(p.price, DECIMALS),
            channels: pm.channels_opened,
            gib: gib(pm.bytes_settled),
            receipts_stored: p.received,
            earned: ui_amount(pm.amount_settled - pm.fees_paid, DECIMALS),
            fees: ui_amount(pm.fees_paid, DECIMALS),
            paid_out: ui_amount(paid, DECIMALS),
            rewards: ui_amount(pm.rewards_claimed, DECIMALS),
            rating: format!("{:.2}", reputation::score(&pm, DECIMALS).rating),
        });
    }
    checks.each(
        "every provider was paid what its buyers signed, less the fee",
        &failing_paid,
    );
    checks.each(
        "every provider's settled bytes are its buyers' receipts",
        &failing_bytes,
    );
    checks.each(
        "every provider claimed the rewards of its paid bytes",
        &failing_rewards,
    );
    Ok(rows)
}

/// The vault, the supplies, the fees and the conservation of tokens.
async fn market_checks<C: DemoChain>(
    demo: &Demo<'_, C>,
    checks: &mut Checks,
    totals: &Totals,
) -> Result<(), ClientError> {
    let market = views::market(&demo.admin, &demo.market).await?;
    let a = &market.info.account;
    checks.check(
        "vault is empty once everyone withdrew",
        market.vault_balance == 0,
    );
    let supply = |mint: Pubkey| async move {
        let account = demo.chain.account(&mint).await?;
        Ok::<u64, ClientError>(
            account
                .and_then(|m| tokens::mint_info(&m.data))
                .map(|(_, s)| s)
                .unwrap_or(0),
        )
    };
    let minted = WALLET_TOKENS * demo.config.buyers as u64;
    checks.check(
        "supply = minted - burned",
        supply(demo.mint).await? == minted - a.fees_burned,
    );
    let reward_supply = supply(demo.reward_mint).await?;
    checks.check(
        "reward supply = sum of claims, within the epoch cap",
        reward_supply == totals.rewards_claimed && reward_supply <= REWARD_EPOCH_CAP,
    );
    checks.check(
        "fees = sum over channels of fee(settled)",
        a.fees_to_treasury + a.fees_burned == totals.fees_expected,
    );
    let treasury = token_balance(&demo.admin, &a.treasury).await?;
    checks.check(
        "conservation: buyers + providers + treasury + burned = minted",
        totals.buyers_hold + totals.providers_hold + treasury + a.fees_burned == minted,
    );
    checks.check(
        "every token spent reached a provider or the fees",
        totals.spent == totals.providers_hold + treasury + a.fees_burned,
    );
    Ok(())
}

fn transactions<C: DemoChain>(demo: &Demo<'_, C>) -> Vec<RoleRow> {
    let sum = |stats: &mut dyn Iterator<Item = TxStats>| {
        stats.fold(TxStats::default(), |a, b| TxStats {
            transactions: a.transactions + b.transactions,
            signatures: a.signatures + b.signatures,
            fee_lamports: a.fee_lamports + b.fee_lamports,
            bytes: a.bytes + b.bytes,
        })
    };
    let buyers = sum(&mut demo.buyers.iter().map(|b| b.client.stats()));
    let providers = sum(&mut demo.providers.iter().map(|p| p.client.stats()));
    let roles = [
        ("setup (mint, airdrops)", demo.faucet.stats()),
        ("market admin", demo.admin.stats()),
        ("buyers", buyers),
        ("providers", providers),
        ("finalizer", demo.finalizer.stats()),
    ];
    let total = sum(&mut roles.iter().map(|(_, s)| *s));
    roles
        .into_iter()
        .chain([("total", total)])
        .map(|(role, s)| RoleRow {
            role,
            transactions: s.transactions,
            signatures: s.signatures,
            fees_lamports: s.fee_lamports,
            bytes: s.bytes,
        })
        .collect()
}

async fn ranking<C: DemoChain>(demo: &Demo<'_, C>) -> Result<Vec<RankRow>, ClientError> {
    let (info, ranked) = views::ranking(&demo.admin, &demo.market).await?;
    Ok(ranked
        .into_iter()
        .enumerate()
        .map(|(i, r)| RankRow {
            rank: i + 1,
            provider: short(&r.provider.authority),
            endpoint: r.provider.endpoint,
            price_per_gib: info.ui(r.market_account.price_per_gib),
            score: format!("{:.1}", r.score.score),
            rating: format!("{:.2}", r.score.rating),
            settled: info.ui(r.market_account.amount_settled),
        })
        .collect())
}

fn gib(bytes: u64) -> String {
    format!("{:.2}", bytes as f64 / (1u64 << 30) as f64)
}

fn short(key: &Pubkey) -> String {
    let s = key.to_string();
    format!("{}…{}", &s[..4], &s[s.len() - 4..])
}
