//! The lookup tables that turn what a link says into what it means: a card or stub by id,
//! alias or title (case- and separator-insensitive), a card by file path, an attachment by
//! path or by file name as Obsidian finds it.

use super::NodeId;
use crate::markdown::Target;
use crate::slug::slugify;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::hash::Hasher;
use std::path::PathBuf;
use std::sync::Arc;

/// What a link target turned out to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// A card or a stub already in the graph.
    Node(NodeId),
    /// An attachment, by its path relative to the cards folder.
    File(String),
    /// A concept with no card and no stub yet: its id and the name the link used.
    Unknown {
        /// The id a stub for it would have.
        id: String,
        /// The name as the link wrote it.
        name: String,
    },
    /// A file (by its extension) that is not under `cards/`.
    MissingFile(String),
}

/// File extensions that name attachments rather than concepts (`[[diagram.svg]]`).
const ATTACHMENT_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "bmp", "ico", "pdf", "mp3", "wav", "ogg",
    "m4a", "flac", "mp4", "webm", "mov", "txt", "csv", "json", "zip", "canvas",
];

fn has_attachment_extension(name: &str) -> bool {
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| ATTACHMENT_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()))
}

/// The lookup tables of a graph.
#[derive(Debug, Default)]
pub struct Index {
    /// Slug of an id, alias or title → node. Ids win over aliases, aliases over titles.
    pub keys: HashMap<String, NodeId>,
    /// A card's path relative to the cards folder → its node.
    pub paths: HashMap<String, NodeId>,
    /// The slug of a file name that several cards share → those cards, in path order.
    pub shared: HashMap<String, Vec<NodeId>>,
    /// A card's path relative to the cards folder, lower-cased and without its extension
    /// → its node: what `[[Folder/Note]]` names.
    pub notes: HashMap<String, NodeId>,
    /// The slug of the id, title or alias of a note left out with `publish: false` → its
    /// file: links to it become stubs, with a warning that says why.
    pub unpublished: HashMap<String, PathBuf>,
    /// Slugs that more than one card or folder claims as its id, alias or title: only the
    /// first has it, and another would take it if that one went.
    pub contested: HashSet<String>,
    /// The first part of every old address (`moved_from:`, a path-like alias) of a card:
    /// a card with such an id keeps it from leading anywhere.
    pub old_addresses: HashSet<String>,
    /// An attachment's relative path → itself.
    pub files: HashMap<String, String>,
    /// An attachment's lower-cased file name → its relative path (the first in path order).
    pub file_names: HashMap<String, String>,
    /// A hash of every card id, and of every id with one character deleted → the cards it
    /// came from: finds ids a misspelt link is close to with a few hash lookups instead of a
    /// scan. Hashes, not strings, so that no string is built per variant (a collision only
    /// adds a candidate, and callers confirm every candidate). Ids, not nodes, so that
    /// nodes may be numbered anew without it.
    near: FxHashMap<u64, Ids>,
}

/// The ids under one hash of the near-miss table: nearly always one, kept without a list
/// (a list per hash was most of the table's memory).
#[derive(Debug)]
enum Ids {
    One(Arc<str>),
    Many(Vec<Arc<str>>),
}

impl Ids {
    /// The ids of `list`, in its order; None for none.
    fn of(mut list: Vec<Arc<str>>) -> Option<Ids> {
        match list.len() {
            0 | 1 => list.pop().map(Ids::One),
            _ => Some(Ids::Many(list)),
        }
    }

    /// The ids, in the order they came.
    fn as_slice(&self) -> &[Arc<str>] {
        match self {
            Ids::One(id) => std::slice::from_ref(id),
            Ids::Many(ids) => ids,
        }
    }

    /// Adds `id` after the others.
    fn push(&mut self, id: Arc<str>) {
        match self {
            Ids::One(first) => *self = Ids::Many(vec![Arc::clone(first), id]),
            Ids::Many(ids) => ids.push(id),
        }
    }
}

