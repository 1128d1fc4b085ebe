//! A resident reads notices on a phone in a real browser: 包爷叔 opens 社区信息 at
//! 390×844, finds the pinned notice of the cameras first, reads it, then reads the news
//! of the joint office's opening; axe-core checks each page, and nothing is wider than
//! the screen.

use super::{Browser, PHONE, demo_app};
use chrono::Duration;
use linli_domain::clock::Clock;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resident_reads_a_notice_on_a_phone() {
    let app = demo_app().await;
    let today = app.clock.now() + Duration::days(40);
    assert!(
        linli::demo_content::load(&app.store, app.database.blobs.clone(), today)
            .await
            .unwrap()
    );
    app.clock.set(today);
    let Some(browser) = Browser::open(&app).await else {
        return app.stop().await;
    };
    browser.viewport(PHONE).await;
    browser.sign_in("bao").await;
    browser.go("/content").await;
    browser.check_accessibility("content list").await;
    let list = browser.text("main").await;
    assert!(list.contains("置顶"), "{list}");
    assert!(
        !list.contains("国庆"),
        "an expired notice is not listed: {list}"
    );
    // The pinned notice is listed first.
    browser.click_through("#content-items a").await;
    assert!(browser.text("#content-title").await.contains("监控探头"));
    assert!(
        browser
            .text("#content-byline")
            .await
            .contains("城上城物业服务中心")
    );
    browser.check_accessibility("a notice").await;
    let overflow = browser
        .script("return document.documentElement.scrollWidth - window.innerWidth;")
        .await;
    assert!(
        overflow.as_f64().unwrap() <= 0.0,
        "wider than the phone by {overflow}"
    );
    browser.screenshot("content-notice").await;

    browser.go("/content?kind=news").await;
    browser.check_accessibility("news list").await;
    assert!(browser.text("main").await.contains("合署办公服务中心挂牌"));
    browser.close().await;
    app.stop().await;
}
