//! The owners' votes' pages over plain HTTP, as each role sees them, on the demo's two
//! votes in 7号楼: 包爷叔 voting with one tap in large text and changing his mind; a
//! resident who is not an owner there refused with the Chinese message and nothing
//! stored; the 业委会 setting a vote up, refused while rooms lack an area, watching who
//! has voted (never how); the desk entering a paper ballot with its scan; the published
//! result as a notice; another community's resident kept out.

use crate::helpers::TestApp;
use crate::pages::{Page, Visitor, signed_in, submit};
use chrono::{TimeZone, Utc};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION};
use reqwest::multipart::{Form, Part};
use serde_json::Value;

/// The demo's votes, loaded and seen on the day after: (the lifts, open; the cameras,
/// closed), as the API shows them to 包爷叔.
async fn demo(app: &TestApp) -> (Value, Value) {
    let today = Utc.with_ymd_and_hms(2026, 12, 4, 4, 0, 0).unwrap();
    assert!(
        linli::demo_votes::load(&app.store, app.database.blobs.clone(), today)
            .await
            .unwrap()
    );
    app.clock.set(today);
    let bao = app.token("bao").await;
    let community = app.chengshangcheng().await;
    let listed = app
        .get(&format!("/api/v1/votes?community_id={community}"), &bao)
        .await;
    let listed = listed.expect(StatusCode::OK).clone();
    let detail = |index: usize| {
        let id = listed[index]["id"].as_i64().unwrap();
        let bao = bao.clone();
        async move {
            app.get(&format!("/api/v1/votes/{id}"), &bao)
                .await
                .expect(StatusCode::OK)
                .clone()
        }
    };
    (detail(0).await, detail(1).await)
}

