//! Crowdfunding in a real browser: 唐女士 pledges on her phone, the desk takes a
//! visitor's cash and prints the slip, the treasurer confirms on the office's laptop,
//! and anyone reads the public ledger on a phone; axe-core checks every page.

use super::{Browser, DESKTOP, PHONE, demo_app};
use crate::funds::campaign;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pledge_cash_at_the_desk_and_the_public_ledger() {
    let app = demo_app().await;
    let id = campaign(&app).await;
    let path = format!("/campaigns/{id}");
    let Some(browser) = Browser::open(&app).await else {
        return app.stop().await;
    };

    // 唐女士 on her phone: a refused amount is named beside the field, then ¥200.
    browser.viewport(PHONE).await;
    browser.sign_in("tang").await;
    browser.go(&path).await;
    browser
        .check_accessibility("campaign page for a resident")
        .await;
    browser.fill("#pledge-amount", "两百").await;
    browser.click_through("#pledge-button").await;
    assert!(browser.text("#pledge-amount-error").await.contains("数字"));
    browser.check_accessibility("a refused pledge").await;
    browser.fill("#pledge-amount", "200").await;
    browser.check_label("转账").await;
    browser.click_through("#pledge-button").await;
    assert!(
        browser
            .text("#campaign-notice")
            .await
            .contains("认捐已登记")
    );
    assert!(browser.text("#my-pledges").await.contains("待到账"));
    browser.screenshot("campaign-resident").await;
    browser.sign_out().await;

    // The desk takes ¥50 in cash from a visitor and prints the numbered slip.
    browser.viewport(DESKTOP).await;
    browser.sign_in("desk").await;
    browser.go(&path).await;
    browser.fill("#cash-donor", "王阿姨").await;
    browser.fill("#cash-amount", "50").await;
    browser.click_through("#cash-button").await;
    assert!(browser.path().await.ends_with("/slip"));
    assert_eq!(browser.text("#slip-receipt").await, "No. 0001");
    assert_eq!(browser.text("#slip-amount").await, "¥50.00");
    assert_eq!(browser.text("#slip-shown-as").await, "王**");
    browser.check_accessibility("cash slip").await;
    browser.screenshot("campaign-slip").await;
    browser.sign_out().await;

    // The treasurer confirms both when the money is in hand.
    browser.sign_in("juwei").await;
    browser.go(&path).await;
    browser
        .check_accessibility("campaign page for the treasurer")
        .await;
    for _ in 0..2 {
        browser
            .click_through("form[action$='/confirm'] button")
            .await;
    }
    assert!(!browser.exists("form[action$='/confirm']").await);
    assert_eq!(browser.text("#campaign-raised").await, "¥250.00");
    browser.sign_out().await;

    // Anyone, on a phone, without signing in: the figures and the entries, no names.
    browser.viewport(PHONE).await;
    browser.go(&path).await;
    assert_eq!(browser.text("#campaign-raised").await, "¥250.00");
    let ledger = browser.text("#ledger-table").await;
    assert!(
        ledger.contains("唐**") && ledger.contains("王**"),
        "{ledger}"
    );
    assert!(
        !ledger.contains("唐女士") && !ledger.contains("王阿姨"),
        "{ledger}"
    );
    browser.check_accessibility("public ledger").await;
    browser.screenshot("campaign-public").await;
    browser.close().await;
    app.stop().await;
}
