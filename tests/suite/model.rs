//! Stateful property test: random sequences (valid and invalid) of every instruction, receipts
//! signed by honest and dishonest parties, and clock jumps, run against the embedded chain and
//! against a reference model written in plain Rust. After every step the program's state equals
//! the model's, conservation holds (the harness checks it after every transaction), and a
//! refused operation changed nothing.
//!
//! CI runs 200 cases of 40–60 steps. Deeper runs:
//! `PROPTEST_CASES=10000 cargo test --release -p bandwidth-tests --test integration -- model::`; a failing case
//! is shrunk and saved to `tests/suite/model.regressions`, which is replayed first on every run.
//! `MODEL_TRACE=1 … -- --nocapture` prints each operation with its expected outcome (to check
//! that the generator reaches the success paths, not only the refusals).
use anchor_lang::error::ErrorCode as Anchor;
use bandwidth_client::{ix, pda, receipts};
use bandwidth_settlement::instructions::RewardTerms;
use bandwidth_tests::*;
use proptest::{prelude::*, test_runner::FileFailurePersistence};
use solana_keypair::Keypair;
use solana_signer::Signer;

const BUYERS: usize = 3;
const PROVIDERS: usize = 2;
const FEE_BPS: u64 = 250;
const BURN_BPS: u64 = 2_000;
const WALLET: u64 = 100 * UNIT;
/// Provider terms: bounty and minimum dispute window.
const TERMS: [(u64, u32); PROVIDERS] = [(500, 600), (0, 3_600)];
const WINDOWS: [u32; 6] = [0, 599, 600, 3_599, 3_600, 7 * 86_400 + 1];
/// Rewards: 1 reward token per GiB paid at least 1 token per GiB, 3 per day, no vesting.
const REWARD_PER_GIB: u64 = UNIT;
const MIN_PRICE: u64 = UNIT;
const EPOCH: u64 = 86_400;
const EPOCH_CAP: u64 = 3 * UNIT;
const UNBONDING: i64 = 7 * 86_400;
const PROVIDER_WALLET: u64 = 50 * UNIT;
const JUMPS: [i64; 6] = [1, 599, 600, 3_600, 86_400, UNBONDING];

#[derive(Clone, Debug)]
enum Op {
    Deposit {
        buyer: usize,
        amount: u64,
    },
    Withdraw {
        buyer: usize,
        amount: u64,
    },
    Open {
        buyer: usize,
        provider: usize,
        amount: u64,
        window: usize,
    },
    TopUp {
        channel: usize,
        amount: u64,
    },
    /// The buyer signs a new cumulative receipt (honest or not: any values).
    Sign {
        channel: usize,
        amount_delta: u64,
        bytes_delta: u64,
        regress: bool,
    },
    /// Settle the receipt at `pick` (from the newest); by the provider or a watcher.
    Settle {
        channel: usize,
        pick: usize,
        watcher: bool,
        bounty: bool,
    },
    /// A receipt signed by someone other than the channel's signer.
    Forge {
        channel: usize,
        amount: u64,
    },
    SettleMany {
        provider: usize,
        /// Half-aggregated (`settle_many_agg`) rather than one signature per channel.
        aggregated: bool,
    },
    RequestClose {
        channel: usize,
    },
    Finalize {
        channel: usize,
    },
    CloseByProvider {
        channel: usize,
        with_receipt: bool,
    },
    WithdrawEarnings {
        provider: usize,
        amount: Option<u64>,
    },
    Sweep,
    Pause {
        on: bool,
    },
    Warp {
        jump: usize,
    },
    /// The buyer rates the channel's provider (0 and 6 are invalid).
    Rate {
        channel: usize,
        rating: u8,
    },
    Stake {
        provider: usize,
        amount: u64,
    },
    Unstake {
        provider: usize,
        amount: u64,
    },
    WithdrawStake {
        provider: usize,
    },
    ClaimRewards {
        provider: usize,
    },
    /// The buyer signs a receipt it keeps to itself (one base unit or more above what is
    /// settled, with any bytes) and settles it, as a watcher asking for the bounty or not,
    /// possibly in the same transaction as its close request: PROTOCOL invariant 9 says
    /// nothing of this may make the receipts its provider holds unsettleable.
    BuyerSettle {
        channel: usize,
        amount_delta: u64,
        bytes: BuyerBytes,
        bounty: bool,
        close_first: bool,
    },
    /// The buyer settles the newest receipt its provider holds, ahead of the provider (whose
    /// next batch must then skip it rather than fail).
    BuyerFrontRun {
        channel: usize,
        bounty: bool,
    },
}

/// Bytes a buyer puts in a receipt it settles itself.
#[derive(Clone, Copy, Debug)]
enum BuyerBytes {
    Max,
    Zero,
    Plus(u64),
}

/// Mostly amounts that fit, sometimes zero, too much, or u64::MAX.
fn amount() -> impl Strategy<Value = u64> {
    prop_oneof![8 => 1..10 * UNIT, 1 => Just(0), 1 => Just(u64::MAX), 1 => 50 * UNIT..200 * UNIT]
}

