//! Any bytes as a small site: each line names a card file and holds its text (links of
//! every kind to the others). Building the graph resolves every link, makes the stubs and
//! checks the whole; drawing a page's body fills in every link. No panic, no hang.
#![no_main]

use cardweb::card::{Corpus, parse_card};
use cardweb::graph::Graph;
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::Arc;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let cards = text
        .lines()
        .take(16)
        .enumerate()
        .filter_map(|(i, line)| {
            let (name, body) = line.split_once('=').unwrap_or(("card", line));
            let rel = format!("{}{i}.md", name.replace('\0', ""));
            let body = body.replace('|', "\n");
            parse_card(Path::new(&rel), &rel, &body).0.map(Arc::new)
        })
        .collect();
    let corpus = Corpus {
        cards,
        attachments: Vec::new(),
    };
    let (graph, _) = Graph::build(&corpus);
    for node in graph.ids() {
        let _ = graph.ancestors(node);
        let _ = graph.related(node);
        if let Some(card) = &graph[node].card {
            for link in &card.outline.links {
                let _ = graph.resolve(card, &link.target);
            }
        }
    }
    let _ = graph.reading_path();
    let _ = cardweb::render::whole_graph_svg(&graph, "../");
});
