//! The weak spots found by probing Linli from outside (issue 21), each held shut by a
//! test that failed before its fix, on both engines.

use crate::helpers::TestApp;
use crate::pages::signed_in;
use linli_web::WebConfig;
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, COOKIE};
use reqwest::multipart::Form;
use serde_json::{Value, json};

both_engines! {
    async fn administrators_read_the_visit_log_but_only_the_desk_writes_it(app: &TestApp) {
        let (desk, admin, bao) = (app.token("desk").await, app.token("admin").await, app.token("bao").await);
        let community = app.chengshangcheng().await;
        app.post("/api/v1/visits", &desk, json!({ "visitor_name": "王阿婆", "matter": "楼道灯坏了" }))
            .await
            .expect(StatusCode::CREATED);
        // The system's administrator audits the log of the community they name.
        let log = app.get(&format!("/api/v1/visits?community_id={community}"), &admin).await;
        let log = log.expect(StatusCode::OK).as_array().unwrap().clone();
        assert_eq!(log.len(), 1);
        assert_eq!(log[0]["visitor_name"], "王阿婆");
        // They administer both communities, so they must say which.
        app.get("/api/v1/visits", &admin).await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "work_order.community_required");
        // Reading is not writing: visits are logged by the desk's staff only.
        app.post("/api/v1/visits", &admin, json!({ "community_id": community, "visitor_name": "王阿婆", "matter": "楼道灯坏了" }))
            .await
            .expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
        // A resident reads no one's visits.
        app.get(&format!("/api/v1/visits?community_id={community}"), &bao).await
            .expect_error(StatusCode::FORBIDDEN, "auth.forbidden");
    }

    async fn a_report_names_only_the_reporters_own_flat(app: &TestApp) {
        let (bao, tang, desk) = (app.token("bao").await, app.token("tang").await, app.token("desk").await);
        let (bao_room, tang_room) = (own_room(app, &bao).await, own_room(app, &tang).await);
        let orders_before = order_count(app).await;
        // 包爷叔 cannot make his report look as if it came from 唐女士's flat.
        let refused = app.post("/api/v1/work-orders", &bao, json!({
            "category": "noise", "description": "楼上太吵", "room_id": tang_room,
        })).await;
        refused.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "work_order.room_not_reporters");
        assert_eq!(refused.body["error"]["field"], "room_id");
        assert_eq!(order_count(app).await, orders_before, "nothing was stored");
        // His own flat is his to name.
        let own = app.post("/api/v1/work-orders", &bao, json!({
            "category": "noise", "description": "楼上太吵", "room_id": bao_room,
        })).await;
        assert!(own.expect(StatusCode::CREATED)["reporter"]["room"].is_string());
        // The desk, reporting for 唐女士, names her flat, not someone else's.
        let tang_id = app.person_id("tang").await;
        app.post("/api/v1/work-orders", &desk, json!({
            "category": "noise", "description": "楼上太吵", "reporter_id": tang_id, "room_id": bao_room,
        })).await.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "work_order.room_not_reporters");
        app.post("/api/v1/work-orders", &desk, json!({
            "category": "noise", "description": "楼上太吵", "reporter_id": tang_id, "room_id": tang_room,
        })).await.expect(StatusCode::CREATED);
    }

    async fn a_csrf_token_is_the_sessions_own(app: &TestApp) {
        let bao_token = app.token("bao").await;
        let order = app.post("/api/v1/work-orders", &bao_token, json!({ "category": "noise", "description": "楼上太吵" })).await;
        let id = order.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        let cancel = app.url(&format!("/orders/{id}/actions/cancel"));
        let mut bao = signed_in(app, "bao").await;
        let session = bao.cookie("linli_session");
        // A pair the client made up — the same value in the cookie and the field — with
        // neither Origin nor Referer, as a form from a careless browser would come.
        let made_up = bao.client.post(&cancel)
            .header(COOKIE, format!("linli_session={session}; linli_csrf=aaaa"))
            .multipart(Form::new().text("csrf", "aaaa").text("text", "不用了"))
            .send().await.unwrap();
        assert_eq!(made_up.status(), StatusCode::FORBIDDEN);
        // Another person's real token is not this session's.
        let tang = signed_in(app, "tang").await;
        let borrowed = bao.client.post(&cancel)
            .header(COOKIE, bao.cookie_header())
            .multipart(Form::new().text("csrf", tang.csrf()).text("text", "不用了"))
            .send().await.unwrap();
        assert_eq!(borrowed.status(), StatusCode::FORBIDDEN);
        assert_eq!(order_status(app, &bao_token, id).await, "submitted", "nothing changed");
        // The session's own token works, Origin or not.
        bao.get(&format!("/orders/{id}")).await;
        let real = bao.client.post(&cancel)
            .header(COOKIE, bao.cookie_header())
            .multipart(Form::new().text("csrf", bao.csrf()).text("text", "不用了"))
            .send().await.unwrap();
        assert_eq!(real.status(), StatusCode::SEE_OTHER);
        assert_eq!(order_status(app, &bao_token, id).await, "cancelled");
    }

    async fn no_text_of_any_operation_takes_a_control_character(app: &TestApp) {
        let admin = app.token("admin").await;
        let document = app.request(reqwest::Method::GET, "/api/openapi.json", None, None).await;
        let document = document.expect(StatusCode::OK).clone();
        let mut tried = 0;
        for (path, item) in document["paths"].as_object().unwrap() {
            let path = concrete_path(path);
            for (method, operation) in item.as_object().unwrap() {
                let method: reqwest::Method = method.to_uppercase().parse().unwrap();
                // Every string of a JSON body…
                if let Some(schema) = operation["requestBody"]["content"]["application/json"]["schema"].as_object() {
                    let schema = resolve(&document, &Value::Object(schema.clone()));
                    for field in string_properties(&document, &schema) {
                        let mut body = plausible_body(&document, &schema);
                        body[&field] = json!("正常的字\u{0}后面");
                        let answer = app.request(method.clone(), &path, Some(&admin), Some(body)).await;
                        assert_control_characters_refused(&answer, &field, &format!("{method} {path}"));
                        tried += 1;
                    }
                }
                // …and every string of a query.
                for parameter in operation["parameters"].as_array().into_iter().flatten() {
                    let schema = resolve(&document, &parameter["schema"]);
                    if parameter["in"] != "query" || !is_string(&document, &schema) {
                        continue;
                    }
                    let name = parameter["name"].as_str().unwrap();
                    let answer = app.request(method.clone(), &format!("{path}?{name}=%E7%8C%AB%00"), Some(&admin), None).await;
                    assert_control_characters_refused(&answer, name, &format!("{method} {path}?{name}"));
                    tried += 1;
                }
            }
        }
        eprintln!("{tried} texts of the API document tried");
        assert!(tried > 100, "the document has the operations' texts ({tried} tried)");
    }

    async fn sign_in_search_and_forms_refuse_control_characters_and_keep_line_breaks(app: &TestApp) {
        // Signing in, before any account is known.
        let answer = app.sign_in("ba\u{0}o", "linli-demo").await;
        assert_control_characters_refused(&answer, "login", "sign-in");
        // Any other control character, and a query's.
        let bao = app.token("bao").await;
        let answer = app.post("/api/v1/work-orders", &bao, json!({ "category": "noise", "description": "吵\u{1b}[31m" })).await;
        assert_control_characters_refused(&answer, "description", "escape");
        let answer = app.get("/api/v1/work-orders?q=%00", &bao).await;
        assert_control_characters_refused(&answer, "q", "search");
        assert_eq!(order_count(app).await, 0, "nothing was stored");
        // The check reads no more of a body than the route would take.
        let too_long = app.post("/api/v1/work-orders", &bao, json!({ "category": "noise", "description": "长".repeat(400_000) })).await;
        too_long.expect_error(StatusCode::PAYLOAD_TOO_LARGE, "request.too_large");
        // A multi-line text keeps its line breaks and tabs.
        let kept = app.post("/api/v1/work-orders", &bao, json!({ "category": "noise", "description": "第一行\r\n第二行\t完" })).await;
        assert_eq!(kept.expect(StatusCode::CREATED)["description"], "第一行\r\n第二行\t完");

        // The pages: a urlencoded form (signing in) and a multipart one (reporting).
        let mut visitor = crate::pages::Visitor::new(app);
        visitor.get("/signin").await;
        let csrf = visitor.csrf();
        let page = visitor.post("/signin", &[("csrf", &csrf), ("login", "bao\u{0}"), ("password", "linli-demo")]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.body.contains("「账号」含有不可见字符"), "{}", page.body);
        let bao_pages = signed_in(app, "bao").await;
        let category = app.store.categories(linli_domain::ids::CommunityId(app.chengshangcheng().await)).await.unwrap()[0].id.to_string();
        let response = bao_pages.client.post(app.url("/report"))
            .header(COOKIE, bao_pages.cookie_header())
            .multipart(Form::new().text("csrf", bao_pages.csrf()).text("category_id", category).text("description", "灯坏了\u{0}"))
            .send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains("含有不可见字符"));
        assert_eq!(order_count(app).await, 1, "nothing more was stored");
    }

    async fn pages_carry_a_strict_policy_and_personal_answers_are_not_cached(app: &TestApp) {
        let anonymous = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let policy = |response: &reqwest::Response| {
            response.headers().get(CONTENT_SECURITY_POLICY).map(|value| value.to_str().unwrap().to_owned()).unwrap_or_default()
        };
        let cache = |response: &reqwest::Response| {
            response.headers().get(CACHE_CONTROL).map(|value| value.to_str().unwrap().to_owned()).unwrap_or_default()
        };
        let sign_in = anonymous.get(app.url("/signin")).send().await.unwrap();
        assert!(policy(&sign_in).starts_with("default-src 'self'"), "{}", policy(&sign_in));
        assert!(policy(&sign_in).contains("frame-ancestors 'none'"));
        let docs = anonymous.get(app.url("/api/docs")).send().await.unwrap();
        assert!(policy(&docs).starts_with("default-src 'self'"));
        assert!(!docs.text().await.unwrap().contains("<script>"), "no inline script for the policy to block");
        // Signed-in pages and the API's answers are kept by no cache; static files are.
        let bao = signed_in(app, "bao").await;
        for path in ["/", "/inbox", "/signin"] {
            let page = bao.client.get(app.url(path)).header(COOKIE, bao.cookie_header()).send().await.unwrap();
            assert_eq!(cache(&page), "no-store", "{path}");
            assert!(policy(&page).starts_with("default-src 'self'"), "{path}");
        }
        let token = app.token("bao").await;
        let me = anonymous.get(app.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap();
        assert_eq!(cache(&me), "no-store");
        let signing_in = app.sign_in("bao", "linli-demo").await;
        assert_eq!(signing_in.headers[CACHE_CONTROL], "no-store", "the answer holds a token");
        let script = anonymous.get(app.url("/static/app.js")).send().await.unwrap();
        assert!(cache(&script).starts_with("public"));
        // An address that is not UTF-8 gets the app's own error page.
        for path in ["/orders/%FF", "/orders/abc", "/work-orders/%FF"] {
            let page = bao.client.get(app.url(path)).header(COOKIE, bao.cookie_header()).send().await.unwrap();
            let status = page.status();
            assert!(status.is_client_error(), "{path}: {status}");
            assert!(page.headers()[CONTENT_TYPE].to_str().unwrap().starts_with("text/html"), "{path}");
            assert!(page.text().await.unwrap().contains("<title>出错了"), "{path}");
        }
        let unreadable = bao.client.get(app.url("/orders/%FF")).header(COOKIE, bao.cookie_header()).send().await.unwrap();
        assert_eq!(unreadable.status(), StatusCode::BAD_REQUEST);
    }

    async fn an_attackers_failures_do_not_keep_the_owner_out(app: &TestApp) {
        // Behind a proxy, the client's address is the one the proxy added last.
        let proxied = app.start_instance(WebConfig { demo_mode: true, trust_forwarded_for: true, ..WebConfig::default() }).await;
        let sign_in_from = |forwarded_for: &'static str, password: &'static str| {
            app.client.post(format!("http://{proxied}/api/v1/sessions"))
                .header("x-forwarded-for", forwarded_for)
                .json(&json!({ "login": "tang", "password": password }))
                .send()
        };
        let mut slowed = 0;
        for attempt in 0..10 {
            // Made-up addresses in front of the proxy's do not buy fresh attempts.
            let forwarded_for = if attempt % 2 == 0 { "203.0.113.9" } else { "10.9.8.7, 203.0.113.9" };
            let answer = sign_in_from(forwarded_for, "guessing").await.unwrap();
            match answer.status() {
                StatusCode::UNAUTHORIZED => {}
                StatusCode::TOO_MANY_REQUESTS => {
                    slowed += 1;
                    assert!(answer.headers().contains_key("retry-after"));
                }
                other => panic!("attempt {attempt}: {other}"),
            }
        }
        assert_eq!(slowed, 5, "after five failures the attacker's address waits");
        // The attacker's address waits even with the right password…
        let attacker = sign_in_from("203.0.113.9", "linli-demo").await.unwrap();
        assert_eq!(attacker.status(), StatusCode::TOO_MANY_REQUESTS);
        // …while the owner, from an address with no failures, signs in.
        let owner = sign_in_from("198.51.100.7", "linli-demo").await.unwrap();
        assert_eq!(owner.status(), StatusCode::CREATED);
        // The owner's success does not forgive the attacker's failures.
        let attacker = sign_in_from("203.0.113.9", "guessing").await.unwrap();
        assert_eq!(attacker.status(), StatusCode::TOO_MANY_REQUESTS);
        let wait: i64 = attacker.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=900).contains(&wait), "slowed, not locked: {wait}");
        // Having waited as told, the address may try again.
        app.clock.advance(chrono::Duration::seconds(wait));
        let again = sign_in_from("203.0.113.9", "guessing").await.unwrap();
        assert_eq!(again.status(), StatusCode::UNAUTHORIZED);
    }

    async fn concurrent_uploads_of_huge_images_stay_within_the_decode_budget(app: &TestApp) {
        // 49 megapixels in a small file: inside the 10 MB and 50-megapixel limits.
        let png = {
            let image = image::RgbImage::from_fn(7000, 7000, |x, y| image::Rgb([u8::try_from((x / 700 + y / 700) % 4).unwrap() * 60, 120, 200]));
            let mut png = Vec::new();
            image.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
            png
        };
        assert!(png.len() < 1024 * 1024, "a small file: {} bytes", png.len());
        let bao = app.token("bao").await;
        let order = app.post("/api/v1/work-orders", &bao, json!({ "category": "noise", "description": "楼上很吵" })).await;
        let id = order.expect(StatusCode::CREATED)["id"].as_i64().unwrap();
        // Each test has its process under nextest (as CI runs them): its peak memory is
        // this server's. Under `cargo test` the tests share one process, and the peak
        // says nothing about this one.
        let measured = std::env::var("NEXTEST_EXECUTION_MODE").is_ok_and(|mode| mode == "process-per-test");
        let before = resident_mib("VmRSS:");
        if measured {
            // The kernel's high-water mark starts again from here.
            std::fs::write("/proc/self/clear_refs", "5").unwrap();
        }
        let uploads = (0..4).map(|_| {
            let part = reqwest::multipart::Part::bytes(png.clone()).file_name("big.png").mime_str("image/png").unwrap();
            app.client.post(app.url(&format!("/api/v1/work-orders/{id}/photos"))).bearer_auth(&bao).multipart(Form::new().part("photo", part)).send()
        });
        for answer in futures_util::future::join_all(uploads).await {
            assert_eq!(answer.unwrap().status(), StatusCode::CREATED);
        }
        let peak_above_start = resident_mib("VmHWM:") - before;
        eprintln!("four concurrent 49-megapixel uploads: peak {peak_above_start:.0} MiB above the start");
        if measured {
            let allowed = f64::from(linli_app::work_orders::photos::DECODE_BUDGET_MIB) + 100.0;
            assert!(peak_above_start < allowed, "decoding took {peak_above_start:.0} MiB, more than {allowed:.0}");
        } else {
            eprintln!("the decode memory is measured under nextest only (tests share this process)");
        }
    }
}

