//! Integration-test harness: the program run natively in solana-program-test with the real
//! SPL Token and Token-2022 programs, fixtures, and the invariant checks of PROTOCOL §6.
//!
//! Every transaction goes through [`Env::send`], which runs [`Env::check_invariants`]
//! afterwards, succeeded or not: conservation (invariant 1) and monotonicity (invariant 2)
//! are checked after every step of every test.

// solana-program-test 3.x marks its whole API deprecated ahead of moving it behind an
// "unstable API" feature in 4.x; 3.1.12 is the version pinned on purpose (see README).
#![allow(deprecated)]

pub mod sbf;

use anchor_lang::{prelude::Pubkey, AccountDeserialize};
use bandwidth_client::{
    ix::{self, ChannelKeys, MarketKeys},
    pda, receipts,
};
pub use bandwidth_settlement::{
    errors::SettlementError,
    instructions::{
        CreateMarketArgs, OpenChannelArgs, RegisterProviderArgs, UpdateMarketArgs,
        UpdateProviderArgs,
    },
    state::{Buyer, Channel, ChannelState, Market, Provider, ProviderMarket},
    ReceiptArgs,
};
use bandwidth_testkit as embedded;
use solana_account::Account;
use solana_instruction::{error::InstructionError, Instruction};
use solana_keypair::Keypair;
use solana_message::AddressLookupTableAccount;
use solana_program_pack::Pack;
use solana_program_test::ProgramTestContext;
use solana_signer::Signer;
use solana_transaction_error::TransactionError;
use spl_token_2022_interface::{
    extension::{BaseStateWithExtensions, ExtensionType, StateWithExtensions},
    state::{Account as TokenAccountState, AccountState, Mint as MintState},
};
use std::collections::{BTreeMap, HashMap};

pub const TOKEN: Pubkey = spl_token_interface::ID;
pub const TOKEN_2022: Pubkey = spl_token_2022_interface::ID;
pub const DECIMALS: u8 = 6;
/// One whole token at `DECIMALS`.
pub const UNIT: u64 = 1_000_000;
pub const GIB: u64 = 1 << 30;
pub const HOUR: i64 = 3_600;
pub const DAY: i64 = 86_400;

/// The custom error code Anchor returns for `e`.
pub fn code(e: SettlementError) -> u32 {
    anchor_lang::error::ERROR_CODE_OFFSET + e as u32
}

/// The error code of one of Anchor's own errors (account validation and the like).
pub fn anchor_code(e: anchor_lang::error::ErrorCode) -> u32 {
    e.into()
}

/// Token-2022 mint extensions the fixtures can create.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MintExtension {
    PermanentDelegate,
    TransferFee,
    TransferHook,
    NonTransferable,
    DefaultFrozen,
    DefaultInitialized,
    Pausable,
    InterestBearing,
    MetadataPointer,
    MintCloseAuthority,
    ConfidentialTransfer,
}

impl MintExtension {
    fn extension_type(self) -> ExtensionType {
        use MintExtension::*;
        match self {
            PermanentDelegate => ExtensionType::PermanentDelegate,
            TransferFee => ExtensionType::TransferFeeConfig,
            TransferHook => ExtensionType::TransferHook,
            NonTransferable => ExtensionType::NonTransferable,
            DefaultFrozen | DefaultInitialized => ExtensionType::DefaultAccountState,
            Pausable => ExtensionType::Pausable,
            InterestBearing => ExtensionType::InterestBearingConfig,
            MetadataPointer => ExtensionType::MetadataPointer,
            MintCloseAuthority => ExtensionType::MintCloseAuthority,
            ConfidentialTransfer => ExtensionType::ConfidentialTransferMint,
        }
    }

    fn init_instruction(self, mint: &Pubkey, authority: &Pubkey) -> Instruction {
        use spl_token_2022_interface::extension as ext;
        use MintExtension::*;
        let p = &TOKEN_2022;
        match self {
            PermanentDelegate => {
                spl_token_2022_interface::instruction::initialize_permanent_delegate(
                    p, mint, authority,
                )
            }
            TransferFee => ext::transfer_fee::instruction::initialize_transfer_fee_config(
                p,
                mint,
                Some(authority),
                Some(authority),
                100,
                u64::MAX,
            ),
            TransferHook => ext::transfer_hook::instruction::initialize(
                p,
                mint,
                Some(*authority),
                Some(Pubkey::new_unique()),
            ),
            NonTransferable => {
                spl_token_2022_interface::instruction::initialize_non_transferable_mint(p, mint)
            }
            DefaultFrozen => {
                ext::default_account_state::instruction::initialize_default_account_state(
                    p,
                    mint,
                    &AccountState::Frozen,
                )
            }
            DefaultInitialized => {
                ext::default_account_state::instruction::initialize_default_account_state(
                    p,
                    mint,
                    &AccountState::Initialized,
                )
            }
            Pausable => ext::pausable::instruction::initialize(p, mint, authority),
            InterestBearing => {
                ext::interest_bearing_mint::instruction::initialize(p, mint, Some(*authority), 500)
            }
            MetadataPointer => ext::metadata_pointer::instruction::initialize(
                p,
                mint,
                Some(*authority),
                Some(*mint),
            ),
            MintCloseAuthority => {
                spl_token_2022_interface::instruction::initialize_mint_close_authority(
                    p,
                    mint,
                    Some(authority),
                )
            }
            ConfidentialTransfer => ext::confidential_transfer::instruction::initialize_mint(
                p,
                mint,
                Some(*authority),
                true,
                None,
            ),
        }
        .expect("extension instruction")
    }
}

