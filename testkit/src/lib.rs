//! The embedded in-process chain, for tests, the demo and the benches: a solana-program-test
//! bank with the settlement program (hosted natively, or its SBF build through the BPF loader)
//! and the real SPL Token, Token-2022 and Associated Token Account programs, behind the SDK's
//! [`Chain`] trait. Nothing a deployed client needs depends on this crate: it brings the Agave
//! runtime (docs/architecture.md).
// solana-program-test 3.x marks its whole API deprecated ahead of moving it behind an
// "unstable API" feature in 4.x; 3.1.12 is the version pinned on purpose (see README).
#![allow(deprecated)]

use anchor_lang::{
    prelude::{AccountInfo, Pubkey},
    solana_program::entrypoint::ProgramResult,
};
use async_trait::async_trait;
use bandwidth_client::{
    chain::{Chain, Sent},
    ClientError,
};
use solana_account::Account;
use solana_clock::Clock;
use solana_hash::Hash;
use solana_keypair::Keypair;
use solana_program_runtime::stable_log;
use solana_program_test::{
    get_runtime_environment_key, invoke_builtin_function, EbpfError, EbpfVm, InvokeContext,
    ProgramTest, ProgramTestContext,
};
use solana_sysvar::program_stubs::{set_syscall_stubs, SyscallStubs};
use solana_transaction::versioned::VersionedTransaction;
use std::collections::BTreeSet;
use std::{
    cell::Cell,
    sync::{Once, OnceLock},
};
use tokio::sync::Mutex;

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

thread_local! {
    /// The invoke context of the instruction this program is executing, if any.
    static INVOKE_CONTEXT: Cell<usize> = const { Cell::new(0) };
}

/// The program's native entry point in the form the runtime calls builtins: program-test's
/// `processor!`, plus remembering the invoke context while the program runs, so that its events
/// can be written to the transaction log (see `EventLogStubs`). The embedded chain and the
/// in-process validator of `bwx localnet` both host the program through it.
pub fn builtin_entrypoint<'a>(
    vm: *mut EbpfVm<'a, InvokeContext<'static, 'static>>,
    _arg0: u64,
    _arg1: u64,
    _arg2: u64,
    _arg3: u64,
    _arg4: u64,
) {
    // SAFETY: the same pointer arithmetic as program-test's `processor!` macro.
    let vm = unsafe {
        &mut *((vm as *mut u64).offset(-(get_runtime_environment_key() as isize))
            as *mut EbpfVm<InvokeContext>)
    };
    let context = &mut *vm.context_object_pointer as *mut InvokeContext as usize;
    let previous = INVOKE_CONTEXT.replace(context);
    vm.program_result = invoke_builtin_function(process_instruction, vm.context_object_pointer)
        .map_err(EbpfError::SyscallError)
        .into();
    INVOKE_CONTEXT.set(previous);
}

/// Set to the path of an SBF build of the program (`sbf/build.sh program`) to run it on the VM,
/// through the BPF loader, instead of natively.
pub const PROGRAM_SO_ENV: &str = "BWX_PROGRAM_SO";

/// How the embedded chain runs the program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Hosting {
    /// Compiled into this process, called as a builtin: fast, 1 CU per call.
    Native,
    /// An SBF build (`sbf/build.sh program`) on the VM, through the BPF loader.
    Sbf(std::path::PathBuf),
}

impl Hosting {
    /// [`Hosting::Sbf`] with the build named by [`PROGRAM_SO_ENV`] if it is set, else native.
    pub fn from_env() -> Hosting {
        std::env::var_os(PROGRAM_SO_ENV).map_or(Hosting::Native, |p| Hosting::Sbf(p.into()))
    }
}

/// A `ProgramTest` with the settlement program hosted as [`Hosting::from_env`] says.
pub fn program_test() -> ProgramTest {
    program_test_hosted(&Hosting::from_env())
}

