//! Joining without staff: sign-in with a phone code (limits, expiry, single use, no
//! enumeration), a password reset by code, claims of a room that the committee confirms
//! or refuses, and what an unconfirmed resident may and may not see.

mod pages;
mod roll;

use crate::helpers::{Response, TestApp};
use crate::pages::{Visitor, submit};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The last code the logging SMS provider was given for a number.
pub(crate) fn last_code(app: &TestApp, phone: &str) -> String {
    let sent = app.instances()[0].sms.recent();
    let text = &sent
        .iter()
        .rev()
        .find(|message| message.phone == phone)
        .unwrap_or_else(|| panic!("no SMS to {phone}: {sent:?}"))
        .text;
    let digits: String = text
        .split(|c: char| !c.is_ascii_digit())
        .find(|run| run.len() == 6)
        .unwrap_or_else(|| panic!("no code in {text}"))
        .to_owned();
    digits
}

pub(crate) async fn ask_code(app: &TestApp, phone: &str) -> Response {
    app.request(
        reqwest::Method::POST,
        "/api/v1/accounts/codes",
        None,
        Some(json!({ "phone": phone })),
    )
    .await
}

pub(crate) async fn code_sign_in(app: &TestApp, phone: &str, code: &str) -> Response {
    app.request(
        reqwest::Method::POST,
        "/api/v1/accounts/sessions",
        None,
        Some(json!({ "phone": phone, "code": code })),
    )
    .await
}

/// Signs a number in with a fresh code; its bearer token and the answer.
pub(crate) async fn join(app: &TestApp, phone: &str) -> (String, Value) {
    ask_code(app, phone).await.expect(StatusCode::ACCEPTED);
    let code = last_code(app, phone);
    let answer = code_sign_in(app, phone, &code).await;
    let body = answer.expect(StatusCode::CREATED).clone();
    (body["token"].as_str().unwrap().to_owned(), body)
}

/// The code hashes stored for a number, read directly from the database.
async fn stored_code_hashes(app: &TestApp, phone: &str) -> Vec<String> {
    use sqlx::Connection;
    let sql = "SELECT code_hash FROM phone_codes WHERE phone = $1 ORDER BY id";
    match &app.database.url {
        linli_store::DatabaseUrl::Sqlite(path) => {
            let mut connection =
                sqlx::SqliteConnection::connect(&format!("sqlite:{}", path.display()))
                    .await
                    .unwrap();
            sqlx::query_scalar(sql)
                .bind(phone)
                .fetch_all(&mut connection)
                .await
                .unwrap()
        }
        linli_store::DatabaseUrl::Postgres(url) => {
            let mut connection = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query_scalar(sql)
                .bind(phone)
                .fetch_all(&mut connection)
                .await
                .unwrap()
        }
    }
}

/// A room of 城上城 by building, unit and room number.
pub(crate) async fn room(app: &TestApp, building: &str, unit: &str, number: &str) -> i64 {
    let community = linli_domain::ids::CommunityId(app.chengshangcheng().await);
    app.store
        .room_by_address(community, building, unit, number)
        .await
        .unwrap()
        .id
}

/// The bodies of the messages in a person's inbox, after the outbox was fanned out.
async fn inbox(app: &TestApp, token: &str) -> Vec<String> {
    while linli_app::notifications::fan_out_pending(app.state())
        .await
        .unwrap()
        > 0
    {}
    app.get("/api/v1/notifications", token)
        .await
        .expect(StatusCode::OK)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["body"].as_str().unwrap().to_owned())
        .collect()
}

async fn claim(app: &TestApp, token: &str, room: i64, relation: &str) -> Response {
    app.post(
        "/api/v1/accounts/claims",
        token,
        json!({ "display_name": "王阿姨", "room_id": room, "relation": relation }),
    )
    .await
}

async fn votes_of(app: &TestApp, token: &str) -> Response {
    let community = app.chengshangcheng().await;
    app.get(&format!("/api/v1/votes?community_id={community}"), token)
        .await
}

/// The texts the logging provider was given for a number.
fn texts_to(app: &TestApp, phone: &str) -> Vec<String> {
    app.instances()[0]
        .sms
        .recent()
        .into_iter()
        .filter(|message| message.phone == phone)
        .map(|message| message.text)
        .collect()
}