/// A market and everything needed to use it.
pub struct MarketFixture {
    pub keys: MarketKeys,
    pub admin: Keypair,
    pub treasury_owner: Pubkey,
}

/// A buyer wallet with a funded token account of the market's mint.
pub struct BuyerFixture {
    pub wallet: Keypair,
    pub token: Pubkey,
}

impl BuyerFixture {
    pub fn buyer(&self, m: &MarketFixture) -> Pubkey {
        pda::buyer(&m.keys.market, &self.wallet.pubkey())
    }
}

/// A registered provider that joined a market.
pub struct ProviderFixture {
    pub authority: Keypair,
    pub provider: Pubkey,
    pub payout: Keypair,
    /// Token account of the payout wallet.
    pub payout_token: Pubkey,
}

impl ProviderFixture {
    pub fn provider_market(&self, m: &MarketFixture) -> Pubkey {
        pda::provider_market(&m.keys.market, &self.provider)
    }
}

/// An open channel and its per-channel receipt signing key.
pub struct ChannelFixture {
    pub keys: ChannelKeys,
    pub id: u64,
    pub signer: Keypair,
}

impl ChannelFixture {
    /// A receipt signed by the channel's session key.
    pub fn receipt(&self, amount: u64, bytes: u64) -> ReceiptArgs {
        receipts::sign(&self.signer, &self.keys.channel, amount, bytes)
    }
}

/// Outcome of one transaction.
pub struct Outcome {
    pub result: Result<(), TransactionError>,
    pub logs: Vec<String>,
    /// Compute units the transaction consumed (meaningful when the program runs on the VM).
    pub units: u64,
}

pub struct Env {
    pub ctx: ProgramTestContext,
    nonce: u32,
    /// Every wallet the harness created: the key set invariants and snapshots range over.
    wallets: Vec<Pubkey>,
    token_accounts: Vec<Pubkey>,
    mints: Vec<Pubkey>,
    markets: Vec<MarketKeys>,
    /// Tokens sent into a vault outside the program: nobody's money (PROTOCOL §2).
    stray: HashMap<Pubkey, u64>,
    /// Last observed (settled, settled_bytes, deposit) of every channel and next id of every
    /// buyer, for the monotonicity invariant.
    seen_channels: HashMap<Pubkey, (u64, u64)>,
    seen_buyers: HashMap<Pubkey, u64>,
    /// How many times the invariants were checked.
    pub invariant_checks: u64,
    /// Log messages of every successful transaction, in order.
    pub history: Vec<Vec<String>>,
    /// The largest log any transaction wrote, in bytes as the runtime counts them (it keeps
    /// 10,000 per transaction; events are in the log: docs/adr/0010).
    pub max_log_bytes: usize,
}

/// Set to 1 to run the suite with the program hosted natively (1 CU a call; quicker to debug).
pub const PROGRAM_NATIVE_ENV: &str = "BWX_PROGRAM_NATIVE";

/// How the suite hosts the program: as a cluster runs it, its SBF build on the VM through the
/// BPF loader (built from the current sources by `sbf/build.sh`, once per test process), or
/// the build `BWX_PROGRAM_SO` names; natively only when `BWX_PROGRAM_NATIVE=1` asks.
pub fn hosting() -> embedded::Hosting {
    static HOSTING: std::sync::OnceLock<embedded::Hosting> = std::sync::OnceLock::new();
    let native = std::env::var_os(PROGRAM_NATIVE_ENV).is_some_and(|v| v != "0");
    let from_env = embedded::Hosting::from_env();
    HOSTING
        .get_or_init(|| match from_env {
            embedded::Hosting::Native if !native => {
                let so = bandwidth_sbf_artifacts::program().unwrap_or_else(|e| {
                    panic!("{e}\n({PROGRAM_NATIVE_ENV}=1 runs the suite with the program native)")
                });
                embedded::Hosting::Sbf(so)
            }
            hosting => hosting,
        })
        .clone()
}

impl Env {
    pub async fn new() -> Env {
        Env::hosted(&hosting()).await
    }

