//! The demo and the benches, over the SDK (`bandwidth-client`) and the provider's node
//! (`bandwidth-node`): `bwx demo`, `bwx bench`, `bwx bench ingest` call these. The demo runs on
//! any [`DemoChain`](demo::DemoChain) (a cluster over JSON-RPC, or with the `embedded`
//! feature, the embedded chain); the benches measure on the embedded chain only.
#![warn(clippy::too_many_lines)]

#[cfg(feature = "embedded")]
pub mod bench;
pub mod demo;
