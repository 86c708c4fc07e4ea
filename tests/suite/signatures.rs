//! The program's receipt verification, differentially against ed25519-dalek's `verify_strict`:
//! random valid receipts, every single-bit corruption of signature, key and message, malleated
//! scalars, small-order and non-canonical encodings of R and of the key, and signatures valid
//! for another layout. The two must agree on every case; a few cases also go through the
//! program's `settle` instruction.
//!
//! The node's batch verifier (`receipts::verify`) is a third party to every case: each receipt
//! is also verified inside a batch of valid ones, and must get the program's verdict without
//! changing the others'. Batches with a forged torsion R (which a plain batch equation accepts
//! one time in two) and keys with a torsion component are built here too.
use anchor_lang::prelude::Pubkey;
use bandwidth_client::{
    ix,
    receipts::verify::{self, PreparedSigner},
};
use bandwidth_settlement::receipt::{self, Receipt, SignedReceipt, MESSAGE_LEN};
use bandwidth_tests::*;
use curve25519_dalek::{
    constants::{ED25519_BASEPOINT_POINT, EIGHT_TORSION},
    edwards::EdwardsPoint,
    scalar::Scalar,
};
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use proptest::prelude::*;
use sha2::{Digest, Sha512};
use solana_signer::Signer;

/// What the program decides: for a well-formed receipt message, exactly `receipt::verify`
/// (the code `settle` runs); for any other message, the same `verify_strict` it calls.
fn program(key: &[u8; 32], msg: &[u8], sig: &[u8; 64]) -> bool {
    let signer = Pubkey::new_from_array(*key);
    match Receipt::decode(msg) {
        Ok(r) => receipt::verify(&signer, &r.channel, r.amount, r.bytes, sig),
        Err(_) => {
            let key = brine_ed25519::Address::new_from_array(*key);
            brine_ed25519::verify_strict(&key, sig, &[msg]).is_ok()
        }
    }
}

fn reference(key: &[u8; 32], msg: &[u8], sig: &[u8; 64]) -> bool {
    VerifyingKey::from_bytes(key)
        .map(|k| k.verify_strict(msg, &Signature::from_bytes(sig)).is_ok())
        .unwrap_or(false)
}

/// Asserts agreement and returns the common verdict. A well-formed receipt message also goes
/// through the node's batch verifier, alone and amid a batch of valid receipts.
fn agree(key: &[u8; 32], msg: &[u8], sig: &[u8; 64]) -> bool {
    let (p, r) = (program(key, msg, sig), reference(key, msg, sig));
    assert_eq!(
        p, r,
        "program {p} vs reference {r}\nkey {key:02x?}\nmsg {msg:02x?}\nsig {sig:02x?}"
    );
    if let Ok(receipt) = Receipt::decode(msg) {
        let item = (
            SignedReceipt {
                receipt,
                signature: *sig,
            },
            PreparedSigner::new(&Pubkey::new_from_array(*key)),
        );
        assert_eq!(verify::verify_batch(&[item]), [p], "alone");
        let mut batch = fillers().to_vec();
        batch.insert(3, item);
        let mut expected = vec![true; batch.len()];
        expected[3] = p;
        assert_eq!(verify::verify_batch(&batch), expected, "in a batch");
        assert_eq!(verify::all_valid(&batch), p, "all_valid");
    }
    p
}

/// Fifteen valid receipts by three keys, for batches.
fn fillers() -> &'static [(SignedReceipt, PreparedSigner)] {
    static F: std::sync::OnceLock<Vec<(SignedReceipt, PreparedSigner)>> =
        std::sync::OnceLock::new();
    F.get_or_init(|| {
        (0..15u8)
            .map(|i| {
                let key = solana_keypair::Keypair::new_from_array([100 + i % 3; 32]);
                let channel = Pubkey::new_from_array([i; 32]);
                let r =
                    bandwidth_client::receipts::sign_receipt(&key, &channel, 1 + u64::from(i), 7);
                (r, PreparedSigner::new(&key.pubkey()))
            })
            .collect()
    })
}

