//! Crowdfunding through HTTP, on both engines: the TNR campaign from pledges to a paid
//! expense, the public ledger that names no donor, concurrent confirmations counted
//! once, corrections that reverse once, an append-only ledger, bad amounts and the
//! wrong people refused with nothing changed.

use crate::helpers::TestApp;
use crate::meetings::organisation;
use linli_store::DatabaseUrl;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::Connection;

/// The TNR campaign, kept by 居委会's 刘岭春 (`juwei`): its id.
pub(crate) async fn campaign(app: &TestApp) -> i64 {
    let community = app.chengshangcheng().await;
    let juwei_org = organisation(app, community, "城上城居委会").await;
    let created = app
        .post(
            "/api/v1/campaigns",
            &app.token("shuji").await,
            json!({ "community_id": community, "title": "流浪猫绝育众筹", "purpose": "给小区流浪猫做绝育（TNR），倡导领养或文明投喂",
                    "target_fen": 400_000, "deadline": "2026-12-31", "treasurer_id": app.person_id("juwei").await,
                    "treasurer_organisation_id": juwei_org, "how_to_give": "合署办公服务中心前台现金，或转账至居委会账户" }),
        )
        .await;
    created.expect(StatusCode::CREATED)["id"].as_i64().unwrap()
}

async fn public(app: &TestApp, id: i64) -> Value {
    let seen = app
        .request(Method::GET, &format!("/api/v1/campaigns/{id}"), None, None)
        .await;
    seen.expect(StatusCode::OK).clone()
}

async fn pledge(app: &TestApp, token: &str, id: i64, body: Value) -> Value {
    let done = app
        .post(&format!("/api/v1/campaigns/{id}/pledges"), token, body)
        .await;
    done.expect(StatusCode::CREATED).clone()
}

fn figure(detail: &Value, name: &str) -> i64 {
    detail["figures"][name].as_i64().unwrap()
}

/// Runs one statement on the test database beside the server; its error, if any.
async fn raw_execute(app: &TestApp, sql: &'static str) -> Result<u64, sqlx::Error> {
    match &app.database.url {
        DatabaseUrl::Sqlite(path) => {
            let mut connection =
                sqlx::SqliteConnection::connect(&format!("sqlite:{}", path.display())).await?;
            sqlx::query(sql)
                .execute(&mut connection)
                .await
                .map(|done| done.rows_affected())
        }
        DatabaseUrl::Postgres(url) => {
            let mut connection = sqlx::PgConnection::connect(url).await?;
            sqlx::query(sql)
                .execute(&mut connection)
                .await
                .map(|done| done.rows_affected())
        }
    }
}

