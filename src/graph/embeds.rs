//! Embeds that cannot be shown in full: a note that embeds itself through other notes
//! (`A` embeds `B`, which embeds `A`), and embeds nested deeper than a page draws them.
//! Pages draw such an embed as a link; these are the warnings that say so, at the link.

use super::{Graph, NodeId};
use crate::diagnostic::{Diagnostic, Pos};
use std::collections::HashMap;

/// How many embeds may nest inside each other on one page.
pub const MAX_EMBED_DEPTH: usize = 4;

/// An embed of a card's content: from which node to which, and where it is written.
pub(super) struct Embed {
    pub from: NodeId,
    pub to: NodeId,
    pub pos: Pos,
}

/// Adds a warning at each embed that closes a circle, and at each card whose embeds nest
/// deeper than [`MAX_EMBED_DEPTH`].
pub(super) fn check(graph: &Graph, embeds: &[Embed], diagnostics: &mut Vec<Diagnostic>) {
    let mut out: HashMap<NodeId, Vec<&Embed>> = HashMap::new();
    for embed in embeds {
        out.entry(embed.from).or_default().push(embed);
    }
    // A depth-first walk: an embed of a card still on the walk's path closes a circle;
    // each card's height (how deep its embeds nest) is known once its walk is done.
    let mut height: HashMap<NodeId, usize> = HashMap::new();
    let mut on_path: Vec<NodeId> = Vec::new();
    for start in embeds.iter().map(|e| e.from) {
        if height.contains_key(&start) {
            continue;
        }
        let mut stack: Vec<(NodeId, usize)> = vec![(start, 0)];
        on_path.push(start);
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let edges = out.get(&node).map_or(&[][..], Vec::as_slice);
            let Some(embed) = edges.get(*next) else {
                let own = (edges.iter())
                    .filter_map(|e| height.get(&e.to).map(|h| h + 1))
                    .max()
                    .unwrap_or(0);
                height.insert(node, own);
                stack.pop();
                on_path.pop();
                continue;
            };
            *next += 1;
            if let Some(at) = on_path.iter().position(|&n| n == embed.to) {
                diagnostics.push(circle(graph, embed, &on_path[at..]));
            } else if !height.contains_key(&embed.to) {
                stack.push((embed.to, 0));
                on_path.push(embed.to);
            }
        }
    }
    for (&node, edges) in &out {
        let too_deep = edges
            .iter()
            .find(|e| height.get(&e.to).is_some_and(|h| h + 1 > MAX_EMBED_DEPTH));
        if let (Some(embed), Some(card)) = (too_deep, &graph[node].card) {
            diagnostics.push(
                Diagnostic::warning(
                    &card.path,
                    embed.pos,
                    format!(
                        "embeds nest more than {MAX_EMBED_DEPTH} deep from here: the deepest show as links"
                    ),
                )
                .hint("embed fewer levels, or link instead of embedding"),
            );
        }
    }
}

/// The warning for `embed`, which leads back to the first card of `path`.
fn circle(graph: &Graph, embed: &Embed, path: &[NodeId]) -> Diagnostic {
    let names: Vec<&str> = (path.iter().chain([&embed.to]))
        .map(|&n| graph[n].title.as_str())
        .collect();
    let file = graph[embed.from]
        .card
        .as_ref()
        .map(|c| c.path.clone())
        .unwrap_or_default();
    Diagnostic::warning(
        &file,
        embed.pos,
        format!(
            "this embed leads back to itself ({}): it shows as a link",
            names.join(" → ")
        ),
    )
    .hint("embed a section of the note instead (`![[Note#Heading]]`), or link to it")
}