    /// An environment with the program hosted as `hosting` says (natively, or its SBF build).
    pub async fn hosted(hosting: &embedded::Hosting) -> Env {
        let ctx = embedded::start_hosted(hosting).await;
        Env {
            ctx,
            nonce: 0,
            wallets: vec![],
            token_accounts: vec![],
            mints: vec![],
            markets: vec![],
            stray: HashMap::new(),
            seen_channels: HashMap::new(),
            seen_buyers: HashMap::new(),
            invariant_checks: 0,
            history: vec![],
            max_log_bytes: 0,
        }
    }

    pub fn payer(&self) -> Pubkey {
        self.ctx.payer.pubkey()
    }

    // ----- transactions ----------------------------------------------------------------------

    /// Sends one transaction paid by the harness payer, then checks the invariants.
    ///
    /// A compute-unit-limit instruction with a per-transaction nonce keeps two otherwise
    /// identical transactions from sharing a signature.
    pub async fn send(&mut self, ixs: &[Instruction], signers: &[&Keypair]) -> Outcome {
        self.send_with_tables(ixs, signers, &[]).await
    }

    /// Like [`send`](Self::send), as a v0 transaction resolving accounts through `tables`
    /// (legacy when there are none).
    pub async fn send_with_tables(
        &mut self,
        ixs: &[Instruction],
        signers: &[&Keypair],
        tables: &[AddressLookupTableAccount],
    ) -> Outcome {
        self.send_full(None, ixs, signers, tables).await
    }

    /// Sends with `fee_payer` (the harness payer when `None`) paying the fee: the exact
    /// transaction a party that pays for itself would send.
    pub async fn send_full(
        &mut self,
        fee_payer: Option<&Keypair>,
        ixs: &[Instruction],
        signers: &[&Keypair],
        tables: &[AddressLookupTableAccount],
    ) -> Outcome {
        // Sign with the bank's latest blockhash, never a remembered one: program-test registers
        // a new blockhash every 400 ms of wall-clock time in the background, so a remembered
        // hash expires (BlockhashNotFound) after 150 of them, i.e. after a minute on a slow or
        // busy machine. If the bank moves on that far between fetching and processing, fetch
        // again, once.
        let mut res = None;
        for _ in 0..2 {
            let tx = self.transaction(fee_payer, ixs, signers, tables).await;
            let r = self
                .ctx
                .banks_client
                .process_transaction_with_metadata(tx)
                .await
                .expect("banks client");
            let expired = matches!(r.result, Err(TransactionError::BlockhashNotFound));
            res = Some(r);
            if !expired {
                break;
            }
        }
        let res = res.expect("one attempt ran");
        let units = res
            .metadata
            .as_ref()
            .map_or(0, |m| m.compute_units_consumed);
        let logs = res.metadata.map(|m| m.log_messages).unwrap_or_default();
        // The compute-budget instruction is index 0: report program errors by the caller's
        // instruction index.
        let result = res.result.map_err(unshift);
        self.max_log_bytes = self
            .max_log_bytes
            .max(bandwidth_client::events::log_bytes(&logs));
        if result.is_ok() {
            sbf::check_units(&logs);
            self.history.push(logs.clone());
        }
        self.check_invariants().await;
        Outcome {
            result,
            logs,
            units,
        }
    }

    /// What sending would do, without changing anything: the transaction is only simulated.
    pub async fn simulate(
        &mut self,
        ixs: &[Instruction],
        signers: &[&Keypair],
    ) -> Result<(), TransactionError> {
        let tx = self.transaction(None, ixs, signers, &[]).await;
        let res = self
            .ctx
            .banks_client
            .simulate_transaction(tx)
            .await
            .expect("banks client");
        res.result.expect("simulated").map_err(unshift)
    }

    /// The transaction `send_full` sends: a compute-unit-limit instruction with a
    /// per-transaction nonce first (so that two otherwise identical transactions never share a
    /// signature), signed with the latest blockhash by the fee payer and the signers the
    /// instructions ask for.
    async fn transaction(
        &mut self,
        fee_payer: Option<&Keypair>,
        ixs: &[Instruction],
        signers: &[&Keypair],
        tables: &[AddressLookupTableAccount],
    ) -> solana_transaction::versioned::VersionedTransaction {
        self.nonce += 1;
        let mut all = vec![
            solana_compute_budget_interface::ComputeBudgetInstruction::set_compute_unit_limit(
                1_400_000 - self.nonce,
            ),
        ];
        all.extend_from_slice(ixs);
        let payer = fee_payer.unwrap_or(&self.ctx.payer);
        // Keys the instructions ask for; extra signers offered by a test are left out.
        let required: Vec<Pubkey> = all
            .iter()
            .flat_map(|ix| ix.accounts.iter())
            .filter(|m| m.is_signer)
            .map(|m| m.pubkey)
            .collect();
        let mut keys: Vec<&(dyn Signer + Sync)> = vec![payer];
        for k in signers {
            if k.pubkey() != payer.pubkey()
                && required.contains(&k.pubkey())
                && !keys.iter().any(|x| x.pubkey() == k.pubkey())
            {
                keys.push(*k);
            }
        }
        let blockhash = self
            .ctx
            .banks_client
            .get_latest_blockhash()
            .await
            .expect("banks client");
        bandwidth_client::client::build_transaction(&payer.pubkey(), &all, &keys, blockhash, tables)
            .expect("transaction compiles")
    }

