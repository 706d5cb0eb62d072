//! Property tests over random cards: front matter (well-formed, odd and broken), Markdown
//! (headings, lists, quotes, callouts, quizzes, code, tables) and every link syntax, mixed
//! at random. Whatever the mix, a build ends in a site or in errors at `path:line:col`
//! within the file, never in a panic; and in a site built every link leads to a page or
//! file and every `#anchor` to an element of its page (a link to nothing is drawn as its
//! text; one to a heading its target lacks leads to the target's top).

use crate::support::{Random, TestSite, broken_links};

const NAMES: &[&str] = &[
    "alpha",
    "Beta Gamma",
    "delta_epsilon",
    "ZETA",
    "eta/theta",
    "iota.md",
    "kappa#Part one",
    "Ünïcode Ö",
    "🦀",
    "",
    " ",
    "lambda|label",
    "mu#",
    "#nu",
    "../xi.md",
    "omicron.png",
];

const VALUES: &[&str] = &[
    "plain",
    "\"quoted: colon\"",
    "[a, b]",
    "[]",
    "{}",
    "~",
    "null",
    "- x",
    "[unclosed",
    "'single'",
    "@at",
    "`tick`",
    "*alias",
    "&anchor x",
    "\"\\u0007bell\"",
    "12",
    "true",
    "|\n  block",
    ">\n  folded",
    "[[alpha]]",
    "\"[[Beta Gamma]]\"",
];

const KEYS: &[&str] = &[
    "title",
    "summary",
    "description",
    "status",
    "tags",
    "parent",
    "related",
    "next",
    "prerequisites",
    "aliases",
    "reading",
    "tittle",
    "cssclasses",
    "permalink",
    "date",
];

fn front_matter(random: &mut Random) -> String {
    let lines: Vec<String> = (0..random.below(6))
        .map(|_| format!("{}: {}", random.pick(KEYS), random.pick(VALUES)))
        .collect();
    match random.below(8) {
        0 => String::new(),
        1 => format!("---\n{}\n", lines.join("\n")), // never closed
        2 => "---\n---\n".into(),
        _ => format!("---\n{}\n---\n", lines.join("\n")),
    }
}

fn link(random: &mut Random) -> String {
    let name = random.pick(NAMES);
    match random.below(9) {
        0 => format!("[[{name}]]"),
        1 => format!("[[{name}|shown]]"),
        2 => format!("![[{name}]]"),
        3 => format!("[text]({name})"),
        4 => format!(
            "[text]({}.md#{})",
            name.replace(' ', "%20"),
            random.pick(NAMES)
        ),
        5 => format!("`[[{name}]]`"),
        6 => format!("[[{name}#{}]]", random.pick(NAMES)),
        7 => format!("<{name}>"),
        _ => format!("[[{name}"),
    }
}

fn markdown(random: &mut Random) -> String {
    let mut text = String::new();
    for _ in 0..random.below(12) {
        let l = link(random);
        let block = match random.below(11) {
            0 => format!("# {l}\n"),
            1 => format!("## Part one\n\nSee {l}.\n"),
            2 => format!("- item {l}\n  - nested {l}\n"),
            3 => format!("> quote {l}\n> > deeper\n"),
            4 => format!(
                "> [!{}] Title {l}\n> body {l}\n",
                random.pick(&["note", "tip", "analogy", "x y", ""])
            ),
            5 => format!("> [!quiz] Which {l}?\n> - [x] right {l}\n> - [ ] wrong\n>\n> Because.\n"),
            6 => format!("```\ncode {l}\n```\n"),
            7 => format!("| a | {l} |\n|---|---|\n| 1 | 2 |\n"),
            8 => format!("Text with a footnote[^1] and {l}.\n\n[^1]: Note {l}.\n"),
            9 => format!("<div>{l}</div>\n"),
            _ => format!("A sentence. Another with {l}! A third?\n"),
        };
        text.push_str(&block);
        text.push('\n');
    }
    text
}

#[test]
fn random_cards_build_or_fail_with_diagnostics_and_never_break_a_link() {
    for seed in 1..=200u64 {
        let mut random = Random(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let site = TestSite::new();
        let count = 2 + random.below(10);
        let mut files = Vec::new();
        for i in 0..count {
            let name = format!("{}{i}", random.pick(&["card", "Card ", "note-", "ü"]));
            let text = format!("{}{}", front_matter(&mut random), markdown(&mut random));
            site.write(&format!("cards/{name}.md"), &text);
            files.push((name, text));
        }
        let run = site.run(&["build"]);
        let stderr = run.stderr();
        let replay = || format!("seed {seed}: {files:#?}\n{stderr}");
        match run.0.status.code() {
            Some(0) => {
                let broken = broken_links(&site.path().join("output"));
                assert!(broken.is_empty(), "{}\nbroken: {broken:?}", replay());
            }
            Some(1) => assert!(stderr.contains(": error: "), "{}", replay()),
            code => panic!("exit {code:?}: {}", replay()),
        }
        for line in stderr
            .lines()
            .filter(|l| l.contains(": error: ") || l.contains(": warning: "))
        {
            let (path, rest) = line.split_once(".md:").unwrap_or(("", ""));
            let Some((name, text)) = files
                .iter()
                .find(|(n, _)| path.ends_with(&format!("cards/{n}")))
            else {
                continue;
            };
            let line_no: usize = rest.split(':').next().unwrap().parse().unwrap();
            assert!(
                line_no >= 1 && line_no <= text.lines().count() + 1,
                "seed {seed}: {name}: line {line_no} is outside the file: {line}"
            );
        }
    }
}
