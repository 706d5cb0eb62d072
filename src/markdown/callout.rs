//! Callouts and quizzes. `> [!kind] Optional title` (Obsidian's and GFM's syntax, any kind,
//! `+`/`-` to make it foldable) becomes a titled box; a `quiz` or `question` callout whose
//! list items are task items (`- [x] right`, `- [ ] wrong`) becomes a quiz whose answer is
//! revealed on demand with `<details>`, so it works without JavaScript.

use crate::html::escape;
use pulldown_cmark::{Event, Tag, TagEnd, html};

/// Kinds with a default title: the seed card's own, then Obsidian's and GFM's.
const KINDS: &[(&str, &str)] = &[
    ("plain", "In plain terms"),
    ("analogy", "Think of it like..."),
    ("explore", "Concept to explore"),
    ("rule", "Rule of thumb"),
    ("key", "Key reasons"),
    ("quiz", "Check your understanding"),
    ("live", "Live: your request and the server's response"),
    ("note", "Note"),
    ("abstract", "Abstract"),
    ("summary", "Summary"),
    ("tldr", "TL;DR"),
    ("info", "Info"),
    ("todo", "To do"),
    ("tip", "Tip"),
    ("hint", "Hint"),
    ("important", "Important"),
    ("success", "Success"),
    ("check", "Check"),
    ("done", "Done"),
    ("question", "Question"),
    ("help", "Help"),
    ("faq", "FAQ"),
    ("warning", "Warning"),
    ("caution", "Caution"),
    ("attention", "Attention"),
    ("failure", "Failure"),
    ("fail", "Fail"),
    ("missing", "Missing"),
    ("danger", "Danger"),
    ("error", "Error"),
    ("bug", "Bug"),
    ("example", "Example"),
    ("quote", "Quote"),
    ("cite", "Cite"),
];

/// How deep quizzes are made inside quizzes' explanations; deeper ones are drawn as plain
/// callouts. A quiz's body is drawn apart from the events around it, so each level copies
/// what it holds: this bound keeps the work on a card linear in its size (each event is
/// copied at most this many times), whatever an author or an attacker nests.
const MAX_QUIZ_DEPTH: usize = 4;

/// Renders events to HTML, turning callout block quotes into callouts and quizzes.
pub fn push_html(out: &mut String, events: Vec<Event>) {
    html::push_html(out, transform(events, 0).into_iter());
}

/// The HTML of events inside `depth` quizzes.
fn to_html(events: Vec<Event>, depth: usize) -> String {
    let mut out = String::new();
    html::push_html(&mut out, transform(events, depth).into_iter());
    out
}

/// A callout found at the start of a block quote.
struct Callout {
    kind: String,
    /// `None`: always open; `Some(open)`: foldable, initially open or not.
    fold: Option<bool>,
    title_html: String,
    /// Index of the first body event.
    body: usize,
    /// Whether the first paragraph goes on after the title line and must be reopened.
    reopen_paragraph: bool,
}

impl Callout {
    /// Reads the callout marker of the block quote starting at `events[start]`, if it has one.
    fn at(events: &[Event], start: usize) -> Option<Callout> {
        let (Some(Event::Start(Tag::Paragraph)), Some(Event::Text(first))) =
            (events.get(start + 1), events.get(start + 2))
        else {
            return None;
        };
        let (kind, rest) = first.strip_prefix("[!")?.split_once(']')?;
        if kind.is_empty()
            || !kind
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        {
            return None;
        }
        let (fold, rest) = match rest.chars().next() {
            Some('+') => (Some(true), &rest[1..]),
            Some('-') => (Some(false), &rest[1..]),
            _ => (None, rest),
        };
        let title_end = (start + 3..events.len())
            .find(|&i| {
                matches!(
                    events[i],
                    Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph)
                )
            })
            .unwrap_or(events.len());
        let mut title: Vec<Event> = vec![Event::Text(rest.trim_start().to_string().into())];
        title.extend(events[start + 3..title_end].iter().cloned());
        let kind = kind.to_lowercase();
        let title_html = match to_html(title, MAX_QUIZ_DEPTH).trim() {
            "" => escape(&default_title(&kind)),
            t => t.to_string(),
        };
        let ends_paragraph = matches!(events.get(title_end), Some(Event::End(TagEnd::Paragraph)));
        Some(Callout {
            kind,
            fold,
            title_html,
            body: title_end + 1,
            reopen_paragraph: !ends_paragraph,
        })
    }

    fn is_quiz(&self) -> bool {
        matches!(self.kind.as_str(), "quiz" | "question")
    }

    fn open_html(&self) -> String {
        let kind = escape(&self.kind);
        match self.fold {
            None => format!(
                "<aside class=\"callout callout-{kind}\" data-callout=\"{kind}\">\n<p class=\"callout-title\">{}</p>\n<div class=\"callout-body\">\n",
                self.title_html
            ),
            Some(open) => format!(
                "<details class=\"callout callout-{kind}\" data-callout=\"{kind}\"{}>\n<summary class=\"callout-title\">{}</summary>\n<div class=\"callout-body\">\n",
                if open { " open" } else { "" },
                self.title_html
            ),
        }
    }

    fn close_html(&self) -> &'static str {
        match self.fold {
            None => "</div>\n</aside>\n",
            Some(_) => "</div>\n</details>\n",
        }
    }
}