both_engines! {
    async fn the_tnr_campaign_from_pledges_to_a_paid_expense(app: &TestApp) {
        let (tang, li, desk, juwei, shuji) = (
            app.token("tang").await, app.token("li").await, app.token("desk").await,
            app.token("juwei").await, app.token("shuji").await,
        );
        let id = campaign(app).await;
        let tang_pledge = pledge(app, &tang, id, json!({ "amount_fen": 20_000, "channel": "transfer" })).await;
        assert_eq!(tang_pledge["receipt_number"], Value::Null, "no slip for a transfer");
        let li_pledge = pledge(app, &li, id, json!({ "amount_fen": 10_000, "channel": "qr_code", "anonymous": true })).await;
        let cash = pledge(app, &desk, id, json!({ "amount_fen": 5_050, "channel": "cash", "donor_name": "王阿姨" })).await;
        assert_eq!(cash["receipt_number"], 1);
        let cash_2 = pledge(app, &desk, id, json!({ "amount_fen": 3_000, "channel": "cash", "donor_name": "陈老师" })).await;
        assert_eq!(cash_2["receipt_number"], 2, "slips are numbered in order");

        // Before the treasurer confirms, nothing is raised and the ledger is empty.
        let seen = public(app, id).await;
        assert_eq!((figure(&seen, "raised_fen"), figure(&seen, "pledged_fen")), (0, 38_050));
        assert_eq!(seen["entries"], json!([]));
        assert_eq!(seen["pledges"], Value::Null, "the public sees no pledges with names");

        for pledged in [&tang_pledge, &li_pledge, &cash] {
            let pledge_id = pledged["pledge_id"].as_i64().unwrap();
            app.post(&format!("/api/v1/pledges/{pledge_id}/confirm"), &juwei, json!({})).await.expect(StatusCode::OK);
        }
        let seen = public(app, id).await;
        assert_eq!((figure(&seen, "raised_fen"), figure(&seen, "pledged_fen"), figure(&seen, "balance_fen")), (35_050, 3_000, 35_050));
        let donors: Vec<&str> = seen["entries"].as_array().unwrap().iter().map(|entry| entry["donor"].as_str().unwrap()).collect();
        assert_eq!(donors, ["唐**", "匿名", "王**"]);
        let text = seen.to_string();
        for private in ["唐女士", "小李", "王阿姨", "刘岭春", "汤守英"] {
            assert!(!text.contains(private), "{private} on the public ledger: {text}");
        }

        // An expense: asked by the treasurer, approved by the supervisor, paid.
        let asked = app.post(&format!("/api/v1/campaigns/{id}/expenses"), &juwei,
            json!({ "amount_fen": 12_000, "payee": "爱宠动物医院", "purpose": "第一批绝育 1 只" })).await;
        let expense = asked.expect(StatusCode::CREATED)["expenses"][0]["id"].as_i64().unwrap();
        app.post(&format!("/api/v1/expenses/{expense}/approve"), &juwei, json!({})).await
            .expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        app.post(&format!("/api/v1/expenses/{expense}/pay"), &juwei, json!({})).await
            .expect_error(StatusCode::CONFLICT, "fund.expense_moved");
        app.post(&format!("/api/v1/expenses/{expense}/approve"), &shuji, json!({})).await.expect(StatusCode::OK);
        let paid = app.post(&format!("/api/v1/expenses/{expense}/pay"), &juwei, json!({})).await;
        let paid = paid.expect(StatusCode::OK).clone();
        assert_eq!((figure(&paid, "spent_fen"), figure(&paid, "balance_fen")), (12_000, 23_050));
        assert_eq!(paid["figures"]["consistent"], true);
        let progress = paid["figures"]["progress"].as_f64().unwrap();
        assert!((progress - 35_050.0 / 400_000.0).abs() < 1e-9, "{progress}");
        let seen = public(app, id).await;
        assert_eq!(seen["entries"][3]["kind"], "expense");
        assert_eq!(seen["entries"][3]["payee"], "爱宠动物医院");
        assert_eq!(seen["expenses"][0]["requested_by_name"], Value::Null, "who asked is the office's");

        // The office sees every pledge with the donor's name; tang sees her own only.
        let office = app.get(&format!("/api/v1/campaigns/{id}"), &desk).await;
        assert_eq!(office.expect(StatusCode::OK)["pledges"].as_array().unwrap().len(), 4);
        let mine = app.get(&format!("/api/v1/campaigns/{id}"), &tang).await;
        let mine = mine.expect(StatusCode::OK).clone();
        assert_eq!((mine["pledges"].clone(), mine["mine"].as_array().unwrap().len()), (Value::Null, 1));
        assert_eq!(mine["mine"][0]["status"], "confirmed");

        // The treasurer heard of each pledge; the donors with accounts of the expense.
        while linli_app::notifications::fan_out_pending(app.state()).await.unwrap() > 0 {}
        let heard = app.get("/api/v1/notifications", &juwei).await;
        let heard = heard.expect(StatusCode::OK).to_string();
        assert_eq!(heard.matches("收到认捐").count(), 4, "{heard}");
        for donor in [&tang, &li] {
            let heard = app.get("/api/v1/notifications", donor).await;
            assert!(heard.expect(StatusCode::OK).to_string().contains("您支持的「流浪猫绝育众筹」已支出 ¥120.00：第一批绝育 1 只"));
        }
        let bao = app.get("/api/v1/notifications", &app.token("bao").await).await;
        assert!(!bao.expect(StatusCode::OK).to_string().contains("流浪猫"), "bao gave nothing");
    }

    async fn concurrent_confirmations_of_one_pledge_count_once(app: &TestApp) {
        let juwei = app.token("juwei").await;
        let id = campaign(app).await;
        let pledged = pledge(app, &app.token("tang").await, id, json!({ "amount_fen": 50_000, "channel": "cash" })).await;
        let pledge_id = pledged["pledge_id"].as_i64().unwrap();
        let path = format!("/api/v1/pledges/{pledge_id}/confirm");
        let answers = futures_join(app, &path, &juwei, 6).await;
        let ok = answers.iter().filter(|status| **status == StatusCode::OK).count();
        let conflict = answers.iter().filter(|status| **status == StatusCode::CONFLICT).count();
        assert_eq!((ok, conflict), (1, 5), "{answers:?}");
        let seen = public(app, id).await;
        assert_eq!((figure(&seen, "raised_fen"), seen["entries"].as_array().unwrap().len()), (50_000, 1));
    }

    async fn a_correction_reverses_once_and_the_ledger_refuses_change(app: &TestApp) {
        let juwei = app.token("juwei").await;
        let id = campaign(app).await;
        let pledged = pledge(app, &app.token("tang").await, id, json!({ "amount_fen": 8_800, "channel": "transfer" })).await;
        let pledge_id = pledged["pledge_id"].as_i64().unwrap();
        app.post(&format!("/api/v1/pledges/{pledge_id}/confirm"), &juwei, json!({})).await.expect(StatusCode::OK);
        app.post(&format!("/api/v1/campaigns/{id}/corrections"), &juwei, json!({ "entry_seq": 0, "reason": "" })).await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation.required");
        let corrected = app.post(&format!("/api/v1/campaigns/{id}/corrections"), &juwei,
            json!({ "entry_seq": 0, "reason": "转账退回，未到账" })).await;
        let corrected = corrected.expect(StatusCode::CREATED).clone();
        assert_eq!((figure(&corrected, "raised_fen"), corrected["entries"][0]["reversed"].clone()), (0, json!(true)));
        assert_eq!(corrected["entries"][1]["reverses_seq"], 0);
        for again in [0, 1, 7] {
            app.post(&format!("/api/v1/campaigns/{id}/corrections"), &juwei, json!({ "entry_seq": again, "reason": "再冲一次" })).await
                .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "fund.not_reversible");
        }
        // Not even the database's own user can change or remove an entry.
        assert!(raw_execute(app, "UPDATE fund_entries SET amount_fen = 1").await.is_err());
        assert!(raw_execute(app, "DELETE FROM fund_entry_lines").await.is_err());
        assert!(raw_execute(app, "DELETE FROM fund_entries").await.is_err());
        let seen = public(app, id).await;
        assert_eq!((seen["entries"].as_array().unwrap().len(), seen["figures"]["consistent"].clone()), (2, json!(true)));
        // Refunding money that was reversed away is refused: the pledge's money is gone.
        app.post(&format!("/api/v1/campaigns/{id}/refunds"), &juwei, json!({ "pledge_id": pledge_id, "amount_fen": 100, "reason": "退款" })).await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "fund.refund_over_donations");
    }

    async fn refunds_and_expenses_stay_within_the_money(app: &TestApp) {
        let (juwei, shuji) = (app.token("juwei").await, app.token("shuji").await);
        let id = campaign(app).await;
        let pledged = pledge(app, &app.token("li").await, id, json!({ "amount_fen": 10_000, "channel": "transfer" })).await;
        let pledge_id = pledged["pledge_id"].as_i64().unwrap();
        app.post(&format!("/api/v1/pledges/{pledge_id}/confirm"), &juwei, json!({})).await.expect(StatusCode::OK);
        let refund = |amount: i64| json!({ "pledge_id": pledge_id, "amount_fen": amount, "reason": "捐错了金额" });
        app.post(&format!("/api/v1/campaigns/{id}/refunds"), &juwei, refund(10_001)).await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "fund.refund_over_pledge");
        app.post(&format!("/api/v1/campaigns/{id}/refunds"), &shuji, refund(1_000)).await
            .expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        let refunded = app.post(&format!("/api/v1/campaigns/{id}/refunds"), &juwei, refund(4_000)).await;
        let refunded = refunded.expect(StatusCode::CREATED).clone();
        assert_eq!((figure(&refunded, "refunded_fen"), figure(&refunded, "balance_fen")), (4_000, 6_000));
        app.post(&format!("/api/v1/campaigns/{id}/refunds"), &juwei, refund(6_001)).await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "fund.refund_over_pledge");

        // 120 元 with 60 in hand: approved only with the approver's reason.
        let asked = app.post(&format!("/api/v1/campaigns/{id}/expenses"), &juwei,
            json!({ "amount_fen": 12_000, "payee": "爱宠动物医院", "purpose": "第一批绝育 1 只" })).await;
        let expense = asked.expect(StatusCode::CREATED)["expenses"][0]["id"].as_i64().unwrap();
        app.post(&format!("/api/v1/expenses/{expense}/approve"), &shuji, json!({})).await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "fund.over_balance");
        app.post(&format!("/api/v1/expenses/{expense}/reject"), &shuji, json!({ "reason": " " })).await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "validation.required");
        app.post(&format!("/api/v1/expenses/{expense}/approve"), &shuji, json!({ "reason": "医院同意先做后付，差额下周到账" })).await
            .expect(StatusCode::OK);
        let paid = app.post(&format!("/api/v1/expenses/{expense}/pay"), &juwei, json!({})).await;
        let paid = paid.expect(StatusCode::OK).clone();
        assert_eq!((figure(&paid, "balance_fen"), paid["expenses"][0]["override_reason"].clone()),
            (-6_000, json!("医院同意先做后付，差额下周到账")));
        app.post(&format!("/api/v1/expenses/{expense}/pay"), &juwei, json!({})).await
            .expect_error(StatusCode::CONFLICT, "fund.expense_moved");
    }

    async fn bad_amounts_and_the_wrong_people_change_nothing(app: &TestApp) {
        let (tang, bao, zhou, desk, wuye) = (
            app.token("tang").await, app.token("bao").await, app.token("zhou").await,
            app.token("desk").await, app.token("wuye").await,
        );
        let id = campaign(app).await;
        let path = format!("/api/v1/campaigns/{id}/pledges");
        for (amount, code) in [(0, "fund.amount_not_positive"), (-500, "fund.amount_not_positive"), (100_000_001, "fund.amount_too_large")] {
            app.post(&path, &tang, json!({ "amount_fen": amount, "channel": "cash" })).await
                .expect_error(StatusCode::UNPROCESSABLE_ENTITY, code);
        }
        for body in [json!({ "amount_fen": 12.5, "channel": "cash" }), json!({ "amount_fen": "50", "channel": "cash" })] {
            let refused = app.post(&path, &tang, body).await;
            assert!(refused.status.is_client_error(), "{}", refused.body);
        }
        let both = app.post(&path, &tang, json!({ "amount_fen": 0, "channel": "wechat_pay" })).await;
        both.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "fund.amount_not_positive");
        assert_eq!(both.body["error"]["errors"].as_array().map(Vec::len), Some(2), "both fields named: {}", both.body);
        // Another community's resident; a resident taking cash for others; a handler confirming.
        app.post(&path, &zhou, json!({ "amount_fen": 100, "channel": "cash" })).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        app.post(&path, &bao, json!({ "amount_fen": 100, "channel": "cash", "donor_name": "别人" })).await
            .expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        let pledged = pledge(app, &tang, id, json!({ "amount_fen": 100, "channel": "cash" })).await;
        let pledge_id = pledged["pledge_id"].as_i64().unwrap();
        for who in [&wuye, &desk, &tang] {
            app.post(&format!("/api/v1/pledges/{pledge_id}/confirm"), who, json!({})).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        }
        app.post(&format!("/api/v1/pledges/{pledge_id}/withdraw"), &bao, json!({})).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        // Only the supervisor starts a campaign, and the treasurer must be of the office.
        let community = app.chengshangcheng().await;
        app.post("/api/v1/campaigns", &desk, json!({ "community_id": community, "title": "t", "purpose": "p", "target_fen": 100,
            "deadline": "2026-12-31", "treasurer_id": app.person_id("juwei").await, "treasurer_organisation_id": 1 })).await
            .expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        let juwei_org = organisation(app, community, "城上城居委会").await;
        let refused = app.post("/api/v1/campaigns", &app.token("shuji").await, json!({ "community_id": community, "title": "t", "purpose": "p",
            "target_fen": 100, "deadline": "2026-10-01", "treasurer_id": app.person_id("tang").await, "treasurer_organisation_id": juwei_org })).await;
        refused.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "fund.deadline_past");
        assert!(refused.body.to_string().contains("fund.treasurer_not_staff"), "{}", refused.body);

        let seen = public(app, id).await;
        assert_eq!((figure(&seen, "pledged_fen"), figure(&seen, "raised_fen")), (100, 0), "only the one good pledge");
        let listed = app.request(Method::GET, &format!("/api/v1/campaigns?community_id={community}"), None, None).await;
        assert_eq!(listed.expect(StatusCode::OK).as_array().unwrap().len(), 1);

        // The donor withdraws; closing lapses what is left; then no more pledges.
        app.post(&format!("/api/v1/pledges/{pledge_id}/withdraw"), &tang, json!({})).await.expect(StatusCode::OK);
        let other = pledge(app, &bao, id, json!({ "amount_fen": 300, "channel": "transfer" })).await;
        let closed = app.post(&format!("/api/v1/campaigns/{id}/close"), &app.token("shuji").await, json!({})).await;
        let closed = closed.expect(StatusCode::OK).clone();
        assert_eq!((closed["status"].clone(), figure(&closed, "pledged_fen")), (json!("closed"), 0));
        let statuses: Vec<&str> = closed["pledges"].as_array().unwrap().iter().map(|pledge| pledge["status"].as_str().unwrap()).collect();
        assert_eq!(statuses, ["withdrawn", "lapsed"], "{other}");
        app.post(&path, &tang, json!({ "amount_fen": 100, "channel": "cash" })).await.expect_error(StatusCode::CONFLICT, "fund.campaign_closed");
    }

    async fn the_ledger_as_csv_opens_in_excel_and_names_no_one(app: &TestApp) {
        let juwei = app.token("juwei").await;
        let id = campaign(app).await;
        let pledged = pledge(app, &app.token("tang").await, id, json!({ "amount_fen": 123_456, "channel": "transfer" })).await;
        let pledge_id = pledged["pledge_id"].as_i64().unwrap();
        app.post(&format!("/api/v1/pledges/{pledge_id}/confirm"), &juwei, json!({})).await.expect(StatusCode::OK);
        let response = reqwest::get(app.url(&format!("/api/v1/campaigns/{id}/ledger.csv"))).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let bytes = response.bytes().await.unwrap();
        assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "a byte-order mark first");
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(reader.headers().unwrap().get(3), Some("金额（元）"));
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].get(0), rows[0].get(2), rows[0].get(3), rows[0].get(4)), (Some("1"), Some("捐款"), Some("1,234.56"), Some("唐**")));
        assert!(!text.contains("唐女士") && !text.contains("刘岭春"));

        // The same as an Excel workbook: the amount a number in yuan, the donor masked.
        let response = reqwest::get(app.url(&format!("/api/v1/campaigns/{id}/ledger.xlsx"))).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
        let bytes = response.bytes().await.unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let mut read = |name: &str| {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut archive.by_name(name).unwrap(), &mut text).unwrap();
            text
        };
        let strings = read("xl/sharedStrings.xml");
        let sheet = read("xl/worksheets/sheet1.xml");
        for shown in ["流浪猫绝育众筹", "捐款", "唐**", "金额（元）", "已筹 ¥1,234.56"] {
            assert!(strings.contains(shown), "{shown} not in the workbook: {strings}");
        }
        assert!(!strings.contains("唐女士"));
        assert!(sheet.contains("<v>1234.56</v>"), "the amount is a number: {sheet}");
    }
}

