//! The receipt verifiers on the real SBF VM (tests/src/sbf.rs): what they cost there is what
//! the SDK budgets with (`bandwidth_client::budget`), and they refuse there what they refuse
//! natively.
use anchor_lang::prelude::Pubkey;
use bandwidth_client::budget;
use bandwidth_sbf_probe::Op;
use bandwidth_tests::sbf::{aggregate, build_probe, valid_receipts, Measured, Probe};

async fn probe_with(fixtures: &[(Pubkey, Vec<bandwidth_tests::sbf::FixtureReceipt>)]) -> Probe {
    let elf = build_probe().unwrap_or_else(|e| panic!("{e}"));
    Probe::start(&elf, fixtures).await
}

fn units(m: &Measured, overhead: u64) -> u64 {
    m.report.units - overhead
}

/// The budget is an upper bound, and a tight one: code that got dearer fails here (raise the
/// constant), code that got cheaper by more than `slack` too (lower it: requests are paid for).
fn assert_budgeted(what: &str, measured: u64, budgeted: u64, slack: f64) {
    assert!(
        measured <= budgeted && budgeted as f64 <= measured as f64 * slack,
        "{what}: {measured} CU on the VM, {budgeted} budgeted in bandwidth_client::budget"
    );
}

#[tokio::test]
async fn verification_costs_on_the_vm_are_what_the_sdk_budgets() {
    let receipts = valid_receipts();
    let fixture = Pubkey::new_unique();
    let mut probe = probe_with(&[(fixture, receipts.clone())]).await;
    let overhead = probe
        .measure(fixture, Op::Empty, 0, None)
        .await
        .unwrap()
        .report
        .units;

    for n in [1u8, 2, 16, 32] {
        let single = probe.measure(fixture, Op::Single, n, None).await.unwrap();
        assert_eq!(single.report.passed, u64::from(n));
        let per_receipt = units(&single, overhead) / u64::from(n);
        assert_budgeted(
            "receipt::verify",
            per_receipt,
            budget::VERIFY_UNITS.into(),
            1.03,
        );

        let s = aggregate(&receipts, usize::from(n));
        let agg = probe
            .measure(fixture, Op::Aggregated, n, Some(&s))
            .await
            .unwrap();
        assert_eq!(agg.report.passed, u64::from(n));
        assert_budgeted(
            &format!("halfagg::verify of {n}"),
            units(&agg, overhead),
            budget::agg_verify_units(usize::from(n)).into(),
            // The transcript's SHA-512 blocks make the cost a staircase under the line.
            1.08,
        );
        assert!(
            agg.report.heap <= budget::agg_verify_heap(usize::from(n)) as u64,
            "halfagg::verify of {n} allocated {} bytes",
            agg.report.heap
        );

        let keys = probe
            .measure(fixture, Op::UsableSigner, n, None)
            .await
            .unwrap();
        assert_eq!(keys.report.passed, u64::from(n));
        let per_key = units(&keys, overhead) / u64::from(n);
        assert_budgeted(
            "receipt::is_usable_signer",
            per_key,
            budget::USABLE_SIGNER_UNITS.into(),
            1.03,
        );
    }
}

#[tokio::test]
async fn the_vm_refuses_what_the_verifiers_refuse_natively() {
    let good = valid_receipts();
    // Receipt 3 with another amount than its signer signed; receipt 5 with a changed s.
    let mut bad = good.clone();
    bad[3].2[40] ^= 1;
    bad[5].1[40] ^= 1;
    let (g, b) = (Pubkey::new_unique(), Pubkey::new_unique());
    let mut probe = probe_with(&[(g, good.clone()), (b, bad.clone())]).await;

    let single = probe.measure(b, Op::Single, 8, None).await.unwrap();
    assert_eq!(
        single.report.passed, 6,
        "receipts 3 and 5 refused, the 6 others pass"
    );

    // The aggregate of the good receipts does not cover a batch with a changed message...
    let s = aggregate(&good, 8);
    let agg = probe.measure(b, Op::Aggregated, 8, Some(&s)).await.unwrap();
    assert_eq!(agg.report.passed, 0);
    // ...nor a changed S, nor an S that is not canonical; the right S passes.
    let mut wrong = s;
    wrong[0] ^= 1;
    assert_eq!(
        probe
            .measure(g, Op::Aggregated, 8, Some(&wrong))
            .await
            .unwrap()
            .report
            .passed,
        0
    );
    let mut above_l = s;
    above_l[31] |= 0xf0;
    assert_eq!(
        probe
            .measure(g, Op::Aggregated, 8, Some(&above_l))
            .await
            .unwrap()
            .report
            .passed,
        0
    );
    assert_eq!(
        probe
            .measure(g, Op::Aggregated, 8, Some(&s))
            .await
            .unwrap()
            .report
            .passed,
        8
    );
}

/// Settling on the VM, k channels of distinct buyers at a time: every batch the SDK would
/// build executes within the units it requests, the largest aggregated batch (23, what fits
/// 1,232 bytes with a lookup table) included, and the per-channel figures are the VM's.
#[tokio::test]
async fn settlement_on_the_vm_fits_what_the_sdk_requests() {
    let program = bandwidth_sbf_artifacts::program().unwrap_or_else(|e| panic!("{e}"));
    let costs = bandwidth_tests::sbf::settle_costs(&program, &[1, 2, 8, 23]).await;
    for c in &costs {
        let many = c
            .settle_many
            .unwrap_or_else(|| panic!("settle_many of {} failed", c.k));
        let agg = c
            .settle_many_agg
            .unwrap_or_else(|| panic!("settle_many_agg of {} failed", c.k));
        assert!(
            u64::from(budget::settle_many_units(c.k)) >= many,
            "settle_many of {}: {many}",
            c.k
        );
        assert!(
            u64::from(budget::settle_many_agg_units(c.k)) >= agg,
            "settle_many_agg of {}: {agg}",
            c.k
        );
    }
    assert!(budget::settle_many_agg_units(23) <= budget::MAX_UNITS);
    // What each further channel costs, measured, against what the SDK adds per channel.
    let (first, last) = (costs[0], costs[costs.len() - 1]);
    let per_channel =
        |a: Option<u64>, b: Option<u64>| (b.unwrap() - a.unwrap()) / (last.k - first.k) as u64;
    assert_budgeted(
        "settle_many per channel",
        per_channel(first.settle_many, last.settle_many),
        (budget::VERIFY_UNITS + budget::SETTLE_CHANNEL_UNITS).into(),
        1.10,
    );
    assert_budgeted(
        "settle_many_agg per channel",
        per_channel(first.settle_many_agg, last.settle_many_agg),
        (budget::AGG_VERIFY_PER_RECEIPT_UNITS + budget::SETTLE_CHANNEL_UNITS).into(),
        1.10,
    );
}
