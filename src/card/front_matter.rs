//! Front matter: the YAML between the `---` lines read into a card's fields, leniently
//! where the meaning is clear (a single name where a list is expected, empty items) and
//! with a warning at `path:line:col` where it is not: a value of the wrong kind is left
//! out, and front matter that cannot be read at all is left out whole. Either way the note
//! is built, as Obsidian shows it. Unknown keys are kept for templates.

use super::{Card, Located, Reading, Status};
use crate::diagnostic::{Diagnostic, Pos};
use crate::slug;
use serde_yaml::{Mapping, Value};
use std::collections::HashMap;
use std::path::Path;

/// The front-matter keys cardweb reads; anything else goes to `card.extra`.
const KNOWN_KEYS: &[&str] = &[
    "title",
    "summary",
    "description",
    "status",
    "tags",
    "parent",
    "related",
    "next",
    "prerequisites",
    "aliases",
    "reading",
    "publish",
    "permalink",
    "cssclasses",
    "cssclass",
    "date",
    "updated",
    "moved_from",
];

/// A card's YAML front matter and the line of the file it starts on.
pub(super) struct FrontMatter<'a> {
    /// The YAML between the `---` lines.
    pub yaml: &'a str,
    /// The line of the file the YAML starts on.
    pub first_line: usize,
}

impl FrontMatter<'_> {
    /// Where the front matter starts: problems that belong to no key are shown there.
    fn start(&self) -> Pos {
        Pos {
            line: self.first_line,
            col: 1,
        }
    }
}

/// Reads `front` into `card`'s fields, adding every problem to `diagnostics`.
pub(super) fn read(card: &mut Card, front: &FrontMatter, diagnostics: &mut Vec<Diagnostic>) {
    let path = card.path.clone();
    let map = match parse_yaml(&path, front) {
        Ok(Some(map)) => map,
        Ok(None) => return,
        Err(d) => return diagnostics.push(d),
    };
    let key_lines = key_lines(front);
    for (key, value) in map {
        let Some(key) = key.as_str() else {
            diagnostics.push(Diagnostic::warning(
                &path,
                front.start(),
                "front-matter keys must be text",
            ));
            continue;
        };
        let line = key_lines.get(key).copied().unwrap_or(0);
        let pos = Pos {
            line: front.first_line + line,
            col: 1,
        };
        if let Err(expected) = set_key(card, key, value, pos, diagnostics) {
            diagnostics.push(Diagnostic::warning(
                &path,
                pos,
                format!("`{key}` must be {expected}; it is left out"),
            ));
        }
    }
}

/// The front matter as a map of keys (None if it is empty), or the problem that stops
/// it being read.
fn parse_yaml(path: &Path, front: &FrontMatter) -> Result<Option<Mapping>, Diagnostic> {
    let open = open_brackets(front.yaml, front.yaml.len(), MAX_FLOW_DEPTH);
    if let Some(&(offset, bracket)) = open.get(MAX_FLOW_DEPTH) {
        return Err(Diagnostic::warning(
            path,
            Pos::in_text(front.yaml, offset, front.first_line),
            format!("front matter nests `[` and `{{` more than {MAX_FLOW_DEPTH} deep: this `{bracket}` is one too many"),
        )
        .hint("a value holds a list or a map of a few levels at most"));
    }
    match serde_yaml::from_str::<Value>(front.yaml) {
        Ok(Value::Mapping(map)) => Ok(Some(map)),
        Ok(Value::Null) => Ok(None),
        Ok(_) => Err(Diagnostic::warning(
            path,
            front.start(),
            "front matter must be `key: value` lines",
        )
        .hint("write e.g. `title: My concept`")),
        Err(e) => Err(yaml_error(path, front, &e)),
    }
}

