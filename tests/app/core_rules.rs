//! The ticket core's rules, tested once, where they live.

use helpdesk::tickets::{CoreError, Field, NewMessage, Problem, Role, Status, TicketKey, Upload};

use crate::{TestApp, new_ticket};

fn note(body: &str) -> NewMessage {
    NewMessage {
        body: body.into(),
        internal: true,
        ..NewMessage::default()
    }
}

fn reply(body: &str) -> NewMessage {
    NewMessage {
        body: body.into(),
        ..NewMessage::default()
    }
}

#[tokio::test]
async fn ticket_numbers_start_at_1001_and_are_never_reused() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann@example.com", Role::Customer).await;
    assert_eq!(app.ticket(&ann, "a").await, 1001);
    assert_eq!(app.ticket(&ann, "b").await, 1002);
    app.sql("DELETE FROM tickets WHERE number = 1002")
        .execute()
        .await;
    assert_eq!(app.ticket(&ann, "c").await, 1003);
}

#[tokio::test]
async fn a_customer_reply_reopens_resolved_and_pending_tickets() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann@example.com", Role::Customer).await;
    let agent = app.user("agent@example.com", Role::Agent).await;
    let key = TicketKey::Number(app.ticket(&ann, "t").await);
    for from in [Status::Resolved, Status::Pending] {
        app.core
            .change_status(&agent, &key, from, None)
            .await
            .unwrap();
        let m = app
            .core
            .add_message(&ann, &key, reply("still broken"))
            .await
            .unwrap();
        assert_eq!(m.status, Status::Open, "from {from}");
        let t = app.core.view_ticket(&ann, &key, false).await.unwrap();
        assert_eq!(t.status, Status::Open);
        assert_eq!(t.resolved_at, None);
    }
    // A staff reply does not move the ticket.
    app.core
        .change_status(&agent, &key, Status::InProgress, None)
        .await
        .unwrap();
    let m = app
        .core
        .add_message(&agent, &key, reply("looking"))
        .await
        .unwrap();
    assert_eq!(m.status, Status::InProgress);
}

#[tokio::test]
async fn only_staff_write_to_closed_or_cancelled_tickets() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann@example.com", Role::Customer).await;
    let agent = app.user("agent@example.com", Role::Agent).await;
    let key = TicketKey::Number(app.ticket(&ann, "t").await);
    for status in [Status::Closed, Status::Cancelled] {
        app.core
            .change_status(&agent, &key, status, None)
            .await
            .unwrap();
        let err = app
            .core
            .add_message(&ann, &key, reply("hello"))
            .await
            .unwrap_err();
        assert!(matches!(err, CoreError::TicketClosed), "{status}");
        let m = app
            .core
            .add_message(&agent, &key, reply("final words"))
            .await
            .unwrap();
        assert_eq!(m.status, status);
    }
}

#[tokio::test]
async fn status_changes_follow_the_permission_table() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann@example.com", Role::Customer).await;
    let bob = app.user("bob@example.com", Role::Customer).await;
    let agent = app.user("agent@example.com", Role::Agent).await;
    let key = TicketKey::Number(app.ticket(&ann, "t").await);
    assert!(matches!(
        app.core
            .change_status(&bob, &key, Status::Closed, None)
            .await,
        Err(CoreError::NotFound)
    ));
    assert!(matches!(
        app.core
            .change_status(&ann, &key, Status::InProgress, None)
            .await,
        Err(CoreError::Forbidden)
    ));
    assert!(matches!(
        app.core
            .change_status(&ann, &key, Status::Pending, None)
            .await,
        Err(CoreError::Forbidden)
    ));
    let change = app
        .core
        .change_status(&ann, &key, Status::Resolved, None)
        .await
        .unwrap();
    assert!(change.changed());
    let resolved_at = app
        .core
        .view_ticket(&ann, &key, false)
        .await
        .unwrap()
        .resolved_at;
    assert!(resolved_at.is_some());
    // Moving between finished states keeps the first resolution time.
    app.core
        .change_status(&ann, &key, Status::Closed, None)
        .await
        .unwrap();
    assert_eq!(
        app.core
            .view_ticket(&ann, &key, false)
            .await
            .unwrap()
            .resolved_at,
        resolved_at
    );
    let same = app
        .core
        .change_status(&ann, &key, Status::Closed, None)
        .await
        .unwrap();
    assert!(!same.changed());
    app.core
        .change_status(&ann, &key, Status::Open, None)
        .await
        .unwrap();
    app.core
        .change_status(&agent, &key, Status::InProgress, None)
        .await
        .unwrap();
    let events: Vec<(String, String)> = app
        .sql("SELECT from_value, to_value FROM events WHERE kind = 'status' ORDER BY id")
        .rows()
        .await;
    let expected = [
        ("open", "resolved"),
        ("resolved", "closed"),
        ("closed", "open"),
        ("open", "in_progress"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(events, expected);
}

#[tokio::test]
async fn the_open_ticket_limit_holds_customers_only() {
    let settings = helpdesk::config::Settings {
        open_ticket_limit: 2,
        ..Default::default()
    };
    let app = TestApp::with_settings(settings).await;
    let ann = app.user("ann@example.com", Role::Customer).await;
    let agent = app.user("agent@example.com", Role::Agent).await;
    let first = app.ticket(&ann, "1").await;
    app.ticket(&ann, "2").await;
    let err = app
        .core
        .open_ticket(&ann, new_ticket("3", "d"))
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::OpenTicketLimit { limit: 2 }));
    // Closing one frees a slot; reopening it while at the limit is refused.
    let key = TicketKey::Number(first);
    app.core
        .change_status(&ann, &key, Status::Closed, None)
        .await
        .unwrap();
    app.ticket(&ann, "3").await;
    let err = app
        .core
        .change_status(&ann, &key, Status::Open, None)
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::OpenTicketLimit { .. }));
    // The admin setting overrides the configured default.
    app.sql("INSERT INTO settings (key, value) VALUES ('open_ticket_limit', '3')")
        .execute()
        .await;
    app.ticket(&ann, "4").await;
    for i in 0..3 {
        app.ticket(&agent, &format!("staff {i}")).await;
    }
}

