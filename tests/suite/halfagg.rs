//! Half-aggregated receipts (docs/protocol.md §3.1): the program's verifier against an
//! independent one written here with curve25519-dalek directly, on random batches of every
//! size and on single-bit corruptions; the forgeries an attacker would try; and the
//! `settle_many_agg` instruction end to end (refusals change nothing).
use anchor_lang::prelude::Pubkey;
use bandwidth_client::{
    batch::{self, AggEntry},
    ix,
};
use bandwidth_settlement::{
    halfagg::{self, EntryDecoder, Item},
    instructions::AggregatedReceipts,
    receipt::{self, Receipt, SignedReceipt},
};
use bandwidth_tests::*;
use curve25519_dalek::{
    constants::EIGHT_TORSION,
    edwards::{CompressedEdwardsY, EdwardsPoint},
    scalar::Scalar,
};
use ed25519_dalek::{Signer as _, SigningKey};
use rand::{rngs::StdRng, Rng, SeedableRng};
use sha2::{Digest, Sha512};
use solana_signer::Signer;

/// One signed receipt of a batch, as a buyer made it.
#[derive(Clone)]
struct Signed {
    signer: [u8; 32],
    channel: Pubkey,
    amount: u64,
    bytes: u64,
    signature: [u8; 64],
}

impl Signed {
    fn message(&self) -> [u8; 52] {
        receipt::message(&self.channel, self.amount, self.bytes)
    }
}

fn random_receipt(rng: &mut StdRng) -> Signed {
    let key = SigningKey::from_bytes(&rng.gen());
    let channel = Pubkey::new_from_array(rng.gen());
    let (amount, bytes) = (rng.gen::<u64>(), rng.gen::<u64>());
    let signature = key
        .sign(&receipt::message(&channel, amount, bytes))
        .to_bytes();
    Signed {
        signer: key.verifying_key().to_bytes(),
        channel,
        amount,
        bytes,
        signature,
    }
}

/// The program's verifier on (A, R, M) triples and S.
fn program_verify(batch: &[([u8; 32], [u8; 32], [u8; 52])], s: &[u8; 32]) -> bool {
    let items: Vec<Item> = batch
        .iter()
        .map(|(signer, r, message)| Item { signer, r, message })
        .collect();
    halfagg::verify(&items, s)
}

fn triples(receipts: &[Signed]) -> Vec<([u8; 32], [u8; 32], [u8; 52])> {
    receipts
        .iter()
        .map(|r| (r.signer, r.signature[..32].try_into().unwrap(), r.message()))
        .collect()
}

/// The independent verifier: every step of §3.1 with curve25519-dalek and sha2 directly.
fn reference_verify(batch: &[([u8; 32], [u8; 32], [u8; 52])], s: &[u8; 32]) -> bool {
    let Some(s) = Option::<Scalar>::from(Scalar::from_canonical_bytes(*s)) else {
        return false;
    };
    // Canonical (compresses back to the same bytes) and not of small order.
    let point = |bytes: &[u8; 32]| -> Option<EdwardsPoint> {
        let p = CompressedEdwardsY(*bytes).decompress()?;
        (p.compress().to_bytes() == *bytes && !p.is_small_order()).then_some(p)
    };
    let mut transcript = Sha512::new();
    transcript.update(b"BWR1-HALFAGG-v1");
    transcript.update((batch.len() as u16).to_le_bytes());
    for (a, r, m) in batch {
        transcript.update(a);
        transcript.update(r);
        transcript.update(m);
    }
    let d = transcript.finalize();
    let mut rhs = EdwardsPoint::default();
    for (i, (a, r, m)) in batch.iter().enumerate() {
        let (Some(ap), Some(rp)) = (point(a), point(r)) else {
            return false;
        };
        let mut zh = Sha512::new();
        zh.update(d);
        zh.update((i as u16 + 1).to_le_bytes());
        let mut z = [0u8; 32];
        z[..16].copy_from_slice(&zh.finalize()[..16]);
        if z == [0; 32] {
            z[0] = 1;
        }
        let z = Scalar::from_bytes_mod_order(z);
        let mut hh = Sha512::new();
        hh.update(r);
        hh.update(a);
        hh.update(m);
        let h = Scalar::from_bytes_mod_order_wide(&hh.finalize().into());
        rhs += z * rp + (z * h) * ap;
    }
    EdwardsPoint::mul_base(&s) == rhs
}

