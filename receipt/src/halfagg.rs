//! Half-aggregated receipts (docs/protocol.md §3.1) and the compact encoding of a batch's
//! per-channel values (§3.2). Shared by the program and every client, like `receipt`.
//!
//! Buyers sign plain Ed25519 receipts. A settler holding n of them replaces the n signatures
//! `(R_i, s_i)` by the n points `R_i` and one scalar `S = Σ z_i·s_i mod L`, with 128-bit
//! coefficients `z_i` drawn from a transcript of every `(A_i, R_i, M_i)`. The batch is valid
//! iff `[S]B = Σ z_i·R_i + Σ (z_i·h_i mod L)·A_i`, checked as one multiscalar multiplication
//! (the `sol_curve_multiscalar_mul` syscall on-chain, curve25519-dalek natively).
use crate::curve::multiscalar_multiply_edwards;
use crate::receipt::{is_canonical_encoding, MESSAGE_LEN, SMALL_ORDER};
use alloc::vec::Vec;
use curve25519_dalek::scalar::Scalar;

/// Domain separation of the batch transcript.
pub const TRANSCRIPT_TAG: &[u8] = b"BWR1-HALFAGG-v1";
/// Most receipts one aggregated batch may carry: more never fit a transaction, and the bound
/// keeps every loop of the verifier bounded.
pub const MAX_BATCH: usize = 32;

/// The SHA-512 the program runs: in-program (brine-ed25519's) on-chain with the default
/// `fast-sha512` feature, the `sha2` crate natively (and on-chain without that feature).
#[cfg(all(target_os = "solana", feature = "fast-sha512"))]
type Hash512 = brine_ed25519::hasher::FastSha512;
#[cfg(not(all(target_os = "solana", feature = "fast-sha512")))]
type Hash512 = brine_ed25519::hasher::Sha512;
use brine_ed25519::hasher::Hasher;

/// The compressed base point B.
const BASE: [u8; 32] = [
    0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
    0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
];
/// The compressed identity point.
const IDENTITY: [u8; 32] = {
    let mut p = [0u8; 32];
    p[0] = 1;
    p
};

/// One receipt of a batch as the verifier sees it: the channel's signer `A`, the receipt's `R`
/// and the 52-byte message the program rebuilt.
#[derive(Clone, Copy, Debug)]
pub struct Item<'a> {
    pub signer: &'a [u8; 32],
    pub r: &'a [u8; 32],
    pub message: &'a [u8; MESSAGE_LEN],
}

/// `D = SHA-512(tag ‖ n u16 LE ‖ A_1 ‖ R_1 ‖ M_1 ‖ … ‖ A_n ‖ R_n ‖ M_n)`: binds every
/// coefficient to every signer, nonce and message of the batch.
pub fn transcript(items: &[Item]) -> [u8; 64] {
    let n = (items.len() as u16).to_le_bytes();
    let mut parts: Vec<&[u8]> = Vec::with_capacity(2 + 3 * items.len());
    parts.extend([TRANSCRIPT_TAG, &n[..]]);
    for it in items {
        parts.extend([&it.signer[..], &it.r[..], &it.message[..]]);
    }
    sha512(&parts)
}

/// `z_i`: the first 16 bytes of `SHA-512(D ‖ i u16 LE)` as a little-endian integer, 1 instead
/// of 0; `i` counts from 1.
pub fn coefficient(transcript: &[u8; 64], i: u16) -> Scalar {
    let digest = sha512(&[transcript, &i.to_le_bytes()]);
    let mut z = [0u8; 32];
    z[..16].copy_from_slice(&digest[..16]);
    if z == [0u8; 32] {
        z[0] = 1;
    }
    Scalar::from_bytes_mod_order(z)
}

/// Every `z_i` of the batch, in order.
pub fn coefficients(items: &[Item]) -> Vec<Scalar> {
    let d = transcript(items);
    (1..=items.len() as u16)
        .map(|i| coefficient(&d, i))
        .collect()
}

