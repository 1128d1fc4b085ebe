//! A new resident joins on a phone in large text: signs in with a code sent to their
//! number, claims a room through the pickers, reports a problem while unconfirmed (the
//! office sees 未核实), and the residents' committee confirms the claim on its queue;
//! axe-core checks every page on the way.

use super::{Browser, PHONE, demo_app};

const NUMBER: &str = "13912345670";

/// Picks the option of `#picker` whose text contains `text` (the first real one when
/// empty), and goes on to the next level.
async fn pick(browser: &Browser, text: &str) {
    browser
        .script(&format!(
            "const s = document.querySelector('#picker');
             const i = [...s.options].findIndex((o, n) => n > 0 && ('{text}' === '' || o.text.includes('{text}')));
             s.selectedIndex = i;"
        ))
        .await;
    browser.click_through("#picker-next").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_resident_joins_on_a_phone_and_the_committee_confirms() {
    let app = demo_app().await;
    let Some(browser) = Browser::open(&app).await else {
        return app.stop().await;
    };
    browser.viewport(PHONE).await;
    browser.go("/signin/phone").await;
    browser.click_through("#large-text-switch").await;
    browser.find("html.large").await;
    browser.go("/signin/phone").await;
    browser.check_accessibility("sign-in with a code").await;
    browser.fill("#phone", NUMBER).await;
    browser.click_through("#send-code").await;
    browser.check_accessibility("the code's form").await;
    let code = crate::accounts::last_code(&app, NUMBER);
    browser.fill("#code", &code).await;
    browser.click_through("#submit-code").await;
    assert_eq!(
        browser.path().await,
        "/join",
        "a new number is asked to join"
    );
    assert!(browser.exists("html.large").await, "large text stays on");
    browser.check_accessibility("joining: the pickers").await;
    let (width, height, _) = browser.smallest_target().await;
    assert!(width >= 24.0 && height >= 24.0, "targets {width}×{height}");

    // Estate, building, unit: one picker at a time, then the room.
    let mut levels = 0;
    while browser.exists("#picker").await {
        pick(&browser, if levels == 1 { "7号楼" } else { "" }).await;
        levels += 1;
        assert!(levels <= 4, "the pickers end at the room");
    }
    browser
        .script(
            "const s = document.querySelector('#room_id'); s.selectedIndex = s.options.length - 1;",
        )
        .await;
    browser.click_through("#submit-claim").await;
    assert!(
        browser.text("#display_name-error").await.contains("姓名"),
        "the refusal names the field beside it"
    );
    browser.check_accessibility("joining: refused").await;
    browser
        .script(
            "const s = document.querySelector('#room_id'); s.selectedIndex = s.options.length - 1;",
        )
        .await;
    browser.fill("#display_name", "陈阿姨").await;
    browser.click("#relation-tenant").await;
    browser.click_through("#submit-claim").await;
    browser.find("#claim-sent").await;
    browser.check_accessibility("joining: claim sent").await;
    browser.screenshot("join-claim-sent").await;

    // Reporting while unconfirmed is allowed; the office sees it marked.
    browser.go("/report").await;
    assert_eq!(browser.path().await, "/report");
    browser.check_accessibility("reporting, unconfirmed").await;
    browser.check_label("噪音").await;
    browser
        .fill("#description", "7号楼一单元三楼楼道灯不亮了")
        .await;
    browser.click_through("#report-submit").await;
    assert!(
        browser.path().await.starts_with("/orders/"),
        "{}",
        browser.path().await
    );
    let order = browser.path().await;
    assert!(
        browser.exists("a[href='/join']").await,
        "the claimant still finds their claim"
    );

    browser
        .click_through("form[action='/signout'] button")
        .await;
    browser.sign_in("duty").await;
    browser.go("/queue").await;
    assert!(
        browser.text("main").await.contains("未核实"),
        "triage sees the mark"
    );
    browser.go(&order).await;
    assert!(
        browser
            .text("main")
            .await
            .contains("7号楼一单元三楼楼道灯不亮了")
    );
    browser.sign_out().await;

    // The residents' committee confirms the claim on its queue.
    browser.sign_in("juwei").await;
    browser.go("/claims").await;
    assert!(browser.text("main").await.contains("陈阿姨"));
    browser.check_accessibility("the committee's claims").await;
    browser
        .script("document.querySelector(\"button[id^='confirm-']\").id = 'confirm-this';")
        .await;
    browser.click_through("#confirm-this").await;
    assert!(
        !browser.text("main").await.contains("陈阿姨"),
        "the queue is empty again"
    );
    browser.close().await;
    app.stop().await;
}
