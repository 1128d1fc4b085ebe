//! Posters with QR codes: the office prints one per building and one for the joint
//! office; the code opens the report page with the building chosen.

use crate::pages::signed_in;
use reqwest::StatusCode;

both_engines! {
    async fn a_buildings_poster_opens_the_report_with_the_building_chosen(app: &TestApp) {
        let community = app.chengshangcheng().await;
        let buildings = app.store.buildings(linli_domain::ids::CommunityId(community)).await.unwrap();
        let building_7 = buildings.iter().find(|building| building.name == "7号楼").unwrap().id;

        let mut desk = signed_in(app, "desk").await;
        let list = desk.get("/posters").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.body.contains(&format!("href=\"/posters/buildings/{building_7}\"")));
        assert_eq!(list.body.matches("href=\"/posters/buildings/").count(), buildings.len());

        let poster = desk.get(&format!("/posters/buildings/{building_7}")).await;
        assert_eq!(poster.status, StatusCode::OK);
        assert!(poster.body.contains("<svg") && poster.body.contains("7号楼"));
        assert!(poster.body.contains(&format!("/report?building_id={building_7}")), "the code's address is printed too");
        let office = desk.get("/posters/office").await;
        assert!(office.body.contains("<svg") && !office.body.contains("building_id="));

        // Another community's building has no poster here; residents print none.
        let elsewhere = app.store.buildings(linli_domain::ids::CommunityId(app.zhixin().await)).await.unwrap()[0].id;
        assert_eq!(desk.get(&format!("/posters/buildings/{elsewhere}")).await.status, StatusCode::NOT_FOUND);
        let mut bao = signed_in(app, "bao").await;
        assert_eq!(bao.get("/posters").await.status, StatusCode::FORBIDDEN);

        // What the code opens: the report page with 7号楼 chosen.
        let report = bao.get(&format!("/report?building_id={building_7}")).await;
        assert!(report.body.contains(&format!("value=\"{building_7}\" selected")), "the building is chosen");
    }
}
