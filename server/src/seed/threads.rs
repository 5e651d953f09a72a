//! One demo thread: a creator × campaign at a stage picked by weight, its conversation along the
//! campaign's happy path (or a decline), spread over the last weeks, written through the same
//! entry writer the product uses.

use super::content::*;
use super::people::CreatorSeed;
use super::{pick, SeededUser, SeededWorkspace, DAY, HOUR, MIN};
use crate::db::{exec, Db, DbError};
use crate::ids::new_id;
use crate::store::thread_write::{append_message, NewMessage};
use app::model::*;
use rand::rngs::StdRng;
use rand::Rng;
use serde_json::json;

/// One entry of a conversation: from the creator?, its channel, who wrote it, its text.
type Line = (bool, Channel, SenderKind, String);

fn fill(template: &str, c: &CreatorSeed, camp: &CampaignSeed, me: &str, city: &str) -> String {
    let rate = match camp.kind {
        "paid" => camp
            .compensation
            .split('+')
            .next()
            .unwrap_or(camp.compensation)
            .trim()
            .to_string(),
        _ => "the gifted product".to_string(),
    };
    template
        .replace("{first}", &c.first)
        .replace("{product}", camp.product)
        .replace("{campaign}", camp.name)
        .replace("{brand}", CLIENTS[camp.client])
        .replace("{me}", me.split(' ').next().unwrap_or(me))
        .replace("{rate}", &rate)
        .replace("{city}", city)
}

fn pick_stage(rng: &mut StdRng, gifting: bool) -> Stage {
    let weights: [(Stage, u32); 10] = [
        (Stage::Contacted, 12),
        (Stage::Replied, 10),
        (Stage::Negotiating, if gifting { 0 } else { 14 }),
        (Stage::Accepted, 10),
        (Stage::InfoCollected, 10),
        (Stage::ProductShipped, 10),
        (Stage::ContentDelivered, 10),
        (Stage::Posted, 8),
        (Stage::Completed, 8),
        (Stage::Declined, 8),
    ];
    let total: u32 = weights.iter().map(|w| w.1).sum();
    let mut roll = rng.gen_range(0..total);
    for (stage, w) in weights {
        if roll < w {
            return stage;
        }
        roll -= w;
    }
    Stage::Contacted
}

fn steps_for(stage: Stage) -> usize {
    match stage {
        Stage::Prospect | Stage::Contacted | Stage::Declined => 1,
        Stage::Replied => 2,
        Stage::Negotiating => 4,
        Stage::Accepted => 7,
        Stage::InfoCollected => 8,
        Stage::ProductShipped => 9,
        Stage::ContentDelivered => 11,
        Stage::ContentApproved => 12,
        Stage::Posted => 13,
        Stage::Completed => 15,
    }
}

/// Where one thread is: its creator, campaign and the teammate who runs it.
pub(super) struct ThreadSeed<'a> {
    pub creator: &'a CreatorSeed,
    /// The campaign's index in the workspace.
    pub ki: usize,
    pub camp: &'a CampaignSeed,
    pub owner: SeededUser,
    pub assignee: Option<SeededUser>,
    pub stage: Stage,
}

/// Seeds one thread; returns how many entries it has.
pub(super) async fn seed_thread(
    db: &Db,
    rng: &mut StdRng,
    out: &mut SeededWorkspace,
    creator: &CreatorSeed,
    (ki, camp): (usize, &CampaignSeed),
    writers: &[SeededUser],
    now: i64,
) -> Result<usize, DbError> {
    let gifting = camp.kind == "gifting";
    let stage = pick_stage(rng, gifting);
    let owner = pick(rng, writers).clone();
    let assignee = rng.gen_bool(0.7).then(|| owner.clone());
    let city = *pick(rng, CITIES);
    let t = ThreadSeed {
        creator,
        ki,
        camp,
        owner,
        assignee,
        stage,
    };
    let (lines, decline) = conversation(rng, &t, city);
    let times = timestamps(rng, &lines, now);
    let thread_id = new_id();
    create_thread(db, out, &t, &thread_id, decline, &times).await?;
    let mut summary = first_summary(out, &t, &thread_id);
    let count = lines.len();
    write_entries(db, &out.workspace_id, &mut summary, &t, lines, times).await?;
    // Someone has already looked at about half of the waiting threads.
    if summary.unread && rng.gen_bool(0.5) {
        exec(
            db,
            "UPDATE type::record('thread', $tid) SET unread = false;",
            json!({ "tid": thread_id }),
        )
        .await?;
    }
    out.thread_ids.push(thread_id);
    Ok(count)
}