/// The problem for YAML that does not parse, at the bracket left open if there is one
/// (the parser notices it only lines later), else where the parser stopped.
fn yaml_error(path: &Path, front: &FrontMatter, error: &serde_yaml::Error) -> Diagnostic {
    let message = error.to_string();
    let at = error.location().map_or(0, |l| l.index());
    // serde_yaml has no message without its position, which the diagnostic gives better:
    // keep what comes before " at line …" (and any context libyaml adds after it).
    let message = message.split(" at line ").next().unwrap_or(&message);
    match unclosed_bracket(front.yaml, at) {
        Some((offset, bracket)) => Diagnostic::warning(
            path,
            Pos::in_text(front.yaml, offset, front.first_line),
            format!("invalid YAML in front matter (left out): this `{bracket}` is never closed"),
        )
        .hint(format!(
            "close it on the same line, or quote the value; the parser said: {message}"
        )),
        None => Diagnostic::warning(
            path,
            Pos::in_text(front.yaml, at, front.first_line),
            format!("invalid YAML in front matter (left out): {message}"),
        )
        .hint("check the indentation, and quote values that contain `: ` or start with `[`, `{`, `*` or `&`"),
    }
}

/// Sets the field of `card` that `key` names from `value`; an unknown key is kept in
/// `card.extra`, with a warning if it looks like a typo. `Err` says what the value must be.
fn set_key(
    card: &mut Card,
    key: &str,
    value: Value,
    pos: Pos,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<(), String> {
    let names = |value: Value| -> Result<Vec<Located>, String> {
        Ok(strings(value)?
            .into_iter()
            .map(|t| Located {
                name: strip_brackets(&t).to_string(),
                pos,
            })
            .collect())
    };
    match key {
        "title" => text(value).map(|t| match t.filter(|t| !t.trim().is_empty()) {
            Some(t) => card.title = t,
            None => diagnostics.push(
                Diagnostic::warning(&card.path, pos, "empty title; using the file name")
                    .hint("give the card a title, or remove the key"),
            ),
        }),
        "summary" => text(value).map(|t| card.summary = t.or(card.summary.take())),
        "description" => text(value).map(|t| card.summary = card.summary.take().or(t)),
        "status" => status(value).map(|s| card.status = s),
        "tags" => strings(value).map(|t| {
            card.tags = t
                .iter()
                .map(|t| t.trim_start_matches('#').to_string())
                .collect()
        }),
        "aliases" => names(value).map(|a| card.aliases = a),
        "moved_from" => names(value).map(|m| card.moved_from = m),
        "parent" => names(value).and_then(|mut r| match r.len() {
            0 | 1 => {
                card.parent = r.pop();
                Ok(())
            }
            _ => Err("a single concept (a card has one parent)".into()),
        }),
        "related" => names(value).map(|r| card.related = r),
        "next" => names(value).map(|r| card.next = r),
        "prerequisites" => names(value).map(|r| card.prerequisites = r),
        "reading" => reading(value).map(|r| card.reading = r),
        "publish" => flag(value).map(|p| card.publish = p),
        "permalink" => text(value).map(|p| card.permalink = p.filter(|p| !p.trim().is_empty())),
        "cssclasses" | "cssclass" => strings(value).map(|c| {
            card.css_classes = (c.iter())
                .flat_map(|c| c.split_whitespace())
                .map(slug::slugify)
                .filter(|c| !c.is_empty())
                .collect()
        }),
        "date" => time(value).map(|t| card.date = t),
        "updated" => time(value).map(|t| card.updated = t),
        _ => {
            if let Some(known) = similar_key(key) {
                diagnostics.push(
                    Diagnostic::warning(
                        &card.path,
                        pos,
                        format!("unknown key `{key}` (kept as card.extra.{key})"),
                    )
                    .hint(format!("did you mean `{known}`?")),
                );
            }
            card.extra.insert(key.to_string(), value);
            Ok(())
        }
    }
}

/// How deep flow lists and maps (`[`, `{`) may nest in front matter. The YAML parser takes
/// time quadratic in their depth (200,000 nested `[` took minutes), and no card needs more
/// than a few levels.
const MAX_FLOW_DEPTH: usize = 32;

/// The innermost flow list or map (`[` or `{` starting a value) still open at byte `end`
/// of `yaml`: YAML parsers notice a missing `]` only lines later, but the author needs to
/// see the line that opened it.
fn unclosed_bracket(yaml: &str, end: usize) -> Option<(usize, char)> {
    open_brackets(yaml, end, usize::MAX).pop()
}

/// The flow lists and maps of `yaml` open at byte `end`, outermost first; stops early at
/// the first that opens deeper than `max_depth` levels (it is then the last).
fn open_brackets(yaml: &str, end: usize, max_depth: usize) -> Vec<(usize, char)> {
    let mut open: Vec<(usize, char)> = Vec::new();
    let mut quote: Option<char> = None;
    let mut previous = '\n';
    for (i, c) in yaml[..end.min(yaml.len())].char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '[' | '{') if open.is_empty() && !matches!(previous, ':' | '-' | '\n') => {}
            (None, '[' | '{') => {
                open.push((i, c));
                if open.len() > max_depth {
                    break;
                }
            }
            (None, ']' | '}') => {
                open.pop();
            }
            _ => {}
        }
        if !c.is_whitespace() || c == '\n' {
            previous = c;
        }
    }
    open
}

