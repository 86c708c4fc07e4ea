//! The provider's receipt store: every refusal, monotonicity, group commits, persistence,
//! crash safety and refusal of a damaged store.
use anchor_lang::prelude::Pubkey;
use bandwidth_client::receipts::{
    sign_receipt,
    store::{Accepted, ChannelTerms, GroupCommitter, ReceiptStore, Rejected},
};
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::{
    io::{BufRead, BufReader},
    path::Path,
    process::{Command, Stdio},
};

struct Fixture {
    signer: Keypair,
    terms: ChannelTerms,
}

fn fixture(deposit: u64) -> Fixture {
    let signer = Keypair::new();
    let terms = ChannelTerms {
        channel: Pubkey::new_unique(),
        market: Pubkey::new_unique(),
        signer: signer.pubkey(),
        deposit,
    };
    Fixture { signer, terms }
}

impl Fixture {
    fn receipt(&self, amount: u64, bytes: u64) -> bandwidth_settlement::receipt::SignedReceipt {
        sign_receipt(&self.signer, &self.terms.channel, amount, bytes)
    }
}

#[test]
fn accepts_only_verified_growing_receipts_within_the_deposit() {
    let mut store = ReceiptStore::in_memory().unwrap();
    let f = fixture(1_000);
    let stranger = fixture(1_000);
    assert_eq!(
        store.accept(&f.receipt(10, 10)).unwrap(),
        Err(Rejected::UnknownChannel(f.terms.channel))
    );
    store.add_channel(f.terms).unwrap();

    assert_eq!(
        store.accept(&f.receipt(100, 1_000)).unwrap(),
        Ok(Accepted::New { previous: 0 })
    );
    assert_eq!(
        store.accept(&f.receipt(100, 1_000)).unwrap(),
        Ok(Accepted::Duplicate)
    );
    assert_eq!(
        store.accept(&f.receipt(100, 2_000)).unwrap(),
        Err(Rejected::NotAboveBest {
            amount: 100,
            best: 100
        })
    );
    assert_eq!(
        store.accept(&f.receipt(99, 2_000)).unwrap(),
        Err(Rejected::NotAboveBest {
            amount: 99,
            best: 100
        })
    );
    // Fewer bytes than the best receipt: the amount alone decides (PROTOCOL v2 §4), as
    // on-chain, so a buyer cannot make the provider refuse a better-paying receipt.
    assert_eq!(
        store.accept(&f.receipt(200, 999)).unwrap(),
        Ok(Accepted::New { previous: 100 })
    );
    assert_eq!(
        store.accept(&f.receipt(1_001, 5_000)).unwrap(),
        Err(Rejected::ExceedsDeposit {
            amount: 1_001,
            deposit: 1_000
        })
    );
    // Signed by someone else; tampered amount; a receipt of another channel re-addressed.
    let forged = sign_receipt(&stranger.signer, &f.terms.channel, 300, 3_000);
    let mut tampered = f.receipt(300, 3_000);
    tampered.receipt.amount = 301;
    let mut moved = stranger.receipt(300, 3_000);
    moved.receipt.channel = f.terms.channel;
    for bad in [forged, tampered, moved] {
        assert_eq!(store.accept(&bad).unwrap(), Err(Rejected::InvalidSignature));
    }
    assert_eq!(store.best(&f.terms.channel).unwrap(), f.receipt(200, 999));

    // A top-up raises the deposit; it never lowers it.
    store
        .add_channel(ChannelTerms {
            deposit: 2_000,
            ..f.terms
        })
        .unwrap();
    store
        .add_channel(ChannelTerms {
            deposit: 500,
            ..f.terms
        })
        .unwrap();
    assert_eq!(
        store.channel(&f.terms.channel).unwrap().terms.deposit,
        2_000
    );
    assert!(store.accept(&f.receipt(1_500, 5_000)).unwrap().is_ok());
    // A signer that can never sign (not on the curve, or small-order) is refused outright.
    let off_curve = Pubkey::new_from_array([2; 32]);
    assert!(store
        .add_channel(ChannelTerms {
            channel: Pubkey::new_unique(),
            signer: off_curve,
            ..f.terms
        })
        .is_err());
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let identity = Pubkey::new_from_array(identity);
    assert!(store
        .add_channel(ChannelTerms {
            channel: Pubkey::new_unique(),
            signer: identity,
            ..f.terms
        })
        .is_err());
    // Another signer for a known channel is refused.
    assert!(store
        .add_channel(ChannelTerms {
            signer: Pubkey::new_unique(),
            ..f.terms
        })
        .is_err());

    // What the chain settled bounds what is accepted next; a closed channel takes nothing.
    store
        .record_settled(&f.terms.channel, 1_600, 6_000)
        .unwrap();
    assert_eq!(store.channel(&f.terms.channel).unwrap().unsettled(), 0);
    store.record_closed(&f.terms.channel).unwrap();
    assert_eq!(
        store.accept(&f.receipt(1_900, 9_000)).unwrap(),
        Err(Rejected::ChannelClosed(f.terms.channel))
    );
}

