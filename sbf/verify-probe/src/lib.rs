//! The cost probe: runs exactly the program's receipt verifiers (`bandwidth-receipt`) on the
//! SBF VM and reports what they cost.
//!
//! One read-only account holds up to [`MAX_RECEIPTS`] fixture receipts, each
//! `signer (32) ‖ signature (64) ‖ message (52)`. The instruction data is `op ‖ n`, plus the
//! aggregate scalar `S` (32 bytes) for [`Op::Aggregated`]. The program runs `op` over the
//! first `n` receipts between two reads of the remaining compute units and returns a
//! [`Report`] as return data. Reading the input, decoding messages and building the batch
//! happen outside that window, so the figure is the verifier's alone.
#![cfg_attr(target_os = "solana", no_std)]

extern crate alloc;

#[cfg(target_os = "solana")]
mod vm;
// 128-bit arithmetic and memory builtins in the convention LLVM calls them with.
#[cfg(target_os = "solana")]
use bandwidth_sbf_builtins as _;

use alloc::vec::Vec;
use bandwidth_receipt::{halfagg, receipt};

/// Receipts the fixture account can hold: `halfagg::MAX_BATCH`.
pub const MAX_RECEIPTS: usize = halfagg::MAX_BATCH;
/// Bytes per fixture receipt: signer, signature, message.
pub const FIXTURE_LEN: usize = 32 + receipt::SIGNATURE_LEN + receipt::MESSAGE_LEN;

/// What to measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Op {
    /// Nothing: the cost of the measurement itself, for the reader to subtract.
    Empty = 0,
    /// `receipt::verify` of each receipt (what `settle` and `settle_many` run per channel).
    Single = 1,
    /// `halfagg::verify` of the first n receipts as one batch (`settle_many_agg`).
    Aggregated = 2,
    /// `receipt::is_usable_signer` of each signer (`open_channel`).
    UsableSigner = 3,
}

impl Op {
    pub const ALL: [Op; 4] = [Op::Empty, Op::Single, Op::Aggregated, Op::UsableSigner];

    pub fn from_byte(b: u8) -> Option<Op> {
        Op::ALL.into_iter().find(|op| *op as u8 == b)
    }
}

/// What the probe returns (return data: three u64, little-endian).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Compute units consumed inside the window, the measurement's own cost included.
    pub units: u64,
    /// Heap bytes allocated inside the window.
    pub heap: u64,
    /// Receipts (or signers) that passed; for a batch, n if it passed, else 0.
    pub passed: u64,
}

impl Report {
    pub const LEN: usize = 24;

    pub fn encode(&self) -> [u8; Self::LEN] {
        let mut out = [0u8; Self::LEN];
        out[..8].copy_from_slice(&self.units.to_le_bytes());
        out[8..16].copy_from_slice(&self.heap.to_le_bytes());
        out[16..].copy_from_slice(&self.passed.to_le_bytes());
        out
    }

    pub fn decode(data: &[u8]) -> Option<Report> {
        if data.len() != Self::LEN {
            return None;
        }
        let word = |i: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&data[i..i + 8]);
            u64::from_le_bytes(w)
        };
        Some(Report {
            units: word(0),
            heap: word(8),
            passed: word(16),
        })
    }
}

/// The instruction data for `op` over `n` receipts (`s` only for a batch).
pub fn instruction_data(op: Op, n: u8, s: Option<&[u8; 32]>) -> Vec<u8> {
    let mut data = alloc::vec![op as u8, n];
    data.extend_from_slice(s.map_or(&[][..], |s| &s[..]));
    data
}

/// One fixture receipt, borrowed from the account data.
pub struct Fixture<'a> {
    pub signer: &'a [u8; 32],
    pub signature: &'a [u8; receipt::SIGNATURE_LEN],
    pub message: &'a [u8; receipt::MESSAGE_LEN],
}

/// The fixture account's bytes for `(signer, signature, message)` triples (the tests' side).
pub fn fixture_data(receipts: &[([u8; 32], [u8; 64], [u8; receipt::MESSAGE_LEN])]) -> Vec<u8> {
    let mut out = Vec::with_capacity(receipts.len() * FIXTURE_LEN);
    for (signer, signature, message) in receipts {
        out.extend_from_slice(signer);
        out.extend_from_slice(signature);
        out.extend_from_slice(message);
    }
    out
}

/// The first `n` receipts of the fixture data, or `None` if it holds fewer.
fn fixtures(data: &[u8], n: usize) -> Option<Vec<Fixture<'_>>> {
    if n > MAX_RECEIPTS || data.len() < n * FIXTURE_LEN {
        return None;
    }
    data.chunks_exact(FIXTURE_LEN)
        .take(n)
        .map(|c| {
            Some(Fixture {
                signer: c[..32].try_into().ok()?,
                signature: c[32..96].try_into().ok()?,
                message: c[96..].try_into().ok()?,
            })
        })
        .collect()
}

/// Runs the instruction `ix` over the fixture `data`; `window` runs a closure and returns
/// what it returned with the units and heap it cost. `None` for malformed input.
pub fn run(
    ix: &[u8],
    data: &[u8],
    window: impl Fn(&mut dyn FnMut() -> u64) -> Report,
) -> Option<Report> {
    let (&op, rest) = ix.split_first()?;
    let (&n, rest) = rest.split_first()?;
    let fx = fixtures(data, usize::from(n))?;
    match Op::from_byte(op)? {
        Op::Empty => Some(window(&mut || 0)),
        Op::Single => {
            let decoded = fx
                .iter()
                .map(|f| Some((f, receipt::Receipt::decode(f.message).ok()?)))
                .collect::<Option<Vec<_>>>()?;
            Some(window(&mut || {
                let valid = decoded.iter().filter(|(f, r)| {
                    receipt::verify(
                        &(*f.signer).into(),
                        &r.channel,
                        r.amount,
                        r.bytes,
                        f.signature,
                    )
                });
                valid.count() as u64
            }))
        }
        Op::Aggregated => {
            let s: &[u8; 32] = rest.try_into().ok()?;
            let items: Vec<halfagg::Item> = fx
                .iter()
                .map(|f| {
                    let r: &[u8; 32] = f.signature[..32].try_into().ok()?;
                    Some(halfagg::Item {
                        signer: f.signer,
                        r,
                        message: f.message,
                    })
                })
                .collect::<Option<_>>()?;
            Some(window(&mut || {
                if halfagg::verify(&items, s) {
                    items.len() as u64
                } else {
                    0
                }
            }))
        }
        Op::UsableSigner => Some(window(&mut || {
            let usable = fx
                .iter()
                .filter(|f| receipt::is_usable_signer(&(*f.signer).into()));
            usable.count() as u64
        })),
    }
}
