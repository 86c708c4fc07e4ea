//! SPL Token / Token-2022 helpers: mints and token accounts for the demo and for tests, and
//! reading balances. Works with either token program.
use anchor_lang::prelude::Pubkey;
use solana_instruction::Instruction;
use spl_token_2022_interface::{
    extension::StateWithExtensions,
    state::{Account as TokenAccount, Mint},
};

/// Size of a mint without extensions.
pub const MINT_LEN: usize = 82;

/// Instructions creating `mint` (a new keypair's address) with `decimals`; `rent` is the
/// rent-exempt minimum for [`MINT_LEN`] bytes.
pub fn create_mint(
    payer: &Pubkey,
    mint: &Pubkey,
    authority: &Pubkey,
    decimals: u8,
    token_program: &Pubkey,
    rent: u64,
) -> Vec<Instruction> {
    vec![
        solana_system_interface::instruction::create_account(
            payer,
            mint,
            rent,
            MINT_LEN as u64,
            token_program,
        ),
        spl_token_2022_interface::instruction::initialize_mint2(
            token_program,
            mint,
            authority,
            None,
            decimals,
        )
        .expect("token program id is SPL Token or Token-2022"),
    ]
}

/// The associated token account of `owner` for `mint`.
pub fn associated_address(owner: &Pubkey, mint: &Pubkey, token_program: &Pubkey) -> Pubkey {
    spl_associated_token_account_interface::address::get_associated_token_address_with_program_id(
        owner,
        mint,
        token_program,
    )
}

/// Creates the associated token account unless it exists.
pub fn create_associated_account(
    payer: &Pubkey,
    owner: &Pubkey,
    mint: &Pubkey,
    token_program: &Pubkey,
) -> Instruction {
    spl_associated_token_account_interface::instruction::create_associated_token_account_idempotent(
        payer,
        owner,
        mint,
        token_program,
    )
}

pub fn mint_to(
    mint: &Pubkey,
    to: &Pubkey,
    authority: &Pubkey,
    amount: u64,
    token_program: &Pubkey,
) -> Instruction {
    spl_token_2022_interface::instruction::mint_to(token_program, mint, to, authority, &[], amount)
        .expect("token program id is SPL Token or Token-2022")
}

/// Amount held by a token account (either token program).
pub fn balance(data: &[u8]) -> Option<u64> {
    StateWithExtensions::<TokenAccount>::unpack(data)
        .ok()
        .map(|s| s.base.amount)
}

/// Decimals and supply of a mint (either token program).
pub fn mint_info(data: &[u8]) -> Option<(u8, u64)> {
    StateWithExtensions::<Mint>::unpack(data)
        .ok()
        .map(|s| (s.base.decimals, s.base.supply))
}