/// The line (counted from 0) where each top-level `key:` of the front matter first
/// stands, found in one pass.
fn key_lines<'a>(front: &FrontMatter<'a>) -> HashMap<&'a str, usize> {
    let mut lines = HashMap::new();
    for (i, line) in front.yaml.lines().enumerate() {
        if let Some((key, _)) = line.split_once(':')
            && !key.is_empty()
            && !key.starts_with([' ', '\t', '-', '#'])
        {
            lines.entry(key.trim_end()).or_insert(i);
        }
    }
    lines
}

/// A single value as text; control characters (from YAML escapes such as `"\u0007"`)
/// are left out, since no page can show them.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.chars().filter(|c| !c.is_control()).collect()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn text(value: Value) -> Result<Option<String>, String> {
    match value {
        Value::Null => Ok(None),
        v => scalar(&v)
            .map(Some)
            .ok_or_else(|| "a single line of text".into()),
    }
}

/// A name or a list of names. Empty items (`- ` with nothing after it, Obsidian's
/// template default) are left out; an item that YAML reads as a one-entry map because
/// its name holds `: ` (`- Opener: New Tab`) is that name.
fn strings(value: Value) -> Result<Vec<String>, String> {
    let expected = || "a name or a list of names, like `[a, b]`".to_string();
    let name = |v: &Value| match v {
        Value::Mapping(map) if map.len() == 1 => {
            let (key, value) = map.iter().next()?;
            Some(format!("{}: {}", scalar(key)?, scalar(value)?))
        }
        v => scalar(v),
    };
    let names = match value {
        Value::Null => Vec::new(),
        Value::Sequence(items) => (items.iter())
            .filter(|v| !v.is_null())
            .map(|v| name(v).ok_or_else(expected))
            .collect::<Result<_, _>>()?,
        v => vec![scalar(&v).ok_or_else(expected)?],
    };
    Ok(names.into_iter().filter(|n| !n.trim().is_empty()).collect())
}

/// Yes or no: `true`/`false` (also written as text).
fn flag(value: Value) -> Result<bool, String> {
    match value {
        Value::Bool(b) => Ok(b),
        Value::String(s) if s.trim().eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.trim().eq_ignore_ascii_case("false") => Ok(false),
        _ => Err("`true` or `false`".into()),
    }
}

/// A date (`2024-05-01`) or a time (`2024-05-01T09:30:00Z`, `2024-05-01 09:30`), as an
/// RFC 3339 time (UTC where no offset is given).
fn time(value: Value) -> Result<Option<String>, String> {
    let Some(text) = text(value)? else {
        return Ok(None);
    };
    let text = text.trim();
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let at = |i: usize, len: usize| text.get(i..i + len).filter(|s| digits(s));
    let expected = || format!("a date as YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SSZ (not `{text}`)");
    let (Some(year), Some(month), Some(day)) = (at(0, 4), at(5, 2), at(8, 2)) else {
        return Err(expected());
    };
    let in_range =
        |s: &str, low: u32, high: u32| s.parse::<u32>().is_ok_and(|n| (low..=high).contains(&n));
    if text.as_bytes()[4] != b'-'
        || text.as_bytes()[7] != b'-'
        || !in_range(month, 1, 12)
        || !in_range(day, 1, 31)
    {
        return Err(expected());
    }
    let date = format!("{year}-{month}-{day}");
    let rest = &text[10..];
    if rest.is_empty() {
        return Ok(Some(format!("{date}T00:00:00Z")));
    }
    let clock = rest.strip_prefix(['T', ' ']).ok_or_else(expected)?;
    let (Some(hour), Some(minute)) = (clock.get(0..2), clock.get(3..5)) else {
        return Err(expected());
    };
    let seconds = clock
        .get(5..8)
        .filter(|s| s.starts_with(':') && digits(&s[1..]));
    let after = &clock[5 + seconds.map_or(0, str::len)..];
    let fraction_end = after
        .strip_prefix('.')
        .map_or(0, |f| 1 + f.bytes().take_while(u8::is_ascii_digit).count());
    let (fraction, offset) = after.split_at(fraction_end);
    let offset_ok = offset.is_empty()
        || offset == "Z"
        || (offset.len() == 6
            && offset.starts_with(['+', '-'])
            && digits(&offset[1..3])
            && offset.as_bytes()[3] == b':'
            && digits(&offset[4..]));
    if !in_range(hour, 0, 23)
        || clock.as_bytes()[2] != b':'
        || !in_range(minute, 0, 59)
        || !offset_ok
    {
        return Err(expected());
    }
    let seconds = seconds.unwrap_or(":00");
    let offset = if offset.is_empty() { "Z" } else { offset };
    Ok(Some(format!(
        "{date}T{hour}:{minute}{seconds}{fraction}{offset}"
    )))
}

