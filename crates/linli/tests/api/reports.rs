//! The monthly report through HTTP: the workbook is read back with an independent
//! reader (calamine) and every figure is checked against the statistics API; its
//! breakdowns add up to the totals; residents' words come anonymised; bad months and
//! callers are refused with stable codes.

use crate::helpers::TestApp;
use crate::meetings::organisation;
use crate::pages::signed_in;
use calamine::{Data, Reader, Xlsx};
use reqwest::StatusCode;
use serde_json::{Value, json};

const SHEETS: [&str; 9] = [
    "汇总",
    "按类别",
    "按责任方",
    "按楼栋",
    "按网格",
    "近十二个月",
    "超期清单",
    "居民评价",
    "本月项目",
];
/// The count columns of a breakdown, in the workbook's order, as the API names them.
const COUNTS: [&str; 10] = [
    "created",
    "dispatched",
    "signed",
    "signed_in_time",
    "resolved",
    "accepted",
    "rated",
    "satisfied",
    "reopened",
    "cancelled",
];
const RATES: [&str; 3] = ["response_rate", "resolution_rate", "satisfaction_rate"];

async fn download(app: &TestApp, token: &str, query: &str) -> (StatusCode, Vec<u8>, String) {
    let response = app
        .client
        .get(app.url(&format!("/api/v1/reports/monthly.xlsx?{query}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let disposition = response
        .headers()
        .get("content-disposition")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (
        status,
        response.bytes().await.unwrap().to_vec(),
        disposition,
    )
}

fn rows(workbook: &mut Xlsx<std::io::Cursor<Vec<u8>>>, sheet: &str) -> Vec<Vec<Data>> {
    let range = workbook.worksheet_range(sheet).unwrap();
    range.rows().map(<[Data]>::to_vec).collect()
}

fn number(cell: &Data) -> f64 {
    match cell {
        Data::Float(value) => *value,
        Data::Int(value) => *value as f64,
        other => panic!("{other:?} is not a number"),
    }
}

fn text(cell: &Data) -> String {
    match cell {
        Data::String(value) => value.clone(),
        other => panic!("{other:?} is not text"),
    }
}

/// A breakdown sheet against the API's slices: each row's counts and rates, and the
/// 合计 row against the totals.
fn check_breakdown(sheet: &[Vec<Data>], slices: &Value, totals: &Value) {
    let slices = slices.as_array().unwrap();
    assert_eq!(
        sheet.len(),
        slices.len() + 2,
        "a heading, the rows and 合计"
    );
    for (row, slice) in sheet[1..].iter().zip(slices) {
        assert_eq!(text(&row[0]), slice["name"].as_str().unwrap());
        for (column, name) in COUNTS.iter().enumerate() {
            assert_eq!(
                number(&row[column + 1]),
                slice[name].as_f64().unwrap(),
                "{} {name}",
                slice["name"]
            );
        }
        for (column, name) in RATES.iter().enumerate() {
            match slice[name].as_f64() {
                Some(rate) => assert!((number(&row[column + 11]) - rate).abs() < 1e-9, "{name}"),
                None => assert_eq!(
                    row.get(column + 11).cloned().unwrap_or(Data::Empty),
                    Data::Empty,
                    "{name}"
                ),
            }
        }
    }
    let total = sheet.last().unwrap();
    assert_eq!(text(&total[0]), "合计");
    for (column, name) in COUNTS.iter().enumerate() {
        assert_eq!(
            number(&total[column + 1]),
            totals[name].as_f64().unwrap(),
            "合计 {name}"
        );
    }
}

both_engines! {
    async fn the_workbook_says_what_the_statistics_say(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let (bao, duty, wuye, shuji) = (app.token("bao").await, app.token("duty").await, app.token("wuye").await, app.token("shuji").await);
        let property = organisation(app, community, "城上城物业服务中心").await;
        let report = |token: &str, category: &str, description: &str| {
            let body = json!({ "category": category, "description": description });
            let token = token.to_owned();
            async move { app.post("/api/v1/work-orders", &token, body).await.expect(StatusCode::CREATED)["id"].as_i64().unwrap() }
        };
        let act = |id: i64, token: &str, action: &str, body: Value| {
            let path = format!("/api/v1/work-orders/{id}/actions/{action}");
            let token = token.to_owned();
            async move { app.post(&path, &token, body).await.expect(StatusCode::OK).clone() }
        };
        // One closed with a comment naming a neighbour, one in progress, one waiting.
        let done = report(&bao, "noise", "楼下广场舞太吵").await;
        act(done, &duty, "dispatch", json!({ "lead_organisation_id": property })).await;
        act(done, &wuye, "sign", json!({})).await;
        act(done, &wuye, "resolve", json!({ "text": "已协调音量" })).await;
        act(done, &bao, "accept", json!({ "rating": 4, "text": "谢谢包爷叔帮忙联系，安静多了" })).await;
        let working = report(&bao, "greenery", "树枝挡窗").await;
        act(working, &duty, "dispatch", json!({ "lead_organisation_id": property })).await;
        report(&bao, "noise", "装修噪音").await;
        // Two days later the waiting one is past its triage limit: overdue now.
        app.clock.advance(chrono::Duration::days(2));

        let (status, bytes, disposition) = download(app, &shuji, &format!("community_id={community}&month=2026-10")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(disposition.contains("linli-2026-10.xlsx"), "{disposition}");
        let mut workbook: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(workbook.sheet_names(), SHEETS.map(str::to_owned).to_vec());

        let statistics = app.get(&format!("/api/v1/statistics?community_id={community}&from=2026-10-01&to=2026-10-29"), &shuji).await;
        let statistics = statistics.expect(StatusCode::OK).clone();
        let totals = &statistics["totals"];
        assert_eq!(totals["created"], 3);

        // 汇总: each figure where the statistics have it.
        let summary = rows(&mut workbook, "汇总");
        let value = |label: &str| summary.iter().find(|row| row.first() == Some(&Data::String(label.to_owned()))).map(|row| row[1].clone()).unwrap_or_else(|| panic!("no {label}"));
        for (label, name) in [("受理量", "created"), ("派单", "dispatched"), ("签收", "signed"), ("办结", "resolved"), ("验收", "accepted"), ("满意", "satisfied")] {
            assert_eq!(number(&value(label)), totals[name].as_f64().unwrap(), "{label}");
        }
        for (label, name) in [("响应率", "response_rate"), ("解决率", "resolution_rate"), ("满意率", "satisfaction_rate")] {
            let rate = number(&value(label));
            assert!((0.0..=1.0).contains(&rate) && (rate - totals[name].as_f64().unwrap()).abs() < 1e-9, "{label}");
        }
        assert_eq!(number(&value("当前未办结")), statistics["now"]["open"].as_f64().unwrap());
        assert_eq!(number(&value("当前超期")), statistics["now"]["overdue"].as_f64().unwrap());
        assert!(matches!(value("统计起始日"), Data::DateTime(_)), "days are dates, not text");

        // The breakdowns, each adding up to the totals.
        check_breakdown(&rows(&mut workbook, "按类别"), &statistics["by_category"], totals);
        check_breakdown(&rows(&mut workbook, "按责任方"), &statistics["by_organisation"], totals);
        check_breakdown(&rows(&mut workbook, "按楼栋"), &statistics["by_building"], totals);

        // Twelve months, this one last with the month's count.
        let months = rows(&mut workbook, "近十二个月");
        assert_eq!(months.len(), 13);
        assert_eq!((text(&months[1][0]), text(&months[12][0])), ("2025-11".to_owned(), "2026-10".to_owned()));
        assert_eq!(number(&months[12][1]), 3.0);

        // The overdue list is the statistics' overdue count.
        let overdue = rows(&mut workbook, "超期清单");
        assert_eq!(overdue.len() - 1, statistics["now"]["overdue"].as_u64().unwrap() as usize);
        assert!(overdue.len() > 1, "the waiting one is overdue");
        assert!(matches!(overdue[1][6], Data::DateTime(_)));

        // Residents' words, anonymised.
        let words = rows(&mut workbook, "居民评价");
        assert_eq!(words.len(), 2);
        assert_eq!((text(&words[1][4]), number(&words[1][5])), ("验收".to_owned(), 4.0));
        let comment = text(&words[1][6]);
        assert!(comment.contains("安静多了") && !comment.contains("包爷叔"), "{comment}");
    }

    async fn bad_months_and_callers_are_refused(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let shuji = app.token("shuji").await;
        for (month, code) in [("2026-13", "report.month_invalid"), ("2026/10", "report.month_invalid"),
            ("2026-11", "report.month_in_future"), ("2019-01", "report.month_before_community")] {
            let refused = app.get(&format!("/api/v1/reports/monthly.xlsx?community_id={community}&month={month}"), &shuji).await;
            refused.expect_error(StatusCode::UNPROCESSABLE_ENTITY, code);
            assert_eq!(refused.body["error"]["field"], "month");
        }
        // A resident reads no report; the supervisor none of the street's.
        let bao = app.token("bao").await;
        app.get(&format!("/api/v1/reports/monthly.xlsx?community_id={community}&month=2026-10"), &bao).await
            .expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        let street = app.get(&format!("/api/v1/communities/{community}"), &shuji).await.expect(StatusCode::OK)["street_id"].as_i64().unwrap();
        app.get(&format!("/api/v1/reports/monthly.xlsx?street_id={street}&month=2026-10"), &shuji).await
            .expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        // The street's overseer reads the street's: its communities side by side.
        let jiedao = app.token("jiedao").await;
        let (status, bytes, _) = download(app, &jiedao, &format!("street_id={street}&month=2026-10")).await;
        assert_eq!(status, StatusCode::OK);
        let mut workbook: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let title = text(&rows(&mut workbook, "汇总")[0][0]);
        assert!(title.contains("2026年10月"), "{title}");
    }

    async fn the_statistics_page_offers_the_months_report(app: &TestApp) {
        let mut shuji = signed_in(app, "shuji").await;
        let stats = shuji.get("/stats").await;
        assert!(stats.body.contains("id=\"monthly-report\"") && stats.body.contains("max=\"2026-10\""));
        let report = shuji.get("/stats/monthly.xlsx?month=2026-10").await;
        assert_eq!(report.status, StatusCode::OK);
        assert!(report.body.starts_with("PK"), "a zip container: an xlsx workbook");
        let mut bao = signed_in(app, "bao").await;
        assert_eq!(bao.get("/stats/monthly.xlsx?month=2026-10").await.status, StatusCode::FORBIDDEN);

        // The queue's filters export as they are.
        let mut duty = signed_in(app, "duty").await;
        let queue = duty.get("/queue?view=all&status=submitted").await;
        let body = queue.body.replace("&#38;", "&").replace("&amp;", "&");
        assert!(body.contains("href=\"/queue/export.csv?view=all&status=submitted\""), "the export keeps the filters");
        let exported = duty.get("/queue/export.csv?view=all&status=submitted").await;
        assert_eq!(exported.status, StatusCode::OK);
        assert!(exported.body.starts_with('\u{feff}'));
        assert_eq!(bao.get("/queue/export.csv?view=all").await.status, StatusCode::FORBIDDEN);
    }

    async fn lists_and_visits_come_out_as_csv_for_excel(app: &TestApp) {
        let (bao, tang, desk, duty) = (app.token("bao").await, app.token("tang").await, app.token("desk").await, app.token("duty").await);
        for (token, text) in [(&bao, "7号楼楼道灯坏了，电话13812345678"), (&tang, "9号楼门口有积水, \"很深\""), (&tang, "垃圾没人收\n第二行")] {
            app.post("/api/v1/work-orders", token, json!({ "category": "noise", "description": text })).await.expect(StatusCode::CREATED);
        }
        let csv_of = |token: String, path: String| async move {
            let response = app.client.get(app.url(&path)).bearer_auth(&token).send().await.unwrap();
            let status = response.status();
            let content_type = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
            (status, content_type, response.bytes().await.unwrap().to_vec())
        };
        let records = |bytes: &[u8]| -> Vec<Vec<String>> {
            assert!(bytes.starts_with("\u{feff}".as_bytes()), "UTF-8 with a byte-order mark");
            let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(&bytes[3..]);
            reader.records().map(|record| record.unwrap().iter().map(str::to_owned).collect()).collect()
        };

        // The duty officer's list, the same rows as the JSON list with the same filter.
        let (status, content_type, bytes) = csv_of(duty.clone(), "/api/v1/work-orders.csv?status=submitted".to_owned()).await;
        assert_eq!(status, StatusCode::OK);
        assert!(content_type.starts_with("text/csv"));
        let rows = records(&bytes);
        assert_eq!(rows[0][0], "编号");
        let listed = app.get("/api/v1/work-orders?status=submitted&limit=200", &duty).await;
        let listed = listed.expect(StatusCode::OK)["items"].as_array().unwrap().clone();
        assert_eq!(rows.len() - 1, listed.len());
        let numbers: Vec<String> = listed.iter().map(|item| item["number"].to_string()).collect();
        assert_eq!(rows[1..].iter().map(|row| row[0].clone()).collect::<Vec<_>>(), numbers);
        assert!(rows.iter().any(|row| row[13] == "9号楼门口有积水, \"很深\""), "quotes and commas survive");
        assert!(rows.iter().any(|row| row[13] == "垃圾没人收\n第二行"), "line breaks survive");
        assert!(rows.iter().any(|row| row[13].contains("13812345678")), "staff read the whole text");
        assert!(rows.iter().all(|row| row[1] == "状态" || row[1] == "待受理"));

        // A resident's neighbours' reports come as the public sees them.
        let (_, _, bytes) = csv_of(tang.clone(), "/api/v1/work-orders.csv".to_owned()).await;
        let theirs = records(&bytes);
        assert!(theirs.iter().all(|row| !row[13].contains("13812345678")), "another resident's phone is masked");

        // The desk's visits, by a span of days.
        app.post("/api/v1/visits", &desk, json!({ "visitor_name": "王阿婆", "visitor_phone": "13700001234", "matter": "楼道灯坏了" }))
            .await.expect(StatusCode::CREATED);
        let (status, _, bytes) = csv_of(desk.clone(), "/api/v1/visits.csv?from=2026-10-01&to=2026-10-31".to_owned()).await;
        assert_eq!(status, StatusCode::OK);
        let visits = records(&bytes);
        assert_eq!(visits.len(), 2);
        assert_eq!((visits[1][1].as_str(), visits[1][2].as_str(), visits[1][5].as_str()), ("王阿婆", "13700001234", "楼道灯坏了"));
        app.get("/api/v1/visits.csv?from=2026-01-01&to=2026-10-31", &desk).await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "export.range_invalid");
        app.get("/api/v1/visits.csv", &bao).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
    }
}