/// `h = SHA-512(R ‖ A ‖ M) mod L`: the ordinary Ed25519 challenge.
pub fn challenge(item: &Item) -> Scalar {
    Scalar::from_bytes_mod_order_wide(&sha512(&[item.r, item.signer, item.message]))
}

/// SHA-512 of the concatenation of `parts`, in one place: on SBF the in-program hash is fully
/// unrolled, and inlined at every call site it made functions longer than the VM's 16-bit
/// jump offsets reach.
#[inline(never)]
fn sha512(parts: &[&[u8]]) -> [u8; 64] {
    let mut h = Hash512::new();
    for p in parts {
        h.update(p);
    }
    h.finalize()
}

/// A point the strict verifier accepts as a key or nonce: canonical, not of small order (the
/// multiscalar multiplication refuses points that are not on the curve).
fn strict_point(p: &[u8; 32]) -> bool {
    is_canonical_encoding(p) && !SMALL_ORDER.contains(p)
}

/// Whether `s` aggregates valid signatures of every item (§3.1). Cofactorless, like
/// `verify_strict`: `S < L`, every `A_i` and `R_i` canonical and not of small order, and
/// `Σ z_i·R_i + Σ (z_i·h_i)·A_i − S·B` the identity.
pub fn verify(items: &[Item], s: &[u8; 32]) -> bool {
    if items.is_empty() || items.len() > MAX_BATCH {
        return false;
    }
    let Some(s) = Option::<Scalar>::from(Scalar::from_canonical_bytes(*s)) else {
        return false;
    };
    if !items
        .iter()
        .all(|it| strict_point(it.r) && strict_point(it.signer))
    {
        return false;
    }
    let d = transcript(items);
    let mut scalars = Vec::with_capacity(2 * items.len() + 1);
    let mut points = Vec::with_capacity(2 * items.len() + 1);
    for (i, it) in items.iter().enumerate() {
        let z = coefficient(&d, i as u16 + 1);
        scalars.push(z.to_bytes());
        points.push(*it.r);
        scalars.push((z * challenge(it)).to_bytes());
        points.push(*it.signer);
    }
    scalars.push((-s).to_bytes());
    points.push(BASE);
    multiscalar_multiply_edwards(&scalars, &points) == Some(IDENTITY)
}

/// `S = Σ z_i·s_i mod L` for the signatures' `s` halves, in the batch's order (what a settler
/// computes; `s_i` must be canonical, as in any valid signature).
pub fn aggregate(items: &[Item], s_values: &[[u8; 32]]) -> Option<[u8; 32]> {
    if items.len() != s_values.len() || items.is_empty() || items.len() > MAX_BATCH {
        return None;
    }
    let mut sum = Scalar::ZERO;
    for (z, s) in coefficients(items).iter().zip(s_values) {
        let s: Scalar = Option::from(Scalar::from_canonical_bytes(*s))?;
        sum += z * s;
    }
    Some(sum.to_bytes())
}

// ----- the compact encoding of a batch's entries (§3.2) -------------------------------------

/// Why a batch's entries cannot be decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryError {
    /// The data ended inside an entry.
    Truncated,
    /// A varint longer than 10 bytes, or a value out of range.
    BadVarint,
    /// Bytes left over after the last entry.
    TrailingBytes,
}

/// The bytes a receipt of `amount` is expected to cover at the channel's price:
/// `amount · 2^30 / price` (0 for a free channel), the reference its bytes are encoded from.
pub fn expected_bytes(amount: u64, price_per_gib: u64) -> u64 {
    if price_per_gib == 0 {
        return 0;
    }
    let e = u128::from(amount) * u128::from(crate::BYTES_PER_GIB) / u128::from(price_per_gib);
    u64::try_from(e).unwrap_or(u64::MAX)
}

/// Varint groups that carry an amount whole (k = 10); fewer groups carry it relative to the
/// channel's settled amount.
const FULL: u32 = 10;

