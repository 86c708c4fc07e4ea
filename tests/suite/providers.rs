//! register_provider, update_provider, join_market, set_price and withdraw_earnings.
use bandwidth_client::{ix, pda};
use bandwidth_tests::*;
use solana_signer::Signer;

#[tokio::test]
async fn register_records_identity_terms_and_metadata() {
    let mut env = Env::new().await;
    let m = env.create_market(TOKEN).await;
    let p = env.provider(&m).await;
    let provider: Provider = env.get(p.provider).await.unwrap();
    assert_eq!(provider.version, 2);
    assert_eq!(
        (provider.authority, provider.payout),
        (p.authority.pubkey(), p.payout.pubkey())
    );
    assert_eq!(
        (provider.min_dispute_window_secs, provider.bounty_bps),
        (3_600, 500)
    );
    assert_eq!(provider.endpoint, "https://node.example.net:4433");
    assert_eq!(provider.region, "eu-west");
    assert!(provider.active);
    let pm = env.provider_market(&m, &p).await;
    assert_eq!(
        (pm.market, pm.provider, pm.price_per_gib),
        (m.keys.market, p.provider, UNIT)
    );
    assert_eq!(
        (pm.earnings, pm.fees_accrued, pm.channels_opened),
        (0, 0, 0)
    );
}

#[tokio::test]
async fn register_accepts_the_longest_metadata_and_refuses_longer() {
    let mut env = Env::new().await;
    let m = env.create_market(TOKEN).await;
    let longest = |payout| RegisterProviderArgs {
        endpoint: "e".repeat(128),
        region: "r".repeat(32),
        ..Env::default_provider_args(payout)
    };
    let p = env.provider_with(&m, longest, UNIT).await;
    let provider: Provider = env.get(p.provider).await.unwrap();
    assert_eq!((provider.endpoint.len(), provider.region.len()), (128, 32));

    let a = env.wallet().await;
    let base = || Env::default_provider_args(a.pubkey());
    let cases = [
        (
            RegisterProviderArgs {
                endpoint: "e".repeat(129),
                ..base()
            },
            SettlementError::EndpointTooLong,
        ),
        (
            RegisterProviderArgs {
                region: "r".repeat(33),
                ..base()
            },
            SettlementError::RegionTooLong,
        ),
        (
            RegisterProviderArgs {
                bounty_bps: 1_001,
                ..base()
            },
            SettlementError::BountyTooHigh,
        ),
        (
            RegisterProviderArgs {
                min_dispute_window_secs: 599,
                ..base()
            },
            SettlementError::InvalidProviderDisputeWindow,
        ),
        (
            RegisterProviderArgs {
                min_dispute_window_secs: 30 * 86_400 + 1,
                ..base()
            },
            SettlementError::InvalidProviderDisputeWindow,
        ),
    ];
    for (args, expected) in cases {
        let ix = ix::DEFAULT.register_provider(a.pubkey(), args);
        env.must_fail(&[ix], &[&a], expected).await;
    }
    let ix =
        ix::DEFAULT.register_provider(p.authority.pubkey(), Env::default_provider_args(a.pubkey()));
    env.must_fail(
        &[ix],
        &[&p.authority],
        SettlementError::AccountAlreadyExists,
    )
    .await;
}

#[tokio::test]
async fn update_provider_changes_future_terms_only() {
    let mut s = Scene::new(TOKEN, 10 * UNIT).await;
    let c = s.open(UNIT).await;
    let new_payout = s.env.wallet().await;
    let ix = ix::DEFAULT.update_provider(
        s.p.authority.pubkey(),
        UpdateProviderArgs {
            payout: Some(new_payout.pubkey()),
            min_dispute_window_secs: Some(7_200),
            bounty_bps: Some(1_000),
            endpoint: Some("tcp://10.0.0.1:9000".into()),
            region: Some("ap-south".into()),
            active: None,
        },
    );
    s.env.must(&[ix], &[&s.p.authority]).await;
    let provider: Provider = s.env.get(s.p.provider).await.unwrap();
    assert_eq!(provider.payout, new_payout.pubkey());
    assert_eq!(
        (provider.min_dispute_window_secs, provider.bounty_bps),
        (7_200, 1_000)
    );
    assert_eq!(
        (provider.endpoint.as_str(), provider.region.as_str()),
        ("tcp://10.0.0.1:9000", "ap-south")
    );
    // The open channel keeps the bounty it snapshotted; a new one takes the new terms.
    assert_eq!(s.env.channel(&c).await.bounty_bps, 500);
    let b = s.b.wallet.pubkey();
    let (ix, _) = ix::DEFAULT.open_channel(
        b,
        s.m.keys.market,
        s.p.provider,
        1,
        OpenChannelArgs {
            amount: UNIT,
            dispute_window_secs: 3_600,
            receipt_signer: b,
        },
    );
    s.env
        .must_fail(
            &[ix],
            &[&s.b.wallet],
            SettlementError::DisputeWindowBelowProviderMinimum,
        )
        .await;
    let c2 = s.env.open_channel(&s.m, &s.b, &s.p, UNIT, 7_200).await;
    assert_eq!(s.env.channel(&c2).await.bounty_bps, 1_000);
}