#[tokio::test]
async fn internal_notes_and_their_files_are_for_staff_only() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann@example.com", Role::Customer).await;
    let agent = app.user("agent@example.com", Role::Agent).await;
    let key = TicketKey::Number(app.ticket(&ann, "t").await);
    let err = app
        .core
        .add_message(&ann, &key, note("sneaky"))
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::Forbidden));
    let mut with_file = note("see attached");
    with_file.uploads = vec![Upload {
        filename: "notes.txt".into(),
        content_type: "text/plain".into(),
        data: b"x".to_vec(),
    }];
    app.core.add_message(&agent, &key, with_file).await.unwrap();
    let file_id: i64 = app.sql("SELECT id FROM attachments").scalar().await;

    let seen_by_customer = app.core.view_ticket(&ann, &key, false).await.unwrap();
    assert_eq!(seen_by_customer.messages.len(), 1);
    assert!(seen_by_customer.loose_attachments.is_empty());
    assert!(matches!(
        app.core.download(&ann, file_id).await,
        Err(CoreError::NotFound)
    ));
    let seen_by_staff = app.core.view_ticket(&agent, &key, false).await.unwrap();
    assert_eq!(seen_by_staff.messages.len(), 2);
    assert!(seen_by_staff.messages[1].internal);
    assert_eq!(app.core.download(&agent, file_id).await.unwrap().data, b"x");
}

#[tokio::test]
async fn limits_are_checked_in_the_core_and_nothing_partial_is_stored() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann@example.com", Role::Customer).await;
    let mut input = new_ticket(&"t".repeat(501), &"d".repeat(50_001));
    input.tags = (0..21).map(|i| format!("tag{i}")).collect();
    input.uploads = (0..11)
        .map(|i| Upload {
            filename: format!("{i}.txt"),
            content_type: "text/plain".into(),
            data: vec![0],
        })
        .collect();
    let CoreError::Invalid(errors) = app.core.open_ticket(&ann, input).await.unwrap_err() else {
        panic!("expected a validation error");
    };
    let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
    assert_eq!(
        fields,
        [
            Field::Title,
            Field::Description,
            Field::Tags,
            Field::Attachments
        ]
    );
    assert_eq!(errors[3].problem, Problem::TooMany { max: 10 });

    let mut unknown = new_ticket("ok", "ok");
    unknown.attachment_ids = vec!["0123456789abcdef01234567".into()];
    let err = app.core.open_ticket(&ann, unknown).await.unwrap_err();
    assert!(matches!(err, CoreError::Invalid(ref e) if e[0].problem == Problem::Unknown));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tickets").await,
        0,
        "rolled back"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM messages").await, 0);

    let mut bad_category = new_ticket("ok", "ok");
    bad_category.category = helpdesk::tickets::CategoryRef::Slug("nope".into());
    let err = app.core.open_ticket(&ann, bad_category).await.unwrap_err();
    assert!(matches!(err, CoreError::Invalid(ref e) if e[0].field == Field::Category));
}