/// The conversation, oldest first, and the decline reason when the creator declined.
fn conversation(rng: &mut StdRng, t: &ThreadSeed, city: &str) -> (Vec<Line>, Option<&'static str>) {
    let (c, camp, owner, stage) = (t.creator, t.camp, &t.owner, t.stage);
    let gifting = camp.kind == "gifting";
    let mut lines: Vec<Line> = Vec::new();
    let out_channel = if c.preferred == Channel::Instagram {
        Channel::Instagram
    } else {
        Channel::Email
    };
    let mut creator_channel = c.preferred;
    for (step, (from_creator, variants)) in HAPPY_PATH.iter().enumerate().take(steps_for(stage)) {
        if gifting && (3..=4).contains(&step) {
            continue;
        }
        if step == 6 && rng.gen_bool(0.3) {
            creator_channel = *pick(rng, &[Channel::Sms, Channel::InApp]);
        }
        let channel = if *from_creator {
            creator_channel
        } else if step == 0 {
            out_channel
        } else {
            lines.last().map_or(out_channel, |l| l.1)
        };
        lines.push((
            *from_creator,
            channel,
            SenderKind::Teammate,
            fill(pick::<&str>(rng, variants), c, camp, &owner.name, city),
        ));
    }
    let mut decline = None;
    if stage == Stage::Declined {
        let (reason, text) = *pick(rng, DECLINES);
        decline = Some(reason);
        lines.push((true, creator_channel, SenderKind::Creator, text.to_string()));
    }
    if stage == Stage::Contacted && rng.gen_bool(0.5) {
        lines.push((
            false,
            out_channel,
            SenderKind::Automation,
            fill(FOLLOW_UP, c, camp, &owner.name, city),
        ));
    }
    let ends_inbound = lines.last().is_some_and(|l| l.0);
    let open_stage = !matches!(stage, Stage::Contacted | Stage::Declined | Stage::Completed);
    if !ends_inbound && open_stage && rng.gen_bool(0.45) {
        lines.push((
            true,
            creator_channel,
            SenderKind::Creator,
            pick(rng, OPEN_QUESTIONS).to_string(),
        ));
    } else if ends_inbound && stage != Stage::Declined && rng.gen_bool(0.4) {
        let ch = lines.last().map_or(out_channel, |l| l.1);
        lines.push((
            false,
            ch,
            SenderKind::Teammate,
            format!("Thanks {}! Noted — we'll get back to you shortly.", c.first),
        ));
    }
    if lines.len() >= 3 && rng.gen_bool(0.2) {
        let at = lines.len() - 1;
        lines.insert(
            at,
            (
                false,
                Channel::Note,
                SenderKind::Teammate,
                pick(rng, NOTES).to_string(),
            ),
        );
    }

    (lines, decline)
}

/// When each line was written: the last between minutes and days ago (waiting threads spread
/// around the 24-hour goal), each earlier one 40 minutes to 30 hours before the next.
fn timestamps(rng: &mut StdRng, lines: &[Line], now: i64) -> Vec<i64> {
    let waiting = lines.last().is_some_and(|l| l.0);
    let end = if waiting {
        if rng.gen_bool(0.5) {
            now - rng.gen_range(10 * MIN..20 * HOUR)
        } else {
            now - rng.gen_range(25 * HOUR..96 * HOUR)
        }
    } else {
        now - rng.gen_range(HOUR..14 * DAY)
    };
    let mut times = vec![end];
    for _ in 1..lines.len() {
        let prev = *times.last().unwrap_or(&end);
        times.push(prev - rng.gen_range(40 * MIN..30 * HOUR));
    }
    times.reverse();

    times
}