fn signed(
    seed: u8,
    amount: u64,
    bytes: u64,
) -> ([u8; 32], [u8; MESSAGE_LEN], [u8; 64], SigningKey) {
    let key = SigningKey::from_bytes(&[seed; 32]);
    let channel = Pubkey::new_from_array([seed.wrapping_mul(31); 32]);
    let msg = receipt::message(&channel, amount, bytes);
    let sig = key.sign(&msg).to_bytes();
    (key.verifying_key().to_bytes(), msg, sig, key)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_valid_receipts_are_accepted_by_both(seed in any::<[u8; 32]>(), channel in any::<[u8; 32]>(), amount in any::<u64>(), bytes in any::<u64>()) {
        let key = SigningKey::from_bytes(&seed);
        let msg = receipt::message(&Pubkey::new_from_array(channel), amount, bytes);
        let sig = key.sign(&msg).to_bytes();
        prop_assert!(agree(&key.verifying_key().to_bytes(), &msg, &sig));
    }

    /// Arbitrary bytes in any of the three inputs: never a panic, always agreement.
    #[test]
    fn arbitrary_inputs_agree(key in any::<[u8; 32]>(), msg in proptest::collection::vec(any::<u8>(), 0..80), sig in proptest::collection::vec(any::<u8>(), 64)) {
        let sig: [u8; 64] = sig.try_into().unwrap();
        agree(&key, &msg, &sig);
    }
}

#[test]
fn every_single_bit_corruption_agrees() {
    let mut accepted = 0;
    let mut cases = 0;
    for seed in 1..=3u8 {
        let (key, msg, sig, _) = signed(seed, 123_456 * u64::from(seed), 1 << (20 + seed));
        assert!(agree(&key, &msg, &sig));
        for bit in 0..512 {
            let mut s = sig;
            s[bit / 8] ^= 1 << (bit % 8);
            accepted += agree(&key, &msg, &s) as u32;
            cases += 1;
        }
        for bit in 0..256 {
            let mut k = key;
            k[bit / 8] ^= 1 << (bit % 8);
            accepted += agree(&k, &msg, &sig) as u32;
            cases += 1;
        }
        for bit in 0..MESSAGE_LEN * 8 {
            let mut m = msg;
            m[bit / 8] ^= 1 << (bit % 8);
            accepted += agree(&key, &m, &sig) as u32;
            cases += 1;
        }
    }
    assert_eq!(cases, 3 * (512 + 256 + 416));
    assert_eq!(accepted, 0, "no corrupted receipt verifies");
}

/// L, the order of the prime-order subgroup, little-endian.
const L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
];

fn add_le(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut carry = 0u16;
    for i in 0..32 {
        let v = u16::from(a[i]) + u16::from(b[i]) + carry;
        out[i] = v as u8;
        carry = v >> 8;
    }
    out
}

#[test]
fn malleated_scalars_are_refused_by_both() {
    let (key, msg, sig, _) = signed(9, 77, 77);
    let s: [u8; 32] = sig[32..].try_into().unwrap();
    for bad_s in [add_le(&s, &L), add_le(&add_le(&s, &L), &L), L, [0xff; 32]] {
        let mut m = sig;
        m[32..].copy_from_slice(&bad_s);
        assert!(!agree(&key, &msg, &m), "s = {bad_s:02x?}");
    }
}

/// k = H(R || A || M) reduced mod L, as RFC 8032 computes it.
fn challenge(r: &[u8; 32], a: &[u8; 32], msg: &[u8]) -> Scalar {
    let mut h = Sha512::new();
    h.update(r);
    h.update(a);
    h.update(msg);
    Scalar::from_hash(h)
}

#[test]
fn the_programs_small_order_list_is_curve25519s() {
    for point in EIGHT_TORSION {
        let encoded = Pubkey::new_from_array(point.compress().to_bytes());
        assert!(!receipt::is_usable_signer(&encoded));
    }
}