impl Index {
    /// Records an attachment under its path and its file name.
    pub fn add_file(&mut self, rel: &str) {
        self.files.insert(rel.to_string(), rel.to_string());
        let name = rel.rsplit('/').next().unwrap_or(rel).to_lowercase();
        self.file_names
            .entry(name)
            .or_insert_with(|| rel.to_string());
    }

    /// Gives every node in the tables its new number.
    pub fn renumber(&mut self, new: &dyn Fn(NodeId) -> NodeId) {
        for table in [&mut self.keys, &mut self.paths, &mut self.notes] {
            table.values_mut().for_each(|n| *n = new(*n));
        }
        self.shared
            .values_mut()
            .flatten()
            .for_each(|n| *n = new(*n));
    }

    /// Takes `node` out of the tables.
    pub fn forget(&mut self, node: NodeId) {
        for table in [&mut self.keys, &mut self.paths, &mut self.notes] {
            table.retain(|_, n| *n != node);
        }
    }

    /// Records a card's id for [`Index::near_misses`].
    pub fn add_near(&mut self, id: &str) {
        let id: Arc<str> = Arc::from(id);
        for variant in variants(&id) {
            match self.near.entry(variant) {
                Entry::Occupied(mut ids) => ids.get_mut().push(Arc::clone(&id)),
                Entry::Vacant(place) => {
                    place.insert(Ids::One(Arc::clone(&id)));
                }
            }
        }
    }

    /// Empties the table of near misses, for a graph no card will be added to (it is a
    /// large part of a large site's graph).
    pub fn forget_near(&mut self) {
        self.near = FxHashMap::default();
    }

    /// Takes a card's id out of the table of near misses.
    pub fn remove_near(&mut self, id: &str) {
        for variant in variants(id) {
            let Some(ids) = self.near.get(&variant) else {
                continue;
            };
            let left: Vec<Arc<str>> = (ids.as_slice().iter())
                .filter(|other| ***other != *id)
                .cloned()
                .collect();
            match Ids::of(left) {
                Some(ids) => self.near.insert(variant, ids),
                None => self.near.remove(&variant),
            };
        }
    }

    /// Ids of cards that might be within two edits of `id`: those sharing `id` or one of
    /// its one-character deletions, or having `id` as one of theirs. Callers confirm the
    /// distance.
    pub fn near_misses(&self, id: &str) -> impl Iterator<Item = &str> {
        variants(id)
            .filter_map(|variant| self.near.get(&variant))
            .flat_map(Ids::as_slice)
            .map(|id| &**id)
    }

    /// What `target`, written in the card at `from` (relative to the cards folder), means.
    pub fn resolve(&self, from: &str, target: &Target) -> Resolution {
        match target {
            Target::Name(name) => self.resolve_name(name),
            Target::Path(path) => {
                let dir = from.rsplit_once('/').map_or("", |(dir, _)| dir);
                let joined = normalize(dir, path);
                let stem = |p: &str| {
                    p.rsplit('/')
                        .next()
                        .unwrap_or(p)
                        .trim_end_matches(".md")
                        .to_string()
                };
                if path.ends_with(".md") {
                    match joined.as_deref().and_then(|p| self.paths.get(p)) {
                        Some(&node) => Resolution::Node(node),
                        None => self.resolve_name(&stem(path)),
                    }
                } else {
                    match joined.as_ref().and_then(|p| self.files.get(p)) {
                        Some(rel) => Resolution::File(rel.clone()),
                        None => self.resolve_file_name(path),
                    }
                }
            }
        }
    }

    /// The card `target` names, when that cannot change as stubs are added: a name found
    /// as it is (a stub's id could later take a name that was found only by its last
    /// `/` part). None means "resolve it in order".
    pub fn resolve_card(&self, from: &str, target: &Target) -> Option<NodeId> {
        let name = match target {
            Target::Name(name) => name,
            Target::Path(path) => path,
        };
        match self.resolve(from, target) {
            Resolution::Node(node) if !name.contains('/') => Some(node),
            _ => None,
        }
    }

