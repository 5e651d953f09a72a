//! Fan-out of live events to open sockets, keyed by workspace. Each socket has a bounded queue;
//! a socket that falls behind is dropped (its browser reconnects and replays from its cursor), so
//! one slow tab never holds memory or delays the others.

use super::rows::Routed;
use app::api::backend::{Caller, ClientScope, Scope};
use app::live::LiveEvent;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;

/// Events a socket may have queued before it counts as too slow.
pub const QUEUE: usize = 512;

struct Sub {
    id: u64,
    client_scope: Option<ClientScope>,
    tx: mpsc::Sender<Arc<LiveEvent>>,
}

#[derive(Default)]
pub struct Hub {
    subs: Mutex<HashMap<String, Vec<Sub>>>,
    next_id: AtomicU64,
}

/// A socket's end of the hub. Dropping it unsubscribes.
pub struct Subscription {
    pub rx: mpsc::Receiver<Arc<LiveEvent>>,
    hub: Arc<Hub>,
    workspace: String,
    id: u64,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.hub.remove(&self.workspace, self.id);
    }
}

impl Hub {
    pub fn subscribe(self: &Arc<Self>, caller: &Caller) -> Subscription {
        let (tx, rx) = mpsc::channel(QUEUE);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let client_scope = match &caller.scope {
            Scope::Workspace => None,
            Scope::Client(s) => Some(s.clone()),
        };
        self.lock()
            .entry(caller.workspace_id.clone())
            .or_default()
            .push(Sub {
                id,
                client_scope,
                tx,
            });
        Subscription {
            rx,
            hub: self.clone(),
            workspace: caller.workspace_id.clone(),
            id,
        }
    }

    /// Delivers an event to every socket of its workspace that may see it.
    pub fn publish(&self, routed: Routed) {
        let event = Arc::new(routed.event);
        let mut subs = self.lock();
        let Some(list) = subs.get_mut(&routed.workspace) else {
            return;
        };
        list.retain(|s| {
            let visible = s.client_scope.as_ref().is_none_or(|scope| {
                scope.reaches(
                    routed.client.as_deref(),
                    routed.campaign.as_deref(),
                    routed.thread.as_deref(),
                )
            });
            if !visible {
                return true;
            }
            match s.tx.try_send(event.clone()) {
                Ok(()) => true,
                Err(mpsc::error::TrySendError::Full(_)) => {
                    tracing::warn!(
                        sub = s.id,
                        "live socket fell behind; dropping it to replay later"
                    );
                    false
                }
                Err(mpsc::error::TrySendError::Closed(_)) => false,
            }
        });
        if list.is_empty() {
            subs.remove(&routed.workspace);
        }
    }

    /// Drops every socket (their browsers reconnect and replay), used when the feed restarts.
    pub fn disconnect_all(&self) {
        self.lock().clear();
    }

    pub fn subscriber_count(&self) -> usize {
        self.lock().values().map(Vec::len).sum()
    }

    fn remove(&self, workspace: &str, id: u64) {
        let mut subs = self.lock();
        if let Some(list) = subs.get_mut(workspace) {
            list.retain(|s| s.id != id);
            if list.is_empty() {
                subs.remove(workspace);
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<Sub>>> {
        // A panic while holding the lock leaves plain data behind; keep serving.
        self.subs.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::model::Role;

    fn caller(ws: &str, scope: Scope) -> Caller {
        Caller {
            user_id: "u".into(),
            workspace_id: ws.into(),
            role: Role::Member,
            scope,
        }
    }

    fn event(ws: &str, client: Option<&str>) -> Routed {
        in_campaign(ws, client, None)
    }

    fn in_campaign(ws: &str, client: Option<&str>, campaign: Option<&str>) -> Routed {
        Routed {
            workspace: ws.into(),
            client: client.map(String::from),
            campaign: campaign.map(String::from),
            thread: Some("t1".into()),
            event: LiveEvent::ThreadRemoved { id: "t1".into() },
        }
    }

    #[tokio::test]
    async fn routes_by_workspace_and_client_scope() {
        let hub = Arc::new(Hub::default());
        let mut a = hub.subscribe(&caller("wa", Scope::Workspace));
        let mut a_k1 = hub.subscribe(&caller("wa", Scope::Client(ClientScope::client("k1"))));
        let mut b = hub.subscribe(&caller("wb", Scope::Workspace));
        let some = ClientScope {
            client: "k1".into(),
            campaigns: vec!["c1".into()],
            thread: None,
        };
        let mut a_c1 = hub.subscribe(&caller("wa", Scope::Client(some)));
        let other_thread = ClientScope {
            thread: Some("t2".into()),
            ..ClientScope::client("k1")
        };
        let mut a_t2 = hub.subscribe(&caller("wa", Scope::Client(other_thread)));
        hub.publish(event("wa", Some("k2")));
        hub.publish(in_campaign("wa", Some("k1"), Some("c1")));
        hub.publish(in_campaign("wa", Some("k1"), Some("c2")));
        hub.publish(event("wa", None));
        // (receiver, events it must hold)
        let cases: [(&mut Subscription, usize); 5] = [
            (&mut a, 4),
            (&mut a_k1, 2),
            (&mut a_c1, 1),
            (&mut a_t2, 0),
            (&mut b, 0),
        ];
        for (sub, want) in cases {
            let mut got = 0;
            while sub.rx.try_recv().is_ok() {
                got += 1;
            }
            assert_eq!(got, want);
        }
        assert_eq!(hub.subscriber_count(), 5);
        drop(a);
        drop(b);
        assert_eq!(hub.subscriber_count(), 3);
    }

    #[tokio::test]
    async fn a_slow_socket_is_dropped_not_waited_for() {
        let hub = Arc::new(Hub::default());
        let mut slow = hub.subscribe(&caller("wa", Scope::Workspace));
        let mut fast = hub.subscribe(&caller("wa", Scope::Workspace));
        for _ in 0..QUEUE {
            hub.publish(event("wa", None));
            assert!(fast.rx.try_recv().is_ok());
        }
        hub.publish(event("wa", None));
        assert_eq!(hub.subscriber_count(), 1);
        // The slow socket still gets what was queued, then its stream ends.
        let mut drained = 0;
        while slow.rx.recv().await.is_some() {
            drained += 1;
        }
        assert_eq!(drained, QUEUE);
        assert!(fast.rx.try_recv().is_ok());
    }
}