fn aggregate_of(receipts: &[Signed]) -> [u8; 32] {
    let t = triples(receipts);
    let items: Vec<Item> = t
        .iter()
        .map(|(signer, r, message)| Item { signer, r, message })
        .collect();
    let s_values: Vec<[u8; 32]> = receipts
        .iter()
        .map(|r| r.signature[32..].try_into().unwrap())
        .collect();
    halfagg::aggregate(&items, &s_values).expect("aggregates")
}

fn flip(bytes: &mut [u8], bit: usize) {
    bytes[bit / 8] ^= 1 << (bit % 8);
}

#[test]
fn the_program_and_an_independent_verifier_agree_on_random_batches() {
    let mut rng = StdRng::seed_from_u64(11);
    for n in 1..=halfagg::MAX_BATCH {
        let receipts: Vec<Signed> = (0..n).map(|_| random_receipt(&mut rng)).collect();
        let s = aggregate_of(&receipts);
        let t = triples(&receipts);
        assert!(program_verify(&t, &s), "n = {n}");
        assert!(reference_verify(&t, &s), "n = {n}");
        // A sample of single-bit corruptions of every field, at every size.
        for _ in 0..24 {
            let mut c = receipts.clone();
            let mut s2 = s;
            let i = rng.gen_range(0..n);
            match rng.gen_range(0..5) {
                0 => flip(&mut c[i].signature[..32], rng.gen_range(0..256)),
                1 => flip(&mut s2, rng.gen_range(0..256)),
                2 => c[i].amount ^= 1 << rng.gen_range(0..64),
                3 => c[i].bytes ^= 1 << rng.gen_range(0..64),
                _ => {
                    let mut k = c[i].channel.to_bytes();
                    flip(&mut k, rng.gen_range(0..256));
                    c[i].channel = Pubkey::new_from_array(k);
                }
            }
            let t = triples(&c);
            let ours = program_verify(&t, &s2);
            assert_eq!(ours, reference_verify(&t, &s2), "n = {n}");
            assert!(!ours, "n = {n}: a corrupted batch verified");
        }
    }
}

/// Every single-bit corruption of every R, of S, and of every amount, byte count and channel,
/// for batches of 1, 2 and 5: the two verifiers agree, and none verifies.
#[test]
fn every_single_bit_corruption_is_refused_by_both_verifiers() {
    let mut rng = StdRng::seed_from_u64(12);
    for n in [1usize, 2, 5] {
        let receipts: Vec<Signed> = (0..n).map(|_| random_receipt(&mut rng)).collect();
        let s = aggregate_of(&receipts);
        let mut cases = 0;
        let mut check = |c: &[Signed], s: &[u8; 32]| {
            let t = triples(c);
            let ours = program_verify(&t, s);
            assert_eq!(ours, reference_verify(&t, s));
            assert!(!ours);
            cases += 1;
        };
        for bit in 0..256 {
            let mut s2 = s;
            flip(&mut s2, bit);
            check(&receipts, &s2);
        }
        for i in 0..n {
            for bit in 0..256 {
                let mut c = receipts.clone();
                flip(&mut c[i].signature[..32], bit);
                check(&c, &s);
                let mut c = receipts.clone();
                let mut k = c[i].channel.to_bytes();
                flip(&mut k, bit);
                c[i].channel = Pubkey::new_from_array(k);
                check(&c, &s);
            }
            for bit in 0..64 {
                let mut c = receipts.clone();
                c[i].amount ^= 1 << bit;
                check(&c, &s);
                let mut c = receipts.clone();
                c[i].bytes ^= 1 << bit;
                check(&c, &s);
            }
        }
        assert_eq!(cases, 256 + n * (2 * 256 + 2 * 64));
    }
}

