//! The graph for readers and authors: export formats, `stubs`, `new` and `init`.

use crate::support::TestSite;
use serde_json::{Value, json};
use std::io::Write;
use std::process::{Command, Stdio};

/// The site's graph data (`graph.json` and the parts it names) in the form `cardweb graph`
/// prints, edges sorted.
fn site_graph(site: &TestSite) -> Value {
    let index: Value = serde_json::from_str(&site.page("graph.json")).expect("graph.json is JSON");
    let part = |key: &str| -> Vec<Value> {
        (index[key].as_array().unwrap().iter())
            .flat_map(|path| {
                let text = site.page(path.as_str().unwrap());
                serde_json::from_str::<Vec<Value>>(&text).expect("a part is a JSON array")
            })
            .collect()
    };
    let nodes: Vec<Value> = (part("node_parts").into_iter())
        .map(|n| json!({"id": n[0], "title": n[1], "status": n[2], "tags": n[3], "url": format!("{}/", n[0].as_str().unwrap())}))
        .collect();
    assert_eq!(index["nodes"], nodes.len());
    let mut edges: Vec<Value> = (part("edge_parts").into_iter().chain(part("mention_parts")))
        .map(|e| json!({"from": nodes[e[0].as_u64().unwrap() as usize]["id"], "to": nodes[e[1].as_u64().unwrap() as usize]["id"], "kind": e[2]}))
        .collect();
    edges.sort_by_key(Value::to_string);
    json!({"nodes": nodes, "edges": edges})
}

#[test]
fn the_sites_graph_data_is_what_cardweb_graph_prints() {
    let site = TestSite::fixture("links");
    site.build();
    let graph = site_graph(&site);
    let mut printed: Value =
        serde_json::from_str(&site.run(&["graph"]).success().stdout()).unwrap();
    // Each card's file, which the site does not publish, for tools that open it.
    let mut file = |id: &str| {
        let nodes = printed["nodes"].as_array_mut().unwrap();
        let node = nodes.iter_mut().find(|n| n["id"] == id).unwrap();
        node.as_object_mut().unwrap().remove("file")
    };
    assert_eq!(file("dns"), Some(json!("web/dns.md")));
    assert_eq!(file("hub"), Some(json!("hub.md")));
    for id in ["http-protocol", "nested"] {
        assert!(file(id).is_some(), "{id}");
    }
    assert_eq!(file("quantum-networking"), None, "a stub has no file");
    printed["edges"]
        .as_array_mut()
        .unwrap()
        .sort_by_key(Value::to_string);
    assert_eq!(graph, printed, "cardweb graph prints what the site holds");
    let nodes = graph["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 4 + 2, "4 cards and 2 stubs");
    let node = |id: &str| {
        nodes
            .iter()
            .find(|n| n["id"] == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    assert_eq!(node("dns")["title"], "Domain Name System");
    assert_eq!(node("dns")["url"], "dns/");
    assert_eq!(node("quantum-networking")["status"], "stub");
    let edges: Vec<(String, String, String)> = graph["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["from"].as_str().unwrap().into(),
                e["to"].as_str().unwrap().into(),
                e["kind"].as_str().unwrap().into(),
            )
        })
        .collect();
    let has =
        |from: &str, to: &str, kind: &str| edges.contains(&(from.into(), to.into(), kind.into()));
    assert!(has("dns", "hub", "parent"));
    assert!(has("hub", "dns", "related"));
    assert!(has("hub", "http-protocol", "next"));
    assert!(has("hub", "tcp-ip", "next"));
    assert!(has("hub", "dns", "mention"));
    assert!(has("nested", "quantum-networking", "mention"));
    assert_eq!(
        edges
            .iter()
            .filter(|(f, t, k)| f == "hub" && t == "dns" && k == "mention")
            .count(),
        1,
        "deduplicated"
    );
}

#[test]
fn dot_output_is_accepted_by_graphviz() {
    let site = TestSite::fixture("links").file(
        "cards/quote.md",
        "---\ntitle: A \"quoted\" \\ title\nparent: hub\n---\n",
    );
    let dot = site.run(&["graph", "--format", "dot"]).success().stdout();
    assert!(
        dot.contains(
            "\"quantum-networking\" [label=\"Quantum Networking\", style=\"rounded,dashed\"]"
        ),
        "{dot}"
    );
    let mut graphviz = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("Graphviz `dot` (apt-get install graphviz)");
    graphviz
        .stdin
        .take()
        .unwrap()
        .write_all(dot.as_bytes())
        .unwrap();
    let out = graphviz.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "dot rejected it: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let svg = String::from_utf8_lossy(&out.stdout);
    assert!(
        svg.contains("<svg")
            && svg.contains("Quantum Networking")
            && svg.contains("A &quot;quoted&quot; \\ title")
    );
}

#[test]
fn mermaid_output_marks_stubs() {
    let site = TestSite::fixture("links");
    let mermaid = site
        .run(&["graph", "--format", "mermaid"])
        .success()
        .stdout();
    assert!(mermaid.starts_with("graph TD\n"));
    assert!(
        mermaid.contains("[\"Quantum Networking\"]:::stub"),
        "{mermaid}"
    );
    assert!(mermaid.contains("-->|parent|"));
}

#[test]
fn stubs_are_listed_most_wanted_first() {
    let site = TestSite::fixture("links");
    let out = site.run(&["stubs"]).success().stdout();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["2", "quantum-networking", "wanted", "by", "hub,", "nested"]
    );
    assert_eq!(
        lines[1].split_whitespace().take(2).collect::<Vec<_>>(),
        ["1", "tcp-ip"]
    );
    assert!(lines[2].contains("cardweb new quantum-networking"), "{out}");
}

