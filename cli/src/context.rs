//! What every command runs with: the cluster (`-u/--url`, a URL or a moniker), the signer
//! (`-k/--keypair`, a Solana CLI signer URI), both defaulting to the Solana CLI's config file
//! when there is one, the output format and the data directory.
// solana-clap-v3-utils 3.x marks its API deprecated ahead of an "unstable API" feature gate in
// 4.x; 3.1.12 is what this workspace builds against.
#![allow(deprecated)]
use crate::output::{render, Format};
use anchor_lang::prelude::Pubkey;
use bandwidth_client::{
    client::PriorityFee,
    errors::ClientError,
    receipts::{sessions::SessionKeys, store::ReceiptStore},
    Client, RpcChain,
};
use clap::Args;
use serde::Serialize;
use solana_keypair::Keypair;
use std::{io::IsTerminal, path::PathBuf, sync::Arc};

/// Where `bwx` talks to a cluster when neither `--url` nor a Solana CLI config says otherwise.
pub const DEFAULT_URL: &str = "http://127.0.0.1:8899";

#[derive(Args, Clone, Debug)]
pub struct GlobalArgs {
    /// Cluster: a JSON-RPC URL or one of the monikers localhost, devnet, testnet, mainnet-beta
    /// (l, d, t, m) [default: json_rpc_url of the Solana CLI config, else localhost]
    #[arg(short = 'u', long = "url", global = true, env = "BWX_URL")]
    pub url: Option<String>,
    /// Signer: a keypair file, prompt:// (or ASK), stdin:// ... as the Solana CLI takes them
    /// [default: keypair_path of the Solana CLI config, else ~/.config/solana/id.json]
    #[arg(short = 'k', long = "keypair", global = true, env = "BWX_KEYPAIR")]
    pub keypair: Option<String>,
    /// Solana CLI configuration file [default: ~/.config/solana/cli/config.yml]
    #[arg(short = 'C', long = "config", global = true)]
    pub config: Option<PathBuf>,
    /// How reports are printed.
    #[arg(long, global = true, value_enum, default_value = "table")]
    pub output: Format,
    /// Where buyers' session keys and providers' receipt store live [default: ~/.config/bwx].
    #[arg(long, global = true, env = "BWX_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Priority fee: micro-lamports per compute unit, or auto (what recent transactions writing
    /// the same accounts paid).
    #[arg(long, global = true, default_value = "0")]
    pub priority_fee: PriorityFee,
    /// Accept a seed phrase at a prompt:// signer without validating it (as the Solana CLI).
    #[arg(long, global = true)]
    pub skip_seed_phrase_validation: bool,
    /// Print the transaction logs of a failed command.
    #[arg(long, short, global = true)]
    pub verbose: bool,
    /// The settlement program's id, for a deployment at another address (a devnet deployment,
    /// a fork) [default: the id bwx was built with].
    #[arg(long, global = true, env = "BWX_PROGRAM_ID")]
    pub program_id: Option<Pubkey>,
    /// `--url` came from the BWX_URL environment variable (set from clap's value source).
    #[arg(skip)]
    pub url_from_env: bool,
    /// The command runs without a cluster or signer (`bwx demo` without -u, `bwx bench`): a
    /// Solana CLI config it cannot read is ignored rather than an error.
    #[arg(skip)]
    pub config_optional: bool,
}

/// `bwx config`.
#[derive(Debug, Serialize)]
pub struct ConfigReport {
    pub url: String,
    pub url_from: &'static str,
    pub keypair: String,
    pub keypair_from: &'static str,
    /// The signer's public key, when it can be loaded.
    pub signer: Option<String>,
    pub signer_error: Option<String>,
    pub data_dir: String,
    pub program_id: String,
}

pub struct Ctx {
    pub url: String,
    /// `-u/--url` (or BWX_URL) was given: commands that default to the embedded chain
    /// (`bwx demo`) use the cluster instead.
    pub url_given: bool,
    /// Where the cluster came from: "--url", "BWX_URL", the config file or the default.
    pub url_source: &'static str,
    /// The signer URI and where it came from ("--keypair", the config file, the default path).
    pub keypair: String,
    pub keypair_source: &'static str,
    pub output: Format,
    pub data_dir: PathBuf,
    pub priority_fee: PriorityFee,
    pub verbose: bool,
    /// The settlement program every client of this command talks to.
    pub program_id: Pubkey,
    skip_seed_phrase_validation: bool,
}

fn home() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."))
}

