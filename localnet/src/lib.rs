//! A real Agave test validator in this process, hosting the settlement program: its JSON-RPC
//! and PubSub services, a faucet, SPL Token, Token-2022 and the ATA program in genesis. There is
//! no SBF toolchain where this is developed, so unless an SBF build of the program exists
//! (`target/deploy/bandwidth_settlement.so`, from `anchor build`), the program is hosted
//! natively: registered as a builtin of every bank from genesis on (through the vendored
//! `solana-builtins`, vendor/README.md), with the syscall stubs that carry out its CPIs.
//! Everything else is the real node: any Solana client can talk to it.
// The Agave 3.x crates mark their API deprecated ahead of an "unstable API" gate in 4.x.
#![allow(deprecated)]

use anchor_lang::prelude::Pubkey;
use solana_account::{Account, AccountSharedData};
use solana_builtins::prototype::BuiltinPrototype;
use solana_keypair::Keypair;
use solana_rpc::rpc::JsonRpcConfig;
use solana_signer::Signer;
use solana_streamer::socket::SocketAddrSpace;
use solana_test_validator::{TestValidator, TestValidatorGenesis, UpgradeableProgramInfo};
use std::{
    net::{IpAddr, Ipv4Addr, SocketAddr},
    path::PathBuf,
    time::{Duration, Instant},
};

/// Errors only, without three that a fresh local validator always logs: the nofile limit, the
/// tower it has not saved yet, the metrics it is not configured to send.
pub const LOG_FILTER: &str =
    "error,solana_core::resource_limits=off,solana_core::validator=off,solana_metrics=off";

/// The program's name as a builtin (the data of its native-loader account).
pub const PROGRAM_NAME: &str = "bandwidth_settlement";

#[derive(Clone, Debug)]
pub struct Config {
    /// Where the ledger lives; reused across restarts unless `reset`.
    pub ledger: PathBuf,
    pub reset: bool,
    /// JSON-RPC port; PubSub listens on the next one.
    pub rpc_port: u16,
    pub faucet_port: u16,
    /// Accounts funded in genesis with this many lamports.
    pub fund: Vec<(Pubkey, u64)>,
    /// An SBF build of the program to deploy instead of hosting it natively.
    pub program_so: Option<PathBuf>,
}

/// How the program runs in this validator.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Hosting {
    /// Compiled into this process and registered as a builtin (no SBF build, no compute-unit
    /// metering of the program itself).
    Native,
    /// The SBF build at this path, deployed with the upgradeable loader.
    Sbf(PathBuf),
}

pub struct Localnet {
    pub validator: TestValidator,
    /// Holds the genesis supply; funds the faucet.
    pub mint: Keypair,
    pub rpc_url: String,
    pub pubsub_url: String,
    pub faucet: SocketAddr,
    pub hosting: Hosting,
    pub started_in: Duration,
}

/// Registers the program as a builtin of every bank this process creates from now on. Once per
/// process, before the validator starts.
fn host_natively() {
    static PROGRAMS: [BuiltinPrototype; 1] = [BuiltinPrototype {
        core_bpf_migration_config: None,
        enable_feature_id: None,
        program_id: bandwidth_settlement::ID,
        name: PROGRAM_NAME,
        entrypoint: bandwidth_testkit::builtin_entrypoint,
    }];
    solana_builtins::set_extra_builtins(&PROGRAMS);
}