#[tokio::test]
async fn a_stale_version_is_refused() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann@example.com", Role::Customer).await;
    let agent = app.user("agent@example.com", Role::Agent).await;
    let key = TicketKey::Number(app.ticket(&ann, "t").await);
    let version = app
        .core
        .view_ticket(&agent, &key, false)
        .await
        .unwrap()
        .version;
    app.core
        .add_message(&ann, &key, reply("new info"))
        .await
        .unwrap();
    let mut answer = reply("answer");
    answer.expected_version = Some(version);
    assert!(matches!(
        app.core.add_message(&agent, &key, answer).await,
        Err(CoreError::Stale)
    ));
    let err = app
        .core
        .change_status(&agent, &key, Status::Pending, Some(version))
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::Stale));
}

#[tokio::test]
async fn marking_messages_seen_is_all_or_nothing() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann@example.com", Role::Customer).await;
    let bob = app.user("bob@example.com", Role::Customer).await;
    let agent = app.user("agent@example.com", Role::Agent).await;
    let key = TicketKey::Number(app.ticket(&ann, "t").await);
    let a = app
        .core
        .add_message(&agent, &key, reply("one"))
        .await
        .unwrap();
    let bobs = TicketKey::Number(app.ticket(&bob, "b").await);
    let b = app
        .core
        .add_message(&agent, &bobs, reply("two"))
        .await
        .unwrap();
    let err = app
        .core
        .mark_messages_seen(&ann, &[a.public_id.clone(), b.public_id.clone()])
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::NotFound));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM messages WHERE seen_at IS NOT NULL")
            .await,
        0
    );
    app.core
        .mark_messages_seen(&ann, &[a.public_id])
        .await
        .unwrap();
    assert_eq!(
        app.count("SELECT COUNT(*) FROM messages WHERE seen_at IS NOT NULL")
            .await,
        1
    );
}

/// A ticket named twice in one deletion (by number and by public id, or the same number
/// twice, as a double click sends it) is deleted once, not refused as gone.
#[tokio::test]
async fn a_ticket_named_twice_in_one_deletion_is_deleted_once() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin@example.test", Role::Admin).await;
    let customer = app.user("carla@example.test", Role::Customer).await;
    let opened = app
        .core
        .open_ticket(&customer, new_ticket("Twice", "Delete me."))
        .await
        .unwrap();
    let other = app.ticket(&customer, "Also").await;
    let keys = [
        TicketKey::Number(opened.number),
        TicketKey::PublicId(opened.public_id.clone()),
        TicketKey::Number(other),
        TicketKey::Number(other),
    ];
    assert_eq!(app.core.delete_tickets(&admin, &keys).await.unwrap(), 2);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM events WHERE kind = 'deleted'")
            .await,
        2
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tickets WHERE deleted_at IS NOT NULL")
            .await,
        2
    );
}

/// A NUL character is refused in every text the core stores, alike on both databases
/// (PostgreSQL's `text` cannot hold one): a clear field error, nothing stored, never a 500.
#[tokio::test]
async fn text_with_a_nul_character_is_refused_as_the_field_it_is_in() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann@example.com", Role::Customer).await;
    let agent = app.user("agent@example.com", Role::Agent).await;
    let refused = app
        .core
        .open_ticket(&ann, new_ticket("Bad\0title", "Body\0 too"))
        .await;
    match refused {
        Err(CoreError::Invalid(errors)) => {
            let fields: Vec<_> = errors
                .iter()
                .map(|e| (e.field, e.problem.clone()))
                .collect();
            assert_eq!(
                fields,
                [
                    (Field::Title, Problem::Nul),
                    (Field::Description, Problem::Nul)
                ]
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM tickets").await, 0);
    let number = app.ticket(&ann, "Fine").await;
    let replied = app
        .core
        .add_message(&agent, &TicketKey::Number(number), reply("a\0b"))
        .await;
    assert!(
        matches!(&replied, Err(CoreError::Invalid(e)) if e[0].problem == Problem::Nul),
        "{replied:?}"
    );
    // Through a JSON dialect and a page: the dialect's own error, a page's 400.
    let token = app.api_token(&ann).await;
    let r = reqwest::Client::new()
        .post(app.url("/v2/support-tickets"))
        .bearer_auth(&token)
        .json(&serde_json::json!({
            "title": "NUL\u{0}", "description": "x", "priority": "medium", "category": "technical"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::BAD_REQUEST);
    let (c, _) = app.logged_in("bob@example.com", Role::Customer).await;
    let (status, _) = c.text("/tickets?title=a%00b&q=a%00b").await;
    assert_eq!(
        status,
        reqwest::StatusCode::OK,
        "a filter with NUL finds nothing"
    );
    let login = app.client().login("ann\0@example.com", "password123").await;
    assert_eq!(
        login.status(),
        reqwest::StatusCode::UNAUTHORIZED,
        "a wrong login"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM messages").await, 1);
}
