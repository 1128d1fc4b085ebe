//! The language of the answer: Simplified Chinese unless the client prefers English.

use axum::extract::Request;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::middleware::Next;
use axum::response::Response;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    ZhCn,
    En,
}

impl Locale {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ZhCn => "zh-CN",
            Self::En => "en",
        }
    }

    /// The first language in `Accept-Language` that Linli speaks; Chinese otherwise.
    pub fn from_accept_language(header: &str) -> Self {
        let mut ranked: Vec<(f32, &str)> = header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.trim().split(';');
                let tag = pieces.next()?.trim();
                let quality = pieces
                    .find_map(|piece| piece.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                Some((quality, tag))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (_, tag) in ranked {
            let tag = tag.to_ascii_lowercase();
            if tag.starts_with("zh") {
                return Self::ZhCn;
            }
            if tag.starts_with("en") {
                return Self::En;
            }
        }
        Self::ZhCn
    }

    pub fn current() -> Self {
        CURRENT.try_with(|locale| *locale).unwrap_or_default()
    }
}

tokio::task_local! {
    static CURRENT: Locale;
}

/// The cookie in which the pages remember the language a person picked.
pub const LANGUAGE_COOKIE: &str = "linli_lang";

impl Locale {
    pub fn from_tag(tag: &str) -> Option<Self> {
        match tag {
            "zh-CN" => Some(Self::ZhCn),
            "en" => Some(Self::En),
            _ => None,
        }
    }
}

fn chosen_on_a_page(request: &Request) -> Option<Locale> {
    request
        .headers()
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|cookies| cookies.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == LANGUAGE_COOKIE).then(|| Locale::from_tag(value))?
        })
}

/// Sets the request's locale for everything that runs while answering it, so an error
/// built deep in a handler speaks the caller's language. The API follows
/// `Accept-Language`; pages speak Chinese unless the person picked English on a page
/// (browsers in China often still announce English).
pub async fn negotiate(request: Request, next: Next) -> Response {
    let locale = locale_of(&request);
    CURRENT.scope(locale, next.run(request)).await
}

fn locale_of(request: &Request) -> Locale {
    if request.uri().path().starts_with("/api/") {
        request
            .headers()
            .get(ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok())
            .map(Locale::from_accept_language)
            .unwrap_or_default()
    } else {
        chosen_on_a_page(request).unwrap_or_default()
    }
}

/// The text for `key` in the current locale, with `%{name}` placeholders filled.
pub fn text(key: &str, args: &[(&str, String)]) -> String {
    let locale = Locale::current().as_str();
    let mut message = rust_i18n::t!(key, locale = locale).into_owned();
    for (name, value) in args {
        message = message.replace(&format!("%{{{name}}}"), value);
    }
    message
}

/// A field's name as people read it; the raw name when there is no translation.
pub fn field_label(field: &str) -> String {
    let key = format!("field.{field}");
    let label = text(&key, &[]);
    if label == key {
        field.to_owned()
    } else {
        label
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_preferred_language_linli_speaks() {
        assert_eq!(Locale::from_accept_language("en-US,en;q=0.9"), Locale::En);
        assert_eq!(
            Locale::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"),
            Locale::ZhCn
        );
        assert_eq!(
            Locale::from_accept_language("fr;q=1, en;q=0.5, zh;q=0.7"),
            Locale::ZhCn
        );
        assert_eq!(Locale::from_accept_language("fr"), Locale::ZhCn);
        assert_eq!(Locale::from_accept_language(""), Locale::ZhCn);
    }

    #[tokio::test]
    async fn texts_come_from_the_translation_files() {
        assert_eq!(text("auth.required", &[]), "请先登录");
        let english = CURRENT.scope(Locale::En, async {
            text("auth.too_many_attempts", &[("minutes", "15".to_owned())])
        });
        assert_eq!(
            english.await,
            "Too many attempts; please try again in 15 minutes"
        );
        assert_eq!(field_label("display_name"), "姓名");
        assert_eq!(field_label("no_such_field"), "no_such_field");
    }
}