/// A `ProgramTest` with the settlement program hosted as `hosting` says.
pub fn program_test_hosted(hosting: &Hosting) -> ProgramTest {
    let mut pt = ProgramTest::default();
    // ProgramTest turns on debug logging of every instruction; leave RUST_LOG in charge.
    agave_logger::setup_with_default("error");
    match hosting {
        Hosting::Sbf(path) => {
            let elf = std::fs::read(path)
                .unwrap_or_else(|e| panic!("the program's SBF build {}: {e}", path.display()));
            pt.add_account(
                bandwidth_settlement::ID,
                Account {
                    lamports: solana_rent::Rent::default().minimum_balance(elf.len()),
                    data: elf,
                    owner: solana_sdk_ids::bpf_loader::id(),
                    executable: true,
                    rent_epoch: 0,
                },
            );
        }
        Hosting::Native => {
            pt.prefer_bpf(false);
            pt.add_program(
                "bandwidth_settlement",
                bandwidth_settlement::ID,
                Some(builtin_entrypoint),
            );
        }
    }
    pt
}

/// Starts the embedded chain and returns program-test's context (for tests that drive the
/// bank directly). Most callers want [`EmbeddedChain::start`].
pub async fn start() -> ProgramTestContext {
    start_hosted(&Hosting::from_env()).await
}

/// [`start`], with the program hosted as `hosting` says.
pub async fn start_hosted(hosting: &Hosting) -> ProgramTestContext {
    let context = program_test_hosted(hosting).start_with_context().await;
    wrap_stubs();
    context
}

/// Installs the syscall stubs a natively hosted program needs (program-test's, which carry out
/// its CPIs, wrapped to write its events to the log), for a process that hosts the program
/// somewhere else than the embedded chain: the in-process validator of `bwx localnet`.
/// program-test installs its stubs when it first starts a bank, so one is started and dropped.
pub async fn install_syscall_stubs() {
    drop(program_test().start_with_context().await);
    wrap_stubs();
}

/// program-test installs its syscall stubs once per process, on its first start.
fn wrap_stubs() {
    static STUBS: Once = Once::new();
    STUBS.call_once(|| {
        let program_test_stubs = set_syscall_stubs(Box::new(EventLogStubs));
        let _ = INNER_STUBS.set(program_test_stubs);
    });
}

static INNER_STUBS: OnceLock<Box<dyn SyscallStubs>> = OnceLock::new();

/// program-test's syscall stubs, plus `sol_log_data`, which they lack: without it the events
/// a natively run program emits would never reach the transaction log.
struct EventLogStubs;

impl EventLogStubs {
    fn inner(&self) -> &dyn SyscallStubs {
        // Another thread may call in between installing these stubs and recording the ones
        // they wrap: wait for the few instructions that takes.
        loop {
            if let Some(inner) = INNER_STUBS.get() {
                return inner.as_ref();
            }
            std::hint::spin_loop();
        }
    }
}

impl SyscallStubs for EventLogStubs {
    fn sol_log_data(&self, fields: &[&[u8]]) {
        let context = INVOKE_CONTEXT.get();
        if context == 0 {
            return self.inner().sol_log_data(fields);
        }
        // SAFETY: set only while the program executes inside this invoke context.
        let context = unsafe { &*(context as *const InvokeContext) };
        stable_log::program_data(&context.get_log_collector(), fields);
    }

