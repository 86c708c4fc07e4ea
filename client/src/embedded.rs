//! The embedded in-process chain: a solana-program-test bank with this program loaded
//! natively and the real SPL Token, Token-2022 and Associated Token Account programs.
// solana-program-test 3.x marks its whole API deprecated ahead of moving it behind an
// "unstable API" feature in 4.x; 3.1.12 is the version pinned on purpose (see README).
#![allow(deprecated)]

use anchor_lang::{
    prelude::{AccountInfo, Pubkey},
    solana_program::entrypoint::ProgramResult,
};
use solana_program_test::{processor, ProgramTest};

/// Native entry point handed to the bank.
///
/// Anchor's `entry` wants one lifetime for the program id, the account slice and the
/// `AccountInfo`s inside it; program-test hands out a slice whose elements live longer than
/// the slice. Shortening the inner lifetime to the slice's is sound: nothing outlives this
/// call.
fn process_instruction(
    program_id: &Pubkey,
    accounts: &[AccountInfo],
    data: &[u8],
) -> ProgramResult {
    // SAFETY: only narrows a lifetime; the layout of `&[AccountInfo<'_>]` is unchanged.
    let accounts: &[AccountInfo] = unsafe { core::mem::transmute(accounts) };
    bandwidth_settlement::entry(program_id, accounts, data)
}

/// A `ProgramTest` with the settlement program registered natively.
pub fn program_test() -> ProgramTest {
    let mut pt = ProgramTest::default();
    // ProgramTest turns on debug logging of every instruction; leave RUST_LOG in charge.
    agave_logger::setup_with_default("error");
    pt.prefer_bpf(false);
    pt.add_program(
        "bandwidth_settlement",
        bandwidth_settlement::ID,
        processor!(process_instruction),
    );
    pt
}
