//! The receipt verifiers on the real SBF VM: the cost probe (`sbf/verify-probe`), built by
//! `sbf/build.sh`, loaded through the BPF loader into a program-test bank with the runtime's
//! curve25519 syscalls, and asked what each verifier costs (compute units and heap).
//!
//! Used by `tests/suite/sbf.rs` (the figures the SDK budgets with hold on the VM) and by the
//! `sbf-costs` example (the README's table).
use anchor_lang::prelude::Pubkey;
use bandwidth_sbf_probe::{fixture_data, instruction_data, Op, Report, MAX_RECEIPTS};
use bandwidth_settlement::{halfagg, receipt};
use ed25519_dalek::{Signer as _, SigningKey};
use solana_account::Account;
use solana_compute_budget_interface::ComputeBudgetInstruction;
use solana_instruction::{AccountMeta, Instruction};
use solana_program_test::{ProgramTest, ProgramTestContext};
use solana_signer::Signer;
use solana_transaction::Transaction;
use std::path::{Path, PathBuf};

/// The probe built from the current sources (`sbf/build.sh probe`), or what the build said.
pub fn build_probe() -> Result<PathBuf, String> {
    bandwidth_sbf_artifacts::probe()
}

/// One fixture receipt: its signer, signature and 52-byte message.
pub type FixtureReceipt = ([u8; 32], [u8; 64], [u8; receipt::MESSAGE_LEN]);

/// `MAX_RECEIPTS` valid receipts of distinct signers over distinct channels (deterministic).
pub fn valid_receipts() -> Vec<FixtureReceipt> {
    (0..MAX_RECEIPTS as u64)
        .map(|i| {
            let key = SigningKey::from_bytes(&[i as u8 + 1; 32]);
            let channel = Pubkey::new_from_array([0xc0 ^ i as u8; 32]);
            let amount = 1_000_000 * (i + 1) + 12_345;
            let msg = receipt::message(&channel, amount, amount << 10);
            (
                key.verifying_key().to_bytes(),
                key.sign(&msg).to_bytes(),
                msg,
            )
        })
        .collect()
}

/// `S` for the first `n` receipts.
pub fn aggregate(receipts: &[FixtureReceipt], n: usize) -> [u8; 32] {
    let items: Vec<halfagg::Item> = receipts[..n]
        .iter()
        .map(|(signer, sig, message)| halfagg::Item {
            signer,
            r: sig[..32].try_into().expect("32 bytes"),
            message,
        })
        .collect();
    let s: Vec<[u8; 32]> = receipts[..n]
        .iter()
        .map(|(_, sig, _)| sig[32..].try_into().expect("32 bytes"))
        .collect();
    halfagg::aggregate(&items, &s).expect("valid signatures aggregate")
}

/// A bank with the probe loaded through the BPF loader.
pub struct Probe {
    ctx: ProgramTestContext,
    program: Pubkey,
    /// Makes every transaction distinct (as its priority fee): the same measurement twice
    /// under one blockhash would otherwise be refused as already processed.
    sent: u64,
}

/// A measurement: the probe's report, and what the whole transaction consumed.
#[derive(Clone, Copy, Debug)]
pub struct Measured {
    pub report: Report,
    pub transaction_units: u64,
}

impl Probe {
    /// Starts a bank with the probe and one fixture account per receipt set.
    pub async fn start(elf: &Path, fixtures: &[(Pubkey, Vec<FixtureReceipt>)]) -> Probe {
        let program = Pubkey::new_unique();
        let mut pt = ProgramTest::default();
        agave_logger_quiet();
        pt.prefer_bpf(true);
        let data = std::fs::read(elf).unwrap_or_else(|e| panic!("{}: {e}", elf.display()));
        pt.add_account(
            program,
            Account {
                lamports: 1_000_000_000,
                data,
                owner: solana_sdk_ids::bpf_loader::id(),
                executable: true,
                rent_epoch: 0,
            },
        );
        for (address, receipts) in fixtures {
            pt.add_account(
                *address,
                Account {
                    lamports: 1_000_000_000,
                    data: fixture_data(receipts),
                    owner: Pubkey::new_unique(),
                    executable: false,
                    rent_epoch: 0,
                },
            );
        }
        Probe {
            ctx: pt.start_with_context().await,
            program,
            sent: 0,
        }
    }

    /// Runs `op` over the first `n` receipts of `fixture` (with `s` for a batch).
    pub async fn measure(
        &mut self,
        fixture: Pubkey,
        op: Op,
        n: u8,
        s: Option<&[u8; 32]>,
    ) -> Result<Measured, String> {
        let ix = Instruction::new_with_bytes(
            self.program,
            &instruction_data(op, n, s),
            vec![AccountMeta::new_readonly(fixture, false)],
        );
        self.sent += 1;
        let ixs = [
            ComputeBudgetInstruction::set_compute_unit_limit(1_400_000),
            ComputeBudgetInstruction::set_compute_unit_price(self.sent),
            ix,
        ];
        let payer = &self.ctx.payer;
        let blockhash = self
            .ctx
            .banks_client
            .get_latest_blockhash()
            .await
            .map_err(|e| e.to_string())?;
        let tx =
            Transaction::new_signed_with_payer(&ixs, Some(&payer.pubkey()), &[payer], blockhash);
        let out = self
            .ctx
            .banks_client
            .process_transaction_with_metadata(tx)
            .await
            .map_err(|e| e.to_string())?;
        let meta = out.metadata.ok_or("no transaction metadata")?;
        if let Err(e) = out.result {
            return Err(format!("{e}: {}", meta.log_messages.join("\n")));
        }
        let data = meta.return_data.ok_or("the probe returned no data")?.data;
        let report = Report::decode(&data).ok_or("the probe's report is malformed")?;
        Ok(Measured {
            report,
            transaction_units: meta.compute_units_consumed,
        })
    }
}