    /// Sends and panics, printing the program logs, unless the transaction succeeds.
    pub async fn must(&mut self, ixs: &[Instruction], signers: &[&Keypair]) -> Vec<String> {
        let out = self.send(ixs, signers).await;
        if let Err(e) = &out.result {
            panic!("transaction failed: {e:?}\n{}", out.logs.join("\n"));
        }
        out.logs
    }

    /// Sends, asserts it fails with exactly custom error `code`, and that no tracked account
    /// (wallets, token accounts, markets, vaults, buyers, providers, channels) changed.
    pub async fn must_fail_code(&mut self, ixs: &[Instruction], signers: &[&Keypair], code: u32) {
        let before = self.snapshot().await;
        let out = self.send(ixs, signers).await;
        match &out.result {
            Err(TransactionError::InstructionError(_, InstructionError::Custom(c)))
                if *c == code => {}
            other => panic!(
                "expected custom error {code}, got {other:?}\n{}",
                out.logs.join("\n")
            ),
        }
        let after = self.snapshot().await;
        assert_unchanged(&before, &after);
    }

    pub async fn must_fail(
        &mut self,
        ixs: &[Instruction],
        signers: &[&Keypair],
        e: SettlementError,
    ) {
        self.must_fail_code(ixs, signers, code(e)).await
    }

    /// Like `must_fail_code` for failures that are not custom program errors.
    pub async fn must_fail_with(
        &mut self,
        ixs: &[Instruction],
        signers: &[&Keypair],
        expected: TransactionError,
    ) {
        let before = self.snapshot().await;
        let out = self.send(ixs, signers).await;
        assert_eq!(out.result, Err(expected), "{}", out.logs.join("\n"));
        let after = self.snapshot().await;
        assert_unchanged(&before, &after);
    }

    /// `must` for a transaction paid by `fee_payer` (which signs), legacy or v0 with `tables`.
    pub async fn must_paid_by(
        &mut self,
        fee_payer: &Keypair,
        ixs: &[Instruction],
        tables: &[AddressLookupTableAccount],
    ) -> Vec<String> {
        let out = self.send_full(Some(fee_payer), ixs, &[], tables).await;
        if let Err(e) = &out.result {
            panic!("transaction failed: {e:?}\n{}", out.logs.join("\n"));
        }
        out.logs
    }

    /// Creates an address lookup table holding `addresses`, usable at once.
    pub async fn lookup_table(&mut self, addresses: &[Pubkey]) -> AddressLookupTableAccount {
        use solana_address_lookup_table_interface::instruction as alt;
        self.advance_slots(1).await;
        let slot = self.clock().await.slot - 1;
        let payer = self.payer();
        let (create, table) = alt::create_lookup_table(payer, payer, slot);
        self.must(&[create], &[]).await;
        for chunk in addresses.chunks(20) {
            let extend = alt::extend_lookup_table(table, payer, Some(payer), chunk.to_vec());
            self.must(&[extend], &[]).await;
        }
        // Addresses added in a slot are usable from the next one.
        self.advance_slots(1).await;
        let data = self.raw(table).await.expect("lookup table").data;
        let parsed =
            solana_address_lookup_table_interface::state::AddressLookupTable::deserialize(&data)
                .expect("lookup table");
        AddressLookupTableAccount {
            key: table,
            addresses: parsed.addresses.to_vec(),
        }
    }

    /// Moves to a later slot, keeping the cluster time.
    pub async fn advance_slots(&mut self, slots: u64) {
        let clock = self.clock().await;
        self.ctx.warp_to_slot(clock.slot + slots).expect("warp");
        let mut warped = self.clock().await;
        warped.unix_timestamp = warped.unix_timestamp.max(clock.unix_timestamp);
        self.ctx.set_sysvar(&warped);
        self.ctx.last_blockhash = self.ctx.banks_client.get_latest_blockhash().await.unwrap();
    }

    // ----- reading state ---------------------------------------------------------------------

    pub async fn raw(&self, address: Pubkey) -> Option<Account> {
        self.ctx
            .banks_client
            .get_account(address)
            .await
            .expect("banks client")
    }

