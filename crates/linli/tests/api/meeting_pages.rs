//! The joint meeting's and the projects' pages over plain HTTP, as each role sees them:
//! the supervisor running a meeting from its page (agenda, attendance, decision, minutes,
//! close, correction), refused forms with the Chinese message beside the field and
//! nothing stored, what an invited resident, another resident and a resident of another
//! community see, and the projects' office and public pages (no names, phones, rooms or
//! vendor contacts for the public).

use crate::helpers::TestApp;
use crate::meetings::{act, escalated_report, organisation};
use crate::pages::{Visitor, assert_redirected, field_error, signed_in, submit};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn meeting_detail(app: &TestApp, id: i64) -> Value {
    let shuji = app.token("shuji").await;
    app.get(&format!("/api/v1/meetings/{id}"), &shuji)
        .await
        .expect(StatusCode::OK)
        .clone()
}

fn number_of(app_order: &Value) -> String {
    app_order["number"].as_i64().unwrap().to_string()
}

/// Calls the next meeting from the list page as the party secretary: its id.
async fn call_from_the_page(visitor: &mut Visitor<'_>) -> i64 {
    let page = submit(visitor, "/meetings", &[("kind", "next")]).await;
    assert_redirected(&page, "/meetings/");
    page.location
        .trim_start_matches("/meetings/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

both_engines! {
    async fn the_supervisor_runs_a_meeting_from_its_page(app: &TestApp) {
        let order = escalated_report(app, "bao", "high_altitude_throwing", "7", "7号楼高空抛物，楼下很危险").await;
        let duty = app.token("duty").await;
        let read = app.get(&format!("/api/v1/work-orders/{order}"), &duty).await;
        let number = number_of(read.expect(StatusCode::OK));
        let mut shuji = signed_in(app, "shuji").await;
        let list = shuji.get("/meetings").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.body.contains("召开下一次例会") && list.body.contains("例会设置"), "{}", list.body);
        assert!(list.body.contains("href=\"/meetings\""), "the staff nav leads here");
        let id = call_from_the_page(&mut shuji).await;
        let path = format!("/meetings/{id}");

        // Bad input on the agenda: the message beside the field, nothing stored.
        let page = submit(&mut shuji, &format!("{path}/items"), &[("work_order_number", "abc")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&page, "work_order_number").contains("须为整数"), "{}", page.body);
        let page = submit(&mut shuji, &format!("{path}/items"), &[("work_order_number", "9999")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&page, "work_order_number").contains("找不到该工单"));
        let page = submit(&mut shuji, &format!("{path}/items"), &[("title", "")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(!field_error(&page, "item_title").is_empty());
        assert!(meeting_detail(app, id).await["items"].as_array().unwrap().is_empty(), "nothing stored");

        // The escalated work order by its number, with what the meeting needs to know.
        let page = submit(&mut shuji, &format!("{path}/items"), &[("work_order_number", &number)]).await;
        assert_redirected(&page, &path);
        let page = submit(&mut shuji, &format!("{path}/items"), &[("title", "小区绿化养护"), ("notes", "业委会提出")]).await;
        assert_redirected(&page, &path);
        let page = shuji.get(&path).await;
        assert!(page.body.contains("高空抛物（7号楼）") && page.body.contains(&format!("#{number}")), "{}", page.body);
        assert!(page.body.contains("已 0 天") && page.body.contains("0 人附议"));
        let items = meeting_detail(app, id).await["items"].as_array().unwrap().clone();
        let (first, second) = (items[0]["id"].as_i64().unwrap(), items[1]["id"].as_i64().unwrap());
        // Reordered: the free item moves up.
        assert_redirected(&submit(&mut shuji, &format!("{path}/items/{second}/up"), &[]).await, &path);
        let titles: Vec<String> = meeting_detail(app, id).await["items"].as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap().to_owned()).collect();
        assert_eq!(titles, ["小区绿化养护", "高空抛物（7号楼）"]);
        assert_redirected(&submit(&mut shuji, &format!("{path}/items/{second}/withdraw"), &[]).await, &path);

        // Inviting: a resident with an account, and a vendor's engineer without one.
        let page = submit(&mut shuji, &format!("{path}/participants"), &[("name", ""), ("login", "nobody-here"), ("represents", "")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&page, "invite-login").contains("不是本居民区的成员"), "{}", page.body);
        assert_redirected(&submit(&mut shuji, &format!("{path}/participants"), &[("login", "li"), ("represents", "12号楼居民代表")]).await, &path);
        assert_redirected(&submit(&mut shuji, &format!("{path}/participants"), &[("name", "安防公司王工"), ("represents", "商家")]).await, &path);

        // Closing too early names what is missing, beside the button.
        let page = submit(&mut shuji, &format!("{path}/close"), &[]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        let missing = field_error(&page, "close");
        assert!(missing.contains("会议纪要") && missing.contains("出席情况"), "{missing}");

        // Attendance for everyone at the table.
        let participants = meeting_detail(app, id).await["participants"].as_array().unwrap().clone();
        let marks: Vec<(String, String)> = participants.iter().enumerate().map(|(index, p)| {
            (format!("attendance-{}", p["id"]), if index == 1 { "excused" } else { "present" }.to_owned())
        }).collect();
        let marks: Vec<(&str, &str)> = marks.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        assert_redirected(&submit(&mut shuji, &format!("{path}/attendance"), &marks).await, &path);
        let recorded = meeting_detail(app, id).await["participants"].as_array().unwrap().iter().filter(|p| p["attendance"].is_string()).count();
        assert_eq!(recorded, participants.len());

        // A decision that starts a project: a budget that is not money is refused beside
        // the field, and no project exists.
        let community = app.chengshangcheng().await;
        let wuye_org = organisation(app, community, "城上城物业服务中心").await.to_string();
        let decide = format!("{path}/items/{first}/decide");
        let decision = |budget: &'static str| vec![
            ("text", "由物业牵头，为高空抛物严重的楼栋加装探头"), ("lead_organisation_id", wuye_org.as_str()),
            ("action", "start_project"), ("project_title", "高空抛物楼栋加装探头"), ("purpose", "7号楼等楼栋加装高空探头"),
            ("budget", budget), ("funding", "public_income"), ("hold_work_orders", "on"), ("deadline", "2026-12-31T17:00"),
        ];
        for (budget, message) in [("三万", "须为金额"), ("-100", "不能为负数"), ("12.345", "须为金额")] {
            let page = submit(&mut shuji, &decide, &decision(budget)).await;
            assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{budget}");
            assert!(field_error(&page, &format!("budget-{first}")).contains(message), "{budget}: {}", page.body);
            assert!(page.body.contains("高空抛物楼栋加装探头"), "what was typed is kept");
        }
        let shuji_token = app.token("shuji").await;
        let projects = app.get(&format!("/api/v1/projects?community_id={community}"), &shuji_token).await;
        assert!(projects.expect(StatusCode::OK).as_array().unwrap().is_empty(), "no project stored");
        let page = submit(&mut shuji, &decide, &decision("36000.50")).await;
        assert_redirected(&page, &path);
        let projects = app.get(&format!("/api/v1/projects?community_id={community}"), &shuji_token).await;
        let project = projects.expect(StatusCode::OK)[0].clone();
        assert_eq!(project["budget_fen"], 3_600_050);
        let page = shuji.get(&path).await;
        assert!(page.body.contains(&format!("/projects/{}", project["id"])), "the decision links its project");
        let status = app.get(&format!("/api/v1/work-orders/{order}"), &duty).await;
        assert_eq!(status.expect(StatusCode::OK)["status"], "on_hold");

        // Minutes in Markdown, shown sanitised.
        let minutes = "## 决定\n\n- 物业牵头加装探头\n\n<script>alert('x')</script><img src=x onerror=alert(1)>";
        assert_redirected(&submit(&mut shuji, &format!("{path}/minutes"), &[("minutes", minutes)]).await, &path);
        let page = shuji.get(&path).await;
        let shown = page.body.split("id=\"minutes-text\">").nth(1).unwrap().split("</div>").next().unwrap();
        assert!(shown.contains("<h2>决定</h2>") && shown.contains("<li>物业牵头加装探头</li>"), "{shown}");
        assert!(!shown.contains("<script") && !shown.contains("onerror") && !page.body.contains("<script>alert"), "{shown}");

        // Closed: read-only minutes, corrections appended, signed and dated.
        assert_redirected(&submit(&mut shuji, &format!("{path}/close"), &[]).await, &path);
        let page = shuji.get(&path).await;
        assert!(page.body.contains("已结束") && !page.body.contains("id=\"minutes-form\""));
        let page = submit(&mut shuji, &format!("{path}/minutes"), &[("minutes", "改写")]).await;
        assert_eq!(page.status, StatusCode::CONFLICT);
        let page = submit(&mut shuji, &format!("{path}/corrections"), &[("text", "")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&page, "correction").contains("更正说明"), "{}", page.body);
        assert_redirected(&submit(&mut shuji, &format!("{path}/corrections"), &[("text", "探头数量更正为 12 个")]).await, &path);
        let page = shuji.get(&path).await;
        assert!(page.body.contains("探头数量更正为 12 个") && page.body.contains("季云 · 10月27日"), "{}", page.body);

        // A form without the token changes nothing.
        let page = shuji.post(&format!("{path}/corrections"), &[("csrf", "forged"), ("text", "伪造")]).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        assert!(!shuji.get(&path).await.body.contains("伪造"));
    }

    async fn series_and_extra_meetings_from_the_list(app: &TestApp) {
        let mut duty = signed_in(app, "duty").await;
        let page = submit(&mut duty, "/meetings/series", &[("weekday", "3"), ("start_time", "25:00"), ("duration_minutes", "90"), ("place", "10号楼 M2")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(!field_error(&page, "series-time").is_empty(), "{}", page.body);
        let page = submit(&mut duty, "/meetings/series", &[("weekday", "3"), ("start_time", "09:30"), ("duration_minutes", "九十"), ("place", "10号楼 M2")]).await;
        assert!(field_error(&page, "series-duration").contains("须为整数"));
        assert_redirected(&submit(&mut duty, "/meetings/series", &[("weekday", "3"), ("start_time", "09:30"), ("duration_minutes", "60"), ("place", "10号楼 M2")]).await, "/meetings?done=series");
        assert!(duty.get("/meetings").await.body.contains("例会：每周三 09:30，10号楼 M2"));
        // An extra meeting in the past is refused beside its time; a future one is called.
        let page = submit(&mut duty, "/meetings", &[("kind", "extra"), ("starts_at", "2026-10-01T10:00")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&page, "extra-starts").contains("不能早于现在"), "{}", page.body);
        let page = submit(&mut duty, "/meetings", &[("kind", "extra"), ("starts_at", "2026-10-30T15:00"), ("place", "下沉式小广场"), ("title", "流浪猫问题专题会")]).await;
        assert_redirected(&page, "/meetings/");
        let meeting = duty.get(&page.location).await;
        assert!(meeting.body.contains("流浪猫问题专题会") && meeting.body.contains("10月30日 15:00") && meeting.body.contains("下沉式小广场"));
        // A handler reads meetings but runs none: no forms.
        let mut wuye = signed_in(app, "wuye").await;
        let list = wuye.get("/meetings").await;
        assert!(list.body.contains("流浪猫问题专题会") && !list.body.contains("召开下一次例会"));
        let meeting = wuye.get(&page.location).await;
        assert_eq!(meeting.status, StatusCode::OK);
        assert!(!meeting.body.contains("add-item-form"));
    }

    async fn an_invited_resident_sees_only_their_part(app: &TestApp) {
        let bao_order = escalated_report(app, "bao", "high_altitude_throwing", "7", "7号楼高空抛物").await;
        let tang_order = escalated_report(app, "tang", "stray_animals", "9", "9号楼有人从楼上扔猫粮").await;
        let mut shuji = signed_in(app, "shuji").await;
        let id = call_from_the_page(&mut shuji).await;
        let path = format!("/meetings/{id}");
        let duty = app.token("duty").await;
        for order in [bao_order, tang_order] {
            let read = app.get(&format!("/api/v1/work-orders/{order}"), &duty).await;
            let number = number_of(read.expect(StatusCode::OK));
            assert_redirected(&submit(&mut shuji, &format!("{path}/items"), &[("work_order_number", &number)]).await, &path);
        }
        assert_redirected(&submit(&mut shuji, &format!("{path}/participants"), &[("login", "tang"), ("represents", "9号楼居民")]).await, &path);

        let mut tang = signed_in(app, "tang").await;
        let home = tang.get("/").await;
        assert!(home.body.contains("我的会议") && home.body.contains(&format!("/meetings/{id}")), "{}", home.body);
        let page = tang.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("10月29日 14:00") && page.body.contains("合署办公服务中心"));
        assert!(page.body.contains("流浪动物（9号楼）"), "her own item");
        assert!(!page.body.contains("高空抛物") && !page.body.contains("包爷叔") && !page.body.contains("7号楼"), "nothing of the others' items: {}", page.body);
        assert!(page.body.contains("其他议题"));
        assert!(!page.body.contains("minutes-form") && !page.body.contains("add-item-form") && !page.body.contains("会议纪要"));
        // She cannot run it.
        let before = meeting_detail(app, id).await["items"].as_array().unwrap().len();
        let page = submit(&mut tang, &format!("{path}/items"), &[("title", "我加的议题")]).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        assert_eq!(meeting_detail(app, id).await["items"].as_array().unwrap().len(), before);
        // 我的会议 lists it; an uninvited neighbour and another community see nothing.
        assert!(tang.get("/meetings").await.body.contains(&path));
        let mut li = signed_in(app, "li").await;
        assert_eq!(li.get(&path).await.status, StatusCode::NOT_FOUND);
        assert!(!li.get("/meetings").await.body.contains(&path));
        let mut zhou = signed_in(app, "zhou").await;
        let page = zhou.get(&path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert!(!page.body.contains("合署办公服务中心"));
        let mut anonymous = Visitor::new(app);
        let page = anonymous.get(&path).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        assert!(page.location.starts_with("/signin"));
    }

    async fn project_pages_for_the_office_the_public_and_residents(app: &TestApp) {
        let order = escalated_report(app, "bao", "high_altitude_throwing", "7", "7号楼高空抛物").await;
        let community = app.chengshangcheng().await;
        let shuji = app.token("shuji").await;
        let meeting = crate::meetings::next_meeting(app).await;
        let meeting_id = meeting["id"].as_i64().unwrap();
        let item = app.post(&format!("/api/v1/meetings/{meeting_id}/items"), &shuji, json!({ "work_order_id": order })).await;
        let item = item.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        let wuye_org = organisation(app, community, "城上城物业服务中心").await;
        let decided = app.post(&format!("/api/v1/meetings/{meeting_id}/items/{item}/decision"), &shuji, json!({
            "text": "加装探头", "lead_organisation_id": wuye_org, "action": "start_project", "hold_work_orders": true,
            "project": { "title": "高空抛物楼栋加装探头", "purpose": "7号楼等楼栋加装高空探头", "budget_fen": 3_600_000, "funding_sources": ["public_income"] },
        })).await;
        let project = decided.expect(StatusCode::OK)["project_id"].as_i64().unwrap();
        let path = format!("/projects/{project}");

        let mut duty = signed_in(app, "duty").await;
        let list = duty.get("/projects").await;
        assert!(list.body.contains("高空抛物楼栋加装探头") && list.body.contains("¥36,000.00"), "{}", list.body);
        // Quotes typed in yuan; not money is refused beside the field, nothing stored.
        for (price, message) in [("一百二", "须为金额"), ("-120", "不能为负数"), ("120.505", "须为金额")] {
            let page = submit(&mut duty, &format!("{path}/quote"), &[("vendor", "安居智能安防"), ("contact", "13912345678"), ("unit_price", price), ("quantity", "12")]).await;
            assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{price}");
            assert!(field_error(&page, "quote-price").contains(message), "{price}: {}", page.body);
        }
        let page = submit(&mut duty, &format!("{path}/quote"), &[("vendor", "安居智能安防"), ("contact", "13912345678"), ("unit_price", "3000"), ("quantity", "0")]).await;
        assert!(field_error(&page, "quote-quantity").contains("1 至 1,000,000"), "{}", page.body);
        let read = app.get(&format!("/api/v1/projects/{project}"), &shuji).await;
        assert!(read.expect(StatusCode::OK)["quotes"].as_array().unwrap().is_empty(), "nothing stored");
        assert_redirected(&submit(&mut duty, &format!("{path}/quote"), &[("vendor", "安居智能安防"), ("contact", "13912345678"), ("unit_price", "2980.50"), ("quantity", "12"), ("terms", "含安装，保修两年")]).await, &path);
        assert_redirected(&submit(&mut duty, &format!("{path}/quote"), &[("vendor", "明亮监控"), ("contact", "王经理 13700001111"), ("unit_price", "3200"), ("quantity", "12")]).await, &path);
        let quotes = app.get(&format!("/api/v1/projects/{project}"), &shuji).await.expect(StatusCode::OK)["quotes"].clone();
        assert_eq!((quotes[0]["unit_price_fen"].as_i64(), quotes[0]["total_fen"].as_i64()), (Some(298_050), Some(3_576_600)));
        let chosen = quotes[0]["id"].to_string();
        let page = submit(&mut duty, &format!("{path}/choose"), &[("quote_id", &chosen), ("reason", "价格最低，含安装"), ("agreed_price", "abc")]).await;
        assert!(field_error(&page, "choose-price").contains("须为金额"));
        assert_redirected(&submit(&mut duty, &format!("{path}/choose"), &[("quote_id", &chosen), ("reason", "价格最低，含安装"), ("agreed_price", "35000")]).await, &path);
        // Milestones: an end before the start is refused beside it.
        let page = submit(&mut duty, &format!("{path}/milestone"), &[("title", "7号楼安装"), ("planned_start", "2026-11-18"), ("planned_end", "2026-11-10"), ("quantity", "4")]).await;
        assert!(field_error(&page, "planned-end").contains("结束日期不能早于开始日期"), "{}", page.body);
        assert_redirected(&submit(&mut duty, &format!("{path}/milestone"), &[("title", "7号楼安装"), ("planned_start", "2026-11-16"), ("planned_end", "2026-11-18"), ("quantity", "4")]).await, &path);
        let milestone = app.get(&format!("/api/v1/projects/{project}"), &shuji).await.expect(StatusCode::OK)["milestones"][0]["id"].to_string();
        let page = submit(&mut duty, &format!("{path}/milestone_done"), &[("milestone_id", &milestone), ("actual_start", "2026-11-18"), ("actual_end", "2026-11-17")]).await;
        assert!(field_error(&page, &format!("actual-end-{milestone}")).contains("结束日期不能早于开始日期"));
        assert_redirected(&submit(&mut duty, &format!("{path}/milestone_done"), &[("milestone_id", &milestone), ("actual_start", "2026-11-18"), ("actual_end", "2026-11-18")]).await, &path);
        let page = submit(&mut duty, &format!("{path}/update"), &[("text", "7号楼探头已安装"), ("percent_done", "150")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_redirected(&submit(&mut duty, &format!("{path}/update"), &[("text", "7号楼探头已安装"), ("percent_done", "60")]).await, &path);
        let page = duty.get(&path).await;
        assert!(page.body.contains("¥2,980.50") && page.body.contains("¥35,000.00") && page.body.contains("13912345678") && page.body.contains("60%"), "{}", page.body);

        // A resident of the community recommends a vendor from the public page.
        let mut tang = signed_in(app, "tang").await;
        let public = tang.get(&format!("/public/projects/{project}")).await;
        assert!(public.body.contains("id=\"recommend\""), "{}", public.body);
        let page = submit(&mut tang, &format!("/public/projects/{project}/recommend"), &[("vendor", "小区门口五金店"), ("contact", "唐女士介绍 13800000009"), ("unit_price", "两千"), ("quantity", "12")]).await;
        assert!(field_error(&page, "quote-price").contains("须为金额"));
        assert_redirected(&submit(&mut tang, &format!("/public/projects/{project}/recommend"), &[("vendor", "小区门口五金店"), ("contact", "13800000009"), ("unit_price", "2500"), ("quantity", "12")]).await, &format!("/public/projects/{project}"));
        assert!(duty.get(&path).await.body.contains("居民推荐：唐女士"), "the office sees who recommended");
        // A resident's own /projects/{id} is the public page.
        assert_redirected(&tang.get(&path).await, &format!("/public/projects/{project}"));
        // Another community's resident may not recommend.
        let mut zhou = signed_in(app, "zhou").await;
        let public = zhou.get(&format!("/public/projects/{project}")).await;
        assert!(!public.body.contains("id=\"recommend\""));
        let page = submit(&mut zhou, &format!("/public/projects/{project}/recommend"), &[("vendor", "外来商家"), ("unit_price", "1"), ("quantity", "1")]).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);

        // The public, without signing in: what was decided, the vendor and price, the
        // progress — no names, phones, rooms, contacts or recommenders.
        let mut anonymous = Visitor::new(app);
        let list = anonymous.get(&format!("/public/communities/{community}/projects")).await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.body.contains(&format!("/public/projects/{project}")));
        let public = anonymous.get(&format!("/public/projects/{project}")).await;
        assert_eq!(public.status, StatusCode::OK);
        for shown in ["高空抛物楼栋加装探头", "安居智能安防", "¥35,000.00", "价格最低，含安装", "7号楼安装", "2026-11-18", "7号楼探头已安装", "加装探头", "小区门口五金店"] {
            assert!(public.body.contains(shown), "{shown} is public: {}", public.body);
        }
        for hidden in ["13912345678", "13700001111", "13800000009", "唐女士", "包爷叔", "季云", "张承一", "居民推荐", "王经理"] {
            assert!(!public.body.contains(hidden), "{hidden} is not public");
        }
        assert!(!crate::helpers::names_room(&public.body, "302"), "the room is not public: {}", public.body);
        assert!(public.body.contains("登录后可以推荐商家"));
        // A proposal (not yet approved) is not public.
        let duty_token = app.token("duty").await;
        let proposal = app.post("/api/v1/projects", &duty_token, json!({ "community_id": community, "title": "草案", "purpose": "内部讨论", "owner_organisation_id": wuye_org, "budget_fen": 100 })).await;
        let proposal = proposal.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        assert_eq!(anonymous.get(&format!("/public/projects/{proposal}")).await.status, StatusCode::NOT_FOUND);

        // The reporter sees the project on their work order, linked to its public page.
        let mut bao = signed_in(app, "bao").await;
        let page = bao.get(&format!("/orders/{order}")).await;
        assert!(page.body.contains("所属项目") && page.body.contains(&format!("/public/projects/{project}")) && page.body.contains("7号楼探头已安装") && page.body.contains("7号楼安装"), "{}", page.body);

        // Completing it from its page resolves the origin work order.
        let page = submit(&mut duty, &format!("{path}/complete"), &[("text", "")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(!field_error(&page, "move-text-complete").is_empty());
        assert_redirected(&submit(&mut duty, &format!("{path}/complete"), &[("text", "探头已全部安装并接入监控室")]).await, &path);
        let read = app.get(&format!("/api/v1/work-orders/{order}"), &duty_token).await;
        assert_eq!(read.expect(StatusCode::OK)["status"], "resolved");
        assert!(bao.get(&format!("/orders/{order}")).await.body.contains("已完成"));
        // Once completed no more forms.
        assert!(!duty.get(&path).await.body.contains("id=\"quote\""));
        let _ = act;
    }
}
