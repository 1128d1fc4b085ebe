//! The Thursday meeting in a real browser, as the party secretary runs it on the office's
//! laptop: call it, put the escalated work order on the agenda by its number, mark who
//! came, decide to start a project, write the minutes, close it (refused first, naming
//! what is missing); then the project's page, and its public page on a resident's phone,
//! where she offers help.
//! axe-core checks every page.

use super::{Browser, DESKTOP, PHONE, demo_app};
use crate::meetings::escalated_report;
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_party_secretary_runs_a_meeting_that_starts_a_project() {
    let app = demo_app().await;
    let order = escalated_report(
        &app,
        "bao",
        "high_altitude_throwing",
        "7",
        "7号楼高空抛物，酒瓶落在平台上",
    )
    .await;
    let read = app
        .get(
            &format!("/api/v1/work-orders/{order}"),
            &app.token("duty").await,
        )
        .await;
    let number = read.expect(StatusCode::OK)["number"]
        .as_i64()
        .unwrap()
        .to_string();
    let Some(browser) = Browser::open(&app).await else {
        return app.stop().await;
    };

    browser.viewport(DESKTOP).await;
    browser.sign_in("shuji").await;
    browser.go("/meetings").await;
    browser.check_accessibility("meetings").await;
    browser.click_through("#call-next").await;
    assert!(browser.path().await.starts_with("/meetings/"));
    let meeting = browser.path().await.split('?').next().unwrap().to_owned();
    browser.fill("#work_order_number", &number).await;
    browser.click_through("#add-item").await;
    assert!(
        browser
            .text("#agenda-items")
            .await
            .contains(&format!("#{number}"))
    );

    // Closing too early names what is missing.
    browser.click_through("#close-meeting").await;
    let missing = browser.text("#close-error").await;
    assert!(missing.contains("纪要"), "{missing}");
    browser.check_accessibility("a refused close").await;

    // Attendance: everyone at the table came.
    browser
        .script("document.querySelectorAll('#attendance-form input[value=present]').forEach(r => r.click());")
        .await;
    browser.click_through("#save-attendance").await;

    // The decision starts the camera project and puts the work order on hold.
    browser.click("details.decide summary").await;
    browser
        .fill(
            "details.decide textarea[name=text]",
            "以项目化运作给高空抛物严重的楼栋安装监控，7号楼在列",
        )
        .await;
    browser
        .choose(
            "details.decide select[name=lead_organisation_id]",
            "城上城物业服务中心",
        )
        .await;
    browser
        .click("details.decide input[name=action][value=start_project]")
        .await;
    browser
        .fill(
            "details.decide input[name=project_title]",
            "高空抛物楼栋安装监控",
        )
        .await;
    browser
        .fill(
            "details.decide textarea[name=purpose]",
            "在7号楼等高空抛物严重的楼栋安装探头",
        )
        .await;
    browser
        .fill("details.decide input[name=budget]", "36000")
        .await;
    browser
        .click("details.decide input[name=funding][value=public_income]")
        .await;
    browser.check_accessibility("the decision form").await;
    browser
        .click_through("details.decide button[type=submit]")
        .await;
    assert!(
        browser
            .text("#agenda-items")
            .await
            .contains("高空抛物楼栋安装监控")
    );
    browser.screenshot("meeting").await;

    browser
        .fill(
            "#minutes-input",
            "## 纪要\n\n- 三方同意以项目化运作安装监控，物业牵头",
        )
        .await;
    browser.click_through("#save-minutes").await;
    assert!(browser.text("#minutes-text").await.contains("三方同意"));
    browser.click_through("#close-meeting").await;
    assert!(browser.path().await.starts_with(&meeting));
    assert!(browser.text("#meeting-status").await.contains("已结束"));
    browser.check_accessibility("a closed meeting").await;

    // The project it started, for the office; then its public page on a phone.
    browser.go("/projects").await;
    browser.click_through("#projects a").await;
    let project = browser.path().await.split('?').next().unwrap().to_owned();
    assert!(project.starts_with("/projects/"));
    assert_eq!(browser.text("#project-budget").await, "¥36,000.00");
    browser.check_accessibility("project").await;
    browser.screenshot("project").await;
    browser.sign_out().await;
    browser.viewport(PHONE).await;
    browser.go(&format!("/public{project}")).await;
    assert_eq!(browser.text("#project-title").await, "高空抛物楼栋安装监控");
    assert!(
        !browser.exists("#quotes-table").await
            || !browser.text("#quotes-table").await.contains("021-")
    );
    browser.check_accessibility("public project").await;
    browser.screenshot("project-public").await;
    // A resident offers help from her phone (有力出力).
    browser.sign_in("tang").await;
    browser.go(&format!("/public{project}")).await;
    browser
        .fill("#offer-skill", "可以帮忙在楼道里张贴告示")
        .await;
    browser.click("#offer-button").await;
    browser.find("#own-offer").await;
    assert!(browser.text("#own-offer").await.contains("已报名"));
    browser
        .check_accessibility("public project, offered help")
        .await;
    browser.close().await;
    app.stop().await;
}
