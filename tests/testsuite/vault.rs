//! An Obsidian vault builds as it is: `tests/fixtures/vault` holds one note or more for
//! every Obsidian habit cardweb reads (embeds, block ids, comments, highlights, inline tags,
//! math, media, `publish`, `permalink`, `cssclasses`, same-name notes, odd file names,
//! broken front matter), written for these tests.

use crate::support::{TestSite, attribute_values, broken_links};

/// The fixture vault, built; with what the build printed to stderr.
fn built() -> (TestSite, String) {
    let site = TestSite::fixture("vault");
    let err = site.build().stderr();
    (site, err)
}

/// The part of a page between its body's start and the end of the article.
fn body(page: &str) -> &str {
    let start = page.find("<div class=\"card-body\">").expect("a card body");
    &page[start..]
}

#[test]
fn the_vault_builds_without_errors_or_broken_links() {
    let (site, err) = built();
    assert!(!err.contains(": error:"), "{err}");
    // Raw HTML is the author's and stays as written: its one link to nowhere is warned
    // about (see below), and is the only one.
    let broken = broken_links(&site.path().join("output"));
    assert_eq!(broken, ["odd-markup/index.html: #placeholder/link"]);
    for page in [
        "start-here",
        "embedded-note",
        "work-meetings",
        "home-meetings",
    ] {
        let html = site.page(&format!("{page}/index.html"));
        let mut ids = attribute_values(&html, "id");
        let count = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), count, "{page} has an id twice");
    }
}

#[test]
fn embeds_show_a_note_its_section_or_its_block_with_a_link_back() {
    let (site, _) = built();
    let page = site.page("start-here/index.html");
    let embeds: Vec<&str> = page.split("<div class=\"embed\">").skip(1).collect();
    assert_eq!(embeds.len(), 3, "{page}");
    assert!(
        embeds[0].contains("An embedded note opens") && embeds[0].contains("Third Part"),
        "the whole note: {}",
        embeds[0]
    );
    assert!(
        embeds[1].contains("Text of the second part")
            && embeds[1].contains("The deeper part.")
            && !embeds[1].contains("Third Part")
            && !embeds[1].contains("An embedded note opens"),
        "the heading's section, to the next heading as high: {}",
        embeds[1]
    );
    assert!(
        embeds[2].contains("The key point is this paragraph.")
            && !embeds[2].contains("Second Part"),
        "the block: {}",
        embeds[2]
    );
    assert!(
        embeds[1].contains("href=\"../embedded-note/#second-part\">a link to itself</a>"),
        "a same-note link inside an embed leads to the embedded note: {}",
        embeds[1]
    );
    assert!(
        embeds[2].contains("<p class=\"embed-source\"><a class=\"card-link complete\" href=\"../embedded-note/#%5Ekey-point\""),
        "{}",
        embeds[2]
    );
}

#[test]
fn an_embed_circle_is_a_warning_and_a_link() {
    let (site, err) = built();
    assert!(
        err.contains("cards/Loop B.md:3:1: warning: this embed leads back to itself (Loop A → Loop B → Loop A): it shows as a link"),
        "{err}"
    );
    let page = site.page("loop-a/index.html");
    assert_eq!(page.matches("<div class=\"embed\">").count(), 1, "{page}");
    assert!(
        page.contains("<a class=\"card-link complete embed\" href=\"../loop-a/\""),
        "{page}"
    );
}

#[test]
fn block_ids_and_nested_headings_are_anchors_links_land_on() {
    let (site, err) = built();
    let target = site.page("embedded-note/index.html");
    assert!(
        target.contains(
            "<span class=\"block-id\" id=\"^key-point\"></span>The key point is this paragraph.</p>"
        ),
        "{target}"
    );
    assert!(!target.contains("^key-point</p>"), "the marker is gone");
    let page = site.page("start-here/index.html");
    assert!(
        page.contains(
            "href=\"../embedded-note/#%5Ekey-point\" data-title=\"Embedded Note\">key point</a>"
        ),
        "{page}"
    );
    assert!(
        page.contains("href=\"../embedded-note/#deeper\" data-title=\"Embedded Note\">Embedded Note &gt; Deeper</a>"),
        "{page}"
    );
    assert!(
        page.contains("<a href=\"#local-heading\">Local heading</a>"),
        "[[#Heading]] reads as the heading: {page}"
    );
    assert!(!err.contains("has no heading"), "{err}");
}