fn default_title(kind: &str) -> String {
    match KINDS.iter().find(|(k, _)| *k == kind) {
        Some((_, title)) => title.to_string(),
        None => {
            let mut chars = kind.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
    }
}

/// The index of the event that closes the element opened at `events[start]`.
fn matching_end(events: &[Event], start: usize) -> usize {
    let mut depth = 0usize;
    for (i, event) in events.iter().enumerate().skip(start) {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    events.len()
}

/// The events with each callout's block quote turned into its box, inside `depth` quizzes.
fn transform(mut events: Vec<Event>, depth: usize) -> Vec<Event> {
    let mut out = Vec::with_capacity(events.len() + 8);
    let mut closers: Vec<Option<&'static str>> = Vec::new();
    let mut i = 0;
    while i < events.len() {
        match events[i] {
            Event::Start(Tag::BlockQuote(_)) => {
                if let Some(callout) = Callout::at(&events, i) {
                    let mut body = Vec::new();
                    if callout.reopen_paragraph {
                        body.push(Event::Start(Tag::Paragraph));
                    }
                    if callout.is_quiz() && depth < MAX_QUIZ_DEPTH {
                        let end = matching_end(&events, i);
                        body.extend(events[callout.body..end.min(events.len())].iter().cloned());
                        if let Some(quiz) = quiz_html(&callout, &body, depth + 1) {
                            out.push(Event::Html(quiz.into()));
                            i = end + 1;
                            continue;
                        }
                        body.clear();
                        if callout.reopen_paragraph {
                            body.push(Event::Start(Tag::Paragraph));
                        }
                    }
                    out.push(Event::Html(callout.open_html().into()));
                    out.append(&mut body);
                    closers.push(Some(callout.close_html()));
                    i = callout.body;
                    continue;
                }
                closers.push(None);
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                if let Some(Some(close)) = closers.pop() {
                    out.push(Event::Html(close.into()));
                    i += 1;
                    continue;
                }
            }
            _ => {}
        }
        out.push(std::mem::replace(&mut events[i], Event::Rule));
        i += 1;
    }
    out
}

/// A quiz's HTML, if the callout's body holds a list of task items (the choices); the
/// quiz is the `depth`th one out.
fn quiz_html(callout: &Callout, body: &[Event], depth: usize) -> Option<String> {
    let list = (0..body.len()).find(|&i| {
        matches!(body[i], Event::Start(Tag::List(_)))
            && matches!(body.get(i + 1), Some(Event::Start(Tag::Item)))
            && body[i + 2..]
                .iter()
                .take(2)
                .any(|e| matches!(e, Event::TaskListMarker(_)))
            && body[..i]
                .iter()
                .all(|e| !matches!(e, Event::Start(Tag::List(_))))
    })?;
    let list_end = matching_end(body, list);
    let mut choices = Vec::new();
    let mut item = list + 1;
    while item < list_end {
        let item_end = matching_end(body, item);
        let mut correct = false;
        let events: Vec<Event> = body[item + 1..item_end]
            .iter()
            .filter(|e| match e {
                Event::TaskListMarker(checked) => {
                    correct |= *checked;
                    false
                }
                _ => true,
            })
            .cloned()
            .collect();
        choices.push((correct, to_html(events, depth).trim().to_string()));
        item = item_end + 1;
    }
    let mut html = format!(
        "<section class=\"callout callout-{0} quiz\" data-callout=\"{0}\">\n<p class=\"callout-title\">{1}</p>\n<div class=\"callout-body\">\n{2}<ol class=\"quiz-choices\">\n",
        escape(&callout.kind),
        callout.title_html,
        to_html(body[..list].to_vec(), depth),
    );
    for (correct, choice) in &choices {
        html += &format!("<li class=\"quiz-choice\" data-correct=\"{correct}\">{choice}</li>\n");
    }
    let answers: Vec<&str> = choices
        .iter()
        .filter(|(c, _)| *c)
        .map(|(_, h)| h.as_str())
        .collect();
    let label = if answers.len() == 1 {
        "Answer"
    } else {
        "Answers"
    };
    html += &format!(
        "</ol>\n<details class=\"quiz-answer\">\n<summary>Show the answer</summary>\n<p class=\"quiz-solution\">{label}: <strong>{}</strong></p>\n{}</details>\n</div>\n</section>\n",
        answers.join("</strong>; <strong>"),
        to_html(body[list_end + 1..].to_vec(), depth),
    );
    Some(html)
}

#[cfg(test)]
mod tests {
    fn render(md: &str) -> String {
        super::super::outline(md).html.linked(&[]).unwrap()
    }

    #[test]
    fn callouts_get_kind_title_and_body() {
        let html = render("> [!analogy]\n> A *post* office.\n");
        assert!(
            html.contains("<aside class=\"callout callout-analogy\" data-callout=\"analogy\">"),
            "{html}"
        );
        assert!(
            html.contains("<p class=\"callout-title\">Think of it like...</p>"),
            "{html}"
        );
        assert!(html.contains("<p>A <em>post</em> office.</p>"), "{html}");
        let html = render("> [!NOTE] Mind *this*\n");
        assert!(
            html.contains("<p class=\"callout-title\">Mind <em>this</em></p>"),
            "{html}"
        );
    }

    #[test]
    fn unknown_kinds_and_plain_quotes() {
        let html = render("> [!recipe]\n> Mix.\n\n> Just a quote.\n");
        assert!(
            html.contains("callout-recipe") && html.contains(">Recipe</p>"),
            "{html}"
        );
        assert!(
            html.contains("<blockquote>\n<p>Just a quote.</p>\n</blockquote>"),
            "{html}"
        );
    }

    #[test]
    fn nested_and_foldable_callouts() {
        let html = render("> [!tip]- Open me\n> Outer\n>\n> > [!rule]\n> > Inner\n");
        assert!(
            html.contains("<details class=\"callout callout-tip\" data-callout=\"tip\">"),
            "{html}"
        );
        assert!(
            html.contains("<summary class=\"callout-title\">Open me</summary>"),
            "{html}"
        );
        assert!(
            html.contains("Rule of thumb") && html.contains("<p>Inner</p>"),
            "{html}"
        );
        assert_eq!(html.matches("</aside>").count(), 1, "{html}");
        assert_eq!(html.matches("</details>").count(), 1, "{html}");
    }

    #[test]
    fn quizzes_reveal_answers_on_demand() {
        let html = render(
            "> [!quiz] Who starts?\n> - [ ] The server\n> - [x] The *client*\n>\n> The client always asks first.\n",
        );
        assert!(
            html.contains("<p class=\"callout-title\">Who starts?</p>"),
            "{html}"
        );
        assert!(
            html.contains("<li class=\"quiz-choice\" data-correct=\"false\">The server</li>"),
            "{html}"
        );
        assert!(
            html.contains(
                "<li class=\"quiz-choice\" data-correct=\"true\">The <em>client</em></li>"
            ),
            "{html}"
        );
        assert!(html.contains("<details class=\"quiz-answer\">"), "{html}");
        assert!(
            html.contains("Answer: <strong>The <em>client</em></strong>"),
            "{html}"
        );
        let explanation = html.find("always asks first").unwrap();
        assert!(
            explanation > html.find("<details").unwrap(),
            "explanation is hidden: {html}"
        );
    }

    #[test]
    fn question_without_choices_is_a_plain_callout() {
        let html = render("> [!question] Why?\n> - a list\n");
        assert!(
            html.contains("<aside class=\"callout callout-question\""),
            "{html}"
        );
    }
}
