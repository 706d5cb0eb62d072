//! The live side of the server: a hub that broadcasts events (page reloads, build errors,
//! the request log) to every open Server-Sent Events stream, and the echo of a request.

use serde::Serialize;
use std::io::Write;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError, sync_channel};
use std::time::Duration;

/// How often an idle stream gets a comment line, so that closed connections are noticed.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// One Server-Sent Event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// The event name pages listen for: `reload`, `build-error` or `request`.
    pub name: &'static str,
    /// JSON data.
    pub data: String,
}

impl Event {
    /// An event named `name` whose data is `value` as JSON.
    pub fn new(name: &'static str, value: &impl Serialize) -> Event {
        Event {
            name,
            data: serde_json::to_string(value).unwrap_or_default(),
        }
    }

    fn to_wire(&self) -> String {
        format!("event: {}\ndata: {}\n\n", self.name, self.data)
    }
}

/// How many events may wait for a stream before its reader counts as gone: a client that
/// stops reading is dropped, so it cannot make the server hold its events for ever.
const MAX_WAITING: usize = 256;

/// One open stream.
struct Subscriber {
    events: SyncSender<Event>,
    /// Whether it wants every request too (the log page), not only reloads and errors.
    log: bool,
}

/// Sends each event to every subscriber still listening and keeping up.
#[derive(Default)]
pub struct Hub {
    subscribers: Mutex<Vec<Subscriber>>,
}

impl Hub {
    /// A new subscription, to the request log too if `log`; it ends when the receiver is
    /// dropped, or falls [`MAX_WAITING`] events behind.
    pub fn subscribe(&self, log: bool) -> Receiver<Event> {
        let (events, receiver) = sync_channel(MAX_WAITING);
        self.lock().push(Subscriber { events, log });
        receiver
    }

    /// Sends `event` to every subscriber that wants it, forgetting those that have gone or
    /// fallen behind.
    pub fn send(&self, event: &Event) {
        let request = event.name == "request";
        self.lock().retain(|s| match s.log || !request {
            true => !matches!(
                s.events.try_send(event.clone()),
                Err(TrySendError::Full(_) | TrySendError::Disconnected(_))
            ),
            false => true,
        });
    }

    /// How many streams are open.
    pub fn count(&self) -> usize {
        self.lock().len()
    }

    /// Whether any open stream wants the request log.
    pub fn wants_log(&self) -> bool {
        self.lock().iter().any(|s| s.log)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Subscriber>> {
        self.subscribers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Writes an event stream to `writer` until the client goes away: the response head, then
/// `first` (the current state) and every event from `events`, each flushed at once.
pub fn stream(mut writer: impl Write, first: Option<Event>, events: Receiver<Event>) {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n\
                Cache-Control: no-cache\r\nConnection: close\r\nServer: cardweb\r\n\r\nretry: 500\n\n";
    let mut send = |text: &str| {
        writer
            .write_all(text.as_bytes())
            .and_then(|()| writer.flush())
            .is_ok()
    };
    if !send(head) || !first.is_none_or(|e| send(&e.to_wire())) {
        return;
    }
    loop {
        let text = match events.recv_timeout(KEEP_ALIVE) {
            Ok(event) => event.to_wire(),
            Err(RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if !send(&text) {
            return;
        }
    }
}

/// A request exactly as the server received it, and the head of the answer it gets.
#[derive(Serialize)]
pub struct Echo<'a> {
    /// Always `cardweb`: tells a page that a cardweb server answered.
    pub server: &'static str,
    /// The request method.
    pub method: &'a str,
    /// The request target: path and query, as sent.
    pub path: &'a str,
    /// `HTTP/1.1`, `HTTP/1.0`, ...
    pub http_version: String,
    /// Every header, in the order received, duplicates kept.
    pub headers: Vec<(String, String)>,
    /// The client's address and port.
    pub client: String,
    /// The status line and headers of this answer.
    pub response: EchoResponse,
}

/// The answer to an echo request, described in the echo itself.
#[derive(Serialize)]
pub struct EchoResponse {
    /// Always 200.
    pub status: u16,
    /// The headers the server sends with the echo.
    pub headers: Vec<(&'static str, &'static str)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_reach_every_live_subscriber() {
        let hub = Hub::default();
        let a = hub.subscribe(false);
        let b = hub.subscribe(false);
        drop(b);
        hub.send(&Event::new("reload", &["x"]));
        assert_eq!(a.try_recv().unwrap().data, "[\"x\"]");
        assert_eq!(hub.count(), 1, "the dropped subscriber is forgotten");
    }

    #[test]
    fn requests_go_to_the_log_only_and_slow_readers_are_dropped() {
        let hub = Hub::default();
        let page = hub.subscribe(false);
        let log = hub.subscribe(true);
        hub.send(&Event::new("request", &"GET /"));
        assert!(page.try_recv().is_err(), "a page hears no requests");
        assert_eq!(log.try_recv().unwrap().name, "request");
        for _ in 0..MAX_WAITING + 1 {
            hub.send(&Event::new("reload", &["x"]));
        }
        assert_eq!(
            hub.count(),
            0,
            "neither read: both fell behind and were dropped"
        );
        assert_eq!(
            page.try_iter().count(),
            MAX_WAITING,
            "what waited is bounded"
        );
    }

    #[test]
    fn the_stream_writes_head_state_and_events() {
        let hub = Hub::default();
        let events = hub.subscribe(false);
        hub.send(&Event {
            name: "reload",
            data: "{}".into(),
        });
        drop(hub);
        let mut out = Vec::new();
        stream(
            &mut out,
            Some(Event {
                name: "build-error",
                data: "\"bad\"".into(),
            }),
            events,
        );
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream"));
        assert!(
            text.ends_with("event: build-error\ndata: \"bad\"\n\nevent: reload\ndata: {}\n\n"),
            "{text}"
        );
    }
}
