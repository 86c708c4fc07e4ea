//! Signature verification on threads of its own (one per core), in exact batches gathered
//! across requests: a request of one receipt is verified with the receipts of the other
//! requests waiting at the same time (ADR 0012).
use crate::metrics::Metrics;
use bandwidth_client::receipts::verify::{self, PreparedSigner};
use bandwidth_settlement::receipt::SignedReceipt;
use std::sync::{mpsc, Arc, Mutex};

struct VerifyJob {
    items: Vec<(SignedReceipt, PreparedSigner)>,
    reply: tokio::sync::oneshot::Sender<Vec<bool>>,
}

/// Signature verification on its own threads (one per core), in batches gathered across
/// requests: a request of one receipt is verified with the receipts of the other requests
/// waiting at the same time.
pub struct VerifierPool {
    threads_n: usize,
    sender: Mutex<Option<mpsc::Sender<VerifyJob>>>,
    threads: Mutex<Vec<std::thread::JoinHandle<()>>>,
}

/// Receipts a verifier thread gathers into one batch at most.
pub const VERIFY_BATCH: usize = 256;

impl VerifierPool {
    pub fn start(threads: usize, batch: bool, metrics: Arc<Metrics>) -> VerifierPool {
        let (sender, receiver) = mpsc::channel::<VerifyJob>();
        let receiver = Arc::new(Mutex::new(receiver));
        let handles = (0..threads.max(1))
            .map(|_| {
                let (receiver, metrics) = (receiver.clone(), metrics.clone());
                std::thread::spawn(move || loop {
                    let jobs = {
                        let queue = receiver.lock().unwrap_or_else(|p| p.into_inner());
                        let Ok(first) = queue.recv() else { return };
                        let mut total = first.items.len();
                        let mut jobs = vec![first];
                        // Half a batch gathered is enough: the rest is left to the other
                        // threads (a large request, split in two, runs on both cores).
                        while total < VERIFY_BATCH / 2 {
                            match queue.try_recv() {
                                Ok(job) => {
                                    total += job.items.len();
                                    jobs.push(job);
                                }
                                Err(_) => break,
                            }
                        }
                        jobs
                    };
                    run_jobs(jobs, batch, &metrics);
                })
            })
            .collect();
        VerifierPool {
            threads_n: threads.max(1),
            sender: Mutex::new(Some(sender)),
            threads: Mutex::new(handles),
        }
    }

    pub async fn verify(
        &self,
        items: Vec<(SignedReceipt, PreparedSigner)>,
    ) -> Result<Vec<bool>, String> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let sender = self
            .sender
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let Some(sender) = sender else {
            return Err("the node is shutting down".into());
        };
        // A large request is split, so that every core takes part.
        let chunk = items
            .len()
            .div_ceil(self.threads_n)
            .clamp(verify::MIN_BATCH * 8, VERIFY_BATCH / 2);
        if items.len() > chunk {
            let mut answers = vec![];
            for chunk in items.chunks(chunk) {
                let (reply, answer) = tokio::sync::oneshot::channel();
                sender
                    .send(VerifyJob {
                        items: chunk.to_vec(),
                        reply,
                    })
                    .map_err(|_| "verifier stopped".to_string())?;
                answers.push(answer);
            }
            let mut out = Vec::with_capacity(items.len());
            for a in answers {
                out.extend(a.await.map_err(|_| "verifier stopped".to_string())?);
            }
            return Ok(out);
        }
        sender
            .send(VerifyJob { items, reply })
            .map_err(|_| "verifier stopped".to_string())?;
        answer.await.map_err(|_| "verifier stopped".to_string())
    }

    /// Lets the threads finish what is queued and end.
    pub fn stop(&self) {
        self.sender.lock().unwrap_or_else(|p| p.into_inner()).take();
        for t in self
            .threads
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .drain(..)
        {
            let _ = t.join();
        }
    }
}

fn run_jobs(jobs: Vec<VerifyJob>, batch: bool, metrics: &Metrics) {
    let all: Vec<(SignedReceipt, PreparedSigner)> =
        jobs.iter().flat_map(|j| j.items.iter().copied()).collect();
    metrics.verified_batches.inc();
    metrics.verified_receipts.inc_by(all.len() as u64);
    if !batch {
        for job in jobs {
            let verdicts = job
                .items
                .iter()
                .map(|(r, s)| verify::verify_one(r, s))
                .collect();
            let _ = job.reply.send(verdicts);
        }
        return;
    }
    if jobs.len() > 1 && verify::all_valid(&all) {
        for job in jobs {
            let n = job.items.len();
            let _ = job.reply.send(vec![true; n]);
        }
        return;
    }
    // One job alone, or a bad signature somewhere: each request on its own, so that one
    // request's invalid receipts cost only that request the single verifications.
    for job in jobs {
        let verdicts = verify::verify_batch(&job.items);
        let _ = job.reply.send(verdicts);
    }
}