    fn sol_log(&self, message: &str) {
        self.inner().sol_log(message)
    }
    fn sol_log_compute_units(&self) {
        self.inner().sol_log_compute_units()
    }
    fn sol_remaining_compute_units(&self) -> u64 {
        self.inner().sol_remaining_compute_units()
    }
    fn sol_invoke_signed(
        &self,
        instruction: &solana_instruction::Instruction,
        account_infos: &[AccountInfo],
        signers_seeds: &[&[&[u8]]],
    ) -> ProgramResult {
        self.inner()
            .sol_invoke_signed(instruction, account_infos, signers_seeds)
    }
    fn sol_get_sysvar(
        &self,
        sysvar_id_addr: *const u8,
        var_addr: *mut u8,
        offset: u64,
        length: u64,
    ) -> u64 {
        self.inner()
            .sol_get_sysvar(sysvar_id_addr, var_addr, offset, length)
    }
    fn sol_get_clock_sysvar(&self, var_addr: *mut u8) -> u64 {
        self.inner().sol_get_clock_sysvar(var_addr)
    }
    fn sol_get_epoch_schedule_sysvar(&self, var_addr: *mut u8) -> u64 {
        self.inner().sol_get_epoch_schedule_sysvar(var_addr)
    }
    fn sol_get_fees_sysvar(&self, var_addr: *mut u8) -> u64 {
        self.inner().sol_get_fees_sysvar(var_addr)
    }
    fn sol_get_rent_sysvar(&self, var_addr: *mut u8) -> u64 {
        self.inner().sol_get_rent_sysvar(var_addr)
    }
    fn sol_get_epoch_rewards_sysvar(&self, var_addr: *mut u8) -> u64 {
        self.inner().sol_get_epoch_rewards_sysvar(var_addr)
    }
    fn sol_get_last_restart_slot(&self, var_addr: *mut u8) -> u64 {
        self.inner().sol_get_last_restart_slot(var_addr)
    }
    fn sol_get_epoch_stake(&self, vote_address: *const u8) -> u64 {
        self.inner().sol_get_epoch_stake(vote_address)
    }
    unsafe fn sol_memcpy(&self, dst: *mut u8, src: *const u8, n: usize) {
        unsafe { self.inner().sol_memcpy(dst, src, n) }
    }
    unsafe fn sol_memmove(&self, dst: *mut u8, src: *const u8, n: usize) {
        unsafe { self.inner().sol_memmove(dst, src, n) }
    }
    unsafe fn sol_memcmp(&self, s1: *const u8, s2: *const u8, n: usize, result: *mut i32) {
        unsafe { self.inner().sol_memcmp(s1, s2, n, result) }
    }
    unsafe fn sol_memset(&self, s: *mut u8, c: u8, n: usize) {
        unsafe { self.inner().sol_memset(s, c, n) }
    }
    fn sol_get_return_data(&self) -> Option<(Pubkey, Vec<u8>)> {
        self.inner().sol_get_return_data()
    }
    fn sol_set_return_data(&self, data: &[u8]) {
        self.inner().sol_set_return_data(data)
    }
    fn sol_get_processed_sibling_instruction(
        &self,
        index: usize,
    ) -> Option<solana_instruction::Instruction> {
        self.inner().sol_get_processed_sibling_instruction(index)
    }
    fn sol_get_stack_height(&self) -> u64 {
        self.inner().sol_get_stack_height()
    }
}

/// The embedded chain behind the [`Chain`] trait: everything in this process, nothing to
/// install, time under the caller's control.
pub struct EmbeddedChain {
    context: Mutex<ProgramTestContext>,
    /// Every account written by a successful transaction: stands in for the
    /// `getProgramAccounts` index a validator keeps.
    touched: Mutex<BTreeSet<Pubkey>>,
    faucet: Keypair,
}

impl EmbeddedChain {
    /// Starts with the program hosted as [`Hosting::from_env`] says.
    pub async fn start() -> EmbeddedChain {
        EmbeddedChain::start_hosted(&Hosting::from_env()).await
    }

    pub async fn start_hosted(hosting: &Hosting) -> EmbeddedChain {
        let context = start_hosted(hosting).await;
        let faucet = context.payer.insecure_clone();
        EmbeddedChain {
            context: Mutex::new(context),
            touched: Mutex::new(BTreeSet::new()),
            faucet,
        }
    }

    /// The genesis account: funded with plenty of SOL, a source for airdrops.
    pub fn faucet(&self) -> &Keypair {
        &self.faucet
    }

