//! Verifying many receipts at once, off-chain, with exactly the program's verdict.
//!
//! The program verifies each receipt with the cofactorless RFC 8032 equation `[s]B = R + [k]A`
//! (brine-ed25519's `verify_strict`, [`bandwidth_settlement::receipt::verify`]). A node
//! receiving thousands of receipts a second verifies them in batches instead: one random
//! linear combination of all the equations, checked with one multiscalar multiplication
//! (ed25519-dalek's `verify_batch`), which costs about a third of verifying them one by one.
//!
//! A batch is only as strict as the single verifier when no point in it has a torsion
//! component: `verify_batch` checks `sum z_i (R_i - [s_i]B + [k_i]A_i) = 0`, and an equation
//! off by a point of order 2, 4 or 8 is cancelled by a multiple of its order among the `z_i`.
//! A buyer who signs with `R = [r]B + T` (T small-order) gets a receipt the chain refuses but a
//! plain batch accepts one time in two to eight; the node would have acknowledged money it
//! cannot collect. So, before any batch:
//!
//! 1. the cheap, exact checks of the single verifier, without curve arithmetic: `s` canonical
//!    (`s < L`), R canonically encoded and not one of the eight small-order points (a
//!    malformed or small-order R is refused here for the cost of a comparison);
//! 2. the key: usable by the program ([`is_usable_signer`]) and torsion-free, decided once per
//!    channel ([`PreparedSigner`]); a key with a torsion component (never one a wallet makes)
//!    is verified one receipt at a time, with the program's own code;
//! 3. every R torsion-free, decided for the whole batch at once: `[L] (sum of a random subset
//!    of the R_i) = 0` for [`TORSION_ROUNDS`] independent secret subsets. A point with a
//!    torsion component makes a random subset sum torsion-free with probability at most 1/2,
//!    so a batch with any such R passes all rounds with probability at most 2^-64. (A valid
//!    receipt's R is `[s]B - [k]A`, torsion-free for a torsion-free key: refusing a batch
//!    with a torsion R refuses nothing the program would accept.)
//!
//! When a batch, or the torsion test, fails, its receipts are verified one at a time with the
//! program's code to find the culprits: a flood of invalid signatures costs the node a batch
//! and then what single verification would have cost anyway. A batch passing means, up to
//! 2^-64 (torsion rounds, secret randomness) and 2^-128 (the batch combination), exactly what
//! verifying each receipt with the program's code would have said; `tests/suite/signatures.rs`
//! checks this differentially, forged torsion R included.
use anchor_lang::prelude::Pubkey;
use bandwidth_settlement::receipt::{
    is_canonical_encoding, is_usable_signer, SignedReceipt, SMALL_ORDER,
};
use curve25519_dalek::{
    edwards::{CompressedEdwardsY, EdwardsPoint},
    scalar::Scalar,
    traits::{Identity, IsIdentity},
};
use ed25519_dalek::{Signature, VerifyingKey};
use rand::RngCore;

/// Rounds of the torsion test: a batch with a torsion R passes all of them with probability
/// at most 2^-TORSION_ROUNDS.
pub const TORSION_ROUNDS: usize = 64;

/// Below this many receipts a batch is not worth it: they are verified one by one.
pub const MIN_BATCH: usize = 8;

/// A channel's receipt signer, checked once.
#[derive(Clone, Copy, Debug)]
pub struct PreparedSigner {
    pub key: Pubkey,
    /// The key's point, when it can be batch-verified (usable and torsion-free).
    batchable: Option<VerifyingKey>,
    usable: bool,
}

impl PreparedSigner {
    pub fn new(key: &Pubkey) -> PreparedSigner {
        let usable = is_usable_signer(key);
        let batchable = usable
            .then(|| VerifyingKey::from_bytes(&key.to_bytes()).ok())
            .flatten()
            .filter(|k| k.to_edwards().is_torsion_free());
        PreparedSigner {
            key: *key,
            batchable,
            usable,
        }
    }

    /// Whether any receipt could ever verify under this key (the program refuses channels
    /// whose key could not).
    pub fn is_usable(&self) -> bool {
        self.usable
    }

    /// Whether this key's receipts go into batches (every key a wallet generates).
    pub fn is_batchable(&self) -> bool {
        self.batchable.is_some()
    }
}

/// The checks of the single verifier that need no curve arithmetic: `false` means the program
/// refuses the signature whatever the key and message.
pub fn passes_cheap_checks(signature: &[u8; 64]) -> bool {
    let r: &[u8; 32] = signature[..32].try_into().expect("32 bytes");
    let s: [u8; 32] = signature[32..].try_into().expect("32 bytes");
    bool::from(Scalar::from_canonical_bytes(s).is_some())
        && is_canonical_encoding(r)
        && !SMALL_ORDER.contains(r)
}