/// A provider that is down.
struct DownSms;

impl linli_app::notifications::sms::SmsProvider for DownSms {
    fn send<'a>(
        &'a self,
        _phone: &'a str,
        _text: &'a str,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>> + Send + 'a>> {
        Box::pin(async { Err("the operator's gateway answers 503".to_owned()) })
    }
}

async fn me(app: &TestApp, token: &str) -> Value {
    app.get("/api/v1/me", token)
        .await
        .expect(StatusCode::OK)
        .clone()
}

both_engines! {
    async fn a_new_number_signs_in_with_a_code_and_becomes_an_account_without_a_room(app: &TestApp) {
        let sent = ask_code(app, "139 1234 5678").await;
        let body = sent.expect(StatusCode::ACCEPTED);
        assert_eq!(body["resend_after_seconds"], 60);
        let code = last_code(app, "13912345678");
        assert_eq!(code.len(), 6);
        let answer = code_sign_in(app, "13912345678", &code).await;
        let body = answer.expect(StatusCode::CREATED);
        assert_eq!(body["new_account"], true);
        assert_eq!(body["user"]["rooms"], json!([]));
        assert_eq!(body["user"]["roles"], json!([]));
        let token = body["token"].as_str().unwrap();
        let me = app.get("/api/v1/me", token).await;
        assert_eq!(me.expect(StatusCode::OK)["display_name"], "139****5678");

        // The code is spent: used again, it is refused; a new code signs the same account in.
        code_sign_in(app, "13912345678", &code).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "accounts.code_wrong");
        app.clock.advance(chrono::Duration::seconds(61));
        let (_, again) = join(app, "13912345678").await;
        assert_eq!(again["new_account"], false);
        assert_eq!(again["user"]["id"], me.body["id"]);

        // Only the keyed hash is stored, never the code.
        let stored: Vec<String> = stored_code_hashes(app, "13912345678").await;
        assert_eq!(stored.len(), 2);
        assert!(stored.iter().all(|hash| hash.len() == 64 && !hash.contains(&code)));
    }

    async fn a_code_expires_after_five_minutes_and_wrong_guesses_spend_it(app: &TestApp) {
        ask_code(app, "13912340001").await.expect(StatusCode::ACCEPTED);
        let code = last_code(app, "13912340001");
        app.clock.advance(chrono::Duration::minutes(5));
        code_sign_in(app, "13912340001", &code).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "accounts.code_wrong");

        ask_code(app, "13912340001").await.expect(StatusCode::ACCEPTED);
        let code = last_code(app, "13912340001");
        app.clock.advance(chrono::Duration::minutes(4));
        let wrong = if code == "000000" { "000001" } else { "000000" };
        for _ in 0..5 {
            code_sign_in(app, "13912340001", wrong).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "accounts.code_wrong");
        }
        // Five wrong guesses spent it: the right code no longer works.
        code_sign_in(app, "13912340001", &code).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "accounts.code_wrong");
    }

    async fn malformed_numbers_and_codes_are_refused_with_their_field(app: &TestApp) {
        for phone in ["1391234567", "23912345678", "1391234567a", "021-62345678", ""] {
            let answer = ask_code(app, phone).await;
            answer.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "accounts.phone_invalid");
            assert_eq!(answer.body["error"]["field"], "phone", "{}", answer.body);
        }
        for code in ["12345", "1234567", "12a456", "", "１２３４５６"] {
            let answer = code_sign_in(app, "13912345678", code).await;
            answer.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "accounts.code_malformed");
            assert_eq!(answer.body["error"]["field"], "code");
        }
        assert!(app.instances()[0].sms.recent().is_empty(), "nothing was sent");
    }

    async fn codes_are_limited_per_number_and_per_address(app: &TestApp) {
        // Per number: one a minute, five an hour.
        ask_code(app, "13912340002").await.expect(StatusCode::ACCEPTED);
        let too_soon = ask_code(app, "13912340002").await;
        too_soon.expect_error(StatusCode::TOO_MANY_REQUESTS, "accounts.too_many_codes");
        assert!(too_soon.headers.contains_key("retry-after"));
        for _ in 0..4 {
            app.clock.advance(chrono::Duration::seconds(61));
            ask_code(app, "13912340002").await.expect(StatusCode::ACCEPTED);
        }
        app.clock.advance(chrono::Duration::seconds(61));
        ask_code(app, "13912340002").await.expect_error(StatusCode::TOO_MANY_REQUESTS, "accounts.too_many_codes");
        app.clock.advance(chrono::Duration::hours(1));
        ask_code(app, "13912340002").await.expect(StatusCode::ACCEPTED);

        // Per address: twenty an hour, whatever the numbers.
        app.clock.advance(chrono::Duration::hours(2));
        for n in 0..20 {
            ask_code(app, &format!("137000000{n:02}")).await.expect(StatusCode::ACCEPTED);
        }
        ask_code(app, "13700000099").await.expect_error(StatusCode::TOO_MANY_REQUESTS, "accounts.too_many_codes");
    }

    async fn known_and_unknown_numbers_get_the_same_answers(app: &TestApp) {
        // bao's number is on file; the other is nobody's.
        let known = ask_code(app, "13800000007").await;
        let unknown = ask_code(app, "13800009999").await;
        assert_eq!(known.status, unknown.status);
        assert_eq!(known.body, unknown.body);
        let known = code_sign_in(app, "13800000007", "000000").await;
        let unknown = code_sign_in(app, "13800009999", "000000").await;
        if last_code(app, "13800000007") != "000000" && last_code(app, "13800009999") != "000000" {
            assert_eq!((known.status, known.body.clone()), (unknown.status, unknown.body.clone()));
        }
        app.clock.advance(chrono::Duration::seconds(61));
        let known = ask_code(app, "13800000007").await;
        let unknown = ask_code(app, "13800009999").await;
        assert_eq!((known.status, known.body), (unknown.status, unknown.body));
        let known = ask_code(app, "13800000007").await;
        let unknown = ask_code(app, "13800009999").await;
        assert_eq!((known.status, known.body), (unknown.status, unknown.body));
    }

    async fn a_resident_and_staff_with_a_number_on_file_sign_in_by_code(app: &TestApp) {
        let (_, bao) = join(app, "13800000007").await;
        assert_eq!(bao["new_account"], false);
        assert_eq!(bao["user"]["login"], "bao");
        assert_eq!(bao["user"]["rooms"].as_array().unwrap().len(), 1);
        let (token, juwei) = join(app, "13900000104").await;
        assert_eq!(juwei["user"]["login"], "juwei");
        app.get("/api/v1/me", &token).await.expect(StatusCode::OK);
    }

    async fn a_forgotten_password_is_reset_by_code(app: &TestApp) {
        let old_session = app.token("bao").await;
        ask_code(app, "13800000007").await.expect(StatusCode::ACCEPTED);
        let code = last_code(app, "13800000007");
        let reset = |code: String, password: &'static str| async move {
            app.request(reqwest::Method::POST, "/api/v1/accounts/password-reset", None,
                Some(json!({ "phone": "13800000007", "code": code, "new_password": password }))).await
        };
        let short = reset(code.clone(), "short").await;
        short.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "auth.password_length");
        assert_eq!(short.body["error"]["field"], "new_password");
        reset(code.clone(), "包爷叔的新密码2026").await.expect(StatusCode::NO_CONTENT);
        // Spent: once only.
        reset(code, "包爷叔的另一个密码").await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "accounts.code_wrong");
        app.get("/api/v1/me", &old_session).await.expect_error(StatusCode::UNAUTHORIZED, "auth.session_invalid");
        app.sign_in("bao", crate::helpers::DEMO_PASSWORD).await.expect_error(StatusCode::UNAUTHORIZED, "auth.invalid_credentials");
        app.sign_in("bao", "包爷叔的新密码2026").await.expect(StatusCode::CREATED);

        // A number without an account learns so only with a right code.
        ask_code(app, "13800009998").await.expect(StatusCode::ACCEPTED);
        reset("000000".to_owned(), "一个新的密码啊啊啊").await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "accounts.code_wrong");
        let code = last_code(app, "13800009998");
        let nobody = app.request(reqwest::Method::POST, "/api/v1/accounts/password-reset", None,
            Some(json!({ "phone": "13800009998", "code": code, "new_password": "一个新的密码啊啊啊" }))).await;
        nobody.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "accounts.no_account");
    }

    async fn the_pages_sign_in_with_a_code_and_reset_a_password(app: &TestApp) {
        let mut visitor = Visitor::new(app);
        let signin = visitor.get("/signin").await;
        assert!(signin.body.contains("href=\"/signin/phone\"") && signin.body.contains("href=\"/signin/reset\""));
        visitor.get("/signin/phone").await;
        let refused = submit(&mut visitor, "/signin/phone/code", &[("phone", "12345")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("请填写 11 位手机号"), "{}", refused.body);
        let sent = submit(&mut visitor, "/signin/phone/code", &[("phone", "13912345600")]).await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
        assert!(sent.body.contains("139****5600"));
        let wrong = submit(&mut visitor, "/signin/phone", &[("phone", "13912345600"), ("code", "12a")]).await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(wrong.body.contains("验证码是 6 位数字"), "{}", wrong.body);
        let code = last_code(app, "13912345600");
        let signed_in = submit(&mut visitor, "/signin/phone", &[("phone", "13912345600"), ("code", &code)]).await;
        crate::pages::assert_redirected(&signed_in, "/join");
        assert!(!visitor.cookie("linli_session").is_empty());

        let mut visitor = Visitor::new(app);
        visitor.get("/signin/reset").await;
        submit(&mut visitor, "/signin/reset/code", &[("phone", "13800000009")]).await;
        let code = last_code(app, "13800000009");
        let done = submit(&mut visitor, "/signin/reset", &[("phone", "13800000009"), ("code", &code), ("new_password", "唐女士的新密码啊")]).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        assert!(done.body.contains("密码已重设"));
        app.sign_in("tang", "唐女士的新密码啊").await.expect(StatusCode::CREATED);
    }

    async fn a_new_resident_claims_a_room_the_committee_confirms_and_they_report_as_confirmed(app: &TestApp) {
        let (wang, _) = join(app, "13912345001").await;
        // The pickers, one level at a time.
        let communities = app.get("/api/v1/accounts/places", &wang).await;
        let community = app.chengshangcheng().await;
        assert!(communities.expect(StatusCode::OK)["options"].as_array().unwrap().iter().any(|option| option["id"] == community));
        let estates = app.get(&format!("/api/v1/accounts/places?community_id={community}"), &wang).await;
        let estate = estates.expect(StatusCode::OK)["options"][0]["id"].as_i64().unwrap();
        let buildings = app.get(&format!("/api/v1/accounts/places?community_id={community}&estate_id={estate}"), &wang).await;
        assert_eq!(buildings.expect(StatusCode::OK)["level"], "building");
        let building = buildings.body["options"].as_array().unwrap().iter().find(|option| option["name"] == "7号楼").unwrap()["id"].as_i64().unwrap();
        let units = app.get(&format!("/api/v1/accounts/places?community_id={community}&estate_id={estate}&building_id={building}"), &wang).await;
        let unit = units.expect(StatusCode::OK)["options"][0]["id"].as_i64().unwrap();
        let rooms = app.get(&format!("/api/v1/accounts/places?community_id={community}&estate_id={estate}&building_id={building}&unit_id={unit}"), &wang).await;
        let body = rooms.expect(StatusCode::OK);
        assert_eq!(body["level"], "room");
        let room_502 = body["options"].as_array().unwrap().iter().find(|option| option["name"] == "502室").unwrap()["id"].as_i64().unwrap();
        assert_eq!(room_502, room(app, "7", "1", "502").await);
        assert!(!body.to_string().contains("包"), "nobody's name in the pickers");

        // Bad claims change nothing.
        claim(app, &wang, 999_999, "owner").await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "accounts.room_unknown");
        let zhixin = app.zhixin().await;
        app.post("/api/v1/accounts/claims", &wang, json!({ "room_id": room_502, "relation": "owner", "community_id": zhixin }))
            .await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "accounts.room_unknown");
        let both = app.post("/api/v1/accounts/claims", &wang, json!({ "display_name": " ", "relation": "landlord" })).await;
        both.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation.required");
        let fields: Vec<&str> = both.body["error"]["errors"].as_array().unwrap().iter()
            .map(|problem| problem["field"].as_str().unwrap()).collect();
        assert!(fields.contains(&"relation") && fields.contains(&"room_id"), "{}", both.body);
        assert_eq!(app.get("/api/v1/accounts/claims/mine", &wang).await.expect(StatusCode::OK), &json!([]));

        let filed = claim(app, &wang, room_502, "owner").await;
        let claim_id = filed.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        assert_eq!(filed.body["status"], "pending");
        assert_eq!(filed.body["room"], "7号楼1单元502");
        let data = app.get("/api/v1/me/data", &wang).await.expect(StatusCode::OK).clone();
        assert_eq!(data["room_claims"][0]["room"], "7号楼1单元502", "{data}");
        assert_eq!(data["room_claims"][0]["status"], "pending");
        claim(app, &wang, room_502, "owner").await.expect_error(StatusCode::CONFLICT, "accounts.claim_pending");
        assert_eq!(me(app, &wang).await["display_name"], "王阿姨");

        // Unconfirmed: they may report (marked 未核实 on triage), but see no votes.
        let report = app.post("/api/v1/work-orders", &wang, json!({ "category": "noise", "description": "楼道里有人深夜装修" })).await;
        let order = report.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        let mut duty = crate::pages::signed_in(app, "duty").await;
        let queue = duty.get("/queue").await;
        assert!(queue.body.contains("未核实"), "{}", queue.body);
        votes_of(app, &wang).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        assert!(me(app, &wang).await["rooms"].as_array().unwrap().is_empty());

        // The queue: the committees see the claim with the name and number to check.
        let (juwei, yewei, wuye, bao) = (app.token("juwei").await, app.token("yewei").await, app.token("wuye").await, app.token("bao").await);
        let queue = app.get("/api/v1/accounts/claims", &juwei).await;
        let waiting = queue.expect(StatusCode::OK).as_array().unwrap();
        assert_eq!(waiting.len(), 1);
        assert_eq!(waiting[0]["phone"], "13912345001");
        assert_eq!(app.get("/api/v1/accounts/claims", &yewei).await.expect(StatusCode::OK).as_array().unwrap().len(), 1);
        app.get("/api/v1/accounts/claims", &wuye).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        app.get("/api/v1/accounts/claims", &bao).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        let decision = format!("/api/v1/accounts/claims/{claim_id}/decision");
        app.post(&decision, &bao, json!({ "decision": "confirm" })).await.expect_error(StatusCode::NOT_FOUND, "accounts.claim_not_found");
        app.post(&decision, &wuye, json!({ "decision": "confirm" })).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        app.post(&decision, &yewei, json!({ "decision": "maybe" })).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "accounts.decision_unknown");

        let confirmed = app.post(&decision, &yewei, json!({ "decision": "confirm" })).await;
        assert_eq!(confirmed.expect(StatusCode::OK)["status"], "confirmed");
        app.post(&decision, &juwei, json!({ "decision": "refuse", "reason": "晚了" })).await.expect_error(StatusCode::CONFLICT, "accounts.claim_decided");
        assert!(inbox(app, &wang).await.iter().any(|body| body.contains("7号楼1单元502") && body.contains("已核实")));

        // Confirmed: exactly the relation staff registration writes.
        let now = me(app, &wang).await;
        assert_eq!(now["rooms"][0]["room_id"], room_502);
        assert_eq!(now["rooms"][0]["relation"], "owner");
        assert!(now["roles"].as_array().unwrap().iter().any(|grant| grant["role"] == "resident"));
        votes_of(app, &wang).await.expect(StatusCode::OK);
        let owners = app.store.registry_owners(estate, Some(building)).await.unwrap();
        assert!(owners.iter().any(|(owned, person)| *owned == room_502 && *person == now["id"].as_i64().unwrap()));

        // A report now is a confirmed resident's, placed at their home.
        let report = app.post("/api/v1/work-orders", &wang, json!({ "category": "noise", "description": "电梯里很吵" })).await;
        let second = report.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        assert_eq!(app.store.unverified_among(&[order, second]).await.unwrap(), vec![order]);
        assert!(app.get("/api/v1/accounts/claims", &juwei).await.expect(StatusCode::OK).as_array().unwrap().is_empty());
    }

    async fn a_refused_claim_is_told_with_its_reason_and_grants_nothing(app: &TestApp) {
        let (zhao, _) = join(app, "13912345002").await;
        let room = room(app, "9", "2", "803").await;
        let id = claim(app, &zhao, room, "tenant").await.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        let (juwei, yewei) = (app.token("juwei").await, app.token("yewei").await);
        // A tenant's claim is the residents' committee's alone.
        assert!(app.get("/api/v1/accounts/claims", &yewei).await.expect(StatusCode::OK).as_array().unwrap().is_empty());
        let decision = format!("/api/v1/accounts/claims/{id}/decision");
        app.post(&decision, &yewei, json!({ "decision": "confirm" })).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        let bare = app.post(&decision, &juwei, json!({ "decision": "refuse", "reason": "  " })).await;
        bare.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "accounts.reason_required");
        assert_eq!(bare.body["error"]["field"], "reason");
        let refused = app.post(&decision, &juwei, json!({ "decision": "refuse", "reason": "租赁合同上没有这个名字" })).await;
        assert_eq!(refused.expect(StatusCode::OK)["status"], "refused");
        assert_eq!(refused.body["reason"], "租赁合同上没有这个名字");
        assert!(inbox(app, &zhao).await.iter().any(|body| body.contains("未通过") && body.contains("租赁合同上没有这个名字")));
        let now = me(app, &zhao).await;
        assert!(now["rooms"].as_array().unwrap().is_empty() && now["roles"].as_array().unwrap().is_empty());
        // Without a waiting claim there is nothing to report as.
        let community = app.chengshangcheng().await;
        app.post("/api/v1/work-orders", &zhao, json!({ "community_id": community, "category": "noise", "description": "噪音" })).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        // The claim page shows the refusal and its reason.
        let mine = app.get("/api/v1/accounts/claims/mine", &zhao).await;
        assert_eq!(mine.expect(StatusCode::OK)[0]["status"], "refused");
    }

    async fn an_owner_invites_family_who_join_by_code_and_removes_them(app: &TestApp) {
        let bao = app.token("bao").await;
        let home = room(app, "7", "1", "302").await;
        let members = format!("/api/v1/accounts/rooms/{home}/members");
        let invited = app.post(&members, &bao, json!({ "phone": "13912345003", "relation": "family" })).await;
        let list = invited.expect(StatusCode::CREATED).as_array().unwrap();
        assert!(list.iter().any(|member| member["phone"] == "13912345003" && member["person_id"].is_null()));
        // Bad invitations change nothing.
        app.post(&members, &bao, json!({ "phone": "1391234", "relation": "family" })).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "accounts.phone_invalid");
        app.post(&members, &bao, json!({ "phone": "13912345004", "relation": "owner" })).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "accounts.invite_owner");
        // Only the owner of the room invites.
        let tang = app.token("tang").await;
        app.post(&members, &tang, json!({ "phone": "13912345004", "relation": "family" })).await.expect_error(StatusCode::NOT_FOUND, "registry.room_not_found");
        app.get(&members, &tang).await.expect_error(StatusCode::NOT_FOUND, "registry.room_not_found");

        // The invited number joins with a code: no committee step.
        let (son, body) = join(app, "13912345003").await;
        assert_eq!(body["new_account"], true);
        assert_eq!(body["user"]["rooms"][0]["room_id"], home);
        assert_eq!(body["user"]["rooms"][0]["relation"], "family");
        votes_of(app, &son).await.expect(StatusCode::OK);
        // Their copy of their data holds the invitation.
        let data = app.get("/api/v1/me/data", &son).await.expect(StatusCode::OK).clone();
        assert_eq!(data["room_invitations"][0]["room"], "7号楼1单元302", "{data}");
        assert_eq!(data["room_invitations"][0]["relation"], "family");
        // Family members do not manage the household.
        app.get(&members, &son).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        let son_id = me(app, &son).await["id"].as_i64().unwrap();
        let list = app.get(&members, &bao).await;
        assert!(list.expect(StatusCode::OK).as_array().unwrap().iter().any(|member| member["person_id"] == son_id && member["relation"] == "family"));

        // An account that exists joins at once; removed, it keeps its own home's role.
        let li_id = app.person_id("li").await;
        let list = app.post(&members, &bao, json!({ "phone": "13800000012", "relation": "family" })).await;
        assert!(list.expect(StatusCode::CREATED).as_array().unwrap().iter().any(|member| member["person_id"] == li_id));
        app.request(reqwest::Method::DELETE, &format!("{members}/{li_id}"), Some(&bao), None).await.expect(StatusCode::NO_CONTENT);
        let li = me(app, &app.token("li").await).await;
        assert_eq!(li["rooms"].as_array().unwrap().len(), 1);
        assert!(li["roles"].as_array().unwrap().iter().any(|grant| grant["role"] == "resident"));

        app.request(reqwest::Method::DELETE, &format!("{members}/{son_id}"), Some(&bao), None).await.expect(StatusCode::NO_CONTENT);
        app.request(reqwest::Method::DELETE, &format!("{members}/{son_id}"), Some(&bao), None).await.expect_error(StatusCode::NOT_FOUND, "accounts.member_not_found");
        let owner_id = app.person_id("bao").await;
        app.request(reqwest::Method::DELETE, &format!("{members}/{owner_id}"), Some(&bao), None).await.expect_error(StatusCode::NOT_FOUND, "accounts.member_not_found");
        let now = me(app, &son).await;
        assert!(now["rooms"].as_array().unwrap().is_empty() && now["roles"].as_array().unwrap().is_empty());
        votes_of(app, &son).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
    }

    async fn an_invited_number_is_texted_and_a_message_that_did_not_go_is_tried_again(app: &TestApp) {
        use linli_app::accounts::members::{self, InvitationInput};
        // The server's own state: its provider is the one that remembers what it sent.
        let server = app.instances()[0].clone();
        let bao = app.token("bao").await;
        let home = room(app, "7", "1", "302").await;
        let members_path = format!("/api/v1/accounts/rooms/{home}/members");
        app.post(&members_path, &bao, json!({ "phone": "13912345007", "relation": "family" }))
            .await.expect(StatusCode::CREATED);
        let told = texts_to(app, "13912345007");
        assert_eq!(told.len(), 1, "{told:?}");
        assert!(told[0].contains("包爷叔") && told[0].contains("家属") && told[0].contains("7号楼1单元302"), "{told:?}");
        // Sent once: the next round has nothing to send.
        assert_eq!(members::text_invitations(&server).await.unwrap(), 0);

        // The provider is down: the invitation stands, its message waits.
        let mut down = server.app.clone();
        down.sms = std::sync::Arc::new(DownSms);
        let owner = linli_app::Caller::from_session_token(&down, &bao).await.unwrap();
        let input = InvitationInput {
            phone: "13912345008".to_owned(),
            relation: "tenant".to_owned(),
            ends_on: Some("2027-06-30".to_owned()),
        };
        let list = members::invite(&down, &owner, home, input).await.unwrap();
        assert!(list.iter().any(|member| member.phone == "13912345008"));
        assert!(texts_to(app, "13912345008").is_empty());
        // A try that failed a moment ago is not repeated at once…
        assert_eq!(members::text_invitations(&server).await.unwrap(), 0);
        // …but after a little while it is, once.
        app.clock.advance(chrono::Duration::minutes(3));
        members::text_invitations(&server).await.unwrap();
        members::text_invitations(&server).await.unwrap();
        let told = texts_to(app, "13912345008");
        assert_eq!(told.len(), 1, "{told:?}");
        assert!(told[0].contains("租户"), "{told:?}");

        // A withdrawn invitation is not texted; nor is one older than a day.
        let down_again = members::invite(&down, &owner, home, InvitationInput {
            phone: "13912345009".to_owned(), relation: "family".to_owned(), ends_on: None,
        }).await.unwrap();
        let waiting = down_again.iter().find(|member| member.phone == "13912345009").unwrap();
        members::withdraw(&down, &owner, home, waiting.invitation_id.unwrap()).await.unwrap();
        app.clock.advance(chrono::Duration::minutes(3));
        members::text_invitations(&server).await.unwrap();
        assert!(texts_to(app, "13912345009").is_empty());
    }

    async fn a_tenants_access_ends_on_its_date(app: &TestApp) {
        let bao = app.token("bao").await;
        let home = room(app, "7", "1", "302").await;
        let members = format!("/api/v1/accounts/rooms/{home}/members");
        let missing = app.post(&members, &bao, json!({ "phone": "13912345005", "relation": "tenant" })).await;
        missing.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "accounts.tenancy_end_required");
        assert_eq!(missing.body["error"]["field"], "ends_on");
        app.post(&members, &bao, json!({ "phone": "13912345005", "relation": "tenant", "ends_on": "2026-10-01" }))
            .await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "accounts.tenancy_end_past");
        app.post(&members, &bao, json!({ "phone": "13912345005", "relation": "tenant", "ends_on": "下个月" }))
            .await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "accounts.date_invalid");
        app.post(&members, &bao, json!({ "phone": "13912345005", "relation": "tenant", "ends_on": "2026-10-29" }))
            .await.expect(StatusCode::CREATED);
        let (tenant, body) = join(app, "13912345005").await;
        assert_eq!(body["user"]["rooms"][0]["relation"], "tenant");
        // 29 October, Shanghai: still theirs.
        app.clock.advance(chrono::Duration::days(2));
        linli_app::accounts::members::end_tenancies(app.state()).await.unwrap();
        assert_eq!(me(app, &tenant).await["rooms"].as_array().unwrap().len(), 1);
        // The 30th: gone, room and role.
        app.clock.advance(chrono::Duration::days(1));
        linli_app::accounts::members::end_tenancies(app.state()).await.unwrap();
        let now = me(app, &tenant).await;
        assert!(now["rooms"].as_array().unwrap().is_empty() && now["roles"].as_array().unwrap().is_empty(), "{now}");
        assert_eq!(linli_app::accounts::members::end_tenancies(app.state()).await.unwrap(), 0);
    }

    async fn the_pages_take_a_claim_without_javascript_and_the_committee_decides_it(app: &TestApp) {
        let mut visitor = Visitor::new(app);
        visitor.get("/signin/phone").await;
        submit(&mut visitor, "/signin/phone/code", &[("phone", "13912345006")]).await;
        let code = last_code(app, "13912345006");
        submit(&mut visitor, "/signin/phone", &[("phone", "13912345006"), ("code", &code)]).await;
        let community = app.chengshangcheng().await;
        let first = visitor.get(&format!("/join?community_id={community}")).await;
        assert_eq!(first.status, StatusCode::OK, "{}", first.body);
        // One estate: chosen at once; buildings next.
        assert!(first.body.contains("name=\"building_id\"") && first.body.contains("7号楼"), "{}", first.body);
        let room_id = room(app, "7", "1", "503").await;
        let room_row = app.store.room(linli_domain::ids::RoomId(room_id)).await.unwrap();
        let building = app.store.building(linli_domain::ids::BuildingId(room_row.building_id)).await.unwrap();
        let rooms = visitor.get(&format!("/join?community_id={community}&estate_id={}&building_id={}&unit_id={}", building.estate_id, building.id, room_row.unit_id)).await;
        assert!(rooms.body.contains("503室") && rooms.body.contains("name=\"relation\""), "{}", rooms.body);
        let refused = submit(&mut visitor, "/join", &[("community_id", &community.to_string()), ("room_id", &room_id.to_string()), ("display_name", ""), ("relation", "")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("field-error"), "{}", refused.body);
        let sent = submit(&mut visitor, "/join", &[("community_id", &community.to_string()), ("room_id", &room_id.to_string()), ("display_name", "钱老师"), ("relation", "family")]).await;
        crate::pages::assert_redirected(&sent, "/join?sent=1");
        let shown = visitor.get("/join?sent=1").await;
        assert!(shown.body.contains("7号楼1单元503") && shown.body.contains("待核实"), "{}", shown.body);

        let mut juwei = crate::pages::signed_in(app, "juwei").await;
        let queue = juwei.get("/claims").await;
        assert!(queue.body.contains("钱老师") && queue.body.contains("13912345006"), "{}", queue.body);
        let id = app.store.claims_of(linli_domain::ids::PersonId(app.store.person_by_phone("13912345006").await.unwrap().unwrap().id)).await.unwrap()[0].id;
        let bare = submit(&mut juwei, &format!("/claims/{id}/refuse"), &[("reason", "")]).await;
        assert_eq!(bare.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bare.body.contains("不通过时请写明原因"));
        let done = submit(&mut juwei, &format!("/claims/{id}/confirm"), &[]).await;
        crate::pages::assert_redirected(&done, "/claims");
        let shown = visitor.get("/join").await;
        assert!(shown.body.contains("已核实"), "{}", shown.body);
    }
}