    /// Moves the cluster clock to `unix_timestamp` (the slot does not move).
    pub async fn set_time(&self, unix_timestamp: i64) -> Result<(), ClientError> {
        let mut clock = self.clock().await?;
        clock.unix_timestamp = unix_timestamp;
        self.context.lock().await.set_sysvar(&clock);
        Ok(())
    }

    /// Moves to a later slot (new blockhash; lookup-table extensions become usable). The
    /// cluster time is kept where it was: only `set_time` moves it.
    pub async fn advance_slots(&self, slots: u64) -> Result<(), ClientError> {
        let clock = self.clock().await?;
        let mut context = self.context.lock().await;
        context
            .warp_to_slot(clock.slot + slots.max(1))
            .map_err(|e| ClientError::Chain(format!("{e:?}")))?;
        let mut warped = context
            .banks_client
            .get_sysvar::<Clock>()
            .await
            .map_err(|e| ClientError::Chain(e.to_string()))?;
        warped.unix_timestamp = warped.unix_timestamp.max(clock.unix_timestamp);
        context.set_sysvar(&warped);
        Ok(())
    }

    pub async fn advance_time(&self, secs: i64) -> Result<(), ClientError> {
        let now = self.clock().await?.unix_timestamp;
        self.set_time(now + secs).await
    }
}

#[async_trait]
impl Chain for EmbeddedChain {
    async fn account(&self, address: &Pubkey) -> Result<Option<Account>, ClientError> {
        let client = self.context.lock().await.banks_client.clone();
        client
            .get_account(*address)
            .await
            .map_err(|e| ClientError::Chain(e.to_string()))
    }

    async fn blockhash(&self, fresh: bool) -> Result<Hash, ClientError> {
        if fresh {
            // A new slot has a new blockhash; the cluster time stays where it is.
            self.advance_slots(1).await?;
        }
        let client = self.context.lock().await.banks_client.clone();
        client
            .get_latest_blockhash()
            .await
            .map_err(|e| ClientError::Chain(e.to_string()))
    }

    async fn send(&self, tx: VersionedTransaction) -> Result<Sent, ClientError> {
        let keys = tx.message.static_account_keys().to_vec();
        let signature = tx.signatures[0];
        let client = self.context.lock().await.banks_client.clone();
        let result = client
            .process_transaction_with_metadata(tx)
            .await
            .map_err(|e| ClientError::Chain(e.to_string()))?;
        let logs = result.metadata.map(|m| m.log_messages).unwrap_or_default();
        match result.result {
            Ok(()) => {
                self.touched.lock().await.extend(keys);
                Ok(Sent { signature, logs })
            }
            Err(err) => Err(ClientError::from_transaction_error(err, logs)),
        }
    }

    async fn clock(&self) -> Result<Clock, ClientError> {
        let client = self.context.lock().await.banks_client.clone();
        client
            .get_sysvar::<Clock>()
            .await
            .map_err(|e| ClientError::Chain(e.to_string()))
    }

    async fn minimum_balance(&self, data_len: usize) -> Result<u64, ClientError> {
        let client = self.context.lock().await.banks_client.clone();
        let rent = client
            .get_rent()
            .await
            .map_err(|e| ClientError::Chain(e.to_string()))?;
        Ok(rent.minimum_balance(data_len))
    }

    async fn program_accounts(
        &self,
        discriminator: &[u8],
        offset: usize,
        key: &Pubkey,
    ) -> Result<Vec<(Pubkey, Account)>, ClientError> {
        let candidates: Vec<Pubkey> = self.touched.lock().await.iter().copied().collect();
        let mut found = vec![];
        for address in candidates {
            let Some(account) = self.account(&address).await? else {
                continue;
            };
            let data = &account.data;
            if account.owner == bandwidth_settlement::ID
                && data.starts_with(discriminator)
                && data.get(offset..offset + 32) == Some(key.as_ref())
            {
                found.push((address, account));
            }
        }
        Ok(found)
    }
}