#[tokio::test]
async fn update_provider_refusals_change_nothing() {
    let mut env = Env::new().await;
    let m = env.create_market(TOKEN).await;
    let p = env.provider(&m).await;
    let a = p.authority.pubkey();
    let cases = [
        (
            UpdateProviderArgs {
                bounty_bps: Some(1_001),
                ..Default::default()
            },
            SettlementError::BountyTooHigh,
        ),
        (
            UpdateProviderArgs {
                min_dispute_window_secs: Some(599),
                ..Default::default()
            },
            SettlementError::InvalidProviderDisputeWindow,
        ),
        (
            UpdateProviderArgs {
                endpoint: Some("e".repeat(129)),
                ..Default::default()
            },
            SettlementError::EndpointTooLong,
        ),
        (
            UpdateProviderArgs {
                region: Some("r".repeat(33)),
                ..Default::default()
            },
            SettlementError::RegionTooLong,
        ),
    ];
    for (args, expected) in cases {
        let ix = ix::DEFAULT.update_provider(a, args);
        env.must_fail(&[ix], &[&p.authority], expected).await;
    }
    let intruder = env.wallet().await;
    let ix = swap(
        ix::DEFAULT.update_provider(
            intruder.pubkey(),
            UpdateProviderArgs {
                active: Some(false),
                ..Default::default()
            },
        ),
        pda::provider(&intruder.pubkey()),
        p.provider,
    );
    env.must_fail(&[ix], &[&intruder], SettlementError::NotProviderAuthority)
        .await;
}

#[tokio::test]
async fn an_inactive_provider_takes_no_new_channels_but_settles_old_ones() {
    let mut s = Scene::new(TOKEN, 10 * UNIT).await;
    let c = s.open(UNIT).await;
    let authority = s.p.authority.pubkey();
    let set_active = |active| {
        ix::DEFAULT.update_provider(
            authority,
            UpdateProviderArgs {
                active: Some(active),
                ..Default::default()
            },
        )
    };
    let off = set_active(false);
    s.env.must(&[off], &[&s.p.authority]).await;
    let b = s.b.wallet.pubkey();
    let open = ix::DEFAULT
        .open_channel(
            b,
            s.m.keys.market,
            s.p.provider,
            1,
            OpenChannelArgs {
                amount: UNIT,
                dispute_window_secs: 3_600,
                receipt_signer: b,
            },
        )
        .0;
    s.env
        .must_fail(
            std::slice::from_ref(&open),
            &[&s.b.wallet],
            SettlementError::ProviderInactive,
        )
        .await;
    s.settle(&c, UNIT / 2, GIB / 2).await;
    let on = set_active(true);
    s.env.must(&[on], &[&s.p.authority]).await;
    s.env.must(&[open], &[&s.b.wallet]).await;
}

#[tokio::test]
async fn join_market_and_set_price() {
    let mut env = Env::new().await;
    let m = env.create_market(TOKEN).await;
    let m2 = env.create_market(TOKEN_2022).await;
    let p = env.provider(&m).await;
    let a = p.authority.pubkey();
    // Join a second market with another price; joining twice is refused.
    env.must(
        &[ix::DEFAULT.join_market(a, m2.keys.market, 3 * UNIT)],
        &[&p.authority],
    )
    .await;
    let pm2: ProviderMarket = env.get(p.provider_market(&m2)).await.unwrap();
    assert_eq!(pm2.price_per_gib, 3 * UNIT);
    env.must_fail(
        &[ix::DEFAULT.join_market(a, m2.keys.market, UNIT)],
        &[&p.authority],
        SettlementError::AccountAlreadyExists,
    )
    .await;

    env.must(
        &[ix::DEFAULT.set_price(a, m.keys.market, 2 * UNIT)],
        &[&p.authority],
    )
    .await;
    assert_eq!(env.provider_market(&m, &p).await.price_per_gib, 2 * UNIT);
    let b = env.funded_buyer(&m, 5 * UNIT).await;
    let c = env.open_channel(&m, &b, &p, UNIT, 3_600).await;
    assert_eq!(env.channel(&c).await.price_per_gib, 2 * UNIT);

    // Someone else's provider, or another provider's market account.
    let intruder = env.wallet().await;
    let ix = swap(
        ix::DEFAULT.set_price(intruder.pubkey(), m.keys.market, 0),
        pda::provider(&intruder.pubkey()),
        p.provider,
    );
    let ix = swap(
        ix,
        pda::provider_market(&m.keys.market, &pda::provider(&intruder.pubkey())),
        p.provider_market(&m),
    );
    env.must_fail(&[ix], &[&intruder], SettlementError::NotProviderAuthority)
        .await;
    let ix = swap(
        ix::DEFAULT.join_market(intruder.pubkey(), m2.keys.market, 0),
        pda::provider(&intruder.pubkey()),
        p.provider,
    );
    env.must_fail(&[ix], &[&intruder], SettlementError::NotProviderAuthority)
        .await;
    let q = env.provider(&m).await;
    let ix = swap(
        ix::DEFAULT.set_price(a, m.keys.market, 0),
        p.provider_market(&m),
        q.provider_market(&m),
    );
    env.must_fail(&[ix], &[&p.authority], SettlementError::WrongProvider)
        .await;
}

