//! deposit and withdraw: the buyer's pooled escrow.
use bandwidth_client::{ix, pda};
use bandwidth_tests::*;
use solana_signer::Signer;

#[tokio::test]
async fn first_deposit_creates_the_escrow_and_later_ones_add_to_it() {
    for token_program in [TOKEN, TOKEN_2022] {
        let mut env = Env::new().await;
        let m = env.create_market(token_program).await;
        let b = env.buyer(&m, 10 * UNIT).await;
        assert!(env.raw(b.buyer(&m)).await.is_none());
        let ix = ix::DEFAULT.deposit(b.wallet.pubkey(), &m.keys, b.token, 3 * UNIT);
        env.must(&[ix], &[&b.wallet]).await;
        let buyer = env.buyer_account(&m, &b).await;
        assert_eq!(buyer.version, 2);
        assert_eq!(
            (buyer.market, buyer.owner),
            (m.keys.market, b.wallet.pubkey())
        );
        assert_eq!(
            (buyer.free, buyer.next_channel_id, buyer.total_deposited),
            (3 * UNIT, 0, 3 * UNIT)
        );
        let ix = ix::DEFAULT.deposit(b.wallet.pubkey(), &m.keys, b.token, 4 * UNIT);
        env.must(&[ix], &[&b.wallet]).await;
        let buyer = env.buyer_account(&m, &b).await;
        assert_eq!((buyer.free, buyer.total_deposited), (7 * UNIT, 7 * UNIT));
        assert_eq!(env.token_balance(b.token).await, 3 * UNIT);
        assert_eq!(env.token_balance(m.keys.vault).await, 7 * UNIT);
    }
}

#[tokio::test]
async fn deposit_refusals_change_nothing() {
    let mut env = Env::new().await;
    let m = env.create_market(TOKEN).await;
    let other = env.create_market(TOKEN).await; // another mint
    let b = env.funded_buyer(&m, 5 * UNIT).await;
    let w = b.wallet.pubkey();
    env.mint_to(m.keys.mint, b.token, 5 * UNIT).await;

    let ix = ix::DEFAULT.deposit(w, &m.keys, b.token, 0);
    env.must_fail(&[ix], &[&b.wallet], SettlementError::ZeroAmount)
        .await;

    // Source token account of another mint.
    let foreign = env.token_account(other.keys.mint, w).await;
    env.mint_to(other.keys.mint, foreign, UNIT).await;
    let ix = ix::DEFAULT.deposit(w, &m.keys, foreign, UNIT);
    env.must_fail(&[ix], &[&b.wallet], SettlementError::WrongMint)
        .await;

    // Another market's vault, mint, or the wrong token program.
    let ix = swap(
        ix::DEFAULT.deposit(w, &m.keys, b.token, UNIT),
        m.keys.vault,
        other.keys.vault,
    );
    env.must_fail(&[ix], &[&b.wallet], SettlementError::WrongVault)
        .await;
    let ix = swap(
        ix::DEFAULT.deposit(w, &m.keys, b.token, UNIT),
        m.keys.mint,
        other.keys.mint,
    );
    env.must_fail(&[ix], &[&b.wallet], SettlementError::WrongMint)
        .await;
    let ix = swap(
        ix::DEFAULT.deposit(w, &m.keys, b.token, UNIT),
        TOKEN,
        TOKEN_2022,
    );
    env.must_fail(&[ix], &[&b.wallet], SettlementError::WrongTokenProgram)
        .await;

    // More than the wallet holds: the token program refuses (its InsufficientFunds, 1).
    let ix = ix::DEFAULT.deposit(w, &m.keys, b.token, 5 * UNIT + 1);
    env.must_fail_code(&[ix], &[&b.wallet], 1).await;

    // Someone else's token account: the token program refuses (its OwnerMismatch, 4).
    let thief = env.wallet().await;
    let ix = ix::DEFAULT.deposit(thief.pubkey(), &m.keys, b.token, UNIT);
    env.must_fail_code(&[ix], &[&thief], 4).await;
}

#[tokio::test]
async fn withdraw_moves_free_balance_to_any_token_account_of_the_mint() {
    let mut s = Scene::new(TOKEN_2022, 10 * UNIT).await;
    let w = s.b.wallet.pubkey();
    let elsewhere = s.env.token_account(s.m.keys.mint, s.env.payer()).await;
    let ix = ix::DEFAULT.withdraw(w, &s.m.keys, elsewhere, 4 * UNIT);
    s.env.must(&[ix], &[&s.b.wallet]).await;
    let ix = ix::DEFAULT.withdraw(w, &s.m.keys, s.b.token, 6 * UNIT);
    s.env.must(&[ix], &[&s.b.wallet]).await;
    assert_eq!(s.env.token_balance(elsewhere).await, 4 * UNIT);
    assert_eq!(s.env.token_balance(s.b.token).await, 6 * UNIT);
    let buyer = s.env.buyer_account(&s.m, &s.b).await;
    assert_eq!((buyer.free, buyer.total_withdrawn), (0, 10 * UNIT));
    assert_eq!(s.env.token_balance(s.m.keys.vault).await, 0);
}

