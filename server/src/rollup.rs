//! The roll-up: reads metric events from the change feed after its cursor, recounts each thread
//! they name (`app::domain::metrics::contribution_kept` over the thread's timeline), and moves the
//! kept contribution and the sums of every scope it adds to (workspace, client, campaign; each
//! local day and now) by new − old, with the cursor, in one transaction (`store::metrics::write`).
//! A recount replaces, it never increments, so running it twice over the same events changes
//! nothing. The Reports page reads the sums and recounts the not-yet-rolled tail itself
//! (`scope_sums`). `server rebuild-metrics` recounts every thread from nothing (`rebuild`).

use crate::db::{Db, DbError};
use crate::state::AppState;
use crate::store::inbox::business_hours;
use crate::store::metrics::{self, scopes_of, Kept, ScopeKey, Write};
use crate::store::reports::timelines_of;
use app::domain::metrics::{contribution_kept, Contribution, DayTally, NowTally, OpenHour, Tally};
use app::domain::reply_clock::BusinessHours;
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

/// Metric-event commits one pass reads at most; fewer after passes whose commits were large
/// (`COMMITS_PER_PASS`).
pub const BATCH: usize = 500;
/// Threads one pass recounts at most (whole commits are taken, at least one).
const MAX_THREADS: usize = 1_000;
/// How often the roll-up looks for new events when it has caught up.
const POLL: Duration = Duration::from_secs(1);
/// The most tail commits, and threads, the Reports page recounts; past that (the roll-up is far
/// behind: a large import) it shows the kept sums as they are until the roll-up catches up.
const TAIL_LIMIT: usize = 500;
const TAIL_THREADS: usize = 2_000;

/// A thread's kept contribution and its fresh one (None: gone, archived, or never kept).
#[derive(Clone)]
pub struct Recount {
    pub thread: String,
    pub old: Option<Kept>,
    pub new: Option<Kept>,
}

/// Recounts these threads; `kept` holds what is kept for them (taken out as used).
async fn recount(
    db: &Db,
    threads: &[String],
    mut kept: HashMap<String, Kept>,
    now: i64,
) -> Result<Vec<Recount>, DbError> {
    let fresh = timelines_of(db, threads).await?;
    let mut hours: HashMap<String, Option<BusinessHours>> = HashMap::new();
    let mut out = Vec::with_capacity(threads.len());
    for (place, t) in fresh {
        if !hours.contains_key(&place.workspace) {
            let h = business_hours(db, &place.workspace, now).await?;
            hours.insert(place.workspace.clone(), h);
        }
        let old = kept.remove(&t.thread);
        let frozen = old.as_ref().map(|k| k.frozen.clone()).unwrap_or_default();
        let h = hours.get(&place.workspace).and_then(Option::as_ref);
        let (contribution, frozen) = contribution_kept(&t, h, &frozen);
        out.push(Recount {
            thread: t.thread,
            old,
            new: Some(Kept {
                place: Some(place),
                contribution,
                frozen,
            }),
        });
    }
    // Threads with no timeline any more: their kept contribution is taken away.
    for (thread, old) in kept {
        out.push(Recount {
            thread,
            old: Some(old),
            new: None,
        });
    }
    Ok(out)
}

/// How the sums move: per (scope, day), per scope now and per (scope, hour) open instants, with
/// the scope's workspace.
#[derive(Default)]
struct Deltas {
    days: BTreeMap<(ScopeKey, i64), (String, DayTally)>,
    nows: BTreeMap<ScopeKey, (String, NowTally)>,
    opens: BTreeMap<(ScopeKey, i64), (String, OpenHour)>,
}

/// Adds `sign` times each keyed tally to the slot of (scope, key).
fn add_keyed<T: Tally + Default>(
    into: &mut BTreeMap<(ScopeKey, i64), (String, T)>,
    scope: &ScopeKey,
    ws: &str,
    from: &BTreeMap<i64, T>,
    sign: i64,
) {
    for (n, tally) in from {
        let slot = into
            .entry((scope.clone(), *n))
            .or_insert_with(|| (ws.to_string(), T::default()));
        slot.1.absorb(tally, sign);
    }
}

impl Deltas {
    fn add(&mut self, kept: &Kept, sign: i64) {
        let Some(place) = &kept.place else { return };
        let (ws, c) = (&place.workspace, &kept.contribution);
        for scope in scopes_of(place) {
            add_keyed(&mut self.days, &scope, ws, &c.days, sign);
            add_keyed(&mut self.opens, &scope, ws, &c.open, sign);
            let slot = self
                .nows
                .entry(scope)
                .or_insert_with(|| (place.workspace.clone(), NowTally::default()));
            slot.1.absorb(&kept.contribution.now, sign);
        }
    }