/// Signatures that the cofactorless equation accepts but strict verification must refuse:
/// small-order keys with small-order R, and an identity R with a real key.
#[test]
fn small_order_keys_and_r_are_refused_by_both() {
    let msg = receipt::message(&Pubkey::new_from_array([5; 32]), 10, 10);
    let mut equation_holds = 0;
    for a in EIGHT_TORSION {
        let a_bytes = a.compress().to_bytes();
        for r in EIGHT_TORSION {
            let r_bytes = r.compress().to_bytes();
            let k = challenge(&r_bytes, &a_bytes, &msg);
            // s = 0 satisfies 0·B = R + k·A exactly when R = −k·A.
            if r == -(k * a) {
                equation_holds += 1;
            }
            let mut sig = [0u8; 64];
            sig[..32].copy_from_slice(&r_bytes);
            assert!(!agree(&a_bytes, &msg, &sig));
            // Non-strict (cofactorless) verification takes the ones where the equation holds.
            if r == -(k * a) {
                let key = VerifyingKey::from_bytes(&a_bytes).unwrap();
                use ed25519_dalek::Verifier as _;
                assert!(key.verify(&msg, &Signature::from_bytes(&sig)).is_ok());
            }
        }
    }
    assert!(
        equation_holds > 0,
        "the construction produced cofactorless-valid signatures"
    );

    // A real key, R = identity, s = k·a: valid for the cofactorless equation.
    let signing = SigningKey::from_bytes(&[3; 32]);
    let a = signing.to_scalar();
    let a_bytes = signing.verifying_key().to_bytes();
    let identity = EdwardsPoint::default().compress().to_bytes();
    let k = challenge(&identity, &a_bytes, &msg);
    let mut sig = [0u8; 64];
    sig[..32].copy_from_slice(&identity);
    sig[32..].copy_from_slice(&(k * a).to_bytes());
    assert!(ED25519_BASEPOINT_POINT * (k * a) == k * (ED25519_BASEPOINT_POINT * a));
    assert!(!agree(&a_bytes, &msg, &sig));
}

#[test]
fn non_canonical_encodings_of_r_and_of_the_key_are_refused_by_both() {
    let signing = SigningKey::from_bytes(&[4; 32]);
    let a = signing.to_scalar();
    let a_bytes = signing.verifying_key().to_bytes();
    let msg = receipt::message(&Pubkey::new_from_array([6; 32]), 1, 1);
    // y ≥ p encodings: y = p + δ for every δ that still fits, both signs of x.
    let mut non_canonical = vec![];
    for delta in 0..19u8 {
        for sign in [0u8, 0x80] {
            let mut e = [0xffu8; 32];
            e[0] = 0xed + delta;
            e[31] = 0x7f | sign;
            non_canonical.push(e);
        }
    }
    // x = 0 with the sign bit set ("negative zero"), at y = 1 and y = -1.
    let mut neg_zero = [0u8; 32];
    neg_zero[0] = 1;
    neg_zero[31] = 0x80;
    non_canonical.push(neg_zero);
    for e in &non_canonical {
        // As R, with s = k·a (the signature would hold if R decoded to the identity).
        let k = challenge(e, &a_bytes, &msg);
        let mut sig = [0u8; 64];
        sig[..32].copy_from_slice(e);
        sig[32..].copy_from_slice(&(k * a).to_bytes());
        assert!(!agree(&a_bytes, &msg, &sig));
        // As the key, with a signature over it.
        assert!(!agree(e, &msg, &signing.sign(&msg).to_bytes()));
        // The program refuses every such key at open already.
        if e[31] & 0x7f == 0x7f {
            assert!(!receipt::is_usable_signer(&Pubkey::new_from_array(*e)));
        }
    }
}

#[test]
fn signatures_over_another_layout_are_refused_by_both() {
    let key = SigningKey::from_bytes(&[8; 32]);
    let a = key.verifying_key().to_bytes();
    let channel = Pubkey::new_from_array([1; 32]);
    let (amount, bytes) = (5_000u64, 9_000_000u64);
    let ours = receipt::message(&channel, amount, bytes);
    let swapped = receipt::message(&channel, bytes, amount);
    let mut other_tag = ours;
    other_tag[..4].copy_from_slice(b"BWR2");
    let untagged = &ours[4..];
    let mut big_endian = ours;
    big_endian[36..44].copy_from_slice(&amount.to_be_bytes());
    big_endian[44..52].copy_from_slice(&bytes.to_be_bytes());
    for other in [&swapped[..], &other_tag[..], untagged, &big_endian[..]] {
        let sig = key.sign(other).to_bytes();
        assert!(agree(&a, other, &sig), "valid for its own layout");
        assert!(!agree(&a, &ours, &sig), "never for the receipt layout");
    }
}

