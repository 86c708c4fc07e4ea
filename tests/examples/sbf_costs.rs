//! What the receipt verifiers cost on the SBF VM, as the README's table: the probe built by
//! `sbf/build.sh`, loaded through the BPF loader, run for n = 1…32 receipts.
//!
//! `cargo run -p bandwidth-tests --example sbf_costs`
#![allow(deprecated)]

use anchor_lang::prelude::Pubkey;
use bandwidth_sbf_probe::{Op, MAX_RECEIPTS};
use bandwidth_tests::sbf::{aggregate, build_probe, valid_receipts, Probe};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let elf = build_probe().map_err(anyhow::Error::msg)?;
    let receipts = valid_receipts();
    let fixture = Pubkey::new_unique();
    let mut probe = Probe::start(&elf, &[(fixture, receipts.clone())]).await;
    let empty = probe
        .measure(fixture, Op::Empty, 0, None)
        .await
        .map_err(anyhow::Error::msg)?;
    let base = empty.report.units;
    println!(
        "SBF probe {} ({} bytes); measurement overhead {base} CU (subtracted)",
        elf.display(),
        std::fs::metadata(&elf)?.len()
    );
    println!();
    println!("| n | verify × n: CU | CU / receipt | halfagg::verify: CU | CU / receipt | heap (bytes) | is_usable_signer × n: CU |");
    println!("|---|---|---|---|---|---|---|");
    for n in 1..=MAX_RECEIPTS as u8 {
        let single = probe.measure(fixture, Op::Single, n, None).await;
        let s = aggregate(&receipts, usize::from(n));
        let agg = probe.measure(fixture, Op::Aggregated, n, Some(&s)).await;
        let keys = probe.measure(fixture, Op::UsableSigner, n, None).await;
        let (Ok(single), Ok(agg), Ok(keys)) = (single, agg, keys) else {
            println!("| {n} | over the 1.4M CU limit |");
            break;
        };
        for m in [&single, &agg, &keys] {
            anyhow::ensure!(
                m.report.passed == u64::from(n),
                "n = {n}: {m:?} did not pass"
            );
        }
        let (su, au, ku) = (
            single.report.units - base,
            agg.report.units - base,
            keys.report.units - base,
        );
        println!(
            "| {n} | {su} | {} | {au} | {} | {} | {ku} |",
            su / u64::from(n),
            au / u64::from(n),
            agg.report.heap
        );
    }
    println!();
    let program = bandwidth_sbf_artifacts::program().map_err(anyhow::Error::msg)?;
    println!("| k | settle_many: CU | settle_many_agg: CU |");
    println!("|---|---|---|");
    let ks: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse())
        .collect::<Result<_, _>>()?;
    let ks = if ks.is_empty() { vec![1, 2, 4, 8] } else { ks };
    for c in bandwidth_tests::sbf::settle_costs(&program, &ks).await {
        let show = |u: Option<u64>| u.map_or("failed".to_string(), |u| u.to_string());
        println!(
            "| {} | {} | {} |",
            c.k,
            show(c.settle_many),
            show(c.settle_many_agg)
        );
    }
    Ok(())
}