#[test]
fn new_from_a_stub_writes_a_card_that_the_old_links_reach() {
    let site = TestSite::fixture("links");
    let run = site.run(&["new", "quantum-networking"]).success();
    assert!(
        run.stdout().contains("wrote cards/quantum-networking.md"),
        "{}",
        run.stdout()
    );
    assert!(run.stdout().contains("wanted by: Hub, Nested"));
    let card = std::fs::read_to_string(site.path().join("cards/quantum-networking.md")).unwrap();
    assert!(card.contains("title: \"Quantum Networking\""), "{card}");
    assert!(card.contains("related: [hub, nested]"), "{card}");
    // A new card is a draft: a published build leaves it out until asked.
    let build = site.build();
    assert!(
        build.stdout().contains("4 cards and 2 stubs"),
        "{}",
        build.stdout()
    );
    let build = site.run(&["build", "--drafts"]).success();
    assert!(
        build.stdout().contains("5 cards and 1 stubs"),
        "{}",
        build.stdout()
    );
    assert!(
        site.page("quantum-networking/index.html")
            .contains("<h1>Quantum Networking</h1>")
    );
    assert!(
        !site
            .page("quantum-networking/index.html")
            .contains("doesn't exist yet")
    );
    assert!(
        site.page("hub/index.html")
            .contains("class=\"card-link draft\" href=\"../quantum-networking/\"")
    );
    let again = site.run(&["new", "Quantum Networking"]).failure();
    assert!(
        again
            .stderr()
            .contains("is already a card: cards/quantum-networking.md"),
        "{}",
        again.stderr()
    );
}

#[test]
fn new_uses_the_site_template() {
    let site = TestSite::new().file("cards/a.md", "A.\n").file(
        "templates/card.md",
        "---\ntitle: {{ title_yaml | safe }}\n---\nMine: {{ id }}\n",
    );
    site.run(&["new", "Fresh Idea: Two"]).success();
    let card = std::fs::read_to_string(site.path().join("cards/fresh-idea-two.md")).unwrap();
    assert_eq!(
        card,
        "---\ntitle: \"Fresh Idea: Two\"\n---\nMine: fresh-idea-two\n"
    );
}

#[test]
fn init_makes_a_site_that_builds_at_once() {
    let parent = TestSite::new();
    parent.run(&["init", "notes"]).success();
    let notes = parent.path().join("notes");
    let build = Command::new(env!("CARGO_BIN_EXE_cardweb"))
        .arg("build")
        .current_dir(&notes)
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    assert!(String::from_utf8_lossy(&build.stdout).contains("2 cards and 1 stubs"));
    assert!(
        notes.join("output/your-first-concept/index.html").exists(),
        "the example links a stub"
    );
    let again = parent.run(&["init", "notes"]).failure();
    assert!(again.stderr().contains("is not empty"));
}

#[test]
fn every_tag_has_a_page_and_the_index_lists_them() {
    let site = TestSite::new()
        .file(
            "cards/a.md",
            "---\ntitle: A\ntags: [Web Basics, net]\n---\nSee [[b]].\n",
        )
        .file(
            "cards/b.md",
            "---\ntitle: B\ntags: [web-basics]\nparent: a\n---\n",
        );
    site.build();
    let tag = site.page("tags/web-basics/index.html");
    assert!(tag.contains("<h1>#Web Basics</h1>"), "{tag}");
    assert!(tag.contains("2 concepts tagged"));
    assert!(tag.contains("href=\"../../a/\"") && tag.contains("href=\"../../b/\""));
    let index = site.page("tags/index.html");
    assert!(
        index.contains("<a href=\"../tags/net/\">#net</a>"),
        "{index}"
    );
    assert!(
        site.page("a/index.html")
            .contains("<a href=\"../tags/web-basics/\">#Web Basics</a>")
    );
    let broken = crate::support::broken_links(&site.path().join("output"));
    assert!(broken.is_empty(), "{broken:?}");
}

