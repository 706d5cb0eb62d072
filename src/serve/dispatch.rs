//! Answering the requests of one connection one at a time. tiny_http reads every
//! connection on a thread of its own and queues all the requests it reads, pipelined ones
//! too; HTTP/1.1 answers one connection's requests in order, so a worker given the second
//! request of a connection whose first answer is stuck (a client that never reads) would
//! wait with it. Here a worker that takes a request of a connection already being answered
//! leaves it in that connection's line (beyond a short line it is dropped, which closes the
//! connection) and takes the next; whoever answers a connection answers its line. One
//! client holds one worker at most, and a normal visitor always finds one free.
//!
//! A connection's requests must enter their line in the order it sent them: tiny_http
//! holds the answer to a second request until the first is answered, so a worker that
//! took the second and answered it first would wait for ever, and the first behind it in
//! line. Requests therefore [`Fair::enter`] in the order the server queued them, taken
//! from it by one thread, and wait there for a worker ([`Fair::answer_next`]).

use std::collections::hash_map::Entry;
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::mpsc::{Sender, channel};
use std::sync::{Condvar, Mutex};
use tiny_http::Request;

/// How many requests of one connection may wait for the one being answered.
const MAX_WAITING: usize = 32;

/// The connections being answered, each with its requests waiting in line.
pub struct Fair {
    busy: Mutex<HashMap<SocketAddr, VecDeque<Request>>>,
    /// Requests first of their connection, waiting for a worker.
    ready: Mutex<VecDeque<Request>>,
    /// Wakes a worker when a request is ready.
    arrived: Condvar,
    /// Requests given up on: dropping one answers it (500) once its turn comes, which
    /// may take as long as the send timeout, so it is done on a thread of its own.
    dropped: Sender<Request>,
}

impl Fair {
    /// Nothing being answered yet.
    pub fn new() -> Fair {
        let (dropped, doomed) = channel::<Request>();
        std::thread::spawn(move || doomed.into_iter().for_each(drop));
        Fair {
            busy: Mutex::default(),
            ready: Mutex::default(),
            arrived: Condvar::new(),
            dropped,
        }
    }

    /// Takes `request`, the next its server queued: the first of its connection waits for
    /// a worker; one whose connection is being answered waits in that connection's line
    /// (or is given up on, beyond a short line).
    pub fn enter(&self, request: Request) {
        if let Some(client) = request.remote_addr().copied() {
            match self.lock().entry(client) {
                Entry::Occupied(mut line) if line.get().len() < MAX_WAITING => {
                    return line.get_mut().push_back(request);
                }
                Entry::Occupied(_) => {
                    let _ = self.dropped.send(request);
                    return;
                }
                Entry::Vacant(line) => {
                    line.insert(VecDeque::new());
                }
            }
        }
        let mut ready = self.ready.lock().unwrap_or_else(|p| p.into_inner());
        ready.push_back(request);
        self.arrived.notify_one();
    }

    /// Waits for a request ready to answer, answers it with `handle`, and then the
    /// requests of its connection that came in meanwhile.
    pub fn answer_next(&self, handle: &impl Fn(Request)) {
        let request = {
            let mut ready = self.ready.lock().unwrap_or_else(|p| p.into_inner());
            loop {
                match ready.pop_front() {
                    Some(request) => break request,
                    None => ready = self.arrived.wait(ready).unwrap_or_else(|p| p.into_inner()),
                }
            }
        };
        let Some(client) = request.remote_addr().copied() else {
            return handle(request);
        };
        let mut next = Some(request);
        while let Some(request) = next {
            handle(request);
            let mut busy = self.lock();
            next = busy.get_mut(&client).and_then(VecDeque::pop_front);
            if next.is_none() {
                busy.remove(&client);
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SocketAddr, VecDeque<Request>>> {
        self.busy.lock().unwrap_or_else(|p| p.into_inner())
    }
}