/// The first room of the signed-in person.
async fn own_room(app: &TestApp, token: &str) -> i64 {
    let me = app.get("/api/v1/me", token).await;
    me.expect(StatusCode::OK)["rooms"][0]["room_id"]
        .as_i64()
        .unwrap()
}

async fn order_status(app: &TestApp, token: &str, id: i64) -> Value {
    let order = app.get(&format!("/api/v1/work-orders/{id}"), token).await;
    order.expect(StatusCode::OK)["status"].clone()
}

async fn order_count(app: &TestApp) -> usize {
    let duty = app.token("duty").await;
    let orders = app.get("/api/v1/work-orders", &duty).await;
    orders.expect(StatusCode::OK)["items"]
        .as_array()
        .unwrap()
        .len()
}

#[track_caller]
fn assert_control_characters_refused(answer: &crate::helpers::Response, field: &str, what: &str) {
    assert_eq!(
        (
            answer.status,
            answer.code(),
            answer.body["error"]["field"].as_str()
        ),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.control_characters",
            Some(field)
        ),
        "{what}: {}",
        answer.body
    );
}

/// A path of the document with every `{parameter}` made `1`.
fn concrete_path(template: &str) -> String {
    let mut path = String::new();
    let mut inside = false;
    for character in template.chars() {
        match character {
            '{' => inside = true,
            '}' => {
                inside = false;
                path.push('1');
            }
            _ if !inside => path.push(character),
            _ => {}
        }
    }
    path
}