/// One receipt the buyer never signed hides in a batch of honest ones, whatever S the attacker
/// picks: the forger's own signature, the honest S, the honest S adjusted by the missing
/// signer's share, swapped nonces, a small-order nonce, S + L.
#[test]
fn a_forged_receipt_cannot_hide_in_a_batch() {
    let mut rng = StdRng::seed_from_u64(13);
    let honest: Vec<Signed> = (0..6).map(|_| random_receipt(&mut rng)).collect();
    let valid_s = aggregate_of(&honest);
    assert!(program_verify(&triples(&honest), &valid_s));
    let z = |c: &[Signed]| {
        let t = triples(c);
        let items: Vec<Item> = t
            .iter()
            .map(|(signer, r, message)| Item { signer, r, message })
            .collect();
        halfagg::coefficients(&items)
    };
    let scalar = |b: &[u8]| Scalar::from_canonical_bytes(b.try_into().unwrap()).unwrap();

    // Receipt 2 raised to a higher amount; the attacker keeps its old signature.
    let mut forged = honest.clone();
    forged[2].amount = forged[2].amount.wrapping_add(1_000_000);
    let mut attempts: Vec<(&str, Vec<Signed>, [u8; 32])> = vec![
        ("the honest S", forged.clone(), valid_s),
        (
            "S recomputed with the old signature",
            forged.clone(),
            aggregate_of(&forged),
        ),
    ];
    // The missing signer's share: remove z_2·s_2 and put it back with the new coefficient.
    let (zh, zf) = (z(&honest), z(&forged));
    let s2 = scalar(&honest[2].signature[32..]);
    let adjusted = scalar(&valid_s) - zh[2] * s2 + zf[2] * s2;
    attempts.push((
        "S adjusted by the signer's share",
        forged.clone(),
        adjusted.to_bytes(),
    ));
    // The missing signer's share left out: S = Σ_{i≠2} z_i·s_i over the forged batch's
    // coefficients (what a settler without receipt 2's signature can compute).
    let without_2 = forged
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 2)
        .fold(Scalar::ZERO, |acc, (i, r)| {
            acc + zf[i] * scalar(&r.signature[32..])
        });
    attempts.push((
        "S without the missing signer's share",
        forged.clone(),
        without_2.to_bytes(),
    ));
    // Signed by the attacker's own key instead (the channel's signer unchanged).
    let attacker = SigningKey::from_bytes(&[7; 32]);
    let mut own = honest.clone();
    own[2].amount += 1;
    own[2].signature = attacker.sign(&own[2].message()).to_bytes();
    attempts.push(("signed by another key", own.clone(), aggregate_of(&own)));
    // Two nonces swapped, with the S of the honest batch and with S recomputed.
    let mut swapped = honest.clone();
    let (r0, r1) = (swapped[0].signature, swapped[1].signature);
    swapped[0].signature[..32].copy_from_slice(&r1[..32]);
    swapped[1].signature[..32].copy_from_slice(&r0[..32]);
    attempts.push(("swapped R, honest S", swapped.clone(), valid_s));
    attempts.push((
        "swapped R, S recomputed",
        swapped.clone(),
        aggregate_of(&swapped),
    ));
    // A small-order nonce (every one of the eight) with every S above.
    for t in EIGHT_TORSION {
        let mut small = forged.clone();
        small[2].signature[..32].copy_from_slice(&t.compress().to_bytes());
        attempts.push(("small-order R", small.clone(), valid_s));
        attempts.push((
            "small-order R, S recomputed",
            small.clone(),
            aggregate_of(&small),
        ));
    }
    // A receipt whose R is the identity (r = 0, s = h·a): it satisfies the cofactorless
    // equation, but strict verification refuses a small-order R, alone or in a batch.
    {
        let a = Scalar::from_bytes_mod_order([3; 32]);
        let signer = EdwardsPoint::mul_base(&a).compress().to_bytes();
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let mut weak = honest.clone();
        weak[2].signer = signer;
        let mut hh = Sha512::new();
        hh.update(identity);
        hh.update(signer);
        hh.update(weak[2].message());
        let h = Scalar::from_bytes_mod_order_wide(&hh.finalize().into());
        weak[2].signature[..32].copy_from_slice(&identity);
        weak[2].signature[32..].copy_from_slice(&(h * a).to_bytes());
        assert!(!receipt::verify(
            &Pubkey::new_from_array(signer),
            &weak[2].channel,
            weak[2].amount,
            weak[2].bytes,
            &weak[2].signature
        ));
        attempts.push(("R the identity (r = 0)", weak.clone(), aggregate_of(&weak)));
    }
    // S + L: the same value mod L, not canonical.
    let mut s_plus_l = [0u8; 32];
    let mut carry = 0u16;
    let l = Scalar::ZERO - Scalar::ONE; // L - 1
    let l_bytes = l.to_bytes();
    for i in 0..32 {
        let v = u16::from(valid_s[i]) + u16::from(l_bytes[i]) + carry + u16::from(i == 0);
        s_plus_l[i] = v as u8;
        carry = v >> 8;
    }
    attempts.push(("S + L on the honest batch", honest.clone(), s_plus_l));
    for (name, batch, s) in attempts {
        let t = triples(&batch);
        assert!(!program_verify(&t, &s), "{name} verified");
        assert!(!reference_verify(&t, &s), "{name}: the reference disagrees");
    }
}