#[test]
fn the_local_graph_shows_parent_children_related_and_stubs() {
    let site = TestSite::new()
        .file("cards/top.md", "---\ntitle: Top\n---\n")
        .file(
            "cards/mid.md",
            "---\ntitle: Middle\nparent: top\nrelated: [side, Wanted Thing]\n---\n",
        )
        .file(
            "cards/side.md",
            "---\ntitle: Side\nparent: top\nstatus: draft\n---\n",
        )
        .file("cards/low.md", "---\ntitle: Low <One>\nparent: mid\n---\n");
    site.run(&["build", "--drafts"]).success();
    let page = site.page("mid/index.html");
    let svg = &page[page
        .find("<figure class=\"local-graph\">")
        .expect("a local graph")..page.find("</figure>").unwrap()];
    assert!(
        svg.contains("<svg viewBox=") && !svg.contains("<script"),
        "inline SVG, no script"
    );
    assert!(
        svg.contains("<a class=\"lg-node lg-complete\" href=\"../top/\"><title>Top</title>"),
        "parent: {svg}"
    );
    assert!(
        svg.contains("<a class=\"lg-node lg-complete lg-current\" href=\"../mid/\">"),
        "the card itself"
    );
    assert!(
        svg.contains(
            "<a class=\"lg-node lg-complete\" href=\"../low/\"><title>Low &lt;One&gt;</title>"
        ),
        "child, escaped"
    );
    assert!(
        svg.contains("<a class=\"lg-node lg-draft\" href=\"../side/\">"),
        "related draft"
    );
    assert!(svg.contains("<a class=\"lg-node lg-stub\" href=\"../wanted-thing/\"><title>Wanted Thing (not written yet)</title>"), "related stub");
    assert!(svg.contains("<figcaption class=\"visually-hidden\">Middle in the knowledge graph. It belongs under Top. Narrower concepts: Low &lt;One&gt;. Related: Side, Wanted Thing (not written yet).</figcaption>"), "{svg}");
    assert!(
        site.page("wanted-thing/index.html")
            .contains("class=\"local-graph\""),
        "stub pages have one too"
    );
}

fn path_on_home(site: &TestSite) -> Vec<String> {
    let home = site.page("index.html");
    let path = &home[home.find("id=\"cw-path\"").expect("a reading path")..];
    let path = &path[path.find("<ol>").unwrap()..path.find("</ol>").unwrap()];
    crate::support::attribute_values(path, "href")
        .into_iter()
        .map(|h| h.trim_matches(|c| c == '.' || c == '/').to_string())
        .collect()
}

#[test]
fn the_reading_path_respects_prerequisites_and_parents() {
    let site = TestSite::new()
        .file(
            "cards/a-advanced.md",
            "---\ntitle: Advanced\nprerequisites: [m-middle, not-written]\n---\n",
        )
        .file(
            "cards/b-child.md",
            "---\ntitle: Child\nparent: a-advanced\n---\n",
        )
        .file(
            "cards/m-middle.md",
            "---\ntitle: Middle\nprerequisites: [z-basics]\n---\n",
        )
        .file(
            "cards/z-basics.md",
            "---\ntitle: Basics\nrelated: [a-advanced]\n---\n",
        );
    let run = site.build();
    assert!(!run.stderr().contains("circle"), "{}", run.stderr());
    assert_eq!(
        path_on_home(&site),
        ["z-basics", "m-middle", "a-advanced", "b-child"].map(String::from)
    );
    assert!(
        site.page("a-advanced/index.html")
            .contains("<strong>Read first:</strong>")
    );
}

#[test]
fn a_prerequisite_cycle_is_a_warning_not_a_hang() {
    let site = TestSite::new()
        .file("cards/a.md", "---\nprerequisites: [b]\n---\n")
        .file("cards/b.md", "---\nprerequisites: [a]\n---\n")
        .file("cards/c.md", "---\nrelated: [a, b]\n---\n");
    let run = site.run(&["build"]).success();
    assert!(run.stderr().contains("cards/a.md:2:1: warning: prerequisites go round in a circle (or follow one): cards/a.md, cards/b.md"), "{}", run.stderr());
    assert_eq!(
        path_on_home(&site),
        ["c", "a", "b"].map(String::from),
        "every card is still on the path"
    );
}
