//! Volunteers through HTTP: activities with shifts set up by the office, residents who
//! sign up and cancel until the cut-off, a shift that never takes more than its capacity
//! however many sign up at once, the desk's check-in (once) and check-out, the minutes
//! served and their corrections, the certificate and the monthly league, and what each
//! role sees.

use crate::helpers::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Saturday 31 October, 9:00–11:00 in Shanghai; the test clock starts on Tuesday.
pub const STARTS: &str = "2026-10-31T01:00:00Z";
pub const ENDS: &str = "2026-10-31T03:00:00Z";

/// Sets up an activity with one shift as `login`; its id and the shift's.
pub async fn activity(app: &TestApp, login: &str, capacity: i64, extra: Value) -> (i64, i64) {
    let token = app.token(login).await;
    let mut body = json!({
        "title": "流浪猫绝育捕捉", "description": "协助把流浪猫送到宠物医院绝育", "place": "9号楼北侧",
        "cut_off_minutes": 120,
        "shifts": [{ "starts_at": STARTS, "ends_at": ENDS, "capacity": capacity }],
    });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    let created = app
        .post("/api/v1/volunteers/activities", &token, body)
        .await;
    let id = created.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
    let read = app
        .get(&format!("/api/v1/volunteers/activities/{id}"), &token)
        .await;
    (
        id,
        read.expect(StatusCode::OK)["shifts"][0]["id"]
            .as_i64()
            .unwrap(),
    )
}

fn shift_path(shift: i64, action: &str) -> String {
    format!("/api/v1/volunteers/shifts/{shift}/{action}")
}

