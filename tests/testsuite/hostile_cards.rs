//! Hostile and unlucky cards, each kind with the processor time and memory `cardweb check`
//! may take on it (memory enforced with `ulimit -d`, which counts the heap). Each must end in a
//! diagnostic or a clean result: never a panic, a hang or a blow-up. Inputs are small to
//! write and large to process: what an attacker, or a script gone wrong, would produce.

use crate::support::TestSite;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One kind of hostile input.
struct Case {
    name: &'static str,
    /// Files to write under the site, by path.
    files: Vec<(String, Vec<u8>)>,
    /// The most processor time `check` may take (debug build), in seconds.
    seconds: u64,
    /// The most memory `check` may use, in MB.
    megabytes: u64,
    /// Text the diagnostics must hold, if any.
    says: Option<&'static str>,
}

fn case(name: &'static str, seconds: u64, megabytes: u64, text: String) -> Case {
    Case {
        name,
        files: vec![("cards/a.md".into(), text.into_bytes())],
        seconds,
        megabytes,
        says: None,
    }
}

impl Case {
    fn says(mut self, text: &'static str) -> Case {
        self.says = Some(text);
        self
    }

    fn and(mut self, rel: &str, text: impl Into<Vec<u8>>) -> Case {
        self.files.push((rel.into(), text.into()));
        self
    }
}

