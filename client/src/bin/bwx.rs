//! `bwx`: argument parsing only; every command lives in `bandwidth_client::commands`.
use anchor_lang::prelude::Pubkey;
use bandwidth_client::{
    commands::{
        self, buyer, channel, demo, earnings, fees, market,
        output::{render, Format},
        parse_pubkey, provider, receipt, settle,
    },
    errors::ClientError,
    lookup,
    receipts::{
        sessions::{read_keypair, SessionKeys},
        store::ReceiptStore,
    },
    watcher::{Round, WatchPolicy, Watcher},
    Client, RpcChain,
};
use bandwidth_settlement::instructions::{
    CreateMarketArgs, RegisterProviderArgs, UpdateMarketArgs, UpdateProviderArgs,
};
use clap::{Parser, Subcommand};
use solana_signer::Signer;
use std::{io::IsTerminal, path::PathBuf, process::ExitCode};

#[derive(Parser)]
#[command(
    name = "bwx",
    version,
    about = "Buyers and providers of the bandwidth settlement program"
)]
struct Cli {
    /// JSON-RPC URL of the cluster.
    #[arg(
        long,
        global = true,
        env = "BWX_URL",
        default_value = "http://127.0.0.1:8899"
    )]
    url: String,
    /// Solana CLI keypair file of the fee payer and signer [default: ~/.config/solana/id.json].
    #[arg(long, global = true, env = "BWX_KEYPAIR")]
    keypair: Option<PathBuf>,
    /// How reports are printed.
    #[arg(long, global = true, value_enum, default_value = "table")]
    output: Format,
    /// Where buyers' session keys and providers' receipt store live [default: ~/.config/bwx].
    #[arg(long, global = true, env = "BWX_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Priority fee, in micro-lamports per compute unit.
    #[arg(long, global = true, default_value_t = 0)]
    priority_fee: u64,
    /// Print the transaction logs of a failed command.
    #[arg(long, short, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create, inspect or administer a market.
    #[command(subcommand)]
    Market(MarketCmd),
    /// Register, update or inspect a provider.
    #[command(subcommand)]
    Provider(ProviderCmd),
    /// A buyer's escrow: deposit, withdraw, show.
    #[command(subcommand)]
    Buyer(BuyerCmd),
    /// Payment channels.
    #[command(subcommand)]
    Channel(ChannelCmd),
    /// Sign (buyer) or verify and store (provider) receipts.
    #[command(subcommand)]
    Receipt(ReceiptCmd),
    /// Provider: settle the best stored receipt of each channel (or of one), many channels per
    /// transaction.
    Settle {
        #[arg(long)]
        channel: Option<String>,
        /// Lookup table for v0 transactions (see `lookup-table create`).
        #[arg(long)]
        lookup_table: Option<String>,
    },
    /// Provider: an address lookup table of its accounts and channels, for v0 settlements.
    #[command(subcommand)]
    LookupTable(LookupCmd),
    /// Keep every channel in the receipt store settled: closing ones before their deadline,
    /// open ones by policy. Any key may watch; a third party earns the bounty on closing
    /// channels (--bounty-to).
    Watch {
        /// Seconds between polls.
        #[arg(long, default_value_t = 10)]
        interval: u64,
        /// Report closing channels this close (seconds) to their deadline as late.
        #[arg(long, default_value_t = 120)]
        margin: i64,
        /// Settle an open channel once this much (in the mint's units) is unsettled.
        #[arg(long, default_value = "1")]
        min_unsettled: String,
        /// ...or once an unsettled amount has waited this long (seconds).
        #[arg(long, default_value_t = 3_600)]
        max_age: i64,
        #[arg(long)]
        lookup_table: Option<String>,
        /// Token account of the mint the bounty is paid to (third-party watchers).
        #[arg(long)]
        bounty_to: Option<String>,
        /// The market whose decimals --min-unsettled is read in.
        #[arg(long)]
        market: String,
        /// Poll once and exit.
        #[arg(long)]
        once: bool,
    },
    /// Channels per settlement transaction (legacy, v0 + lookup table), and the cost of a
    /// channel over its life, against the closest peer: measured on the embedded chain.
    Bench,
    /// Provider earnings.
    #[command(subcommand)]
    Earnings(EarningsCmd),
    /// Protocol fees.
    #[command(subcommand)]
    Fees(FeesCmd),
    /// Provider rewards: a reward mint, terms, claims.
    #[command(subcommand)]
    Rewards(RewardsCmd),
    /// The whole market on the embedded in-process chain: no validator needed.
    Demo {
        #[arg(long, default_value_t = 20)]
        buyers: usize,
        #[arg(long, default_value_t = 3)]
        providers: usize,
        #[arg(long, default_value_t = 10)]
        rounds: usize,
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum MarketCmd {
    /// Create a market for a mint; the payer becomes its admin.
    Create {
        #[arg(long)]
        mint: String,
        /// Token account receiving the treasury share of fees [default: the admin's].
        #[arg(long)]
        treasury: Option<String>,
        #[arg(long, default_value_t = 250)]
        fee_bps: u16,
        #[arg(long, default_value_t = 2_000)]
        burn_bps: u16,
        #[arg(long, default_value_t = 600)]
        min_window: u32,
        #[arg(long, default_value_t = 604_800)]
        max_window: u32,
        #[arg(long, default_value_t = 86_400)]
        fee_change_delay: u32,
    },
    Show {
        #[arg(long)]
        market: String,
    },
    /// Admin: pause, announce a fee, change burn share, bounds or treasury.
    Update {
        #[arg(long)]
        market: String,
        #[arg(long)]
        pause: Option<bool>,
        #[arg(long)]
        fee_bps: Option<u16>,
        #[arg(long)]
        burn_bps: Option<u16>,
        #[arg(long)]
        min_window: Option<u32>,
        #[arg(long)]
        max_window: Option<u32>,
        /// Stake unbonding delay (seconds) for unstake requests made from now on.
        #[arg(long)]
        unbonding: Option<u32>,
        #[arg(long)]
        treasury: Option<String>,
    },
}

#[derive(Subcommand)]
enum ProviderCmd {
    /// Register the payer as a provider and join a market at a price per GiB.
    Register {
        #[arg(long)]
        market: String,
        /// Price per GiB, in the mint's units (e.g. 0.8).
        #[arg(long)]
        price: String,
        /// Wallet earnings are paid to [default: the payer].
        #[arg(long)]
        payout: Option<String>,
        #[arg(long, default_value_t = 3_600)]
        min_window: u32,
        #[arg(long, default_value_t = 500)]
        bounty_bps: u16,
        #[arg(long, default_value = "")]
        endpoint: String,
        #[arg(long, default_value = "")]
        region: String,
    },
    Update {
        #[arg(long)]
        payout: Option<String>,
        #[arg(long)]
        min_window: Option<u32>,
        #[arg(long)]
        bounty_bps: Option<u16>,
        #[arg(long)]
        endpoint: Option<String>,
        #[arg(long)]
        region: Option<String>,
        #[arg(long)]
        active: Option<bool>,
        /// With --price: the market whose price changes.
        #[arg(long, requires = "price")]
        market: Option<String>,
        #[arg(long, requires = "market")]
        price: Option<String>,
    },
    Show {
        /// The provider's authority [default: the payer].
        #[arg(long)]
        authority: Option<String>,
        #[arg(long)]
        market: Vec<String>,
    },
    /// Bond payment tokens as stake (an input to the score; never slashed).
    Stake {
        #[arg(long)]
        market: String,
        #[arg(long)]
        amount: String,
    },
    /// Start unbonding stake.
    Unstake {
        #[arg(long)]
        market: String,
        #[arg(long)]
        amount: String,
    },
    /// Withdraw unbonded stake after the market's unbonding delay.
    WithdrawStake {
        #[arg(long)]
        market: String,
    },
    /// The providers of a market, best score first.
    Rank {
        #[arg(long)]
        market: String,
    },
}

#[derive(Subcommand)]
enum BuyerCmd {
    Deposit {
        #[arg(long)]
        market: String,
        #[arg(long)]
        amount: String,
        /// Token account to pay from [default: the payer's associated account].
        #[arg(long)]
        from: Option<String>,
    },
    Withdraw {
        #[arg(long)]
        market: String,
        /// [default: the whole free balance]
        #[arg(long)]
        amount: Option<String>,
        #[arg(long)]
        to: Option<String>,
    },
    Show {
        #[arg(long)]
        market: String,
        #[arg(long)]
        owner: Option<String>,
    },
}

#[derive(Subcommand)]
enum ChannelCmd {
    /// Open a channel to a provider with a fresh session key.
    Open {
        #[arg(long)]
        market: String,
        /// The provider's authority (or Provider account).
        #[arg(long)]
        provider: String,
        #[arg(long)]
        amount: String,
        /// Dispute window in seconds [default: the shortest both sides accept].
        #[arg(long)]
        window: Option<u32>,
    },
    TopUp {
        #[arg(long)]
        channel: String,
        #[arg(long)]
        amount: String,
    },
    /// Buyer: start the dispute window. Provider: settle the best receipt and close.
    Close {
        #[arg(long)]
        channel: String,
    },
    /// Anyone, after the deadline: refund the rest to the buyer and close.
    Finalize {
        #[arg(long)]
        channel: String,
    },
    Show {
        #[arg(long)]
        channel: String,
    },
    /// Buyer: rate the channel's provider, 1 to 5 (counted at close, weighted by what you paid).
    Rate {
        #[arg(long)]
        channel: String,
        #[arg(long)]
        rating: u8,
    },
    /// A buyer's channels in a market (with --market), or the channels in the provider's store.
    List {
        #[arg(long)]
        market: Option<String>,
        #[arg(long)]
        owner: Option<String>,
    },
}

#[derive(Subcommand)]
enum ReceiptCmd {
    /// Buyer: sign a cumulative receipt with the channel's session key.
    Sign {
        #[arg(long)]
        channel: String,
        #[arg(long)]
        amount: String,
        #[arg(long)]
        bytes: u64,
    },
    /// Check a receipt against its channel; --store keeps it in the provider's store.
    Verify {
        receipt: String,
        #[arg(long)]
        store: bool,
    },
}

#[derive(Subcommand)]
enum LookupCmd {
    /// Create a table with the payer's provider accounts and its open channels in a market.
    Create {
        #[arg(long)]
        market: String,
    },
    /// Add the channels opened since.
    Extend {
        #[arg(long)]
        market: String,
        #[arg(long)]
        table: String,
    },
}

#[derive(Subcommand)]
enum EarningsCmd {
    Withdraw {
        #[arg(long)]
        market: String,
        #[arg(long)]
        amount: Option<String>,
        #[arg(long)]
        to: Option<String>,
    },
}

#[derive(Subcommand)]
enum RewardsCmd {
    /// Admin: create a reward mint whose only authority is the market's reward pool.
    CreateMint {
        #[arg(long)]
        market: String,
        #[arg(long, default_value_t = 6)]
        decimals: u8,
    },
    /// Admin: create the reward pool or change its terms.
    Configure {
        #[arg(long)]
        market: String,
        #[arg(long)]
        mint: String,
        /// Reward tokens per GiB of paid bytes.
        #[arg(long)]
        reward_per_gib: String,
        /// Bytes count only up to amount paid / this price (payment tokens per GiB).
        #[arg(long)]
        min_price: String,
        #[arg(long, default_value_t = 86_400)]
        epoch_secs: u32,
        /// Most reward tokens allotted per epoch, to all providers together.
        #[arg(long)]
        epoch_cap: String,
        #[arg(long, default_value_t = 30 * 86_400)]
        vesting_secs: u32,
        /// Stop accrual.
        #[arg(long)]
        inactive: bool,
    },
    /// Terms, this epoch's allotment, and the wash-trading break-even.
    Show {
        #[arg(long)]
        market: String,
    },
    /// Provider: claim vested rewards.
    Claim {
        #[arg(long)]
        market: String,
    },
}

#[derive(Subcommand)]
enum FeesCmd {
    Sweep {
        #[arg(long)]
        market: String,
    },
}

fn home() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn key(text: &str, what: &str) -> Result<Pubkey, ClientError> {
    parse_pubkey(text, what)
}

fn opt_key(text: &Option<String>, what: &str) -> Result<Option<Pubkey>, ClientError> {
    text.as_deref().map(|t| key(t, what)).transpose()
}

macro_rules! print_report {
    ($cli:expr, $report:expr) => {{
        println!("{}", render(&$report, $cli.output).trim_end());
    }};
}

async fn run(cli: &Cli) -> Result<bool, ClientError> {
    let data_dir = cli
        .data_dir
        .clone()
        .unwrap_or_else(|| home().join(".config").join("bwx"));
    if let Command::Bench = &cli.command {
        let dir = tempfile::tempdir()?;
        eprintln!("bwx bench: embedded chain, one provider, 26 buyers");
        print_report!(cli, commands::bench::run(dir.path()).await?);
        return Ok(true);
    }
    if let Command::Demo {
        buyers,
        providers,
        rounds,
        seed,
    } = &cli.command
    {
        let config = demo::DemoConfig {
            buyers: *buyers,
            providers: (*providers).max(1),
            rounds: (*rounds).max(4),
            seed: *seed,
            ..Default::default()
        };
        let dir = tempfile::tempdir()?;
        eprintln!(
            "bwx demo: embedded chain, {} providers, {} buyers",
            config.providers, config.buyers
        );
        let report = demo::run(&config, dir.path()).await?;
        print_report!(cli, report);
        return Ok(report.all_ok());
    }
    let keypair_path = cli
        .keypair
        .clone()
        .unwrap_or_else(|| home().join(".config").join("solana").join("id.json"));
    let payer = read_keypair(&keypair_path)?;
    let mut chain = RpcChain::new(&cli.url);
    chain.spinner = cli.output == Format::Table && std::io::stderr().is_terminal();
    let mut client = Client::new(chain, payer);
    client.priority_fee = cli.priority_fee;
    let sessions = || SessionKeys::open(data_dir.join("sessions"));
    let store = || -> Result<ReceiptStore, ClientError> {
        std::fs::create_dir_all(&data_dir)?;
        ReceiptStore::open(data_dir.join("receipts.sqlite"))
    };
    match &cli.command {
        Command::Market(cmd) => match cmd {
            MarketCmd::Create {
                mint,
                treasury,
                fee_bps,
                burn_bps,
                min_window,
                max_window,
                fee_change_delay,
            } => {
                let args = CreateMarketArgs {
                    fee_bps: *fee_bps,
                    burn_bps: *burn_bps,
                    min_dispute_window_secs: *min_window,
                    max_dispute_window_secs: *max_window,
                    fee_change_delay_secs: *fee_change_delay,
                };
                print_report!(
                    cli,
                    market::create(
                        &client,
                        &key(mint, "mint")?,
                        opt_key(treasury, "treasury")?,
                        args
                    )
                    .await?
                )
            }
            MarketCmd::Show { market: m } => {
                print_report!(cli, market::show(&client, &key(m, "market")?).await?)
            }
            MarketCmd::Update {
                market: m,
                pause,
                fee_bps,
                burn_bps,
                min_window,
                max_window,
                unbonding,
                treasury,
            } => {
                let args = UpdateMarketArgs {
                    paused: *pause,
                    fee_bps: *fee_bps,
                    burn_bps: *burn_bps,
                    min_dispute_window_secs: *min_window,
                    max_dispute_window_secs: *max_window,
                    stake_unbonding_secs: *unbonding,
                };
                print_report!(
                    cli,
                    market::update(
                        &client,
                        &key(m, "market")?,
                        opt_key(treasury, "treasury")?,
                        args
                    )
                    .await?
                )
            }
        },
        Command::Provider(cmd) => match cmd {
            ProviderCmd::Register {
                market: m,
                price,
                payout,
                min_window,
                bounty_bps,
                endpoint,
                region,
            } => {
                let args = RegisterProviderArgs {
                    payout: opt_key(payout, "payout")?.unwrap_or(client.payer().pubkey()),
                    min_dispute_window_secs: *min_window,
                    bounty_bps: *bounty_bps,
                    endpoint: endpoint.clone(),
                    region: region.clone(),
                };
                print_report!(
                    cli,
                    provider::register(&client, &key(m, "market")?, args, price).await?
                )
            }
            ProviderCmd::Update {
                payout,
                min_window,
                bounty_bps,
                endpoint,
                region,
                active,
                market: m,
                price,
            } => {
                let args = UpdateProviderArgs {
                    payout: opt_key(payout, "payout")?,
                    min_dispute_window_secs: *min_window,
                    bounty_bps: *bounty_bps,
                    endpoint: endpoint.clone(),
                    region: region.clone(),
                    active: *active,
                };
                let price = match (m, price) {
                    (Some(m), Some(p)) => Some((key(m, "market")?, p.clone())),
                    _ => None,
                };
                print_report!(cli, provider::update(&client, args, price).await?)
            }
            ProviderCmd::Stake { market: m, amount } => print_report!(
                cli,
                provider::stake(&client, &key(m, "market")?, amount).await?
            ),
            ProviderCmd::Unstake { market: m, amount } => print_report!(
                cli,
                provider::unstake(&client, &key(m, "market")?, amount).await?
            ),
            ProviderCmd::WithdrawStake { market: m } => print_report!(
                cli,
                provider::withdraw_stake(&client, &key(m, "market")?).await?
            ),
            ProviderCmd::Rank { market: m } => {
                print_report!(cli, provider::rank(&client, &key(m, "market")?).await?)
            }
            ProviderCmd::Show {
                authority,
                market: markets,
            } => {
                let authority = opt_key(authority, "authority")?.unwrap_or(client.payer().pubkey());
                let markets = markets
                    .iter()
                    .map(|m| key(m, "market"))
                    .collect::<Result<Vec<_>, _>>()?;
                print_report!(cli, provider::show(&client, &authority, &markets).await?)
            }
        },
        Command::Buyer(cmd) => match cmd {
            BuyerCmd::Deposit {
                market: m,
                amount,
                from,
            } => {
                print_report!(
                    cli,
                    buyer::deposit(
                        &client,
                        &key(m, "market")?,
                        amount,
                        opt_key(from, "token account")?
                    )
                    .await?
                )
            }
            BuyerCmd::Withdraw {
                market: m,
                amount,
                to,
            } => {
                print_report!(
                    cli,
                    buyer::withdraw(
                        &client,
                        &key(m, "market")?,
                        amount.as_deref(),
                        opt_key(to, "token account")?
                    )
                    .await?
                )
            }
            BuyerCmd::Show { market: m, owner } => {
                let owner = opt_key(owner, "owner")?.unwrap_or(client.payer().pubkey());
                print_report!(cli, buyer::show(&client, &key(m, "market")?, &owner).await?)
            }
        },
        Command::Channel(cmd) => match cmd {
            ChannelCmd::Open {
                market: m,
                provider: p,
                amount,
                window,
            } => {
                let report = channel::open(
                    &client,
                    &sessions()?,
                    &key(m, "market")?,
                    &key(p, "provider")?,
                    amount,
                    *window,
                )
                .await?;
                print_report!(cli, report)
            }
            ChannelCmd::TopUp { channel: c, amount } => {
                print_report!(
                    cli,
                    channel::top_up(&client, &key(c, "channel")?, amount).await?
                )
            }
            ChannelCmd::Close { channel: c } => {
                let mut store = store()?;
                print_report!(
                    cli,
                    channel::close(&client, Some(&mut store), &key(c, "channel")?).await?
                )
            }
            ChannelCmd::Finalize { channel: c } => {
                print_report!(cli, channel::finalize(&client, &key(c, "channel")?).await?)
            }
            ChannelCmd::Rate { channel: c, rating } => print_report!(
                cli,
                channel::rate(&client, &key(c, "channel")?, *rating).await?
            ),
            ChannelCmd::Show { channel: c } => {
                print_report!(cli, channel::show(&client, &key(c, "channel")?).await?)
            }
            ChannelCmd::List {
                market: Some(m),
                owner,
            } => {
                let owner = opt_key(owner, "owner")?.unwrap_or(client.payer().pubkey());
                print_report!(
                    cli,
                    channel::list_for_buyer(&client, &key(m, "market")?, &owner).await?
                )
            }
            ChannelCmd::List { market: None, .. } => {
                print_report!(cli, channel::list_for_provider(&store()?))
            }
        },
        Command::Receipt(cmd) => match cmd {
            ReceiptCmd::Sign {
                channel: c,
                amount,
                bytes,
            } => {
                print_report!(
                    cli,
                    receipt::sign(&client, &sessions()?, &key(c, "channel")?, amount, *bytes)
                        .await?
                )
            }
            ReceiptCmd::Verify {
                receipt: r,
                store: keep,
            } => {
                let mut s = if *keep { Some(store()?) } else { None };
                print_report!(cli, receipt::verify(&client, s.as_mut(), r).await?)
            }
        },
        Command::Settle {
            channel: c,
            lookup_table,
        } => {
            let mut store = store()?;
            let tables = match opt_key(lookup_table, "lookup table")? {
                Some(t) => vec![lookup::fetch(&client.chain, &t).await?],
                None => vec![],
            };
            let rows = settle::settle(&client, &mut store, opt_key(c, "channel")?, &tables).await?;
            let ok = !rows.iter().any(|r| r.is_failure());
            print_report!(cli, rows);
            return Ok(ok);
        }
        Command::LookupTable(LookupCmd::Create { market: m }) => {
            print_report!(
                cli,
                commands::lookup::create(&client, &store()?, &key(m, "market")?).await?
            )
        }
        Command::LookupTable(LookupCmd::Extend { market: m, table }) => {
            let report = commands::lookup::extend(
                &client,
                &store()?,
                &key(m, "market")?,
                &key(table, "table")?,
            )
            .await?;
            print_report!(cli, report)
        }
        Command::Watch {
            interval,
            margin,
            min_unsettled,
            max_age,
            lookup_table,
            bounty_to,
            market: m,
            once,
        } => {
            let m = commands::load_market(&client, &key(m, "market")?).await?;
            let policy = WatchPolicy {
                margin_secs: *margin,
                min_unsettled: m.parse(min_unsettled)?,
                max_age_secs: *max_age,
                ..WatchPolicy::default()
            };
            let tables = match opt_key(lookup_table, "lookup table")? {
                Some(t) => vec![lookup::fetch(&client.chain, &t).await?],
                None => vec![],
            };
            let mut watcher = Watcher {
                client,
                store: store()?,
                policy,
                tables,
                bounty_to: opt_key(bounty_to, "token account")?,
            };
            if *once {
                let rows = watcher.poll().await?;
                let ok = !rows.iter().any(|r| r.is_failure());
                print_report!(cli, rows);
                return Ok(ok);
            }
            // Runs until SIGINT or SIGTERM; nothing else stops it (every error is reported and
            // retried in the next round).
            let mut round = 0u64;
            watcher
                .run(
                    std::time::Duration::from_secs(*interval),
                    shutdown_signal(),
                    |r| {
                        round += 1;
                        match r {
                            Round::Polled(rows) => {
                                let failed = rows.iter().filter(|r| r.is_failure()).count();
                                let settled =
                                    rows.iter().filter(|r| r.outcome == "settled").count();
                                eprintln!(
                                    "round {round}: {settled} settled, {failed} failed, {} other",
                                    rows.len() - settled - failed
                                );
                                if !rows.is_empty() {
                                    print_report!(cli, rows);
                                }
                            }
                            Round::Failed(e) => {
                                eprintln!("round {round}: cluster unavailable, retrying: {e}")
                            }
                        }
                    },
                )
                .await;
            eprintln!("bwx watch: stopped by signal after {round} rounds");
        }
        Command::Bench => unreachable!("handled above"),
        Command::Earnings(EarningsCmd::Withdraw {
            market: m,
            amount,
            to,
        }) => {
            print_report!(
                cli,
                earnings::withdraw(
                    &client,
                    &key(m, "market")?,
                    amount.as_deref(),
                    opt_key(to, "token account")?
                )
                .await?
            )
        }
        Command::Rewards(cmd) => match cmd {
            RewardsCmd::CreateMint {
                market: m,
                decimals,
            } => {
                let mint =
                    commands::rewards::create_mint(&client, &key(m, "market")?, *decimals).await?;
                println!("{mint}");
            }
            RewardsCmd::Configure {
                market: m,
                mint,
                reward_per_gib,
                min_price,
                epoch_secs,
                epoch_cap,
                vesting_secs,
                inactive,
            } => {
                let (market, mint) = (key(m, "market")?, key(mint, "mint")?);
                let input = commands::rewards::TermsInput {
                    active: !*inactive,
                    reward_per_gib,
                    min_price_per_gib: min_price,
                    epoch_secs: *epoch_secs,
                    epoch_cap,
                    vesting_secs: *vesting_secs,
                };
                let terms = commands::rewards::parse_terms(&client, &market, &mint, input).await?;
                print_report!(
                    cli,
                    commands::rewards::configure(&client, &market, &mint, terms).await?
                )
            }
            RewardsCmd::Show { market: m } => print_report!(
                cli,
                commands::rewards::show(&client, &key(m, "market")?).await?
            ),
            RewardsCmd::Claim { market: m } => print_report!(
                cli,
                commands::rewards::claim(&client, &key(m, "market")?).await?
            ),
        },
        Command::Fees(FeesCmd::Sweep { market: m }) => {
            print_report!(cli, fees::sweep(&client, &key(m, "market")?).await?)
        }
        Command::Demo { .. } => unreachable!("handled above"),
    }
    Ok(true)
}

/// Completes on SIGINT (Ctrl-C) or, on Unix, SIGTERM.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate()).expect("install a SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("error: a check failed (see the table above)");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            if cli.verbose {
                for line in e.logs() {
                    eprintln!("  {line}");
                }
            }
            ExitCode::FAILURE
        }
    }
}
