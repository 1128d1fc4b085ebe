//! The household and roll pages on both engines, for each role: an owner invites and
//! withdraws, a tenant only sees their room; the committee previews a roll, imports
//! exactly what it previewed, and a file with bad rows imports nothing.

use super::{join, room, texts_to};
use crate::helpers::TestApp;
use crate::pages::{Page, Visitor, assert_redirected, field_error, signed_in, submit};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION};
use reqwest::multipart::{Form, Part};

const HEADER: &str = "楼号,单元,室,姓名,手机,身份,面积\n";

/// Uploads a roll file on the page, as the browser's form does.
async fn upload(app: &TestApp, visitor: &Visitor<'_>, community: i64, file: Vec<u8>) -> Page {
    let form = Form::new().text("csrf", visitor.csrf()).part(
        "file",
        Part::bytes(file)
            .file_name("名册.csv")
            .mime_str("text/csv")
            .unwrap(),
    );
    let answer = visitor
        .client
        .post(app.url(&format!("/communities/{community}/roll/preview")))
        .header(COOKIE, visitor.cookie_header())
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = answer.status();
    let location = answer
        .headers()
        .get(LOCATION)
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default();
    Page {
        status,
        location,
        body: answer.text().await.unwrap(),
    }
}

/// The value of the preview's hidden `upload` field.
fn upload_token(page: &Page) -> String {
    let marker = "name=\"upload\" value=\"";
    let start = page
        .body
        .find(marker)
        .unwrap_or_else(|| panic!("no import form in {}", page.body))
        + marker.len();
    page.body[start..].split('"').next().unwrap().to_owned()
}