/// Appends one entry: `R ‖ amount ‖ bytes`, the amount as `k` 7-bit groups holding
/// `amount mod 2^(7k)`, decoded in the window of width `2^(7k)` centred on the channel's
/// settled amount when the instruction executes, or 10 groups holding it whole; the bytes as
/// the zigzag varint of `bytes − expected_bytes(amount, price)`.
///
/// `settled` and `deposit` are the channel's as read when packing. k is the smallest whose
/// half-window exceeds both `|amount − settled|` and `deposit − amount`: settlements by anyone
/// else in between only raise `settled`, and while it stays within the deposit the entry
/// decodes the same amount (and is skipped as stale once `settled` reaches it). Breaking the
/// decoding, and with it the batch, takes a buyer who tops up and pays its provider more than
/// the whole deposit beyond this receipt.
pub fn encode_entry(
    out: &mut Vec<u8>,
    r: &[u8; 32],
    amount: u64,
    bytes: u64,
    settled: u64,
    deposit: u64,
    price_per_gib: u64,
) {
    out.extend_from_slice(r);
    let distance = u128::from(amount.abs_diff(settled).max(deposit.saturating_sub(amount)));
    let k = (1..FULL)
        .find(|k| distance < 1u128 << (7 * k - 1))
        .unwrap_or(FULL);
    let value = if k == FULL {
        u128::from(amount)
    } else {
        u128::from(amount) & ((1u128 << (7 * k)) - 1)
    };
    write_groups(out, value, k);
    let diff = i128::from(bytes) - i128::from(expected_bytes(amount, price_per_gib));
    let zigzag = ((diff << 1) ^ (diff >> 127)) as u128;
    let groups = (1..=FULL)
        .find(|k| zigzag < 1u128 << (7 * k))
        .unwrap_or(FULL);
    write_groups(out, zigzag, groups);
}

/// `value` as exactly `groups` LEB128 groups (the last without the continuation bit).
fn write_groups(out: &mut Vec<u8>, mut value: u128, groups: u32) {
    for g in 0..groups {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        out.push(if g + 1 < groups { byte | 0x80 } else { byte });
    }
}

/// Reads a batch's entries one channel at a time.
pub struct EntryDecoder<'a> {
    data: &'a [u8],
}