#[test]
fn a_batch_judges_receipts_in_order_and_commits_once() {
    let mut store = ReceiptStore::in_memory().unwrap();
    let (a, b) = (fixture(1_000), fixture(1_000));
    store.add_channel(a.terms).unwrap();
    store.add_channel(b.terms).unwrap();
    let batch = [
        a.receipt(10, 1),
        b.receipt(5, 1),
        a.receipt(20, 2),
        a.receipt(15, 3), // below the 20 accepted just before, in the same batch
        b.receipt(2_000, 2),
    ];
    let verdicts = store.accept_batch(&batch).unwrap();
    assert_eq!(
        verdicts,
        vec![
            Ok(Accepted::New { previous: 0 }),
            Ok(Accepted::New { previous: 0 }),
            Ok(Accepted::New { previous: 10 }),
            Err(Rejected::NotAboveBest {
                amount: 15,
                best: 20
            }),
            Err(Rejected::ExceedsDeposit {
                amount: 2_000,
                deposit: 1_000
            }),
        ]
    );
    assert_eq!(store.best(&a.terms.channel).unwrap().receipt.amount, 20);
    assert_eq!(store.best_on_disk(&a.terms.channel).unwrap(), Some((20, 2)));
    assert_eq!(store.best_on_disk(&b.terms.channel).unwrap(), Some((5, 1)));
}

#[test]
fn receipts_survive_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("receipts.sqlite");
    let f = fixture(u64::MAX);
    {
        let mut store = ReceiptStore::open(&path).unwrap();
        store.add_channel(f.terms).unwrap();
        // u64 values above i64::MAX round-trip through SQLite's signed integers.
        store
            .accept(&f.receipt(u64::MAX - 1, u64::MAX))
            .unwrap()
            .unwrap();
        store.record_closing(&f.terms.channel, 1_234).unwrap();
    }
    let store = ReceiptStore::open(&path).unwrap();
    let c = store.channel(&f.terms.channel).unwrap();
    assert_eq!(c.best.unwrap(), f.receipt(u64::MAX - 1, u64::MAX));
    assert_eq!((c.close_deadline, c.terms), (Some(1_234), f.terms));
}

#[test]
fn the_group_committer_serves_many_threads() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = ReceiptStore::open(dir.path().join("r.sqlite")).unwrap();
    let channels: Vec<Fixture> = (0..8).map(|_| fixture(u64::MAX)).collect();
    for c in &channels {
        store.add_channel(c.terms).unwrap();
    }
    let committer = GroupCommitter::start(store, 256);
    std::thread::scope(|s| {
        for c in &channels {
            let handle = committer.handle();
            s.spawn(move || {
                for i in 1..=200u64 {
                    let verdict = handle.accept(c.receipt(i, i), &c.terms.signer).unwrap();
                    assert_eq!(verdict, Ok(Accepted::New { previous: i - 1 }));
                }
            });
        }
    });
    let store = committer.stop();
    let store = store.lock().unwrap();
    for c in &channels {
        assert_eq!(
            store.best_on_disk(&c.terms.channel).unwrap(),
            Some((200, 200))
        );
    }
}

const CHILD: &str = "BWX_STORE_CRASH_CHILD";

/// Writes growing receipts into the store at `$BWX_STORE_CRASH_CHILD` forever, printing each
/// amount once it is durable, until the parent kills it.
fn crash_child(path: &Path) -> ! {
    let seed: [u8; 64] = std::fs::read(path.with_extension("key"))
        .unwrap()
        .try_into()
        .unwrap();
    let signer = Keypair::try_from(&seed[..]).unwrap();
    let channel: Pubkey = std::fs::read_to_string(path.with_extension("channel"))
        .unwrap()
        .parse()
        .unwrap();
    let mut store = ReceiptStore::open(path).unwrap();
    let start = store.best(&channel).map(|b| b.receipt.amount).unwrap_or(0);
    let mut amount = start;
    loop {
        // Alternate single commits and group commits.
        let batch: Vec<_> = (1..=1 + amount % 7)
            .map(|k| sign_receipt(&signer, &channel, amount + k, amount + k))
            .collect();
        let verdicts = store.accept_batch(&batch).unwrap();
        assert!(verdicts.iter().all(|v| v.is_ok()));
        amount += batch.len() as u64;
        println!("durable {amount}");
    }
}

