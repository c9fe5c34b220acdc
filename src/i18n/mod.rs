//! The languages the help desk speaks to people: English and Spanish. Every sentence a
//! page, a form message, an error page or a mail shows lives in one Fluent file per
//! language (`en.ftl`, `es.ftl` beside this file), compiled into the binary; code and
//! templates name sentences by their id.
//!
//! A visitor's language is the one chosen on their account page, else the first of
//! English and Spanish in their browser's `Accept-Language`, else English. Mails use the
//! recipient's chosen language (English if none).

use std::sync::LazyLock;

use axum::http::{HeaderMap, header};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::langid;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    En,
    Es,
}

/// The sentences of each language, as written.
pub const SOURCES: [(Lang, &str); 2] = [
    (Lang::En, include_str!("en.ftl")),
    (Lang::Es, include_str!("es.ftl")),
];

struct Bundles {
    en: FluentBundle<FluentResource>,
    es: FluentBundle<FluentResource>,
}

static BUNDLES: LazyLock<Bundles> = LazyLock::new(|| {
    let bundle = |lang: Lang| {
        let id = match lang {
            Lang::En => langid!("en"),
            Lang::Es => langid!("es"),
        };
        let source = SOURCES
            .iter()
            .find(|(l, _)| *l == lang)
            .map_or("", |(_, s)| *s);
        let resource =
            FluentResource::try_new(source.to_owned()).unwrap_or_else(|(resource, errors)| {
                tracing::error!(?errors, lang = lang.code(), "translation file has errors");
                resource
            });
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        // Pages are HTML: no Unicode isolation marks around arguments.
        bundle.set_use_isolating(false);
        if let Err(errors) = bundle.add_resource(resource) {
            tracing::error!(
                ?errors,
                lang = lang.code(),
                "translation file has duplicates"
            );
        }
        bundle
    };
    Bundles {
        en: bundle(Lang::En),
        es: bundle(Lang::Es),
    }
});

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Es];

    /// The BCP 47 code (`<html lang>`, the account page's choice).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    /// The language's own name, as the account page lists it.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Es => "Español",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code
            .split(['-', '_'])
            .next()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("en") => Some(Lang::En),
            Some("es") => Some(Lang::Es),
            _ => None,
        }
    }

    /// The first of English and Spanish in `Accept-Language`, in the browser's order of
    /// preference; English if neither.
    pub fn from_headers(headers: &HeaderMap) -> Lang {
        let raw = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        accept_language::parse(raw)
            .iter()
            .find_map(|tag| Lang::parse(tag))
            .unwrap_or_default()
    }

    /// The user's own choice if any, else the browser's.
    pub fn choose(chosen: Option<&str>, headers: &HeaderMap) -> Lang {
        chosen
            .and_then(Lang::parse)
            .unwrap_or_else(|| Lang::from_headers(headers))
    }

    fn bundle(self) -> &'static FluentBundle<FluentResource> {
        match self {
            Lang::En => &BUNDLES.en,
            Lang::Es => &BUNDLES.es,
        }
    }

    /// A whole number as this language writes it: `20,004`, `20 004` (Spanish groups by
    /// a no-break space, as the RAE recommends; a point would read as a decimal mark to
    /// some and a comma to others).
    pub fn number(self, n: i64) -> String {
        let grouped = crate::words::grouped(n);
        match self {
            Lang::En => grouped,
            // Four-digit numbers stay whole in Spanish (2026, 1001).
            Lang::Es if n.unsigned_abs() < 10_000 => n.to_string(),
            Lang::Es => grouped.replace(',', "\u{a0}"),
        }
    }

    /// A file's size: `512 bytes`, `1.5 KiB`, `2,0 MiB`.
    pub fn size(self, bytes: i64) -> String {
        const KIB: f64 = 1024.0;
        let b = bytes as f64;
        let decimal = |v: f64| {
            let text = format!("{v:.1}");
            match self {
                Lang::En => text,
                Lang::Es => text.replace('.', ","),
            }
        };
        if bytes < 1024 {
            self.t_with(
                "size-bytes",
                &[("n", bytes.into()), ("count", self.number(bytes).into())],
            )
        } else if b < KIB * KIB {
            format!("{} KiB", decimal(b / KIB))
        } else {
            format!("{} MiB", decimal(b / (KIB * KIB)))
        }
    }

    /// The sentence `id` in this language (English if this language lacks it, the id
    /// itself if English does too: the translation test finds both).
    pub fn t(self, id: &str) -> String {
        self.format(id, None)
    }

    /// The sentence `id` with its arguments (`{ $name }` in the Fluent files).
    pub fn t_with(self, id: &str, args: &[(&str, Arg)]) -> String {
        let mut fluent = FluentArgs::new();
        for (name, value) in args {
            let value = match value {
                Arg::Text(text) => FluentValue::from(text.clone()),
                Arg::Number(n) => FluentValue::from(*n),
            };
            fluent.set(*name, value);
        }
        self.format(id, Some(&fluent))
    }

    fn format(self, id: &str, args: Option<&FluentArgs>) -> String {
        for lang in [self, Lang::En] {
            let bundle = lang.bundle();
            if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                let text = bundle.format_pattern(pattern, args, &mut errors);
                if !errors.is_empty() {
                    tracing::warn!(id, ?errors, "translation needs other arguments");
                }
                return text.into_owned();
            }
        }
        tracing::warn!(id, "no translation");
        id.to_owned()
    }
}

