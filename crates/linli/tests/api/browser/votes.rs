//! An owner votes on a phone in a real browser: 包爷叔 opens the lift vote in large
//! text, taps 同意, changes his mind to 不同意, and reads the camera vote's result;
//! axe-core checks each page, and the ballot buttons stay large enough for a thumb.

use super::{Browser, PHONE, demo_app};
use chrono::{TimeZone, Utc};

/// Taps the ballot button that reads `label`, and waits for the page it leads to.
async fn tap(browser: &Browser, label: &str) {
    browser
        .script(&format!(
            "for (const b of document.querySelectorAll('.ballot-button')) {{ if (b.textContent.trim() === '{label}') b.id = 'tap-me'; }}"
        ))
        .await;
    browser.click_through("#tap-me").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_votes_on_a_phone_in_large_text() {
    let app = demo_app().await;
    let today = Utc.with_ymd_and_hms(2026, 12, 4, 4, 0, 0).unwrap();
    assert!(
        linli::demo_votes::load(&app.store, app.database.blobs.clone(), today)
            .await
            .unwrap()
    );
    app.clock.set(today);
    let Some(browser) = Browser::open(&app).await else {
        return app.stop().await;
    };
    browser.viewport(PHONE).await;
    browser.sign_in("bao").await;
    browser.go("/votes").await;
    browser.check_accessibility("votes list").await;
    // The open vote (the lifts) is listed first.
    browser.click_through("main a[href^='/votes/']").await;
    let vote = browser.path().await.split('?').next().unwrap().to_owned();
    browser.go(&format!("{vote}?large=1")).await;
    browser.find(".large-view").await;
    browser.check_accessibility("a vote in large text").await;
    let height = browser
        .script("return Math.min(...[...document.querySelectorAll('.ballot-button')].map(b => b.getBoundingClientRect().height));")
        .await;
    assert!(
        height.as_f64().unwrap() >= 60.0,
        "ballot buttons {height} high"
    );
    browser.screenshot("vote-owner").await;

    tap(&browser, "同意").await;
    assert!(browser.text("main").await.contains("您已选择：同意"));
    assert!(browser.exists(".large-view").await, "large text stays on");
    tap(&browser, "不同意").await;
    assert!(browser.text("main").await.contains("您已选择：不同意"));
    browser.check_accessibility("a vote after voting").await;

    browser.go("/votes").await;
    let closed = browser
        .script("const links = [...document.querySelectorAll(\"main a[href^='/votes/']\")]; return links[links.length - 1].getAttribute('href');")
        .await;
    browser.go(closed.as_str().unwrap()).await;
    assert!(browser.text("main").await.contains("表决通过"));
    browser.check_accessibility("a vote's result").await;
    browser.close().await;
    app.stop().await;
}
