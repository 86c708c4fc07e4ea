//! Mint policy (PROTOCOL §7): any SPL Token mint; Token-2022 mints only when every extension
//! is on the allow-list. Escrow accounting assumes that a transfer of `x` moves exactly `x`,
//! that nobody but the vault's authority can move vault tokens, and that no foreign code runs
//! on a transfer.
//!
//! A freeze authority is accepted (USDC has one): its holder can freeze the vault. That risk is
//! documented, not hidden.
use crate::errors::SettlementError;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::spl_token_2022::{
    extension::{
        default_account_state::DefaultAccountState, BaseStateWithExtensions, ExtensionType,
        StateWithExtensions,
    },
    state::{AccountState, Mint},
};

/// Refuses a mint whose extensions could move, tax, hide, hook, freeze or pause escrowed
/// tokens. The mint's owner (token program) has already been checked by the account type.
pub fn check_mint(mint: &AccountInfo) -> Result<()> {
    if *mint.owner == anchor_spl::token::ID {
        return Ok(());
    }
    require_keys_eq!(
        *mint.owner,
        anchor_spl::token_2022::ID,
        SettlementError::MintNotATokenMint
    );
    let data = mint.try_borrow_data()?;
    let state = StateWithExtensions::<Mint>::unpack(&data)?;
    for extension in state.get_extension_types()? {
        check_extension(&state, extension)?;
    }
    Ok(())
}

fn check_extension(state: &StateWithExtensions<Mint>, extension: ExtensionType) -> Result<()> {
    use ExtensionType as E;
    match extension {
        // Metadata, grouping and a close authority (a mint with supply cannot be closed) do
        // not affect balances or transfers.
        E::MetadataPointer
        | E::TokenMetadata
        | E::GroupPointer
        | E::TokenGroup
        | E::GroupMemberPointer
        | E::TokenGroupMember
        | E::MintCloseAuthority => Ok(()),
        E::DefaultAccountState => {
            let default = state.get_extension::<DefaultAccountState>()?;
            if default.state == AccountState::Frozen as u8 {
                err!(SettlementError::MintDefaultAccountStateFrozen)
            } else {
                Ok(())
            }
        }
        E::PermanentDelegate => err!(SettlementError::MintHasPermanentDelegate),
        E::TransferFeeConfig => err!(SettlementError::MintHasTransferFee),
        E::TransferHook => err!(SettlementError::MintHasTransferHook),
        E::ConfidentialTransferMint
        | E::ConfidentialTransferFeeConfig
        | E::ConfidentialMintBurn => err!(SettlementError::MintHasConfidentialTransfers),
        E::NonTransferable => err!(SettlementError::MintNonTransferable),
        E::Pausable => err!(SettlementError::MintPausable),
        // Interest-bearing and scaled-UI mints make displayed amounts differ from the raw
        // amounts the escrow settles; everything else is unknown and therefore refused.
        _ => {
            msg!("refused mint extension: {:?}", extension);
            err!(SettlementError::MintExtensionNotAllowed)
        }
    }
}
