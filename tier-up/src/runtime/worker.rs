//! Background compilation: one worker thread per process translates hot functions to Cranelift IR and
//! compiles them to machine code while the interpreter keeps running them. The store's thread only copies
//! the instance's layout (once per instance) and queues the job; placing the code in the store's code memory
//! happens on the store's thread, the next time the interpreter asks about the function.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use super::env::InstanceLayout;
use crate::code::Compiled;

/// A finished compilation.
pub struct Done {
    /// The code, or why there is none.
    pub result: Result<Compiled, String>,
    /// Time the worker spent on it (translation and compilation).
    pub time: Duration,
}

/// One function (or one of its loop entries) to translate and compile.
pub(crate) struct Job {
    /// The layout of the function's instance.
    pub layout: Arc<InstanceLayout>,
    /// The function's index in its module.
    pub index: u32,
    /// Where the code is entered: the function's start, or its loops (on-stack replacement).
    pub entry: crate::translate::Entry,
    /// Set when the store that asked is gone: the job is skipped.
    pub cancelled: Arc<AtomicBool>,
}

/// Translates and compiles `job` on the calling thread. A translator or Cranelift bug must not take the
/// program down (this may run inside a helper, where a panic cannot unwind): the function just stays
/// interpreted.
pub(crate) fn run(job: &Job) -> Result<Compiled, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let target = crate::code::target()?;
        let layout = &*job.layout;
        let clif = crate::translate::translate_function(layout.module(), job.index, layout, target, job.entry)
            .map_err(|e| e.to_string())?;
        crate::code::compile_detached(clif)
    }))
    .unwrap_or_else(|_| Err("the translator or Cranelift panicked".into()))
}

/// Jobs queued or being compiled, process-wide.
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

/// Number of compilations queued or running on the worker thread, over all stores of the process.
pub fn background_jobs() -> usize {
    IN_FLIGHT.load(Ordering::Relaxed)
}

/// A queued job and where its answer goes.
type Queued = (Job, Sender<Done>);

/// The worker's queue, started on first use; `None` if the thread cannot be started.
fn queue() -> Option<&'static Sender<Queued>> {
    static QUEUE: OnceLock<Option<Sender<Queued>>> = OnceLock::new();
    QUEUE
        .get_or_init(|| {
            let (tx, rx) = channel::<Queued>();
            let worker = std::thread::Builder::new().name("ember-tier-up".into()).spawn(move || {
                for (job, reply) in rx {
                    // A dropped store's queue is not worth the CPU: a short run would otherwise leave
                    // seconds of compilation behind it, competing with whatever runs next.
                    if !job.cancelled.load(Ordering::Relaxed) {
                        let start = Instant::now();
                        let result = run(&job);
                        // The store may be gone: nobody to tell, nothing to do.
                        let _ = reply.send(Done { result, time: start.elapsed() });
                    }
                    IN_FLIGHT.fetch_sub(1, Ordering::Relaxed);
                }
            });
            worker.ok().map(|_| tx)
        })
        .as_ref()
}

/// Queues `job`; the answer arrives on the returned receiver. Gives the job back if no worker can run (the
/// caller then compiles it itself).
pub(crate) fn submit(job: Job) -> Result<Receiver<Done>, Box<Job>> {
    let Some(queue) = queue() else { return Err(Box::new(job)) };
    let (reply, answer) = channel();
    IN_FLIGHT.fetch_add(1, Ordering::Relaxed);
    match queue.send((job, reply)) {
        Ok(()) => Ok(answer),
        Err(e) => {
            IN_FLIGHT.fetch_sub(1, Ordering::Relaxed);
            Err(Box::new(e.0 .0))
        }
    }
}
