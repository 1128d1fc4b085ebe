//! Minutes and published content are written in Markdown and shown as HTML cleaned of
//! anything active: the Markdown is rendered (pulldown-cmark) and the result sanitised
//! (ammonia), so a `<script>`, an `onclick` or an `<iframe>` typed into them is never run
//! on anyone's page.

use pulldown_cmark::{Options, Parser, html};

/// Markdown as safe HTML: headings, lists, emphasis, tables and links stay; scripts,
/// styles, event handlers and `javascript:` addresses go.
pub fn markdown_html(source: &str) -> String {
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&rendered(source))
        .to_string()
}

/// Where content images are served from: the only images a content body may show.
pub const CONTENT_IMAGES: &str = "/content/images/";

/// A content body as safe HTML: as [`markdown_html`], and an image only from this
/// site's content images — a foreign image would tell another server who reads it.
pub fn content_html(source: &str) -> String {
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .attribute_filter(|element, attribute, value| {
            let ours = value.starts_with(CONTENT_IMAGES) && !value.contains("..");
            let foreign_image = element == "img" && attribute == "src" && !ours;
            (!foreign_image).then(|| value.into())
        })
        .clean(&rendered(source))
        .to_string()
}

fn rendered(source: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut rendered = String::new();
    html::push_html(&mut rendered, Parser::new_ext(source, options));
    rendered
}

#[cfg(test)]
mod tests {
    use super::{content_html, markdown_html};

    #[test]
    fn markdown_is_rendered_and_anything_active_removed() {
        let html = markdown_html(
            "## 决定\n\n- 加装**探头**\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>",
        );
        assert!(html.contains("<h2>决定</h2>"), "{html}");
        assert!(html.contains("<strong>探头</strong>"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
    }

    #[test]
    fn content_shows_only_its_own_images_and_no_frames() {
        let html = content_html(
            "![猫](/content/images/abc.jpg)\n\n![x](https://tracker.example/p.gif)\n\n<iframe src=\"https://evil.example\"></iframe>\n\n<img src=/content/images/a.jpg onerror=alert(1)>",
        );
        assert!(html.contains("src=\"/content/images/abc.jpg\""), "{html}");
        assert!(!html.contains("tracker.example"), "{html}");
        assert!(!html.contains("iframe"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
    }
}