/// Registers `count` residents of 城上城 and signs each in.
async fn residents(app: &TestApp, count: usize) -> Vec<String> {
    let (admin, community) = (app.token("admin").await, app.chengshangcheng().await);
    let mut tokens = Vec::new();
    for n in 0..count {
        let login = format!("volunteer{n}");
        app.post(&format!("/api/v1/communities/{community}/people"), &admin, json!({
            "login": login, "display_name": format!("志愿者{n}"), "password": "volunteer-password-2026",
            "roles": [{ "role": "resident" }],
        }))
        .await
        .expect(StatusCode::CREATED);
        let signed_in = app.sign_in(&login, "volunteer-password-2026").await;
        tokens.push(
            signed_in.expect(StatusCode::CREATED)["token"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    tokens
}

/// Sets up a haircut day with one shift and `extra` fields.
async fn post_activity(
    app: &TestApp,
    token: &str,
    shift: Value,
    extra: Value,
) -> crate::helpers::Response {
    let mut body = json!({ "title": "理发日", "description": "为高龄老人上门理发", "cut_off_minutes": 60, "shifts": [shift] });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    app.post("/api/v1/volunteers/activities", token, body).await
}

async fn check_in(app: &TestApp, shift: i64, token: &str, person: i64) -> crate::helpers::Response {
    app.post(
        &shift_path(shift, "check-in"),
        token,
        json!({ "person_id": person }),
    )
    .await
}

both_engines! {
    async fn a_shift_never_takes_more_than_its_capacity_however_many_sign_up_at_once(app: &TestApp) {
        let (activity_id, shift) = activity(app, "shuji", 5, json!({})).await;
        let tokens = residents(app, 20).await;
        let mut tasks = tokio::task::JoinSet::new();
        for token in tokens {
            let (client, url) = (reqwest::Client::new(), app.url(&shift_path(shift, "sign-up")));
            tasks.spawn(async move {
                let answer = client.post(url).bearer_auth(token).json(&json!({})).send().await.unwrap();
                let status = answer.status();
                let body: Value = answer.json().await.unwrap();
                (status, body["error"]["code"].as_str().unwrap_or_default().to_owned())
            });
        }
        let mut answers = Vec::new();
        while let Some(answer) = tasks.join_next().await {
            answers.push(answer.unwrap());
        }
        let taken = answers.iter().filter(|(status, _)| *status == StatusCode::CREATED).count();
        assert_eq!(taken, 5, "{answers:?}");
        assert!(answers.iter().all(|(status, code)| *status == StatusCode::CREATED || (*status == StatusCode::CONFLICT && code == "volunteer.shift_full")), "{answers:?}");
        let desk = app.token("desk").await;
        let read = app.get(&format!("/api/v1/volunteers/activities/{activity_id}"), &desk).await;
        let read = read.expect(StatusCode::OK);
        assert_eq!(read["shifts"][0]["signed_up"], 5);
        assert_eq!(read["shifts"][0]["sign_ups"].as_array().unwrap().len(), 5);
    }

    async fn bad_input_is_refused_with_its_code_and_nothing_is_stored(app: &TestApp) {
        let (shuji, bao, tang) = (app.token("shuji").await, app.token("bao").await, app.token("tang").await);
        let shift = |starts: &str, ends: &str, capacity: i64| json!({ "starts_at": starts, "ends_at": ends, "capacity": capacity });
        // A shift of negative length, of no length, in the past, without room.
        post_activity(app, &shuji, shift(ENDS, STARTS, 5), json!({})).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "volunteer.shift_length_invalid");
        post_activity(app, &shuji, shift(STARTS, STARTS, 5), json!({})).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "volunteer.shift_length_invalid");
        post_activity(app, &shuji, shift("2026-10-26T01:00:00Z", "2026-10-26T03:00:00Z", 5), json!({})).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "volunteer.shift_in_past");
        post_activity(app, &shuji, shift(STARTS, ENDS, 0), json!({})).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "volunteer.capacity_invalid");
        post_activity(app, &shuji, shift(STARTS, ENDS, 5), json!({ "cut_off_minutes": -5 })).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "volunteer.cut_off_invalid");
        post_activity(app, &shuji, shift(STARTS, ENDS, 5), json!({ "team_id": 999_999 })).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "volunteer.team_unknown");
        // Every wrong field at once, each with its Chinese message.
        let refused = post_activity(app, &shuji, shift(ENDS, STARTS, 5), json!({ "title": " " })).await;
        refused.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation.required");
        let fields: Vec<&str> = refused.body["error"]["errors"].as_array().unwrap().iter().map(|problem| problem["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["title", "ends_at"], "{}", refused.body);
        assert!(refused.body["error"]["errors"][1]["message"].as_str().unwrap().contains("结束时间必须晚于开始时间"), "{}", refused.body);
        // A resident sets up nothing; neither does the desk.
        post_activity(app, &bao, shift(STARTS, ENDS, 5), json!({})).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        post_activity(app, &app.token("desk").await, shift(STARTS, ENDS, 5), json!({})).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        let listed = app.get("/api/v1/volunteers/activities", &shuji).await;
        assert_eq!(listed.expect(StatusCode::OK).as_array().unwrap().len(), 0, "nothing stored");

        // Signing up twice, past capacity, after the cut-off: refused, nothing stored.
        let (activity_id, one_place) = activity(app, "duty", 1, json!({})).await;
        app.post(&shift_path(one_place, "sign-up"), &bao, json!({})).await.expect(StatusCode::CREATED);
        app.post(&shift_path(one_place, "sign-up"), &bao, json!({})).await.expect_error(StatusCode::CONFLICT, "volunteer.already_signed_up");
        app.post(&shift_path(one_place, "sign-up"), &tang, json!({})).await.expect_error(StatusCode::CONFLICT, "volunteer.shift_full");
        app.post(&shift_path(one_place, "cancel"), &tang, json!({})).await.expect_error(StatusCode::CONFLICT, "volunteer.not_signed_up");
        app.post(&shift_path(999_999, "sign-up"), &tang, json!({})).await.expect_error(StatusCode::NOT_FOUND, "volunteer.shift_not_found");
        let read = app.get(&format!("/api/v1/volunteers/activities/{activity_id}"), &shuji).await;
        let sign_ups = read.expect(StatusCode::OK)["shifts"][0]["sign_ups"].clone();
        assert_eq!(sign_ups.as_array().unwrap().len(), 1, "{sign_ups}");
        assert_eq!(sign_ups[0]["display_name"], "包爷叔");
        // Cancelling frees the place; signing up again takes the same row back.
        app.post(&shift_path(one_place, "cancel"), &bao, json!({})).await.expect(StatusCode::NO_CONTENT);
        app.post(&shift_path(one_place, "sign-up"), &tang, json!({})).await.expect(StatusCode::CREATED);
        // Saturday 7:01: two hours before, sign-ups and cancellations are closed.
        app.clock.set("2026-10-30T23:01:00Z".parse().unwrap());
        let (bao, tang) = (app.token("bao").await, app.token("tang").await);
        app.post(&shift_path(one_place, "cancel"), &tang, json!({})).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "volunteer.cut_off_passed");
        app.post(&shift_path(one_place, "sign-up"), &bao, json!({})).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "volunteer.cut_off_passed");
        let read = app.get(&format!("/api/v1/volunteers/activities/{activity_id}"), &tang).await;
        let shift = &read.expect(StatusCode::OK)["shifts"][0];
        assert_eq!((shift["signed_up"].as_i64(), shift["open"].as_bool()), (Some(1), Some(false)));
        assert_eq!(shift["mine"]["status"], "signed_up");
    }

    async fn the_desk_checks_in_once_and_the_hours_served_follow(app: &TestApp) {
        let (activity_id, shift) = activity(app, "shuji", 5, json!({})).await;
        let (bao_id, tang_id) = (app.person_id("bao").await, app.person_id("tang").await);
        for login in ["bao", "tang"] {
            app.post(&shift_path(shift, "sign-up"), &app.token(login).await, json!({})).await.expect(StatusCode::CREATED);
        }
        let desk = app.token("desk").await;
        // Too early on Tuesday; then on Saturday at 8:10 (counted from 9:00).
        check_in(app, shift, &desk, bao_id).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "volunteer.check_in_closed");
        app.clock.set("2026-10-31T00:10:00Z".parse().unwrap());
        let (desk, duty, bao, shuji) = (app.token("desk").await, app.token("duty").await, app.token("bao").await, app.token("shuji").await);
        check_in(app, shift, &bao, tang_id).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        check_in(app, shift, &desk, bao_id).await.expect(StatusCode::NO_CONTENT);
        check_in(app, shift, &duty, bao_id).await.expect_error(StatusCode::CONFLICT, "volunteer.already_checked_in");
        check_in(app, shift, &desk, app.person_id("li").await).await.expect_error(StatusCode::CONFLICT, "volunteer.not_signed_up");
        app.post(&shift_path(shift, "check-out"), &desk, json!({ "person_id": tang_id })).await.expect_error(StatusCode::CONFLICT, "volunteer.not_checked_in");
        app.post(&shift_path(shift, "check-in"), &desk, json!({})).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "volunteer.check_in_how");
        // 唐女士 comes at 9:30 and leaves at 10:30; 包爷叔 stays until 12:00, counted to
        // the end plus the grace (11:30).
        app.clock.set("2026-10-31T01:30:00Z".parse().unwrap());
        check_in(app, shift, &app.token("duty").await, tang_id).await.expect(StatusCode::NO_CONTENT);
        app.clock.set("2026-10-31T02:30:00Z".parse().unwrap());
        app.post(&shift_path(shift, "check-out"), &app.token("desk").await, json!({ "person_id": tang_id })).await.expect(StatusCode::NO_CONTENT);
        app.clock.set("2026-10-31T04:00:00Z".parse().unwrap());
        let (desk, bao, tang, shuji_again) = (app.token("desk").await, app.token("bao").await, app.token("tang").await, app.token("shuji").await);
        drop(shuji);
        app.post(&shift_path(shift, "check-out"), &desk, json!({ "person_id": bao_id })).await.expect(StatusCode::NO_CONTENT);
        app.post(&shift_path(shift, "check-out"), &desk, json!({ "person_id": bao_id })).await.expect_error(StatusCode::CONFLICT, "volunteer.already_checked_out");

        let certificate = app.get("/api/v1/volunteers/certificate", &bao).await;
        let certificate = certificate.expect(StatusCode::OK);
        assert_eq!((certificate["display_name"].as_str(), certificate["total_minutes"].as_i64()), (Some("包爷叔"), Some(150)));
        assert_eq!(certificate["shifts"][0]["activity_title"], "流浪猫绝育捕捉");
        app.get(&format!("/api/v1/volunteers/certificate?person_id={tang_id}"), &bao).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        let hers = app.get(&format!("/api/v1/volunteers/certificate?person_id={tang_id}"), &desk).await;
        assert_eq!(hers.expect(StatusCode::OK)["total_minutes"], 60);

        // The supervisor corrects 包爷叔's minutes with a reason; the first record stays.
        let sign_up = certificate["shifts"][0]["sign_up_id"].as_i64().unwrap();
        let corrections = format!("/api/v1/volunteers/sign-ups/{sign_up}/corrections");
        app.post(&corrections, &desk, json!({ "minutes": 100, "reason": "提前离开" })).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        app.post(&corrections, &shuji_again, json!({ "minutes": -10, "reason": "" })).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "volunteer.minutes_invalid");
        app.post(&corrections, &shuji_again, json!({ "minutes": 151, "reason": "多算" })).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "volunteer.minutes_invalid");
        app.post(&corrections, &shuji_again, json!({ "minutes": 100, "reason": "10:40 提前离开，现场负责人确认" })).await.expect(StatusCode::CREATED);
        let kept = app.store.volunteer_corrections(sign_up).await.unwrap();
        assert_eq!((kept.len(), kept[0].minutes), (1, 100));
        let read = app.get(&format!("/api/v1/volunteers/activities/{activity_id}"), &shuji_again).await;
        let mine = &read.expect(StatusCode::OK)["shifts"][0]["sign_ups"][0];
        assert_eq!((mine["minutes"].as_i64(), mine["corrected"].as_bool()), (Some(100), Some(true)));
        assert_eq!(app.get("/api/v1/volunteers/certificate", &bao).await.body["total_minutes"], 100);

        // October's league: the teams add up to everyone's minutes.
        let league = app.get("/api/v1/volunteers/league?month=2026-10", &tang).await;
        let league = league.expect(StatusCode::OK);
        assert_eq!(league["total_minutes"], 160, "{league}");
        let teams: i64 = league["teams"].as_array().unwrap().iter().map(|team| team["minutes"].as_i64().unwrap()).sum();
        assert_eq!(teams, 160);
        assert_eq!(league["top"], json!([{ "display_name": "包爷叔", "minutes": 100 }, { "display_name": "唐女士", "minutes": 60 }]));
        let november = app.get("/api/v1/volunteers/league?month=2026-11", &tang).await;
        assert_eq!(november.expect(StatusCode::OK)["total_minutes"], 0);
        app.get("/api/v1/volunteers/league?month=十月", &tang).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "volunteer.month_invalid");
    }

    async fn each_role_sees_what_it_needs_and_teams_lead_their_own(app: &TestApp) {
        let (shuji, bao, tang, zhou) = (app.token("shuji").await, app.token("bao").await, app.token("tang").await, app.token("zhou").await);
        let tang_id = app.person_id("tang").await;
        // The supervisor adds 城悦志愿者工作室 led by 唐女士; the desk may not add teams.
        let team = app.post("/api/v1/volunteers/teams", &shuji, json!({ "name": "城悦志愿者工作室", "leader_person_id": tang_id })).await;
        let team = team.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        app.post("/api/v1/volunteers/teams", &shuji, json!({ "name": "城悦志愿者工作室" })).await.expect_error(StatusCode::CONFLICT, "volunteer.team_exists");
        app.post("/api/v1/volunteers/teams", &shuji, json!({ "name": "外区", "leader_person_id": app.person_id("zhou").await })).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "volunteer.person_unknown");
        app.post("/api/v1/volunteers/teams", &app.token("desk").await, json!({ "name": "前台队" })).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");

        // 包爷叔's profile: his skills, his team; bad skills refused.
        app.request(Method::PUT, "/api/v1/volunteers/profile", Some(&bao), Some(json!({ "skills": ["抓猫", "电工", "抓猫"], "availability": "周末上午", "team_id": team }))).await.expect(StatusCode::NO_CONTENT);
        let mine = app.get("/api/v1/volunteers/profile", &bao).await;
        let mine = mine.expect(StatusCode::OK);
        assert_eq!((mine["skills"].clone(), mine["team_id"].as_i64()), (json!(["抓猫", "电工"]), Some(team)));
        let many: Vec<String> = (0..9).map(|n| format!("技能{n}")).collect();
        app.request(Method::PUT, "/api/v1/volunteers/profile", Some(&bao), Some(json!({ "skills": many }))).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "volunteer.too_many_skills");
        app.request(Method::PUT, "/api/v1/volunteers/profile", Some(&zhou), Some(json!({ "skills": ["翻译"], "team_id": team }))).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "volunteer.team_unknown");
        assert_eq!(app.get("/api/v1/volunteers/profile", &tang).await.body, Value::Null);

        // 唐女士 leads her team's activities, not the community's.
        let (activity_id, shift) = activity(app, "tang", 3, json!({ "team_id": team })).await;
        let community_wide = app.post("/api/v1/volunteers/activities", &tang, json!({ "title": "全区活动", "description": "x", "shifts": [{ "starts_at": STARTS, "ends_at": ENDS, "capacity": 3 }] })).await;
        community_wide.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        app.post(&shift_path(shift, "sign-up"), &bao, json!({})).await.expect(StatusCode::CREATED);

        // A resident sees how many signed up and their own sign-up, never who else nor the code.
        let path = format!("/api/v1/volunteers/activities/{activity_id}");
        let li_view = app.get(&path, &app.token("li").await).await;
        let li_shift = &li_view.expect(StatusCode::OK)["shifts"][0];
        assert_eq!((li_shift["signed_up"].as_i64(), li_shift["mine"].is_null()), (Some(1), true));
        assert!(li_shift["sign_ups"].is_null() && li_shift["check_in_code"].is_null(), "{li_shift}");
        assert!(!li_view.body.to_string().contains("包爷叔") && !li_view.body.to_string().contains("13800000007"));
        // The desk and the team's leader see who signed up, by display name only.
        for login in ["desk", "tang"] {
            let staff = app.get(&path, &app.token(login).await).await;
            let staff_shift = &staff.expect(StatusCode::OK)["shifts"][0];
            assert_eq!(staff_shift["sign_ups"][0]["display_name"], "包爷叔", "{login}");
            assert!(staff_shift["check_in_code"].as_str().is_some_and(|code| code.len() >= 16));
            assert!(!staff.body.to_string().contains("13800000007") && !staff.body.to_string().contains("302"), "{login}: no phone, no room");
        }
        // Someone of another community finds nothing.
        app.get(&path, &zhou).await.expect_error(StatusCode::NOT_FOUND, "volunteer.activity_not_found");
        app.post(&shift_path(shift, "sign-up"), &zhou, json!({})).await.expect_error(StatusCode::NOT_FOUND, "volunteer.shift_not_found");
        let community = app.chengshangcheng().await;
        app.get(&format!("/api/v1/volunteers/activities?community_id={community}"), &zhou).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        let teams = app.get("/api/v1/volunteers/teams", &bao).await;
        assert_eq!(teams.expect(StatusCode::OK)[0]["leader_name"], "唐女士");
        app.request(Method::GET, "/api/v1/volunteers/teams", None, None).await.expect_error(StatusCode::UNAUTHORIZED, "auth.required");
    }
}
