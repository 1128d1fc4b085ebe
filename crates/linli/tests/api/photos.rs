use crate::helpers::TestApp;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

pub(crate) const SECRET: &[u8] = b"GPS 31.2397N 121.4372E";

/// A real JPEG with an EXIF segment carrying a (fake) GPS position: what a phone sends.
pub(crate) fn phone_photo() -> Vec<u8> {
    let image = image::DynamicImage::new_rgb8(64, 48);
    let mut jpeg = std::io::Cursor::new(Vec::new());
    image.write_to(&mut jpeg, image::ImageFormat::Jpeg).unwrap();
    let jpeg = jpeg.into_inner();
    // Exif header + big-endian TIFF with one IFD entry (orientation = 1), then the secret.
    let mut exif =
        b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x01\0\0\0\0\0\0".to_vec();
    exif.extend_from_slice(SECRET);
    let length = u16::try_from(exif.len() + 2).unwrap().to_be_bytes();
    let mut photo = vec![0xFF, 0xD8, 0xFF, 0xE1, length[0], length[1]];
    photo.extend_from_slice(&exif);
    photo.extend_from_slice(&jpeg[2..]);
    assert!(photo.windows(SECRET.len()).any(|window| window == SECRET));
    photo
}

pub(crate) async fn upload(
    app: &TestApp,
    token: &str,
    id: i64,
    parts: Vec<(&str, Vec<u8>)>,
    purpose: Option<&str>,
) -> (StatusCode, Value) {
    let mut form = Form::new();
    for (name, bytes) in parts {
        form = form.part("photo", Part::bytes(bytes).file_name(name.to_owned()));
    }
    if let Some(purpose) = purpose {
        form = form.text("purpose", purpose.to_owned());
    }
    let response = app
        .client
        .post(app.url(&format!("/api/v1/work-orders/{id}/photos")))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

both_engines! {
    async fn photos_lose_their_metadata_and_are_shown_only_to_those_who_may(app: &TestApp) {
        let (bao, tang, duty, wuye) = (app.token("bao").await, app.token("tang").await, app.token("duty").await, app.token("wuye").await);
        let created = app.post("/api/v1/work-orders", &bao, json!({ "category": "high_altitude_throwing", "description": "楼下一地垃圾" })).await;
        let id = created.body["id"].as_i64().unwrap();

        let (status, body) = upload(app, &bao, id, vec![("a.jpg", phone_photo()), ("b.jpg", phone_photo())], None).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body.as_array().unwrap().len(), 2);
        let url = body[0]["url"].as_str().unwrap().to_owned();

        let stored = app.client.get(app.url(&url)).bearer_auth(&bao).send().await.unwrap();
        assert_eq!(stored.headers()["content-type"], "image/jpeg");
        let bytes = stored.bytes().await.unwrap();
        assert!(bytes.starts_with(&[0xFF, 0xD8]));
        assert!(!bytes.windows(SECRET.len()).any(|window| window == SECRET), "the GPS position is gone");
        assert!(!bytes.windows(4).any(|window| window == b"Exif"), "no EXIF segment at all");
        let thumbnail = app.client.get(app.url(&format!("{url}?size=thumbnail"))).bearer_auth(&duty).send().await.unwrap();
        assert_eq!(thumbnail.status(), StatusCode::OK);

        // Another resident sees the public fields, not the photos.
        let public = app.get(&format!("/api/v1/work-orders/{id}"), &tang).await;
        assert!(public.body["photos"].as_array().unwrap().is_empty());
        assert_eq!(app.client.get(app.url(&url)).bearer_auth(&tang).send().await.unwrap().status(), StatusCode::NOT_FOUND);
        let detail = app.get(&format!("/api/v1/work-orders/{id}"), &duty).await;
        assert_eq!(detail.body["photos"].as_array().unwrap().len(), 2);

        // Fakes, wrong people, wrong purposes, too many: refused, nothing stored.
        let (status, body) = upload(app, &bao, id, vec![("fake.jpg", b"<html>not a photo</html>".to_vec())], None).await;
        assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, Some("photo.not_an_image")));
        let (status, _) = upload(app, &bao, id, vec![("a.jpg", phone_photo())], Some("resolution")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = upload(app, &tang, id, vec![("a.jpg", phone_photo())], None).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, body) = upload(app, &bao, id, vec![("a.jpg", phone_photo()); 8], None).await;
        assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("photo.too_many")));
        let (status, _) = upload(app, &wuye, id, vec![("a.jpg", phone_photo())], Some("resolution")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "not dispatched to the property company yet");
        assert_eq!(app.store.photos(id).await.unwrap().len(), 2);
    }
}