// ----- the instruction ------------------------------------------------------------------------

/// `k` channels of distinct buyers to one provider, each with a signed receipt (bytes as a
/// meter at the channel's price would sign them).
async fn scene(
    k: usize,
) -> (
    Env,
    MarketFixture,
    ProviderFixture,
    Vec<(ChannelFixture, Signed)>,
) {
    let mut env = Env::new().await;
    let m = env.create_market(TOKEN).await;
    let p = env.provider(&m).await;
    let mut cs = vec![];
    for i in 0..k {
        let b = env.funded_buyer(&m, 10 * UNIT).await;
        let c = env.open_channel(&m, &b, &p, 10 * UNIT, HOUR as u32).await;
        let amount = UNIT + 1_000 * i as u64;
        let bytes = halfagg::expected_bytes(amount, UNIT) + i as u64;
        let r = c.receipt(amount, bytes);
        let signed = Signed {
            signer: c.signer.pubkey().to_bytes(),
            channel: c.keys.channel,
            amount,
            bytes,
            signature: r.signature,
        };
        cs.push((c, signed));
    }
    (env, m, p, cs)
}

fn entries(env_channels: &[(ChannelFixture, Signed)], settled: &[u64]) -> Vec<AggEntry> {
    env_channels
        .iter()
        .zip(settled)
        .map(|((c, s), settled)| AggEntry {
            channel: c.keys.channel,
            signer: c.signer.pubkey(),
            receipt: SignedReceipt {
                receipt: Receipt {
                    channel: c.keys.channel,
                    amount: s.amount,
                    bytes: s.bytes,
                },
                signature: s.signature,
            },
            settled: *settled,
            // The window covers the distance to `settled` only (what the tests encode).
            deposit: s.amount,
            price_per_gib: UNIT,
        })
        .collect()
}

fn agg_ix(
    p: &ProviderFixture,
    m: &MarketFixture,
    e: &[AggEntry],
    r: AggregatedReceipts,
) -> solana_instruction::Instruction {
    let channels: Vec<Pubkey> = e.iter().map(|e| e.channel).collect();
    ix::DEFAULT.settle_many_agg(
        p.authority.pubkey(),
        m.keys.market,
        p.provider,
        &channels,
        r,
        None,
    )
}

