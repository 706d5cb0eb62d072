//! Fenced code blocks: highlighted at build time where there is a grammar for their
//! language ([`highlight`](super::highlight)), and ` ```mermaid ` blocks kept as their source
//! in a `<pre class="mermaid">`, which the page's diagram script draws (and which stays
//! readable without it).

use super::highlight::{Grammar, grammar_for, highlight};
use super::slots::Unlinked;
use crate::html::escape;
use pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};

/// `events` with each fenced code block of a known language (or Mermaid) replaced by its
/// HTML, or by a slot of `unlinked` while its grammar is being compiled; whether a Mermaid
/// block was among them.
pub(super) fn code_blocks<'a>(
    events: Vec<Event<'a>>,
    unlinked: &mut Unlinked,
) -> (Vec<Event<'a>>, bool) {
    let has_fence = events
        .iter()
        .any(|e| matches!(e, Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_)))));
    if !has_fence {
        return (events, false);
    }
    let mut out = Vec::with_capacity(events.len());
    let mut mermaid = false;
    let mut block: Option<(String, Vec<Event>)> = None;
    for event in events {
        let Some((_, held)) = &mut block else {
            match event {
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                    let language = info.split_whitespace().next().unwrap_or("").to_string();
                    let start = Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)));
                    block = Some((language, vec![start]));
                }
                event => out.push(event),
            }
            continue;
        };
        if !matches!(event, Event::End(TagEnd::CodeBlock)) {
            held.push(event);
            continue;
        }
        let (language, mut held) = block.take().unwrap_or_default();
        let code: String = (held.iter())
            .filter_map(|e| match e {
                Event::Text(t) => Some(t.as_ref()),
                _ => None,
            })
            .collect();
        let html = match language.as_str() {
            "mermaid" => {
                mermaid = true;
                Some(format!("<pre class=\"mermaid\">{}</pre>\n", escape(&code)))
            }
            language => match grammar_for(language) {
                Grammar::Ready => highlighted_block(language, &code),
                Grammar::Compiling => Some(unlinked.add_code(language, code)),
                Grammar::Missing => None,
            },
        };
        match html {
            Some(html) => out.push(Event::Html(html.into())),
            None => {
                held.push(event);
                out.append(&mut held);
            }
        }
    }
    if let Some((_, events)) = block {
        out.extend(events);
    }
    (out, mermaid)
}

/// The HTML of a fenced block of `code` in `language`, highlighted (once its grammar is
/// compiled), or None if there is no grammar for it.
pub(super) fn highlighted_block(language: &str, code: &str) -> Option<String> {
    highlight(language, code).map(|highlighted| {
        format!(
            "<pre class=\"code\" data-lang=\"{0}\"><code class=\"language-{0}\">{highlighted}</code></pre>\n",
            escape(language)
        )
    })
}

/// A fenced block of `code` in `language` as it is without highlighting.
pub(super) fn plain_block(language: &str, code: &str) -> String {
    format!(
        "<pre><code class=\"language-{}\">{}</code></pre>\n",
        escape(language),
        escape(code)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::html::push_html;

    #[test]
    fn code_highlighted_when_its_page_is_drawn_is_the_html_of_code_highlighted_when_read() {
        let code = "fn main() {}\n".to_string();
        // The block's HTML in the card's HTML, and a paragraph after it.
        let card = |block: String| {
            let mut html = String::new();
            let after = [
                Event::Start(Tag::Paragraph),
                Event::Text("After.".into()),
                Event::End(TagEnd::Paragraph),
            ];
            push_html(
                &mut html,
                [Event::Html(block.into())].into_iter().chain(after),
            );
            html
        };
        let mut read_now = Unlinked::new();
        read_now.set_html(card(highlighted_block("rust", &code).unwrap()));
        let mut read_while_compiling = Unlinked::new();
        let slot = read_while_compiling.add_code("rust", code);
        read_while_compiling.set_html(card(slot));
        assert_eq!(
            read_while_compiling.linked(&[]).unwrap(),
            read_now.linked(&[]).unwrap()
        );
    }
}
