//! PROTOCOL invariant 7: every lifecycle transaction, in its worst case, fits in 1,232 bytes
//! and the account-lock limit, and no valid state is impossible to close. Each worst case is
//! measured exactly as sent (a compute-unit limit and a priority fee included, paid by the
//! party that sends it) and then executed.
use anchor_lang::prelude::Pubkey;
use bandwidth_client::{batch, ix, pda};
use bandwidth_tests::*;
use solana_compute_budget_interface::ComputeBudgetInstruction;
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_message::AddressLookupTableAccount;
use solana_signer::Signer;

/// Size and account count of `ixs` sent by `payer` with both compute-budget instructions.
fn worst(
    payer: &Pubkey,
    ixs: &[Instruction],
    tables: &[AddressLookupTableAccount],
) -> (usize, usize) {
    let mut all = vec![
        ComputeBudgetInstruction::set_compute_unit_limit(1_400_000),
        ComputeBudgetInstruction::set_compute_unit_price(u64::MAX),
    ];
    all.extend_from_slice(ixs);
    batch::measure(payer, &all, tables).unwrap()
}

struct Tally(Vec<(&'static str, usize, usize)>);

impl Tally {
    fn check(
        &mut self,
        name: &'static str,
        payer: &Pubkey,
        ixs: &[Instruction],
        tables: &[AddressLookupTableAccount],
    ) {
        let (size, accounts) = worst(payer, ixs, tables);
        assert!(size <= batch::PACKET_DATA_SIZE, "{name}: {size} bytes");
        assert!(
            accounts <= batch::MAX_ACCOUNT_LOCKS,
            "{name}: {accounts} accounts"
        );
        self.0.push((name, size, accounts));
    }
}

#[tokio::test]
async fn every_lifecycle_transaction_fits_in_its_worst_case() {
    let mut env = Env::new().await;
    let mut t = Tally(vec![]);

    // Market creation and administration, on Token-2022.
    let mint = env
        .create_mint(TOKEN_2022, &[MintExtension::MetadataPointer])
        .await;
    let admin = env.wallet().await;
    let treasury = env.token_account(mint, admin.pubkey()).await;
    let args = Env::default_market_args();
    let create = ix::DEFAULT.create_market(admin.pubkey(), mint, TOKEN_2022, treasury, args);
    t.check(
        "create_market",
        &admin.pubkey(),
        std::slice::from_ref(&create),
        &[],
    );
    env.must_paid_by(&admin, &[create], &[]).await;
    let keys = ix::MarketKeys::derive(mint, admin.pubkey(), TOKEN_2022, treasury);
    let m = MarketFixture {
        keys,
        admin,
        treasury_owner: Pubkey::default(),
    };
    let new_treasury = env.token_account(mint, m.admin.pubkey()).await;
    let update = ix::DEFAULT.update_market(
        m.admin.pubkey(),
        m.keys.market,
        Some(new_treasury),
        UpdateMarketArgs {
            paused: Some(false),
            fee_bps: Some(1_000),
            burn_bps: Some(10_000),
            min_dispute_window_secs: Some(600),
            max_dispute_window_secs: Some(30 * 86_400),
            stake_unbonding_secs: Some(365 * 86_400),
        },
    );
    t.check(
        "update_market (every field)",
        &m.admin.pubkey(),
        std::slice::from_ref(&update),
        &[],
    );
    env.must_paid_by(&m.admin, &[update], &[]).await;
    let m = MarketFixture {
        keys: ix::MarketKeys {
            treasury: new_treasury,
            ..m.keys
        },
        ..m
    };

    // A provider with the longest metadata, registering and joining in one transaction.
    let authority = env.wallet().await;
    let payout = env.wallet().await;
    let longest = RegisterProviderArgs {
        payout: payout.pubkey(),
        min_dispute_window_secs: 600,
        bounty_bps: 1_000,
        endpoint: "e".repeat(128),
        region: "r".repeat(32),
    };
    let a = authority.pubkey();
    let register = [
        ix::DEFAULT.register_provider(a, longest),
        ix::DEFAULT.join_market(a, m.keys.market, u64::MAX),
    ];
    t.check(
        "register_provider + join_market (longest metadata)",
        &a,
        &register,
        &[],
    );
    env.must_paid_by(&authority, &register, &[]).await;
    let update = [
        ix::DEFAULT.update_provider(
            a,
            UpdateProviderArgs {
                payout: Some(payout.pubkey()),
                min_dispute_window_secs: Some(600),
                bounty_bps: Some(1_000),
                endpoint: Some("E".repeat(128)),
                region: Some("R".repeat(32)),
                active: Some(true),
            },
        ),
        ix::DEFAULT.set_price(a, m.keys.market, u64::MAX),
    ];
    t.check(
        "update_provider + set_price (every field)",
        &a,
        &update,
        &[],
    );
    env.must_paid_by(&authority, &update, &[]).await;
    let payout_token = env.token_account(mint, payout.pubkey()).await;
    let p = ProviderFixture {
        provider: pda::provider(&a),
        authority,
        payout,
        payout_token,
    };

    // Buyers: first deposit (creates the escrow), open, top up.
    let mut channels = vec![];
    for i in 0..12 {
        let b = env.buyer(&m, 100 * UNIT).await;
        let w = b.wallet.pubkey();
        let deposit = ix::DEFAULT.deposit(w, &m.keys, b.token, 100 * UNIT);
        if i == 0 {
            t.check(
                "deposit (creating the escrow)",
                &w,
                std::slice::from_ref(&deposit),
                &[],
            );
        }
        env.must_paid_by(&b.wallet, &[deposit], &[]).await;
        let session = Keypair::new();
        let (open, channel) = ix::DEFAULT.open_channel(
            w,
            m.keys.market,
            p.provider,
            0,
            OpenChannelArgs {
                amount: 50 * UNIT,
                dispute_window_secs: 30 * 86_400,
                receipt_signer: session.pubkey(),
            },
        );
        if i == 0 {
            t.check("open_channel", &w, std::slice::from_ref(&open), &[]);
        }
        env.must_paid_by(&b.wallet, &[open], &[]).await;
        let c: Channel = env.get(channel).await.unwrap();
        let c = ChannelFixture {
            keys: ix::ChannelKeys::from_account(channel, &c),
            id: 0,
            signer: session,
        };
        let top_up = ix::DEFAULT.top_up(w, &c.keys, 50 * UNIT);
        if i == 0 {
            t.check("top_up", &w, std::slice::from_ref(&top_up), &[]);
        }
        env.must_paid_by(&b.wallet, &[top_up], &[]).await;
        channels.push((b, c));
    }
    let widest = |c: &ChannelFixture, i: u64| c.receipt(100 * UNIT - i, u64::MAX - i);

    // A watcher's single settlement of a closing channel, with every bounty account.
    let (b0, c0) = &channels[0];
    env.must_paid_by(
        &b0.wallet,
        &[ix::DEFAULT.request_close(b0.wallet.pubkey(), &c0.keys)],
        &[],
    )
    .await;
    env.advance_time(HOUR / 2).await; // the bounty phase: the watcher's transfer executes too
    let watcher = env.wallet().await;
    let wt = env.token_account(mint, watcher.pubkey()).await;
    let bounty = Some(ix::Bounty {
        market: &m.keys,
        destination: wt,
    });
    let settle = ix::DEFAULT.settle(watcher.pubkey(), &c0.keys, widest(c0, 0), bounty);
    t.check(
        "settle (watcher, bounty accounts)",
        &watcher.pubkey(),
        std::slice::from_ref(&settle),
        &[],
    );
    env.must_paid_by(&watcher, &[settle], &[]).await;

    // The largest batches the packer builds: legacy, and v0 with the provider's lookup table,
    // each for the provider itself and for a watcher with the bounty accounts.
    let mut in_table = vec![
        p.provider,
        p.provider_market(&m),
        bandwidth_client::pda::reward_pool(&m.keys.market),
    ];
    in_table.extend(channels.iter().map(|(_, c)| c.keys.channel));
    let table = env.lookup_table(&in_table).await;
    let budget = |units| {
        vec![
            ComputeBudgetInstruction::set_compute_unit_limit(units),
            ComputeBudgetInstruction::set_compute_unit_price(u64::MAX),
        ]
    };
    for (tables, settler, name) in [
        (vec![], &p.authority, "settle_many, legacy, provider"),
        (
            vec![table.clone()],
            &p.authority,
            "settle_many, v0 + lookup table, provider",
        ),
        (
            vec![],
            &watcher,
            "settle_many, legacy, watcher with bounty accounts",
        ),
        (
            vec![table.clone()],
            &watcher,
            "settle_many, v0 + lookup table, watcher with bounty accounts",
        ),
    ] {
        let with_bounty = settler.pubkey() == watcher.pubkey();
        let group = batch::SettleGroup {
            ix: bandwidth_client::ix::DEFAULT,
            payer: settler.pubkey(),
            settler: settler.pubkey(),
            market: m.keys.market,
            provider: p.provider,
            bounty: with_bounty.then_some(ix::Bounty {
                market: &m.keys,
                destination: wt,
            }),
            compute_budget: &budget,
        };
        let entries: Vec<_> = channels[1..]
            .iter()
            .enumerate()
            .map(|(i, (_, c))| (c.keys.channel, widest(c, i as u64 + 1)))
            .collect();
        let batches = group.pack(&entries, &tables).unwrap();
        let largest = batches.iter().map(|b| b.len()).max().unwrap();
        let ixs = group.instructions(&batches[0]);
        let (size, accounts) = batch::measure(&settler.pubkey(), &ixs, &tables).unwrap();
        assert!(
            size <= batch::PACKET_DATA_SIZE && accounts <= batch::MAX_ACCOUNT_LOCKS,
            "{name}: {size}"
        );
        t.0.push((name, size, accounts));
        assert!(
            largest >= if tables.is_empty() { 5 } else { 8 },
            "{name}: only {largest} per transaction"
        );
    }
    // Execute the largest legacy provider batch (amounts below the deposit).
    let group_entries: Vec<_> = channels[1..9]
        .iter()
        .enumerate()
        .map(|(i, (_, c))| (c.keys.channel, c.receipt(50 * UNIT + i as u64, u64::MAX)))
        .collect();
    let settle_many = ix::DEFAULT.settle_many(a, m.keys.market, p.provider, &group_entries, None);
    env.must_paid_by(&p.authority, &[settle_many], &[]).await;

    // Closes: provider with a final receipt; buyer request and finalize.
    let (_, c9) = &channels[9];
    let close = ix::DEFAULT.close_by_provider(a, &c9.keys, Some(widest(c9, 9)));
    t.check(
        "close_by_provider (final receipt)",
        &a,
        std::slice::from_ref(&close),
        &[],
    );
    env.must_paid_by(&p.authority, &[close], &[]).await;
    let (b10, c10) = &channels[10];
    let request = ix::DEFAULT.request_close(b10.wallet.pubkey(), &c10.keys);
    t.check(
        "request_close",
        &b10.wallet.pubkey(),
        std::slice::from_ref(&request),
        &[],
    );
    env.must_paid_by(&b10.wallet, &[request], &[]).await;
    env.advance_time(30 * DAY).await;
    let finalize = ix::DEFAULT.finalize_close(&c10.keys);
    t.check(
        "finalize_close",
        &watcher.pubkey(),
        std::slice::from_ref(&finalize),
        &[],
    );
    env.must_paid_by(&watcher, &[finalize], &[]).await;
    let finalize0 = ix::DEFAULT.finalize_close(&c0.keys);
    env.must_paid_by(&watcher, &[finalize0], &[]).await;

    // Money out: the buyer's whole balance, earnings, and a sweep of the most provider
    // accounts the client puts in one transaction.
    let withdraw = ix::DEFAULT.withdraw(b10.wallet.pubkey(), &m.keys, b10.token, 100 * UNIT);
    t.check(
        "withdraw",
        &b10.wallet.pubkey(),
        std::slice::from_ref(&withdraw),
        &[],
    );
    env.must_paid_by(&b10.wallet, &[withdraw], &[]).await;
    let earnings = ix::DEFAULT.withdraw_earnings(a, &m.keys, p.payout_token, None);
    t.check(
        "withdraw_earnings",
        &a,
        std::slice::from_ref(&earnings),
        &[],
    );
    env.must_paid_by(&p.authority, &[earnings], &[]).await;
    let mut pms = vec![p.provider_market(&m)];
    for _ in 1..bandwidth_client::ops::admin::PROVIDERS_PER_SWEEP {
        pms.push(env.provider(&m).await.provider_market(&m));
    }
    let sweep = ix::DEFAULT.sweep_fees(&m.keys, &pms);
    t.check(
        "sweep_fees (20 provider accounts)",
        &watcher.pubkey(),
        std::slice::from_ref(&sweep),
        &[],
    );
    env.must_paid_by(&watcher, &[sweep], &[]).await;

    println!(
        "{:<62} {:>6} {:>9}",
        "transaction (worst case)", "bytes", "accounts"
    );
    for (name, size, accounts) in &t.0 {
        println!("{name:<62} {size:>6} {accounts:>9}");
    }
    // Events are in the log (docs/adr/0010): no worst case may come near the runtime's
    // 10,000-byte log limit, past which events would be cut.
    println!("largest log: {} bytes", env.max_log_bytes);
    assert!(
        env.max_log_bytes < 8_000,
        "a worst-case transaction logged {} bytes",
        env.max_log_bytes
    );
}

/// No valid state is impossible to close: fully spent channels, channels of an inactive
/// provider, channels in a paused market, and channels whose rent payer's wallet was emptied.
#[tokio::test]
async fn every_valid_state_can_be_closed() {
    let mut s = Scene::new(TOKEN, 30 * UNIT).await;
    let spent = s.open(10 * UNIT).await;
    s.settle(&spent, 10 * UNIT, GIB).await;
    let idle = s.open(10 * UNIT).await;
    let other = s.open(10 * UNIT).await;
    let w = s.b.wallet.pubkey();
    // The provider goes inactive, the market pauses.
    let off = ix::DEFAULT.update_provider(
        s.p.authority.pubkey(),
        UpdateProviderArgs {
            active: Some(false),
            ..Default::default()
        },
    );
    s.env.must(&[off], &[&s.p.authority]).await;
    let pause = ix::DEFAULT.update_market(
        s.m.admin.pubkey(),
        s.m.keys.market,
        None,
        UpdateMarketArgs {
            paused: Some(true),
            ..Default::default()
        },
    );
    s.env.must(&[pause], &[&s.m.admin]).await;
    for c in [&spent, &idle] {
        s.env
            .must(&[ix::DEFAULT.request_close(w, &c.keys)], &[&s.b.wallet])
            .await;
    }
    // The buyer empties its wallet of SOL: refunds still land in its escrow, rent in its wallet.
    let lamports = s.env.lamports(w).await;
    let drain = solana_system_interface::instruction::transfer(&w, &s.env.payer(), lamports);
    s.env.must(&[drain], &[&s.b.wallet]).await;
    assert_eq!(s.env.lamports(w).await, 0);
    s.env.advance_time(HOUR).await;
    s.env
        .must(&[ix::DEFAULT.finalize_close(&spent.keys)], &[])
        .await;
    s.env
        .must(&[ix::DEFAULT.finalize_close(&idle.keys)], &[])
        .await;
    let close = ix::DEFAULT.close_by_provider(s.p.authority.pubkey(), &other.keys, None);
    s.env.must(&[close], &[&s.p.authority]).await;
    assert_eq!(s.env.buyer_account(&s.m, &s.b).await.free, 20 * UNIT);
    assert_eq!(
        s.env.lamports(w).await,
        3 * s.env.rent().await.minimum_balance(Channel::SPACE)
    );
}

/// The largest half-aggregated batch the packer builds — a watcher's, with every bounty
/// account, a compute-unit price, the widest encodings these deposits allow (the whole deposit
/// from nothing settled, bytes = u64::MAX) — fits 1,232 bytes and the account limit, and
/// executes. Channels, the market and its vault in the provider's lookup table (as
/// `bwx lookup-table create` makes it), closing, in their bounty phase.
#[tokio::test]
async fn the_largest_aggregated_batch_fits_and_executes() {
    use bandwidth_client::batch::AggEntry;
    use bandwidth_settlement::receipt::{Receipt, SignedReceipt};
    let mut env = Env::new().await;
    let m = env.create_market(TOKEN).await;
    let p = env.provider(&m).await;
    let mut channels = vec![];
    for _ in 0..34 {
        let b = env.funded_buyer(&m, 100 * UNIT).await;
        let c = env.open_channel(&m, &b, &p, 100 * UNIT, HOUR as u32).await;
        env.must(
            &[ix::DEFAULT.request_close(b.wallet.pubkey(), &c.keys)],
            &[&b.wallet],
        )
        .await;
        channels.push(c);
    }
    env.advance_time(HOUR / 2).await;
    let mut in_table = vec![
        p.provider,
        p.provider_market(&m),
        pda::reward_pool(&m.keys.market),
        m.keys.market,
        m.keys.vault,
    ];
    in_table.extend(channels.iter().map(|c| c.keys.channel));
    let table = env.lookup_table(&in_table).await;
    let watcher = env.wallet().await;
    let wt = env.token_account(m.keys.mint, watcher.pubkey()).await;
    let budget = |units| {
        vec![
            ComputeBudgetInstruction::set_compute_unit_limit(units),
            ComputeBudgetInstruction::set_compute_unit_price(u64::MAX / 1_400_000),
        ]
    };
    let group = batch::SettleGroup {
        ix: bandwidth_client::ix::DEFAULT,
        payer: watcher.pubkey(),
        settler: watcher.pubkey(),
        market: m.keys.market,
        provider: p.provider,
        bounty: Some(ix::Bounty {
            market: &m.keys,
            destination: wt,
        }),
        compute_budget: &budget,
    };
    let entries: Vec<AggEntry> = channels
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let amount = 100 * UNIT - i as u64;
            let r = c.receipt(amount, u64::MAX - i as u64);
            AggEntry {
                channel: c.keys.channel,
                signer: c.signer.pubkey(),
                receipt: SignedReceipt {
                    receipt: Receipt {
                        channel: c.keys.channel,
                        amount,
                        bytes: u64::MAX - i as u64,
                    },
                    signature: r.signature,
                },
                settled: 0,
                deposit: 100 * UNIT,
                price_per_gib: UNIT,
            }
        })
        .collect();
    let tables = [table];
    let batches = group.pack_aggregated(&entries, &tables).unwrap();
    let ixs = group.instructions_aggregated(&batches[0]).unwrap();
    let (size, accounts) = batch::measure(&watcher.pubkey(), &ixs, &tables).unwrap();
    println!(
        "settle_many_agg, watcher, v0 + table: {} channels, {size} bytes, {accounts} accounts",
        batches[0].len()
    );
    assert!(size <= batch::PACKET_DATA_SIZE && accounts <= batch::MAX_ACCOUNT_LOCKS);
    assert!(
        batches[0].len() >= 16,
        "only {} per transaction",
        batches[0].len()
    );
    assert!(
        batch::PACKET_DATA_SIZE - size < 49,
        "the packer left room for another channel"
    );
    env.must_paid_by(&watcher, &ixs[2..], &tables).await;
    for e in &batches[0] {
        let c: Channel = env.get(e.channel).await.unwrap();
        assert_eq!(c.settled, e.receipt.receipt.amount);
    }
    assert!(
        env.token_balance(wt).await > 0,
        "the watcher was paid its bounty"
    );
    assert!(env.max_log_bytes < 8_000, "log {} bytes", env.max_log_bytes);
}