fn status(value: Value) -> Result<Status, String> {
    match text(value)?.as_deref().map(str::trim) {
        None | Some("complete") => Ok(Status::Complete),
        Some("draft") => Ok(Status::Draft),
        Some("stub") => Ok(Status::Stub),
        Some(other) => Err(format!(
            "one of `complete`, `draft`, `stub` (not `{other}`)"
        )),
    }
}

/// Further reading: entries `{ title, url }` or bare URLs. A URL must be absolute
/// (`https://…`): the list leads out of the site.
fn reading(value: Value) -> Result<Vec<Reading>, String> {
    let expected = || "a list of `{ title: ..., url: ... }` entries or URLs".to_string();
    let absolute = |url: String| {
        let scheme = url.split_once(':').map_or("", |(s, _)| s);
        let is_scheme = !scheme.is_empty()
            && !url.contains(char::is_whitespace)
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
        match is_scheme {
            true => Ok(url),
            false => Err(format!(
                "an absolute URL, like `https://example.org` (not `{url}`)"
            )),
        }
    };
    let entry = |v: &Value| match v {
        Value::Mapping(_) => {
            let field = |k: &str| v.get(k).and_then(scalar);
            let url = absolute(field("url").ok_or_else(expected)?)?;
            Ok(Reading {
                title: field("title").unwrap_or_else(|| url.clone()),
                url,
            })
        }
        v => {
            let url = absolute(scalar(v).ok_or_else(expected)?)?;
            Ok(Reading {
                title: url.clone(),
                url,
            })
        }
    };
    match value {
        Value::Null => Ok(Vec::new()),
        Value::Sequence(items) => items.iter().map(entry).collect(),
        v => entry(&v).map(|r| vec![r]),
    }
}

/// `[[dns]]` → `dns`: Obsidian writes links in properties that way.
fn strip_brackets(target: &str) -> &str {
    let t = target.trim();
    t.strip_prefix("[[")
        .and_then(|t| t.strip_suffix("]]"))
        .unwrap_or(t)
}

/// The known key that `key` looks like a typo of, if any.
fn similar_key(key: &str) -> Option<&'static str> {
    let key = key.to_lowercase();
    KNOWN_KEYS.iter().copied().find(|known| {
        // `published` is not a misspelt `publish`: a longer word is a key of its own.
        let longer = key.len().abs_diff(known.len()) > 1
            && (key.starts_with(known) || known.starts_with(key.as_str()));
        key == *known || (key.len() > 3 && !longer && slug::edit_distance(&key, known) <= 2)
    })
}

#[cfg(test)]
mod tests {
    use super::{Value, time};
    use crate::card::read::tests::parse;
    use crate::diagnostic::Pos;

