//! Receipts of the bandwidth market (docs/protocol.md §3): the 52-byte signed message, its
//! strict Ed25519 verification, and half-aggregated batches with their compact entries.
//!
//! `no_std` (core + alloc) and free of Anchor, so that exactly this code runs in the program,
//! in every Rust client, and in the SBF probe that measures its compute cost on the real VM
//! (`sbf/`). On-chain (`target_os = "solana"`) the point operations are the curve25519
//! syscalls; natively, curve25519-dalek.
#![cfg_attr(not(test), no_std)]

extern crate alloc;

mod curve;
pub mod halfagg;
pub mod receipt;

/// Bytes in a GiB: prices are per GiB.
pub const BYTES_PER_GIB: u64 = 1 << 30;