#[tokio::test]
async fn withdraw_refusals_change_nothing() {
    let mut env = Env::new().await;
    let m = env.create_market(TOKEN).await;
    let other = env.create_market(TOKEN).await;
    let b = env.funded_buyer(&m, 5 * UNIT).await;
    let b_other = env.funded_buyer(&other, 5 * UNIT).await;
    let w = b.wallet.pubkey();
    let p = env.provider(&m).await;
    let c = env.open_channel(&m, &b, &p, 2 * UNIT, HOUR as u32).await;
    let _ = c;

    let ix = ix::DEFAULT.withdraw(w, &m.keys, b.token, 0);
    env.must_fail(&[ix], &[&b.wallet], SettlementError::ZeroAmount)
        .await;
    // 2 of the 5 are reserved by the channel.
    let ix = ix::DEFAULT.withdraw(w, &m.keys, b.token, 3 * UNIT + 1);
    env.must_fail(
        &[ix],
        &[&b.wallet],
        SettlementError::InsufficientFreeBalance,
    )
    .await;
    let ix = ix::DEFAULT.withdraw(w, &m.keys, b_other.token, UNIT);
    env.must_fail(&[ix], &[&b.wallet], SettlementError::WrongMint)
        .await;

    // Someone else signs with the buyer's escrow.
    let thief = env.wallet().await;
    let thief_token = env.token_account(m.keys.mint, thief.pubkey()).await;
    let ix = swap(
        ix::DEFAULT.withdraw(thief.pubkey(), &m.keys, thief_token, UNIT),
        pda::buyer(&m.keys.market, &thief.pubkey()),
        b.buyer(&m),
    );
    env.must_fail(&[ix], &[&thief], SettlementError::NotBuyerOwner)
        .await;

    // The same owner's escrow of another market.
    let owner_other = b_other.wallet.pubkey();
    let ix = swap(
        ix::DEFAULT.withdraw(owner_other, &m.keys, b_other.token, UNIT),
        pda::buyer(&m.keys.market, &owner_other),
        b_other.buyer(&other),
    );
    env.must_fail(&[ix], &[&b_other.wallet], SettlementError::WrongMarket)
        .await;

    // Another market's vault or mint.
    let ix = swap(
        ix::DEFAULT.withdraw(w, &m.keys, b.token, UNIT),
        m.keys.vault,
        other.keys.vault,
    );
    env.must_fail(&[ix], &[&b.wallet], SettlementError::WrongVault)
        .await;
    let ix = swap(
        ix::DEFAULT.withdraw(w, &m.keys, b.token, UNIT),
        m.keys.mint,
        other.keys.mint,
    );
    env.must_fail(&[ix], &[&b.wallet], SettlementError::WrongMint)
        .await;

    // Unsigned: the runtime refuses before the program runs.
    let mut ix = ix::DEFAULT.withdraw(w, &m.keys, b.token, UNIT);
    ix.accounts[0].is_signer = false;
    env.must_fail_code(
        &[ix],
        &[],
        anchor_code(anchor_lang::error::ErrorCode::AccountNotSigner),
    )
    .await;
}

/// The "nothing changed" check of every refusal test is only as good as the snapshot: show it
/// sees a successful deposit (buyer escrow, token account and vault all move).
#[tokio::test]
async fn the_snapshot_behind_refusal_tests_sees_real_changes() {
    let mut env = Env::new().await;
    let m = env.create_market(TOKEN).await;
    let b = env.funded_buyer(&m, 5 * UNIT).await;
    env.mint_to(m.keys.mint, b.token, UNIT).await;
    let before = env.snapshot().await;
    let ix = ix::DEFAULT.deposit(b.wallet.pubkey(), &m.keys, b.token, UNIT);
    env.must(&[ix], &[&b.wallet]).await;
    let after = env.snapshot().await;
    let changed: Vec<_> = before
        .keys()
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    assert!(changed.contains(&&b.buyer(&m)));
    assert!(changed.contains(&&b.token));
    assert!(changed.contains(&&m.keys.vault));
    let result = std::panic::catch_unwind(|| assert_unchanged(&before, &after));
    assert!(result.is_err(), "assert_unchanged must flag the change");
}