fn cases() -> Vec<Case> {
    let front = |yaml: String| format!("---\n{yaml}\n---\nBody.\n");
    let many = |n: usize, f: &dyn Fn(usize) -> String| (0..n).map(f).collect::<String>();
    vec![
        case("100,000 links in one paragraph", 20, 600,
            format!("Start {} end.\n", many(100_000, &|i| format!("[[n{}]] ", i % 500)))),
        case("100,000 links in one sentence-free line, to 100,000 stubs", 40, 900,
            many(100_000, &|i| format!("[[s{i}]]"))),
        case("200 KB of nested [ in front matter", 5, 200, front(format!("title: {}", "[".repeat(200_000))))
            .says("more than 32 deep"),
        case("200 KB of nested { in front matter", 5, 200, front(format!("x: {}", "{a: ".repeat(50_000))))
            .says("more than 32 deep"),
        case("1,000 nested quizzes", 20, 400,
            many(1000, &|d| { let p = format!("{} ", ">".repeat(d + 1)); format!("{p}[!quiz] Q{d}\n{p}- [x] yes\n{}\n", p.trim()) })),
        case("1,000 nested callouts", 20, 400,
            many(1000, &|d| format!("{} [!note] N{d}\n", ">".repeat(d + 1)))),
        case("10,000 nested block quotes", 20, 400, format!("{} deep\n", ">".repeat(10_000))),
        case("5,000 nested lists", 20, 400, many(5000, &|d| format!("{}- item\n", "  ".repeat(d)))),
        case("50,000 nested emphasis marks", 20, 400, format!("{}x{}\n", "*".repeat(50_000), "*".repeat(50_000))),
        case("100,000 headings with one name", 30, 600, many(100_000, &|_| "## Same\n".into())),
        case("a 3.9 MB line", 20, 400, "word ".repeat(800_000)),
        case("a card over the size limit", 5, 200, "x".repeat(5 << 20)).says("the limit is"),
        case("bytes that are not UTF-8", 5, 200, String::new())
            .and("cards/b.md", vec![0xff, 0xfe, 0x00, 0x41]).says("not UTF-8"),
        case("NUL characters", 5, 200, "a\0b [[c\0d]] \0\n".repeat(1000)),
        case("a YAML alias bomb", 5, 200, front(
            "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n\
             d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n\
             g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: [*g,*g,*g,*g,*g,*g,*g,*g,*g]".into())),
        case("front matter never closed, 1 MB", 5, 200, format!("---\ntitle: x\n{}", "k: v\n".repeat(200_000)))
            .says("never closed"),
        case("100,000 aliases", 30, 600, front(format!("aliases: [{}]", many(100_000, &|i| format!("al{i},"))))),
        case("100,000 related concepts", 45, 900, front(format!("related: [{}]", many(100_000, &|i| format!("r{i},"))))),
        case("10,000 tags", 20, 400, front(format!("tags: [{}]", many(10_000, &|i| format!("t{i},"))))),
        case("markup in every field", 5, 200, front(
            "title: \"<script>alert(1)</script>\"\nsummary: \"<img src=x onerror=alert(1)>\"\ntags: [\"<b>\"]\n\
             reading: [{title: \"<i>\", url: \"javascript:alert(1)\"}]".into())),
        case("control characters in the title", 5, 200, front("title: \"a\\u0007b\\u001bc\\u202ed\"".into())),
        case("a 1 MB title", 10, 300, front(format!("title: {}", "t".repeat(1 << 20)))),
        case("a 100 KB link target", 10, 300, format!("[[{}]]\n", "n".repeat(100_000))),
        case("100,000 footnotes", 30, 600,
            format!("{}\n\n{}", many(100_000, &|i| format!("x[^{i}] ")), many(100_000, &|i| format!("[^{i}]: note\n")))),
        case("a table of 10,000 columns", 20, 400,
            format!("{}|\n{}|\n{}|\n", "|h".repeat(10_000), "|-".repeat(10_000), "|c".repeat(10_000))),
        case("100,000 missing attachments", 30, 600, many(100_000, &|i| format!("![[gone{i}.png]]\n"))),
        case("odd link syntax", 10, 300, "[[]] [[|]] [[#]] [[#|]] [[ ]] [[a|]] [[|b]] [[a#]] [](<>) [x]() ![[]] [[[[a]]]] ]]\n".repeat(5000)),
        case("a heading of 10,000 #", 10, 300, format!("{} x\n", "#".repeat(10_000))),
        case("10,000 unclosed HTML tags", 10, 300, "<div><span><table><tr><td>\n".repeat(10_000)),
        case("a byte-order mark and CRLF lines", 5, 200, "\u{feff}---\r\ntitle: Crlf\r\n---\r\nSee [[b]].\r\n".into()),
        case("only front matter", 5, 200, "---\ntitle: x\n---".into()),
        case("an empty file", 5, 200, String::new()),
        case("names without letters", 5, 200, "See [[🦀]] and [[!!!]].\n".into())
            .and("cards/🦀.md", "Crab.\n").and("cards/!!!.md", "Bangs.\n").says("gives no id"),
        case("100,000 highlights and tags", 20, 600, "==a== #t x == y #1 ".repeat(100_000)),
        case("100,000 different inline tags, 100,000 tag pages", 40, 900, many(100_000, &|i| format!("#tag{i} "))),
        case("100,000 comments, one never closed", 5, 600, format!("{}%% open", "a %%b%% `%%` ".repeat(100_000))),
        case("10,000 block ids", 20, 400, many(10_000, &|i| format!("Para {i}. ^b{i}\n\n- item ^i{i}\n\n^o{i}\n\n"))),
        case("100,000 embeds of itself and of sections", 30, 900,
            many(100_000, &|i| format!("![[a{}]]\n", ["", "#x", "#^b"][i % 3]))),
        case("1 MB of math", 20, 600, format!("${}$\n\n$$\\frac{{{}}}{{2}}$$\n", "x^".repeat(250_000), "{".repeat(1000))),
        case("image sizes that overflow", 5, 200, "![[a.png|99999999999999999999x7]] ![[b.png|0x0]] ![[c.png|x]]\n".repeat(1000)),
        case("a 1 MB code block", 30, 600, format!("```rust\n{}```\n", "fn f() { let x = [1, 2, 3]; }\n".repeat(30_000))),
        case("10,000 headings, one contents list", 20, 400, many(10_000, &|i| format!("## H{i}\n\ntext\n"))),
        chain("embeds in a circle of 1,000", 1000, |i| format!("x: {i}\n---\n\n![[c{}]]\n\n---", (i + 1) % 1000))
            .says("leads back to itself"),
        chain("a parent chain 3,000 long", 3000, |i| format!("parent: c{}", i + 1)),
        chain("a parent cycle of 1,000", 1000, |i| format!("parent: c{}", (i + 1) % 1000)).says("parent cycle"),
        chain("prerequisites in a circle of 1,000", 1000, |i| format!("prerequisites: [c{}]", (i + 1) % 1000))
            .says("circle"),
    ]
}

/// `n` cards `c0`…, each with the front matter `yaml(i)`.
fn chain(name: &'static str, n: usize, yaml: impl Fn(usize) -> String) -> Case {
    Case {
        name,
        files: (0..n)
            .map(|i| {
                (
                    format!("cards/c{i}.md"),
                    format!("---\n{}\n---\nC{i}.\n", yaml(i)).into_bytes(),
                )
            })
            .collect(),
        seconds: 30,
        megabytes: 600,
        says: None,
    }
}

