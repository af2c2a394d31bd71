//! The open connections of `serve`, so that idle ones cannot lock readers
//! out. A client that opens connections and sends nothing would otherwise hold
//! every slot until each one's head timeout: when the server is full, the
//! connection that has been idle longest is closed to make room, and each
//! address may hold only a share of the slots. Connections with a request in
//! flight and open event streams (the reload channel of every tab) are never
//! closed this way.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

/// Raises the soft limit on open files to the hard one: a server that runs
/// out of descriptors cannot accept the connection that would make room.
pub fn raise_open_file_limit() {
    #[cfg(unix)]
    // SAFETY: getrlimit and setrlimit only read and write the struct given.
    unsafe {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 && limit.rlim_cur < limit.rlim_max
        {
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}

/// One open connection.
#[derive(Debug, Default)]
pub struct Connection {
    /// Requests being answered now.
    in_flight: AtomicUsize,
    /// It carries an event stream (a tab listening for reloads).
    streaming: AtomicBool,
    /// Told when the connection must close.
    pub close: Notify,
}

impl Connection {
    pub fn request_started(&self) {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
    }

    pub fn request_answered(&self) {
        self.in_flight.fetch_sub(1, Ordering::AcqRel);
    }

    pub fn mark_streaming(&self) {
        self.streaming.store(true, Ordering::Release);
    }

    fn is_idle(&self) -> bool {
        self.in_flight.load(Ordering::Acquire) == 0 && !self.streaming.load(Ordering::Acquire)
    }
}

/// Every open connection, oldest first.
pub struct Connections {
    limit: usize,
    per_address: usize,
    state: Mutex<Registry>,
}

#[derive(Default)]
struct Registry {
    next_id: u64,
    open: BTreeMap<u64, (IpAddr, Arc<Connection>)>,
    by_address: HashMap<IpAddr, usize>,
}

/// A connection's place in the registry; leaving it frees the slot.
pub struct Slot {
    id: u64,
    address: IpAddr,
    pub connection: Arc<Connection>,
    owner: Arc<Connections>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Ok(mut state) = self.owner.state.lock() {
            // An evicted connection was taken out when it was closed.
            if state.open.remove(&self.id).is_none() {
                return;
            }
            if let Some(n) = state.by_address.get_mut(&self.address) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    state.by_address.remove(&self.address);
                }
            }
        }
    }
}

impl Connections {
    /// At most `limit` connections, and at most `per_address` from one address.
    pub fn new(limit: usize, per_address: usize) -> Arc<Connections> {
        Arc::new(Connections {
            limit,
            per_address,
            state: Mutex::new(Registry::default()),
        })
    }

    /// Registers a new connection from `address`, closing the longest idle
    /// one (of that address when it is over its share, else of any) to make
    /// room. `None` when every slot is busy: the new connection is refused.
    pub fn admit(self: &Arc<Self>, address: IpAddr) -> Option<Slot> {
        let mut state = self.state.lock().ok()?;
        let address_full = state.by_address.get(&address).copied().unwrap_or(0) >= self.per_address;
        let server_full = state.open.len() >= self.limit;
        if address_full || server_full {
            let victim = state
                .open
                .iter()
                .find(|(_, (from, c))| c.is_idle() && (!address_full || *from == address))
                .map(|(&id, _)| id)?;
            if let Some((from, connection)) = state.open.remove(&victim) {
                connection.close.notify_one();
                if let Some(n) = state.by_address.get_mut(&from) {
                    *n = n.saturating_sub(1);
                }
            }
        }
        let id = state.next_id;
        state.next_id += 1;
        let connection = Arc::new(Connection::default());
        state.open.insert(id, (address, Arc::clone(&connection)));
        *state.by_address.entry(address).or_insert(0) += 1;
        Some(Slot {
            id,
            address,
            connection,
            owner: Arc::clone(self),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_connections_make_room_and_busy_ones_stay() {
        let local: IpAddr = [127, 0, 0, 1].into();
        let connections = Connections::new(2, 2);
        let first = connections.admit(local).expect("room");
        let second = connections.admit(local).expect("room");
        first.connection.request_started();
        // Full: the idle second one is closed for the third.
        let third = connections.admit(local).expect("an idle one makes room");
        drop(second);
        third.connection.mark_streaming();
        // Now nothing is idle: refused.
        assert!(connections.admit(local).is_none());
        first.connection.request_answered();
        assert!(connections.admit(local).is_some());
    }
}