#[test]
fn highlights_comments_tags_math_and_raw_html_render() {
    let (site, _) = built();
    let page = site.page("start-here/index.html");
    assert!(page.contains("<mark>Read this first</mark>"), "{page}");
    for hidden in [
        "%%",
        "note to self",
        "Secret Plans",
        "several lines",
        "Also Hidden",
    ] {
        assert!(!page.contains(hidden), "{hidden} is a comment: {page}");
    }
    assert!(
        !site.path().join("output/secret-plans").exists(),
        "a link in a comment is no link"
    );
    assert!(
        page.contains("<a class=\"tag\" href=\"../tags/topic-sub-topic/\">#topic/sub-topic</a>"),
        "{page}"
    );
    let tag = site.page("tags/obsidian/index.html");
    assert!(tag.contains("href=\"../../start-here/\""), "{tag}");
    assert!(page.contains("<math><msup><mi>e</mi>"), "{page}");
    assert!(page.contains("<math display=\"block\"><mfrac>"), "{page}");
    assert!(
        page.contains("<div class=\"raw-html\">Raw <b>HTML</b> stays.</div>"),
        "{page}"
    );
}

#[test]
fn images_take_their_size_and_media_their_element() {
    let (site, _) = built();
    let page = site.page("start-here/index.html");
    let body = body(&page);
    for element in [
        "<img src=\"../attachments/diagram.png\" alt=\"diagram.png\" width=\"300\" />",
        "<img src=\"../attachments/diagram.png\" alt=\"A diagram\" width=\"120\" height=\"80\" />",
        "<img src=\"../attachments/diagram.png\" alt=\"diagram.png\" width=\"64\" />",
        "<video class=\"embed-video\" controls src=\"../attachments/clip.mp4\">",
        "<audio class=\"embed-audio\" controls src=\"../attachments/talk.mp3\">",
        "<iframe class=\"embed-pdf\" title=\"paper.pdf\" src=\"../attachments/paper.pdf\">",
    ] {
        assert!(body.contains(element), "{element} in {body}");
    }
}

#[test]
fn front_matter_publish_permalink_and_css_classes() {
    let (site, err) = built();
    assert!(
        err.contains("cards/Start Here.md:50:17: warning: `Private Thoughts` is not published (`publish: false` in cards/Private Thoughts.md), so it shows as a stub"),
        "{err}"
    );
    let private = site.page("private-thoughts/index.html");
    assert!(!private.contains("Not for the site"), "{private}");
    assert!(private.contains("data-status=\"stub\""), "{private}");
    let published = site.page("guides-getting-started/index.html");
    assert!(published.contains("Published at its permalink."));
    let page = site.page("start-here/index.html");
    assert!(
        page.contains("<article class=\"card wide-page cards\""),
        "{page}"
    );
    assert!(
        err.contains("cards/Broken Front Matter.md:2:8: warning: invalid YAML"),
        "{err}"
    );
    let broken = site.page("broken-front-matter/index.html");
    assert!(broken.contains("<h1>Broken Front Matter</h1>"), "{broken}");
}

#[test]
fn odd_file_names_and_site_page_names_get_working_pages() {
    let (site, err) = built();
    let page = site.page("start-here/index.html");
    for (url, title) in [
        ("../q-a-what-now/", "Q&amp;A: what now?"),
        ("../crab/", "🦀 Crab"),
        (
            "../%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82-%D0%BC%D0%B8%D1%80/",
            "Привет мир",
        ),
        ("../graph-2/", "graph"),
        ("../tags-2/", "tags"),
        ("../work-meetings/#agenda", "Meetings"),
        ("../home-meetings/", "Meetings"),
    ] {
        assert!(
            page.contains(&format!("href=\"{url}\" data-title=\"{title}\"")),
            "{url} {title}: {page}"
        );
    }
    assert!(
        site.page("graph/index.html")
            .contains("class=\"whole-graph")
    );
    assert!(
        err.contains("warning: `Meetings` is the name of 2 notes (cards/Home/Meetings.md, cards/Work/Meetings.md)"),
        "{err}"
    );
    assert!(
        err.contains("cards/Shared Two.md:2:1: warning: alias `Shared Name` is already the alias of cards/Shared One.md"),
        "{err}"
    );
    for hidden in [".obsidian", ".trash", "nowhere"] {
        assert!(
            !site.path().join("output").join(hidden).exists(),
            "{hidden}"
        );
    }
}

#[test]
fn a_stub_named_like_a_site_page_gets_its_own_page() {
    let site = TestSite::new().file("cards/a.md", "See [[stubs]] and [[graph]].\n");
    site.build();
    assert!(
        site.page("stubs-2/index.html")
            .contains("data-status=\"stub\"")
    );
    assert!(
        site.page("graph-2/index.html")
            .contains("data-status=\"stub\"")
    );
    assert!(
        site.page("stubs/index.html")
            .contains("href=\"../stubs-2/\"")
    );
}

