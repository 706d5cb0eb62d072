//! A progress line for builds that take more than a second, on a terminal only: how many
//! files are drawn so far, redrawn in place four times a second and cleared at the end.

use std::io::{IsTerminal, Write};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

/// How long a build runs before the line appears.
const QUIET_FOR: Duration = Duration::from_secs(1);
/// How often the line is redrawn.
const EVERY: Duration = Duration::from_millis(250);

/// The progress line of a build, shown until dropped.
pub struct Progress {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Progress {
    /// Shows on standard error, if it is a terminal, once the build has run for a second,
    /// how many files `drawn` says are drawn; nothing otherwise.
    pub fn start(drawn: impl Fn() -> usize + Send + 'static) -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress {
                stop: None,
                thread: None,
            };
        }
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let mut wait = QUIET_FOR;
            let mut shown = false;
            while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(wait) {
                let line = match drawn() {
                    0 => "cardweb: reading the cards…".to_string(),
                    n => format!("cardweb: {n} files drawn…"),
                };
                let _ = write!(std::io::stderr(), "\r\x1b[K{line}");
                (wait, shown) = (EVERY, true);
            }
            if shown {
                let _ = write!(std::io::stderr(), "\r\x1b[K");
            }
        });
        Progress {
            stop: Some(stop),
            thread: Some(thread),
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