/// R = [r]B + T with T of small order, s = r + k·a: the cofactored equation holds, the
/// program's cofactorless one does not. A plain batch (ed25519-dalek's `verify_batch`, whose
/// coefficients are derived from the batch) accepts such a batch one time in two for T of order
/// 2; the node's verifier never does.
#[test]
fn forged_torsion_r_is_refused_by_the_batch_verifier_as_by_the_program() {
    let signing = SigningKey::from_bytes(&[21; 32]);
    let (a, a_bytes) = (signing.to_scalar(), signing.verifying_key().to_bytes());
    let vk = signing.verifying_key();
    let mut plain_batch_fooled = 0;
    for (t_index, t) in EIGHT_TORSION.iter().enumerate().skip(1) {
        for attempt in 0..16u64 {
            let channel = Pubkey::new_from_array([t_index as u8; 32]);
            let msg = receipt::message(&channel, 1_000 + attempt, 5);
            let r = Scalar::from(1_000_003u64 + attempt * 7 + t_index as u64);
            let big_r = (ED25519_BASEPOINT_POINT * r + t).compress().to_bytes();
            let k = challenge(&big_r, &a_bytes, &msg);
            let mut sig = [0u8; 64];
            sig[..32].copy_from_slice(&big_r);
            sig[32..].copy_from_slice(&(r + k * a).to_bytes());
            // Refused by the program, the reference and the node's verifier, alone or batched.
            assert!(!agree(&a_bytes, &msg, &sig));
            // A plain batch of it and valid signatures.
            let mut msgs: Vec<Vec<u8>> = vec![msg.to_vec()];
            let mut sigs = vec![Signature::from_bytes(&sig)];
            let mut keys = vec![vk];
            for i in 0..7u8 {
                let m = receipt::message(&Pubkey::new_from_array([i; 32]), 1, 1).to_vec();
                sigs.push(signing.sign(&m));
                msgs.push(m);
                keys.push(vk);
            }
            let m: Vec<&[u8]> = msgs.iter().map(|m| m.as_slice()).collect();
            plain_batch_fooled += ed25519_dalek::verify_batch(&m, &sigs, &keys).is_ok() as u32;
        }
    }
    assert!(
        plain_batch_fooled > 0,
        "the construction is one a plain batch equation accepts"
    );
}

/// A key with a torsion component: valid receipts under it exist (found by trying R until the
/// challenge cancels the torsion), the program accepts them, and the node's verifier, which
/// verifies such keys one receipt at a time, accepts them too; their forgeries it refuses.
#[test]
fn keys_with_a_torsion_component_get_the_programs_verdict() {
    let a = Scalar::from(987_654_321u64);
    let t = EIGHT_TORSION[4]; // order 2
    let big_a = ED25519_BASEPOINT_POINT * a + t;
    let a_bytes = big_a.compress().to_bytes();
    let key = Pubkey::new_from_array(a_bytes);
    assert!(receipt::is_usable_signer(&key));
    let signer = PreparedSigner::new(&key);
    assert!(signer.is_usable() && !signer.is_batchable());
    let channel = Pubkey::new_from_array([42; 32]);
    let mut found = 0;
    let mut batch = fillers().to_vec();
    for nonce in 0..64u64 {
        let msg = receipt::message(&channel, 10 + nonce, 1);
        let r = Scalar::from(5_555u64 + nonce);
        // [s]B - [k]A = [r]B - [k]T: with k even, R = [r]B is exactly it.
        let big_r = (ED25519_BASEPOINT_POINT * r).compress().to_bytes();
        let k = challenge(&big_r, &a_bytes, &msg);
        if k.to_bytes()[0] & 1 == 1 {
            continue;
        }
        let mut sig = [0u8; 64];
        sig[..32].copy_from_slice(&big_r);
        sig[32..].copy_from_slice(&(r + k * a).to_bytes());
        assert!(agree(&a_bytes, &msg, &sig), "valid under the program");
        let mut bad = sig;
        bad[40] ^= 1;
        assert!(!agree(&a_bytes, &msg, &bad));
        batch.push((
            SignedReceipt {
                receipt: Receipt::decode(&msg).unwrap(),
                signature: sig,
            },
            signer,
        ));
        found += 1;
    }
    assert!(found > 8);
    assert!(verify::verify_batch(&batch).iter().all(|v| *v));
    assert!(verify::all_valid(&batch));
}