/// A writer killed (SIGKILL) in the middle of writing never loses the last receipt it
/// reported durable, and never leaves a store that fails to open or verify.
#[test]
fn a_writer_killed_mid_write_loses_nothing_acknowledged() {
    if let Some(path) = std::env::var_os(CHILD) {
        crash_child(Path::new(&path));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("receipts.sqlite");
    let f = fixture(u64::MAX);
    std::fs::write(path.with_extension("key"), f.signer.to_bytes()).unwrap();
    std::fs::write(path.with_extension("channel"), f.terms.channel.to_string()).unwrap();
    ReceiptStore::open(&path)
        .unwrap()
        .add_channel(f.terms)
        .unwrap();

    let mut last_durable = 0;
    for (round, kill_after) in [37u64, 211, 5, 420].into_iter().enumerate() {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "a_writer_killed_mid_write_loses_nothing_acknowledged",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD, &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut seen = 0;
        while seen < kill_after {
            let line = lines.next().expect("child output").unwrap();
            if let Some(n) = line.strip_prefix("durable ") {
                last_durable = n.parse().unwrap();
                seen += 1;
            }
        }
        child.kill().unwrap(); // SIGKILL: no destructor, no clean close
        child.wait().unwrap();

        let store = ReceiptStore::open(&path).unwrap_or_else(|e| panic!("round {round}: {e}"));
        let best = store.best(&f.terms.channel).expect("a best receipt");
        assert!(
            best.receipt.amount >= last_durable,
            "round {round}: lost {last_durable}"
        );
        assert!(best.verify(&f.signer.pubkey()));
        last_durable = best.receipt.amount;
    }
}

fn damaged_store_is_refused(damage: impl FnOnce(&Path)) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("receipts.sqlite");
    let f = fixture(1_000_000);
    {
        let mut store = ReceiptStore::open(&path).unwrap();
        store.add_channel(f.terms).unwrap();
        store.accept(&f.receipt(500_000, 42)).unwrap().unwrap();
    } // closing the last connection checkpoints the WAL into the database file
    damage(&path);
    let err = ReceiptStore::open(&path)
        .err()
        .expect("a damaged store must be refused");
    assert!(
        err.to_string().contains("damaged") || err.to_string().contains("not a database"),
        "{err}"
    );
}

#[test]
fn a_row_edited_behind_the_stores_back_is_refused() {
    damaged_store_is_refused(|path| {
        let conn = rusqlite::Connection::open(path).unwrap();
        conn.execute("UPDATE channels SET best_amount = best_amount + 1", [])
            .unwrap();
    });
    damaged_store_is_refused(|path| {
        let conn = rusqlite::Connection::open(path).unwrap();
        conn.execute("UPDATE channels SET deposit = 1", []).unwrap();
    });
}

fn flip_in_file(path: &Path, needle: &[u8]) {
    let mut bytes = std::fs::read(path).unwrap();
    let at = bytes
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("value present in the file");
    bytes[at + needle.len() / 2] ^= 0x01;
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn a_bit_flipped_on_disk_is_refused() {
    // A flipped bit in the stored signature, or in the stored channel key.
    damaged_store_is_refused(|path| {
        let conn = rusqlite::Connection::open(path).unwrap();
        let sig: Vec<u8> = conn
            .query_row("SELECT best_signature FROM channels", [], |r| r.get(0))
            .unwrap();
        drop(conn);
        flip_in_file(path, &sig);
    });
    damaged_store_is_refused(|path| {
        let conn = rusqlite::Connection::open(path).unwrap();
        let key: Vec<u8> = conn
            .query_row("SELECT signer FROM channels", [], |r| r.get(0))
            .unwrap();
        drop(conn);
        flip_in_file(path, &key);
    });
}

#[test]
fn a_torn_or_overwritten_file_is_refused() {
    // Garbage over the file header.
    damaged_store_is_refused(|path| {
        let mut bytes = std::fs::read(path).unwrap();
        for b in &mut bytes[..64] {
            *b ^= 0x5a;
        }
        std::fs::write(path, bytes).unwrap();
    });
    // A file cut short mid-page.
    damaged_store_is_refused(|path| {
        let bytes = std::fs::read(path).unwrap();
        std::fs::write(path, &bytes[..bytes.len() - 1_500]).unwrap();
    });
}