    fn of(recounts: &[Recount]) -> Deltas {
        let mut d = Deltas::default();
        for r in recounts {
            if let Some(old) = &r.old {
                d.add(old, -1);
            }
            if let Some(new) = &r.new {
                d.add(new, 1);
            }
        }
        d
    }
}

/// Each kept sum moved by its delta (a sum not kept yet starts from nothing), with its workspace.
fn moved<K: Ord + std::hash::Hash + Eq, T: Tally + Default>(
    deltas: BTreeMap<K, (String, T)>,
    kept: &mut HashMap<K, T>,
) -> Vec<(K, String, T)> {
    deltas
        .into_iter()
        .map(|(key, (ws, delta))| {
            let mut sum = kept.remove(&key).unwrap_or_default();
            sum.absorb(&delta, 1);
            (key, ws, sum)
        })
        .collect()
}

/// Adds the recounts to the kept sums and writes both; false when another roll-up wrote first.
async fn apply(
    db: &Db,
    recounts: Vec<Recount>,
    expected: metrics::Cursor,
    versionstamp: i64,
) -> Result<bool, DbError> {
    let deltas = Deltas::of(&recounts);
    let day_keys: Vec<(ScopeKey, i64)> = deltas.days.keys().cloned().collect();
    let now_keys: Vec<ScopeKey> = deltas.nows.keys().cloned().collect();
    let open_keys: Vec<(ScopeKey, i64)> = deltas.opens.keys().cloned().collect();
    let mut kept = metrics::sums(db, &day_keys, &now_keys, &open_keys).await?;
    let write = Write {
        expected,
        versionstamp,
        threads: recounts.into_iter().map(|r| (r.thread, r.new)).collect(),
        days: moved(deltas.days, &mut kept.days),
        nows: moved(deltas.nows, &mut kept.nows),
        opens: moved(deltas.opens, &mut kept.opens),
    };
    metrics::write(db, &write).await
}

fn distinct_threads<'a>(threads: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut out: Vec<String> = threads.cloned().collect();
    out.sort();
    out.dedup();
    out
}

/// The first commits' events (in versionstamp order) naming at most `MAX_THREADS` threads, or the
/// first commit's alone when it names more.
fn within_thread_budget(changes: Vec<metrics::Change>) -> Vec<metrics::Change> {
    let mut seen = std::collections::HashSet::new();
    let mut end = 0;
    for (i, c) in changes.iter().enumerate() {
        let commit_ends = changes
            .get(i + 1)
            .is_none_or(|n| n.versionstamp != c.versionstamp);
        seen.insert(&c.thread);
        if commit_ends {
            if seen.len() > MAX_THREADS && end > 0 {
                break;
            }
            end = i + 1;
        }
    }
    let mut changes = changes;
    changes.truncate(end);
    changes
}

/// How many commits the next pass reads: a read costs what it holds, so after a pass that could
/// take only part of what it read (large commits: an import, a bulk write) the next reads half as
/// many; after one that took all, twice as many, up to `BATCH`.
static COMMITS_PER_PASS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(64);

fn next_commits_per_pass(read: usize, taken: usize, limit: usize) -> usize {
    if taken < read {
        (limit / 2).max(1)
    } else if read == limit {
        (limit * 2).min(BATCH)
    } else {
        limit
    }
}

fn commits(changes: &[metrics::Change]) -> usize {
    let mut stamps: Vec<i64> = changes.iter().map(|c| c.versionstamp).collect();
    stamps.dedup();
    stamps.len()
}

/// One pass over the next commits of the change feed; returns how many commits it rolled up (0:
/// none waiting, or another roll-up wrote first and the next pass takes them).
pub async fn roll_up_once(db: &Db, now: i64) -> Result<usize, DbError> {
    use std::sync::atomic::Ordering::Relaxed;
    let cursor = metrics::cursor(db).await?;
    let limit = COMMITS_PER_PASS.load(Relaxed);
    let feed = metrics::changes_since(db, cursor.versionstamp, limit).await?;
    let Some(read_up_to) = feed.last else {
        return Ok(0);
    };
    let read_commits = commits(&feed.changes);
    let changes = within_thread_budget(feed.changes);
    let taken = commits(&changes);
    COMMITS_PER_PASS.store(next_commits_per_pass(read_commits, taken, limit), Relaxed);
    // Commits without a metric event (the table's definition) are passed over with the rest.
    let (last, passed) = match changes.last() {
        Some(c) if taken < read_commits => (c.versionstamp, taken),
        _ => (read_up_to, taken.max(1)),
    };
    let threads = distinct_threads(changes.iter().map(|c| &c.thread));
    let kept = metrics::kept(db, &threads).await?;
    let recounts = recount(db, &threads, kept, now).await?;
    let won = apply(db, recounts, cursor, last).await?;
    Ok(if won { passed } else { 0 })
}

/// Rolls up until no event is waiting.
pub async fn roll_up_all(db: &Db, now: i64) -> Result<usize, DbError> {
    let mut total = 0;
    loop {
        match roll_up_once(db, now).await? {
            0 => return Ok(total),
            n => total += n,
        }
    }
}