impl<'a> EntryDecoder<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        EntryDecoder { data }
    }

    fn varint(&mut self) -> Result<(u128, u32), EntryError> {
        let mut value = 0u128;
        for g in 0..FULL {
            let (&byte, rest) = self.data.split_first().ok_or(EntryError::Truncated)?;
            self.data = rest;
            value |= u128::from(byte & 0x7f) << (7 * g);
            if byte & 0x80 == 0 {
                return Ok((value, g + 1));
            }
        }
        Err(EntryError::BadVarint)
    }

    /// The next entry, for a channel that has settled `settled` at `price_per_gib`:
    /// (R, amount, bytes).
    pub fn next(
        &mut self,
        settled: u64,
        price_per_gib: u64,
    ) -> Result<([u8; 32], u64, u64), EntryError> {
        if self.data.len() < 32 {
            return Err(EntryError::Truncated);
        }
        let (r, rest) = self.data.split_at(32);
        let r: [u8; 32] = r.try_into().map_err(|_| EntryError::Truncated)?;
        self.data = rest;
        let (value, k) = self.varint()?;
        let amount = if k == FULL {
            u64::try_from(value).map_err(|_| EntryError::BadVarint)?
        } else {
            let width = 1i128 << (7 * k);
            let low = i128::from(settled) - width / 2;
            let amount = low + (value as i128 - low).rem_euclid(width);
            u64::try_from(amount).map_err(|_| EntryError::BadVarint)?
        };
        let (zigzag, _) = self.varint()?;
        if zigzag >> 65 != 0 {
            return Err(EntryError::BadVarint);
        }
        let diff = (zigzag >> 1) as i128 ^ -((zigzag & 1) as i128);
        let bytes = i128::from(expected_bytes(amount, price_per_gib)) + diff;
        let bytes = u64::try_from(bytes).map_err(|_| EntryError::BadVarint)?;
        Ok((r, amount, bytes))
    }

    /// Every entry was read.
    pub fn finish(self) -> Result<(), EntryError> {
        if self.data.is_empty() {
            Ok(())
        } else {
            Err(EntryError::TrailingBytes)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_survive_a_front_run() {
        let r = [9u8; 32];
        let cases = [
            (1u64, 1u64, 0u64, 1_000_000u64),
            (5_000_000, 5 << 30, 4_000_000, 1_000_000),
            (u64::MAX, u64::MAX, 0, 1),
            (u64::MAX, 0, u64::MAX - 1, 0),
            (1 << 40, 7, 0, 3),
            (123, 0, 122, 0),
        ];
        for (amount, bytes, settled, price) in cases {
            let mut out = vec![];
            encode_entry(&mut out, &r, amount, bytes, settled, amount, price);
            let mut d = EntryDecoder::new(&out);
            assert_eq!(d.next(settled, price), Ok((r, amount, bytes)));
            assert_eq!(d.finish(), Ok(()));
            // Someone settles more in between (up to the amount, or beyond it by less than
            // half a window): the entry decodes the same.
            for later in [
                amount,
                amount.saturating_add(1),
                settled + (amount - settled) / 2,
            ] {
                let mut d = EntryDecoder::new(&out);
                assert_eq!(d.next(later, price).unwrap().1, amount, "{amount} {later}");
            }
        }
        // A realistic entry is small: R, 3 bytes of amount, 2 of bytes.
        let mut out = vec![];
        let bytes = expected_bytes(10_500_000, 1_000_000) + 500;
        encode_entry(
            &mut out, &r, 10_500_000, bytes, 3_000_000, 10_500_000, 1_000_000,
        );
        assert_eq!(out.len(), 32 + 4 + 2);
        assert_eq!(
            EntryDecoder::new(&out).next(3_000_000, 1_000_000),
            Ok((r, 10_500_000, bytes))
        );
        assert_eq!(
            EntryDecoder::new(&out[..35]).next(3_000_000, 1_000_000),
            Err(EntryError::Truncated)
        );
        let mut long = r.to_vec();
        long.extend([0x80; 11]);
        assert_eq!(
            EntryDecoder::new(&long).next(0, 0),
            Err(EntryError::BadVarint)
        );
    }

    /// A buyer who settles beyond its provider's receipt, anywhere up to the channel's deposit,
    /// cannot make the provider's entry decode to another amount (which would fail the whole
    /// batch): the window covers the deposit. It used to cover only the distance to `settled`
    /// (here 2 groups: 8,192 base units).
    #[test]
    fn a_front_run_up_to_the_deposit_cannot_change_what_an_entry_decodes_to() {
        let r = [7u8; 32];
        let (settled, amount, deposit, price) = (1_000u64, 1_100u64, 10_000_000u64, 1_000_000);
        let bytes = expected_bytes(amount, price);
        let mut out = vec![];
        encode_entry(&mut out, &r, amount, bytes, settled, deposit, price);
        for later in [
            settled,
            amount - 1,
            amount,
            amount + 8_193,
            5_000_000,
            deposit,
        ] {
            let mut d = EntryDecoder::new(&out);
            assert_eq!(
                d.next(later, price),
                Ok((r, amount, bytes)),
                "settled {later}"
            );
        }
        // Without the deposit in the window (the old rule) two groups sufficed, and a front-run
        // of 8,193 base units beyond the receipt changed the decoded amount.
        let mut narrow = vec![];
        encode_entry(&mut narrow, &r, amount, bytes, settled, amount, price);
        assert!(narrow.len() < out.len());
        assert_ne!(
            EntryDecoder::new(&narrow)
                .next(amount + 8_193, price)
                .map(|e| e.1),
            Ok(amount)
        );
    }
}
