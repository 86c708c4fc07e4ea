//! The group committer: receipts arriving concurrently, committed many at a time, each caller
//! answered once its receipts are durable.
use super::{
    book::{locked, SharedStore},
    store::{Checked, ReceiptStore, Verdict},
};
use crate::errors::ClientError;
use anchor_lang::prelude::Pubkey;
use bandwidth_settlement::receipt::SignedReceipt;
use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex,
    },
    thread::JoinHandle,
    time::Duration,
};

type Reply = tokio::sync::oneshot::Sender<Result<Vec<Verdict>, String>>;

struct Job {
    receipts: Vec<SignedReceipt>,
    checked: Vec<Option<Checked>>,
    reply: Reply,
}

/// What a [`GroupCommitter`] has done (a node's metrics observe each commit through
/// [`GroupCommitter::start_observed`]).
#[derive(Debug, Default)]
pub struct CommitStats {
    pub commits: AtomicU64,
    pub receipts: AtomicU64,
    pub micros_total: AtomicU64,
}

impl CommitStats {
    fn record(&self, receipts: usize, took: Duration) {
        self.commits.fetch_add(1, Ordering::Relaxed);
        self.receipts.fetch_add(receipts as u64, Ordering::Relaxed);
        self.micros_total
            .fetch_add(took.as_micros() as u64, Ordering::Relaxed);
    }
}

/// Called after each commit with its receipts and how long it took.
pub type CommitObserver = Box<dyn Fn(usize, Duration) + Send>;

/// Batches receipts arriving concurrently (one [`GroupHandle`] per connection or thread) into
/// group commits: each caller waits until its receipts are durable, and the store pays one
/// fsync per batch instead of one per receipt.
///
/// Signatures are verified by the callers, before they queue ([`GroupHandle::accept`] on the
/// caller's thread, a node on its verifier threads): the one commit thread only judges amounts
/// and writes. (It used to verify too, so that with 8 clients each waiting for its receipt a
/// commit held at most 8 receipts and the fsync and the verification never overlapped: 8
/// concurrent clients were slower than one client with batches of 4,096.)
pub struct GroupCommitter {
    sender: std::sync::mpsc::Sender<Job>,
    worker: JoinHandle<()>,
    store: SharedStore,
    stats: Arc<CommitStats>,
}

/// A cloneable, `Send` entry point into a [`GroupCommitter`].
#[derive(Clone)]
pub struct GroupHandle {
    sender: std::sync::mpsc::Sender<Job>,
}

fn stopped() -> ClientError {
    ClientError::Store("group committer stopped".into())
}

impl GroupHandle {
    /// Verifies the receipt on this thread, then blocks until it is judged and, if accepted,
    /// on disk. (Not from an async task: use [`submit`](Self::submit) there.)
    pub fn accept(&self, r: SignedReceipt, signer: &Pubkey) -> Result<Verdict, ClientError> {
        let checked = Checked {
            signer: *signer,
            valid: super::verify::verify_one(&r, &super::verify::PreparedSigner::new(signer)),
        };
        let answer = self.queue(vec![r], vec![Some(checked)])?;
        answer
            .blocking_recv()
            .map_err(|_| stopped())?
            .map_err(ClientError::Store)
            .map(|mut v| v.remove(0))
    }

    /// Queues receipts (with their pre-verified signatures, see
    /// [`ReceiptStore::accept_checked`]) and waits until they are judged and the accepted
    /// ones are on disk: one verdict per receipt, in order.
    pub async fn submit(
        &self,
        receipts: Vec<SignedReceipt>,
        checked: Vec<Option<Checked>>,
    ) -> Result<Vec<Verdict>, ClientError> {
        let answer = self.queue(receipts, checked)?;
        answer
            .await
            .map_err(|_| stopped())?
            .map_err(ClientError::Store)
    }

    fn queue(
        &self,
        receipts: Vec<SignedReceipt>,
        checked: Vec<Option<Checked>>,
    ) -> Result<tokio::sync::oneshot::Receiver<Result<Vec<Verdict>, String>>, ClientError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.sender
            .send(Job {
                receipts,
                checked,
                reply,
            })
            .map_err(|_| stopped())?;
        Ok(answer)
    }
}

impl GroupCommitter {
    /// Takes ownership of `store`; commits at most `max_batch` receipts at a time.
    pub fn start(store: ReceiptStore, max_batch: usize) -> GroupCommitter {
        Self::start_shared(Arc::new(Mutex::new(store)), max_batch)
    }

    /// Commits into a store shared with others (the settlement policy of a node).
    pub fn start_shared(store: SharedStore, max_batch: usize) -> GroupCommitter {
        Self::start_observed(store, max_batch, |_, _| {})
    }

    /// [`start_shared`](Self::start_shared), calling `observe` after each commit with its
    /// receipts and how long it took.
    pub fn start_observed(
        store: SharedStore,
        max_batch: usize,
        observe: impl Fn(usize, Duration) + Send + 'static,
    ) -> GroupCommitter {
        let observe: CommitObserver = Box::new(observe);
        let (sender, receiver) = std::sync::mpsc::channel::<Job>();
        let stats = Arc::new(CommitStats::default());
        let (shared, counters) = (store.clone(), stats.clone());
        let worker = std::thread::spawn(move || {
            while let Ok(first) = receiver.recv() {
                let mut total = first.receipts.len();
                let mut jobs = vec![first];
                // Everything queued while the previous commit was on its fsync goes into this
                // one, up to `max_batch` receipts.
                while total < max_batch.max(1) {
                    match receiver.try_recv() {
                        Ok(job) => {
                            total += job.receipts.len();
                            jobs.push(job);
                        }
                        Err(_) => break,
                    }
                }
                let mut receipts = Vec::with_capacity(total);
                let mut checked = Vec::with_capacity(total);
                let mut replies = Vec::with_capacity(jobs.len());
                for mut job in jobs {
                    let n = job.receipts.len();
                    receipts.append(&mut job.receipts);
                    job.checked.resize(n, None);
                    checked.append(&mut job.checked);
                    replies.push((n, job.reply));
                }
                let started = std::time::Instant::now();
                let result = locked(&shared).accept_checked(&receipts, &checked);
                let took = started.elapsed();
                counters.record(total, took);
                observe(total, took);
                match result {
                    Ok(verdicts) => {
                        let mut verdicts = verdicts.into_iter();
                        for (n, reply) in replies {
                            let _ = reply.send(Ok(verdicts.by_ref().take(n).collect()));
                        }
                    }
                    Err(e) => {
                        for (_, reply) in replies {
                            let _ = reply.send(Err(e.to_string()));
                        }
                    }
                }
            }
        });
        GroupCommitter {
            sender,
            worker,
            store,
            stats,
        }
    }

    pub fn handle(&self) -> GroupHandle {
        GroupHandle {
            sender: self.sender.clone(),
        }
    }

    pub fn stats(&self) -> Arc<CommitStats> {
        self.stats.clone()
    }

    /// The store it commits into.
    pub fn store(&self) -> SharedStore {
        self.store.clone()
    }

    /// Stops once every receipt already queued is committed (and every handle is dropped),
    /// and gives the store back.
    pub fn stop(self) -> SharedStore {
        drop(self.sender);
        self.worker.join().expect("group committer thread");
        self.store
    }
}
