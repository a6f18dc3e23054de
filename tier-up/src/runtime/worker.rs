//! Background compilation: one worker thread per process turns Cranelift functions into machine code while
//! the interpreter keeps running them. Translation to Cranelift IR happens before, on the store's thread (it
//! reads the store); placing the code in a store's code memory happens after, on the store's thread too, the
//! next time the interpreter asks about the function.

use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use cranelift_codegen::ir::Function;

use crate::code::{compile_detached, Compiled};

/// A finished compilation.
pub struct Done {
    /// The code, or why there is none.
    pub result: Result<Compiled, String>,
    /// Time the worker spent on it.
    pub time: Duration,
}

struct Job {
    func: Function,
    reply: Sender<Done>,
}

/// The worker's queue, started on first use; `None` if the thread cannot be started.
fn queue() -> Option<&'static Sender<Job>> {
    static QUEUE: OnceLock<Option<Sender<Job>>> = OnceLock::new();
    QUEUE
        .get_or_init(|| {
            let (tx, rx) = channel::<Job>();
            let worker = std::thread::Builder::new().name("ember-tier-up".into()).spawn(move || {
                for job in rx {
                    let start = Instant::now();
                    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| compile_detached(job.func)))
                        .unwrap_or_else(|_| Err("Cranelift panicked".into()));
                    // The store may be gone: nobody to tell, nothing to do.
                    let _ = job.reply.send(Done { result, time: start.elapsed() });
                }
            });
            worker.ok().map(|_| tx)
        })
        .as_ref()
}

/// Queues `func` for compilation; the answer arrives on the returned receiver. Gives `func` back if no
/// worker can run (the caller then compiles it itself).
pub fn submit(func: Function) -> Result<Receiver<Done>, Box<Function>> {
    let Some(queue) = queue() else { return Err(Box::new(func)) };
    let (reply, answer) = channel();
    match queue.send(Job { func, reply }) {
        Ok(()) => Ok(answer),
        Err(e) => Err(Box::new(e.0.func)),
    }
}
