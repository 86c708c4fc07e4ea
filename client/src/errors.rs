//! Client errors. A failed transaction is decoded into the name and message of the error that
//! caused it: this program's own errors (from the committed IDL, so the table cannot drift),
//! Anchor's account-validation errors, and the token programs' errors.
use anchor_lang::prelude::Pubkey;
use solana_instruction::error::InstructionError;
use solana_transaction_error::TransactionError;
use std::{collections::HashMap, sync::OnceLock};

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// An instruction failed with a known program error.
    #[error("{program} error {name} ({code}): {message}")]
    Program {
        /// Which program raised it: "bandwidth_settlement", "token" or "anchor".
        program: &'static str,
        instruction: u8,
        code: u32,
        name: String,
        message: String,
        logs: Vec<String>,
    },
    /// The transaction was refused for another reason.
    #[error("transaction refused: {error}")]
    Transaction {
        error: TransactionError,
        logs: Vec<String>,
    },
    #[error("{what} {address} does not exist")]
    NotFound { what: &'static str, address: Pubkey },
    /// Something the user asked for cannot be done; the message says what to do instead.
    #[error("{0}")]
    Invalid(String),
    #[error("receipt store: {0}")]
    Store(String),
    #[error("cluster: {0}")]
    Chain(String),
    /// Input refused before anything was sent: see [`InputError`].
    #[error(transparent)]
    Input(#[from] InputError),
    /// A transaction was to be sent, or a signer's address read, by a client without a signer.
    #[error("this needs a signer: create the client with one (Client::new), not read-only")]
    NoSigner,
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// A provider's node answered with an error, or could not be reached (after retries).
    #[error("provider node {endpoint}: {message}")]
    Node {
        endpoint: String,
        message: String,
        /// The node could not be reached or was overloaded: worth trying again later.
        transient: bool,
    },
}

impl ClientError {
    /// Decodes a refused transaction using its logs to find the failing program.
    pub fn from_transaction_error(error: TransactionError, logs: Vec<String>) -> ClientError {
        let TransactionError::InstructionError(instruction, InstructionError::Custom(code)) = error
        else {
            return ClientError::Transaction { error, logs };
        };
        let failing = failing_program(&logs);
        let decoded = match failing.as_deref() {
            Some(p)
                if p == spl_token_interface::ID.to_string()
                    || p == spl_token_2022_interface::ID.to_string() =>
            {
                token_error(code).map(|(n, m)| ("token", n, m))
            }
            _ => program_error(code)
                .map(|(n, m)| ("bandwidth_settlement", n, m))
                .or_else(|| anchor_error(code).map(|(n, m)| ("anchor", n, m))),
        };
        match decoded {
            Some((program, name, message)) => ClientError::Program {
                program,
                instruction,
                code,
                name,
                message,
                logs,
            },
            None => ClientError::Transaction { error, logs },
        }
    }

    /// Whether trying the same thing again may succeed: the cluster could not be reached or
    /// answered with an error of its own, the blockhash expired, or an account was locked by
    /// another transaction. A program's refusal is not transient.
    pub fn is_transient(&self) -> bool {
        match self {
            ClientError::Chain(_) | ClientError::Io(_) => true,
            ClientError::Node { transient, .. } => *transient,
            ClientError::Transaction { error, .. } => matches!(
                error,
                TransactionError::BlockhashNotFound
                    | TransactionError::AccountInUse
                    | TransactionError::WouldExceedMaxBlockCostLimit
                    | TransactionError::WouldExceedMaxAccountCostLimit
                    | TransactionError::WouldExceedMaxVoteCostLimit
                    | TransactionError::WouldExceedAccountDataBlockLimit
                    | TransactionError::ClusterMaintenance
            ),
            _ => false,
        }
    }

    /// The custom error code, if the failure was a program error.
    pub fn code(&self) -> Option<u32> {
        match self {
            ClientError::Program { code, .. } => Some(*code),
            ClientError::Transaction {
                error: TransactionError::InstructionError(_, InstructionError::Custom(code)),
                ..
            } => Some(*code),
            _ => None,
        }
    }

    /// The error's name: a program error's (`"InvalidReceiptSignature"`, ...), or the SDK's
    /// refusal of its input (`"InsufficientFreeBalance"`, ...); `None` for others.
    pub fn name(&self) -> Option<&str> {
        match self {
            ClientError::Program { name, .. } => Some(name),
            ClientError::Input(e) => Some(e.name()),
            _ => None,
        }
    }

    pub fn logs(&self) -> &[String] {
        match self {
            ClientError::Program { logs, .. } | ClientError::Transaction { logs, .. } => logs,
            _ => &[],
        }
    }
}

/// The innermost program that failed, from lines like `Program <id> failed: ...`.
fn failing_program(logs: &[String]) -> Option<String> {
    logs.iter().find_map(|line| {
        let rest = line.strip_prefix("Program ")?;
        let (id, tail) = rest.split_once(' ')?;
        tail.starts_with("failed").then(|| id.to_string())
    })
}

/// This program's errors, read from the committed IDL.
pub fn program_error(code: u32) -> Option<(String, String)> {
    static TABLE: OnceLock<HashMap<u32, (String, String)>> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            let idl: serde_json::Value =
                serde_json::from_str(include_str!("../../idl/bandwidth_settlement.json"))
                    .expect("committed IDL is valid JSON");
            idl["errors"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|e| {
                    Some((
                        e["code"].as_u64()? as u32,
                        (
                            e["name"].as_str()?.to_string(),
                            e["msg"].as_str().unwrap_or_default().to_string(),
                        ),
                    ))
                })
                .collect()
        })
        .get(&code)
        .cloned()
}