fn op() -> impl Strategy<Value = Op> {
    let i = || 0..8usize;
    // Mostly windows both sides accept; sometimes ones outside the market's bounds or below
    // the provider's minimum.
    let window = prop_oneof![4 => 2..5usize, 1 => 0..WINDOWS.len()];
    prop_oneof![
        2 => (0..BUYERS, amount()).prop_map(|(buyer, amount)| Op::Deposit { buyer, amount }),
        1 => (0..BUYERS, amount()).prop_map(|(buyer, amount)| Op::Withdraw { buyer, amount }),
        3 => (0..BUYERS, 0..PROVIDERS, amount(), window)
            .prop_map(|(buyer, provider, amount, window)| Op::Open { buyer, provider, amount, window }),
        1 => (i(), amount()).prop_map(|(channel, amount)| Op::TopUp { channel, amount }),
        6 => (i(), 0..3 * UNIT, 0..(4u64 << 30), prop::bool::weighted(0.1))
            .prop_map(|(channel, amount_delta, bytes_delta, regress)| Op::Sign { channel, amount_delta, bytes_delta, regress }),
        5 => (i(), 0..3usize, any::<bool>(), any::<bool>())
            .prop_map(|(channel, pick, watcher, bounty)| Op::Settle { channel, pick, watcher, bounty }),
        1 => (i(), amount()).prop_map(|(channel, amount)| Op::Forge { channel, amount }),
        3 => (0..PROVIDERS, any::<bool>()).prop_map(|(provider, aggregated)| Op::SettleMany { provider, aggregated }),
        2 => i().prop_map(|channel| Op::RequestClose { channel }),
        2 => i().prop_map(|channel| Op::Finalize { channel }),
        1 => (i(), any::<bool>()).prop_map(|(channel, with_receipt)| Op::CloseByProvider { channel, with_receipt }),
        1 => (0..PROVIDERS, prop::option::of(amount())).prop_map(|(provider, amount)| Op::WithdrawEarnings { provider, amount }),
        1 => Just(Op::Sweep),
        1 => prop::bool::weighted(0.2).prop_map(|on| Op::Pause { on }),
        3 => (0..JUMPS.len()).prop_map(|jump| Op::Warp { jump }),
        1 => (i(), 0..7u8).prop_map(|(channel, rating)| Op::Rate { channel, rating }),
        1 => (0..PROVIDERS, amount()).prop_map(|(provider, amount)| Op::Stake { provider, amount }),
        1 => (0..PROVIDERS, amount()).prop_map(|(provider, amount)| Op::Unstake { provider, amount }),
        1 => (0..PROVIDERS).prop_map(|provider| Op::WithdrawStake { provider }),
        2 => (0..PROVIDERS).prop_map(|provider| Op::ClaimRewards { provider }),
        2 => (
            i(),
            prop_oneof![Just(1u64), 1..UNIT],
            prop_oneof![Just(BuyerBytes::Max), Just(BuyerBytes::Zero), (0..GIB).prop_map(BuyerBytes::Plus)],
            any::<bool>(),
            prop::bool::weighted(0.3),
        )
            .prop_map(|(channel, amount_delta, bytes, bounty, close_first)| Op::BuyerSettle { channel, amount_delta, bytes, bounty, close_first }),
        1 => (i(), any::<bool>()).prop_map(|(channel, bounty)| Op::BuyerFrontRun { channel, bounty }),
    ]
}