/// program-test logs every instruction at debug level; keep it at errors.
fn agave_logger_quiet() {
    agave_logger::setup_with_default("error");
}

/// Set to a file path to have every successful transaction of the harness append its
/// program calls there as "instruction<TAB>units" lines: run the suite on the SBF build with it
/// to see what each instruction costs over every path the tests take.
pub const UNITS_LOG_ENV: &str = "BWX_UNITS_LOG";

/// On the VM, every call of the program must stay within what the SDK would request for it
/// (`bandwidth_client::budget`): the whole suite run on the SBF build checks the budgets over
/// every path it takes. With [`UNITS_LOG_ENV`] set, the calls are also logged.
pub(crate) fn check_units(logs: &[String]) {
    let calls = bandwidth_client::events::program_calls(logs);
    for c in &calls {
        let name = c.instruction.as_deref().unwrap_or_default();
        if let Some(budget) = bandwidth_client::budget::for_instruction(name) {
            assert!(
                c.units <= u64::from(budget),
                "{name} consumed {} compute units on the VM, more than the {budget} the SDK \
                 requests for it (client/src/budget.rs):\n{}",
                c.units,
                logs.join("\n")
            );
        }
    }
    let Some(path) = std::env::var_os(UNITS_LOG_ENV) else {
        return;
    };
    let lines: String = calls
        .into_iter()
        .map(|c| format!("{}\t{}\n", c.instruction.unwrap_or_default(), c.units))
        .collect();
    use std::io::Write;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path);
    if let Err(e) = file.and_then(|mut f| f.write_all(lines.as_bytes())) {
        panic!("{UNITS_LOG_ENV}={}: {e}", Path::new(&path).display());
    }
}

/// What settling costs on the VM: one channel per buyer, `k` at a time.
#[derive(Clone, Copy, Debug)]
pub struct SettleCosts {
    pub k: usize,
    /// `settle` of one receipt (k = 1 only), `settle_many` and `settle_many_agg` of k.
    pub settle_many: Option<u64>,
    pub settle_many_agg: Option<u64>,
}

/// Opens `max(ks)` channels of distinct buyers to one provider on the SBF build at `so`, then
/// for each k settles k of them with `settle_many` and k others with `settle_many_agg`, each
/// with a fresh receipt, and returns the compute units each consumed. A transaction that fails
/// (over the compute limit, out of heap) gives `None`.
pub async fn settle_costs(so: &Path, ks: &[usize]) -> Vec<SettleCosts> {
    use crate::{Env, HOUR, TOKEN, UNIT};
    use bandwidth_client::{batch, ix};
    let hosting = bandwidth_testkit::Hosting::Sbf(so.to_path_buf());
    let mut env = Env::hosted(&hosting).await;
    let m = env.create_market(TOKEN).await;
    let p = env.provider(&m).await;
    let n = ks.iter().copied().max().unwrap_or(0);
    let mut channels = vec![];
    for _ in 0..n {
        let b = env.funded_buyer(&m, 100 * UNIT).await;
        channels.push(env.open_channel(&m, &b, &p, 100 * UNIT, HOUR as u32).await);
    }
    let mut out = vec![];
    for (round, &k) in ks.iter().enumerate() {
        let amount = |i: usize| (round as u64 + 1) * UNIT + i as u64;
        let bytes = |a: u64| bandwidth_settlement::halfagg::expected_bytes(a, UNIT);
        let entries: Vec<_> = channels[..k]
            .iter()
            .enumerate()
            .map(|(i, c)| (c.keys.channel, c.receipt(amount(i), bytes(amount(i)))))
            .collect();
        let many = ix::DEFAULT.settle_many(
            p.authority.pubkey(),
            m.keys.market,
            p.provider,
            &entries,
            None,
        );
        let settle_many = env.send(&[many], &[&p.authority]).await;
        // The same channels again, half a token further, aggregated.
        let agg: Vec<_> = channels[..k]
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let a = amount(i) + UNIT / 2;
                let r = c.receipt(a, bytes(a));
                batch::AggEntry {
                    channel: c.keys.channel,
                    signer: c.signer.pubkey(),
                    receipt: receipt::SignedReceipt {
                        receipt: receipt::Receipt {
                            channel: c.keys.channel,
                            amount: a,
                            bytes: bytes(a),
                        },
                        signature: r.signature,
                    },
                    settled: amount(i),
                    deposit: 100 * UNIT,
                    price_per_gib: UNIT,
                }
            })
            .collect();
        let addresses: Vec<Pubkey> = agg.iter().map(|e| e.channel).collect();
        let aggregated = batch::aggregate(&agg).expect("valid receipts aggregate");
        let agg_ix = ix::DEFAULT.settle_many_agg(
            p.authority.pubkey(),
            m.keys.market,
            p.provider,
            &addresses,
            aggregated,
            None,
        );
        let tables = [env.lookup_table(&addresses).await];
        let settle_many_agg = env
            .send_with_tables(&[agg_ix], &[&p.authority], &tables)
            .await;
        let ok = |o: &crate::Outcome| o.result.is_ok().then_some(o.units);
        out.push(SettleCosts {
            k,
            settle_many: ok(&settle_many),
            settle_many_agg: ok(&settle_many_agg),
        });
    }
    out
}