/// The enrollment and its (still empty) thread.
async fn create_thread(
    db: &Db,
    out: &SeededWorkspace,
    t: &ThreadSeed<'_>,
    thread_id: &str,
    decline: Option<&'static str>,
    times: &[i64],
) -> Result<(), DbError> {
    let (c, camp, stage, assignee) = (t.creator, t.camp, t.stage, &t.assignee);
    let gifting = camp.kind == "gifting";
    let (ws, ki) = (&out.workspace_id, t.ki);
    let end = times.last().copied().unwrap_or_default();
    let enrollment = new_id();
    let terms = if stage >= Stage::Accepted && stage != Stage::Declined && !gifting {
        format!("{}; 30-day organic usage", camp.compensation)
    } else {
        String::new()
    };
    exec(
        db,
        "CREATE type::record('enrollment', $eid) SET workspace = type::record('workspace', $ws), creator = type::record('creator', $creator),
            campaign = type::record('campaign', $campaign), stage = $stage, decline_reason = $reason,
            assignee = IF $assignee != NONE THEN type::record('user', $assignee) ELSE NONE END,
            agreed_terms = $terms, shipping_info = NONE, next_action = $next, due_at = NONE, created_at = $start, updated_at = $end;
         CREATE type::record('thread', $tid) SET workspace = type::record('workspace', $ws), enrollment = type::record('enrollment', $eid),
            creator = type::record('creator', $creator), campaign = type::record('campaign', $campaign), client = type::record('client', $client),
            creator_name = $name, creator_handle = $handle, creator_avatar = NONE, creator_search = $search,
            campaign_name = $campaign_name, client_name = $client_name, stage = $stage, decline_reason = $reason,
            assignee = IF $assignee != NONE THEN type::record('user', $assignee) ELSE NONE END, assignee_name = $assignee_name,
            channels = [], last_at = 0, last_channel = 'email', last_sender_kind = 'teammate', last_sender_name = '', last_snippet = '',
            awaiting_since = NONE, unread = false;",
        json!({
            "eid": enrollment, "tid": thread_id, "ws": ws, "creator": c.id, "campaign": out.campaign_ids[ki], "client": out.client_ids[camp.client],
            "stage": stage.as_str(), "reason": decline, "assignee": assignee.as_ref().map(|a| a.id.clone()),
            "assignee_name": assignee.as_ref().map(|a| a.name.clone()), "terms": terms, "next": app::domain::stage::default_next_action(stage),
            "start": times[0], "end": end, "name": c.name, "handle": c.handle, "search": c.search,
            "campaign_name": camp.name, "client_name": CLIENTS[camp.client],
        }),
    )
    .await?;

    Ok(())
}

/// The thread as created, before its first entry.
fn first_summary(out: &SeededWorkspace, t: &ThreadSeed, thread_id: &str) -> ThreadSummary {
    let (c, camp, ki) = (t.creator, t.camp, t.ki);
    ThreadSummary {
        id: thread_id.to_string(),
        creator_id: c.id.clone(),
        creator_name: c.name.clone(),
        creator_handle: c.handle.clone(),
        creator_avatar: None,
        campaign_id: out.campaign_ids[ki].clone(),
        campaign_name: camp.name.to_string(),
        client_id: out.client_ids[camp.client].clone(),
        client_name: CLIENTS[camp.client].to_string(),
        stage: t.stage,
        assignee_id: None,
        assignee_name: None,
        last_at: 0,
        last_channel: Channel::Email,
        last_sender_kind: SenderKind::Teammate,
        last_sender_name: String::new(),
        last_snippet: String::new(),
        awaiting_since: None,
        unread: false,
        channels: Vec::new(),
        snoozed_until: None,
        snooze_until_reply: None,
        stale: None,
        decline_reason: None,
        open_topics: Vec::new(),
        post_by: None,
        version: 0,
    }
}

/// Appends the lines to the thread, each from its sender, with its delivery state.
async fn write_entries(
    db: &Db,
    ws: &str,
    summary: &mut ThreadSummary,
    t: &ThreadSeed<'_>,
    lines: Vec<Line>,
    times: Vec<i64>,
) -> Result<(), DbError> {
    let (c, camp, owner) = (t.creator, t.camp, &t.owner);
    for ((from_creator, channel, kind, text), at) in lines.into_iter().zip(times) {
        let (direction, sender_kind, sender_id, sender_name, status) = if from_creator {
            (
                Direction::Inbound,
                SenderKind::Creator,
                Some(c.id.clone()),
                c.name.clone(),
                DeliveryStatus::Received,
            )
        } else if channel == Channel::Note {
            (
                Direction::Internal,
                SenderKind::Teammate,
                Some(owner.id.clone()),
                owner.name.clone(),
                DeliveryStatus::Sent,
            )
        } else if kind == SenderKind::Automation {
            (
                Direction::Outbound,
                SenderKind::Automation,
                None,
                "Follow-up automation".to_string(),
                DeliveryStatus::Delivered,
            )
        } else {
            let status = if channel == Channel::Email {
                DeliveryStatus::Delivered
            } else {
                DeliveryStatus::Read
            };
            (
                Direction::Outbound,
                SenderKind::Teammate,
                Some(owner.id.clone()),
                owner.name.clone(),
                status,
            )
        };
        let subject = (channel == Channel::Email).then(|| format!("{} × {}", camp.name, c.first));
        let msg = NewMessage {
            id: new_id(),
            direction,
            channel,
            sender_kind,
            sender_id,
            sender_name,
            subject,
            text,
            at,
            status,
            external_id: None,
            to_address: None,
            job: None,
            email: None,
            check_campaign: false,
            automate: false,
            bulk: None,
            via: None,
        };
        append_message(db, ws, summary, msg, None).await?;
    }
    Ok(())
}