/// The Anchor account-validation errors a user can run into.
fn anchor_error(code: u32) -> Option<(String, String)> {
    use anchor_lang::error::ErrorCode as E;
    [
        E::InstructionFallbackNotFound,
        E::InstructionDidNotDeserialize,
        E::ConstraintMut,
        E::ConstraintHasOne,
        E::ConstraintSigner,
        E::ConstraintRaw,
        E::ConstraintOwner,
        E::ConstraintSeeds,
        E::ConstraintAddress,
        E::ConstraintTokenMint,
        E::ConstraintTokenOwner,
        E::ConstraintMintTokenProgram,
        E::ConstraintTokenTokenProgram,
        E::ConstraintDuplicateMutableAccount,
        E::AccountDiscriminatorNotFound,
        E::AccountDiscriminatorMismatch,
        E::AccountDidNotDeserialize,
        E::AccountNotEnoughKeys,
        E::AccountNotMutable,
        E::AccountOwnedByWrongProgram,
        E::InvalidProgramId,
        E::InvalidProgramExecutable,
        E::AccountNotSigner,
        E::AccountNotSystemOwned,
        E::AccountNotInitialized,
    ]
    .into_iter()
    .find(|e| u32::from(*e) == code)
    .map(|e| (format!("{e:?}"), e.to_string()))
}

fn token_error(code: u32) -> Option<(String, String)> {
    let e = spl_token_2022_interface::error::TokenError::try_from(code).ok()?;
    Some((format!("{e:?}"), e.to_string()))
}