/// Something pages name in the reader's language: a status, a priority, a role.
pub trait Named {
    /// The id of its name in the Fluent files.
    fn name_id(&self) -> String;
}

impl Named for crate::tickets::Status {
    fn name_id(&self) -> String {
        format!("status-{}", self.as_str().replace('_', "-"))
    }
}

impl Named for crate::tickets::Priority {
    fn name_id(&self) -> String {
        format!("priority-{}", self.as_str())
    }
}

impl Named for crate::tickets::Role {
    fn name_id(&self) -> String {
        format!("role-{}", self.as_str())
    }
}

impl<T: Named + ?Sized> Named for &T {
    fn name_id(&self) -> String {
        (**self).name_id()
    }
}

/// A form field's problem, as the pages say it.
pub fn field_error(lang: Lang, e: &crate::tickets::FieldError) -> String {
    use crate::tickets::Problem;
    let field = || {
        lang.t(&format!(
            "field-name-{}",
            e.field.as_str().replace('_', "-")
        ))
    };
    match &e.problem {
        Problem::Required => lang.t("problem-required"),
        Problem::TooLong { max } => {
            lang.t_with("problem-too-long", &[("max", (*max as i64).into())])
        }
        Problem::Invalid => lang.t_with("problem-invalid", &[("field", field().into())]),
        Problem::TooMany { max } => lang.t_with(
            "problem-too-many",
            &[("max", (*max as i64).into()), ("field", field().into())],
        ),
        Problem::FileTooBig { filename } => lang.t_with(
            "problem-file-too-big",
            &[("filename", filename.clone().into())],
        ),
        Problem::Unknown => lang.t_with("problem-unknown", &[("field", field().into())]),
        Problem::Taken => lang.t_with("problem-taken", &[("field", field().into())]),
        Problem::Nul => lang.t("problem-nul"),
    }
}

/// An argument of a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Text(String),
    Number(i64),
}

impl From<&str> for Arg {
    fn from(text: &str) -> Self {
        Arg::Text(text.to_owned())
    }
}

impl From<String> for Arg {
    fn from(text: String) -> Self {
        Arg::Text(text)
    }
}

impl From<i64> for Arg {
    fn from(n: i64) -> Self {
        Arg::Number(n)
    }
}

