//! The pages install on a phone's home screen (添加到主屏幕): every page links the web app
//! manifest, the manifest parses, and every icon it names is served with the type and
//! the size it declares.

use crate::helpers::{Engine, TestApp};
use crate::pages::Visitor;
use reqwest::StatusCode;
use serde_json::Value;

/// A PNG's width and height, read from its IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
    assert_eq!(&bytes[12..16], b"IHDR");
    let read =
        |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    (read(16), read(20))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_manifest_and_every_icon_it_names_are_served() {
    TestApp::run_test(Engine::Sqlite, |app| Box::pin(check(app))).await;
}

async fn check(app: &TestApp) {
    let mut visitor = Visitor::new(app);
    let page = visitor.get("/signin").await;
    for link in [
        "rel=\"manifest\" href=\"/static/manifest.webmanifest\"",
        "rel=\"apple-touch-icon\"",
        "name=\"theme-color\"",
    ] {
        assert!(page.body.contains(link), "{link}");
    }
    let response = app
        .client
        .get(app.url("/static/manifest.webmanifest"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "application/manifest+json"
    );
    let manifest: Value = response.json().await.unwrap();
    assert_eq!(
        (manifest["start_url"].as_str(), manifest["display"].as_str()),
        (Some("/"), Some("standalone"))
    );
    assert_eq!(manifest["short_name"], "邻里");
    let icons = manifest["icons"].as_array().unwrap();
    assert!(
        icons
            .iter()
            .any(|icon| icon["sizes"] == "512x512" && icon["purpose"] == "maskable")
    );
    let mut named: Vec<(String, String, String)> = icons
        .iter()
        .map(|icon| {
            (
                icon["src"].as_str().unwrap().to_owned(),
                icon["type"].as_str().unwrap().to_owned(),
                icon["sizes"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    named.push((
        "/static/apple-touch-icon.png".into(),
        "image/png".into(),
        "180x180".into(),
    ));
    for (src, kind, sizes) in named {
        let response = app.client.get(app.url(&src)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{src}");
        assert_eq!(response.headers()["content-type"], kind.as_str(), "{src}");
        let bytes = response.bytes().await.unwrap();
        if kind == "image/png" {
            let (width, height) = png_size(&bytes);
            assert_eq!(format!("{width}x{height}"), sizes, "{src}");
        }
    }
    // Each shortcut leads to a page that exists.
    for shortcut in manifest["shortcuts"].as_array().unwrap() {
        let url = shortcut["url"].as_str().unwrap();
        let status = visitor.get(url).await.status;
        assert!(
            status == StatusCode::OK || status == StatusCode::SEE_OTHER,
            "{url}: {status}"
        );
    }
}