    /// Records the card at `rel` (relative to the cards folder) for path links.
    pub fn add_note(&mut self, rel: &str, node: NodeId) {
        let path = rel.rsplit_once('.').map_or(rel, |(path, _)| path);
        self.notes.insert(path.to_lowercase(), node);
    }

    /// The card that `[[Folder/Note]]` names: its whole path, or else the first path in
    /// order that ends with it, as Obsidian resolves them.
    fn resolve_path(&self, name: &str) -> Option<NodeId> {
        let wanted = name.trim().trim_end_matches(".md").to_lowercase();
        if let Some(&node) = self.notes.get(&wanted) {
            return Some(node);
        }
        let suffix = format!("/{wanted}");
        (self.notes.iter())
            .filter(|(path, _)| path.ends_with(&suffix))
            .min_by_key(|(path, _)| path.as_str())
            .map(|(_, &node)| node)
    }

    fn resolve_name(&self, name: &str) -> Resolution {
        if has_attachment_extension(name) {
            return self.resolve_file_name(name);
        }
        if let Some(node) = name
            .contains('/')
            .then(|| self.resolve_path(name))
            .flatten()
        {
            return Resolution::Node(node);
        }
        let key = slugify(name);
        if let Some(&node) = self.keys.get(&key) {
            return Resolution::Node(node);
        }
        // `[[folder/note]]`: Obsidian's path form; the id is the last part.
        if let Some((_, last)) = name.rsplit_once('/')
            && let Some(&node) = self.keys.get(&slugify(last))
        {
            return Resolution::Node(node);
        }
        Resolution::Unknown {
            id: key,
            name: name.trim().to_string(),
        }
    }

    /// Whether `name` (a wikilink's, resolved to `node` now) would find a concept other than
    /// `node` were `node` gone: by path (another note's path is or ends with it), by its
    /// slug, or by its last `/` part, as [`Index::resolve`] tries them.
    pub fn finds_other_than(&self, name: &str, node: NodeId) -> bool {
        let other = |n: &NodeId| *n != node;
        let wanted = name.trim().trim_end_matches(".md").to_lowercase();
        let suffix = format!("/{wanted}");
        let by_path = name.contains('/')
            && (self.notes.iter())
                .any(|(path, n)| other(n) && (*path == wanted || path.ends_with(&suffix)));
        let by_slug = self.keys.get(&slugify(name)).is_some_and(other);
        let by_last = (name.rsplit_once('/'))
            .is_some_and(|(_, last)| self.keys.get(&slugify(last)).is_some_and(other));
        by_path || by_slug || by_last
    }

    fn resolve_file_name(&self, path: &str) -> Resolution {
        let name = path.rsplit('/').next().unwrap_or(path).to_lowercase();
        match self.file_names.get(&name) {
            Some(rel) => Resolution::File(rel.clone()),
            None => Resolution::MissingFile(path.to_string()),
        }
    }
}

/// Which ids [`Index::near_misses`] finds for one id, asked the other way round: whether
/// a card of that id is among the near misses of a stub's.
pub struct Nearness(FxHashSet<u64>);

impl Nearness {
    /// The nearness of `id`.
    pub fn of(id: &str) -> Nearness {
        Nearness(variants(id).collect())
    }

    /// Whether `other` and this id share the id or a one-character deletion of either.
    pub fn finds(&self, other: &str) -> bool {
        variants(other).any(|variant| self.0.contains(&variant))
    }
}

