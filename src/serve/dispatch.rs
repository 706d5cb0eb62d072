//! Handing requests to worker threads fairly. tiny_http reads every connection on a thread
//! of its own and queues all the requests it reads, pipelined ones too; HTTP/1.1 answers
//! one connection's requests in order, so a worker given the second request of a
//! connection whose first answer is stuck (a client that never reads) would wait with it.
//! Here each connection has at most one request with a worker; its next ones wait in a
//! short line of its own (beyond that they are dropped, which closes the connection), so
//! one client can hold one worker, and a normal visitor always finds one free.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use tiny_http::Request;

/// How many requests of one connection may wait for the one being answered.
const MAX_WAITING: usize = 32;

/// The requests of one connection not yet answered, beyond the one a worker has.
#[derive(Default)]
struct Connection {
    waiting: VecDeque<Request>,
}

/// Where requests go: at most one per connection to the workers, the rest wait.
pub struct Dispatch {
    ready: Sender<Request>,
    /// Connections with a request at a worker, by client address.
    busy: Mutex<HashMap<SocketAddr, Connection>>,
    /// Requests given up on: dropping one answers it (500) once its turn comes, which
    /// may take as long as the send timeout, so it is done on a thread of its own.
    dropped: Sender<Request>,
}

impl Dispatch {
    /// A dispatch whose requests `workers` threads answer with `handle`.
    pub fn start(
        workers: usize,
        handle: impl Fn(Request) + Send + Sync + 'static,
    ) -> Arc<Dispatch> {
        let (ready, queue) = channel();
        let (dropped, doomed) = channel::<Request>();
        std::thread::spawn(move || doomed.into_iter().for_each(drop));
        let dispatch = Arc::new(Dispatch {
            ready,
            busy: Mutex::default(),
            dropped,
        });
        let queue = Arc::new(Mutex::new(queue));
        let handle = Arc::new(handle);
        for _ in 0..workers {
            let (dispatch, queue, handle) = (dispatch.clone(), queue.clone(), handle.clone());
            std::thread::spawn(move || {
                while let Some(request) = next(&queue) {
                    let client = request.remote_addr().copied();
                    handle(request);
                    if let Some(client) = client {
                        dispatch.done(client);
                    }
                }
            });
        }
        dispatch
    }

    /// Takes a request: to a worker if its connection has none there, else in line.
    pub fn take(&self, request: Request) {
        let Some(client) = request.remote_addr().copied() else {
            let _ = self.ready.send(request);
            return;
        };
        let mut busy = self.lock();
        match busy.get_mut(&client) {
            None => {
                busy.insert(client, Connection::default());
                let _ = self.ready.send(request);
            }
            Some(connection) if connection.waiting.len() < MAX_WAITING => {
                connection.waiting.push_back(request)
            }
            Some(_) => {
                let _ = self.dropped.send(request);
            }
        }
    }

    /// The request of `client` at a worker was answered: its next one goes to a worker.
    fn done(&self, client: SocketAddr) {
        let mut busy = self.lock();
        let next = busy.get_mut(&client).and_then(|c| c.waiting.pop_front());
        match next {
            Some(request) => {
                let _ = self.ready.send(request);
            }
            None => {
                busy.remove(&client);
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SocketAddr, Connection>> {
        self.busy.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The next request for a worker; None once the dispatch is gone.
fn next(queue: &Mutex<Receiver<Request>>) -> Option<Request> {
    queue.lock().unwrap_or_else(|p| p.into_inner()).recv().ok()
}
