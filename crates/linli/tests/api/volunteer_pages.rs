//! The volunteers pages over plain HTTP, for each role: a resident signs up and cancels
//! and keeps a profile (a refusal shown beside its field, with what was typed), the
//! office publishes an activity, the desk checks a volunteer in and out from the
//! activity's page and sees only display names, the certificate and the league add up.

use crate::pages::{Visitor, assert_redirected, field_error, signed_in, submit};
use crate::volunteers::activity;
use reqwest::StatusCode;
use serde_json::json;

both_engines! {
    async fn the_volunteers_pages_for_each_role(app: &TestApp) {
        let (activity_id, shift) = activity(app, "shuji", 1, json!({})).await;
        let shift_id = shift.to_string();

        // 包爷叔 finds the tile on his home and the activity on the page, and signs up.
        let mut bao = signed_in(app, "bao").await;
        assert!(bao.get("/").await.body.contains("id=\"volunteers-link\""));
        let page = bao.get("/volunteers").await;
        assert!(page.body.contains("流浪猫绝育捕捉") && page.body.contains(&format!("id=\"sign-up-{shift}\"")), "{}", page.body);
        assert!(!page.body.contains("id=\"add-activity\"") && !page.body.contains("id=\"add-team\""), "a resident publishes nothing");
        assert_redirected(&submit(&mut bao, "/volunteers/sign-up", &[("shift_id", &shift_id)]).await, "/volunteers?done=sign-up");
        let page = bao.get("/volunteers?done=sign-up").await;
        assert!(page.body.contains("报名成功") && page.body.contains(&format!("id=\"cancel-{shift}\"")), "{}", page.body);
        // Twice: refused beside the shift, nothing stored; a full shift for 唐女士 too.
        let twice = submit(&mut bao, "/volunteers/sign-up", &[("shift_id", &shift_id)]).await;
        assert_eq!(twice.status, StatusCode::CONFLICT);
        assert!(twice.body.contains(&format!("id=\"shift-{shift}-error\">你已经报名了这个班次")), "{}", twice.body);
        let mut tang = signed_in(app, "tang").await;
        let full = submit(&mut tang, "/volunteers/sign-up", &[("shift_id", &shift_id)]).await;
        assert!(full.body.contains("这个班次已报满"), "{}", full.body);

        // A profile with too many skills is refused beside them, keeping what was typed.
        let typed = "抓猫、电工、理发、翻译、修车、做饭、唱歌、跳舞、下棋";
        let refused = submit(&mut bao, "/volunteers/profile", &[("skills", typed), ("availability", "周末上午"), ("team_id", "")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&refused, "profile-skills").contains("最多"), "{}", refused.body);
        assert!(refused.body.contains(typed));
        assert_redirected(&submit(&mut bao, "/volunteers/profile", &[("skills", "抓猫、电工"), ("availability", "周末上午"), ("team_id", "")]).await, "/volunteers?done=profile");
        assert!(bao.get("/volunteers").await.body.contains("value=\"抓猫、电工\""));

        // The secretary publishes from the page: an end before the start is refused beside it.
        let mut shuji = signed_in(app, "shuji").await;
        let form = |ends: &'static str| [("title", "敬老理发"), ("description", "为 80 岁以上老人理发"), ("place", "活动室"), ("team_id", ""),
            ("starts_at", "2026-11-07T09:00"), ("ends_at", ends), ("capacity", "4"), ("cut_off_hours", "2")];
        let refused = submit(&mut shuji, "/volunteers/activity", &form("2026-11-07T08:00")).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&refused, "activity-ends").contains("结束时间必须晚于开始时间"), "{}", refused.body);
        assert!(refused.body.contains("value=\"敬老理发\""));
        assert_redirected(&submit(&mut shuji, "/volunteers/activity", &form("2026-11-07T11:00")).await, "/volunteers?done=activity");
        assert!(shuji.get("/volunteers").await.body.contains("敬老理发"));
        assert_redirected(&submit(&mut shuji, "/volunteers/team", &[("name", "城悦志愿者工作室")]).await, "/volunteers?done=team");
        let again = submit(&mut shuji, "/volunteers/team", &[("name", "城悦志愿者工作室")]).await;
        assert!(again.body.contains("已有同名的志愿者团队"), "{}", again.body);

        // Saturday 8:30: the desk sees who signed up, by name only, and checks him in and out.
        app.clock.set("2026-10-31T00:30:00Z".parse().unwrap());
        let mut desk = signed_in(app, "desk").await;
        let path = format!("/volunteers/activities/{activity_id}");
        let page = desk.get(&path).await;
        assert!(page.body.contains("包爷叔") && !page.body.contains("13800000007"), "{}", page.body);
        let bao_id = app.person_id("bao").await.to_string();
        assert_redirected(&submit(&mut desk, &format!("{path}/check-in"), &[("shift_id", &shift_id), ("person_id", &bao_id)]).await, &format!("{path}?done=check-in"));
        let twice = submit(&mut desk, &format!("{path}/check-in"), &[("shift_id", &shift_id), ("person_id", &bao_id)]).await;
        assert!(twice.body.contains("已经签到过了"), "{}", twice.body);
        app.clock.set("2026-10-31T03:00:00Z".parse().unwrap());
        let mut desk = signed_in(app, "desk").await;
        assert_redirected(&submit(&mut desk, &format!("{path}/check-out"), &[("shift_id", &shift_id), ("person_id", &bao_id)]).await, &format!("{path}?done=check-out"));

        // 包爷叔's own view of the activity: no one else's name, no buttons of the desk.
        let mut bao = signed_in(app, "bao").await;
        let own = bao.get(&path).await;
        assert!(own.body.contains("已签退") && !own.body.contains("check-in-"), "{}", own.body);
        let certificate = bao.get("/volunteers/certificate").await;
        assert!(certificate.body.contains("兹证明 包爷叔") && certificate.body.contains("id=\"certificate-total\">2.0<"), "{}", certificate.body);
        assert_eq!(bao.get(&format!("/volunteers/certificate?person_id={}", app.person_id("tang").await)).await.status, StatusCode::FORBIDDEN);
        let league = bao.get("/volunteers/league?month=2026-10").await;
        assert!(league.body.contains("id=\"league-total\">2.0<") && league.body.contains("包爷叔 · 2.0"), "{}", league.body);

        // Another community's resident finds nothing; the nav shows 志愿服务 to the desk.
        let mut zhou = signed_in(app, "zhou").await;
        assert_eq!(zhou.get(&path).await.status, StatusCode::NOT_FOUND);
        assert!(desk.get("/volunteers").await.body.contains("href=\"/volunteers\" aria-current=\"page\""));
    }

    async fn a_volunteer_checks_in_by_the_shifts_qr_code(app: &TestApp) {
        let (activity_id, shift) = activity(app, "shuji", 5, json!({})).await;
        let bao_token = app.token("bao").await;
        app.post(&format!("/api/v1/volunteers/shifts/{shift}/sign-up"), &bao_token, json!({})).await.expect(StatusCode::CREATED);
        // The staff's page shows the QR code of the shift's address with its secret.
        let desk_token = app.token("desk").await;
        let read = app.get(&format!("/api/v1/volunteers/activities/{activity_id}"), &desk_token).await;
        let code = read.expect(StatusCode::OK)["shifts"][0]["check_in_code"].as_str().unwrap().to_owned();
        let mut desk = signed_in(app, "desk").await;
        let page = desk.get(&format!("/volunteers/activities/{activity_id}")).await;
        let address = format!("/volunteers/shifts/{shift}/check-in?code={code}");
        assert!(page.body.contains("<svg") && page.body.contains(&format!("http://{}{address}", app.address)), "{}", page.body);
        let mut bao = signed_in(app, "bao").await;
        assert!(!bao.get(&format!("/volunteers/activities/{activity_id}")).await.body.contains(&code), "a resident never sees the code");

        // Too early on Tuesday: refused, with the window in Chinese.
        let early = bao.get(&address).await;
        assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(early.body.contains("只能在班次开始前 1 小时到结束之间签到"), "{}", early.body);
        // Saturday 9:10: a wrong code, someone not signed up, then 包爷叔 himself, once.
        app.clock.set("2026-10-31T01:10:00Z".parse().unwrap());
        let (bao_token, tang_token) = (app.token("bao").await, app.token("tang").await);
        let by_code = |code: &str| json!({ "code": code });
        let path = format!("/api/v1/volunteers/shifts/{shift}/check-in");
        app.post(&path, &bao_token, by_code("not-the-code")).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "volunteer.code_invalid");
        app.post(&path, &tang_token, by_code(&code)).await.expect_error(StatusCode::CONFLICT, "volunteer.not_signed_up");
        let mut stranger = Visitor::new(app);
        let page = stranger.get(&address).await;
        assert!(page.location.starts_with("/signin?next=/volunteers/shifts/"), "{}", page.location);
        let mut bao = signed_in(app, "bao").await;
        let page = bao.get(&address).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("签到成功"), "{}", page.body);
        let twice = bao.get(&address).await;
        assert_eq!(twice.status, StatusCode::CONFLICT);
        assert!(twice.body.contains("已经签到过了"));
        let read = app.get(&format!("/api/v1/volunteers/activities/{activity_id}"), &app.token("desk").await).await;
        assert_eq!(read.expect(StatusCode::OK)["shifts"][0]["sign_ups"][0]["checked_in_at"], "2026-10-31T01:10:00Z");
    }
}