    #[test]
    fn dates_and_times_become_rfc_3339_and_anything_else_is_refused() {
        let t = |s: &str| time(Value::String(s.into()));
        assert_eq!(t("2024-05-01"), Ok(Some("2024-05-01T00:00:00Z".into())));
        assert_eq!(
            t("2024-05-01 09:30"),
            Ok(Some("2024-05-01T09:30:00Z".into()))
        );
        assert_eq!(
            t("2024-05-01T09:30:15.5+02:00"),
            Ok(Some("2024-05-01T09:30:15.5+02:00".into()))
        );
        for bad in [
            "yesterday",
            "2024-13-01",
            "2024-05-01T25:00",
            "2024-05-01T09:30+01é0",
            "2024-05-01x",
            "２０２４-05-01",
        ] {
            assert!(t(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn yaml_errors_point_at_the_line_of_the_file_and_the_note_still_builds() {
        let (card, diagnostics) = parse("---\ntitle: ok\nsummary: a: b\n---\nBody.\n");
        let card = card.expect("a note whose front matter cannot be read is still built");
        assert_eq!(card.title, "Client Server", "without its front matter");
        assert_eq!(card.body_line, 5);
        assert_eq!(diagnostics[0].pos.line, 3, "{}", diagnostics[0]);
        assert!(
            diagnostics[0].message.contains("invalid YAML"),
            "{}",
            diagnostics[0]
        );
        assert!(!diagnostics[0].is_error());
    }

    #[test]
    fn an_unclosed_list_points_at_its_bracket() {
        let (_, diagnostics) = parse("---\ntitle: ok\ntags: [a, b\nsummary: x\n---\n");
        assert_eq!(
            diagnostics[0].pos,
            Pos { line: 3, col: 7 },
            "{}",
            diagnostics[0]
        );
        assert!(diagnostics[0].message.contains("`[` is never closed"));
        let (_, diagnostics) = parse("---\nsummary: see [1] and [2\nstatus: [draft\n---\n");
        assert_eq!(
            diagnostics[0].pos,
            Pos { line: 3, col: 9 },
            "{}",
            diagnostics[0]
        );
    }

    #[test]
    fn deep_nesting_is_refused_before_the_parser_sees_it() {
        let deep = format!("---\ntitle: ok\ntags: {}\n---\n", "[".repeat(200_000));
        let started = std::time::Instant::now();
        let (card, diagnostics) = parse(&deep);
        assert!(
            started.elapsed().as_secs() < 1,
            "linear: {:?}",
            started.elapsed()
        );
        assert!(card.is_some());
        assert_eq!(
            diagnostics[0].pos,
            Pos { line: 3, col: 39 },
            "{}",
            diagnostics[0]
        );
        assert!(diagnostics[0].message.contains("more than 32 deep"));
        let shallow = format!("---\nshape: {}a{}\n---\n", "[".repeat(32), "]".repeat(32));
        assert!(parse(&shallow).0.is_some(), "32 levels are fine");
    }

    #[test]
    fn wrong_types_and_statuses_name_the_key_line() {
        let (card, diagnostics) = parse("---\ntitle: ok\nstatus: done\ntags: {a: 1}\n---\n");
        let card = card.unwrap();
        assert_eq!(
            (card.title.as_str(), card.status),
            ("ok", crate::card::Status::Complete)
        );
        assert!(
            card.tags.is_empty(),
            "values of the wrong kind are left out"
        );
        let lines: Vec<_> = diagnostics.iter().map(|d| d.pos.line).collect();
        assert_eq!(lines, [3, 4]);
        assert!(diagnostics[0].message.contains("`done`"));
    }

    #[test]
    fn control_characters_are_left_out() {
        let card = parse("---\ntitle: \"a\\u0007b\\u001bc\\td\"\n---\n")
            .0
            .unwrap();
        assert_eq!(card.title, "abcd");
    }

    #[test]
    fn empty_list_items_are_left_out() {
        let card = parse("---\naliases:\n  - \n  - \"\"\n  - other name\ntags:\n  -\n---\n")
            .0
            .unwrap();
        let aliases: Vec<&str> = card.aliases.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(aliases, ["other name"]);
        assert!(card.tags.is_empty());
    }

    #[test]
    fn typos_of_known_keys_warn() {
        let (card, diagnostics) = parse("---\ntittle: x\ncssclasses: [wide]\n---\n");
        assert!(card.is_some());
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(
            diagnostics[0].hint.as_deref(),
            Some("did you mean `title`?")
        );
    }

    #[test]
    fn obsidian_description_is_the_summary() {
        let card = parse("---\ndescription: From Obsidian\n---\n").0.unwrap();
        assert_eq!(card.summary.as_deref(), Some("From Obsidian"));
    }
}
