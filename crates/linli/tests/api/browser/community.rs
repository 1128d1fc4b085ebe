//! Community life in a real browser, on the demo's data: 包爷叔 finds the 社区服务 tiles
//! on his phone's home (each a comfortable target, no sideways scrolling), opens 我的网格
//! and calls his building leader, then reads the partner units and one partner's page;
//! the party secretary opens the grid form and a partner's edit form. axe-core checks
//! every page.

use super::{Browser, PHONE, demo_story_app};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resident_finds_the_community_from_the_home_tiles() {
    let app = demo_story_app().await;
    let Some(browser) = Browser::open(&app).await else {
        return app.stop().await;
    };
    browser.viewport(PHONE).await;
    browser.sign_in("bao").await;

    // Every tile is there, at least 48 px high, two to a row, and the page fits.
    let tiles = browser
        .script(
            "return [...document.querySelectorAll('.home-links a')].map(a => {
               const r = a.getBoundingClientRect();
               return [a.id, Math.round(r.height), Math.round(r.width)];
             });",
        )
        .await;
    let tiles = tiles.as_array().unwrap();
    for id in [
        "content-link",
        "board-link",
        "services-link",
        "grids-link",
        "partners-link",
        "projects-link",
        "campaigns-link",
        "volunteers-link",
        "votes-link",
    ] {
        let tile = tiles
            .iter()
            .find(|tile| tile[0] == id)
            .unwrap_or_else(|| panic!("{id} in {tiles:?}"));
        assert!(
            tile[1].as_i64().unwrap() >= 48,
            "{id} is {} px high",
            tile[1]
        );
        assert!(
            tile[2].as_i64().unwrap() * 2 <= 390,
            "{id}: two tiles to a row"
        );
    }
    assert_eq!(
        browser
            .script("return document.documentElement.scrollWidth <= innerWidth;")
            .await,
        json!(true)
    );
    browser
        .check_accessibility("the resident's home and its tiles")
        .await;

    browser.click_through("#grids-link").await;
    assert_eq!(browser.path().await, "/grids");
    let mine = browser.text("#my-grid").await;
    assert!(
        mine.contains("第一网格") && mine.contains("陈美华") && mine.contains("王阿姨"),
        "{mine}"
    );
    assert!(
        browser.exists("#my-grid a[href='tel:13800003121']").await,
        "he can call his building leader"
    );
    assert!(
        !browser.text("#all-grids").await.contains("13800003102"),
        "other grids' phones stay hidden"
    );
    assert_eq!(
        browser
            .script("return document.documentElement.scrollWidth <= innerWidth;")
            .await,
        json!(true)
    );
    browser.check_accessibility("我的网格").await;
    browser.screenshot("my-grid").await;

    browser.go("/").await;
    browser.click_through("#partners-link").await;
    assert!(browser.text("#partners").await.contains("城上城小学"));
    assert!(
        browser
            .text("#activities")
            .await
            .contains("防范电信诈骗讲座")
    );
    assert!(!browser.exists("#add-partner").await);
    browser.check_accessibility("the partner units").await;
    browser.click_through("#partners li:first-child h3 a").await;
    assert!(browser.path().await.starts_with("/public/partners/"));
    assert!(
        !browser.exists("a[href^='tel:']").await,
        "a resident sees no partner's phone"
    );
    browser.check_accessibility("a partner unit").await;
    browser.sign_out().await;

    // The party secretary's grid form and a partner's edit form.
    browser.sign_in("shuji").await;
    browser.go("/grids").await;
    assert!(browser.exists("#add-grid").await);
    browser.click_through("#add-grid-button").await;
    assert!(!browser.text("#grid-name-error").await.is_empty());
    browser.check_accessibility("a refused grid form").await;
    let community = app.chengshangcheng().await;
    browser
        .go(&format!("/public/communities/{community}/partners"))
        .await;
    browser.click_through("#partners li:first-child h3 a").await;
    assert!(browser.exists("#edit-partner").await && browser.exists("a[href^='tel:']").await);
    browser
        .check_accessibility("a partner's page with its edit form")
        .await;
    browser.close().await;
    app.stop().await;
}