/// The ids of the messages in a Fluent source.
pub fn ids(source: &str) -> Vec<String> {
    source
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_alphabetic()))
        .filter_map(|l| l.split_once('=').map(|(id, _)| id.trim().to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_sentences_and_parse_cleanly() {
        let en = ids(SOURCES[0].1);
        let es = ids(SOURCES[1].1);
        for (lang, source) in SOURCES {
            FluentResource::try_new(source.to_owned())
                .unwrap_or_else(|(_, e)| panic!("{}: {e:?}", lang.code()));
        }
        for (lang, ids) in [("en", &en), ("es", &es)] {
            let mut seen = std::collections::HashSet::new();
            let twice: Vec<_> = ids.iter().filter(|id| !seen.insert(*id)).collect();
            assert!(twice.is_empty(), "{lang}: defined twice: {twice:?}");
        }
        let missing: Vec<_> = en.iter().filter(|id| !es.contains(id)).collect();
        assert!(missing.is_empty(), "no Spanish for {missing:?}");
        let extra: Vec<_> = es.iter().filter(|id| !en.contains(id)).collect();
        assert!(extra.is_empty(), "no English for {extra:?}");
    }

    /// Every sentence the code and the templates name exists (a missing one would show
    /// its id), including those named by pattern (statuses, priorities, roles, fields,
    /// notices, error titles).
    #[test]
    fn every_sentence_named_exists() {
        let en = ids(SOURCES[0].1);
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        let mut dirs = vec![root.join("src"), root.join("templates")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    files.push(path);
                }
            }
        }
        let named = [
            r#"\.t1?n?\(\s*"([a-z][a-z0-9-]*)""#,
            r#"t_with\(\s*"([a-z][a-z0-9-]*)""#,
            r#"redirect_said\([^;]*?"([a-z][a-z0-9-]*)",\s*&"#,
            r#"Said\(\s*StatusCode::[A-Z_]+,\s*"([a-z][a-z0-9-]*)""#,
            r#"AccountError::new\(\s*"[a-z_]+",\s*"([a-z][a-z0-9-]*)""#,
            r#"\berr(?:_max)?\(\s*"[a-z_]+",\s*"([a-z][a-z0-9-]*)""#,
            r#"\bone\([^,]+,\s*"[a-z_]+",\s*"([a-z][a-z0-9-]*)""#,
            r#"invalid\([^,()]+,\s*"([a-z][a-z0-9-]*)"\)"#,
        ];
        // The account mails' sentences, named in a table.
        let compose = r#""(mail-[a-z0-9-]+)""#;
        let mut missing = Vec::new();
        for file in files {
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            if file.extension().is_some_and(|e| e == "ftl") {
                continue;
            }
            let in_compose = file.ends_with("compose.rs");
            for pattern in named.iter().chain(in_compose.then_some(&compose)) {
                let re = regex::Regex::new(pattern).unwrap();
                for c in re.captures_iter(&text) {
                    let id = c[1].to_owned();
                    if !en.contains(&id) && !id.ends_with('-') {
                        missing.push(format!("{}: {id}", file.display()));
                    }
                }
            }
        }
        use crate::tickets::{Priority, Role, Status};
        let mut patterned: Vec<String> = Vec::new();
        patterned.extend(Status::ALL.iter().map(|s| s.name_id()));
        patterned.extend(Priority::ALL.iter().map(|p| p.name_id()));
        patterned.extend(Role::ALL.iter().map(|r| r.name_id()));
        patterned.extend(
            crate::tickets::notify::Kind::ALL
                .iter()
                .map(|k| k.name_id()),
        );
        for code in [400, 403, 404, 409, 413, 422, 429, 500, 502, 503] {
            patterned.push(format!("error-title-{code}"));
        }
        for state in ["sent", "given-up", "failing", "queued"] {
            patterned.push(format!("mail-state-{state}"));
        }
        for id in patterned {
            if !en.contains(&id) {
                missing.push(id);
            }
        }
        assert!(missing.is_empty(), "named but not in en.ftl: {missing:#?}");
    }

    #[test]
    fn numbers_and_sizes_read_well_in_each_language() {
        assert_eq!(Lang::En.number(20_004), "20,004");
        assert_eq!(Lang::Es.number(20_004), "20\u{a0}004");
        assert_eq!(Lang::Es.number(1001), "1001");
        assert_eq!(Lang::En.size(1), "1 byte");
        assert_eq!(Lang::En.size(512), "512 bytes");
        assert_eq!(Lang::Es.size(512), "512 bytes");
        assert_eq!(Lang::En.size(1536), "1.5 KiB");
        assert_eq!(Lang::Es.size(1536), "1,5 KiB");
        assert_eq!(Lang::En.size(2 * 1024 * 1024), "2.0 MiB");
    }

    #[test]
    fn the_language_comes_from_the_account_then_the_browser() {
        let mut h = HeaderMap::new();
        assert_eq!(Lang::choose(None, &h), Lang::En);
        h.insert(
            header::ACCEPT_LANGUAGE,
            "fr-FR, es-MX;q=0.8, en;q=0.5".parse().unwrap(),
        );
        assert_eq!(Lang::choose(None, &h), Lang::Es);
        assert_eq!(Lang::choose(Some("en"), &h), Lang::En);
        assert_eq!(Lang::choose(Some("xx"), &h), Lang::Es);
    }
}