/// A schema with its `$ref` followed.
fn resolve(document: &Value, schema: &Value) -> Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.trim_start_matches("#/components/schemas/");
            resolve(document, &document["components"]["schemas"][name])
        }
        None => schema.clone(),
    }
}

/// Whether a schema is text (`string`, optional or not, or a `$ref` to one).
fn is_string(document: &Value, schema: &Value) -> bool {
    let schema = resolve(document, schema);
    let typed = |kind: &Value| {
        kind == "string"
            || kind
                .as_array()
                .is_some_and(|kinds| kinds.iter().any(|k| k == "string"))
    };
    (typed(&schema["type"]) && schema["format"] != "binary")
        || schema["oneOf"].as_array().is_some_and(|options| {
            options
                .iter()
                .any(|option| option["type"] != "null" && is_string(document, option))
        })
}

fn string_properties(document: &Value, schema: &Value) -> Vec<String> {
    schema["properties"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, property)| is_string(document, property))
        .map(|(name, _)| name.clone())
        .collect()
}

/// A body with each required property given a value of its type, so that only the
/// text under test is wrong.
fn plausible_body(document: &Value, schema: &Value) -> Value {
    let mut body = json!({});
    for name in schema["required"].as_array().into_iter().flatten() {
        let name = name.as_str().unwrap();
        let property = resolve(document, &schema["properties"][name]);
        let kind = property["type"]
            .as_array()
            .and_then(|kinds| kinds.first().cloned())
            .unwrap_or_else(|| property["type"].clone());
        body[name] = match kind.as_str() {
            _ if is_string(document, &property) => {
                json!(property["enum"].get(0).cloned().unwrap_or(json!("测试")))
            }
            Some("integer" | "number") => json!(1),
            Some("boolean") => json!(false),
            Some("array") => json!([]),
            _ => json!({}),
        };
    }
    body
}

/// A figure of this process's memory from `/proc/self/status`, in MiB.
fn resident_mib(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kib: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    kib / 1024.0
}
