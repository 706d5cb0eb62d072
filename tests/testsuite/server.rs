//! A running `cardweb serve` for tests, a raw HTTP/1.1 client and an event-stream reader,
//! all over real sockets on 127.0.0.1. Waits poll against deadlines; nothing sleeps.

use crate::support::TestSite;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

/// How long any single wait may take before the test fails.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// `cardweb serve --port 0` running on a site; killed when dropped.
pub struct Served {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    lines: Receiver<String>,
}

impl Served {
    /// Starts the server on `site` and waits until it listens.
    pub fn start(site: &TestSite) -> Served {
        Served::start_with(site, &[])
    }

    /// Starts the server on `site` with the environment variables `env` added.
    pub fn start_with(site: &TestSite, env: &[(&str, &str)]) -> Served {
        Served::start_under(site, env, "")
    }

    /// Starts the server on `site` from a shell that first runs `limits` (`ulimit ...`).
    pub fn start_under(site: &TestSite, env: &[(&str, &str)], limits: &str) -> Served {
        let mut child = Command::new("bash")
            .arg("-c")
            .arg(format!("{limits}\nexec \"$0\" serve --port 0 --quiet"))
            .arg(env!("CARGO_BIN_EXE_cardweb"))
            .envs(env.iter().copied())
            .current_dir(site.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start cardweb serve");
        let (sender, lines) = channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let mut served = Served {
            child,
            addr: "127.0.0.1:1".parse().unwrap(),
            lines,
        };
        let line = served.wait_for_line("serving ");
        let url = line
            .split(" at http://")
            .nth(1)
            .expect("url printed")
            .trim_end_matches(|c| c != '/');
        served.addr = url.trim_end_matches('/').parse().expect("address");
        served
    }

    /// Polls `path` until its page holds `text`.
    pub fn wait_until_page(&self, path: &str, text: &str) {
        let deadline = Instant::now() + DEADLINE;
        while !self.get(path).text().contains(text) {
            assert!(
                Instant::now() < deadline,
                "{path} did not come to hold {text:?}"
            );
        }
    }

    /// Polls until every file of the built site in `output` is served with the same bytes
    /// (pages with the live script taken out again).
    pub fn wait_until_site_is(&self, output: &std::path::Path) {
        let deadline = Instant::now() + DEADLINE;
        let files = crate::support::TestSite::output_files_in(output);
        assert!(files.len() > 50, "a whole site: {} files", files.len());
        for (rel, bytes) in files {
            let rel = rel.to_string_lossy().replace('\\', "/");
            if rel.starts_with('.') {
                continue; // the manifest
            }
            let path = format!("/{}", rel.trim_end_matches("index.html"));
            loop {
                let body = self.get(&path).body;
                let served = String::from_utf8_lossy(&body)
                    .replace("<script src=\"/_cardweb/live.js\" defer></script>\n", "");
                if served.as_bytes() == bytes.as_slice() {
                    break;
                }
                assert!(Instant::now() < deadline, "{path} is not served as built");
            }
        }
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits for a line of output containing `text` and returns it.
    pub fn wait_for_line(&self, text: &str) -> String {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(text) => return line,
                Ok(_) => {}
                Err(_) => panic!("no line with {text:?} within {DEADLINE:?}"),
            }
        }
    }

    /// `GET path` on a fresh connection.
    pub fn get(&self, path: &str) -> Reply {
        self.exchange(&format!(
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        ))
    }

    /// Sends `raw` as is on a fresh connection and reads the reply to the end.
    pub fn exchange(&self, raw: &str) -> Reply {
        exchange_at(self.addr, raw)
    }

    /// Opens `/_cardweb/events` and reads past the response head.
    pub fn events(&self) -> Events {
        self.events_at("/_cardweb/events")
    }

    /// Opens the event stream at `path` and reads past the response head.
    pub fn events_at(&self, path: &str) -> Events {
        let mut stream = TcpStream::connect(self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
        let mut events = Events {
            reader: BufReader::new(stream),
            partial: String::new(),
        };
        let mut head = events.read_until("response head", |text| text.contains("\r\n\r\n"));
        let body_start = head.find("\r\n\r\n").unwrap() + 4;
        events.partial = head.split_off(body_start); // events may come in the same read as the head
        assert!(head.starts_with("HTTP/1.1 200 OK"), "{head}");
        assert!(head.contains("text/event-stream"), "{head}");
        events
    }
}

/// Sends `raw` as is on a fresh connection to `addr` and reads the reply to the end.
pub fn exchange_at(addr: SocketAddr, raw: &str) -> Reply {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    stream.write_all(raw.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    stream
        .read_to_end(&mut bytes)
        .expect("reply within the deadline");
    Reply::parse(&bytes)
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP response, parsed.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    fn parse(bytes: &[u8]) -> Reply {
        let split = bytes
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a complete head");
        let head = String::from_utf8_lossy(&bytes[..split]);
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Reply {
            status,
            headers,
            body: bytes[split + 4..].to_vec(),
        }
    }

    /// The value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// An open event stream.
pub struct Events {
    reader: BufReader<TcpStream>,
    partial: String,
}

impl Events {
    fn read_until(&mut self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + DEADLINE;
        let mut buffer = [0u8; 4096];
        while !done(&self.partial) {
            assert!(
                Instant::now() < deadline,
                "no {what} on the stream within {DEADLINE:?}; so far: {}",
                self.partial
            );
            match self.reader.read(&mut buffer) {
                Ok(0) => panic!("stream closed; so far: {}", self.partial),
                Ok(n) => self
                    .partial
                    .push_str(&String::from_utf8_lossy(&buffer[..n])),
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(e) => panic!("stream failed: {e}"),
            }
        }
        std::mem::take(&mut self.partial)
    }

    /// Waits for the next event named `name` and returns its data.
    pub fn wait_for(&mut self, name: &str) -> String {
        let marker = format!("event: {name}\ndata: ");
        let text = self.read_until(&format!("{name} event"), |t| {
            t.find(&marker).is_some_and(|i| t[i..].contains("\n\n"))
        });
        let start = text.find(&marker).unwrap() + marker.len();
        let end = text[start..].find("\n\n").unwrap() + start;
        self.partial = text[end + 2..].to_string();
        text[start..end].to_string()
    }
}
