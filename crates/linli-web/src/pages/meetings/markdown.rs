//! Minutes are written in Markdown and shown as HTML cleaned of anything active: the
//! Markdown is rendered (pulldown-cmark) and the result sanitised (ammonia), so a
//! `<script>` or an `onclick` typed into the minutes is never run on anyone's page.

use pulldown_cmark::{Options, Parser, html};

/// Markdown as safe HTML: headings, lists, emphasis, tables and links stay; scripts,
/// styles, event handlers and `javascript:` addresses go.
pub fn markdown_html(source: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut rendered = String::new();
    html::push_html(&mut rendered, Parser::new_ext(source, options));
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&rendered)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::markdown_html;

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
}
