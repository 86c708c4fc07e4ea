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
    /// A transaction was to be sent by a client without a signer.
    #[error("this needs a signer: pass -k/--keypair (a keypair file, prompt:// or another signer URI) or set keypair_path in the Solana CLI config")]
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

    /// The program error's name (`"InvalidReceiptSignature"`, ...), if any.
    pub fn name(&self) -> Option<&str> {
        match self {
            ClientError::Program { name, .. } => Some(name),
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
