//! Lists that grow with the site (stubs, tags, a tag's cards, a hub's backlinks and
//! children, the reading path, every concept) drawn over numbered pages of
//! [`PER_PAGE`] entries, so that no page grows with the whole site. The pages of a list
//! share a folder, so links on them are relative to the same root.

use super::cache::{Drawn, PageCache, draw};
use super::context::{NodeLink, SiteInfo};
use crate::theme::Theme;
use anyhow::Result;
use serde::Serialize;
use std::hash::Hash;
use std::ops::Range;

/// The most entries one page of a list shows.
pub const PER_PAGE: usize = 200;

/// The most entries a card page or the home page shows of a list before it links to the
/// list's own pages.
pub const SHOWN: usize = 100;

/// The pages of a list of `len` entries in `folder` (`stubs`, `tags/net`, `` for the
/// root): the first is `first` (`index.html`, `backlinks.html`), page n is
/// `{stem}-{n}.html`.
pub struct Pages<'a> {
    pub folder: &'a str,
    pub first: &'a str,
    pub stem: &'a str,
    pub len: usize,
}

/// Where a page stands in its list, with links (relative to the page) to its neighbours.
#[derive(Serialize, Hash)]
pub struct Pager {
    page: usize,
    pages: usize,
    /// How many entries the whole list has.
    total: usize,
    /// The number of the page's first entry, from 1.
    first_entry: usize,
    previous: Option<String>,
    next: Option<String>,
}

impl<'a> Pages<'a> {
    /// The pages of a list of `len` entries that is the page of `folder` itself
    /// (`stubs/`), page n at `page-N.html`.
    pub fn of_folder(folder: &'a str, len: usize) -> Pages<'a> {
        Pages {
            folder,
            first: "index.html",
            stem: "page",
            len,
        }
    }

    /// How many pages the list takes: at least one, which may be empty.
    pub fn count(&self) -> usize {
        self.len.div_ceil(PER_PAGE).max(1)
    }

    /// Which entries page `page` (from 1) shows.
    pub fn range(&self, page: usize) -> Range<usize> {
        let start = (page - 1) * PER_PAGE;
        start..(start + PER_PAGE).min(self.len)
    }

    /// The output path of page `page`.
    pub fn path(&self, page: usize) -> String {
        match self.folder {
            "" => self.file(page),
            folder => format!("{folder}/{}", self.file(page)),
        }
    }

    /// A link to page `page` from any page of the folder.
    pub fn href(&self, page: usize) -> String {
        match self.file(page) {
            file if file == "index.html" => "./".into(),
            file => file,
        }
    }

    /// The pager of page `page`.
    pub fn pager(&self, page: usize) -> Pager {
        let pages = self.count();
        Pager {
            page,
            pages,
            total: self.len,
            first_entry: self.range(page).start + 1,
            previous: (page > 1).then(|| self.href(page - 1)),
            next: (page < pages).then(|| self.href(page + 1)),
        }
    }

    /// Whether `file` (a name in the folder) is one of the pages of a list that starts at
    /// `first` and goes on at `stem-N.html`, however long the list.
    pub fn is_page(first: &str, stem: &str, file: &str) -> bool {
        let numbered = (file.strip_prefix(stem))
            .and_then(|f| f.strip_prefix('-')?.strip_suffix(".html"))
            .is_some_and(|n| n.parse::<usize>().is_ok_and(|n| n >= 2));
        file == first || numbered
    }

    fn file(&self, page: usize) -> String {
        match page {
            1 => self.first.to_string(),
            n => format!("{}-{n}.html", self.stem),
        }
    }
}

/// One entry of a list page (`list.html`): a concept, with the sentence that links it or
/// its summary, at a depth in the tree for an outline.
#[derive(Serialize, Hash)]
pub struct ListEntry<'a> {
    pub node: NodeLink<'a>,
    pub text: Option<&'a str>,
    pub depth: usize,
}

impl<'a> ListEntry<'a> {
    /// An entry for `node` at `depth`, with its summary.
    pub fn summarised(node: NodeLink<'a>, depth: usize) -> ListEntry<'a> {
        ListEntry {
            text: node.summary,
            node,
            depth,
        }
    }
}

/// The context of a list page.
#[derive(Serialize, Hash)]
struct ListPage<'a> {
    heading: &'a str,
    intro: &'a str,
    /// The concept the list belongs to, if any (a hub's backlinks).
    of: Option<NodeLink<'a>>,
    entries: Vec<ListEntry<'a>>,
    pager: Pager,
}

/// A list with pages of its own (`list.html`): where they are and what they say.
pub struct List<'a> {
    pub pages: Pages<'a>,
    /// The way back to the site root from the list's folder.
    pub root: &'a str,
    pub heading: &'a str,
    pub intro: &'a str,
}

/// Draws every page of `pages` with `template`, links relative to `root`, the content of
/// each made by `content` from the entries it shows and its pager; each handed to `drawn`
/// as soon as it is drawn, so that a long list is never held whole.
pub fn draw_pages<T: Serialize + Hash>(
    (previous, theme, info): (Option<&PageCache>, &Theme, &SiteInfo),
    pages: &Pages,
    template: &str,
    root: &str,
    content: impl Fn(Range<usize>, Pager) -> T,
    mut drawn: impl FnMut(Drawn) -> Result<()>,
) -> Result<()> {
    for page in 1..=pages.count() {
        let content = content(pages.range(page), pages.pager(page));
        let path = pages.path(page);
        drawn(draw(previous, theme, &path, template, info, root, content)?)?;
    }
    Ok(())
}

/// Draws every page of `list` (`list.html`), its entries made by `entries` for the range
/// each page shows, each page about the concept `of` gives, if any; each handed to `drawn`.
pub fn draw_list<'a>(
    drawing: (Option<&PageCache>, &Theme, &SiteInfo),
    list: &List,
    of: impl Fn() -> Option<NodeLink<'a>>,
    entries: impl Fn(Range<usize>) -> Vec<ListEntry<'a>>,
    drawn: impl FnMut(Drawn) -> Result<()>,
) -> Result<()> {
    draw_pages(
        drawing,
        &list.pages,
        "list.html",
        list.root,
        |range, pager| ListPage {
            heading: list.heading,
            intro: list.intro,
            of: of(),
            entries: entries(range),
            pager,
        },
        drawn,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_takes_as_many_pages_as_it_needs_each_linked_to_its_neighbours() {
        let pages = Pages {
            folder: "stubs",
            first: "index.html",
            stem: "page",
            len: 2 * PER_PAGE + 1,
        };
        assert_eq!(pages.count(), 3);
        assert_eq!(pages.range(3), 2 * PER_PAGE..2 * PER_PAGE + 1);
        assert_eq!(pages.path(1), "stubs/index.html");
        assert_eq!(pages.path(2), "stubs/page-2.html");
        let pager = pages.pager(2);
        assert_eq!(pager.previous.as_deref(), Some("./"));
        assert_eq!(pager.next.as_deref(), Some("page-3.html"));
        assert_eq!(pages.pager(3).next, None);
        let empty = Pages { len: 0, ..pages };
        assert_eq!((empty.count(), empty.range(1)), (1, 0..0));
    }
}
