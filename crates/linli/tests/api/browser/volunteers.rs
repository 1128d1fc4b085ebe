//! Volunteering in a real browser, on a phone: 包爷叔 opens 志愿服务 from his home's tile,
//! signs up for Saturday's trapping, sees himself signed up, and saves his skills (too
//! many is refused beside the field); the desk then opens the activity with its check-in
//! QR code; axe-core checks each page.

use super::{Browser, PHONE, demo_app};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resident_signs_up_for_a_shift_on_a_phone() {
    let app = demo_app().await;
    let (activity, shift) = crate::volunteers::activity(&app, "shuji", 5, json!({})).await;
    let Some(browser) = Browser::open(&app).await else {
        return app.stop().await;
    };
    browser.viewport(PHONE).await;
    browser.sign_in("bao").await;
    browser.click_through("#volunteers-link").await;
    assert_eq!(browser.path().await, "/volunteers");
    browser.check_accessibility("the volunteers page").await;

    browser.click_through(&format!("#sign-up-{shift}")).await;
    assert!(
        browser
            .text("#volunteers-notice")
            .await
            .contains("报名成功")
    );
    assert_eq!(
        browser.text(&format!("#shift-{shift}-mine")).await,
        "已报名"
    );
    assert!(browser.exists(&format!("#cancel-{shift}")).await);
    assert_eq!(
        browser
            .script("return document.documentElement.scrollWidth <= innerWidth;")
            .await,
        json!(true),
        "no sideways scrolling on a phone"
    );
    browser.check_accessibility("signed up for a shift").await;

    browser
        .fill(
            "#profile-skills",
            "抓猫、电工、理发、翻译、修车、做饭、唱歌、跳舞、下棋",
        )
        .await;
    browser.click_through("#save-profile").await;
    assert!(browser.text("#profile-skills-error").await.contains("最多"));
    browser.check_accessibility("a refused profile").await;
    browser.fill("#profile-skills", "抓猫、电工").await;
    browser.click_through("#save-profile").await;
    assert!(
        browser
            .text("#volunteers-notice")
            .await
            .contains("档案已保存")
    );
    browser.screenshot("volunteers").await;
    browser.sign_out().await;

    // The desk's page of the activity: who signed up and the check-in QR code.
    browser.sign_in("desk").await;
    browser
        .go(&format!("/volunteers/activities/{activity}"))
        .await;
    assert!(
        browser
            .text(&format!("#sign-ups-{shift}"))
            .await
            .contains("包爷叔")
    );
    assert!(browser.exists(&format!("#qr-{shift} svg")).await);
    browser
        .check_accessibility("the desk's page of an activity")
        .await;
    browser.close().await;
    app.stop().await;
}
