//! Validation of function bodies, the bulk of loading a module: on the calling thread, or (std builds, large
//! modules) spread over several threads, with the same outcome either way.

use alloc::vec::Vec;

use wasmparser::{BinaryReaderError, FuncToValidate, FuncValidatorAllocations, FunctionBody, ValidatorResources};

/// Below this much function code, bodies are validated on the calling thread: starting threads would cost
/// more than they save (validation runs at roughly 7 ns per byte, a thread starts in tens of microseconds).
#[cfg(feature = "std")]
pub(crate) const PARALLEL_MIN_CODE_BYTES: u64 = 256 << 10;

/// A function body waiting for validation, with its place in the module.
type Pending<'a> = (FuncToValidate<ValidatorResources>, FunctionBody<'a>);

/// Function bodies of one module, validated as they arrive or gathered to be validated together.
pub(crate) struct BodyValidator<'a> {
    /// Bodies gathered so far (empty when validating as they arrive).
    pending: Vec<Pending<'a>>,
    /// Threads asked for (`None`: one per core).
    threads: Option<usize>,
    /// Threads to validate the gathered bodies on; 1 (validate each body as it arrives) until the code section
    /// turns out large enough.
    parallel: usize,
    allocs: FuncValidatorAllocations,
}

impl<'a> BodyValidator<'a> {
    /// A validator using up to `threads` threads for a large module (`None`: as many as the host has cores;
    /// always one thread in `no_std` builds).
    pub(crate) fn new(threads: Option<usize>) -> Self {
        BodyValidator { pending: Vec::new(), threads, parallel: 1, allocs: FuncValidatorAllocations::default() }
    }

    /// The code section, `bytes` long, starts: from here on, bodies are gathered if it is large enough to be
    /// worth more threads. Small modules never ask how many cores there are (that costs system calls).
    pub(crate) fn code_section(&mut self, bytes: u64) {
        #[cfg(feature = "std")]
        if bytes >= PARALLEL_MIN_CODE_BYTES {
            self.parallel = self.threads.unwrap_or_else(parallel::cores).max(1);
        }
        #[cfg(not(feature = "std"))]
        let _ = (bytes, self.threads);
    }

    /// Validates `body` now, or keeps it for [`BodyValidator::finish`].
    pub(crate) fn push(
        &mut self,
        func: FuncToValidate<ValidatorResources>,
        body: FunctionBody<'a>,
    ) -> Result<(), BinaryReaderError> {
        if self.parallel > 1 {
            self.pending.push((func, body));
            return Ok(());
        }
        let allocs = core::mem::take(&mut self.allocs);
        self.allocs = validate_one(func, &body, allocs)?;
        Ok(())
    }

    /// Validates the bodies kept so far; the error is the one of the first invalid body in module order, as
    /// if they had been validated one by one.
    pub(crate) fn finish(self) -> Result<(), BinaryReaderError> {
        #[cfg(feature = "std")]
        if self.parallel > 1 {
            return parallel::validate(self.pending, self.parallel);
        }
        let mut allocs = self.allocs;
        for (func, body) in self.pending {
            allocs = validate_one(func, &body, allocs)?;
        }
        Ok(())
    }
}

/// Validates one body, reusing and handing back the validator's allocations.
fn validate_one(
    func: FuncToValidate<ValidatorResources>,
    body: &FunctionBody<'_>,
    allocs: FuncValidatorAllocations,
) -> Result<FuncValidatorAllocations, BinaryReaderError> {
    let mut validator = func.into_validator(allocs);
    validator.validate(body)?;
    Ok(validator.into_allocations())
}

#[cfg(feature = "std")]
mod parallel {
    use alloc::vec::Vec;
    use core::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;

    use wasmparser::{BinaryReaderError, FuncValidatorAllocations};

    use super::{validate_one, Pending};

    /// Bodies a thread takes from the shared queue at once: few enough to keep the threads' shares even
    /// (one body can be a hundred kilobytes), many enough that the lock is rarely contended.
    const BATCH: usize = 16;

    /// The host's cores (asked once per process).
    pub(super) fn cores() -> usize {
        static CORES: AtomicUsize = AtomicUsize::new(0);
        match CORES.load(Ordering::Relaxed) {
            0 => {
                let n = std::thread::available_parallelism().map_or(1, |n| n.get());
                CORES.store(n, Ordering::Relaxed);
                n
            }
            n => n,
        }
    }

    /// Validates `pending` on up to `threads` threads (the calling one included).
    pub(super) fn validate(pending: Vec<Pending<'_>>, threads: usize) -> Result<(), BinaryReaderError> {
        let queue = Mutex::new(pending.into_iter().enumerate());
        // The first invalid body found so far, by module order: bodies after it need no validation.
        let first_invalid = AtomicUsize::new(usize::MAX);
        let errors: Mutex<Vec<(usize, BinaryReaderError)>> = Mutex::new(Vec::new());
        let work = || {
            let mut allocs = FuncValidatorAllocations::default();
            loop {
                let batch: Vec<_> = match queue.lock() {
                    Ok(mut queue) => queue.by_ref().take(BATCH).collect(),
                    Err(_) => return,
                };
                if batch.is_empty() {
                    return;
                }
                for (index, (func, body)) in batch {
                    if index > first_invalid.load(Ordering::Relaxed) {
                        continue;
                    }
                    match validate_one(func, &body, core::mem::take(&mut allocs)) {
                        Ok(back) => allocs = back,
                        Err(e) => {
                            first_invalid.fetch_min(index, Ordering::Relaxed);
                            if let Ok(mut errors) = errors.lock() {
                                errors.push((index, e));
                            }
                        }
                    }
                }
            }
        };
        std::thread::scope(|scope| {
            for _ in 1..threads {
                // A thread that cannot start leaves its share to the others.
                let _ = std::thread::Builder::new().spawn_scoped(scope, work);
            }
            work();
        });
        let errors = errors.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
        match errors.into_iter().min_by_key(|(index, _)| *index) {
            Some((_, e)) => Err(e),
            None => Ok(()),
        }
    }
}