/// 40–60 random operations; two buyers start with an escrow, the third must create its own.
fn ops() -> impl Strategy<Value = Vec<Op>> {
    proptest::collection::vec(op(), 40..60).prop_map(|ops| {
        let mut all = vec![
            Op::Deposit {
                buyer: 0,
                amount: 40 * UNIT,
            },
            Op::Deposit {
                buyer: 1,
                amount: 40 * UNIT,
            },
        ];
        all.extend(ops);
        all
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum St {
    Open,
    Closing(i64),
    Closed,
}

#[derive(Clone, Debug)]
struct MChannel {
    buyer: usize,
    provider: usize,
    deposit: u64,
    settled: u64,
    settled_bytes: u64,
    state: St,
    window: u32,
    bounty_bps: u64,
    /// Receipts the buyer signed and gave its provider, oldest first.
    signed: Vec<(u64, u64)>,
    answered: bool,
    rating: u8,
}

#[derive(Clone, Debug, Default)]
struct Model {
    now: i64,
    paused: bool,
    escrow: [bool; BUYERS],
    wallet: [u64; BUYERS],
    free: [u64; BUYERS],
    next_id: [u64; BUYERS],
    earnings: [u64; PROVIDERS],
    fees: [u64; PROVIDERS],
    payout: [u64; PROVIDERS],
    watcher: u64,
    /// Bounties the buyers collected as watchers of their own channels.
    buyer_bounties: [u64; BUYERS],
    treasury: u64,
    burned: u64,
    channels: Vec<MChannel>,
    // Reputation, stake and rewards, per provider.
    answered: [u64; PROVIDERS],
    missed: [u64; PROVIDERS],
    ratings: [u64; PROVIDERS],
    rating_weight: [u128; PROVIDERS],
    rating_sum: [u128; PROVIDERS],
    provider_wallet: [u64; PROVIDERS],
    stake: [u64; PROVIDERS],
    unbonding: [u64; PROVIDERS],
    unbonding_at: [i64; PROVIDERS],
    accrued: [u64; PROVIDERS],
    minted: [u64; PROVIDERS],
    epoch: u64,
    allotted_in_epoch: u64,
}

/// What the model expects of an operation.
#[derive(Clone, Copy, Debug)]
enum Expect {
    Ok,
    Program(SettlementError),
    Code(u32),
    /// The operation is not meaningful in this state (e.g. no channel yet): not sent.
    Skip,
}

use Expect::*;
use SettlementError as E;

fn fee(x: u64) -> u64 {
    (u128::from(x) * u128::from(FEE_BPS) / 10_000) as u64
}

/// Reward-earning bytes of a channel settled up to (amount, bytes): no more than the fee
/// paid covers at the minimum price (the model's own arithmetic).
fn rewardable(amount: u64, bytes: u64) -> u128 {
    let covered = u128::from(fee(amount)) * 10_000 / u128::from(FEE_BPS);
    u128::from(bytes).min(covered * u128::from(GIB) / u128::from(MIN_PRICE))
}

fn reward_units(bytes: u128) -> u64 {
    (bytes * u128::from(REWARD_PER_GIB) / u128::from(GIB)) as u64
}

impl Model {
    /// The split of settling `ch` up to `amount` (the model's own arithmetic): fee and bounty
    /// are differences of cumulative functions.
    fn split(&self, ch: &MChannel, amount: u64, pay_bounty: bool) -> (u64, u64, u64) {
        let gross = amount - ch.settled;
        let f = fee(amount) - fee(ch.settled);
        let share = gross - f;
        let cumulative_bounty =
            |x: u64| (u128::from(x - fee(x)) * u128::from(ch.bounty_bps) / 10_000) as u64;
        let bounty = if pay_bounty {
            cumulative_bounty(amount) - cumulative_bounty(ch.settled)
        } else {
            0
        };
        (f, bounty, share - bounty)
    }

    /// A watcher is paid only in the second half of a forced close.
    fn in_bounty_phase(&self, ch: &MChannel) -> bool {
        matches!(ch.state, St::Closing(deadline) if self.now >= deadline - i64::from(ch.window / 2))
    }

    /// The receipt the provider would settle: the highest it holds within the deposit.
    fn providers_best(&self, ch: &MChannel) -> Option<(u64, u64)> {
        ch.signed
            .iter()
            .copied()
            .filter(|(a, _)| *a <= ch.deposit)
            .max_by_key(|(a, _)| *a)
    }

    /// Checks of `apply_receipt`, in the program's order.
    fn receipt_error(&self, ch: &MChannel, amount: u64, bytes: u64, genuine: bool) -> Option<E> {
        if let St::Closing(deadline) = ch.state {
            if self.now >= deadline {
                return Some(E::DisputeWindowElapsed);
            }
        }
        if amount <= ch.settled {
            return Some(E::AmountNotAboveSettled);
        }
        if amount > ch.deposit {
            return Some(E::AmountExceedsDeposit);
        }
        let _ = bytes; // the amount alone decides (PROTOCOL v2 §4)
        if !genuine {
            return Some(E::InvalidReceiptSignature);
        }
        None
    }

    /// Applies a settlement; returns the bounty paid.
    fn settle(&mut self, c: usize, amount: u64, bytes: u64, pay_bounty: bool) -> u64 {
        let (f, bounty, provider) = self.split(&self.channels[c], amount, pay_bounty);
        let ch = &mut self.channels[c];
        let bytes = bytes.max(ch.settled_bytes);
        // Rewards: cumulative, and only for bytes the fee paid covers at the minimum price.
        let reward = reward_units(rewardable(amount, bytes))
            .saturating_sub(reward_units(rewardable(ch.settled, ch.settled_bytes)));
        self.accrued[ch.provider] += reward;
        if matches!(ch.state, St::Closing(_)) && !ch.answered {
            ch.answered = true;
            self.answered[ch.provider] += 1;
        }
        ch.settled = amount;
        ch.settled_bytes = bytes;
        self.fees[ch.provider] += f;
        self.earnings[ch.provider] += provider;
        bounty
    }

    fn close(&mut self, c: usize) {
        let ch = &mut self.channels[c];
        self.free[ch.buyer] += ch.deposit - ch.settled;
        if ch.rating > 0 {
            self.ratings[ch.provider] += 1;
            self.rating_weight[ch.provider] += u128::from(ch.settled);
            self.rating_sum[ch.provider] += u128::from(ch.rating) * u128::from(ch.settled);
        }
        ch.state = St::Closed;
    }
}

struct World {
    env: Env,
    m: MarketFixture,
    providers: Vec<ProviderFixture>,
    /// Each provider's own payment-token account (for stake) and reward-token account.
    provider_tokens: Vec<anchor_lang::prelude::Pubkey>,
    reward_accounts: Vec<anchor_lang::prelude::Pubkey>,
    reward_mint: anchor_lang::prelude::Pubkey,
    buyers: Vec<BuyerFixture>,
    watcher: Keypair,
    watcher_token: anchor_lang::prelude::Pubkey,
    /// A second token account of each buyer, where its own bounties go.
    buyer_bounty_tokens: Vec<anchor_lang::prelude::Pubkey>,
    channels: Vec<ChannelFixture>,
}

async fn world() -> World {
    let mut env = Env::new().await;
    let m = env.create_market(TOKEN).await;
    let mut providers = vec![];
    for (bounty, window) in TERMS {
        let terms = move |payout| RegisterProviderArgs {
            bounty_bps: bounty as u16,
            min_dispute_window_secs: window,
            ..Env::default_provider_args(payout)
        };
        providers.push(env.provider_with(&m, terms, UNIT).await);
    }
    let mut buyers = vec![];
    for _ in 0..BUYERS {
        buyers.push(env.buyer(&m, WALLET).await);
    }
    let watcher = env.wallet().await;
    let watcher_token = env.token_account(m.keys.mint, watcher.pubkey()).await;
    let mut buyer_bounty_tokens = vec![];
    for b in &buyers {
        buyer_bounty_tokens.push(env.token_account(m.keys.mint, b.wallet.pubkey()).await);
    }
    let reward_mint = env.create_reward_mint(&m).await;
    let terms = RewardTerms {
        active: true,
        reward_per_gib: REWARD_PER_GIB,
        min_price_per_gib: MIN_PRICE,
        epoch_secs: EPOCH as u32,
        epoch_cap: EPOCH_CAP,
        vesting_secs: 0,
    };
    let configure =
        ix::DEFAULT.configure_rewards(m.admin.pubkey(), m.keys.market, reward_mint, TOKEN, terms);
    env.must(&[configure], &[&m.admin]).await;
    let (mut provider_tokens, mut reward_accounts) = (vec![], vec![]);
    for p in &providers {
        let own = env.token_account(m.keys.mint, p.authority.pubkey()).await;
        env.mint_to(m.keys.mint, own, PROVIDER_WALLET).await;
        provider_tokens.push(own);
        reward_accounts.push(env.token_account(reward_mint, p.payout.pubkey()).await);
    }
    World {
        env,
        m,
        providers,
        provider_tokens,
        reward_accounts,
        reward_mint,
        buyers,
        watcher,
        watcher_token,
        buyer_bounty_tokens,
        channels: vec![],
    }
}

/// Predicts `op`, applies it to the model when it succeeds, and builds the transaction.
fn step(
    w: &World,
    model: &mut Model,
    op: &Op,
) -> (Expect, Vec<solana_instruction::Instruction>, Vec<Keypair>) {
    let mk = &w.m.keys;
    let n = model.channels.len();
    let pick = |i: usize| if n == 0 { None } else { Some(i % n) };
    match *op {
        Op::Deposit { buyer, amount } => {
            let b = &w.buyers[buyer];
            let ixs = vec![ix::DEFAULT.deposit(b.wallet.pubkey(), mk, b.token, amount)];
            let expect = if model.paused {
                Program(E::MarketPaused)
            } else if amount == 0 {
                Program(E::ZeroAmount)
            } else if amount > model.wallet[buyer] {
                Code(1) // the token program's InsufficientFunds
            } else {
                model.wallet[buyer] -= amount;
                model.free[buyer] += amount;
                model.escrow[buyer] = true;
                Ok
            };
            (expect, ixs, vec![b.wallet.insecure_clone()])
        }
        Op::Withdraw { buyer, amount } => {
            let b = &w.buyers[buyer];
            let ixs = vec![ix::DEFAULT.withdraw(b.wallet.pubkey(), mk, b.token, amount)];
            let expect = if !model.escrow[buyer] {
                // No escrow yet: there is no account to withdraw from.
                Code(Anchor::AccountNotInitialized.into())
            } else if amount == 0 {
                Program(E::ZeroAmount)
            } else if amount > model.free[buyer] {
                Program(E::InsufficientFreeBalance)
            } else {
                model.free[buyer] -= amount;
                model.wallet[buyer] += amount;
                Ok
            };
            (expect, ixs, vec![b.wallet.insecure_clone()])
        }
        Op::Open {
            buyer,
            provider,
            amount,
            window,
        } => {
            let b = &w.buyers[buyer];
            let window = WINDOWS[window];
            let signer = Keypair::new();
            let (ix, _) = ix::DEFAULT.open_channel(
                b.wallet.pubkey(),
                mk.market,
                w.providers[provider].provider,
                model.next_id[buyer],
                OpenChannelArgs {
                    amount,
                    dispute_window_secs: window,
                    receipt_signer: signer.pubkey(),
                },
            );
            let expect = if !model.escrow[buyer] {
                Code(Anchor::AccountNotInitialized.into())
            } else if model.paused {
                Program(E::MarketPaused)
            } else if amount == 0 {
                Program(E::ZeroAmount)
            } else if amount > model.free[buyer] {
                Program(E::InsufficientFreeBalance)
            } else if !(600..=7 * 86_400).contains(&window) {
                Program(E::DisputeWindowOutOfMarketBounds)
            } else if window < TERMS[provider].1 {
                Program(E::DisputeWindowBelowProviderMinimum)
            } else {
                model.free[buyer] -= amount;
                model.next_id[buyer] += 1;
                model.channels.push(MChannel {
                    buyer,
                    provider,
                    deposit: amount,
                    settled: 0,
                    settled_bytes: 0,
                    state: St::Open,
                    window,
                    bounty_bps: TERMS[provider].0,
                    signed: vec![],
                    answered: false,
                    rating: 0,
                });
                Ok
            };
            // The session key travels with the op's outcome (see `run`).
            (expect, vec![ix], vec![b.wallet.insecure_clone(), signer])
        }
        Op::TopUp { channel, amount } => {
            let Some(c) = pick(channel) else {
                return (Skip, vec![], vec![]);
            };
            let ch = model.channels[c].clone();
            let b = &w.buyers[ch.buyer];
            let ixs = vec![ix::DEFAULT.top_up(b.wallet.pubkey(), &w.channels[c].keys, amount)];
            let expect = if ch.state == St::Closed {
                Code(Anchor::AccountNotInitialized.into())
            } else if model.paused {
                Program(E::MarketPaused)
            } else if ch.state != St::Open {
                Program(E::ChannelNotOpen)
            } else if amount == 0 {
                Program(E::ZeroAmount)
            } else if amount > model.free[ch.buyer] {
                Program(E::InsufficientFreeBalance)
            } else {
                model.free[ch.buyer] -= amount;
                model.channels[c].deposit += amount;
                Ok
            };
            (expect, ixs, vec![b.wallet.insecure_clone()])
        }
        Op::Sign {
            channel,
            amount_delta,
            bytes_delta,
            regress,
        } => {
            let Some(c) = pick(channel) else {
                return (Skip, vec![], vec![]);
            };
            let ch = &mut model.channels[c];
            let (a, b) = ch
                .signed
                .last()
                .copied()
                .unwrap_or((ch.settled, ch.settled_bytes));
            let next = if regress {
                (
                    a.saturating_sub(amount_delta),
                    b.saturating_sub(bytes_delta),
                )
            } else {
                (
                    a.saturating_add(amount_delta),
                    b.saturating_add(bytes_delta),
                )
            };
            ch.signed.push(next);
            (Skip, vec![], vec![])
        }
        Op::Settle {
            channel,
            pick: which,
            watcher,
            bounty,
        } => {
            let Some(c) = pick(channel) else {
                return (Skip, vec![], vec![]);
            };
            let ch = model.channels[c].clone();
            let Some(&(amount, bytes)) = ch.signed.iter().rev().nth(which % ch.signed.len().max(1))
            else {
                return (Skip, vec![], vec![]);
            };
            let f = &w.channels[c];
            let r = f.receipt(amount, bytes);
            let p = &w.providers[ch.provider];
            let (settler, key) = if watcher {
                (w.watcher.pubkey(), w.watcher.insecure_clone())
            } else {
                (p.authority.pubkey(), p.authority.insecure_clone())
            };
            let b = bounty.then_some(ix::Bounty {
                market: mk,
                destination: w.watcher_token,
            });
            let ixs = vec![ix::DEFAULT.settle(settler, &f.keys, r, b)];
            let expect = if ch.state == St::Closed {
                Code(Anchor::AccountNotInitialized.into())
            } else if let Some(e) = model.receipt_error(&ch, amount, bytes, true) {
                Program(e)
            } else {
                let pay = watcher && bounty && model.in_bounty_phase(&ch);
                model.watcher += model.settle(c, amount, bytes, pay);
                Ok
            };
            (expect, ixs, vec![key])
        }
        Op::Forge { channel, amount } => {
            let Some(c) = pick(channel) else {
                return (Skip, vec![], vec![]);
            };
            let ch = model.channels[c].clone();
            let f = &w.channels[c];
            let p = &w.providers[ch.provider];
            let forged = receipts::sign(&p.authority, &f.keys.channel, amount, ch.settled_bytes);
            let ixs = vec![ix::DEFAULT.settle(p.authority.pubkey(), &f.keys, forged, None)];
            let expect = if ch.state == St::Closed {
                Code(Anchor::AccountNotInitialized.into())
            } else {
                Program(
                    model
                        .receipt_error(&ch, amount, ch.settled_bytes, false)
                        .unwrap(),
                )
            };
            (expect, ixs, vec![p.authority.insecure_clone()])
        }
        Op::SettleMany {
            provider,
            aggregated,
        } => {
            // The provider's newest receipt on each live channel where it would be accepted,
            // and on channels where someone settled as much or more first: the program skips
            // those instead of failing the batch.
            let mut entries = vec![];
            let mut agg = vec![];
            for (c, ch) in model.channels.clone().iter().enumerate() {
                let Some(&(amount, bytes)) = ch.signed.last() else {
                    continue;
                };
                let stale = amount <= ch.settled;
                if ch.provider != provider
                    || ch.state == St::Closed
                    || matches!(ch.state, St::Closing(d) if model.now >= d)
                    || (!stale && model.receipt_error(ch, amount, bytes, true).is_some())
                {
                    continue;
                }
                if entries.len() == 6 {
                    break;
                }
                if !stale {
                    model.settle(c, amount, bytes, false);
                }
                let receipt = w.channels[c].receipt(amount, bytes);
                entries.push((w.channels[c].keys.channel, receipt));
                agg.push(bandwidth_client::batch::AggEntry {
                    channel: w.channels[c].keys.channel,
                    signer: w.channels[c].signer.pubkey(),
                    receipt: bandwidth_settlement::receipt::SignedReceipt {
                        receipt: bandwidth_settlement::receipt::Receipt {
                            channel: w.channels[c].keys.channel,
                            amount,
                            bytes,
                        },
                        signature: receipt.signature,
                    },
                    settled: ch.settled,
                    deposit: ch.deposit,
                    price_per_gib: UNIT,
                });
            }
            if entries.is_empty() {
                return (Skip, vec![], vec![]);
            }
            let p = &w.providers[provider];
            let ixs = if aggregated {
                let channels: Vec<_> = entries.iter().map(|(c, _)| *c).collect();
                let receipts = bandwidth_client::batch::aggregate(&agg).expect("aggregates");
                vec![ix::DEFAULT.settle_many_agg(
                    p.authority.pubkey(),
                    mk.market,
                    p.provider,
                    &channels,
                    receipts,
                    None,
                )]
            } else {
                vec![ix::DEFAULT.settle_many(
                    p.authority.pubkey(),
                    mk.market,
                    p.provider,
                    &entries,
                    None,
                )]
            };
            (Ok, ixs, vec![p.authority.insecure_clone()])
        }
        Op::RequestClose { channel } => {
            let Some(c) = pick(channel) else {
                return (Skip, vec![], vec![]);
            };
            let ch = model.channels[c].clone();
            let b = &w.buyers[ch.buyer];
            let ixs = vec![ix::DEFAULT.request_close(b.wallet.pubkey(), &w.channels[c].keys)];
            let expect = match ch.state {
                St::Closed => Code(Anchor::AccountNotInitialized.into()),
                St::Closing(_) => Program(E::ChannelNotOpen),
                St::Open => {
                    model.channels[c].state = St::Closing(model.now + i64::from(ch.window));
                    Ok
                }
            };
            (expect, ixs, vec![b.wallet.insecure_clone()])
        }
        Op::Finalize { channel } => {
            let Some(c) = pick(channel) else {
                return (Skip, vec![], vec![]);
            };
            let ch = model.channels[c].clone();
            let ixs = vec![ix::DEFAULT.finalize_close(&w.channels[c].keys)];
            let expect = match ch.state {
                St::Closed => Code(Anchor::AccountNotInitialized.into()),
                St::Open => Program(E::ChannelNotClosing),
                St::Closing(deadline) if model.now < deadline => {
                    Program(E::DisputeWindowNotElapsed)
                }
                St::Closing(_) => {
                    if !ch.answered {
                        model.missed[ch.provider] += 1;
                    }
                    model.close(c);
                    Ok
                }
            };
            (expect, ixs, vec![])
        }
        Op::CloseByProvider {
            channel,
            with_receipt,
        } => {
            let Some(c) = pick(channel) else {
                return (Skip, vec![], vec![]);
            };
            let ch = model.channels[c].clone();
            let p = &w.providers[ch.provider];
            let last = ch.signed.last().copied().filter(|_| with_receipt);
            let r = last.map(|(a, b)| w.channels[c].receipt(a, b));
            let ixs =
                vec![ix::DEFAULT.close_by_provider(p.authority.pubkey(), &w.channels[c].keys, r)];
            let expect = match ch.state {
                St::Closed => Code(Anchor::AccountNotInitialized.into()),
                St::Closing(deadline) if model.now >= deadline => Program(E::DisputeWindowElapsed),
                _ => match last
                    .filter(|(a, _)| *a > ch.settled) // an already-settled one is skipped
                    .and_then(|(a, b)| model.receipt_error(&ch, a, b, true))
                {
                    Some(e) => Program(e),
                    None => {
                        if let Some((a, b)) = last.filter(|(a, _)| *a > ch.settled) {
                            model.settle(c, a, b, false);
                        }
                        let ch = &mut model.channels[c];
                        if matches!(ch.state, St::Closing(_)) && !ch.answered {
                            ch.answered = true;
                            model.answered[ch.provider] += 1;
                        }
                        model.close(c);
                        Ok
                    }
                },
            };
            (expect, ixs, vec![p.authority.insecure_clone()])
        }
        Op::WithdrawEarnings { provider, amount } => {
            let p = &w.providers[provider];
            let ixs = vec![ix::DEFAULT.withdraw_earnings(
                p.authority.pubkey(),
                mk,
                p.payout_token,
                amount,
            )];
            let want = amount.unwrap_or(model.earnings[provider]);
            let expect = if want == 0 {
                Program(E::ZeroAmount)
            } else if want > model.earnings[provider] {
                Program(E::InsufficientEarnings)
            } else {
                model.earnings[provider] -= want;
                model.payout[provider] += want;
                Ok
            };
            (expect, ixs, vec![p.authority.insecure_clone()])
        }
        Op::Sweep => {
            let pms: Vec<_> = w
                .providers
                .iter()
                .map(|p| p.provider_market(&w.m))
                .collect();
            let ixs = vec![ix::DEFAULT.sweep_fees(mk, &pms)];
            let total: u64 = model.fees.iter().sum();
            let expect = if total == 0 {
                Program(E::NoFeesToSweep)
            } else {
                let burned = (u128::from(total) * u128::from(BURN_BPS) / 10_000) as u64;
                model.burned += burned;
                model.treasury += total - burned;
                model.fees = [0; PROVIDERS];
                Ok
            };
            (expect, ixs, vec![])
        }
        Op::Pause { on } => {
            model.paused = on;
            let args = UpdateMarketArgs {
                paused: Some(on),
                ..Default::default()
            };
            (
                Ok,
                vec![ix::DEFAULT.update_market(w.m.admin.pubkey(), mk.market, None, args)],
                vec![w.m.admin.insecure_clone()],
            )
        }
        Op::Rate { channel, rating } => {
            let Some(c) = pick(channel) else {
                return (Skip, vec![], vec![]);
            };
            let ch = model.channels[c].clone();
            let b = &w.buyers[ch.buyer];
            let ixs =
                vec![ix::DEFAULT.rate_channel(b.wallet.pubkey(), &w.channels[c].keys, rating)];
            let expect = if ch.state == St::Closed {
                Code(Anchor::AccountNotInitialized.into())
            } else if !(1..=5).contains(&rating) {
                Program(E::InvalidRating)
            } else {
                model.channels[c].rating = rating;
                Ok
            };
            (expect, ixs, vec![b.wallet.insecure_clone()])
        }
        Op::Stake { provider, amount } => {
            let p = &w.providers[provider];
            let ixs = vec![ix::DEFAULT.stake(
                p.authority.pubkey(),
                mk,
                w.provider_tokens[provider],
                amount,
            )];
            let expect = if model.paused {
                Program(E::MarketPaused)
            } else if amount == 0 {
                Program(E::ZeroAmount)
            } else if amount > model.provider_wallet[provider] {
                Code(1)
            } else {
                model.provider_wallet[provider] -= amount;
                model.stake[provider] += amount;
                Ok
            };
            (expect, ixs, vec![p.authority.insecure_clone()])
        }
        Op::Unstake { provider, amount } => {
            let p = &w.providers[provider];
            let ixs = vec![ix::DEFAULT.unstake(p.authority.pubkey(), mk.market, amount)];
            let expect = if amount == 0 {
                Program(E::ZeroAmount)
            } else if amount > model.stake[provider] {
                Program(E::InsufficientStake)
            } else {
                model.stake[provider] -= amount;
                model.unbonding[provider] += amount;
                model.unbonding_at[provider] = model.now + UNBONDING;
                Ok
            };
            (expect, ixs, vec![p.authority.insecure_clone()])
        }
        Op::WithdrawStake { provider } => {
            let p = &w.providers[provider];
            let ixs = vec![ix::DEFAULT.withdraw_stake(p.authority.pubkey(), mk, p.payout_token)];
            let expect = if model.unbonding[provider] == 0 {
                Program(E::NothingUnbonding)
            } else if model.now < model.unbonding_at[provider] {
                Program(E::StakeStillUnbonding)
            } else {
                model.payout[provider] += model.unbonding[provider];
                model.unbonding[provider] = 0;
                Ok
            };
            (expect, ixs, vec![p.authority.insecure_clone()])
        }
        Op::ClaimRewards { provider } => {
            let p = &w.providers[provider];
            let ixs = vec![ix::DEFAULT.claim_rewards(
                p.authority.pubkey(),
                mk.market,
                w.reward_mint,
                TOKEN,
                w.reward_accounts[provider],
            )];
            // No vesting: every allotment is minted at once; allotments share the epoch cap.
            let epoch = model.now as u64 / EPOCH;
            if epoch != model.epoch {
                model.epoch = epoch;
                model.allotted_in_epoch = 0;
            }
            let allotted = model.accrued[provider].min(EPOCH_CAP - model.allotted_in_epoch);
            let expect = if allotted == 0 {
                Program(E::NothingToClaim)
            } else {
                model.accrued[provider] -= allotted;
                model.allotted_in_epoch += allotted;
                model.minted[provider] += allotted;
                Ok
            };
            (expect, ixs, vec![p.authority.insecure_clone()])
        }
        Op::BuyerSettle {
            channel,
            amount_delta,
            bytes,
            bounty,
            close_first,
        } => {
            let Some(c) = pick(channel) else {
                return (Skip, vec![], vec![]);
            };
            let ch = model.channels[c].clone();
            let amount = ch.settled.saturating_add(amount_delta);
            let bytes = match bytes {
                BuyerBytes::Max => u64::MAX,
                BuyerBytes::Zero => 0,
                BuyerBytes::Plus(d) => ch.settled_bytes.saturating_add(d),
            };
            buyer_settles(w, model, c, amount, bytes, bounty, close_first)
        }
        Op::BuyerFrontRun { channel, bounty } => {
            let Some(c) = pick(channel) else {
                return (Skip, vec![], vec![]);
            };
            let ch = model.channels[c].clone();
            match model.providers_best(&ch) {
                Some((amount, bytes)) if amount > ch.settled => {
                    buyer_settles(w, model, c, amount, bytes, bounty, false)
                }
                _ => (Skip, vec![], vec![]),
            }
        }
        Op::Warp { .. } => (Skip, vec![], vec![]),
    }
}

/// The buyer of channel `c` settles its own receipt (amount, bytes), optionally asking for
/// the watcher bounty and optionally requesting the close in the same transaction.
fn buyer_settles(
    w: &World,
    model: &mut Model,
    c: usize,
    amount: u64,
    bytes: u64,
    bounty: bool,
    close_first: bool,
) -> (Expect, Vec<solana_instruction::Instruction>, Vec<Keypair>) {
    let ch = model.channels[c].clone();
    let f = &w.channels[c];
    let b = &w.buyers[ch.buyer];
    let mut ixs = vec![];
    if close_first {
        ixs.push(ix::DEFAULT.request_close(b.wallet.pubkey(), &f.keys));
    }
    let payout = bounty.then_some(ix::Bounty {
        market: &w.m.keys,
        destination: w.buyer_bounty_tokens[ch.buyer],
    });
    ixs.push(ix::DEFAULT.settle(b.wallet.pubkey(), &f.keys, f.receipt(amount, bytes), payout));
    let keys = vec![b.wallet.insecure_clone()];
    if ch.state == St::Closed {
        return (Code(Anchor::AccountNotInitialized.into()), ixs, keys);
    }
    // Work on a copy: the transaction is all or nothing.
    let mut after = model.clone();
    if close_first {
        if ch.state != St::Open {
            return (Program(E::ChannelNotOpen), ixs, keys);
        }
        after.channels[c].state = St::Closing(model.now + i64::from(ch.window));
    }
    if let Some(e) = after.receipt_error(&after.channels[c], amount, bytes, true) {
        return (Program(e), ixs, keys);
    }
    let pay = bounty && after.in_bounty_phase(&after.channels[c]);
    let best = model.providers_best(&ch).filter(|(a, _)| *a > ch.settled);
    let earnings_before = after.earnings[ch.provider];
    let paid = after.settle(c, amount, bytes, pay);
    after.buyer_bounties[ch.buyer] += paid;
    // Invariant 9: a buyer's receipt that makes its provider's best one stale pays the
    // provider at least as much, unless the provider let half the dispute window pass
    // (then whoever settles, the buyer included, earns the bounty).
    if let Some((best_amount, _)) = best.filter(|(a, _)| *a <= amount) {
        if paid == 0 {
            let owed = model.split(&ch, best_amount, false).2;
            assert!(
                after.earnings[ch.provider] - earnings_before >= owed,
                "invariant 9: the buyer's receipt paid its provider less than the one it held"
            );
        }
    }
    *model = after;
    (Ok, ixs, keys)
}

/// The program's state equals the model's.
async fn compare(w: &World, model: &Model) {
    let env = &w.env;
    for (i, b) in w.buyers.iter().enumerate() {
        assert_eq!(
            env.token_balance(b.token).await,
            model.wallet[i],
            "buyer {i} wallet"
        );
        match env.get::<Buyer>(b.buyer(&w.m)).await {
            Some(a) => assert_eq!(
                (a.free, a.next_channel_id),
                (model.free[i], model.next_id[i]),
                "buyer {i}"
            ),
            None => assert_eq!(
                (model.free[i], model.next_id[i]),
                (0, 0),
                "buyer {i} has no escrow"
            ),
        }
    }
    for (i, p) in w.providers.iter().enumerate() {
        let pm = env.provider_market(&w.m, p).await;
        assert_eq!(
            (pm.earnings, pm.fees_accrued),
            (model.earnings[i], model.fees[i]),
            "provider {i}"
        );
        assert_eq!(
            env.token_balance(p.payout_token).await,
            model.payout[i],
            "provider {i} payout"
        );
        assert_eq!(
            (pm.forced_closes_answered, pm.forced_closes_missed),
            (model.answered[i], model.missed[i]),
            "provider {i} forced closes answered/missed"
        );
        assert_eq!(
            (pm.ratings, pm.rating_weight, pm.rating_weighted_sum),
            (
                model.ratings[i],
                model.rating_weight[i],
                model.rating_sum[i]
            ),
            "provider {i} ratings"
        );
        assert_eq!(
            (
                pm.stake,
                pm.unbonding,
                env.token_balance(w.provider_tokens[i]).await
            ),
            (model.stake[i], model.unbonding[i], model.provider_wallet[i]),
            "provider {i} stake"
        );
        assert_eq!(
            (
                pm.reward_accrued,
                env.token_balance(w.reward_accounts[i]).await
            ),
            (model.accrued[i], model.minted[i]),
            "provider {i} rewards"
        );
    }
    for (c, (f, ch)) in w.channels.iter().zip(&model.channels).enumerate() {
        let on_chain: Option<Channel> = env.get(f.keys.channel).await;
        match (ch.state, on_chain) {
            (St::Closed, None) => {}
            (state, Some(a)) => {
                assert_eq!(
                    (a.deposit, a.settled, a.settled_bytes),
                    (ch.deposit, ch.settled, ch.settled_bytes),
                    "channel {c}"
                );
                let expected = match state {
                    St::Open => (ChannelState::Open, 0),
                    St::Closing(d) => (ChannelState::Closing, d),
                    St::Closed => unreachable!(),
                };
                assert_eq!((a.state, a.close_deadline), expected, "channel {c} state");
            }
            (state, None) => panic!("channel {c} is gone, model says {state:?}"),
        }
    }
    assert_eq!(
        env.token_balance(w.watcher_token).await,
        model.watcher,
        "watcher bounties"
    );
    for (i, t) in w.buyer_bounty_tokens.iter().enumerate() {
        assert_eq!(
            env.token_balance(*t).await,
            model.buyer_bounties[i],
            "buyer {i} bounties"
        );
    }
    assert_eq!(
        env.token_balance(w.m.keys.treasury).await,
        model.treasury,
        "treasury"
    );
    assert_eq!(env.market(&w.m).await.fees_burned, model.burned, "burned");
    assert_eq!(
        env.mint_supply(w.reward_mint).await,
        model.minted.iter().sum::<u64>(),
        "reward supply"
    );
}

async fn run(ops: Vec<Op>) {
    let mut w = world().await;
    let mut model = Model {
        now: w.env.now().await,
        wallet: [WALLET; BUYERS],
        provider_wallet: [PROVIDER_WALLET; PROVIDERS],
        ..Default::default()
    };
    for (n, op) in ops.iter().enumerate() {
        if let Op::Warp { jump } = op {
            model.now += JUMPS[*jump];
            w.env.set_time(model.now).await;
            continue;
        }
        let channels_before = model.channels.len();
        let (expect, ixs, keys) = step(&w, &mut model, op);
        if matches!(expect, Skip) {
            continue;
        }
        let signers: Vec<&Keypair> = keys.iter().collect();
        let what = format!("step {n}: {op:?}");
        if std::env::var("MODEL_TRACE").is_ok() {
            let kind = format!("{op:?}");
            eprintln!(
                "TRACE {} {:?}",
                kind.split([' ', '{']).next().unwrap(),
                expect
            );
        }
        match expect {
            Ok => {
                w.env.must(&ixs, &signers).await;
            }
            Program(e) => w.env.must_fail(&ixs, &signers, e).await,
            Code(code) => w.env.must_fail_code(&ixs, &signers, code).await,
            Skip => unreachable!(),
        }
        if model.channels.len() > channels_before {
            // A channel was opened: keep its fixture (the session key is the op's last key).
            let ch = model.channels.last().unwrap();
            let buyer = pda::buyer(&w.m.keys.market, &w.buyers[ch.buyer].wallet.pubkey());
            let address = pda::channel(&buyer, model.next_id[ch.buyer] - 1);
            let account: Channel = w
                .env
                .get(address)
                .await
                .unwrap_or_else(|| panic!("{what}: channel missing"));
            w.channels.push(ChannelFixture {
                keys: ix::ChannelKeys::from_account(address, &account),
                id: account.channel_id,
                signer: keys.last().unwrap().insecure_clone(),
            });
        }
        compare(&w, &model).await;
        if let Op::BuyerSettle { channel, .. } | Op::BuyerFrontRun { channel, .. } = op {
            providers_receipt_still_settles(&mut w, &model, channel % model.channels.len()).await;
        }
    }
}

/// PROTOCOL invariant 9, checked against the program itself: after a buyer's own settlement,
/// the highest receipt its provider holds is either paid already (by a higher amount) or
/// still settles (simulated, so nothing changes).
async fn providers_receipt_still_settles(w: &mut World, model: &Model, c: usize) {
    let ch = &model.channels[c];
    if ch.state == St::Closed || matches!(ch.state, St::Closing(d) if model.now >= d) {
        return;
    }
    let Some((amount, bytes)) = model.providers_best(ch).filter(|(a, _)| *a > ch.settled) else {
        return;
    };
    let p = &w.providers[ch.provider];
    let f = &w.channels[c];
    let ix = ix::DEFAULT.settle(
        p.authority.pubkey(),
        &f.keys,
        f.receipt(amount, bytes),
        None,
    );
    let authority = p.authority.insecure_clone();
    assert_eq!(
        w.env.simulate(&[ix], &[&authority]).await,
        Result::Ok(()),
        "invariant 9: the provider's receipt ({amount}, {bytes}) of channel {c} no longer settles"
    );
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(200),
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_program_matches_the_model(ops in ops()) {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(run(ops));
    }
}