/// Drops every kept contribution and sum and recounts every thread from its messages and audit
/// trail; returns how many threads. Events are kept; the cursor stays where it is.
pub async fn rebuild(db: &Db, now: i64) -> Result<usize, DbError> {
    metrics::clear(db).await?;
    let mut after: Option<String> = None;
    let mut total = 0;
    loop {
        let page = metrics::thread_ids(db, after.as_deref(), BATCH).await?;
        let Some(last) = page.last().cloned() else {
            return Ok(total);
        };
        total += page.len();
        let recounts = recount(db, &page, HashMap::new(), now).await?;
        loop {
            let cursor = metrics::cursor(db).await?;
            let at = cursor.versionstamp;
            if apply(db, recounts.clone(), cursor, at).await? {
                break;
            }
        }
        after = Some(last);
    }
}

/// The sums of one scope for local days `[from, to]`, now, and the open instants of the hours
/// named, with the tail (events not rolled up yet) recounted in: the kept sums plus, for each
/// thread the tail names, its fresh contribution in place of its kept one. None when the scope is
/// not the workspace's.
pub async fn scope_sums(
    db: &Db,
    workspace: &str,
    scope: &ScopeKey,
    range: (i64, i64),
    hours: &[i64],
    now: i64,
) -> Result<Option<Contribution>, DbError> {
    let cursor = metrics::cursor(db).await?;
    let tail = metrics::changes_since(db, cursor.versionstamp, TAIL_LIMIT)
        .await?
        .changes;
    let mut threads = distinct_threads(
        tail.iter()
            .filter(|c| c.workspace == workspace)
            .map(|c| &c.thread),
    );
    if threads.len() > TAIL_THREADS {
        tracing::info!(
            threads = threads.len(),
            "report tail too long to recount; kept sums shown"
        );
        threads.clear();
    }
    let Some(read) = metrics::period(db, workspace, scope, range, hours, &threads).await? else {
        return Ok(None);
    };
    let mut sum = read.sum;
    if !threads.is_empty() {
        let recounts = recount(db, &threads, read.kept, now).await?;
        let deltas = Deltas::of(&recounts);
        for ((s, day), (_, delta)) in &deltas.days {
            if s == scope && (range.0..=range.1).contains(day) {
                sum.days.entry(*day).or_default().absorb(delta, 1);
            }
        }
        for ((s, hour), (_, delta)) in &deltas.opens {
            if s == scope && hours.contains(hour) {
                sum.open.entry(*hour).or_default().absorb(delta, 1);
            }
        }
        if let Some((_, delta)) = deltas.nows.get(scope) {
            sum.now.absorb(delta, 1);
        }
    }
    Ok(Some(sum))
}

/// Runs the roll-up until the process ends.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match roll_up_once(&state.db, state.clock.now_ms()).await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "metric roll-up failed; retrying"),
            }
            tokio::time::sleep(POLL).await;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use metrics::Change;

    fn change(versionstamp: i64, thread: usize) -> Change {
        Change {
            versionstamp,
            workspace: "w".into(),
            thread: format!("t{thread}"),
        }
    }

    #[test]
    fn a_pass_takes_whole_commits_within_the_thread_budget() {
        // Commit 1 names 600 threads, commit 2 another 600, commit 3 one of commit 1's.
        let mut changes: Vec<Change> = (0..600).map(|t| change(1, t)).collect();
        changes.extend((600..1_200).map(|t| change(2, t)));
        changes.push(change(3, 5));
        let taken = within_thread_budget(changes.clone());
        assert_eq!(taken.len(), 600);
        assert!(taken.iter().all(|c| c.versionstamp == 1));
        // A commit larger than the budget is taken alone, whole.
        let big: Vec<Change> = (0..1_500)
            .map(|t| change(7, t))
            .chain([change(8, 1)])
            .collect();
        assert_eq!(within_thread_budget(big).len(), 1_500);
        // Small commits are taken together; nothing is cut inside a commit.
        let small: Vec<Change> = (0..30).map(|i| change(i / 3, i as usize)).collect();
        assert_eq!(within_thread_budget(small).len(), 30);
        assert!(within_thread_budget(Vec::new()).is_empty());
    }

    #[test]
    fn passes_read_fewer_commits_after_large_ones() {
        // (read, taken, limit) → next limit
        let cases = [
            ((64, 2, 64), 32),
            ((1, 1, 1), 2),
            ((64, 64, 64), 128),
            ((10, 10, 64), 64),
            ((500, 500, 500), 500),
            ((3, 1, 1), 1),
        ];
        for ((read, taken, limit), next) in cases {
            assert_eq!(
                next_commits_per_pass(read, taken, limit),
                next,
                "{read} {taken} {limit}"
            );
        }
    }
}
