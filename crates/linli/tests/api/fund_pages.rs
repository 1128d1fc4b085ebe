//! The crowdfunding pages over plain HTTP, as each role sees them: the supervisor starts
//! a campaign (bad input named beside the field, nothing stored), a resident pledges
//! from the page, the desk takes cash and gets its numbered slip, the treasurer
//! confirms, refunds and reverses, an expense goes from request to payment; the public
//! page names no donor, and no one sees a form that is not theirs.

use crate::helpers::TestApp;
use crate::pages::{Visitor, assert_redirected, field_error, signed_in, submit};
use reqwest::{Method, StatusCode};
use serde_json::Value;

async fn public(app: &TestApp, id: i64) -> Value {
    let seen = app
        .request(Method::GET, &format!("/api/v1/campaigns/{id}"), None, None)
        .await;
    seen.expect(StatusCode::OK).clone()
}

fn figure(detail: &Value, name: &str) -> i64 {
    detail["figures"][name].as_i64().unwrap()
}

/// The supervisor starts the TNR campaign from the list page, kept by 张海燕 of the
/// 居委会: its id.
async fn start(shuji: &mut Visitor<'_>) -> i64 {
    let list = shuji.get("/campaigns").await;
    assert_eq!(list.status, StatusCode::OK);
    let treasurer = {
        let marker = "（城上城居委会）";
        let end = list
            .body
            .find(marker)
            .expect("the 居委会's handlers are offered");
        let option = &list.body[..end];
        let value_at = option.rfind("value=\"").unwrap() + "value=\"".len();
        option[value_at..].split('"').next().unwrap().to_owned()
    };
    let page = submit(
        shuji,
        "/campaigns",
        &[
            ("title", "流浪猫绝育众筹"),
            ("purpose", "给小区流浪猫做绝育（TNR）"),
            ("target", "4000"),
            ("deadline", "2026-12-31"),
            ("treasurer", &treasurer),
            ("project_id", ""),
            (
                "how_to_give",
                "合署办公服务中心前台现金，或转账至居委会账户",
            ),
        ],
    )
    .await;
    assert_redirected(&page, "/campaigns/");
    page.location
        .trim_start_matches("/campaigns/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

both_engines! {
    async fn a_campaign_from_the_start_form_to_the_public_ledger(app: &TestApp) {
        let mut shuji = signed_in(app, "shuji").await;
        let list = shuji.get("/campaigns").await;
        assert!(list.body.contains("发起众筹") && list.body.contains("href=\"/campaigns\""), "{}", list.body);

        // Bad input: each message beside its field, nothing stored.
        let page = submit(&mut shuji, "/campaigns", &[
            ("title", ""), ("purpose", "x"), ("target", "12.345"), ("deadline", "2020-01-01"),
            ("treasurer", "0:0"), ("project_id", ""), ("how_to_give", ""),
        ]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", page.body);
        assert!(field_error(&page, "start-target").contains("分"), "{}", page.body);
        assert!(page.body.contains("aria-invalid=\"true\""));
        let page = submit(&mut shuji, "/campaigns", &[
            ("title", ""), ("purpose", "x"), ("target", "100"), ("deadline", "2020-01-01"),
            ("treasurer", "0:0"), ("project_id", ""), ("how_to_give", ""),
        ]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(!field_error(&page, "start-title").is_empty());
        assert!(field_error(&page, "start-deadline").contains("不能早于今天"), "{}", page.body);
        assert!(!field_error(&page, "start-treasurer").is_empty(), "{}", page.body);
        let community = app.chengshangcheng().await;
        let listed = app.request(Method::GET, &format!("/api/v1/campaigns?community_id={community}"), None, None).await;
        assert_eq!(listed.expect(StatusCode::OK).as_array().map(Vec::len), Some(0), "nothing stored");

        let id = start(&mut shuji).await;
        let path = format!("/campaigns/{id}");

        // 唐女士 pledges from her phone; a fraction of a fen is refused beside the amount.
        let mut tang = signed_in(app, "tang").await;
        let page = tang.get(&path).await;
        assert!(page.body.contains("id=\"pledge\"") && !page.body.contains("id=\"cash\""), "{}", page.body);
        let page = submit(&mut tang, &format!("{path}/pledge"), &[("amount", "12.345"), ("channel", "transfer")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&page, "pledge-amount").contains("精确到分"), "{}", page.body);
        assert_eq!(page.body.matches("value=\"12.345\"").count(), 1, "what she typed is kept");
        assert_eq!(figure(&public(app, id).await, "pledged_fen"), 0, "nothing stored");
        let page = submit(&mut tang, &format!("{path}/pledge"), &[("amount", "200"), ("channel", "transfer")]).await;
        assert_redirected(&page, &format!("{path}?done=pledge"));
        let page = tang.get(&path).await;
        assert!(page.body.contains("我的认捐") && page.body.contains("待到账") && page.body.contains("¥200.00"), "{}", page.body);

        // The desk takes cash from a visitor and prints the numbered slip.
        let mut desk = signed_in(app, "desk").await;
        let page = submit(&mut desk, &format!("{path}/cash"), &[("donor_name", ""), ("amount", "50")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(!field_error(&page, "cash-donor").is_empty());
        let page = submit(&mut desk, &format!("{path}/cash"), &[("donor_name", "王阿姨"), ("amount", "50.50")]).await;
        assert_redirected(&page, "/pledges/");
        let slip_path = page.location.clone();
        let slip = desk.get(&slip_path).await;
        assert_eq!(slip.status, StatusCode::OK);
        for shown in ["No. 0001", "王阿姨", "王**", "¥50.50", "汤守英", "张海燕"] {
            assert!(slip.body.contains(shown), "{shown} not on the slip: {}", slip.body);
        }
        // Another resident cannot open the visitor's slip.
        assert_eq!(tang.get(&slip_path).await.status, StatusCode::NOT_FOUND);

        // The treasurer confirms both; the desk sees the pledges but cannot confirm.
        let page = desk.get(&path).await;
        assert!(page.body.contains("认捐记录") && !page.body.contains("确认到账"), "{}", page.body);
        let mut juwei = signed_in(app, "juwei").await;
        let page = juwei.get(&path).await;
        let pledge_ids: Vec<String> = page.body.match_indices("id=\"pledge-row-").map(|(at, _)| {
            page.body[at + "id=\"pledge-row-".len()..].split('"').next().unwrap().to_owned()
        }).collect();
        assert_eq!(pledge_ids.len(), 2, "{}", page.body);
        for pledge in &pledge_ids {
            assert_redirected(&submit(&mut juwei, &format!("{path}/confirm"), &[("pledge_id", pledge)]).await, &path);
        }
        // Confirmed twice: the second is refused beside the pledges, nothing counted twice.
        let page = submit(&mut juwei, &format!("{path}/confirm"), &[("pledge_id", &pledge_ids[0])]).await;
        assert_eq!(page.status, StatusCode::CONFLICT);
        assert!(page.body.contains("已确认、撤回或失效"), "{}", page.body);
        let seen = public(app, id).await;
        assert_eq!((figure(&seen, "raised_fen"), figure(&seen, "pledged_fen")), (25_050, 0));
        // 唐女士 cannot withdraw what has arrived: told so beside her own pledges.
        let hers = app.get(&format!("/api/v1/campaigns/{id}"), &app.token("tang").await).await;
        let hers = hers.expect(StatusCode::OK)["mine"][0]["id"].as_i64().unwrap().to_string();
        let page = submit(&mut tang, &format!("{path}/withdraw"), &[("pledge_id", &hers)]).await;
        assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.body);
        let mine = &page.body[page.body.find("id=\"mine\"").unwrap()..];
        assert!(mine.contains("已确认、撤回或失效"), "{mine}");

        // The public page: figures and every entry, donors masked, no forms, no pledges.
        let mut anyone = Visitor::new(app);
        let page = anyone.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("¥250.50") && page.body.contains("唐**") && page.body.contains("王**"), "{}", page.body);
        for private in ["唐女士", "王阿姨", "汤守英", "13800000009", "id=\"pledge\"", "id=\"cash\"", "认捐记录"] {
            assert!(!page.body.contains(private), "{private} on the public page");
        }
        assert!(page.body.contains("登录后捐款"));
        let public_list = anyone.get(&format!("/public/communities/{community}/campaigns")).await;
        assert!(public_list.body.contains("流浪猫绝育众筹") && public_list.body.contains("6%"), "{}", public_list.body);
    }

    async fn expenses_refunds_and_reversals_from_the_page(app: &TestApp) {
        let mut shuji = signed_in(app, "shuji").await;
        let id = start(&mut shuji).await;
        let path = format!("/campaigns/{id}");
        let mut tang = signed_in(app, "tang").await;
        assert_redirected(&submit(&mut tang, &format!("{path}/pledge"), &[("amount", "100"), ("channel", "transfer")]).await, &path);
        let mut juwei = signed_in(app, "juwei").await;
        let page = juwei.get(&path).await;
        let at = page.body.find("id=\"pledge-row-").unwrap() + "id=\"pledge-row-".len();
        let pledge_id = page.body[at..].split('"').next().unwrap().to_owned();
        assert_redirected(&submit(&mut juwei, &format!("{path}/confirm"), &[("pledge_id", &pledge_id)]).await, &path);

        // The treasurer asks for ¥120 against ¥100 in hand; the supervisor must say why.
        assert_redirected(&submit(&mut juwei, &format!("{path}/expense"), &[("amount", "120"), ("payee", "爱宠动物医院"), ("purpose", "第一批绝育 1 只")]).await, &path);
        let expense = public(app, id).await["expenses"][0]["id"].as_i64().unwrap().to_string();
        let page = juwei.get(&path).await;
        assert!(!page.body.contains("formaction"), "the one who asked does not approve");
        let page = submit(&mut shuji, &format!("{path}/approve"), &[("expense_id", &expense), ("reason", "")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", page.body);
        assert!(field_error(&page, &format!("expense-{expense}-reason")).contains("超出"), "{}", page.body);
        assert_redirected(&submit(&mut shuji, &format!("{path}/approve"), &[("expense_id", &expense), ("reason", "医院同意先垫付，差额由第二批捐款补足")]).await, &path);
        assert_redirected(&submit(&mut juwei, &format!("{path}/pay"), &[("expense_id", &expense)]).await, &path);
        let seen = public(app, id).await;
        assert_eq!((figure(&seen, "spent_fen"), figure(&seen, "balance_fen")), (12_000, -2_000));
        // The clinic's bill, photographed: shown with the expense to anyone.
        let form = reqwest::multipart::Form::new()
            .text("csrf", juwei.csrf())
            .part("photos", reqwest::multipart::Part::bytes(crate::photos::phone_photo()).file_name("bill.jpg"));
        let uploaded = juwei.client.post(app.url(&format!("{path}/expenses/{expense}/receipts")))
            .header(reqwest::header::COOKIE, juwei.cookie_header()).multipart(form).send().await.unwrap();
        assert_eq!(uploaded.status(), StatusCode::SEE_OTHER);
        let page = Visitor::new(app).get(&path).await;
        assert!(page.body.contains("爱宠动物医院") && page.body.contains("超额批准理由"), "{}", page.body);
        assert!(page.body.contains(&format!("src=\"/api/v1/expenses/{expense}/receipts/")) && page.body.contains("alt=\"收据 1\""), "{}", page.body);
        assert!(!page.body.contains("receipt-form"), "the public adds no receipts");

        // A reversal of entry 2 (the expense), from the page's 1-based numbers.
        let page = submit(&mut juwei, &format!("{path}/correct"), &[("entry_seq", "0"), ("reason", "录错")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(!field_error(&page, "correct-seq").is_empty());
        assert_redirected(&submit(&mut juwei, &format!("{path}/correct"), &[("entry_seq", "2"), ("reason", "付款退回，重新走流程")]).await, &path);
        let seen = public(app, id).await;
        assert_eq!((figure(&seen, "spent_fen"), figure(&seen, "balance_fen")), (0, 10_000));
        let page = juwei.get(&path).await;
        assert!(page.body.contains("冲正第 2 笔：付款退回，重新走流程") && page.body.contains("已冲正"), "{}", page.body);

        // A refund of more than the pledge is refused beside the amount; a part of it is kept.
        let page = submit(&mut juwei, &format!("{path}/refund"), &[("pledge_id", &pledge_id), ("amount", "150"), ("reason", "捐多了")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&page, "refund-amount").contains("退款不能超过"), "{}", page.body);
        assert_redirected(&submit(&mut juwei, &format!("{path}/refund"), &[("pledge_id", &pledge_id), ("amount", "30"), ("reason", "捐多了")]).await, &path);
        let seen = public(app, id).await;
        assert_eq!((figure(&seen, "refunded_fen"), figure(&seen, "balance_fen")), (3_000, 7_000));
        assert_eq!(seen["entries"].as_array().unwrap().len(), 4, "donation, expense, reversal, refund");

        // Closing: only the supervisor has the form; then no one can pledge.
        assert!(!juwei.get(&path).await.body.contains("id=\"close\""));
        assert_redirected(&submit(&mut shuji, &format!("{path}/close"), &[]).await, &path);
        let page = tang.get(&path).await;
        assert!(page.body.contains("已结束") && !page.body.contains("id=\"pledge\""), "{}", page.body);
        let page = submit(&mut tang, &format!("{path}/pledge"), &[("amount", "10"), ("channel", "transfer")]).await;
        assert_eq!(page.status, StatusCode::CONFLICT);
        assert!(page.body.contains("已结束"));
    }

    async fn each_role_sees_only_its_own_forms(app: &TestApp) {
        let mut shuji = signed_in(app, "shuji").await;
        let id = start(&mut shuji).await;
        let path = format!("/campaigns/{id}");
        let mut li = signed_in(app, "li").await;
        assert_redirected(&submit(&mut li, &format!("{path}/pledge"), &[("amount", "30"), ("channel", "qr_code"), ("anonymous", "on")]).await, &path);
        for (login, pledge, cash, pledges, confirm, expense, close) in [
            ("tang", true, false, false, false, false, false),
            ("desk", true, true, true, false, false, false),
            ("juwei", true, false, true, true, true, false),
            ("shuji", true, true, true, false, true, true),
            ("zhou", false, false, false, false, false, false),
        ] {
            let mut visitor = signed_in(app, login).await;
            let page = visitor.get(&path).await;
            assert_eq!(page.status, StatusCode::OK, "{login}");
            let has = |marker: &str| page.body.contains(marker);
            assert_eq!(has("id=\"pledge\""), pledge, "{login}: pledge");
            assert_eq!(has("id=\"cash\""), cash, "{login}: cash");
            assert_eq!(has("id=\"pledge-table\""), pledges, "{login}: pledges");
            assert_eq!(has("/confirm\""), confirm, "{login}: confirm");
            assert_eq!(has("id=\"expense\""), expense, "{login}: expense");
            assert_eq!(has("id=\"close\""), close, "{login}: close");
            // 小李 gave anonymously: only the office sees her name, and says so.
            assert_eq!(has("小李"), pledges, "{login}: the donor's name");
            assert_eq!(has("小李（匿名）"), pledges, "{login}: marked as anonymous");
        }
        // The list page: only the supervisor starts a campaign; a resident sees the list.
        let page = li.get("/campaigns").await;
        assert!(page.body.contains("流浪猫绝育众筹") && !page.body.contains("id=\"start\""));
        let page = submit(&mut li, "/campaigns", &[("title", "x")]).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        // A resident cannot confirm: refused, nothing counted.
        let mut tang = signed_in(app, "tang").await;
        let pledges = app.get(&format!("/api/v1/campaigns/{id}"), &app.token("juwei").await).await;
        let pledge = pledges.expect(StatusCode::OK)["pledges"][0]["id"].as_i64().unwrap().to_string();
        let page = submit(&mut tang, &format!("{path}/confirm"), &[("pledge_id", &pledge)]).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        assert_eq!(figure(&public(app, id).await, "raised_fen"), 0);
    }
}