#[tokio::test]
async fn settle_many_agg_settles_every_channel_or_nothing() {
    let (mut env, m, p, cs) = scene(6).await;
    let e = entries(&cs, &[0; 6]);
    let good = batch::aggregate(&e).unwrap();
    // A corrupted S, a forged entry, a repeated channel, malformed entries: refused, nothing
    // changes.
    let mut bad_s = good.clone();
    bad_s.s[3] ^= 1;
    env.must_fail(
        &[agg_ix(&p, &m, &e, bad_s)],
        &[&p.authority],
        SettlementError::InvalidAggregateSignature,
    )
    .await;
    let mut forged = e.clone();
    forged[4].receipt.receipt.amount += 1;
    let r = batch::aggregate(&forged).unwrap();
    env.must_fail(
        &[agg_ix(&p, &m, &forged, r)],
        &[&p.authority],
        SettlementError::InvalidAggregateSignature,
    )
    .await;
    let mut twice = e.clone();
    twice[5] = twice[0];
    let r = batch::aggregate(&twice).unwrap();
    env.must_fail(
        &[agg_ix(&p, &m, &twice, r)],
        &[&p.authority],
        SettlementError::DuplicateChannel,
    )
    .await;
    for cut in [1usize, 5] {
        let mut short = good.clone();
        short.entries.truncate(good.entries.len() - cut);
        env.must_fail(
            &[agg_ix(&p, &m, &e, short)],
            &[&p.authority],
            SettlementError::MalformedAggregateEntries,
        )
        .await;
    }
    let mut long = good.clone();
    long.entries.push(0);
    env.must_fail(
        &[agg_ix(&p, &m, &e, long)],
        &[&p.authority],
        SettlementError::MalformedAggregateEntries,
    )
    .await;

    // The honest batch settles every channel exactly, as six single settlements would.
    env.must(&[agg_ix(&p, &m, &e, good.clone())], &[&p.authority])
        .await;
    let mut paid = 0;
    for (c, s) in &cs {
        let ch = env.channel(c).await;
        assert_eq!((ch.settled, ch.settled_bytes), (s.amount, s.bytes));
        paid += s.amount - s.amount * 250 / 10_000;
    }
    assert_eq!(env.provider_market(&m, &p).await.earnings, paid);
    // Again: every entry is already settled, so every one is skipped (and still verified).
    let before = env.snapshot().await;
    let again = entries(&cs, &cs.iter().map(|(_, s)| s.amount).collect::<Vec<_>>());
    let r = batch::aggregate(&again).unwrap();
    env.must(&[agg_ix(&p, &m, &again, r)], &[&p.authority])
        .await;
    assert_unchanged(&before, &env.snapshot().await);
}

/// The buyers of two channels settle first — one its provider's very receipt, one a higher
/// receipt of its own: the provider's aggregated batch, packed before that, still decodes those
/// entries the same (their amounts are within the window of the channels' new settled
/// amounts), verifies, and skips them.
#[tokio::test]
async fn a_buyer_settling_first_cannot_fail_an_aggregated_batch() {
    let (mut env, m, p, cs) = scene(4).await;
    let e = entries(&cs, &[0; 4]);
    let r = batch::aggregate(&e).unwrap();
    let (c2, s2) = &cs[2];
    let buyer_first = ix::DEFAULT.settle(
        env.payer(),
        &c2.keys,
        bandwidth_settlement::ReceiptArgs {
            amount: s2.amount,
            bytes: s2.bytes,
            signature: s2.signature,
        },
        None,
    );
    let (c3, s3) = &cs[3];
    let higher = ix::DEFAULT.settle(
        env.payer(),
        &c3.keys,
        c3.receipt(s3.amount + 5_000, s3.bytes),
        None,
    );
    env.must(&[buyer_first, higher], &[]).await;
    env.must(&[agg_ix(&p, &m, &e, r)], &[&p.authority]).await;
    for (i, (c, s)) in cs.iter().enumerate() {
        let more = if i == 3 { 5_000 } else { 0 };
        assert_eq!(env.channel(c).await.settled, s.amount + more);
    }
    // And the entries decode as packed against the new settled amount.
    let r = batch::aggregate(&e).unwrap();
    let mut d = EntryDecoder::new(&r.entries);
    for (i, (_, s)) in cs.iter().enumerate() {
        let settled = if i == 2 { s.amount } else { 0 };
        let (_, amount, bytes) = d.next(settled, UNIT).unwrap();
        assert_eq!((amount, bytes), (s.amount, s.bytes));
    }
}

/// A buyer who settles beyond its provider's receipt by more than half the window that the
/// distance to `settled` alone would need cannot fail the provider's batch either: the packer
/// sizes every entry's window to cover the channel's whole deposit (ADR 0011). Packed by the
/// first version's rule, the same front-run made the entry decode to another amount and failed
/// all four channels.
#[tokio::test]
async fn a_buyer_settling_far_beyond_its_receipt_cannot_fail_an_aggregated_batch() {
    for window_covers_the_deposit in [true, false] {
        let (mut env, m, p, cs) = scene(4).await;
        let mut e = entries(&cs, &[0; 4]);
        if window_covers_the_deposit {
            for entry in &mut e {
                entry.deposit = 10 * UNIT; // what AggEntry::new reads from the channel
            }
        }
        let r = batch::aggregate(&e).unwrap();
        let (c3, s3) = &cs[3];
        // amount ≈ 2^19.9: 3 groups, a window of 2^21 around `settled`; half of it, plus one.
        let beyond = s3.amount + (1 << 20) + 1;
        let front_run =
            ix::DEFAULT.settle(env.payer(), &c3.keys, c3.receipt(beyond, s3.bytes), None);
        env.must(&[front_run], &[]).await;
        if !window_covers_the_deposit {
            env.must_fail(
                &[agg_ix(&p, &m, &e, r)],
                &[&p.authority],
                SettlementError::InvalidAggregateSignature,
            )
            .await;
            continue;
        }
        env.must(&[agg_ix(&p, &m, &e, r)], &[&p.authority]).await;
        for (i, (c, s)) in cs.iter().enumerate() {
            let expect = if i == 3 { beyond } else { s.amount };
            assert_eq!(env.channel(c).await.settled, expect);
        }
    }
}

