//! Build-time cost of the whole-graph layout and SVG, at 1,000 and 10,000 generated cards
//! (each with a parent among the earlier ones and a few links, some to stubs), median of 5.
//! Run with `cargo bench --bench layout`.

use cardweb::card::{Corpus, parse_card};
use cardweb::graph::Graph;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

fn corpus(n: usize) -> Corpus {
    let mut seed = 12345u64;
    let mut next = |m: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize % m
    };
    let cards = (0..n)
        .map(|i| {
            let parent = if i > 0 {
                format!("parent: c{}\n", next(i))
            } else {
                String::new()
            };
            let text = format!(
                "---\ntitle: Card {i}\n{parent}---\nSee [[c{}]], [[c{}]] and [[missing {}]].\n",
                next(n),
                next(n),
                next(n / 5 + 1)
            );
            let rel = format!("c{i}.md");
            Arc::new(
                parse_card(Path::new(&rel), &rel, &text)
                    .0
                    .expect("valid card"),
            )
        })
        .collect();
    Corpus {
        cards,
        attachments: Vec::new(),
    }
}

fn main() {
    for n in [1_000, 10_000] {
        let corpus = corpus(n);
        let (graph, _) = Graph::build(&corpus, true);
        let mut times: Vec<f64> = (0..5)
            .map(|_| {
                let start = Instant::now();
                let (svg, _) = cardweb::render::whole_graph_svg(&graph, "../");
                std::hint::black_box(svg);
                start.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        times.sort_by(f64::total_cmp);
        println!(
            "{n:>6} cards ({} nodes): layout + SVG median {:.1} ms (min {:.1}, max {:.1})",
            graph.len(),
            times[2],
            times[0],
            times[4]
        );
    }
}