    /// Deserializes a program account, or `None` if it does not exist.
    pub async fn get<T: AccountDeserialize>(&self, address: Pubkey) -> Option<T> {
        let account = self.raw(address).await?;
        Some(T::try_deserialize(&mut account.data.as_slice()).expect("account layout"))
    }

    pub async fn channel(&self, c: &ChannelFixture) -> Channel {
        self.get(c.keys.channel).await.expect("channel exists")
    }

    pub async fn buyer_account(&self, m: &MarketFixture, b: &BuyerFixture) -> Buyer {
        self.get(b.buyer(m)).await.expect("buyer exists")
    }

    pub async fn provider_market(&self, m: &MarketFixture, p: &ProviderFixture) -> ProviderMarket {
        self.get(p.provider_market(m))
            .await
            .expect("provider market exists")
    }

    pub async fn market(&self, m: &MarketFixture) -> Market {
        self.get(m.keys.market).await.expect("market exists")
    }

    pub async fn token_balance(&self, account: Pubkey) -> u64 {
        let data = self.raw(account).await.expect("token account").data;
        StateWithExtensions::<TokenAccountState>::unpack(&data)
            .expect("token account")
            .base
            .amount
    }

    pub async fn mint_supply(&self, mint: Pubkey) -> u64 {
        let data = self.raw(mint).await.expect("mint").data;
        StateWithExtensions::<MintState>::unpack(&data)
            .expect("mint")
            .base
            .supply
    }

    pub async fn rent(&self) -> solana_rent::Rent {
        self.ctx.banks_client.get_rent().await.expect("rent")
    }

    pub async fn lamports(&self, address: Pubkey) -> u64 {
        self.raw(address).await.map(|a| a.lamports).unwrap_or(0)
    }

    // ----- clock -----------------------------------------------------------------------------

    pub async fn now(&self) -> i64 {
        self.clock().await.unix_timestamp
    }

    async fn clock(&self) -> solana_clock::Clock {
        self.ctx
            .banks_client
            .get_sysvar::<solana_clock::Clock>()
            .await
            .expect("clock")
    }

    /// Sets the cluster time (the slot does not move).
    pub async fn set_time(&mut self, unix_timestamp: i64) {
        let mut clock = self.clock().await;
        clock.unix_timestamp = unix_timestamp;
        self.ctx.set_sysvar(&clock);
    }

    pub async fn advance_time(&mut self, secs: i64) {
        let now = self.now().await;
        self.set_time(now + secs).await;
    }

    // ----- wallets, mints, token accounts ----------------------------------------------------

    /// A new wallet funded with 10 SOL, tracked by snapshots and invariants.
    pub async fn wallet(&mut self) -> Keypair {
        let k = Keypair::new();
        self.wallets.push(k.pubkey());
        let ixs = [solana_system_interface::instruction::transfer(
            &self.payer(),
            &k.pubkey(),
            10_000_000_000,
        )];
        self.must(&ixs, &[]).await;
        k
    }

    /// Creates a mint owned by `token_program` with the given Token-2022 extensions; the
    /// harness payer is mint and freeze authority.
    pub async fn create_mint(
        &mut self,
        token_program: Pubkey,
        extensions: &[MintExtension],
    ) -> Pubkey {
        self.create_mint_at(&Keypair::new(), token_program, extensions, true)
            .await
    }

    /// Creates a mint at the address of `mint` (the harness payer is mint authority, and
    /// freeze authority when `freeze` is set): also re-creates a closed mint at its old
    /// address.
    pub async fn create_mint_at(
        &mut self,
        mint: &Keypair,
        token_program: Pubkey,
        extensions: &[MintExtension],
        freeze: bool,
    ) -> Pubkey {
        let payer = self.payer();
        self.create_mint_with_authority(mint, token_program, extensions, payer, freeze)
            .await
    }

    /// Creates a mint at the address of `mint` whose mint authority is `authority` (the
    /// harness payer holds every extension's authority, and the freeze authority when
    /// `freeze` is set).
    pub async fn create_mint_with_authority(
        &mut self,
        mint: &Keypair,
        token_program: Pubkey,
        extensions: &[MintExtension],
        authority: Pubkey,
        freeze: bool,
    ) -> Pubkey {
        let payer = self.payer();
        let types: Vec<ExtensionType> = extensions.iter().map(|e| e.extension_type()).collect();
        let space = if token_program == TOKEN {
            spl_token_interface::state::Mint::LEN
        } else {
            ExtensionType::try_calculate_account_len::<MintState>(&types).expect("mint size")
        };
        let rent = self.rent().await;
        let mut ixs = vec![solana_system_interface::instruction::create_account(
            &payer,
            &mint.pubkey(),
            rent.minimum_balance(space),
            space as u64,
            &token_program,
        )];
        for e in extensions {
            ixs.push(e.init_instruction(&mint.pubkey(), &payer));
        }
        ixs.push(
            spl_token_2022_interface::instruction::initialize_mint2(
                &token_program,
                &mint.pubkey(),
                &authority,
                freeze.then_some(&payer),
                DECIMALS,
            )
            .unwrap(),
        );
        self.must(&ixs, &[mint]).await;
        if !self.mints.contains(&mint.pubkey()) {
            self.mints.push(mint.pubkey());
        }
        mint.pubkey()
    }

