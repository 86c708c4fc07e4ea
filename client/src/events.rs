//! Decoding of the program's events from transaction logs, for indexers, the CLI and tests.
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
    CloseRequested,
    ChannelClosed,
    EarningsWithdrawn,
    ProviderFeesSwept,
    FeesSwept,
);

/// The events in a transaction's log messages, in order. Only `Program data:` lines written
/// while this program is the one executing are read, so another program's data can never be
/// mistaken for ours.
pub fn parse_logs(logs: &[String]) -> Vec<ProgramEvent> {
    let program = bandwidth_settlement::ID.to_string();
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
    events
}
