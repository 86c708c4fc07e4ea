//! `bwx`: argument parsing, output and dispatch over the SDK (`bandwidth-client`), the
//! provider's node (`bandwidth-node`) and the demo and benches (`bandwidth-demo`). With the
//! default `embedded` feature, the embedded in-process chain for `bwx demo` and `bwx bench`.
#![warn(clippy::too_many_lines)]

pub mod commands;
pub mod context;
pub mod output;