    /// A reward mint for `m`: 6 decimals, the market's reward pool as mint authority, no
    /// freeze authority.
    pub async fn create_reward_mint(&mut self, m: &MarketFixture) -> Pubkey {
        let mint = Keypair::new();
        let rent = self
            .rent()
            .await
            .minimum_balance(spl_token_interface::state::Mint::LEN);
        let ixs = bandwidth_client::tokens::create_mint(
            &self.payer(),
            &mint.pubkey(),
            &pda::reward_pool(&m.keys.market),
            DECIMALS,
            &TOKEN,
            rent,
        );
        self.must(&ixs, &[&mint]).await;
        self.mints.push(mint.pubkey());
        mint.pubkey()
    }

    /// Creates a token account of `mint` owned by `owner`.
    pub async fn token_account(&mut self, mint: Pubkey, owner: Pubkey) -> Pubkey {
        let account = Keypair::new();
        let mint_account = self.raw(mint).await.expect("mint");
        let token_program = mint_account.owner;
        let space = if token_program == TOKEN {
            spl_token_interface::state::Account::LEN
        } else {
            let state = StateWithExtensions::<MintState>::unpack(&mint_account.data).unwrap();
            let required = ExtensionType::get_required_init_account_extensions(
                &state.get_extension_types().unwrap(),
            );
            ExtensionType::try_calculate_account_len::<TokenAccountState>(&required).unwrap()
        };
        let rent = self.rent().await;
        let ixs = [
            solana_system_interface::instruction::create_account(
                &self.payer(),
                &account.pubkey(),
                rent.minimum_balance(space),
                space as u64,
                &token_program,
            ),
            spl_token_2022_interface::instruction::initialize_account3(
                &token_program,
                &account.pubkey(),
                &mint,
                &owner,
            )
            .unwrap(),
        ];
        self.must(&ixs, &[&account]).await;
        self.token_accounts.push(account.pubkey());
        account.pubkey()
    }

    pub async fn mint_to(&mut self, mint: Pubkey, account: Pubkey, amount: u64) {
        let token_program = self.raw(mint).await.expect("mint").owner;
        let ix = spl_token_2022_interface::instruction::mint_to(
            &token_program,
            &mint,
            &account,
            &self.payer(),
            &[],
            amount,
        )
        .unwrap();
        self.must(&[ix], &[]).await;
    }

    /// Sends tokens straight into a market's vault, outside the program.
    pub async fn stray_transfer_to_vault(&mut self, m: &MarketFixture, amount: u64) {
        let source = self.token_account(m.keys.mint, self.payer()).await;
        self.mint_to(m.keys.mint, source, amount).await;
        *self.stray.entry(m.keys.market).or_default() += amount;
        let ix = spl_token_2022_interface::instruction::transfer_checked(
            &m.keys.token_program,
            &source,
            &m.keys.mint,
            &m.keys.vault,
            &self.payer(),
            &[],
            amount,
            DECIMALS,
        )
        .unwrap();
        self.must(&[ix], &[]).await;
    }

    // ----- fixtures --------------------------------------------------------------------------

    pub fn default_market_args() -> CreateMarketArgs {
        CreateMarketArgs {
            fee_bps: 250,
            burn_bps: 2_000,
            min_dispute_window_secs: 600,
            max_dispute_window_secs: 7 * 86_400,
            fee_change_delay_secs: 86_400,
        }
    }

    pub fn default_provider_args(payout: Pubkey) -> RegisterProviderArgs {
        RegisterProviderArgs {
            payout,
            min_dispute_window_secs: 3_600,
            bounty_bps: 500,
            endpoint: "https://node.example.net:4433".into(),
            region: "eu-west".into(),
        }
    }

    /// Creates a mint and a market for it with `args`.
    pub async fn create_market_with(
        &mut self,
        token_program: Pubkey,
        extensions: &[MintExtension],
        args: CreateMarketArgs,
    ) -> MarketFixture {
        let mint = self.create_mint(token_program, extensions).await;
        let admin = self.wallet().await;
        let treasury_owner = self.wallet().await;
        let treasury = self.token_account(mint, treasury_owner.pubkey()).await;
        let keys = MarketKeys::derive(mint, admin.pubkey(), token_program, treasury);
        self.markets.push(keys);
        let ix = ix::DEFAULT.create_market(admin.pubkey(), mint, token_program, treasury, args);
        self.must(&[ix], &[&admin]).await;
        MarketFixture {
            keys,
            admin,
            treasury_owner: treasury_owner.pubkey(),
        }
    }