#[test]
fn backlink_sentences_leave_out_callout_markers() {
    let site = TestSite::new()
        .file("cards/a.md", "> [!tip]- A tip about [[b]] and more.\n")
        .file("cards/b.md", "B.\n");
    site.build();
    let page = site.page("b/index.html");
    assert!(
        page.contains("<blockquote class=\"link-context\">A tip about b and more.</blockquote>"),
        "{page}"
    );
}

#[test]
fn unreadable_math_and_raw_html_to_a_missing_anchor_warn_at_their_place() {
    let (site, err) = built();
    assert!(
        err.contains("cards/Odd Markup.md:1:19: warning: math that cannot be read: "),
        "{err}"
    );
    assert!(
        err.contains("cards/Odd Markup.md:3:1: warning: raw HTML links to `#placeholder/link`, and this note has no such heading or block"),
        "{err}"
    );
    let page = site.page("odd-markup/index.html");
    assert!(
        page.contains("<code class=\"math-error\">\\notacommand{x}</code>"),
        "{page}"
    );
    assert!(
        !err.contains("unknown key"),
        "`published` and the like are keys of their own: {err}"
    );
}

#[test]
fn folders_are_parents_with_pages_and_folder_notes_stand_for_them() {
    let (site, err) = built();
    let nested = site.page("nested-note/index.html");
    assert!(
        nested.contains("<ol><li><a class=\"card-link complete\" href=\"../deep/\" data-title=\"Deep\">Deep</a></li><li><a class=\"card-link folder\" href=\"../nested/\" data-title=\"Nested\">Nested</a></li><li aria-current=\"page\">Nested Note</li></ol>"),
        "the breadcrumb follows the folders, the folder note standing for its folder: {nested}"
    );
    let folder = site.page("nested/index.html");
    assert!(
        folder.contains("<h2 id=\"cw-children\">In this folder</h2>"),
        "{folder}"
    );
    assert!(folder.contains("href=\"../nested-note/\""), "{folder}");
    let meetings = site.page("home-meetings/index.html");
    assert!(
        meetings.contains("<ol><li><a class=\"card-link complete\" href=\"../home/\" data-title=\"Home\">Home</a></li>"),
        "a note beside its folder stands for it too: {meetings}"
    );
    let deep = site.page("deep/index.html");
    assert!(deep.contains("The folder note of Deep"), "{deep}");
    assert!(
        !err.contains("Lonely.md:1:1: warning"),
        "a note in a folder has a parent: {err}"
    );
    let graph = site.page("graph/index.html");
    assert!(
        !graph.contains("<path class=\"g-links\" d=\"\"/>"),
        "the whole graph draws the links beside the tree"
    );
}

#[test]
fn the_home_note_opens_the_home_page_with_its_links_working_from_there() {
    let (site, _) = built();
    let home = site.page("index.html");
    assert!(
        home.contains("<h1 id=\"cw-home\">Start Here</h1>"),
        "{home}"
    );
    assert!(home.contains("<mark>Read this first</mark>"), "{home}");
    assert!(
        home.contains(
            "href=\"./embedded-note/#%5Ekey-point\" data-title=\"Embedded Note\">key point</a>"
        ),
        "{home}"
    );
    assert!(
        home.contains("<img src=\"./attachments/diagram.png\""),
        "{home}"
    );
    assert!(
        home.contains("<h2 id=\"cw-tree\">All concepts</h2>"),
        "{home}"
    );
}

#[test]
fn a_home_that_names_no_note_warns_in_the_configuration() {
    let site = TestSite::new()
        .file("cardweb.yaml", "title: T\nhome: Nowhere\n")
        .file("cards/a.md", "A.\n");
    let err = site.build().stderr();
    assert!(
        err.contains("cardweb.yaml:2:1: warning: `home: Nowhere` names no note"),
        "{err}"
    );
}

#[test]
fn embeds_nested_deeper_than_the_limit_warn_and_stop_at_a_link() {
    let mut site = TestSite::new();
    for i in 0..7 {
        site = site.file(
            &format!("cards/n{i}.md"),
            format!("Note {i}.\n\n![[n{}]]\n", i + 1),
        );
    }
    let site = site.file("cards/n7.md", "The bottom.\n");
    let err = site.build().stderr();
    assert!(
        err.contains("cards/n0.md:3:1: warning: embeds nest more than 4 deep from here: the deepest show as links"),
        "{err}"
    );
    let page = site.page("n0/index.html");
    assert_eq!(page.matches("<div class=\"embed\">").count(), 4, "{page}");
    assert!(
        page.contains("Note 4.") && !page.contains("Note 5."),
        "{page}"
    );
    assert!(
        page.contains("class=\"card-link complete embed\" href=\"../n5/\""),
        "{page}"
    );
}
