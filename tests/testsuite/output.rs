//! Writing output: only changed files are rewritten, only cardweb's own files are cleaned,
//! foreign folders are refused, and a failed build leaves the previous site untouched.

use crate::support::TestSite;
use std::time::SystemTime;

fn modified_times(site: &TestSite) -> Vec<(std::path::PathBuf, SystemTime)> {
    site.output_files()
        .into_keys()
        .map(|p| {
            let time = std::fs::metadata(site.path().join("output").join(&p))
                .unwrap()
                .modified()
                .unwrap();
            (p, time)
        })
        .collect()
}

#[test]
fn a_second_build_with_no_change_rewrites_nothing() {
    let site = TestSite::own_cards();
    let first = site.build();
    assert!(first.stdout().contains("0 unchanged"), "{}", first.stdout());
    let before = modified_times(&site);
    let second = site.build();
    assert!(
        second.stdout().contains("(0 written,"),
        "{}",
        second.stdout()
    );
    assert_eq!(modified_times(&site), before, "no file was touched");
}

#[test]
fn a_changed_card_rewrites_only_the_pages_it_affects() {
    let site = TestSite::new()
        .file("cards/a.md", "---\ntitle: A\n---\nLinks [[b]].\n")
        .file("cards/b.md", "---\ntitle: B\nparent: a\n---\nB.\n")
        .file("cards/c.md", "---\ntitle: C\nparent: a\n---\nC.\n");
    site.build();
    let before = site.page("c/index.html");
    site.write("cards/b.md", "---\ntitle: B\nparent: a\n---\nB, edited.\n");
    let run = site.build();
    // b's page, and in the search index the shard of the new word `edited` and the list
    // of shards.
    assert!(
        run.stdout().contains("(3 written,"),
        "only b's page and the search index changed: {}",
        run.stdout()
    );
    assert!(site.page("search/t/ed.js").contains("\"edited\""));
    assert_eq!(site.page("c/index.html"), before);
}

#[test]
fn broken_input_leaves_the_previous_output_byte_for_byte() {
    let site = TestSite::own_cards();
    site.build();
    let before = site.output_files();
    site.write(
        "cards/frontend.md",
        "---\ntitle: Frontend\nparent: frontend\n---\nBroken.\n",
    );
    let err = site.run(&["build"]).failure().stderr();
    assert!(
        err.contains("cards/frontend.md:3:1: error: parent cycle"),
        "{err}"
    );
    assert_eq!(site.output_files(), before);
}

#[test]
fn a_template_that_fails_while_drawing_leaves_the_previous_output_byte_for_byte() {
    let site = TestSite::own_cards();
    site.build();
    let before = site.output_files();
    let folders = |site: &TestSite| {
        walkdir::WalkDir::new(site.path().join("output"))
            .into_iter()
            .map(|e| e.unwrap().into_path())
            .collect::<Vec<_>>()
    };
    let folders_before = folders(&site);
    // Pages are written as they are drawn: a new card's page, and pages drawn before the
    // stub template fails, must not be left behind, in place or as temporary files.
    site.write(
        "cards/brand-new.md",
        "---\ntitle: Brand new\n---\nSee [[frontend]].\n",
    );
    site.write("templates/stub.html", "{{ no_such_value }}");
    let err = site.run(&["build"]).failure().stderr();
    assert!(err.contains("stub.html"), "{err}");
    assert_eq!(site.output_files(), before);
    assert_eq!(folders(&site), folders_before, "no folder left behind");
}

#[test]
fn removed_cards_lose_their_pages_but_foreign_files_stay() {
    let site = TestSite::new()
        .file("cards/a.md", "---\ntitle: A\n---\nSee [[b]].\n")
        .file("cards/b.md", "---\nparent: a\n---\nB.\n")
        .file("cards/c.md", "---\nparent: a\n---\nC.\n");
    site.build();
    site.write("output/CNAME", "example.org");
    std::fs::remove_file(site.path().join("cards/b.md")).unwrap();
    std::fs::remove_file(site.path().join("cards/c.md")).unwrap();
    let run = site.build();
    assert!(run.stdout().contains("1 removed"), "{}", run.stdout());
    assert!(
        !site.path().join("output/c").exists(),
        "c's page and folder are gone"
    );
    assert!(
        site.page("b/index.html")
            .contains("This card doesn't exist yet"),
        "b is still linked, so it is a stub now"
    );
    assert_eq!(
        site.page("CNAME"),
        "example.org",
        "a file cardweb did not write is kept"
    );
}