    pub async fn create_market(&mut self, token_program: Pubkey) -> MarketFixture {
        self.create_market_with(token_program, &[], Self::default_market_args())
            .await
    }

    /// A buyer wallet holding `tokens` base units of the market's mint (not deposited).
    pub async fn buyer(&mut self, m: &MarketFixture, tokens: u64) -> BuyerFixture {
        let wallet = self.wallet().await;
        let token = self.token_account(m.keys.mint, wallet.pubkey()).await;
        if tokens > 0 {
            self.mint_to(m.keys.mint, token, tokens).await;
        }
        BuyerFixture { wallet, token }
    }

    /// A buyer with `deposited` base units already in its free balance (no escrow yet when
    /// `deposited` is 0).
    pub async fn funded_buyer(&mut self, m: &MarketFixture, deposited: u64) -> BuyerFixture {
        let b = self.buyer(m, deposited).await;
        if deposited > 0 {
            let ix = ix::DEFAULT.deposit(b.wallet.pubkey(), &m.keys, b.token, deposited);
            self.must(&[ix], &[&b.wallet]).await;
        }
        b
    }

    pub async fn provider_with(
        &mut self,
        m: &MarketFixture,
        args: impl FnOnce(Pubkey) -> RegisterProviderArgs,
        price_per_gib: u64,
    ) -> ProviderFixture {
        let authority = self.wallet().await;
        let payout = self.wallet().await;
        let payout_token = self.token_account(m.keys.mint, payout.pubkey()).await;
        let register = ix::DEFAULT.register_provider(authority.pubkey(), args(payout.pubkey()));
        let join = ix::DEFAULT.join_market(authority.pubkey(), m.keys.market, price_per_gib);
        self.must(&[register, join], &[&authority]).await;
        ProviderFixture {
            provider: pda::provider(&authority.pubkey()),
            authority,
            payout,
            payout_token,
        }
    }

    /// A provider with default terms (1 h minimum window, 5 % bounty, 1 token per GiB).
    pub async fn provider(&mut self, m: &MarketFixture) -> ProviderFixture {
        self.provider_with(m, Self::default_provider_args, UNIT)
            .await
    }

    /// Opens the buyer's next channel to `p` with a fresh session key.
    pub async fn open_channel(
        &mut self,
        m: &MarketFixture,
        b: &BuyerFixture,
        p: &ProviderFixture,
        amount: u64,
        window: u32,
    ) -> ChannelFixture {
        let signer = Keypair::new();
        let id = self
            .get::<Buyer>(b.buyer(m))
            .await
            .map(|a| a.next_channel_id)
            .unwrap_or(0);
        let (ix, channel) = ix::DEFAULT.open_channel(
            b.wallet.pubkey(),
            m.keys.market,
            p.provider,
            id,
            OpenChannelArgs {
                amount,
                dispute_window_secs: window,
                receipt_signer: signer.pubkey(),
            },
        );
        self.must(&[ix], &[&b.wallet]).await;
        let account: Channel = self.get(channel).await.expect("channel");
        ChannelFixture {
            keys: ChannelKeys::from_account(channel, &account),
            id,
            signer,
        }
    }

    // ----- invariants ------------------------------------------------------------------------

    /// Every address whose state a test may observe: wallets, token accounts, mints, markets,
    /// vaults, and every program account derivable from the tracked wallets.
    async fn tracked_addresses(&self) -> Vec<Pubkey> {
        let mut out: Vec<Pubkey> = vec![];
        out.extend(&self.wallets);
        out.extend(&self.token_accounts);
        out.extend(&self.mints);
        for m in &self.markets {
            out.push(m.market);
            out.push(m.vault);
            for w in &self.wallets {
                let buyer = pda::buyer(&m.market, w);
                out.push(buyer);
                if let Some(b) = self.get::<Buyer>(buyer).await {
                    // One past the last id: a channel that must not exist yet.
                    for id in 0..=b.next_channel_id {
                        out.push(pda::channel(&buyer, id));
                    }
                }
                out.push(pda::provider_market(&m.market, &pda::provider(w)));
            }
        }
        for w in &self.wallets {
            out.push(pda::provider(w));
        }
        out
    }

    pub async fn snapshot(&self) -> BTreeMap<Pubkey, Option<Account>> {
        let mut snap = BTreeMap::new();
        for a in self.tracked_addresses().await {
            snap.insert(a, self.raw(a).await);
        }
        snap
    }

