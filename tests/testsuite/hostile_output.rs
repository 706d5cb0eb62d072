//! The output folder under hostile or unlucky conditions: links planted inside it, builds
//! killed at any moment, names that clash with the site's own pages or have no letters,
//! names as long as the file system allows. Nothing outside `output/` is ever touched, and
//! no case needs cleaning up by hand.

use crate::support::TestSite;
use std::os::unix::fs::symlink;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn links_planted_in_the_output_are_never_followed() {
    let site = TestSite::own_cards();
    site.build();
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("important.txt"), "keep me").unwrap();
    std::fs::write(elsewhere.path().join("index.html"), "not yours").unwrap();
    let out = site.path().join("output");
    // A folder cardweb wrote, replaced by a link; and a link named in the manifest.
    std::fs::remove_dir_all(out.join("apis")).unwrap();
    symlink(elsewhere.path(), out.join("apis")).unwrap();
    symlink(elsewhere.path(), out.join("evil")).unwrap();
    let manifest = out.join(".cardweb-manifest");
    let listed = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, format!("{listed}evil/important.txt\n")).unwrap();
    let card = std::fs::read_to_string(site.path().join("cards/apis.md")).unwrap();
    site.write(
        "cards/apis.md",
        card.replace("An **API**", "An edited **API**"),
    );

    let err = site.run(&["build"]).failure().stderr();
    assert!(
        err.contains("output/apis") && err.contains("symbolic link"),
        "the error names the link: {err}"
    );
    assert_eq!(
        std::fs::read_to_string(elsewhere.path().join("index.html")).unwrap(),
        "not yours",
        "nothing written through the link"
    );
    assert_eq!(
        std::fs::read_to_string(elsewhere.path().join("important.txt")).unwrap(),
        "keep me",
        "nothing deleted through the link"
    );
    std::fs::remove_file(out.join("apis")).unwrap();
    let err = site.run(&["build"]).failure().stderr();
    assert!(err.contains("output/evil"), "{err}");
    assert!(elsewhere.path().join("important.txt").exists());
}

/// A site of `n` cards that link to each other, big enough that a build takes a while.
fn many_cards(n: usize) -> TestSite {
    let site = TestSite::new();
    for i in 0..n {
        let parent = match i {
            0 => String::new(),
            i => format!("parent: c{}\n", i / 10),
        };
        site.write(
            &format!("cards/c{i}.md"),
            format!(
                "---\ntitle: Card {i}\n{parent}tags: [t{}]\n---\nSee [[c{}]] and [[missing {}]].\n",
                i % 7,
                (i * 7 + 3) % n,
                i % 50
            ),
        );
    }
    site
}

#[test]
fn a_first_build_writes_nothing_through_a_link_or_over_a_folder_beside_the_output() {
    let site = TestSite::own_cards();
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("important.txt"), "keep me").unwrap();
    // Where a first build puts its files before they become `output/`.
    let beside = site.path().join(".output.cardweb-new");
    symlink(elsewhere.path(), &beside).unwrap();
    let err = site.run(&["build"]).failure().stderr();
    assert!(err.contains(".output.cardweb-new"), "{err}");
    let there: Vec<_> = std::fs::read_dir(elsewhere.path()).unwrap().collect();
    assert_eq!(there.len(), 1, "nothing written through the link");
    assert!(!site.path().join("output").exists());

    std::fs::remove_file(&beside).unwrap();
    std::fs::create_dir(&beside).unwrap();
    std::fs::write(beside.join("mine.txt"), "keep me").unwrap();
    let err = site.run(&["build"]).failure().stderr();
    assert!(err.contains(".output.cardweb-new"), "{err}");
    assert_eq!(
        std::fs::read_to_string(beside.join("mine.txt")).unwrap(),
        "keep me"
    );

    std::fs::remove_dir_all(&beside).unwrap();
    site.build();
    assert!(site.path().join("output/index.html").is_file());
    assert!(!beside.exists());
}

#[test]
fn a_build_killed_as_it_made_its_folder_beside_the_output_does_not_stop_the_next() {
    let site = TestSite::own_cards();
    // The first step of a first build: its folder, still empty, and then its manifest.
    let beside = site.path().join(".output.cardweb-new");
    std::fs::create_dir(&beside).unwrap();
    site.build();
    assert!(site.path().join("output/index.html").is_file());
    assert!(!beside.exists());

    std::fs::rename(site.path().join("output"), &beside).unwrap();
    site.build();
    assert!(site.path().join("output/index.html").is_file());
    assert!(!beside.exists());
}

#[test]
fn a_build_killed_at_any_moment_is_made_whole_by_the_next() {
    let site = many_cards(1500);
    let moments = kill_builds_ever_later(&site, |round| {
        if round % 2 == 1 {
            // Half the rounds start from an edited site, so files really change.
            let text = format!("---\ntitle: Card 1 take {round}\n---\nSee [[c2]].\n");
            site.write("cards/c1.md", text);
        }
    });
    assert_one_more_build_makes_it_whole(&site, &moments);
}

#[test]
fn a_build_killed_as_it_removes_what_a_killed_build_left_is_made_whole_by_the_next() {
    let site = many_cards(1500);
    site.build();
    let beside = site.path().join(".output.cardweb-new");
    let moments = kill_builds_ever_later(&site, |_| {
        // What a first build killed just before its last rename leaves: a whole site
        // beside the output, which the next build removes before it starts.
        let out = site.path().join("output");
        if out.exists() {
            std::fs::rename(&out, &beside).unwrap();
        }
    });
    assert_one_more_build_makes_it_whole(&site, &moments);
}

