//! What the whole graph can tell and no single card can: parent cycles (errors),
//! prerequisites in a circle and orphan cards (warnings), and the reading path that puts
//! every card after its parent and prerequisites.

use super::{Edge, EdgeKind, Graph, NodeId};
use crate::diagnostic::{Diagnostic, Pos};
use std::collections::BTreeSet;

/// Adds the problems of the graph's shape to `diagnostics`.
pub(super) fn check(graph: &Graph, diagnostics: &mut Vec<Diagnostic>) {
    check_parent_cycles(graph, diagnostics);
    check_prerequisite_cycles(graph, diagnostics);
    check_orphans(graph, diagnostics);
}

fn check_parent_cycles(graph: &Graph, diagnostics: &mut Vec<Diagnostic>) {
    let mut done = vec![false; graph.len()];
    for start in graph.ids() {
        let mut path: Vec<NodeId> = Vec::new();
        let mut node = Some(start);
        while let Some(n) = node {
            if done[n.index()] {
                break;
            }
            if let Some(at) = path.iter().position(|&p| p == n) {
                let files: Vec<String> = path[at..]
                    .iter()
                    .chain(std::iter::once(&n))
                    .filter_map(|&c| graph[c].card.as_ref())
                    .map(|card| card.path.display().to_string())
                    .collect();
                let Some(first) = &graph[n].card else {
                    break;
                };
                let pos = first.parent.as_ref().map_or(Pos::START, |p| p.pos);
                diagnostics.push(
                    Diagnostic::error(
                        &first.path,
                        pos,
                        format!("parent cycle: {}", files.join(" → ")),
                    )
                    .hint("a concept cannot be its own ancestor; remove one `parent`"),
                );
                break;
            }
            path.push(n);
            node = graph[n].parent;
        }
        for p in path {
            done[p.index()] = true;
        }
    }
}

impl Graph {
    /// Written cards in an order that puts every card after its parent and its
    /// prerequisites, otherwise in node order; cards caught in a cycle come last, in node
    /// order. Kahn's algorithm: linear in cards and edges.
    pub fn reading_path(&self) -> Vec<NodeId> {
        let (mut path, stuck) = reading_order(self);
        path.extend(stuck);
        path
    }
}

/// The reading path, and the cards left out of it by a cycle.
fn reading_order(graph: &Graph) -> (Vec<NodeId>, Vec<NodeId>) {
    let is_card = |n: NodeId| graph[n].card.is_some() && !graph[n].is_stub();
    let before = |e: &Edge| {
        matches!(e.kind, EdgeKind::Parent | EdgeKind::Prerequisite)
            && is_card(e.to)
            && is_card(e.from)
            && e.from != e.to
    };
    let mut waiting = vec![0usize; graph.len()];
    for edge in graph.edges.iter().filter(|e| before(e)) {
        waiting[edge.from.index()] += 1;
    }
    let mut ready: BTreeSet<NodeId> = graph
        .ids()
        .filter(|&n| is_card(n) && waiting[n.index()] == 0)
        .collect();
    let mut path = Vec::new();
    while let Some(n) = ready.pop_first() {
        path.push(n);
        for edge in graph.incoming(n).filter(|e| before(e)) {
            waiting[edge.from.index()] -= 1;
            if waiting[edge.from.index()] == 0 {
                ready.insert(edge.from);
            }
        }
    }
    let stuck = graph
        .ids()
        .filter(|&n| is_card(n) && waiting[n.index()] > 0)
        .collect();
    (path, stuck)
}

fn check_prerequisite_cycles(graph: &Graph, diagnostics: &mut Vec<Diagnostic>) {
    let (_, stuck) = reading_order(graph);
    let Some(card) = stuck.first().and_then(|&n| graph[n].card.as_ref()) else {
        return;
    };
    let files: Vec<String> = stuck
        .iter()
        .filter_map(|&n| graph[n].card.as_ref())
        .map(|c| c.path.display().to_string())
        .collect();
    let pos = card.prerequisites.first().map_or(Pos::START, |p| p.pos);
    diagnostics.push(
        Diagnostic::warning(
            &card.path,
            pos,
            format!(
                "prerequisites go round in a circle (or follow one): {}",
                files.join(", ")
            ),
        )
        .hint("a card cannot need itself first; remove one of the prerequisites"),
    );
}

fn check_orphans(graph: &Graph, diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.extend(graph.ids().filter_map(|node| orphan_problem(graph, node)));
}

/// The warning that the card of `node` is an orphan (no card links to it and it has no
/// parent), if it is one and the site has other cards.
pub(super) fn orphan_problem(graph: &Graph, node: NodeId) -> Option<Diagnostic> {
    let n = &graph[node];
    let card = n.card.as_ref()?;
    if n.parent.is_some()
        || graph.incoming(node).any(|e| e.from != e.to)
        || graph
            .iter()
            .filter(|(_, n)| n.card.is_some())
            .nth(1)
            .is_none()
    {
        return None;
    }
    Some(
        Diagnostic::warning(
            &card.path,
            Pos::START,
            format!(
                "`{}` is an orphan: no card links to it and it has no parent",
                card.id
            ),
        )
        .hint("give it a `parent`, or link it from a related card"),
    )
}