    /// PROTOCOL invariant 1 (conservation, per market; provider stake, held in the vault
    /// too, counts as owed) and invariant 2 (settled <= deposit;
    /// settled, settled_bytes and next_channel_id never decrease).
    pub async fn check_invariants(&mut self) {
        self.invariant_checks += 1;
        for m in self.markets.clone() {
            let Some(vault) = self.raw(m.vault).await else {
                continue; // market not created yet (or creation failed)
            };
            let vault_amount = StateWithExtensions::<TokenAccountState>::unpack(&vault.data)
                .unwrap()
                .base
                .amount;
            let mut owed: u128 = u128::from(*self.stray.get(&m.market).unwrap_or(&0));
            for w in self.wallets.clone() {
                let buyer_key = pda::buyer(&m.market, &w);
                if let Some(b) = self.get::<Buyer>(buyer_key).await {
                    owed += u128::from(b.free);
                    let prev = self.seen_buyers.insert(buyer_key, b.next_channel_id);
                    assert!(
                        prev.unwrap_or(0) <= b.next_channel_id,
                        "invariant 2: next_channel_id decreased for {buyer_key}"
                    );
                    for id in 0..b.next_channel_id {
                        let key = pda::channel(&buyer_key, id);
                        if let Some(c) = self.get::<Channel>(key).await {
                            assert!(c.settled <= c.deposit, "invariant 2: settled > deposit");
                            owed += u128::from(c.deposit - c.settled);
                            let prev = self.seen_channels.insert(key, (c.settled, c.settled_bytes));
                            if let Some((s, sb)) = prev {
                                assert!(
                                    s <= c.settled && sb <= c.settled_bytes,
                                    "invariant 2: settled or settled_bytes decreased on {key}"
                                );
                            }
                        }
                    }
                }
                let pm_key = pda::provider_market(&m.market, &pda::provider(&w));
                if let Some(pm) = self.get::<ProviderMarket>(pm_key).await {
                    owed += u128::from(pm.earnings)
                        + u128::from(pm.fees_accrued)
                        + u128::from(pm.stake)
                        + u128::from(pm.unbonding);
                }
            }
            assert_eq!(
                u128::from(vault_amount),
                owed,
                "invariant 1 (conservation) broken for market {}",
                m.market
            );
        }
    }
}

/// Reports an instruction error by the caller's instruction index (the harness puts a
/// compute-budget instruction first).
fn unshift(e: TransactionError) -> TransactionError {
    match e {
        TransactionError::InstructionError(i, err) => {
            TransactionError::InstructionError(i.saturating_sub(1), err)
        }
        other => other,
    }
}

/// Panics with the first difference between two snapshots.
pub fn assert_unchanged(
    before: &BTreeMap<Pubkey, Option<Account>>,
    after: &BTreeMap<Pubkey, Option<Account>>,
) {
    for (k, v) in before {
        let a = after.get(k).unwrap_or(&None);
        assert_eq!(v, a, "account {k} changed by a failed transaction");
    }
    for (k, v) in after {
        if !before.contains_key(k) {
            assert!(
                v.is_none(),
                "account {k} appeared after a failed transaction"
            );
        }
    }
}

/// A standard scene: one market, one provider, one buyer with `deposit` in free balance.
pub struct Scene {
    pub env: Env,
    pub m: MarketFixture,
    pub p: ProviderFixture,
    pub b: BuyerFixture,
}

impl Scene {
    pub async fn new(token_program: Pubkey, deposit: u64) -> Scene {
        Scene::hosted(&hosting(), token_program, deposit).await
    }

    /// [`Scene::new`] with the program hosted as `hosting` says.
    pub async fn hosted(hosting: &embedded::Hosting, token_program: Pubkey, deposit: u64) -> Scene {
        let mut env = Env::hosted(hosting).await;
        let m = env.create_market(token_program).await;
        let p = env.provider(&m).await;
        let b = env.funded_buyer(&m, deposit).await;
        Scene { env, m, p, b }
    }

    /// Opens a channel of `amount` with a 1-hour dispute window.
    pub async fn open(&mut self, amount: u64) -> ChannelFixture {
        self.env
            .open_channel(&self.m, &self.b, &self.p, amount, HOUR as u32)
            .await
    }

    /// The provider settles `receipt` on `c`.
    pub fn settle_ix(&self, c: &ChannelFixture, receipt: ReceiptArgs) -> Instruction {
        ix::DEFAULT.settle(self.p.authority.pubkey(), &c.keys, receipt, None)
    }

    pub async fn settle(&mut self, c: &ChannelFixture, amount: u64, bytes: u64) {
        let ix = self.settle_ix(c, c.receipt(amount, bytes));
        self.env.must(&[ix], &[&self.p.authority]).await;
    }
}

/// Replaces every occurrence of account `from` in `ix` by `to`: the tool for account
/// substitution tests.
pub fn swap(mut ix: Instruction, from: Pubkey, to: Pubkey) -> Instruction {
    let mut found = false;
    for meta in &mut ix.accounts {
        if meta.pubkey == from {
            meta.pubkey = to;
            found = true;
        }
    }
    assert!(found, "account {from} not in instruction");
    ix
}
