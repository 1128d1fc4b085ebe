//! The content pages, on both engines: 张海燕 writes a notice for 7号楼 from the office's
//! form (a `<script>` and an `onerror=` in it stay inert), publishes it, 包爷叔 reads it
//! and 唐女士 of 9号楼 does not; a wrong expiry is named beside its field; a disclosure
//! is returned with a reason the writer reads; public news is read without signing in.

use crate::helpers::TestApp;
use crate::pages::{Visitor, field_error, signed_in, submit};
use linli_domain::ids::CommunityId;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION};
use reqwest::multipart::Form;

/// Posts the writing form (multipart) and answers (status, where to, body).
async fn post_form(
    app: &TestApp,
    visitor: &Visitor<'_>,
    path: &str,
    fields: &[(&str, String)],
) -> (StatusCode, String, String) {
    let mut form = Form::new().text("csrf", visitor.csrf());
    for (name, value) in fields {
        form = form.text(name.to_string(), value.clone());
    }
    let answer = visitor
        .client
        .post(app.url(path))
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
    (status, location, answer.text().await.unwrap())
}

async fn ids(app: &TestApp) -> (i64, i64, i64) {
    let community = app.chengshangcheng().await;
    let organisations = app
        .store
        .organisations(CommunityId(community))
        .await
        .unwrap();
    let committee = organisations
        .iter()
        .find(|o| o.name == "城上城居委会")
        .unwrap()
        .id;
    let seven = app
        .store
        .buildings(CommunityId(community))
        .await
        .unwrap()
        .into_iter()
        .find(|b| b.name == "7号楼")
        .unwrap()
        .id;
    (community, committee, seven)
}

both_engines! {
    async fn a_notice_written_on_the_page_reaches_its_building_inert(app: &TestApp) {
        let (community, committee, seven) = ids(app).await;
        let mut juwei = signed_in(app, "juwei").await;
        let form = juwei.get("/content/new?kind=notice").await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("城上城居委会") && form.body.contains("7号楼"), "{}", form.body);
        let fields = |expires: &str| vec![
            ("kind", "notice".to_owned()), ("organisation_id", committee.to_string()),
            ("title", "7号楼楼道灯更换".to_owned()),
            ("body", "周六更换。<script>alert('x')</script>\n\n<img src=x onerror=alert(1)>".to_owned()),
            ("audience", "buildings".to_owned()), ("building_ids", seven.to_string()), ("pinned", "1".to_owned()),
            ("expires_at", expires.to_owned()),
        ];
        // An expiry already past is named beside its field, and nothing is kept.
        let (status, _, body) = post_form(app, &juwei, "/content/new", &fields("2026-10-01T09:00")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let page = crate::pages::Page { status, location: String::new(), body };
        assert_eq!(field_error(&page, "content-expires"), "有效期须晚于发布时间");
        assert!(app.store.content_items(CommunityId(community), None).await.unwrap().is_empty());

        let (status, location, _) = post_form(app, &juwei, "/content/new", &fields("2026-11-30T18:00")).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let id: i64 = location.trim_start_matches("/content/").split('?').next().unwrap().parse().unwrap();
        let draft = juwei.get(&location).await;
        assert!(draft.body.contains("草稿已保存") && draft.body.contains("楼栋：7号楼"), "{}", draft.body);
        let published = submit(&mut juwei, &format!("/content/{id}/publish"), &[]).await;
        assert_eq!(published.status, StatusCode::SEE_OTHER, "{}", published.body);

        let mut bao = signed_in(app, "bao").await;
        let list = bao.get("/content?kind=notice").await;
        assert!(list.body.contains("7号楼楼道灯更换") && list.body.contains("置顶"), "{}", list.body);
        let page = bao.get(&format!("/content/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("城上城居委会 发布于"), "{}", page.body);
        assert!(!page.body.contains("张海燕"), "the party is shown, not the person");
        assert!(!page.body.contains("<script>alert") && !page.body.contains("onerror"), "{}", page.body);
        assert!(!page.body.contains("id=\"content-office\""), "no trail for residents");

        let mut tang = signed_in(app, "tang").await;
        assert!(!tang.get("/content").await.body.contains("楼道灯"));
        assert_eq!(tang.get(&format!("/content/{id}")).await.status, StatusCode::NOT_FOUND);
        // Without signing in, a notice for a building asks to sign in.
        let mut stranger = Visitor::new(app);
        let asked = stranger.get(&format!("/content/{id}")).await;
        assert_eq!(asked.status, StatusCode::SEE_OTHER);
        assert!(asked.location.starts_with("/signin"), "{}", asked.location);
    }

    async fn a_disclosure_is_returned_with_a_reason_and_public_news_needs_no_sign_in(app: &TestApp) {
        let (community, committee, _) = ids(app).await;
        let mut juwei = signed_in(app, "juwei").await;
        let (status, location, body) = post_form(app, &juwei, "/content/new", &[
            ("kind", "financial".to_owned()), ("organisation_id", committee.to_string()),
            ("title", "流浪猫绝育众筹收支公开".to_owned()), ("body", "筹得 3,980 元。".to_owned()),
        ]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        let id = location.trim_start_matches("/content/").split('?').next().unwrap().to_owned();
        let draft = juwei.get(&format!("/content/{id}")).await;
        assert!(draft.body.contains("id=\"content-submit\"") && !draft.body.contains("id=\"content-publish\""));
        submit(&mut juwei, &format!("/content/{id}/submit"), &[]).await;
        let mut shuji = signed_in(app, "shuji").await;
        let review = shuji.get(&format!("/content/{id}")).await;
        assert!(review.body.contains("id=\"content-approve\"") && review.body.contains("id=\"content-return\""));
        let returned = submit(&mut shuji, &format!("/content/{id}/return"), &[("reason", "请附上发票照片")]).await;
        assert_eq!(returned.status, StatusCode::SEE_OTHER, "{}", returned.body);
        let back = juwei.get(&format!("/content/{id}")).await;
        assert!(back.body.contains("审核退回：请附上发票照片"), "{}", back.body);

        let (_, location, _) = post_form(app, &juwei, "/content/new", &[
            ("kind", "news".to_owned()), ("organisation_id", committee.to_string()),
            ("title", "首批流浪猫绝育完成".to_owned()), ("body", "**12 只**".to_owned()),
        ]).await;
        let news = location.trim_start_matches("/content/").split('?').next().unwrap().to_owned();
        submit(&mut juwei, &format!("/content/{news}/publish"), &[]).await;
        let mut stranger = Visitor::new(app);
        let public = stranger.get(&format!("/public/communities/{community}/content")).await;
        assert_eq!(public.status, StatusCode::OK);
        assert!(public.body.contains("首批流浪猫绝育完成") && !public.body.contains("众筹收支"), "{}", public.body);
        let read = stranger.get(&format!("/content/{news}")).await;
        assert_eq!(read.status, StatusCode::OK);
        assert!(read.body.contains("<strong>12 只</strong>"));
    }
}