both_engines! {
    async fn an_owner_invites_and_withdraws_on_the_household_page_and_a_tenant_only_sees_their_room(app: &TestApp) {
        let mut bao = signed_in(app, "bao").await;
        let home = bao.get("/").await;
        assert!(home.body.contains("href=\"/household\""), "the home's tiles lead to the household");
        let page = bao.get("/household").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let room_id = room(app, "7", "1", "302").await;
        assert!(page.body.contains("7号楼1单元302") && page.body.contains(&format!("id=\"invite-{room_id}\"")), "{}", page.body);
        // Refused beside the field, with what was typed kept; nothing stored or sent.
        let invite = format!("/household/{room_id}/invite");
        let refused = submit(&mut bao, &invite, &[("phone", "1391234"), ("relation", "family")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(field_error(&refused, &format!("invite-phone-{room_id}")), "请填写 11 位手机号（以 1 开头）");
        assert!(refused.body.contains("value=\"1391234\""));
        let tenant_without_date = submit(&mut bao, &invite, &[("phone", "13912345021"), ("relation", "tenant"), ("ends_on", "")]).await;
        assert_eq!(tenant_without_date.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(field_error(&tenant_without_date, &format!("invite-ends-{room_id}")), "请填写租约到期日");
        assert!(texts_to(app, "13912345021").is_empty());

        let sent = submit(&mut bao, &invite, &[("phone", "13912345021"), ("relation", "tenant"), ("ends_on", "2027-06-30")]).await;
        assert_redirected(&sent, "/household?done=invited");
        assert_eq!(texts_to(app, "13912345021").len(), 1, "the invited number is texted");
        let listed = bao.get("/household?done=invited").await;
        assert!(listed.body.contains("139****5021") && listed.body.contains("2027-06-30") && listed.body.contains("等待对方登录"), "{}", listed.body);
        assert!(!listed.body.contains("13912345021"), "numbers are masked on the page");
        // A family member's date field is ignored.
        let family = submit(&mut bao, &invite, &[("phone", "13912345022"), ("relation", "family"), ("ends_on", "2020-01-01")]).await;
        assert_redirected(&family, "/household?done=invited");

        // Withdrawn, the invitation no longer lets the number in.
        let members = app.store.room_members(linli_domain::ids::RoomId(room_id)).await.unwrap();
        let waiting = members.iter().find(|member| member.phone == "13912345021").unwrap().invitation_id.unwrap();
        let withdrawn = submit(&mut bao, &format!("/household/{room_id}/invitations/{waiting}/withdraw"), &[]).await;
        assert_redirected(&withdrawn, "/household?done=withdrawn");
        let (_, body) = join(app, "13912345021").await;
        assert!(body["user"]["rooms"].as_array().unwrap().is_empty(), "{body}");

        // The family member joins, then the owner removes them on the page.
        let (_, body) = join(app, "13912345022").await;
        assert_eq!(body["user"]["rooms"][0]["relation"], "family");
        let person = body["user"]["id"].as_i64().unwrap();
        let removed = submit(&mut bao, &format!("/household/{room_id}/members/{person}/remove"), &[]).await;
        assert_redirected(&removed, "/household?done=removed");
        assert!(app.store.room_members(linli_domain::ids::RoomId(room_id)).await.unwrap().iter().all(|member| member.person_id != Some(person)));

        // A tenant sees their room and that the owner manages it; another's room is not theirs.
        let mut li = signed_in(app, "li").await;
        let theirs = li.get("/household").await;
        assert_eq!(theirs.status, StatusCode::OK);
        assert!(theirs.body.contains("这间房屋的家庭成员由业主管理") && !theirs.body.contains("name=\"phone\""), "{}", theirs.body);
        let foreign = submit(&mut li, &invite, &[("phone", "13912345023"), ("relation", "family")]).await;
        assert_eq!(foreign.status, StatusCode::NOT_FOUND);
        let foreign = submit(&mut li, &format!("/household/{room_id}/invitations/{waiting}/withdraw"), &[]).await;
        assert_eq!(foreign.status, StatusCode::NOT_FOUND);
        // Signed out, the page asks to sign in.
        let mut stranger = Visitor::new(app);
        let page = stranger.get("/household").await;
        assert_redirected(&page, "/signin");
    }

    async fn the_committee_previews_a_roll_on_the_page_and_imports_exactly_what_it_saw(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let mut juwei = signed_in(app, "juwei").await;
        let claims = juwei.get("/claims").await;
        assert!(claims.body.contains(&format!("href=\"/communities/{community}/roll\"")), "{}", claims.body);
        let page = juwei.get(&format!("/communities/{community}/roll")).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);

        // A file that is no roll: told beside the file field.
        let junk = upload(app, &juwei, community, b"\x00\x01not a roll".to_vec()).await;
        assert_eq!(junk.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", junk.body);
        assert!(!field_error(&junk, "roll-file").is_empty());

        // Bad rows: counted, each with its reason, and no import button.
        let bad = format!("{HEADER}7,1,502,王阿姨,13912340101,业主,89.5\n7,1,9999,无此房,13912340103,业主,\n");
        let refused = upload(app, &juwei, community, bad.into_bytes()).await;
        assert_eq!(refused.status, StatusCode::OK, "{}", refused.body);
        assert!(refused.body.contains("id=\"count-refused\">1<") && refused.body.contains("没有这间房屋"), "{}", refused.body);
        assert!(!refused.body.contains("id=\"roll-import\""));

        let good = format!("{HEADER}7,1,502,王阿姨,13912340101,业主,89.5\n9,2,1101,唐小妹,13912340102,家属,\n");
        let preview = upload(app, &juwei, community, good.clone().into_bytes()).await;
        assert!(preview.body.contains("id=\"count-created\">2<") && preview.body.contains("王阿姨"), "{}", preview.body);
        assert!(app.store.person_by_phone("13912340101").await.unwrap().is_none(), "a preview writes nothing");
        let token = upload_token(&preview);
        // A made-up or foreign upload name imports nothing.
        for forged in ["../../photos/1", "1-abc", "1796000000-0000000000000000000000000000000000000000000000000000000000000000"] {
            let answer = submit(&mut juwei, &format!("/communities/{community}/roll/import"), &[("upload", forged)]).await;
            assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{forged}");
            assert!(answer.body.contains("预览过的文件已失效"), "{}", answer.body);
        }
        let imported = submit(&mut juwei, &format!("/communities/{community}/roll/import"), &[("upload", &token)]).await;
        assert_redirected(&imported, &format!("/communities/{community}/roll?created=2&changed=0&unchanged=0"));
        let shown = juwei.get(&imported.location.clone()).await;
        assert!(shown.body.contains("新建 2 人"), "{}", shown.body);
        assert!(app.store.person_by_phone("13912340101").await.unwrap().is_some());
        // The kept file went with its import: the same form again imports nothing.
        let again = submit(&mut juwei, &format!("/communities/{community}/roll/import"), &[("upload", &token)]).await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(app.state().blobs.keys_under("roll-uploads/").await.unwrap().is_empty());
        // Uploaded again, every row is unchanged.
        let twice = upload(app, &juwei, community, good.into_bytes()).await;
        assert!(twice.body.contains("id=\"count-unchanged\">2<"), "{}", twice.body);

        // The roll downloads as a workbook.
        let export = juwei.client.get(app.url(&format!("/communities/{community}/roll.xlsx"))).header(COOKIE, juwei.cookie_header()).send().await.unwrap();
        assert_eq!(export.status(), StatusCode::OK);
        assert!(export.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));

        // A file previewed and left is removed a day later, when the next one comes.
        app.clock.advance(chrono::Duration::hours(25));
        upload(app, &juwei, community, format!("{HEADER}7,1,503,钱老师,13912340104,业主,\n").into_bytes()).await;
        assert_eq!(app.state().blobs.keys_under("roll-uploads/").await.unwrap().len(), 1, "only the newest waits");
    }

    async fn only_the_residents_committee_and_administrators_see_the_roll_page_and_the_claims_link(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let path = format!("/communities/{community}/roll");
        for login in ["bao", "wuye", "desk", "yewei"] {
            let mut visitor = signed_in(app, login).await;
            let page = visitor.get(&path).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{login}: {}", page.body);
            let export = visitor.get(&format!("{path}.xlsx")).await;
            assert_eq!(export.status, StatusCode::FORBIDDEN, "{login}");
            let upload_page = upload(app, &visitor, community, format!("{HEADER}7,1,502,王阿姨,13912340101,业主,\n").into_bytes()).await;
            assert_eq!(upload_page.status, StatusCode::FORBIDDEN, "{login}");
        }
        assert!(app.store.person_by_phone("13912340101").await.unwrap().is_none());
        let mut admin = signed_in(app, "admin").await;
        assert_eq!(admin.get(&path).await.status, StatusCode::OK);
        // The claims queue is in the menu of those who check claims only.
        for (login, shown) in [("juwei", true), ("yewei", true), ("shuji", true), ("wuye", false), ("duty", false), ("bao", false)] {
            let mut visitor = signed_in(app, login).await;
            let page = visitor.get("/inbox").await;
            assert_eq!(page.body.contains("href=\"/claims\""), shown, "{login}");
        }
    }
}
