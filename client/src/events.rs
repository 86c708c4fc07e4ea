//! Decoding of the program's events from transaction logs, for indexers, the CLI and tests
//! (the program writes events to the log, not through `emit_cpi!`: docs/adr/0010).
use anchor_lang::prelude::Pubkey;
use anchor_lang::{AnchorDeserialize, Discriminator};
use bandwidth_settlement::events::*;
use base64::Engine;

macro_rules! program_events {
    ($($name:ident),* $(,)?) => {
        /// Every event the program emits.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum ProgramEvent {
            $($name($name)),*
        }

        /// Decodes one `sol_log_data` payload: 8-byte discriminator, then Borsh.
        pub fn decode(data: &[u8]) -> Option<ProgramEvent> {
            let (discriminator, mut rest) = (data.get(..8)?, data.get(8..)?);
            $(
                if discriminator == $name::DISCRIMINATOR {
                    return $name::deserialize(&mut rest).ok().map(ProgramEvent::$name);
                }
            )*
            None
        }
    };
}

program_events!(
    MarketCreated,
    MarketUpdated,
    AdminProposed,
    AdminChanged,
    FeeChangeAnnounced,
    Deposited,
    Withdrawn,
    ProviderRegistered,
    ProviderUpdated,
    ProviderJoinedMarket,
    PriceUpdated,
    ChannelOpened,
    ChannelToppedUp,
    ChannelSettled,
    SettlementBatch,
    CloseRequested,
    ChannelClosed,
    EarningsWithdrawn,
    ProviderFeesSwept,
    FeesSwept,
    RewardsConfigured,
    RewardsClaimed,
    ChannelRated,
    Staked,
    UnstakeRequested,
    StakeWithdrawn,
);

/// The runtime cut this transaction's log (past 10,000 bytes): its events cannot all be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the transaction's log was truncated by the runtime: read the accounts instead")]
pub struct TruncatedLog;

/// The events in a transaction's log messages, in order. Only `Program data:` lines written
/// while this program is the one executing are read, so another program's data can never be
/// mistaken for ours. A log the runtime truncated is refused rather than read in part.
pub fn parse_logs(logs: &[String]) -> Result<Vec<ProgramEvent>, TruncatedLog> {
    parse_logs_of(&bandwidth_settlement::ID, logs)
}

/// [`parse_logs`] for the program deployed at `program_id` (a devnet deployment, a fork).
pub fn parse_logs_of(
    program_id: &Pubkey,
    logs: &[String],
) -> Result<Vec<ProgramEvent>, TruncatedLog> {
    if logs.iter().any(|l| l == "Log truncated") {
        return Err(TruncatedLog);
    }
    let program = program_id.to_string();
    let mut stack: Vec<String> = vec![];
    let mut events = vec![];
    for line in logs {
        if let Some(rest) = line.strip_prefix("Program ") {
            let mut words = rest.split_whitespace();
            let (id, verb) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
            match verb {
                "invoke" => {
                    stack.push(id.to_string());
                    continue;
                }
                "success" | "failed:" | "failed" => {
                    stack.pop();
                    continue;
                }
                _ => {}
            }
        }
        let Some(payload) = line.strip_prefix("Program data: ") else {
            continue;
        };
        if stack.last() != Some(&program) {
            continue;
        }
        for part in payload.split_whitespace() {
            if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(part) {
                if let Some(event) = decode(&bytes) {
                    events.push(event);
                }
            }
        }
    }
    Ok(events)
}

/// Bytes of log a transaction wrote, as the runtime counts them against its 10,000-byte limit.
pub fn log_bytes(logs: &[String]) -> usize {
    logs.iter().map(|l| l.len()).sum()
}

/// One top-level call of the program in a transaction's log: the instruction's name (the
/// program logs "Instruction: X" when built for the chain) and the compute units it consumed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgramCall {
    pub instruction: Option<String>,
    pub units: u64,
}

/// The program's top-level calls in `logs`, from the runtime's "invoke [1]" and "consumed N of
/// M compute units" lines: what each call cost on the VM (a natively hosted program reports
/// none).
pub fn program_calls(logs: &[String]) -> Vec<ProgramCall> {
    program_calls_of(&bandwidth_settlement::ID, logs)
}

/// [`program_calls`] for the program deployed at `program_id`.
pub fn program_calls_of(program_id: &Pubkey, logs: &[String]) -> Vec<ProgramCall> {
    let id = program_id.to_string();
    let invoke = format!("Program {id} invoke [1]");
    let consumed = format!("Program {id} consumed ");
    let mut calls = vec![];
    let mut current: Option<Option<String>> = None;
    for line in logs {
        if *line == invoke {
            current = Some(None);
        } else if let Some(name) = line.strip_prefix("Program log: Instruction: ") {
            if let Some(slot @ None) = current.as_mut() {
                *slot = Some(name.to_string());
            }
        } else if let Some(rest) = line.strip_prefix(&consumed) {
            let units = rest.split(' ').next().and_then(|u| u.parse().ok());
            if let (Some(instruction), Some(units)) = (current.take(), units) {
                calls.push(ProgramCall { instruction, units });
            }
        }
    }
    calls
}
