//! The public board in a real browser, on a phone, without signing in: the figures, the
//! latest closed work order anonymised; axe-core checks it.

use super::{Browser, PHONE, demo_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anyone_reads_the_public_board_on_a_phone() {
    let app = demo_app().await;
    crate::board::closed_report(
        &app,
        "bao",
        "7号楼302室平台上有酒瓶",
        true,
        "物业已上门清理",
    )
    .await;
    let community = app.chengshangcheng().await;
    let Some(browser) = Browser::open(&app).await else {
        return app.stop().await;
    };
    browser.viewport(PHONE).await;
    browser
        .go(&format!("/public/communities/{community}/board"))
        .await;
    let closed = browser.text("#closed-list").await;
    assert!(
        closed.contains("7号楼**室平台上有酒瓶") && closed.contains("物业已上门清理"),
        "{closed}"
    );
    assert!(!closed.contains("302"));
    assert_eq!(
        browser
            .script("return document.documentElement.scrollWidth <= innerWidth;")
            .await,
        serde_json::json!(true),
        "no sideways scrolling on a phone"
    );
    browser.check_accessibility("public board").await;
    browser.screenshot("public-board").await;
    browser.close().await;
    app.stop().await;
}
