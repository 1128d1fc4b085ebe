//! RSS 2.0 feeds of a community's public content, one per kind. Written by hand rather
//! than with a feed crate: a feed is a dozen elements, and one escaping function used
//! for every text (titles, the party's name, the sanitised body) is easier to check than
//! a dependency — the same choice as the meetings' calendar feed.

use super::kind_of;
use crate::error::ApiResult;
use crate::extract::ApiPath;
use crate::locale::text;
use crate::markdown::content_html;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use linli_domain::ids::CommunityId;

/// The latest items a feed carries.
const FEED_ITEMS: usize = 50;

/// Text as XML character data or an attribute value.
pub fn escape_xml(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for character in raw.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 does not allow at all.
            c if c.is_control() && !matches!(c, '\n' | '\r' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

/// This site's address as the request reached it (feed readers need absolute links).
fn site(state: &AppState, headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
        .filter(|host| {
            host.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("localhost");
    let scheme = if state.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

#[utoipa::path(get, path = "/api/v1/content/feeds/{community_id}/{kind}", tag = "content",
    summary = "RSS 2.0 feed of a community's public content of one kind (no sign-in)",
    params(("community_id" = i64, Path), ("kind" = String, Path)),
    responses((status = 200, content_type = "application/rss+xml", description = "The feed")))]
pub async fn feed(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath((community_id, kind)): ApiPath<(i64, String)>,
) -> ApiResult<Response> {
    let kind = kind_of(Some(&kind))?.ok_or_else(|| {
        crate::error::ApiError::from(linli_domain::ValidationError::new(
            "content.kind_unknown",
            "kind",
        ))
    })?;
    let community = state.store.community(CommunityId(community_id)).await?;
    let items = linli_app::content::list(&state, None, community_id, Some(kind)).await?;
    let site = site(&state, &headers);
    let kind_name = text(&format!("page.content.kind.{}", kind.as_str()), &[]);
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\">\n<channel>\n",
    );
    xml.push_str(&format!(
        "<title>{}</title>\n<link>{}</link>\n<description>{}</description>\n<language>zh-cn</language>\n",
        escape_xml(&format!("{} · {kind_name}", community.name)),
        escape_xml(&format!(
            "{site}/public/communities/{community_id}/content?kind={}",
            kind.as_str()
        )),
        escape_xml(&format!("{}{kind_name}", community.name)),
    ));
    for item in items.iter().take(FEED_ITEMS) {
        let link = format!("{site}/content/{}", item.id);
        xml.push_str("<item>\n");
        xml.push_str(&format!("<title>{}</title>\n", escape_xml(&item.title)));
        xml.push_str(&format!("<link>{}</link>\n", escape_xml(&link)));
        xml.push_str(&format!(
            "<guid isPermaLink=\"true\">{}</guid>\n",
            escape_xml(&link)
        ));
        if let Some(published) = item.published_at {
            xml.push_str(&format!("<pubDate>{}</pubDate>\n", published.to_rfc2822()));
        }
        xml.push_str(&format!(
            "<category>{}</category>\n",
            escape_xml(&item.organisation_name)
        ));
        xml.push_str(&format!(
            "<description>{}</description>\n",
            escape_xml(&content_html(&item.body))
        ));
        xml.push_str("</item>\n");
    }
    xml.push_str("</channel>\n</rss>\n");
    let mut response = xml.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/rss+xml; charset=utf-8"),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::escape_xml;

    #[test]
    fn every_markup_character_is_escaped() {
        assert_eq!(
            escape_xml("<a href=\"x\">猫 & 'cat'</a>\u{0}"),
            "&lt;a href=&quot;x&quot;&gt;猫 &amp; &apos;cat&apos;&lt;/a&gt;"
        );
    }
}
