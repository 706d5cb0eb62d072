//! Answering the requests of one connection one at a time. tiny_http reads every
//! connection on a thread of its own and queues all the requests it reads, pipelined ones
//! too; HTTP/1.1 answers one connection's requests in order, so a worker given the second
//! request of a connection whose first answer is stuck (a client that never reads) would
//! wait with it. Here a worker that takes a request of a connection already being answered
//! leaves it in that connection's line (beyond a short line it is dropped, which closes the
//! connection) and takes the next; whoever answers a connection answers its line. One
//! client holds one worker at most, and a normal visitor always finds one free.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::Mutex;
use std::sync::mpsc::{Sender, channel};
use tiny_http::Request;

/// How many requests of one connection may wait for the one being answered.
const MAX_WAITING: usize = 32;

/// The connections being answered, each with its requests waiting in line.
pub struct Fair {
    busy: Mutex<HashMap<SocketAddr, VecDeque<Request>>>,
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
            dropped,
        }
    }

    /// Answers `request` with `handle`, and then the requests of its connection that
    /// came in meanwhile; or, if its connection is being answered, leaves it in line.
    pub fn answer(&self, request: Request, handle: &impl Fn(Request)) {
        let Some(client) = request.remote_addr().copied() else {
            return handle(request);
        };
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