fn option(vote: &Value, label: &str) -> String {
    vote["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|option| option["label"] == label)
        .unwrap()["id"]
        .to_string()
}

/// Every text of the page has its translation (a missing one shows as its key).
fn translated(page: &Page) {
    for key in ["page.votes.", "page.nav.votes", "vote."] {
        assert!(
            !page.body.contains(key),
            "{key}… untranslated: {}",
            page.body
        );
    }
}

fn id(vote: &Value) -> i64 {
    vote["id"].as_i64().unwrap()
}

/// A JPEG, as a phone photographs a paper ballot.
fn scan() -> Vec<u8> {
    let image = image::DynamicImage::new_rgb8(90, 120);
    let mut jpeg = std::io::Cursor::new(Vec::new());
    image.write_to(&mut jpeg, image::ImageFormat::Jpeg).unwrap();
    jpeg.into_inner()
}

both_engines! {
    async fn an_owner_votes_with_one_tap_in_large_text_and_may_change_it(app: &TestApp) {
        let (lifts, cameras) = demo(app).await;
        let mut bao = signed_in(app, "bao").await;
        let list = bao.get("/votes").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.body.contains(lifts["title"].as_str().unwrap()) && list.body.contains(cameras["title"].as_str().unwrap()));
        assert!(list.body.contains("表决中") && list.body.contains("已截止"));
        translated(&list);
        assert!(!list.body.contains("id=\"new-vote\""), "a resident sets no vote up");

        let path = format!("/votes/{}", id(&lifts));
        let page = bao.get(&format!("{path}?large=1")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("class=\"vote-page large-view\""), "large text on request");
        assert!(!page.body.contains("id=\"large-link\""));
        assert!(page.body.contains("7号楼1单元302"));
        assert_eq!(page.body.matches("class=\"ballot-button").count(), 3, "one button per option");
        assert!(page.body.contains("点一下您的选择即可投票"));
        translated(&page);
        for private in ["id=\"roll\"", "id=\"turnout\"", "id=\"paper\""] {
            assert!(!page.body.contains(private), "{private} shown to an owner");
        }
        let room = lifts["mine"][0]["rooms"][0]["room_id"].to_string();
        let voted = submit(&mut bao, &format!("{path}/ballot"), &[("option_id", &option(&lifts, "同意")), ("room_id", &room), ("large", "1")]).await;
        assert_eq!(voted.status, StatusCode::SEE_OTHER, "{}", voted.body);
        assert!(voted.location.starts_with(&format!("{path}?done=voted&large=1")), "{}", voted.location);
        let page = bao.get(&voted.location).await;
        assert!(page.body.contains("您已选择：<strong>同意</strong>"), "{}", page.body);
        assert!(page.body.contains("large-view"), "large text stays on after voting");
        assert!(!bao.get(&path).await.body.contains("large-view"), "only on request");
        assert!(page.body.contains("已投票。截止前可以改票"));
        // Changing his mind: the last tap counts.
        submit(&mut bao, &format!("{path}/ballot"), &[("option_id", &option(&lifts, "不同意")), ("room_id", &room)]).await;
        let page = bao.get(&path).await;
        assert!(page.body.contains("您已选择：<strong>不同意</strong>"));
        assert!(page.body.contains("class=\"ballot-button chosen\" aria-pressed=\"true\">不同意"));
        let token = app.token("bao").await;
        let seen = app.get(&format!("/api/v1/votes/{}", id(&lifts)), &token).await;
        assert_eq!(seen.body["mine"][0]["ballots"], 2);

        // The closed vote: his ballot and the published count, and the notice to post.
        let page = bao.get(&format!("/votes/{}", id(&cameras))).await;
        assert!(page.body.contains("表决结果") && page.body.contains("表决通过"));
        assert!(page.body.contains("参与表决：业主 122 / 142 人（85.9%）"), "{}", page.body);
        assert!(!page.body.contains("page.votes"), "a text without its translation");
        assert_eq!(page.body.matches("class=\"ballot-button").count(), 0, "no voting after closing");
        let notice = bao.get(&format!("/votes/{}/result", id(&cameras))).await;
        assert_eq!(notice.status, StatusCode::OK);
        assert!(notice.body.contains("业主表决结果公告") && notice.body.contains("id=\"vote-figures\""));
        assert!(!notice.body.contains("page.votes"), "a text without its translation");
        assert!(notice.body.contains("参与表决的专有部分面积和人数均须达到总数的三分之二以上"));
        let early = bao.get(&format!("/votes/{}/result", id(&lifts))).await;
        assert_eq!(early.status, StatusCode::CONFLICT);
        assert!(early.body.contains("表决尚未截止"));
    }

    async fn those_who_are_not_owners_of_record_are_refused_with_nothing_stored(app: &TestApp) {
        let (lifts, _) = demo(app).await;
        let path = format!("/votes/{}", id(&lifts));
        // 唐女士 owns a flat in 9号楼, not in 7号楼: she reads the vote but is not on its roll.
        let mut tang = signed_in(app, "tang").await;
        let page = tang.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("id=\"vote-not-on-roll\""));
        translated(&page);
        assert_eq!(page.body.matches("class=\"ballot-button").count(), 0);
        let before = app.store.ballots(id(&lifts)).await.unwrap().len();
        let refused = submit(&mut tang, &format!("{path}/ballot"), &[("option_id", &option(&lifts, "同意"))]).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert!(refused.body.contains("只有登记在册的业主才能投票"), "{}", refused.body);
        assert_eq!(app.store.ballots(id(&lifts)).await.unwrap().len(), before);
        // Another community's resident does not see it at all.
        let mut zhou = signed_in(app, "zhou").await;
        let hidden = zhou.get(&path).await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND);
        assert!(hidden.body.contains("找不到该表决"));
        assert!(!zhou.get("/votes").await.body.contains(lifts["title"].as_str().unwrap()));
        // Without a session, the page asks to sign in.
        let mut stranger = Visitor::new(app);
        let page = stranger.get(&path).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        assert!(page.location.starts_with("/signin"));
    }

    async fn the_owners_committee_sets_up_opens_and_watches_who_has_voted(app: &TestApp) {
        let (lifts, _) = demo(app).await;
        let community = app.chengshangcheng().await;
        let building_9 = crate::meetings::building(app, community, "9").await.to_string();
        let mut yewei = signed_in(app, "yewei").await;
        let list = yewei.get("/votes").await;
        assert!(list.body.contains("id=\"new-vote\"") && list.body.contains("同意\n不同意\n弃权"));
        // Everything wrong at once: each message beside its field, nothing stored.
        let refused = submit(&mut yewei, "/votes", &[("title", " "), ("matter", ""), ("options", "同意"),
            ("building_id", &building_9), ("opens_at", "2026-12-10T08:00"), ("closes_at", "2026-12-09T20:00")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        for field in ["vote-title", "vote-matter", "vote-options", "vote-closes"] {
            assert!(refused.body.contains(&format!("id=\"{field}-error\"")), "no error for {field}: {}", refused.body);
        }
        assert!(refused.body.contains("至少要有两个选项"));
        assert!(refused.body.contains("aria-invalid=\"true\""));
        let votes_before = app.store.votes(linli_domain::ids::CommunityId(community)).await.unwrap().len();
        assert_eq!(votes_before, 2);

        let created = submit(&mut yewei, "/votes", &[("title", "9号楼加装非机动车充电桩"), ("matter", "common_parts_use"),
            ("options", "同意\n不同意\n弃权"), ("building_id", &building_9),
            ("opens_at", "2026-12-10T08:00"), ("closes_at", "2026-12-24T20:00")]).await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
        let draft_path = created.location.split('?').next().unwrap().to_owned();
        let page = yewei.get(&created.location).await;
        assert!(page.body.contains("表决已建立") && page.body.contains("id=\"readiness\""));
        translated(&page);
        translated(&list);
        assert!(page.body.contains("id=\"missing-area-rooms\"") && page.body.contains("9号楼1单元101"));
        // 9号楼's rooms have no areas in the registry: opening is refused, it stays a draft.
        let refused = submit(&mut yewei, &format!("{draft_path}/open"), &[]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("间房屋没有登记专有部分面积，不能开始表决"), "{}", refused.body);
        assert!(refused.body.contains("筹备中"));
        let draft_id: i64 = draft_path.trim_start_matches("/votes/").parse().unwrap();
        assert!(app.store.vote_voters(draft_id).await.unwrap().is_empty());

        // The open vote: the live turnout and the roll with who has voted — never how.
        let page = yewei.get(&format!("/votes/{}", id(&lifts))).await;
        assert!(page.body.contains("id=\"turnout\"") && page.body.contains("data-refresh=\"30\""));
        translated(&page);
        assert!(page.body.contains("id=\"roll-table\"") && page.body.contains("包爷叔") && page.body.contains("未投"));
        assert!(!page.body.contains("您已选择") && !page.body.contains("id=\"result\""));
        assert_eq!(page.body.matches("class=\"ballot-button").count(), 0, "the 业委会 does not vote for owners");
    }

    async fn the_desk_enters_a_paper_ballot_with_its_scan(app: &TestApp) {
        let (lifts, _) = demo(app).await;
        let path = format!("/votes/{}", id(&lifts));
        let mut desk = signed_in(app, "desk").await;
        let page = desk.get(&path).await;
        assert!(page.body.contains("id=\"paper\"") && page.body.contains("enctype=\"multipart/form-data\""));
        translated(&page);
        assert!(page.body.contains("id=\"roll-table\""), "the desk finds the room on the roll");
        assert!(!page.body.contains("包爷叔") && !page.body.contains("id=\"turnout\""), "but not who owns it or who voted");
        let room = lifts["mine"][0]["rooms"][0]["room_id"].to_string();
        let post = |scan: Option<Vec<u8>>| {
            let mut form = Form::new()
                .text("csrf", desk.csrf())
                .text("room_id", room.clone())
                .text("option_id", option(&lifts, "同意"));
            if let Some(bytes) = scan {
                form = form.part("photos", Part::bytes(bytes).file_name("ballot.jpg"));
            }
            desk.client
                .post(app.url(&format!("{path}/paper")))
                .header(COOKIE, desk.cookie_header())
                .multipart(form)
                .send()
        };
        let refused = post(None).await.unwrap();
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = refused.text().await.unwrap();
        assert!(body.contains("id=\"paper-scan-error\">请附上纸质选票的扫描件或照片"), "{body}");
        let entered = post(Some(scan())).await.unwrap();
        assert_eq!(entered.status(), StatusCode::SEE_OTHER);
        let location = entered.headers()[LOCATION].to_str().unwrap().to_owned();
        let page = desk.get(&location).await;
        assert!(page.body.contains("纸质选票已录入") && page.body.contains("汤守英"));
        let ballot_id = app.store.ballots(id(&lifts)).await.unwrap().last().unwrap().id;
        let scan_page = desk.get(&format!("{path}/ballots/{ballot_id}/scan")).await;
        assert_eq!(scan_page.status, StatusCode::OK);
        // 包爷叔 sees his paper ballot counted.
        let mut bao = signed_in(app, "bao").await;
        let page = bao.get(&path).await;
        assert!(page.body.contains("您已选择：<strong>同意</strong>") && page.body.contains("纸质选票"));
        let hidden = bao.get(&format!("{path}/ballots/{ballot_id}/scan")).await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    }
}