/// Input the SDK refuses before sending anything: each names what is wrong and what to do.
/// Amounts are in base units, shown in the mint's decimals.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("the amount is zero: pass a positive amount")]
    ZeroAmount,
    #[error("{text:?} is not an amount with at most {decimals} decimals (the mint's)")]
    BadAmount { text: String, decimals: u8 },
    #[error("token account {account} holds {}, less than the {} asked: fund it first", ui(*.held, *.decimals), ui(*.asked, *.decimals))]
    InsufficientTokens {
        account: Pubkey,
        held: u64,
        asked: u64,
        decimals: u8,
    },
    #[error("the escrow's free balance is {}, less than the {} asked: deposit more, or ask for less", ui(*.free, *.decimals), ui(*.asked, *.decimals))]
    InsufficientFreeBalance { free: u64, asked: u64, decimals: u8 },
    #[error("refusing to sign {}: the channel's deposit is {}; top up first", ui(*.asked, *.decimals), ui(*.deposit, *.decimals))]
    ExceedsDeposit {
        deposit: u64,
        asked: u64,
        decimals: u8,
    },
    #[error("the earnings are {}, less than the {} asked", ui(*.earnings, *.decimals), ui(*.asked, *.decimals))]
    ExceedsEarnings {
        earnings: u64,
        asked: u64,
        decimals: u8,
    },
    #[error("the stake is {}, less than the {} asked to unbond", ui(*.stake, *.decimals), ui(*.asked, *.decimals))]
    ExceedsStake {
        stake: u64,
        asked: u64,
        decimals: u8,
    },
    #[error("channel {channel} is in market {actual}, not {expected}")]
    WrongMarket {
        channel: Pubkey,
        expected: Pubkey,
        actual: Pubkey,
    },
    #[error("the receipt is for channel {receipt}, not {expected}")]
    WrongChannel { expected: Pubkey, receipt: Pubkey },
    #[error("{signer} does not own the escrow of channel {channel}: only its buyer can do this")]
    NotChannelBuyer { channel: Pubkey, signer: Pubkey },
    #[error("{signer} is neither the buyer ({buyer}) nor the provider of channel {channel}: only they can close it; anyone can finalize it after the deadline")]
    NotChannelParty {
        channel: Pubkey,
        signer: Pubkey,
        buyer: Pubkey,
    },
    #[error("a dispute window of {asked} s is outside what the market accepts ({min}..={max} s) or below the provider's minimum ({provider_min} s)")]
    DisputeWindowOutOfBounds {
        asked: u32,
        min: u32,
        max: u32,
        provider_min: u32,
    },
    #[error("provider {0} is inactive: it takes no new channels")]
    ProviderInactive(Pubkey),
    #[error("a rating of {0}: rate 1 to 5")]
    RatingOutOfRange(u8),
    #[error("the session key kept for {channel} is not the channel's receipt signer {signer}")]
    SessionKeyMismatch { channel: Pubkey, signer: Pubkey },
    #[error("channel {0} is open: the buyer must request a close first")]
    ChannelOpen(Pubkey),
    #[error(
        "the dispute window of {channel} ends at {deadline} ({left} s from now): finalize after it"
    )]
    DisputeWindowOpen {
        channel: Pubkey,
        deadline: i64,
        left: i64,
    },
    #[error("no earnings to withdraw in this market: settle receipts first")]
    NoEarnings,
    #[error("no fees to sweep in market {0}")]
    NoFees(Pubkey),
}

fn ui(amount: u64, decimals: u8) -> String {
    crate::market::ui_amount(amount, decimals)
}

impl InputError {
    /// The variant's name, as [`ClientError::name`] reports it ("ZeroAmount").
    pub fn name(&self) -> &'static str {
        match self {
            InputError::ZeroAmount => "ZeroAmount",
            InputError::BadAmount { .. } => "BadAmount",
            InputError::InsufficientTokens { .. } => "InsufficientTokens",
            InputError::InsufficientFreeBalance { .. } => "InsufficientFreeBalance",
            InputError::ExceedsDeposit { .. } => "ExceedsDeposit",
            InputError::ExceedsEarnings { .. } => "ExceedsEarnings",
            InputError::ExceedsStake { .. } => "ExceedsStake",
            InputError::WrongMarket { .. } => "WrongMarket",
            InputError::WrongChannel { .. } => "WrongChannel",
            InputError::NotChannelBuyer { .. } => "NotChannelBuyer",
            InputError::NotChannelParty { .. } => "NotChannelParty",
            InputError::DisputeWindowOutOfBounds { .. } => "DisputeWindowOutOfBounds",
            InputError::ProviderInactive(_) => "ProviderInactive",
            InputError::RatingOutOfRange(_) => "RatingOutOfRange",
            InputError::SessionKeyMismatch { .. } => "SessionKeyMismatch",
            InputError::ChannelOpen(_) => "ChannelOpen",
            InputError::DisputeWindowOpen { .. } => "DisputeWindowOpen",
            InputError::NoEarnings => "NoEarnings",
            InputError::NoFees(_) => "NoFees",
        }
    }
}