async fn upload_receipt(app: &TestApp, token: &str, expense: i64) -> (StatusCode, Value) {
    let form = reqwest::multipart::Form::new().part(
        "photo",
        reqwest::multipart::Part::bytes(crate::photos::phone_photo()).file_name("bill.jpg"),
    );
    let response = app
        .client
        .post(app.url(&format!("/api/v1/expenses/{expense}/receipts")))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

both_engines! {
    async fn receipts_are_public_with_their_expense_and_keep_no_metadata(app: &TestApp) {
        let (juwei, shuji, bao) = (app.token("juwei").await, app.token("shuji").await, app.token("bao").await);
        let id = campaign(app).await;
        let asked = app.post(&format!("/api/v1/campaigns/{id}/expenses"), &juwei,
            json!({ "amount_fen": 60_000, "payee": "爱宠动物医院", "purpose": "第一批 6 只绝育", "draft": true })).await;
        let expense = asked.expect(StatusCode::CREATED)["expenses"][0]["id"].as_i64().unwrap();

        // Only those who may ask for the expense add its receipts.
        let (status, _) = upload_receipt(app, &bao, expense).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, receipts) = upload_receipt(app, &juwei, expense).await;
        assert_eq!(status, StatusCode::CREATED, "{receipts}");
        let url = receipts[0]["url"].as_str().unwrap().to_owned();
        let thumbnail = receipts[0]["thumbnail_url"].as_str().unwrap().to_owned();

        // A draft's receipt is the office's; once sent for approval, anyone's.
        let anyone = reqwest::get(app.url(&url)).await.unwrap();
        assert_eq!(anyone.status(), StatusCode::NOT_FOUND);
        let office = app.client.get(app.url(&url)).bearer_auth(&shuji).send().await.unwrap();
        assert_eq!(office.status(), StatusCode::OK);
        app.post(&format!("/api/v1/expenses/{expense}/submit"), &juwei, json!({})).await.expect(StatusCode::OK);
        let seen = app.request(Method::GET, &format!("/api/v1/campaigns/{id}"), None, None).await;
        assert_eq!(seen.expect(StatusCode::OK)["expenses"][0]["receipts"][0]["url"], url.as_str());
        for address in [&url, &thumbnail] {
            let photo = reqwest::get(app.url(address)).await.unwrap();
            assert_eq!(photo.status(), StatusCode::OK);
            assert_eq!(photo.headers()["content-type"], "image/jpeg");
            let bytes = photo.bytes().await.unwrap();
            assert!(!bytes.windows(crate::photos::SECRET.len()).any(|window| window == crate::photos::SECRET), "the phone's position is gone");
        }
        // Not an image: refused, nothing added; a receipt of another expense is not found.
        let form = reqwest::multipart::Form::new().part("photo", reqwest::multipart::Part::bytes(b"%PDF-1.4".to_vec()).file_name("bill.pdf"));
        let refused = app.client.post(app.url(&format!("/api/v1/expenses/{expense}/receipts"))).bearer_auth(&juwei).multipart(form).send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let seen = app.request(Method::GET, &format!("/api/v1/campaigns/{id}"), None, None).await;
        assert_eq!(seen.expect(StatusCode::OK)["expenses"][0]["receipts"].as_array().unwrap().len(), 1);
        let wrong = url.replace(&format!("/expenses/{expense}/"), &format!("/expenses/{}/", expense + 1));
        assert_eq!(reqwest::get(app.url(&wrong)).await.unwrap().status(), StatusCode::NOT_FOUND);
        // Kept as given: the database refuses to remove one.
        assert!(raw_execute(app, "DELETE FROM fund_expense_receipts").await.is_err());
    }
}

