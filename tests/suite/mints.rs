//! Mint policy (PROTOCOL §7): which mints a market may be created for.
use bandwidth_client::ix;
use bandwidth_tests::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

async fn try_create(extensions: &[MintExtension], expected: Option<SettlementError>) {
    try_create_with(extensions, true, expected).await
}

/// Creates a Token-2022 mint with `extensions` (and a freeze authority when `freeze`), then
/// a market for it.
async fn try_create_with(
    extensions: &[MintExtension],
    freeze: bool,
    expected: Option<SettlementError>,
) {
    let mut env = Env::new().await;
    let mint = env
        .create_mint_at(&Keypair::new(), TOKEN_2022, extensions, freeze)
        .await;
    let admin = env.wallet().await;
    let treasury = env.token_account(mint, admin.pubkey()).await;
    let ix = ix::DEFAULT.create_market(
        admin.pubkey(),
        mint,
        TOKEN_2022,
        treasury,
        Env::default_market_args(),
    );
    match expected {
        Some(e) => env.must_fail(&[ix], &[&admin], e).await,
        None => {
            env.must(&[ix], &[&admin]).await;
        }
    }
}

#[tokio::test]
async fn mints_that_could_move_tax_hook_hide_freeze_or_pause_escrow_are_refused() {
    use MintExtension::*;
    let cases = [
        (PermanentDelegate, SettlementError::MintHasPermanentDelegate),
        (TransferFee, SettlementError::MintHasTransferFee),
        (TransferHook, SettlementError::MintHasTransferHook),
        (
            ConfidentialTransfer,
            SettlementError::MintHasConfidentialTransfers,
        ),
        (NonTransferable, SettlementError::MintNonTransferable),
        (Pausable, SettlementError::MintPausable),
        (
            DefaultFrozen,
            SettlementError::MintDefaultAccountStateFrozen,
        ),
        // Could change behaviour after the market exists (PROTOCOL invariant 11): the empty
        // mint closed and re-created with other extensions; the default state switched to
        // frozen by the freeze authority.
        (MintCloseAuthority, SettlementError::MintHasCloseAuthority),
        (
            DefaultInitialized,
            SettlementError::MintDefaultAccountStateMutable,
        ),
        // Not known to be harmless: displayed amounts would differ from settled amounts.
        (InterestBearing, SettlementError::MintExtensionNotAllowed),
    ];
    for (extension, expected) in cases {
        try_create(&[extension], Some(expected)).await;
    }
    // One bad extension among harmless ones is enough.
    try_create(
        &[MetadataPointer, PermanentDelegate],
        Some(SettlementError::MintHasPermanentDelegate),
    )
    .await;
}

#[tokio::test]
async fn harmless_token_2022_extensions_are_accepted() {
    use MintExtension::*;
    for extensions in [&[][..], &[MetadataPointer][..]] {
        try_create(extensions, None).await;
    }
    // Without a freeze authority the default state can never change.
    for extensions in [
        &[DefaultInitialized][..],
        &[MetadataPointer, DefaultInitialized][..],
    ] {
        try_create_with(extensions, false, None).await;
    }
}

/// A legacy mint and a Token-2022 mint (with harmless extensions) both carry a deposit,
/// a settlement and every withdrawal to the base unit.
#[tokio::test]
async fn legacy_and_plain_token_2022_mints_work_end_to_end() {
    use MintExtension::*;
    for (token_program, extensions) in [
        (TOKEN, &[][..]),
        (TOKEN_2022, &[][..]),
        (TOKEN_2022, &[MetadataPointer][..]),
    ] {
        let mut env = Env::new().await;
        let m = env
            .create_market_with(token_program, extensions, Env::default_market_args())
            .await;
        let p = env.provider(&m).await;
        let b = env.funded_buyer(&m, 10 * UNIT).await;
        assert_eq!(env.token_balance(m.keys.vault).await, 10 * UNIT);
        let c = env.open_channel(&m, &b, &p, 5 * UNIT, HOUR as u32).await;
        let ix = ix::DEFAULT.settle(
            p.authority.pubkey(),
            &c.keys,
            c.receipt(2 * UNIT, GIB),
            None,
        );
        env.must(&[ix], &[&p.authority]).await;
        let ix = ix::DEFAULT.close_by_provider(p.authority.pubkey(), &c.keys, None);
        env.must(&[ix], &[&p.authority]).await;
        let ix = ix::DEFAULT.withdraw(b.wallet.pubkey(), &m.keys, b.token, 8 * UNIT);
        env.must(&[ix], &[&b.wallet]).await;
        let ix = ix::DEFAULT.withdraw_earnings(p.authority.pubkey(), &m.keys, p.payout_token, None);
        env.must(&[ix], &[&p.authority]).await;
        let ix = ix::DEFAULT.sweep_fees(&m.keys, &[p.provider_market(&m)]);
        env.must(&[ix], &[]).await;
        assert_eq!(env.token_balance(b.token).await, 8 * UNIT);
        assert_eq!(env.token_balance(p.payout_token).await, 2 * UNIT - 50_000);
        assert_eq!(env.token_balance(m.keys.treasury).await, 40_000);
        assert_eq!(env.token_balance(m.keys.vault).await, 0);
    }
}

/// Tokens sent into a vault outside the program belong to nobody: no balance grows, and
/// conservation still accounts for every base unit (the harness tracks the stray amount).
#[tokio::test]
async fn a_stray_transfer_into_the_vault_becomes_nobodys_money() {
    let mut s = Scene::new(TOKEN, 10 * UNIT).await;
    let before = s.env.buyer_account(&s.m, &s.b).await.free;
    s.env.stray_transfer_to_vault(&s.m, 3 * UNIT).await;
    assert_eq!(s.env.token_balance(s.m.keys.vault).await, 13 * UNIT);
    assert_eq!(s.env.buyer_account(&s.m, &s.b).await.free, before);
    let ix = ix::DEFAULT.withdraw(s.b.wallet.pubkey(), &s.m.keys, s.b.token, before + 1);
    s.env
        .must_fail(
            &[ix],
            &[&s.b.wallet],
            SettlementError::InsufficientFreeBalance,
        )
        .await;
}