/// Starts `cardweb build` again and again, `before` each round, and kills each build ever
/// later, the moments in between tried at a growing granularity, until one finishes.
/// Returns the moments.
fn kill_builds_ever_later(site: &TestSite, mut before: impl FnMut(usize)) -> Vec<Duration> {
    let mut moments = Vec::new();
    let mut delay = Duration::from_millis(5);
    for round in 0..40 {
        before(round);
        let mut child = Command::new(env!("CARGO_BIN_EXE_cardweb"))
            .arg("build")
            .current_dir(site.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while started.elapsed() < delay {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::yield_now();
        }
        let finished = child.try_wait().unwrap().is_some();
        let _ = child.kill();
        let _ = child.wait();
        moments.push(delay);
        if finished {
            break;
        }
        delay += delay / 3;
    }
    moments
}

/// One more build of `site` succeeds, leaves nothing beside the output and gives the site
/// a fresh build of the same cards gives.
fn assert_one_more_build_makes_it_whole(site: &TestSite, moments: &[Duration]) {
    let after = site.run(&["build"]).success();
    assert!(after.stdout().contains("built"), "{}", after.stdout());
    let beside: Vec<String> = std::fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "cards" && name != "output")
        .collect();
    assert!(beside.is_empty(), "left beside the output: {beside:?}");
    let fresh = TestSite::new();
    copy_cards(site, &fresh);
    fresh.build();
    assert_eq!(
        site.output_files(),
        fresh.output_files(),
        "after kills at {moments:?}, one more build gives the same site as a fresh one"
    );
}

fn copy_cards(from: &TestSite, to: &TestSite) {
    for entry in walkdir::WalkDir::new(from.path().join("cards")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(from.path()).unwrap();
            to.write(rel.to_str().unwrap(), std::fs::read(entry.path()).unwrap());
        }
    }
}

#[test]
fn names_without_letters_get_pages() {
    let site = TestSite::new()
        .file(
            "cards/a.md",
            "---\ntitle: A\ntags: [🦀, web]\n---\nSee [[🦀]].\n",
        )
        .file("cards/🦀.md", "---\ntitle: Crab\nparent: a\n---\nA crab.\n");
    let check = site.run(&["check"]).success();
    assert!(check.stdout().contains("0 errors"), "{}", check.stdout());
    site.build();
    let tags = site.page("tags/index.html");
    assert!(tags.contains("#🦀"), "{tags}");
    let crab_tag = site
        .output_files()
        .into_keys()
        .find(|p| p.starts_with("tags/u1f980"))
        .expect("the crab tag has a page of its own");
    assert!(crab_tag.ends_with("index.html"));
    assert!(site.page("u1f980/index.html").contains("<h1>Crab</h1>"));
    assert!(
        site.page("a/index.html").contains("href=\"../u1f980/\""),
        "[[🦀]] links to the card named 🦀"
    );
}

#[test]
fn a_card_named_like_a_site_page_gets_its_own_page_and_a_clashing_file_is_an_error() {
    let site = TestSite::own_cards();
    site.build();
    let before = site.output_files();
    for name in ["graph", "tags", "stubs", "assets"] {
        site.write(&format!("cards/{name}.md"), "---\nparent: apis\n---\nX.\n");
        site.write(
            "cards/links-here.md",
            format!("---\nparent: apis\n---\nSee [[{name}]].\n"),
        );
        site.build();
        let page = site.page(&format!("{name}-2/index.html"));
        assert!(page.contains("<p>X.</p>"), "{name}: {page}");
        let linking = site.page("links-here/index.html");
        assert!(
            linking.contains(&format!("href=\"../{name}-2/\"")),
            "{name}: {linking}"
        );
        std::fs::remove_file(site.path().join(format!("cards/{name}.md"))).unwrap();
        std::fs::remove_file(site.path().join("cards/links-here.md")).unwrap();
    }
    site.build();
    assert_eq!(
        site.output_files(),
        before,
        "the site's own pages are as they were"
    );
    site.write("cards/graph.json", "{}");
    let check = site.run(&["check"]).failure();
    assert!(
        check.stderr().contains("cards/graph.json:1:1: error:"),
        "{}",
        check.stderr()
    );
    std::fs::remove_file(site.path().join("cards/graph.json")).unwrap();
    site.run(&["build"]).success();
    assert_eq!(
        site.output_files(),
        before,
        "no temporary file was left behind"
    );
}

#[test]
fn a_file_where_a_stubs_page_goes_is_an_error_that_names_both() {
    let site = TestSite::new()
        .file("cards/a.md", "See [[later]] and #maths.\n")
        .file("cards/later/index.html", "<p>mine</p>")
        .file("cards/tags/maths/index.html", "<p>mine too</p>");
    let check = site.run(&["check"]).failure();
    let stderr = check.stderr();
    assert!(
        stderr.contains("cards/later/index.html:1:1: error: the page of the stub `later` this card links to and the attachment `later/index.html` would both be the output file `later/index.html`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("cards/tags/maths/index.html:1:1: error: the page of the tag `maths` and the attachment `tags/maths/index.html` would both be the output file `tags/maths/index.html`"),
        "{stderr}"
    );
}

#[test]
fn an_attachment_with_the_longest_name_is_copied() {
    let name = format!("{}.png", "a".repeat(251));
    let site = TestSite::new()
        .file("cards/a.md", format!("![[{name}]]\n"))
        .file(&format!("cards/{name}"), "png");
    site.run(&["check"]).success();
    site.build();
    assert_eq!(site.page(&name), "png");
}