#[test]
fn a_folder_with_foreign_files_is_refused_and_kept() {
    let site = TestSite::new()
        .file("cards/a.md", "A.\n")
        .file("public/precious.txt", "mine");
    let err = site.run(&["build", "--out", "public"]).failure().stderr();
    assert!(
        err.contains("refusing to write into public: it holds files cardweb did not write"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(site.path().join("public/precious.txt")).unwrap(),
        "mine"
    );
    assert_eq!(
        std::fs::read_dir(site.path().join("public"))
            .unwrap()
            .count(),
        1
    );
}

#[test]
fn the_site_root_and_the_cards_are_refused() {
    let site = TestSite::new().file("cards/a.md", "A.\n");
    for out in [".", "cards", "cards/out"] {
        let err = site.run(&["build", "--out", out]).failure().stderr();
        assert!(
            err.contains("refusing to write the site into"),
            "{out}: {err}"
        );
    }
    assert_eq!(
        std::fs::read_dir(site.path().join("cards"))
            .unwrap()
            .count(),
        1,
        "cards untouched"
    );
}

/// Each output file, by path, as the file system knows it: its inode (a rewritten file is
/// a new one, moved into place) and its modification time.
fn identities(site: &TestSite) -> std::collections::BTreeMap<String, (u64, SystemTime)> {
    use std::os::unix::fs::MetadataExt;
    (site.output_files().into_keys())
        .map(|p| {
            let meta = std::fs::metadata(site.path().join("output").join(&p)).unwrap();
            let path = p.to_string_lossy().replace('\\', "/");
            (path, (meta.ino(), meta.modified().unwrap()))
        })
        .collect()
}

#[test]
fn editing_one_card_rewrites_only_the_files_that_show_it() {
    let mut site = TestSite::new()
        .file("cardweb.yaml", "base_url: https://example.org/\n")
        .file(
            "cards/a.md",
            "---\ntitle: A\ndate: 2024-01-01\n---\nSee [[b]] and [[c]].\n",
        )
        .file(
            "cards/b.md",
            "---\ntitle: B\nparent: a\ntags: [x]\n---\nB is about [[c]].\n",
        )
        .file(
            "cards/c.md",
            "---\ntitle: C\nparent: a\n---\nC, and a [[stub]].\n",
        );
    for i in 0..20 {
        site = site.file(
            &format!("cards/e{i}.md"),
            format!("---\ntitle: E{i}\nparent: a\ntags: [x]\n---\nE{i} sees [[c]].\n"),
        );
    }
    site.build();
    let before = identities(&site);
    site.write(
        "cards/b.md",
        "---\ntitle: B\nparent: a\ntags: [x]\n---\nB is much about [[c]].\n",
    );
    let run = site.build();
    let after = identities(&site);
    let pages = |files: &std::collections::BTreeMap<String, _>| -> Vec<String> {
        files
            .keys()
            .filter(|p| !p.starts_with("search/"))
            .cloned()
            .collect()
    };
    assert_eq!(pages(&before), pages(&after), "the same pages and data");
    let changed: Vec<&str> = (after.iter())
        .filter(|(path, id)| before.get(*path) != Some(*id))
        .map(|(path, _)| path.as_str())
        .collect();
    // The manifest lists the files, and the search index has one more (for "much").
    let pages: Vec<&str> = (changed.iter().copied())
        .filter(|p| !p.starts_with("search/") && *p != ".cardweb-manifest")
        .collect();
    // b's page, and c's, which quotes b's sentence; the search index holds b's words. The
    // hashed assets, the graph's data, the sitemap, the feed and every other page stay
    // as they were, modification time included.
    assert_eq!(pages, ["b/index.html", "c/index.html"], "{}", run.stdout());
    assert!(changed.len() < 8, "{changed:?}");
}
