//! The whole life of a channel on the embedded in-process chain, printing every balance after
//! every step: `cargo run -p bandwidth-tests --example lifecycle`.
//!
//! deposit → open → 40 off-chain receipts → settle twice → the buyer forces a close → the
//! provider settles its highest receipt inside the window → finalize after the deadline →
//! everyone withdraws → fees are swept. Conservation is checked after every transaction.
use bandwidth_client::ix;
use bandwidth_tests::*;
use solana_signer::Signer;

struct Ledger<'a> {
    s: &'a Scene,
    c: &'a ChannelFixture,
}

impl Ledger<'_> {
    async fn print(&self, step: &str) {
        let (s, env) = (self.s, &self.s.env);
        let buyer = env.buyer_account(&s.m, &s.b).await;
        let pm = env.provider_market(&s.m, &s.p).await;
        let channel: Option<Channel> = env.get(self.c.keys.channel).await;
        let (deposit, settled) = channel.map(|c| (c.deposit, c.settled)).unwrap_or((0, 0));
        println!(
            "{:<40} {:>10} {:>10} {:>10} {:>10} {:>10} {:>9} {:>10} {:>10} {:>9}",
            step,
            tokens(env.token_balance(s.b.token).await),
            tokens(buyer.free),
            tokens(deposit),
            tokens(settled),
            tokens(pm.earnings),
            tokens(pm.fees_accrued),
            tokens(env.token_balance(s.m.keys.vault).await),
            tokens(env.token_balance(s.p.payout_token).await),
            tokens(env.token_balance(s.m.keys.treasury).await),
        );
    }
}

fn tokens(base_units: u64) -> String {
    format!("{}.{:06}", base_units / UNIT, base_units % UNIT)
}

#[tokio::main]
async fn main() {
    let mut s = Scene::new(TOKEN_2022, 0).await;
    let w = s.b.wallet.pubkey();
    let a = s.p.authority.pubkey();
    s.env.mint_to(s.m.keys.mint, s.b.token, 100 * UNIT).await;
    println!(
        "market {} (fee 2.5 %, 20 % of fees burned), price 1 token per GiB\n",
        s.m.keys.market
    );
    println!(
        "{:<40} {:>10} {:>10} {:>10} {:>10} {:>10} {:>9} {:>10} {:>10} {:>9}",
        "step",
        "buyer wal",
        "buyer free",
        "deposit",
        "settled",
        "earnings",
        "fees",
        "vault",
        "payout",
        "treasury"
    );

    s.env
        .must(
            &[ix::DEFAULT.deposit(w, &s.m.keys, s.b.token, 100 * UNIT)],
            &[&s.b.wallet],
        )
        .await;
    let c = s.open(40 * UNIT).await;
    Ledger { s: &s, c: &c }
        .print("deposit 100, open channel of 40")
        .await;

    // The buyer's meter signs a cumulative receipt for every 256 MiB received.
    let receipts: Vec<_> = (1..=40u64)
        .map(|i| c.receipt(i * UNIT / 4, i * GIB / 4))
        .collect();
    for (i, step) in [
        (11, "settle receipt 12 (3 GiB)"),
        (23, "settle receipt 24 (6 GiB)"),
    ] {
        s.env
            .must(&[s.settle_ix(&c, receipts[i])], &[&s.p.authority])
            .await;
        Ledger { s: &s, c: &c }.print(step).await;
    }
    s.env
        .must(&[ix::DEFAULT.request_close(w, &c.keys)], &[&s.b.wallet])
        .await;
    Ledger { s: &s, c: &c }
        .print("buyer requests close (1 h window)")
        .await;
    s.env.advance_time(HOUR - 60).await;
    s.env
        .must(&[s.settle_ix(&c, receipts[39])], &[&s.p.authority])
        .await;
    Ledger { s: &s, c: &c }
        .print("provider settles receipt 40 (10 GiB)")
        .await;
    s.env.advance_time(60).await;
    s.env
        .must(&[ix::DEFAULT.finalize_close(&c.keys)], &[])
        .await;
    Ledger { s: &s, c: &c }
        .print("finalize after the deadline")
        .await;
    let free = s.env.buyer_account(&s.m, &s.b).await.free;
    s.env
        .must(
            &[ix::DEFAULT.withdraw(w, &s.m.keys, s.b.token, free)],
            &[&s.b.wallet],
        )
        .await;
    Ledger { s: &s, c: &c }
        .print("buyer withdraws its free balance")
        .await;
    s.env
        .must(
            &[ix::DEFAULT.withdraw_earnings(a, &s.m.keys, s.p.payout_token, None)],
            &[&s.p.authority],
        )
        .await;
    Ledger { s: &s, c: &c }
        .print("provider withdraws its earnings")
        .await;
    s.env
        .must(
            &[ix::DEFAULT.sweep_fees(&s.m.keys, &[s.p.provider_market(&s.m)])],
            &[],
        )
        .await;
    Ledger { s: &s, c: &c }
        .print("fees swept (80 % treasury, 20 % burned)")
        .await;

    let paid = 10 * UNIT;
    let fee = paid / 40;
    assert_eq!(s.env.token_balance(s.b.token).await, 100 * UNIT - paid);
    assert_eq!(s.env.token_balance(s.p.payout_token).await, paid - fee);
    assert_eq!(s.env.token_balance(s.m.keys.treasury).await, fee - fee / 5);
    assert_eq!(s.env.token_balance(s.m.keys.vault).await, 0);
    println!(
        "\nbuyer paid {} for 10 GiB; provider received {}; fee {} ({} burned); \
         conservation checked after each of {} transactions",
        tokens(paid),
        tokens(paid - fee),
        tokens(fee),
        tokens(fee / 5),
        s.env.history.len()
    );
}
