//! The duty roster in a real browser: the party secretary arranges Tuesday morning on
//! the office's laptop (a shift with no one named is refused beside the name field), the
//! week shows who holds each post, and the duty officer sees himself on duty on the
//! queue; axe-core checks each page.

use super::{Browser, DESKTOP, demo_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_party_secretary_arranges_the_week_for_the_wall() {
    let app = demo_app().await;
    let Some(browser) = Browser::open(&app).await else {
        return app.stop().await;
    };
    browser.viewport(DESKTOP).await;
    browser.sign_in("shuji").await;
    browser.go("/roster").await;
    assert!(browser.text("#week-of").await.contains("2026-10-26"));
    browser.check_accessibility("an empty roster").await;

    // Tuesday 10月27日, morning: no one named is refused beside the name.
    browser
        .script("document.querySelector('#shift-day').value = '2026-10-27';")
        .await;
    browser.click_through("#add-shift-button").await;
    assert!(!browser.text("#shift-name-error").await.is_empty());
    browser.check_accessibility("a refused shift").await;
    for (post, person) in [("值班", "张承一"), ("接待", "汤守英")] {
        browser
            .script("document.querySelector('#shift-day').value = '2026-10-27';")
            .await;
        browser.choose("#shift-post", post).await;
        browser.choose("#shift-person", person).await;
        browser.click_through("#add-shift-button").await;
        assert!(browser.text("#roster-notice").await.contains("班次已安排"));
    }
    let tuesday = browser.text("#day-2026-10-27").await;
    assert!(
        tuesday.contains("汤守英") && tuesday.contains("张承一"),
        "{tuesday}"
    );
    browser.check_accessibility("the week's roster").await;
    browser.screenshot("roster").await;
    browser.sign_out().await;

    // 张承一 opens his queue: the roster says he is on duty.
    browser.sign_in("duty").await;
    browser.go("/queue").await;
    let on_duty = browser.text("#on-duty").await;
    assert!(
        on_duty.contains("值班 张承一") && on_duty.contains("接待 汤守英"),
        "{on_duty}"
    );
    browser
        .check_accessibility("the queue with who is on duty")
        .await;
    browser.close().await;
    app.stop().await;
}
