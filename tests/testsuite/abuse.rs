//! An abusive crowd against `cardweb serve`, over real sockets on loopback: idle and
//! half-sent connections, pipeliners and downloaders that never read, a header bomb, event
//! streams nobody reads, and more connections than the process may have files. A normal
//! visitor is served within a second throughout, the server's memory stays bounded, and it
//! never stops accepting.

use crate::server::{DEADLINE, Served};
use crate::support::TestSite;
use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// The longest a normal visitor may wait for a page.
const PATIENCE: Duration = Duration::from_secs(1);

/// Fetches a page as a normal visitor would; how long it took.
fn visit(served: &Served) -> Duration {
    let started = Instant::now();
    let page = served.get("/apis/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("<h1>APIs</h1>"));
    started.elapsed()
}

/// The server's resident memory, in MB.
fn resident_mb(served: &Served) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", served.pid())).unwrap();
    let kb: u64 = (status.lines())
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    kb / 1024
}

fn connect(served: &Served, sending: &[u8]) -> TcpStream {
    let mut stream = TcpStream::connect(served.addr).unwrap();
    stream.write_all(sending).unwrap();
    stream
}

#[test]
fn a_normal_visitor_is_served_within_a_second_under_attack() {
    let site = TestSite::own_cards().file("cards/big.bin", vec![b'x'; 8 << 20]);
    let served = Served::start(&site);
    let before = resident_mb(&served);
    let mut crowd = Vec::new();
    for _ in 0..300 {
        crowd.push(connect(&served, b"")); // idle
    }
    for _ in 0..100 {
        crowd.push(connect(&served, b"GET / HTTP/1.1\r\nHost: x\r\nUser-Ag")); // half-sent
    }
    let download = b"GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n";
    for _ in 0..2 {
        crowd.push(connect(&served, &download.repeat(200))); // pipelined, never read
    }
    for _ in 0..8 {
        crowd.push(connect(&served, download)); // downloads, never read
    }
    for _ in 0..50 {
        crowd.push(connect(
            &served,
            b"GET /_cardweb/events HTTP/1.1\r\nHost: x\r\n\r\n",
        ));
        crowd.push(connect(
            &served,
            b"GET /_cardweb/log-events HTTP/1.1\r\nHost: x\r\n\r\n",
        ));
    }
    let mut bomb = connect(&served, b"GET / HTTP/1.1\r\nX-Bomb: ");
    for _ in 0..16 {
        bomb.write_all(&[b'b'; 1 << 20]).unwrap(); // 16 MB of one header line
    }
    let waits: Vec<Duration> = (0..5).map(|_| visit(&served)).collect();
    let grew = resident_mb(&served).saturating_sub(before);
    eprintln!("under attack: visitors waited {waits:?}; the server grew by {grew} MB");
    assert!(
        waits.iter().all(|w| *w < PATIENCE),
        "a visitor waited too long: {waits:?}"
    );
    assert!(grew < 200, "the crowd made the server grow by {grew} MB");
    drop(crowd);
    drop(bomb);
    assert!(visit(&served) < PATIENCE);
}

#[test]
fn more_connections_than_the_soft_limit_of_open_files_are_accepted() {
    let site = TestSite::own_cards();
    // A soft limit of 256 with a higher hard limit: the server raises its soft limit.
    let served = Served::start_under(&site, &[], "ulimit -Sn 256");
    let crowd: Vec<TcpStream> = (0..400).map(|_| connect(&served, b"")).collect();
    assert!(
        visit(&served) < PATIENCE,
        "the 401st client is served at once"
    );
    drop(crowd);
}

#[test]
fn running_out_of_files_does_not_stop_the_server_for_good() {
    let site = TestSite::own_cards();
    // A hard limit of 256: accepting the crowd fails with "too many open files".
    let served = Served::start_under(&site, &[], "ulimit -n 256");
    let crowd: Vec<TcpStream> = (0..400)
        .filter_map(|_| TcpStream::connect(served.addr).ok())
        .collect();
    drop(crowd);
    let deadline = Instant::now() + DEADLINE;
    loop {
        let answered = TcpStream::connect(served.addr).ok().and_then(|mut s| {
            s.set_read_timeout(Some(PATIENCE)).ok()?;
            s.write_all(b"GET /apis/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .ok()?;
            let mut head = [0u8; 12];
            std::io::Read::read_exact(&mut s, &mut head).ok()?;
            Some(head)
        });
        if answered.is_some_and(|h| h.starts_with(b"HTTP/1.1 200")) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the server stopped accepting for good after running out of files"
        );
    }
}
