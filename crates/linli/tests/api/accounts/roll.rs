//! The committee's roll on both engines: preview, import in one transaction, idempotence,
//! bad rows (nothing half-imported), GBK CSV, formulas and merged cells in a workbook,
//! too many rows, the export that goes back in unchanged.

use super::{join, room};
use crate::helpers::{Response, TestApp};
use reqwest::StatusCode;
use serde_json::Value;

const HEADER: &str = "楼号,单元,室,姓名,手机,身份,面积\n";

async fn send(app: &TestApp, what: &str, token: &str, body: Vec<u8>) -> Response {
    let community = app.chengshangcheng().await;
    let response = app
        .client
        .post(app.url(&format!(
            "/api/v1/accounts/roll/{what}?community_id={community}"
        )))
        .bearer_auth(token)
        .header("content-type", "application/octet-stream")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap_or(Value::Null);
    Response {
        status,
        body,
        headers,
    }
}

fn outcomes(plan: &Value) -> Vec<(String, String)> {
    plan["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row["name"].as_str().unwrap().to_owned(),
                row["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn problem_codes(plan: &Value, line: i64) -> Vec<String> {
    let row = plan["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["line"] == line)
        .unwrap();
    row["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|problem| problem["code"].as_str().unwrap().to_owned())
        .collect()
}

/// A workbook of the rows given, with the formulas and merged cells asked for.
fn xlsx(rows: &[[&str; 7]], formula_row: Option<u32>, merged_row: Option<u32>) -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (column, heading) in (0u16..).zip(["楼号", "单元", "室", "姓名", "手机", "身份", "面积"])
    {
        sheet.write_string(0, column, heading).unwrap();
    }
    for (row, cells) in (1u32..).zip(rows) {
        for (column, cell) in (0u16..).zip(cells) {
            sheet.write_string(row, column, *cell).unwrap();
        }
    }
    if let Some(row) = formula_row {
        sheet.write_formula(row, 6, "=80+9.5").unwrap();
    }
    if let Some(row) = merged_row {
        sheet
            .merge_range(
                row,
                3,
                row,
                4,
                "合并的格子",
                &rust_xlsxwriter::Format::new(),
            )
            .unwrap();
    }
    workbook.save_to_buffer().unwrap()
}

both_engines! {
    async fn the_roll_is_previewed_imported_once_and_again_changes_nothing(app: &TestApp) {
        let juwei = app.token("juwei").await;
        let file = format!("{HEADER}7,1,502,王阿姨,13912340101,业主,89.5\n7号楼,1单元,302室,包爷叔,13800000007,业主,\n9,2,1101,唐小妹,13912340102,家属,\n12,1,1503,李晓,13800000012,租户,\n");
        let preview = send(app, "preview", &juwei, file.clone().into_bytes()).await;
        let plan = preview.expect(StatusCode::OK).clone();
        assert_eq!(outcomes(&plan), [
            ("王阿姨".to_owned(), "created".to_owned()),
            ("包爷叔".to_owned(), "unchanged".to_owned()),
            ("唐小妹".to_owned(), "created".to_owned()),
            ("李晓".to_owned(), "changed".to_owned()),
        ]);
        assert_eq!((plan["created"].as_i64(), plan["changed"].as_i64(), plan["unchanged"].as_i64(), plan["refused"].as_i64()), (Some(2), Some(1), Some(1), Some(0)));
        // A preview writes nothing.
        assert!(app.store.person_by_phone("13912340101").await.unwrap().is_none());

        let imported = send(app, "import", &juwei, file.clone().into_bytes()).await;
        assert_eq!(imported.expect(StatusCode::OK)["created"], 2);
        let again = send(app, "preview", &juwei, file.clone().into_bytes()).await;
        assert_eq!(again.expect(StatusCode::OK)["unchanged"], 4, "{}", again.body);
        let twice = send(app, "import", &juwei, file.into_bytes()).await;
        assert_eq!((twice.expect(StatusCode::OK)["created"].as_i64(), twice.body["changed"].as_i64()), (Some(0), Some(0)));

        // The roll's people are residents of their rooms; an owner counts in votes.
        let (wang, body) = join(app, "13912340101").await;
        assert_eq!(body["new_account"], false);
        assert_eq!(body["user"]["display_name"], "王阿姨");
        assert_eq!(body["user"]["rooms"][0]["relation"], "owner");
        let room_502 = room(app, "7", "1", "502").await;
        assert_eq!(app.store.room(linli_domain::ids::RoomId(room_502)).await.unwrap().floor_area_hundredths_m2, Some(8950));
        let me = app.get("/api/v1/me", &wang).await;
        assert!(me.expect(StatusCode::OK)["roles"].as_array().unwrap().iter().any(|grant| grant["role"] == "resident"));
        let li = app.get("/api/v1/me", &app.token("li").await).await;
        assert_eq!(li.expect(StatusCode::OK)["display_name"], "李晓");

        // Exported, the roll goes back in unchanged.
        let community = app.chengshangcheng().await;
        let export = app.client.get(app.url(&format!("/api/v1/accounts/roll.xlsx?community_id={community}"))).bearer_auth(&juwei).send().await.unwrap();
        assert_eq!(export.status(), StatusCode::OK);
        let bytes = export.bytes().await.unwrap().to_vec();
        {
            use calamine::Reader;
            let mut workbook: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).unwrap();
            let range = workbook.worksheet_range("住户名册").unwrap();
            let rows: Vec<Vec<String>> = range.rows().map(|row| row.iter().map(|cell| cell.to_string()).collect()).collect();
            assert_eq!(rows[0], ["楼号", "单元", "室", "姓名", "手机", "身份", "面积"]);
            assert!(rows.iter().any(|row| row[3] == "王阿姨" && row[4] == "13912340101" && row[5] == "业主" && row[6] == "89.5"), "{rows:?}");
        }
        let round_trip = send(app, "import", &juwei, bytes).await;
        let body = round_trip.expect(StatusCode::OK);
        assert_eq!((body["created"].as_i64(), body["changed"].as_i64(), body["refused"].as_i64()), (Some(0), Some(0), Some(0)), "{body}");
    }

    async fn a_file_with_bad_rows_is_refused_whole_with_a_reason_per_row(app: &TestApp) {
        let juwei = app.token("juwei").await;
        let file = format!("{HEADER}7,1,502,王阿姨,13912340101,业主,89.5\n7,1,9999,没有房,13912340103,业主,\n7,1,503,重号一,13912340104,家属,\n7,1,504,重号二,13912340104,家属,\n7,1,505,错号,1380000,租户,\n7,1,506,房东,13912340105,房东,-3\n7,,507,,13912340106,业主,\n");
        let preview = send(app, "preview", &juwei, file.clone().into_bytes()).await;
        let plan = preview.expect(StatusCode::OK).clone();
        assert_eq!(plan["created"], 1);
        assert_eq!(plan["refused"], 6);
        assert_eq!(problem_codes(&plan, 3), ["accounts.roll_room_unknown"]);
        assert_eq!(problem_codes(&plan, 4), ["accounts.roll_duplicate_phone"]);
        assert_eq!(problem_codes(&plan, 5), ["accounts.roll_duplicate_phone"]);
        assert_eq!(problem_codes(&plan, 6), ["accounts.phone_invalid"]);
        assert_eq!(problem_codes(&plan, 7), ["accounts.roll_relation", "accounts.roll_area"]);
        assert_eq!(problem_codes(&plan, 8), ["validation.required", "validation.required"]);
        let row = plan["rows"].as_array().unwrap().iter().find(|row| row["line"] == 3).unwrap();
        assert_eq!(row["problems"][0]["field"], "室");
        assert!(row["problems"][0]["message"].as_str().unwrap().contains("没有这间房屋"));

        let import = send(app, "import", &juwei, file.into_bytes()).await;
        import.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "accounts.roll_rows_refused");
        assert!(import.body["error"]["message"].as_str().unwrap().contains("6"));
        // Nothing half-imported: not even the good row.
        assert!(app.store.person_by_phone("13912340101").await.unwrap().is_none());
        assert_eq!(app.store.room(linli_domain::ids::RoomId(room(app, "7", "1", "502").await)).await.unwrap().floor_area_hundredths_m2, None);
    }

    async fn gbk_csv_workbooks_with_formulas_or_merged_cells_and_huge_files(app: &TestApp) {
        let juwei = app.token("juwei").await;
        // Old Excel saves CSV in GBK.
        let text = format!("{HEADER}7,1,502,王阿姨,13912340101,业主,89.5\n");
        let (gbk, _, _) = encoding_rs::GBK.encode(&text);
        let preview = send(app, "preview", &juwei, gbk.into_owned()).await;
        assert_eq!(outcomes(preview.expect(StatusCode::OK)), [("王阿姨".to_owned(), "created".to_owned())]);
        // Neither UTF-8 nor GBK.
        send(app, "preview", &juwei, vec![0x81, 0x20, 0xff, 0xfe, 0x80]).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "accounts.roll_encoding");
        // Without the columns.
        send(app, "preview", &juwei, "姓名,电话\n王,139\n".as_bytes().to_vec()).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "accounts.roll_columns");

        let book = xlsx(&[
            ["7", "1", "502", "王阿姨", "13912340101", "业主", ""],
            ["7", "1", "503", "公式", "13912340107", "业主", ""],
            ["7", "1", "504", "", "", "家属", ""],
        ], Some(2), Some(3));
        let plan = send(app, "preview", &juwei, book.clone()).await;
        let plan = plan.expect(StatusCode::OK).clone();
        assert_eq!(problem_codes(&plan, 2), Vec::<String>::new());
        assert_eq!(problem_codes(&plan, 3), ["accounts.roll_formula"]);
        assert_eq!(problem_codes(&plan, 4), ["accounts.roll_merged"]);
        send(app, "import", &juwei, book).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "accounts.roll_rows_refused");
        assert!(app.store.person_by_phone("13912340101").await.unwrap().is_none());

        // 50,000 rows: refused before anything is looked at.
        let mut huge = String::from(HEADER);
        for n in 0..50_000 {
            huge.push_str(&format!("7,1,502,某某,139{n:08},业主,\n"));
        }
        send(app, "preview", &juwei, huge.into_bytes()).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "accounts.roll_too_many_rows");
        send(app, "preview", &juwei, b"not a spreadsheet at all".to_vec()).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "accounts.roll_empty");
    }

    async fn only_the_residents_committee_and_administrators_keep_the_roll(app: &TestApp) {
        let file = format!("{HEADER}7,1,502,王阿姨,13912340101,业主,89.5\n").into_bytes();
        for login in ["bao", "wuye", "yewei", "desk"] {
            let token = app.token(login).await;
            send(app, "preview", &token, file.clone()).await.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        }
        let community = app.chengshangcheng().await;
        let bao = app.token("bao").await;
        let export = app.get(&format!("/api/v1/accounts/roll.xlsx?community_id={community}"), &bao).await;
        export.expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        let admin = app.token("admin").await;
        send(app, "preview", &admin, file).await.expect(StatusCode::OK);
    }
}
