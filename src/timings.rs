//! How long each stage of a build takes, on the clock and on the processors (every thread
//! of the process together), and the most memory the build has held by its end: what
//! `cardweb build --timings` prints.

use std::time::{Duration, Instant};

/// One stage of a build and the time it took.
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    /// What the stage does, in a word.
    pub name: &'static str,
    /// Time on the clock.
    pub wall: Duration,
    /// Processor time of all threads, user and system.
    pub cpu: Duration,
    /// The most memory the process has held in RAM so far (peak resident set), in bytes.
    pub peak: u64,
}

/// Times the stages of a build one after another.
#[derive(Debug)]
pub struct Stopwatch {
    wall: Instant,
    cpu: Duration,
    /// The stages timed so far, in order.
    pub stages: Vec<Stage>,
}

impl Stopwatch {
    /// A stopwatch whose first stage starts now.
    pub fn start() -> Stopwatch {
        Stopwatch {
            wall: Instant::now(),
            cpu: usage().0,
            stages: Vec::new(),
        }
    }

    /// Ends the stage `name` now; the next one starts.
    pub fn lap(&mut self, name: &'static str) {
        let (wall, (cpu, peak)) = (Instant::now(), usage());
        self.stages.push(Stage {
            name,
            wall: wall - self.wall,
            cpu: cpu.saturating_sub(self.cpu),
            peak,
        });
        (self.wall, self.cpu) = (wall, cpu);
    }
}

/// The processor time this process has used so far (all threads, user and system), and
/// its peak resident memory in bytes.
fn usage() -> (Duration, u64) {
    // SAFETY: getrusage fills in the plain struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return (Duration::ZERO, 0);
    }
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    let peak = u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024; // kilobytes on Linux
    (time(usage.ru_utime) + time(usage.ru_stime), peak)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_on_the_processor_shows_in_its_stage() {
        let mut watch = Stopwatch::start();
        let until = usage().0 + Duration::from_millis(30);
        let mut x = 0u64;
        while usage().0 < until {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(1));
        }
        watch.lap("busy");
        watch.lap("idle");
        let [busy, idle] = &watch.stages[..] else {
            panic!("two stages")
        };
        assert_eq!((busy.name, idle.name), ("busy", "idle"));
        assert!(busy.cpu >= Duration::from_millis(30), "{busy:?}");
        assert!(busy.wall > Duration::ZERO, "{busy:?}");
        assert!(idle.cpu < busy.cpu, "{idle:?}");
        assert!(
            idle.peak >= busy.peak && busy.peak > 1 << 20,
            "{busy:?} {idle:?}"
        );
    }
}
