//! Every integration test in one binary: each links the Agave runtime behind the embedded
//! chain, so one binary links it once (faster builds, one process to run). One module per
//! area; the harness is the `bandwidth_tests` library (`src/lib.rs`).
//!
//! Run one area with a filter: `cargo test -p bandwidth-tests --test integration -- audit::`.

// solana-program-test 3.x marks its whole API deprecated ahead of moving it behind an
// "unstable API" feature in 4.x; 3.1.12 is the version pinned on purpose (see README).
#![allow(deprecated)]

#[path = "suite/adversarial.rs"]
mod adversarial;
#[path = "suite/audit.rs"]
mod audit;
#[path = "suite/batch.rs"]
mod batch;
#[path = "suite/channels.rs"]
mod channels;
#[path = "suite/cli_common.rs"]
mod cli_common;
#[path = "suite/closeability.rs"]
mod closeability;
#[path = "suite/disputes.rs"]
mod disputes;
#[path = "suite/escrow.rs"]
mod escrow;
#[path = "suite/events.rs"]
mod events;
#[path = "suite/fees.rs"]
mod fees;
#[path = "suite/fuzz.rs"]
mod fuzz;
#[path = "suite/halfagg.rs"]
mod halfagg;
#[path = "suite/idl.rs"]
mod idl;
#[path = "suite/lifecycle.rs"]
mod lifecycle;
#[path = "suite/market.rs"]
mod market;
#[path = "suite/mints.rs"]
mod mints;
#[path = "suite/model.rs"]
mod model;
#[path = "suite/node.rs"]
mod node;
#[path = "suite/ops.rs"]
mod ops;
#[path = "suite/prefund.rs"]
mod prefund;
#[path = "suite/providers.rs"]
mod providers;
#[path = "suite/reputation.rs"]
mod reputation;
#[path = "suite/rewards.rs"]
mod rewards;
#[path = "suite/sbf.rs"]
mod sbf;
#[path = "suite/signatures.rs"]
mod signatures;
#[path = "suite/sizes.rs"]
mod sizes;
#[path = "suite/vectors.rs"]
mod vectors;
#[path = "suite/watcher.rs"]
mod watcher;