both_engines! {
    async fn kept_totals_that_disagree_with_the_entries_are_shown_as_such(app: &TestApp) {
        let juwei = app.token("juwei").await;
        let id = campaign(app).await;
        let pledged = pledge(app, &app.token("tang").await, id, json!({ "amount_fen": 10_000, "channel": "transfer" })).await;
        let pledge_id = pledged["pledge_id"].as_i64().unwrap();
        app.post(&format!("/api/v1/pledges/{pledge_id}/confirm"), &juwei, json!({})).await.expect(StatusCode::OK);
        let community = app.chengshangcheng().await;
        let figures = listed_figures(app, community).await;
        assert_eq!((figures["raised_fen"].as_i64(), figures["balance_fen"].as_i64(), figures["consistent"].as_bool()), (Some(10_000), Some(10_000), Some(true)));

        // Someone changes a kept total behind the ledger's back: the entries still win,
        // and every view says the books disagree.
        raw_execute(app, "UPDATE fund_campaigns SET raised_fen = raised_fen + 1").await.unwrap();
        let figures = listed_figures(app, community).await;
        assert_eq!((figures["raised_fen"].as_i64(), figures["consistent"].as_bool()), (Some(10_000), Some(false)));
        assert_eq!(public(app, id).await["figures"]["consistent"], false);
        let page = reqwest::get(app.url(&format!("/campaigns/{id}"))).await.unwrap().text().await.unwrap();
        assert!(page.contains("id=\"campaign-inconsistent\""), "{page}");
    }
}

/// The figures of the community's first campaign, as its public list shows them.
async fn listed_figures(app: &TestApp, community: i64) -> Value {
    let path = format!("/api/v1/campaigns?community_id={community}");
    app.request(Method::GET, &path, None, None)
        .await
        .expect(StatusCode::OK)[0]["figures"]
        .clone()
}

/// Sends the same POST `count` times at once; the statuses.
async fn futures_join(app: &TestApp, path: &str, token: &str, count: usize) -> Vec<StatusCode> {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..count {
        let client = reqwest::Client::new();
        let url = app.url(path);
        let token = token.to_owned();
        tasks.spawn(async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&json!({}))
                .send()
                .await
                .unwrap()
                .status()
        });
    }
    let mut statuses = Vec::new();
    while let Some(status) = tasks.join_next().await {
        statuses.push(status.unwrap());
    }
    statuses
}