/// `settle_many_agg` refuses what `settle_many` refuses, before the multiscalar
/// multiplication and changing nothing: an amount above the deposit, another provider's
/// channel, a read-only channel, no channel, more than 32, a closing channel past its deadline.
#[tokio::test]
async fn settle_many_agg_refuses_what_settle_many_refuses() {
    let mut env = Env::new().await;
    let m = env.create_market(TOKEN).await;
    let p = env.provider(&m).await;
    let other = env.provider(&m).await;
    let mut cs = vec![];
    let mut buyers = vec![];
    for i in 0..3 {
        let b = env.funded_buyer(&m, 10 * UNIT).await;
        let to = if i == 2 { &other } else { &p };
        cs.push(env.open_channel(&m, &b, to, 5 * UNIT, HOUR as u32).await);
        buyers.push(b);
    }
    let entry = |c: &ChannelFixture, amount: u64| {
        let bytes = halfagg::expected_bytes(amount, UNIT);
        AggEntry {
            channel: c.keys.channel,
            signer: c.signer.pubkey(),
            receipt: SignedReceipt {
                receipt: Receipt {
                    channel: c.keys.channel,
                    amount,
                    bytes,
                },
                signature: c.receipt(amount, bytes).signature,
            },
            settled: 0,
            deposit: 5 * UNIT,
            price_per_gib: UNIT,
        }
    };
    let aggregated = |e: &[AggEntry]| agg_ix(&p, &m, e, batch::aggregate(e).unwrap());
    let signers = [&p.authority];

    let over = aggregated(&[entry(&cs[0], UNIT), entry(&cs[1], 5 * UNIT + 1)]);
    env.must_fail(&[over], &signers, SettlementError::AmountExceedsDeposit)
        .await;
    let foreign = aggregated(&[entry(&cs[0], UNIT), entry(&cs[2], UNIT)]);
    env.must_fail(&[foreign], &signers, SettlementError::WrongProvider)
        .await;
    let mut read_only = aggregated(&[entry(&cs[0], UNIT), entry(&cs[1], UNIT)]);
    let at = read_only
        .accounts
        .iter()
        .position(|a| a.pubkey == cs[1].keys.channel)
        .unwrap();
    read_only.accounts[at].is_writable = false;
    env.must_fail(&[read_only], &signers, SettlementError::ChannelNotWritable)
        .await;
    let none = AggregatedReceipts {
        s: [0; 32],
        entries: vec![],
    };
    env.must_fail(
        &[agg_ix(&p, &m, &[], none)],
        &signers,
        SettlementError::EmptyBatch,
    )
    .await;
    let mut too_many = aggregated(&[entry(&cs[0], UNIT)]);
    let channel = too_many.accounts.last().unwrap().clone();
    too_many.accounts.extend(std::iter::repeat_n(channel, 32));
    env.must_fail(&[too_many], &signers, SettlementError::BatchTooLarge)
        .await;

    let close = ix::DEFAULT.request_close(buyers[1].wallet.pubkey(), &cs[1].keys);
    env.must(&[close], &[&buyers[1].wallet]).await;
    env.advance_time(HOUR + 1).await;
    let late = aggregated(&[entry(&cs[0], UNIT), entry(&cs[1], UNIT)]);
    env.must_fail(&[late], &signers, SettlementError::DisputeWindowElapsed)
        .await;
    // And the same batch without the late channel settles.
    env.must(&[aggregated(&[entry(&cs[0], UNIT)])], &signers)
        .await;
    assert_eq!(env.channel(&cs[0]).await.settled, UNIT);
}
