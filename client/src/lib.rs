//! Client library for the bandwidth settlement program: addresses, instruction builders,
//! receipt signing, and the embedded in-process chain.
pub use bandwidth_settlement as program;
pub use bandwidth_settlement::ID as PROGRAM_ID;

pub mod embedded;
pub mod events;
pub mod ix;
pub mod pda;
pub mod receipts;