/// One receipt, the program's code.
pub fn verify_one(receipt: &SignedReceipt, signer: &PreparedSigner) -> bool {
    signer.usable && passes_cheap_checks(&receipt.signature) && receipt.verify(&signer.key)
}

/// How a set of receipts is verified: refused by the cheap checks, one by one (keys with a
/// torsion component), or in a batch.
struct Plan {
    refused: bool,
    single: Vec<usize>,
    batch: Vec<usize>,
}

fn plan(items: &[(SignedReceipt, PreparedSigner)]) -> (Vec<bool>, Plan) {
    let mut cheap = vec![false; items.len()];
    let mut p = Plan {
        refused: false,
        single: vec![],
        batch: Vec::with_capacity(items.len()),
    };
    for (i, (r, signer)) in items.iter().enumerate() {
        if !signer.usable || !passes_cheap_checks(&r.signature) {
            p.refused = true;
            continue;
        }
        cheap[i] = true;
        if signer.batchable.is_some() {
            p.batch.push(i);
        } else {
            p.single.push(i);
        }
    }
    // Too few for a batch to pay: one by one.
    if p.batch.len() < MIN_BATCH {
        p.single.append(&mut p.batch);
    }
    (cheap, p)
}

fn single(items: &[(SignedReceipt, PreparedSigner)], i: usize) -> bool {
    items[i].0.verify(&items[i].1.key)
}

/// Verifies every receipt against its signer: the verdict of [`verify_one`] (the program's
/// verifier) for each, computed in batches where it can be.
pub fn verify_batch(items: &[(SignedReceipt, PreparedSigner)]) -> Vec<bool> {
    let (mut verdicts, p) = plan(items);
    for &i in &p.single {
        verdicts[i] = single(items, i);
    }
    // A failed batch: find the culprits with the program's own verifier.
    if !p.batch.is_empty() && !batch_holds(items, &p.batch) {
        for &i in &p.batch {
            verdicts[i] = single(items, i);
        }
    }
    verdicts
}

/// Whether every receipt `items[i]`, `i` in `batch`, verifies (all passed the cheap checks
/// and have batchable keys).
fn batch_holds(items: &[(SignedReceipt, PreparedSigner)], batch: &[usize]) -> bool {
    let mut rs = Vec::with_capacity(batch.len());
    for &i in batch {
        match CompressedEdwardsY(items[i].0.signature[..32].try_into().expect("32 bytes"))
            .decompress()
        {
            Some(p) => rs.push(p),
            // Not a point: the single verifier refuses it; let it find which.
            None => return false,
        }
    }
    if !all_torsion_free(&rs) {
        return false;
    }
    let messages: Vec<[u8; 52]> = batch
        .iter()
        .map(|&i| items[i].0.receipt.message())
        .collect();
    let messages: Vec<&[u8]> = messages.iter().map(|m| m.as_slice()).collect();
    let signatures: Vec<Signature> = batch
        .iter()
        .map(|&i| Signature::from_bytes(&items[i].0.signature))
        .collect();
    let keys: Vec<VerifyingKey> = batch
        .iter()
        .map(|&i| items[i].1.batchable.expect("batchable key"))
        .collect();
    ed25519_dalek::verify_batch(&messages, &signatures, &keys).is_ok()
}

/// Whether every point is in the prime-order subgroup, up to 2^-TORSION_ROUNDS: for each round
/// a secret random subset, whose sum times the group order must be the identity.
pub fn all_torsion_free(points: &[EdwardsPoint]) -> bool {
    #[allow(deprecated)] // the group order as a scalar: curve25519-dalek 4 keeps it for this
    let order = curve25519_dalek::constants::BASEPOINT_ORDER;
    let mut rng = rand::rngs::OsRng;
    let mut masks = vec![0u64; points.len()];
    for m in masks.iter_mut() {
        *m = rng.next_u64();
    }
    const { assert!(TORSION_ROUNDS <= 64, "one bit of a u64 mask per round") };
    (0..TORSION_ROUNDS).all(|round| {
        let mut sum = EdwardsPoint::identity();
        for (p, m) in points.iter().zip(&masks) {
            if m >> round & 1 == 1 {
                sum += p;
            }
        }
        EdwardsPoint::vartime_double_scalar_mul_basepoint(&order, &sum, &Scalar::ZERO).is_identity()
    })
}

/// Whether every receipt verifies: `true` exactly when [`verify_batch`] would say `true` for
/// each, with one batch where it can (and no culprit search when it fails).
pub fn all_valid(items: &[(SignedReceipt, PreparedSigner)]) -> bool {
    let (_, p) = plan(items);
    !p.refused
        && p.single.iter().all(|&i| single(items, i))
        && (p.batch.is_empty() || batch_holds(items, &p.batch))
}