#[tokio::test]
async fn withdraw_earnings_pays_the_payout_wallet_only() {
    let mut s = Scene::new(TOKEN, 10 * UNIT).await;
    let c = s.open(4 * UNIT).await;
    s.settle(&c, 4 * UNIT, 4 * GIB).await; // earnings 3.9, fee 0.1
    let a = s.p.authority.pubkey();
    let ix = ix::DEFAULT.withdraw_earnings(a, &s.m.keys, s.p.payout_token, Some(UNIT));
    s.env.must(&[ix], &[&s.p.authority]).await;
    assert_eq!(s.env.token_balance(s.p.payout_token).await, UNIT);
    let pm = s.env.provider_market(&s.m, &s.p).await;
    assert_eq!((pm.earnings, pm.earnings_withdrawn), (2_900_000, UNIT));

    let ix = ix::DEFAULT.withdraw_earnings(a, &s.m.keys, s.p.payout_token, Some(0));
    s.env
        .must_fail(&[ix], &[&s.p.authority], SettlementError::ZeroAmount)
        .await;
    let ix = ix::DEFAULT.withdraw_earnings(a, &s.m.keys, s.p.payout_token, Some(2_900_001));
    s.env
        .must_fail(
            &[ix],
            &[&s.p.authority],
            SettlementError::InsufficientEarnings,
        )
        .await;
    // A token account not owned by the payout wallet (here the authority's own).
    let own = s.env.token_account(s.m.keys.mint, a).await;
    let ix = ix::DEFAULT.withdraw_earnings(a, &s.m.keys, own, None);
    s.env
        .must_fail(
            &[ix],
            &[&s.p.authority],
            SettlementError::WrongPayoutAccount,
        )
        .await;
    // Someone else signs for the provider.
    let intruder = s.env.wallet().await;
    let ix = ix::DEFAULT.withdraw_earnings(intruder.pubkey(), &s.m.keys, s.p.payout_token, None);
    let ix = swap(ix, pda::provider(&intruder.pubkey()), s.p.provider);
    let ix = swap(
        ix,
        pda::provider_market(&s.m.keys.market, &pda::provider(&intruder.pubkey())),
        s.p.provider_market(&s.m),
    );
    s.env
        .must_fail(&[ix], &[&intruder], SettlementError::NotProviderAuthority)
        .await;
    // Payout token account of another mint, and another market's vault.
    let other = s.env.create_market(TOKEN).await;
    let foreign = s
        .env
        .token_account(other.keys.mint, s.p.payout.pubkey())
        .await;
    let ix = ix::DEFAULT.withdraw_earnings(a, &s.m.keys, foreign, None);
    s.env
        .must_fail(&[ix], &[&s.p.authority], SettlementError::WrongMint)
        .await;
    let ix = swap(
        ix::DEFAULT.withdraw_earnings(a, &s.m.keys, s.p.payout_token, None),
        s.m.keys.vault,
        other.keys.vault,
    );
    s.env
        .must_fail(&[ix], &[&s.p.authority], SettlementError::WrongVault)
        .await;
    // The provider market of another market, passed with this market's accounts.
    s.env
        .must(
            &[ix::DEFAULT.join_market(a, other.keys.market, UNIT)],
            &[&s.p.authority],
        )
        .await;
    let ix = swap(
        ix::DEFAULT.withdraw_earnings(a, &s.m.keys, s.p.payout_token, None),
        s.p.provider_market(&s.m),
        s.p.provider_market(&other),
    );
    s.env
        .must_fail(&[ix], &[&s.p.authority], SettlementError::WrongMarket)
        .await;

    // The rest, then nothing left.
    let ix = ix::DEFAULT.withdraw_earnings(a, &s.m.keys, s.p.payout_token, None);
    s.env
        .must(std::slice::from_ref(&ix), &[&s.p.authority])
        .await;
    assert_eq!(s.env.token_balance(s.p.payout_token).await, 3_900_000);
    s.env
        .must_fail(&[ix], &[&s.p.authority], SettlementError::ZeroAmount)
        .await;
}
