//! Receipt throughput: signed, verified and durably stored per second.
//!
//! `cargo bench -p bandwidth-client --bench receipts` prints one table. Verification is the
//! program crate's `receipt::verify` (the code the program runs on-chain, here on
//! curve25519-dalek); ed25519-dalek's `verify_strict` is shown for comparison. The store runs
//! on a real file with `synchronous = FULL`: every commit is an fsync.
use anchor_lang::prelude::Pubkey;
use bandwidth_client::receipts::{
    sign_receipt,
    store::{ChannelTerms, GroupCommitter, ReceiptStore},
    verify::{self, PreparedSigner},
};
use bandwidth_settlement::receipt::SignedReceipt;
use ed25519_dalek::{Signature, VerifyingKey};
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::time::{Duration, Instant};

fn rate(n: u64, elapsed: Duration) -> f64 {
    n as f64 / elapsed.as_secs_f64()
}

fn row(what: &str, n: u64, elapsed: Duration) {
    println!(
        "{what:<58} {n:>7} {:>10.1} ms {:>12.0} /s",
        elapsed.as_secs_f64() * 1e3,
        rate(n, elapsed)
    );
}

fn main() {
    let n: u64 = std::env::var("BENCH_RECEIPTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let signer = Keypair::new();
    let channel = Pubkey::new_unique();
    println!(
        "{:<58} {:>7} {:>13} {:>14}",
        "operation", "count", "time", "throughput"
    );
    let receipts = sign_and_verify(&signer, &channel, n);
    let terms = ChannelTerms {
        channel,
        market: Pubkey::new_unique(),
        signer: signer.pubkey(),
        deposit: u64::MAX,
    };
    store_batches(&receipts, terms, n);
    group_committer(terms, n);
    println!(
        "\n{} cores available",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );
}

/// Signing, and every verifier on the same receipts.
fn sign_and_verify(signer: &Keypair, channel: &Pubkey, n: u64) -> Vec<SignedReceipt> {
    let t = Instant::now();
    let receipts: Vec<SignedReceipt> = (1..=n)
        .map(|i| sign_receipt(signer, channel, i, i << 20))
        .collect();
    row("sign (buyer meter, Ed25519)", n, t.elapsed());

    let t = Instant::now();
    assert!(receipts.iter().all(|r| r.verify(&signer.pubkey())));
    row(
        "verify: program's verify_strict (brine-ed25519, host)",
        n,
        t.elapsed(),
    );

    let key = VerifyingKey::from_bytes(&signer.pubkey().to_bytes()).unwrap();
    let t = Instant::now();
    assert!(receipts.iter().all(|r| key
        .verify_strict(&r.receipt.message(), &Signature::from_bytes(&r.signature))
        .is_ok()));
    row(
        "verify: ed25519-dalek verify_strict (reference)",
        n,
        t.elapsed(),
    );

    // The node's verifier: the program's verdict, in batches (one core).
    let prepared = PreparedSigner::new(&signer.pubkey());
    let items: Vec<(SignedReceipt, PreparedSigner)> =
        receipts.iter().map(|r| (*r, prepared)).collect();
    for size in [64usize, 256] {
        let t = Instant::now();
        for chunk in items.chunks(size) {
            assert!(verify::verify_batch(chunk).iter().all(|v| *v));
        }
        row(
            &format!("verify: exact batches of {size} (the node's verifier)"),
            n,
            t.elapsed(),
        );
    }
    receipts
}

/// The store, one durable commit per batch of 1 to 4,096 receipts.
fn store_batches(receipts: &[SignedReceipt], terms: ChannelTerms, n: u64) {
    for batch in [1usize, 16, 256, 4096] {
        let dir = tempfile::tempdir().unwrap();
        let mut store = ReceiptStore::open(dir.path().join("r.sqlite")).unwrap();
        store.add_channel(terms).unwrap();
        let count = if batch == 1 { n.min(2_000) } else { n } as usize;
        let t = Instant::now();
        for chunk in receipts[..count].chunks(batch) {
            let verdicts = store.accept_batch(chunk).unwrap();
            assert!(verdicts.iter().all(|v| v.is_ok()));
        }
        row(
            &format!("store: verify + durable commit, {batch} receipts per commit"),
            count as u64,
            t.elapsed(),
        );
    }
}

/// Many connections at once: one thread per channel, each waiting for durability.
fn group_committer(terms: ChannelTerms, n: u64) {
    let threads = 8;
    let dir = tempfile::tempdir().unwrap();
    let mut store = ReceiptStore::open(dir.path().join("r.sqlite")).unwrap();
    let signers: Vec<(Keypair, Pubkey)> = (0..threads)
        .map(|_| (Keypair::new(), Pubkey::new_unique()))
        .collect();
    for (k, c) in &signers {
        store
            .add_channel(ChannelTerms {
                channel: *c,
                signer: k.pubkey(),
                ..terms
            })
            .unwrap();
    }
    let per_thread = n / threads as u64;
    let streams: Vec<Vec<SignedReceipt>> = signers
        .iter()
        .map(|(k, c)| (1..=per_thread).map(|i| sign_receipt(k, c, i, i)).collect())
        .collect();
    let committer = GroupCommitter::start(store, 1_024);
    let t = Instant::now();
    std::thread::scope(|s| {
        for (stream, (k, _)) in streams.iter().zip(&signers) {
            let handle = committer.handle();
            let signer = k.pubkey();
            s.spawn(move || {
                for r in stream {
                    assert!(handle.accept(*r, &signer).unwrap().is_ok());
                }
            });
        }
    });
    row(
        &format!("store: group committer, {threads} concurrent clients"),
        per_thread * threads as u64,
        t.elapsed(),
    );
    committer.stop();
}
