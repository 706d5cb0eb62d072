//! Loading and checking: bad input gives `path:line:col` diagnostics, all at once, exit 1,
//! never a panic; good input in any of the accepted shapes builds.

use crate::support::TestSite;

const GOOD: &str = "---\ntitle: Good\n---\nFine.\n";

#[test]
fn broken_yaml_is_a_warning_at_its_line_and_the_note_still_builds() {
    let site = TestSite::new().file("cards/good.md", GOOD).file(
        "cards/broken.md",
        "---\ntitle: Broken\ntags: [a, b\nsummary: never closed\n---\nBody [[good]]\n",
    );
    let run = site.run(&["build"]).success();
    let err = run.stderr();
    assert!(
        err.contains(
            "cards/broken.md:3:7: warning: invalid YAML in front matter (left out): this `[` is never closed"
        ),
        "{err}"
    );
    assert!(err.contains("hint:"), "{err}");
    let page = site.page("broken/index.html");
    assert!(page.contains("<h1>broken</h1>"), "titled by its file name");
    assert!(
        page.contains("href=\"../good/\""),
        "its body and links are there"
    );
    let strict = site.run(&["check", "--strict"]).failure();
    assert!(
        strict.stdout().contains("0 errors, 2 warnings"),
        "{}",
        strict.stdout()
    );
    site.run(&["check"]).success();
}