/// Hashes of `word` and of `word` with each one of its characters left out in turn, each
/// hashed as the bytes before the gap followed by the bytes after it (equal strings, equal
/// hashes: the hasher reads one stream of bytes), so no variant is built as a string.
fn variants(word: &str) -> impl Iterator<Item = u64> {
    let hash = move |before: &str, after: &str| {
        let mut hasher = std::hash::DefaultHasher::new();
        hasher.write(before.as_bytes());
        hasher.write(after.as_bytes());
        hasher.finish()
    };
    let deletions = word
        .char_indices()
        .map(move |(i, c)| hash(&word[..i], &word[i + c.len_utf8()..]));
    std::iter::once(hash(word, "")).chain(deletions)
}

/// `dir` joined with the relative `path`, with `.` and `..` folded; None if it leaves the root.
fn normalize(dir: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> Index {
        let mut index = Index::default();
        index.keys.insert("dns".into(), NodeId(0));
        index.keys.insert("domain-name-system".into(), NodeId(0));
        index.paths.insert("web/dns.md".into(), NodeId(0));
        index.add_file("img/Diagram.svg");
        index
    }

    #[test]
    fn near_misses_find_close_ids() {
        let mut i = Index::default();
        i.add_near("frontend");
        i.add_near("backend");
        let near = |i: &Index, id: &str| i.near_misses(id).map(String::from).collect::<Vec<_>>();
        assert!(
            near(&i, "frontent").contains(&"frontend".into()),
            "substitution"
        );
        assert!(near(&i, "frontnd").contains(&"frontend".into()), "deletion");
        assert!(
            near(&i, "fronttend").contains(&"frontend".into()),
            "insertion"
        );
        assert!(
            near(&i, "fornt").is_empty(),
            "too short to share a deletion with frontend"
        );
        assert!(
            near(&i, "backedn").contains(&"backend".into()),
            "transposition"
        );
        assert!(!near(&i, "databases").contains(&"frontend".into()));
        i.remove_near("backend");
        assert!(near(&i, "backedn").is_empty(), "gone with its card");
        // "fronted" is a deletion of "frontend": one hash, two ids, in the order they came.
        i.add_near("fronted");
        assert_eq!(near(&i, "fronted")[..2], ["frontend", "fronted"]);
        i.remove_near("frontend");
        assert!(
            near(&i, "fronted").iter().all(|id| id == "fronted"),
            "the other stays"
        );
        assert!(!near(&i, "fronted").is_empty());
        i.remove_near("fronted");
        assert!(near(&i, "fronted").is_empty());
    }

    #[test]
    fn names_paths_and_files() {
        let i = index();
        let name = |n: &str| Target::Name(n.into());
        let path = |p: &str| Target::Path(p.into());
        assert_eq!(
            i.resolve("a.md", &name("Domain_Name System")),
            Resolution::Node(NodeId(0))
        );
        assert_eq!(
            i.resolve("a.md", &name("web/DNS")),
            Resolution::Node(NodeId(0))
        );
        assert_eq!(
            i.resolve("web/a.md", &path("dns.md")),
            Resolution::Node(NodeId(0))
        );
        assert_eq!(
            i.resolve("x/a.md", &path("../web/dns.md")),
            Resolution::Node(NodeId(0))
        );
        assert_eq!(
            i.resolve("x/a.md", &path("elsewhere/dns.md")),
            Resolution::Node(NodeId(0))
        );
        assert_eq!(
            i.resolve("a.md", &name("diagram.svg")),
            Resolution::File("img/Diagram.svg".into())
        );
        assert_eq!(
            i.resolve("img/a.md", &path("Diagram.svg")),
            Resolution::File("img/Diagram.svg".into())
        );
        assert_eq!(
            i.resolve("a.md", &path("nope.png")),
            Resolution::MissingFile("nope.png".into())
        );
        assert_eq!(
            i.resolve("a.md", &name("TCP/IP")),
            Resolution::Unknown {
                id: "tcp-ip".into(),
                name: "TCP/IP".into()
            }
        );
        assert_eq!(
            i.resolve("a.md", &name("Node.js")),
            Resolution::Unknown {
                id: "node-js".into(),
                name: "Node.js".into()
            }
        );
    }
}