/// How a run of `cardweb check` ended.
struct Run {
    /// The wait status, as `waitpid` gives it.
    status: i32,
    stderr: String,
    /// Processor time (user and system, all threads): unlike the time on the clock, it
    /// does not grow while other work on a shared machine holds the processor.
    cpu: Duration,
    wall: Duration,
}

/// Runs `cardweb check` in `dir` under `megabytes` of heap, killed after `kill_after`.
#[expect(clippy::zombie_processes, reason = "the child is reaped by wait4")]
fn run_check(dir: &std::path::Path, megabytes: u64, kill_after: Duration) -> Run {
    let started = Instant::now();
    let mut child = Command::new("bash")
        .args([
            "-c",
            "ulimit -d \"$1\"; exec timeout -s KILL \"$3\" \"$2\" check",
            "limit",
        ])
        .arg((megabytes * 1024).to_string())
        .arg(env!("CARGO_BIN_EXE_cardweb"))
        .arg(kill_after.as_secs().to_string())
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut stderr = String::new();
        let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
        stderr
    });
    // wait4 rather than Child::wait: it also gives the processor time of the child and of
    // the children it waited for (`timeout` waits for cardweb).
    let mut status = 0;
    // SAFETY: rusage is plain data that wait4 fills in; the pid is our own child's.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "{}", std::io::Error::last_os_error());
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    Run {
        status,
        stderr: reader.join().unwrap(),
        cpu: time(usage.ru_utime) + time(usage.ru_stime),
        wall: started.elapsed(),
    }
}

/// Runs `cardweb check` on `case` under its memory limit; returns what went wrong, if
/// anything.
fn try_case(case: &Case) -> Option<String> {
    let site = TestSite::new();
    for (rel, bytes) in &case.files {
        site.write(rel, bytes);
    }
    // A hang is stopped (and then fails) after four times its bound on the clock.
    let bound = Duration::from_secs(case.seconds);
    let run = run_check(site.path(), case.megabytes, bound * 4);
    let (name, stderr) = (case.name, &run.stderr);
    println!("{name}: {:?} processor, {:?} clock", run.cpu, run.wall);
    if run.cpu > bound {
        return Some(format!(
            "{name}: took {:?} of processor time, more than {bound:?}",
            run.cpu
        ));
    }
    let code = libc::WIFEXITED(run.status).then(|| libc::WEXITSTATUS(run.status));
    match code {
        Some(0 | 1) if !stderr.contains("panicked") => {}
        _ => {
            let tail: String = stderr.chars().take(300).collect();
            return Some(format!(
                "{name}: ended with {code:?} (status {}) after {:?} within {} MB: {tail}",
                run.status, run.wall, case.megabytes
            ));
        }
    }
    match case.says {
        Some(text) if !stderr.contains(text) => Some(format!("{name}: no `{text}` in {stderr}")),
        _ => None,
    }
}

#[test]
fn hostile_cards_end_in_a_diagnostic_within_their_bounds() {
    let cases = cases();
    assert!(cases.len() >= 30, "at least thirty kinds");
    let failures: Vec<String> = std::thread::scope(|scope| {
        let runs: Vec<_> = (cases.chunks(cases.len().div_ceil(2)))
            .map(|half| scope.spawn(move || half.iter().filter_map(try_case).collect::<Vec<_>>()))
            .collect();
        runs.into_iter().flat_map(|r| r.join().unwrap()).collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_link_in_the_cards_folder_is_named_not_passed_over() {
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(
        elsewhere.path().join("secret.md"),
        "Not a card of this site.\n",
    )
    .unwrap();
    let site = TestSite::new().file("cards/a.md", "A.\n");
    std::os::unix::fs::symlink(
        elsewhere.path().join("secret.md"),
        site.path().join("cards/linked.md"),
    )
    .unwrap();
    let check = site.run(&["check"]).success();
    assert!(
        check
            .stderr()
            .contains("cards/linked.md:1:1: warning: a symbolic link"),
        "{}",
        check.stderr()
    );
    site.build();
    assert!(!site.path().join("output/linked").exists(), "not followed");
}