impl Localnet {
    /// Starts the validator and its faucet. Call from a multi-threaded tokio runtime.
    pub async fn start(config: Config) -> Result<Localnet, String> {
        let started = Instant::now();
        if config.reset && config.ledger.exists() {
            std::fs::remove_dir_all(&config.ledger)
                .map_err(|e| format!("cannot reset {}: {e}", config.ledger.display()))?;
        }
        let mut genesis = TestValidatorGenesis::default();
        let hosting = match config.program_so.filter(|p| p.exists()) {
            Some(path) => {
                genesis.add_upgradeable_programs_with_path(&[UpgradeableProgramInfo {
                    program_id: bandwidth_settlement::ID,
                    loader: solana_sdk_ids::bpf_loader_upgradeable::id(),
                    upgrade_authority: Pubkey::default(),
                    program_path: path.clone(),
                }]);
                Hosting::Sbf(path)
            }
            None => {
                bandwidth_testkit::install_syscall_stubs().await;
                // program-test sets the log filter as it starts; RUST_LOG still overrides.
                agave_logger::setup_with_default(LOG_FILTER);
                host_natively();
                // The program's account, as the runtime makes it for a builtin.
                let data = PROGRAM_NAME.as_bytes().to_vec();
                let lamports = solana_rent::Rent::default().minimum_balance(data.len());
                genesis.add_account(
                    bandwidth_settlement::ID,
                    AccountSharedData::from(Account {
                        lamports,
                        data,
                        owner: solana_sdk_ids::native_loader::id(),
                        executable: true,
                        rent_epoch: 0,
                    }),
                );
                Hosting::Native
            }
        };
        for (address, lamports) in &config.fund {
            genesis.add_account(
                *address,
                AccountSharedData::new(*lamports, 0, &solana_sdk_ids::system_program::id()),
            );
        }
        let localhost = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let faucet = SocketAddr::new(localhost, config.faucet_port);
        genesis
            .ledger_path(&config.ledger)
            .rpc_port(config.rpc_port)
            .bind_ip_addr(localhost)
            .faucet_addr(Some(faucet))
            .rpc_config(JsonRpcConfig {
                // getTransaction with the logs (and so the events) of landed transactions:
                // without extended metadata the validator drops logs and inner instructions.
                enable_rpc_transaction_history: true,
                enable_extended_tx_metadata_storage: true,
                faucet_addr: Some(faucet),
                ..JsonRpcConfig::default_for_test()
            });
        let (validator, mint) = genesis
            .start_async_with_socket_addr_space(SocketAddrSpace::new(true))
            .await;
        // Ready only once the confirmed bank is past genesis: programs in genesis (SPL Token,
        // …) are visible from slot 1, and clients simulate at `confirmed`. On a loaded machine
        // the validator can answer RPC while its confirmed bank is still slot 0.
        let rpc = validator.get_async_rpc_client();
        let confirmed = solana_commitment_config::CommitmentConfig::confirmed();
        let mut ready = false;
        for _ in 0..1_200 {
            if rpc.get_slot_with_commitment(confirmed).await.unwrap_or(0) >= 2 {
                ready = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        if !ready {
            return Err("the validator confirmed no slot past genesis within 60 s".into());
        }
        // The faucet (requestAirdrop), on loopback like everything else here.
        let (sender, receiver) = crossbeam_channel::unbounded();
        let faucet = std::sync::Arc::new(std::sync::Mutex::new(
            solana_faucet::faucet::Faucet::new(mint.insecure_clone(), None, None, None),
        ));
        tokio::spawn(solana_faucet::faucet::run_faucet(
            faucet,
            SocketAddr::new(localhost, config.faucet_port),
            Some(sender),
        ));
        let faucet = tokio::task::spawn_blocking(move || receiver.recv())
            .await
            .map_err(|e| format!("faucet: {e}"))?
            .map_err(|e| format!("faucet: {e}"))?
            .map_err(|e| format!("faucet: {e}"))?;
        Ok(Localnet {
            rpc_url: validator.rpc_url(),
            pubsub_url: validator.rpc_pubsub_url(),
            validator,
            mint,
            faucet,
            hosting,
            started_in: started.elapsed(),
        })
    }

    /// The genesis supply's key (a signer with plenty of SOL).
    pub fn mint_pubkey(&self) -> Pubkey {
        self.mint.pubkey()
    }
}

/// A port nothing listens on now (for tests, which must not take 8899 from a user's validator):
/// `n` consecutive ones starting there.
pub fn free_ports(n: u16) -> u16 {
    'search: for _ in 0..200 {
        let first = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap_or(0);
        if first == 0 || first.checked_add(n).is_none() {
            continue;
        }
        for p in first..first + n {
            if std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, p)).is_err()
                || std::net::UdpSocket::bind((Ipv4Addr::LOCALHOST, p)).is_err()
            {
                continue 'search;
            }
        }
        return first;
    }
    panic!("no free ports on 127.0.0.1");
}