impl Ctx {
    /// Resolves the global options against the Solana CLI config file, when it exists.
    pub fn new(args: &GlobalArgs) -> Result<Ctx, ClientError> {
        let path = args
            .config
            .clone()
            .or_else(|| solana_cli_config::CONFIG_FILE.as_ref().map(PathBuf::from));
        let config = match &path {
            Some(p) if p.exists() => match solana_cli_config::Config::load(&p.to_string_lossy()) {
                Ok(config) => Some(config),
                Err(_) if args.config_optional && args.config.is_none() => None,
                Err(e) => {
                    return Err(ClientError::Invalid(format!(
                        "cannot read the Solana CLI config {}: {e}. Fix it, or pass -u and -k",
                        p.display()
                    )))
                }
            },
            Some(p) if args.config.is_some() => {
                return Err(ClientError::Invalid(format!(
                    "config file {} does not exist",
                    p.display()
                )))
            }
            _ => None,
        };
        let (url, url_source) = match (&args.url, &config) {
            (Some(u), _) if args.url_from_env => (u.clone(), "BWX_URL"),
            (Some(u), _) => (u.clone(), "--url"),
            (None, Some(c)) => (c.json_rpc_url.clone(), "the Solana CLI config"),
            (None, None) => (DEFAULT_URL.to_string(), "the default"),
        };
        let (keypair, keypair_source) = match (&args.keypair, &config) {
            (Some(k), _) => (k.clone(), "--keypair"),
            (None, Some(c)) => (c.keypair_path.clone(), "the Solana CLI config"),
            (None, None) => (
                home()
                    .join(".config/solana/id.json")
                    .to_string_lossy()
                    .into_owned(),
                "the default path",
            ),
        };
        Ok(Ctx {
            url: solana_clap_v3_utils::input_validators::normalize_to_url_if_moniker(url),
            url_given: args.url.is_some(),
            url_source,
            keypair,
            keypair_source,
            output: args.output,
            data_dir: args
                .data_dir
                .clone()
                .unwrap_or_else(|| home().join(".config").join("bwx")),
            priority_fee: args.priority_fee,
            verbose: args.verbose,
            program_id: args.program_id.unwrap_or(bandwidth_client::PROGRAM_ID),
            skip_seed_phrase_validation: args.skip_seed_phrase_validation,
        })
    }

    /// The signer, loaded the way the Solana CLI loads it.
    pub fn signer(&self) -> Result<Keypair, ClientError> {
        if self.keypair.starts_with("usb://") {
            return Err(ClientError::Invalid(format!(
                "{}: this bwx is built without hardware-wallet support; use a keypair file or prompt://",
                self.keypair
            )));
        }
        // solana-clap-v3-utils reads its options from clap 3 matches.
        let skip = solana_clap_v3_utils::keypair::SKIP_SEED_PHRASE_VALIDATION_ARG;
        let mut argv = vec!["bwx"];
        if self.skip_seed_phrase_validation {
            argv.push("--skip-seed-phrase-validation");
        }
        let matches = clap3::Command::new("bwx")
            .arg(clap3::Arg::new(skip.name).long(skip.long))
            .get_matches_from(argv);
        solana_clap_v3_utils::keypair::keypair_from_path(&matches, &self.keypair, "keypair", false)
            .map_err(|e| {
                ClientError::Invalid(format!(
                    "cannot load the signer {} (from {}): {e}. Pass -k/--keypair, or set keypair_path in the Solana CLI config",
                    self.keypair, self.keypair_source
                ))
            })
    }

    pub fn chain(&self) -> RpcChain {
        let mut chain = RpcChain::new(&self.url);
        chain.spinner = self.output == Format::Table && std::io::stderr().is_terminal();
        chain
    }

    /// A client that signs: the command sends transactions.
    pub fn client(&self) -> Result<Client<RpcChain>, ClientError> {
        let mut client = Client::new(self.chain(), self.signer()?);
        client.priority_fee = self.priority_fee;
        client.program_id = self.program_id;
        Ok(client)
    }

    /// A client for a command that only reads: it has the signer when one can be loaded (some
    /// reads default to "mine"), and is read-only otherwise.
    /// A signer that asks someone (`prompt://`, `ASK`, `stdin://`) or a device (`usb://`):
    /// commands that only read never use one, so they never ask.
    pub fn signer_is_interactive(&self) -> bool {
        let k = self.keypair.as_str();
        k == "ASK"
            || ["prompt:", "stdin:", "usb:"]
                .iter()
                .any(|p| k.starts_with(p))
    }

    pub fn reader(&self) -> Client<RpcChain> {
        let signer = (!self.signer_is_interactive())
            .then(|| self.signer().ok())
            .flatten()
            .map(|k| Arc::new(k) as bandwidth_client::client::SharedSigner);
        let mut client = Client::with_signer(self.chain(), signer);
        client.program_id = self.program_id;
        client
    }

    pub fn sessions(&self) -> Result<SessionKeys, ClientError> {
        SessionKeys::open(self.data_dir.join("sessions"))
    }

    pub fn store(&self) -> Result<ReceiptStore, ClientError> {
        std::fs::create_dir_all(&self.data_dir)?;
        ReceiptStore::open(self.data_dir.join("receipts.sqlite"))
    }

    /// What `bwx config` shows.
    pub fn describe(&self) -> ConfigReport {
        let signer = if self.signer_is_interactive() {
            Err(ClientError::Invalid(format!(
                "{} asks for the key when a command signs",
                self.keypair
            )))
        } else {
            self.signer()
        };
        ConfigReport {
            url: self.url.clone(),
            url_from: self.url_source,
            keypair: self.keypair.clone(),
            keypair_from: self.keypair_source,
            signer: signer.as_ref().ok().map(|k| {
                use solana_signer::Signer;
                k.pubkey().to_string()
            }),
            signer_error: signer.err().map(|e| e.to_string()),
            data_dir: self.data_dir.display().to_string(),
            program_id: self.program_id.to_string(),
        }
    }

    /// Prints a report in the chosen format.
    pub fn print<T: Serialize>(&self, report: &T) {
        println!("{}", render(report, self.output).trim_end());
    }
}