/// Large random batches with invalid receipts scattered through them: the batch verifier's
/// verdicts are exactly the program's, one by one.
#[test]
fn random_batches_with_invalid_receipts_scattered_agree_receipt_by_receipt() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let keys: Vec<solana_keypair::Keypair> = (0..5u8)
        .map(|i| solana_keypair::Keypair::new_from_array([200 + i; 32]))
        .collect();
    for round in 0..12 {
        let n = [8, 9, 16, 64, 200, 256][round % 6];
        let mut items = vec![];
        for i in 0..n {
            let key = &keys[rng.gen_range(0..keys.len())];
            let channel = Pubkey::new_from_array(rng.gen());
            let mut r = bandwidth_client::receipts::sign_receipt(key, &channel, i as u64 + 1, 3);
            let signer = match rng.gen_range(0..10) {
                0 => {
                    r.signature[rng.gen_range(0..64)] ^= 1 << rng.gen_range(0..8);
                    PreparedSigner::new(&key.pubkey())
                }
                1 => PreparedSigner::new(&keys[0].pubkey()),
                2 => {
                    r.receipt.amount += 1;
                    PreparedSigner::new(&key.pubkey())
                }
                _ => PreparedSigner::new(&key.pubkey()),
            };
            items.push((r, signer));
        }
        let expected: Vec<bool> = items.iter().map(|(r, s)| r.verify(&s.key)).collect();
        assert_eq!(verify::verify_batch(&items), expected, "round {round}");
        assert_eq!(verify::all_valid(&items), expected.iter().all(|v| *v));
    }
}

/// The same refusals through the program's own instruction, with nothing changed.
#[tokio::test]
async fn the_settle_instruction_refuses_malleated_and_small_order_signatures() {
    let mut s = Scene::new(TOKEN, 20 * UNIT).await;
    let c = s.open(10 * UNIT).await;
    let good = c.receipt(2 * UNIT, GIB);
    // s + L.
    let mut malleated = good;
    let sc: [u8; 32] = good.signature[32..].try_into().unwrap();
    malleated.signature[32..].copy_from_slice(&add_le(&sc, &L));
    // Identity R with s = k·a, for the channel's own session key.
    let secret = SigningKey::from_bytes(c.signer.secret_bytes());
    let a = secret.to_scalar();
    let a_bytes = c.signer.pubkey().to_bytes();
    let msg = receipt::message(&c.keys.channel, 2 * UNIT, GIB);
    let identity = EdwardsPoint::default().compress().to_bytes();
    let k = challenge(&identity, &a_bytes, &msg);
    let mut identity_r = good;
    identity_r.signature[..32].copy_from_slice(&identity);
    identity_r.signature[32..].copy_from_slice(&(k * a).to_bytes());
    for bad in [malleated, identity_r] {
        let ix = s.settle_ix(&c, bad);
        s.env
            .must_fail(
                &[ix],
                &[&s.p.authority],
                SettlementError::InvalidReceiptSignature,
            )
            .await;
    }
    s.settle(&c, 2 * UNIT, GIB).await;

    // A small-order receipt signer cannot even be registered.
    let w = s.b.wallet.pubkey();
    for point in EIGHT_TORSION {
        let signer = Pubkey::new_from_array(point.compress().to_bytes());
        let (open, _) = ix::DEFAULT.open_channel(
            w,
            s.m.keys.market,
            s.p.provider,
            1,
            OpenChannelArgs {
                amount: UNIT,
                dispute_window_secs: 3_600,
                receipt_signer: signer,
            },
        );
        s.env
            .must_fail(
                &[open],
                &[&s.b.wallet],
                SettlementError::InvalidReceiptSigner,
            )
            .await;
    }
}
