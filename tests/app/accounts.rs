//! Sign up, login, logout, throttling, CSRF, sessions, API tokens and first-run setup.

use helpdesk::tickets::Role;
use reqwest::StatusCode;

use crate::{PASSWORD, TestApp, location, select};

#[tokio::test]
async fn signup_logs_in_and_lands_on_my_tickets() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let (status, html) = c.text("/signup").await;
    assert_eq!(status, StatusCode::OK);
    for label in ["Name", "Email", "Password"] {
        assert!(
            select(&html, "label").contains(&label.to_string()),
            "label {label}"
        );
    }
    let r = c
        .post(
            "/signup",
            &[
                ("name", "Ann"),
                ("email", "ann@example.com"),
                ("password", "correct horse"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/tickets");
    let (status, html) = c.text("/tickets").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(select(&html, "h1"), ["My tickets"]);
    assert!(html.contains("Welcome! Your account is ready."));
    let role: String = app
        .sql("SELECT role FROM users WHERE email = 'ann@example.com'")
        .scalar()
        .await;
    assert_eq!(role, "customer");
}

#[tokio::test]
async fn signup_errors_keep_values_and_store_nothing() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let r = c
        .post(
            "/signup",
            &[
                ("name", "<b>Bo</b>"),
                ("email", "not-an-email"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("Enter a valid email address"));
    assert!(html.contains("Use at least 8 characters."));
    assert!(
        html.contains("value=\"&#60;b&#62;Bo&#60;/b&#62;\"") || html.contains("&lt;b&gt;Bo"),
        "name kept, escaped"
    );
    assert!(!html.contains("<b>Bo</b>"));
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 0);

    app.user("taken@example.com", Role::Customer).await;
    let r = c
        .post(
            "/signup",
            &[
                ("name", "T"),
                ("email", "TAKEN@example.com"),
                ("password", "long enough"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("already exists"));
}

#[tokio::test]
async fn login_rejects_wrong_password_and_unknown_email_alike() {
    let app = TestApp::spawn().await;
    app.user("ann@example.com", Role::Customer).await;
    let c = app.client();
    let wrong = c.login("ann@example.com", "wrong password").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let wrong = wrong.text().await.unwrap();
    let unknown = c.login("nobody@example.com", "wrong password").await;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    let unknown = unknown.text().await.unwrap();
    assert_eq!(
        select(&wrong, ".error-summary"),
        select(&unknown, ".error-summary")
    );
    assert!(c.cookie("hd_session").is_none());
    let ok = c.login("ANN@example.com", PASSWORD).await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert!(c.cookie("hd_session").is_some());
}

#[tokio::test]
async fn session_cookie_is_httponly_samesite_and_renewed_at_login() {
    let app = TestApp::spawn().await;
    app.user("ann@example.com", Role::Customer).await;
    let c = app.client();
    let csrf_before = c.csrf().await;
    let r = c.login("ann@example.com", PASSWORD).await;
    let cookies: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let session = cookies
        .iter()
        .find(|c| c.starts_with("hd_session="))
        .expect("session cookie");
    assert!(
        session.contains("HttpOnly")
            && session.contains("SameSite=Lax")
            && session.contains("Path=/")
    );
    assert!(!session.contains("Secure"), "plain http site");
    assert_ne!(c.csrf().await, csrf_before, "CSRF token renewed at login");
    let first = c.cookie("hd_session").unwrap();
    c.login("ann@example.com", PASSWORD).await;
    let second = c.cookie("hd_session").unwrap();
    assert_ne!(first, second);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM sessions").await,
        1,
        "old session ended"
    );
    let hashed: String = app.sql("SELECT token_hash FROM sessions").scalar().await;
    assert_ne!(hashed, second, "only the hash is stored");
}

#[tokio::test]
async fn next_parameter_only_redirects_to_local_paths() {
    let app = TestApp::spawn().await;
    app.user("ann@example.com", Role::Customer).await;
    let c = app.client();
    let r = c.get("/tickets/new").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/login?next=%2Ftickets%2Fnew");
    let r = c
        .post(
            "/login",
            &[
                ("email", "ann@example.com"),
                ("password", PASSWORD),
                ("next", "/tickets/new"),
            ],
        )
        .await;
    assert_eq!(location(&r), "/tickets/new");
    let c = app.client();
    let r = c
        .post(
            "/login",
            &[
                ("email", "ann@example.com"),
                ("password", PASSWORD),
                ("next", "//evil.test/x"),
            ],
        )
        .await;
    assert_eq!(location(&r), "/tickets");
    let c = app.client();
    let r = c
        .post(
            "/login",
            &[
                ("email", "ann@example.com"),
                ("password", PASSWORD),
                ("next", "https://evil.test"),
            ],
        )
        .await;
    assert_eq!(location(&r), "/tickets");
}

#[tokio::test]
async fn logout_is_a_post_that_ends_the_session() {
    let app = TestApp::spawn().await;
    let (c, _) = app.logged_in("ann@example.com", Role::Customer).await;
    let token = c.cookie("hd_session").unwrap();
    assert_eq!(
        c.get("/logout").await.status(),
        StatusCode::METHOD_NOT_ALLOWED
    );
    let r = c.post("/logout", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/login");
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0);
    // The old cookie value no longer opens anything.
    let other = app.client();
    let r = other
        .http
        .get(app.url("/tickets"))
        .header("cookie", format!("hd_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn forms_without_the_csrf_token_or_from_another_site_are_refused() {
    let app = TestApp::spawn().await;
    let (c, _) = app.logged_in("ann@example.com", Role::Customer).await;
    let r = c.post_raw("/account/tokens", &[("name", "x")]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = c
        .post_raw("/account/tokens", &[("name", "x"), ("csrf", "forged")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let csrf = c.csrf().await;
    let r = c
        .http
        .post(app.url("/account/tokens"))
        .header("origin", "http://evil.test")
        .form(&[("name", "x"), ("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // A multipart form is checked too, and nothing is stored.
    let r = c
        .http
        .post(app.url("/tickets/new"))
        .multipart(
            reqwest::multipart::Form::new()
                .text("title", "t")
                .text("csrf", "forged"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT COUNT(*) FROM api_tokens").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM tickets").await, 0);
    // With the token and a same-site Origin it works.
    let r = c
        .http
        .post(app.url("/account/tokens"))
        .header("origin", app.url(""))
        .form(&[("name", "x"), ("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(app.count("SELECT COUNT(*) FROM api_tokens").await, 1);
}

#[tokio::test]
async fn ten_failures_lock_the_account_even_in_parallel() {
    let app = TestApp::spawn().await;
    app.user("ann@example.com", Role::Customer).await;
    let c = app.client();
    let csrf = c.csrf().await;
    let mut attempts = Vec::new();
    for _ in 0..25 {
        let http = c.http.clone();
        let url = app.url("/login");
        let csrf = csrf.clone();
        attempts.push(tokio::spawn(async move {
            http.post(url)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("email", "ann@example.com"),
                    ("password", "guess"),
                ])
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    let mut locked = 0;
    for a in attempts {
        let status = a.await.unwrap();
        assert!(status == StatusCode::UNAUTHORIZED || status == StatusCode::TOO_MANY_REQUESTS);
        locked += usize::from(status == StatusCode::TOO_MANY_REQUESTS);
    }
    assert_eq!(locked, 15, "exactly ten guesses were checked");
    // The right password does not get in while the lock holds.
    let r = c.login("ann@example.com", PASSWORD).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.text().await.unwrap().contains("Too many failed attempts"));
    // Another account from the same address is not locked out.
    app.user("bob@example.com", Role::Customer).await;
    assert_eq!(
        c.login("bob@example.com", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_successful_login_resets_the_account_counter() {
    let app = TestApp::spawn().await;
    app.user("ann@example.com", Role::Customer).await;
    let c = app.client();
    for _ in 0..9 {
        assert_eq!(
            c.login("ann@example.com", "nope").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        c.login("ann@example.com", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    for _ in 0..9 {
        assert_eq!(
            c.login("ann@example.com", "nope").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
}

#[tokio::test]
async fn password_change_checks_the_current_one_and_ends_other_sessions() {
    let app = TestApp::spawn().await;
    let (c, _) = app.logged_in("ann@example.com", Role::Customer).await;
    let other = app.client();
    other.login("ann@example.com", PASSWORD).await;
    let r = c
        .post(
            "/account/password",
            &[
                ("current", "wrong"),
                ("new", "new password"),
                ("confirm", "new password"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("current password is not correct")
    );
    let r = c
        .post(
            "/account/password",
            &[
                ("current", PASSWORD),
                ("new", "new password"),
                ("confirm", "different"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = c
        .post(
            "/account/password",
            &[
                ("current", PASSWORD),
                ("new", "new password"),
                ("confirm", "new password"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        c.get("/account").await.status(),
        StatusCode::OK,
        "this browser stays logged in"
    );
    assert_eq!(
        other.get("/account").await.status(),
        StatusCode::SEE_OTHER,
        "the other session ended"
    );
    let fresh = app.client();
    assert_eq!(
        fresh
            .login("ann@example.com", "new password")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn api_tokens_are_shown_once_stored_hashed_and_revocable() {
    let app = TestApp::spawn().await;
    let (c, ann) = app.logged_in("ann@example.com", Role::Customer).await;
    let r = c.post("/account/tokens", &[("name", "CI script")]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    let doc = scraper::Html::parse_document(&html);
    let sel = scraper::Selector::parse("#new-token").unwrap();
    let token = doc
        .select(&sel)
        .next()
        .unwrap()
        .value()
        .attr("value")
        .unwrap()
        .to_owned();
    assert!(token.starts_with("hdt_"));
    let user = app
        .accounts()
        .user_for_api_token(&token)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.id, ann.id);
    let stored: String = app.sql("SELECT token_hash FROM api_tokens").scalar().await;
    assert_ne!(stored, token);
    let (_, page) = c.text("/account").await;
    assert!(
        page.contains("CI script") && !page.contains(&token),
        "listed, not shown again"
    );
    let id: i64 = app.sql("SELECT id FROM api_tokens").scalar().await;
    // Someone else cannot revoke it.
    let (bob, _) = app.logged_in("bob@example.com", Role::Customer).await;
    assert_eq!(
        bob.post(&format!("/account/tokens/{id}/revoke"), &[])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let r = c.post(&format!("/account/tokens/{id}/revoke"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        app.accounts()
            .user_for_api_token(&token)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn the_setup_link_creates_the_first_admin_once() {
    let app = TestApp::spawn().await;
    let token = app.accounts().issue_setup_token().await.unwrap();
    let c = app.client();
    assert_eq!(
        c.get("/setup?token=wrong").await.status(),
        StatusCode::BAD_REQUEST
    );
    let (status, html) = c.text(&format!("/setup?token={token}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Create the first admin"));
    let fields = [
        ("token", token.as_str()),
        ("name", "Root"),
        ("email", "root@example.com"),
        ("password", "admin password"),
    ];
    let r = c.post("/setup", &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let role: String = app
        .sql("SELECT role FROM users WHERE email = 'root@example.com'")
        .scalar()
        .await;
    assert_eq!(role, "admin");
    // Single use: neither the page nor the form works again.
    let again = app.client();
    assert_eq!(
        again.get(&format!("/setup?token={token}")).await.status(),
        StatusCode::BAD_REQUEST
    );
    let fields = [
        ("token", token.as_str()),
        ("name", "Evil"),
        ("email", "evil@example.com"),
        ("password", "admin password"),
    ];
    assert_eq!(
        again.post("/setup", &fields).await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE role = 'admin'")
            .await,
        1
    );
}

#[tokio::test]
async fn every_page_has_a_content_security_policy_without_inline_scripts() {
    let app = TestApp::spawn().await;
    let client = app.client();
    for path in ["/login", "/signup", "/tickets/999", "/no-such-page"] {
        let r = client.get(path).await;
        let csp = r
            .headers()
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        for part in [
            "default-src 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
            "base-uri 'none'",
        ] {
            assert!(csp.contains(part), "{path}: {csp}");
        }
        // Script files from this server only (the saved-reply helper), never inline.
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe"), "{path}: {csp}");
        let page = r.text().await.unwrap();
        assert!(!page.contains(" style=\""), "{path} has an inline style");
        for tag in page.split("<script").skip(1) {
            let tag = tag.split('>').next().unwrap_or_default();
            assert!(
                tag.contains(" src=\"/static/"),
                "{path} has an inline script"
            );
        }
    }
    let r = client.get("/docs/").await;
    let csp = r.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"));
    assert!(!csp.contains("unsafe"), "{csp}");
}

/// OWASP device cookies: a stranger who locks an account by guessing does not keep out a
/// browser that has logged in to it before; that browser is locked only by its own
/// failures, and its cookie is worth nothing for another account or when forged.
#[tokio::test]
async fn a_browser_that_logged_in_before_is_not_held_by_the_account_lock() {
    let app = TestApp::spawn().await;
    app.user("ann@example.com", Role::Customer).await;
    app.user("bob@example.com", Role::Customer).await;
    let owner = app.client();
    assert_eq!(
        owner.login("ann@example.com", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let device = owner.cookie("hd_device").expect("a device cookie");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM trusted_devices").await,
        1,
        "stored (hashed)"
    );
    owner.post("/logout", &[]).await;

    let stranger = app.client();
    for _ in 0..10 {
        assert_eq!(
            stranger.login("ann@example.com", "guess").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        stranger.login("ann@example.com", PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the account is locked for browsers it does not know"
    );
    // A forged device cookie is a stranger too.
    let forger = app.client();
    forger.csrf().await;
    let forged = forger
        .http
        .post(app.url("/login"))
        .header(
            "cookie",
            format!("hd_csrf={}; hd_device={}x", forger.csrf().await, device),
        )
        .form(&[
            ("csrf", forger.csrf().await.as_str()),
            ("email", "ann@example.com"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::TOO_MANY_REQUESTS);

    // The owner's browser gets in, and its success does not unlock the account for others.
    assert_eq!(
        owner.login("ann@example.com", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(owner.cookie("hd_device").as_deref(), Some(device.as_str()));
    owner.post("/logout", &[]).await;
    assert_eq!(
        stranger.login("ann@example.com", PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );

    // A trusted browser that guesses is locked itself after ten failures.
    for _ in 0..10 {
        assert_eq!(
            owner.login("ann@example.com", "guess").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        owner.login("ann@example.com", PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    // Its cookie names ann's account only: for bob it is an ordinary (unlocked) browser.
    assert_eq!(
        owner.login("bob@example.com", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
}

/// Sign-up says whether an address has an account, so one client may ask only so often.
#[tokio::test]
async fn signup_is_throttled_per_client_address() {
    let app = TestApp::spawn().await;
    let c = app.client();
    for i in 0..20 {
        let email = format!("probe{i}@example.com");
        let r = c
            .post(
                "/signup",
                &[("name", "P"), ("email", &email), ("password", "short")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let r = c
        .post(
            "/signup",
            &[
                ("name", "Real"),
                ("email", "real@example.com"),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let html = r.text().await.unwrap();
    assert!(html.contains("Too many sign-ups"), "{html}");
    assert!(
        html.contains("real@example.com"),
        "the form keeps what was typed"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 0);
}

/// `X-Forwarded-For` names the client only when the peer is a trusted proxy; otherwise it
/// is ignored, so a client cannot pick the address its failures count against.
#[tokio::test]
async fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
    async fn keys(app: &TestApp) -> Vec<String> {
        app.sql("SELECT key FROM login_throttle WHERE key LIKE 'ip:%' ORDER BY key")
            .scalars()
            .await
    }
    for (app, expected) in [
        (TestApp::behind_proxy().await, "ip:203.0.113.9"),
        (TestApp::spawn().await, "ip:127.0.0.1"),
    ] {
        let c = app.client();
        let csrf = c.csrf().await;
        let r = c
            .http
            .post(app.url("/login"))
            .header("x-forwarded-for", "198.51.100.1, 203.0.113.9")
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", "nobody@example.com"),
                ("password", "guess"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(keys(&app).await, [expected]);
    }
}

/// Every field error is linked to its field, on every account form.
#[tokio::test]
async fn field_errors_are_linked_to_their_fields() {
    let app = TestApp::spawn().await;
    let (c, _) = app.logged_in("ann@example.com", Role::Customer).await;
    let r = c
        .post(
            "/account/password",
            &[("current", "wrong"), ("new", "x"), ("confirm", "y")],
        )
        .await;
    let html = r.text().await.unwrap();
    let doc = scraper::Html::parse_document(&html);
    let invalid = scraper::Selector::parse("[aria-invalid=true]").unwrap();
    let fields: Vec<_> = doc.select(&invalid).collect();
    assert!(!fields.is_empty(), "{html}");
    for field in fields {
        let described = field.value().attr("aria-describedby").expect("linked");
        let error = scraper::Selector::parse(&format!("#{described}")).unwrap();
        assert_eq!(doc.select(&error).count(), 1, "{described}");
    }
}

/// Times read "3 hours ago", with the exact time in the reader's time zone on hover; the
/// zone is chosen on the account page (UTC until then) and only real zones are taken.
#[tokio::test]
async fn times_are_relative_with_the_exact_time_in_the_users_zone() {
    let app = TestApp::spawn().await;
    let (c, ann) = app.logged_in("ann@example.com", Role::Customer).await;
    let number = app.ticket(&ann, "Clock").await;
    // 2024-01-15 10:30 UTC, which is 11:30 in Madrid (CET).
    app.sql("UPDATE tickets SET updated_at = 1705314600000")
        .execute()
        .await;
    let time = |html: &str| {
        let doc = scraper::Html::parse_document(html);
        let sel = scraper::Selector::parse("table.tickets time").unwrap();
        let t = doc.select(&sel).next().expect("a time");
        (
            t.value().attr("datetime").unwrap().to_owned(),
            t.value().attr("title").unwrap().to_owned(),
            t.text().collect::<String>(),
        )
    };
    let (_, html) = c.text("/tickets").await;
    assert_eq!(
        time(&html),
        (
            "2024-01-15T10:30:00Z".into(),
            "2024-01-15 10:30 UTC".into(),
            "2024-01-15".into()
        ),
        "long ago: the date, the exact time in UTC on hover"
    );

    let refused = c
        .post("/account/time-zone", &[("time_zone", "Mars/Olympus")])
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert_eq!(
        select(&page, "#time-zone-error"),
        ["Choose a time zone from the list."]
    );
    let saved = c
        .post("/account/time-zone", &[("time_zone", "Europe/Madrid")])
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let (_, html) = c.text("/tickets").await;
    assert_eq!(time(&html).1, "2024-01-15 11:30 CET");
    let (_, account) = c.text("/account").await;
    assert_eq!(
        select(&account, "#time-zone option[selected]"),
        ["Europe/Madrid"]
    );

    // Recent times in words.
    let three_hours_ago = helpdesk::clock::now_ms() - 3 * 3_600_000 - 60_000;
    app.sql("UPDATE tickets SET updated_at = ?")
        .bind(three_hours_ago)
        .execute()
        .await;
    let (_, html) = c.text("/tickets").await;
    assert_eq!(time(&html).2, "3 hours ago");
    let (_, html) = c.text(&format!("/tickets/{number}")).await;
    assert!(select(&html, ".messages time").contains(&"just now".to_owned()));

    // Back to UTC.
    c.post("/account/time-zone", &[("time_zone", "")]).await;
    let (_, html) = c.text("/tickets").await;
    assert!(time(&html).1.ends_with(" UTC"));
}