#[test]
fn all_problems_are_reported_together() {
    let site = TestSite::new()
        .file("cards/one.md", "---\nstatus: finished\n---\n")
        .file("cards/two.md", "---\ntitle: [unclosed\n---\n")
        .file("cards/three.md", "---\ntitle: Three\n")
        .file(
            "cards/four.md",
            b"---\ntitle: Four\n---\ncaf\xe9\n".as_slice(),
        )
        .file("cards/five.md", GOOD);
    let err = site.run(&["check"]).failure().stderr();
    assert!(err.contains("cards/one.md:2:1: warning: `status` must be one of `complete`, `draft`, `stub` (not `finished`); it is left out"), "{err}");
    assert!(
        err.contains(
            "cards/two.md:2:8: warning: invalid YAML in front matter (left out): this `[` is never closed"
        ),
        "{err}"
    );
    assert!(
        err.contains("cards/three.md:1:1: warning: front matter opened with `---` is never closed"),
        "{err}"
    );
    assert!(
        err.contains("cards/four.md:4:4: error: not UTF-8 text (byte 0xe9)"),
        "what has no sensible page is still an error: {err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn notes_of_one_name_in_two_folders_both_get_pages() {
    let site = TestSite::new()
        .file("cards/Work/Meetings.md", "# Agenda\n\nWork.\n")
        .file("cards/Home/Meetings.md", "Home.\n")
        .file(
            "cards/work-meetings.md",
            "A note whose name is taken by a path.\n",
        )
        .file(
            "cards/hub.md",
            "See [[Work/Meetings#Agenda]], [[Home/Meetings]] and [[Meetings]].\n",
        );
    let err = site.run(&["build"]).success().stderr();
    assert!(
        err.contains("cards/hub.md:1:53: warning: `Meetings` is the name of 2 notes (cards/Home/Meetings.md, cards/Work/Meetings.md); it links to the first"),
        "{err}"
    );
    assert!(site.page("home-meetings/index.html").contains("Home."));
    assert!(site.page("work-meetings-2/index.html").contains("Work."));
    assert!(
        site.page("work-meetings/index.html")
            .contains("taken by a path")
    );
    let hub = site.page("hub/index.html");
    assert!(
        hub.contains("href=\"../work-meetings-2/#agenda\""),
        "a path link: {hub}"
    );
    assert!(hub.contains("href=\"../home-meetings/\""), "{hub}");
}

#[test]
fn aliases_that_name_another_card_warn_and_name_both() {
    let site = TestSite::new()
        .file(
            "cards/a.md",
            "---\naliases: [b, old page]\n---\nSee [[old page]].\n",
        )
        .file("cards/b.md", "---\nparent: a\n---\nSee [[b]].\n")
        .file("cards/c.md", "---\nparent: a\naliases: [Old Page]\n---\n");
    let err = site.run(&["check"]).success().stderr();
    assert!(
        err.contains("cards/a.md:2:1: warning: alias `b` is already the id of cards/b.md"),
        "{err}"
    );
    assert!(
        err.contains(
            "cards/c.md:3:1: warning: alias `Old Page` is already the alias of cards/a.md"
        ),
        "a shared alias names both notes: {err}"
    );
    site.build();
    assert!(
        site.page("a/index.html").contains("href=\"../a/\""),
        "the first keeps it"
    );
    assert!(site.page("b/index.html").contains("<h1>b</h1>"));
}

#[test]
fn parent_cycles_name_the_files() {
    let site = TestSite::new()
        .file("cards/a.md", "---\nparent: b\n---\n")
        .file("cards/b.md", "---\ntitle: B\nparent: a\n---\n")
        .file("cards/c.md", "---\nparent: c\n---\n");
    let err = site.run(&["build"]).failure().stderr();
    assert!(
        err.contains("cards/a.md:2:1: error: parent cycle: cards/a.md → cards/b.md → cards/a.md"),
        "{err}"
    );
    assert!(
        err.contains("cards/c.md:2:1: error: parent cycle: cards/c.md → cards/c.md"),
        "{err}"
    );
}

#[test]
fn huge_cards_are_refused() {
    let huge = format!("---\ntitle: Huge\n---\n{}", "x".repeat(5 << 20));
    let site = TestSite::new().file("cards/huge.md", huge);
    let err = site.run(&["check"]).failure().stderr();
    assert!(err.contains("cards/huge.md:1:1: error: card is"), "{err}");
}

#[test]
fn an_obsidian_vault_builds_as_it_is() {
    let site = TestSite::new()
        .file("cards/Domain Name System.md", "Names to numbers. See [[Resolver]].\n")
        .file("cards/Resolver.md", "---\ndescription: Asks DNS.\naliases: recursive resolver\ntags: [\"#net\"]\ncssclasses: [wide]\n---\nUses [[Domain Name System]].\n")
        .file("cards/.obsidian/app.json", "{}");
    site.build();
    let page = site.page("domain-name-system/index.html");
    assert!(
        page.contains("<h1>Domain Name System</h1>"),
        "title from file name"
    );
    let resolver = site.page("resolver/index.html");
    assert!(
        resolver.contains("<p class=\"summary\">Asks DNS.</p>"),
        "description is the summary"
    );
    assert!(
        resolver.contains("<a href=\"../tags/net/\">#net</a>"),
        "{resolver}"
    );
    assert!(
        !site.path().join("output/.obsidian").exists(),
        "hidden folders are skipped"
    );
}

#[test]
fn callouts_and_quizzes_render_without_javascript() {
    let site = TestSite::new().file(
        "cards/q.md",
        "> [!analogy]\n> Like a post office.\n\n> [!quiz] Who asks first?\n> - [x] The client\n> - [ ] The server\n>\n> Servers only answer.\n",
    );
    site.build();
    let page = site.page("q/index.html");
    assert!(page.contains("<p class=\"callout-title\">Think of it like...</p>"));
    assert!(page.contains("<li class=\"quiz-choice\" data-correct=\"true\">The client</li>"));
    assert!(page.contains("<details class=\"quiz-answer\">\n<summary>Show the answer</summary>"));
    assert!(
        !page.contains("/_cardweb/"),
        "nothing of the server in build output"
    );
}

#[test]
fn typo_keys_warn_and_are_kept() {
    let site = TestSite::new().file("cards/a.md", "---\ntitel: A\n---\n");
    let err = site.run(&["check"]).success().stderr();
    assert!(err.contains("cards/a.md:2:1: warning: unknown key `titel` (kept as card.extra.titel)\n  hint: did you mean `title`?"), "{err}");
}

#[test]
fn a_site_template_overrides_the_built_in_one() {
    let site = TestSite::new()
        .file("cards/a.md", GOOD)
        .file(
            "templates/404.html",
            "{% extends \"base.html\" %}{% block main %}Custom lost page{% endblock main %}",
        )
        .file("themes/default/style.css", "body { color: red }")
        .file("themes/default/logo.svg", "<svg/>");
    site.build();
    assert!(site.page("404.html").contains("Custom lost page"));
    assert!(
        site.page("a/index.html").contains("<h1>Good</h1>"),
        "other templates stay built in"
    );
    // The style sheet the templates name carries a hash of its bytes; other files keep
    // their names, so the style sheet's url(…) finds them.
    let page = site.page("a/index.html");
    let style = crate::support::attribute_values(&page, "href")
        .into_iter()
        .find(|h| h.ends_with(".css"))
        .expect("a style sheet");
    assert!(
        style.starts_with("../assets/style.")
            && style.len() == "../assets/style.0123456789.css".len(),
        "{style}"
    );
    assert_eq!(site.page(&style[3..]), "body { color: red }");
    assert_eq!(site.page("assets/logo.svg"), "<svg/>");
}

#[test]
fn a_broken_template_is_an_error_not_a_panic() {
    let site = TestSite::new()
        .file("cards/a.md", GOOD)
        .file("templates/card.html", "{% if %}");
    let err = site.run(&["build"]).failure().stderr();
    assert!(
        err.contains("error: cannot compile the templates: templates/card.html:1:"),
        "{err}"
    );
}

#[test]
fn a_template_written_for_tera_1_says_where_and_how_to_port_it() {
    let site = TestSite::new().file("cards/a.md", GOOD).file(
        "templates/tags.html",
        "{% extends \"base.html\" %}\n{% import \"macros.html\" as m %}\n\
         {% block main %}{{ m::pager(p=pager) }}{% endblock main %}",
    );
    let err = site.run(&["build"]).failure().stderr();
    assert!(
        err.contains("templates/tags.html:2:4: Unknown tag"),
        "{err}"
    );
    assert!(err.contains("hint: templates are Tera 2 now"), "{err}");

    // Ported: the built-in components are there to call, as the built-in pages do.
    site.write(
        "templates/tags.html",
        "{% extends \"base.html\" %}{% block main %}<p>Own tags page</p>\
         {{ <pager p={pager}/> }}{% endblock main %}",
    );
    site.build();
    let page = site.page("tags/index.html");
    assert!(page.contains("<p>Own tags page</p>"), "{page}");
    assert!(page.contains("class=\"site-header\""), "{page}");
}

#[test]
fn output_is_deterministic() {
    let site = TestSite::own_cards();
    site.run(&["build", "--out", "first"]).success();
    site.run(&["build", "--out", "second"]).success();
    let read = |dir: &str| crate::support::TestSite::output_files_in(&site.path().join(dir));
    assert_eq!(read("first"), read("second"));
}

#[test]
fn orphans_warn() {
    let site = TestSite::new()
        .file("cards/root.md", "---\ntitle: Root\n---\nSee [[linked]].\n")
        .file("cards/linked.md", "Linked.\n")
        .file("cards/child.md", "---\nparent: root\n---\n")
        .file("cards/lonely.md", "Nobody links here.\n");
    let err = site.run(&["check"]).success().stderr();
    assert!(
        err.contains("cards/lonely.md:1:1: warning: `lonely` is an orphan"),
        "{err}"
    );
    assert_eq!(
        err.matches("is an orphan").count(),
        1,
        "root has a child, linked is linked: {err}"
    );
}

/// The peak memory `build --timings` reports at its last stage, in MB.
fn peak_memory(timings: &str) -> u64 {
    let line = timings.lines().last().unwrap_or_default();
    (line.split(", ").last())
        .and_then(|p| p.strip_suffix(" MB peak memory"))
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak memory in {line:?}"))
}

#[test]
fn a_small_site_builds_in_little_memory() {
    // A kernel that backs memory with 2 MB pages unasked (transparent huge pages set to
    // "always") made the allocator's first pages count whole: 40 MB for this site, 27
    // without; naming the 5.5 MB Mermaid script by its hash at every build (and copying
    // it) took 11 MB more of that. The test's own (debug) build: 31 MB then, 20 MB now.
    let words = [
        "client", "server", "request", "cache", "socket", "queue", "page", "link",
    ];
    let mut site = TestSite::new();
    for i in 0..300 {
        let text: Vec<&str> = (0..300)
            .map(|j| words[(i * j + j / 3) % words.len()])
            .collect();
        let parent = match i {
            0 => String::new(),
            i => format!("parent: c{}\n", i / 2),
        };
        let card = format!(
            "---\n{parent}---\n{} [[c{}]]\n",
            text.join(" "),
            i * 7 % 300
        );
        site = site.file(&format!("cards/c{i}.md"), card);
    }
    let peak = peak_memory(&site.run(&["build", "--timings"]).success().stdout());
    assert!(peak < 24, "{peak} MB");
}

#[test]
fn the_cards_html_waits_on_disk_not_in_memory_during_a_build() {
    // 60 cards of 430 KB of words that barely compress: 26 MB of HTML, which packed in
    // memory made the peak once the cards were read 45 MB (the test's own debug build);
    // 21 MB waiting on disk.
    let mut seed = 7u64;
    let mut word = || {
        seed = (seed.wrapping_mul(6364136223846793005)).wrapping_add(1442695040888963407);
        format!("{:x}", seed >> 36)
    };
    let mut site = TestSite::new();
    for i in 0..60 {
        let paragraphs: Vec<String> = (0..700)
            .map(|_| (0..80).map(|_| word()).collect::<Vec<_>>().join(" "))
            .collect();
        let card = format!("[[c{}]]\n\n{}\n", (i + 1) % 60, paragraphs.join("\n\n"));
        site = site.file(&format!("cards/c{i}.md"), card);
    }
    let timings = site.run(&["build", "--timings"]).success().stdout();
    let read = (timings.lines())
        .find(|l| l.trim_start().starts_with("read"))
        .unwrap_or_else(|| panic!("no read line in {timings}"));
    assert!(peak_memory(read) < 30, "{read}");
    let card = std::fs::read_to_string(site.path().join("cards/c7.md")).unwrap();
    let last_word = card.split_whitespace().last().unwrap();
    assert!(
        site.page("c7/index.html").contains(last_word),
        "the page is whole"
    );
    let left: Vec<_> = (std::fs::read_dir(site.path()).unwrap())
        .chain(std::fs::read_dir(site.path().join("output")).unwrap())
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "no scratch file is left: {left:?}");
}

#[test]
fn timings_name_each_stage_with_its_time_and_the_peak_memory() {
    let site = TestSite::own_cards();
    let out = site.run(&["build", "--timings"]).success().stdout();
    for stage in ["read", "graph", "theme", "draw", "write"] {
        let line = (out.lines())
            .find(|l| l.trim_start().starts_with(stage))
            .unwrap_or_else(|| panic!("no {stage} line in {out}"));
        assert!((1..4096).contains(&peak_memory(line)), "{line}");
        assert!(line.contains(" s on the clock, "), "{line}");
    }
}
