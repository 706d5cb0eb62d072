//! A stub written up, for `serve`: the new card takes the stub's node, and with it the links
//! and children the stub had; the warnings of stubs near the new card's id hint at it, as a
//! full build hints. [`Graph::add_card`] does the rest, as for any new card. A property
//! test compares the two.

use super::build::{near_hint, stub_warning};
use super::remove::targets;
use super::{EdgeKind, Graph, NodeId, Resolution};
use crate::card::{Card, Status};
use crate::diagnostic::{Diagnostic, Pos};
use crate::markdown::Target;
use crate::slug::slugify;
use std::collections::HashSet;
use std::sync::Arc;

/// What writing up a stub changes besides the new card's own edges.
pub(super) struct WrittenUp {
    /// The links to a heading of it: each card, where the link stands and the heading.
    anchored: Vec<(Arc<Card>, Pos, String)>,
    /// The warning at its first link (its id near a card's), which goes.
    warning: Option<Diagnostic>,
}

impl Graph {
    /// The stub that a new card of `id` writes up: the node with that id, if it is a stub
    /// without a file.
    pub(super) fn stub_of(&self, id: &str) -> Option<NodeId> {
        let &node = self.index.keys.get(id)?;
        let stub = &self[node];
        (stub.id == id && stub.card.is_none() && stub.status == Status::Stub).then_some(node)
    }

    /// What writing up `stub` with `card` changes, if that can be done in place: every link
    /// and relation names it by a name (not a Markdown link's path) and none embeds it;
    /// the card's parent is not below it, nor do its prerequisites make a cycle through it.
    pub(super) fn written_up(&self, stub: NodeId, card: &Card) -> Option<WrittenUp> {
        let mut sources: Vec<NodeId> = self.incoming(stub).map(|e| e.from).collect();
        sources.dedup();
        let names_stub = |from: &Card, target: &Target| {
            self.index.resolve(&from.rel, target) == Resolution::Node(stub)
        };
        let mut anchored = Vec::new();
        for source in sources {
            let from = self[source].card.clone()?;
            if (from.outline.links.iter()).any(|l| l.embed && names_stub(&from, &l.target)) {
                return None;
            }
            for (target, pos, anchor) in targets(&from).filter(|(t, ..)| names_stub(&from, t)) {
                if matches!(target, Target::Path(_)) {
                    return None;
                }
                if let Some(anchor) = anchor {
                    anchored.push((Arc::clone(&from), pos, anchor.to_string()));
                }
            }
        }
        let parent = (card.parent.as_ref())
            .map(|p| (self.index).resolve(&card.rel, &Target::Name(p.name.clone())));
        if let Some(Resolution::Node(parent)) = parent
            && (parent == stub || self.ancestors(parent).contains(&stub))
        {
            return None;
        }
        let prerequisite_of = self
            .incoming(stub)
            .any(|e| e.kind == EdgeKind::Prerequisite);
        if prerequisite_of && !card.prerequisites.is_empty() {
            return None;
        }
        // Its warning is there if a card's id is near its own.
        let warning = self.stub_warnings(std::slice::from_ref(&card.id))?.pop();
        Some(WrittenUp { anchored, warning })
    }

    /// The warnings, as they are now, of the stubs near `id` (but `except`) that a new card
    /// of that id at `at` gives a hint at it: those without one, or with one at a card
    /// after it. None if one of them has a first link not written as a name.
    pub(super) fn hinting_at(
        &self,
        id: &str,
        at: NodeId,
        except: Option<NodeId>,
    ) -> Option<Vec<Diagnostic>> {
        let mut warnings = Vec::new();
        for stub in self.stubs_near(id).filter(|&s| Some(s) != except) {
            let stub_id = &self[stub].id;
            // A note left out says so instead.
            if self.index.unpublished.contains_key(stub_id) {
                continue;
            }
            if self.nearest_card(stub_id).is_some_and(|n| n < at) {
                continue;
            }
            warnings.push(self.stub_warning_of(stub)?);
        }
        Some(warnings)
    }

    /// The warning at the first link to `stub`, as a full build makes it: with the hint at
    /// the card its id is nearest, if any (else a build makes none). None if that first
    /// link is not written as a name with its id.
    pub(super) fn stub_warning_of(&self, stub: NodeId) -> Option<Diagnostic> {
        let references = self.references(stub, None)?;
        let first = references.first()?;
        if slugify(first.name()) != self[stub].id {
            return None;
        }
        let warning = stub_warning(&first.path, first.pos, first.name());
        Some(match self.near_miss(&self[stub].id) {
            Some(near) => warning.hint(near_hint(near)),
            None => warning,
        })
    }

    /// The warnings of the stubs of `ids` (those that have one), each at its first link.
    /// None if one has a first link not written as a name with its id.
    pub(super) fn stub_warnings(&self, ids: &[String]) -> Option<Vec<Diagnostic>> {
        let mut warnings = Vec::new();
        for id in ids {
            let stub = *self.index.keys.get(id)?;
            let left_out = self.index.unpublished.contains_key(id);
            if !left_out && self.near_miss(id).is_some() {
                warnings.push(self.stub_warning_of(stub)?);
            }
        }
        Some(warnings)
    }

    /// Brings `diagnostics` up to date once `card` has written up a stub (`written_up`)
    /// at `at`: its warning goes, and links to headings it lacks get theirs.
    pub(super) fn follow_written_up(
        &self,
        written_up: WrittenUp,
        at: NodeId,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        if let Some(warning) = written_up.warning {
            diagnostics.retain(|d| *d != warning);
        }
        for (from, pos, anchor) in written_up.anchored {
            diagnostics.extend(self.missing_heading(&from, at, &anchor, pos));
        }
    }

    /// The pages that show the card of `at`, which wrote up a stub: those that link to it
    /// (and those that embed them), those below it (their breadcrumbs name it).
    pub(super) fn showing_written_up(&self, at: NodeId) -> Vec<NodeId> {
        let linking: Vec<NodeId> = self.incoming(at).map(|e| e.from).collect();
        let mut shown: Vec<NodeId> = linking.iter().flat_map(|&n| self.embedding(n)).collect();
        shown.extend(self.below(at));
        shown
    }
}

/// Gives each of `warnings` (stubs' warnings, as [`Graph::hinting_at`] found them) the hint
/// at the new card `id`: in place of the one it has, or as a new warning.
pub(super) fn hint_at(diagnostics: &mut Vec<Diagnostic>, warnings: Vec<Diagnostic>, id: &str) {
    // A set: a card near hundreds of stubs, on a site with thousands of warnings.
    let mut missing: HashSet<Diagnostic> = warnings.into_iter().collect();
    let hint = near_hint(id);
    for found in diagnostics.iter_mut() {
        if missing.remove(found) {
            found.hint = Some(hint.clone());
        }
    }
    diagnostics.extend(
        missing
            .into_iter()
            .map(|warning| warning.hint(hint.clone())),
    );
}
