//! Giving memory a burst freed back to the system. glibc keeps what a burst of work freed in its
//! per-thread arenas (64 MB regions): after 1,000 sockets connected at once and each read and
//! sent its replay, the server held about 480 MB more than before, nearly all of it free inside
//! those arenas (benchmark B2 prints which mappings grew). `BurstTrim` asks glibc to return free
//! pages (`malloc_trim`) once a burst has been quiet for `QUIET_MS`: what is live stays, what
//! was freed goes back. A no-op where the allocator is not glibc's.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How long a burst must have been quiet before the trim.
pub const QUIET_MS: i64 = 300;
const TICK: Duration = Duration::from_millis(100);

pub struct BurstTrim {
    pending: AtomicBool,
    /// When work of the burst last ended (ms since `started`).
    last_ms: AtomicI64,
    started: std::time::Instant,
}

impl BurstTrim {
    fn new() -> BurstTrim {
        BurstTrim {
            pending: AtomicBool::new(false),
            last_ms: AtomicI64::new(0),
            started: std::time::Instant::now(),
        }
    }

    /// Starts the task that trims after each quiet burst (on the current tokio runtime).
    pub fn start() -> Arc<BurstTrim> {
        let trim = Arc::new(BurstTrim::new());
        let task = trim.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(TICK);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if task.due(task.now_ms()) {
                    let _ = tokio::task::spawn_blocking(release_free_memory).await;
                }
            }
        });
        trim
    }

    /// Records that a piece of a burst's work just ended (a socket's replay was sent).
    pub fn note(&self) {
        self.last_ms.store(self.now_ms(), Ordering::Relaxed);
        self.pending.store(true, Ordering::Release);
    }

    /// Whether a trim is due at `now_ms`: work was noted and none for `QUIET_MS`. Claims it.
    fn due(&self, now_ms: i64) -> bool {
        self.pending.load(Ordering::Acquire)
            && now_ms - self.last_ms.load(Ordering::Relaxed) >= QUIET_MS
            && self.pending.swap(false, Ordering::AcqRel)
    }

    fn now_ms(&self) -> i64 {
        self.started.elapsed().as_millis() as i64
    }
}

/// Returns the allocator's free pages to the system.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` only walks glibc's own arenas under their locks; it takes no
    // pointers from us and is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trim_waits_for_a_quiet_burst_and_runs_once() {
        let trim = BurstTrim::new();
        assert!(!trim.due(1_000), "nothing noted");
        trim.last_ms.store(1_000, Ordering::Relaxed);
        trim.pending.store(true, Ordering::Release);
        // (now, due?) in order: still busy, quiet long enough, already claimed.
        for (now, want) in [(1_100, false), (1_000 + QUIET_MS, true), (2_000, false)] {
            assert_eq!(trim.due(now), want, "at {now}");
        }
    }
}
