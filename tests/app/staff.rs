//! The agent console: the queue's filters, search, counts and bulk actions; the ticket
//! page's panel, history, internal notes and the stale-page guard.

use helpdesk::tickets::{
    AssigneeFilter, CategoryRef, ListFilter, NewMessage, Priority, Role, Status, TicketKey,
    TicketUpdate, UserRef,
};
use reqwest::StatusCode;
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use helpdesk::tickets::SEARCH_HITS_MAX;

use crate::{TestApp, location, new_ticket, select};

/// The href of the queue's "Next" link, if the page has one.
fn older_link(html: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let older = scraper::Selector::parse("a[rel=next]").unwrap();
    doc.select(&older)
        .find(|a| a.text().collect::<String>() == "Next")
        .and_then(|a| a.value().attr("href"))
        .map(str::to_owned)
}

fn numbers(html: &str) -> Vec<String> {
    select(html, "table.tickets tbody td.number")
}

#[tokio::test]
async fn the_queue_shows_every_ticket_with_combinable_filters() {
    let app = TestApp::spawn().await;
    let (c, agent) = app.logged_in("agent@example.com", Role::Agent).await;
    let other = app.user("other@example.com", Role::Agent).await;
    let ann = app.user("ann@example.com", Role::Customer).await;
    let bob = app.user("bob@example.com", Role::Customer).await;
    let mut t = new_ticket("Printer jam", "The printer on floor 2 jams.");
    t.priority = Priority::Urgent;
    t.tags = vec!["hardware".into()];
    app.core.open_ticket(&ann, t).await.unwrap(); // 1001
    let mut t = new_ticket("Refund please", "Charged twice.");
    t.category = CategoryRef::Slug("billing".into());
    app.core.open_ticket(&bob, t).await.unwrap(); // 1002
    app.core
        .open_ticket(&bob, new_ticket("Login loop", "SSO keeps redirecting."))
        .await
        .unwrap(); // 1003
    let assign = |who: i64| TicketUpdate {
        assignee: Some(Some(UserRef::Id(who))),
        ..TicketUpdate::default()
    };
    app.core
        .update_ticket(&agent, &TicketKey::Number(1001), assign(agent.id))
        .await
        .unwrap();
    app.core
        .update_ticket(&agent, &TicketKey::Number(1002), assign(other.id))
        .await
        .unwrap();
    app.core
        .change_status(&agent, &TicketKey::Number(1002), Status::Pending, None)
        .await
        .unwrap();

    let (status, html) = c.text("/tickets").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(select(&html, "h1"), ["Ticket queue"]);
    assert_eq!(
        numbers(&html),
        ["1002", "1001", "1003"],
        "newest activity first"
    );
    assert!(select(&html, ".tabs a").contains(&"All 3".to_string()));
    assert!(select(&html, ".tabs a").contains(&"Open 2".to_string()));

    let (_, mine) = c.text("/tickets?assignee=me").await;
    assert_eq!(numbers(&mine), ["1001"]);
    let (_, none) = c.text("/tickets?assignee=none").await;
    assert_eq!(numbers(&none), ["1003"]);
    let (_, named) = c.text(&format!("/tickets?assignee={}", other.id)).await;
    assert_eq!(numbers(&named), ["1002"]);
    let (_, urgent) = c.text("/tickets?priority=urgent&status=open").await;
    assert_eq!(numbers(&urgent), ["1001"]);
    let (_, billing) = c.text("/tickets?category=2").await;
    assert_eq!(numbers(&billing), ["1002"]);
    assert!(
        select(&billing, ".tabs a").contains(&"All 1".to_string()),
        "counts follow the filters"
    );
    let tag_id: i64 = app
        .sql("SELECT id FROM tags WHERE name = 'hardware'")
        .scalar()
        .await;
    let (_, tagged) = c.text(&format!("/tickets?tag={tag_id}")).await;
    assert_eq!(numbers(&tagged), ["1001"]);
    let (_, by_created) = c.text("/tickets?sort=created").await;
    assert_eq!(numbers(&by_created), ["1003", "1002", "1001"]);
    let (_, by_priority) = c.text("/tickets?sort=priority").await;
    assert_eq!(numbers(&by_priority)[0], "1001");
    let (_, nothing) = c.text("/tickets?priority=low&assignee=me").await;
    assert!(numbers(&nothing).is_empty());
}

#[tokio::test]
async fn search_finds_titles_and_a_reply_written_a_moment_ago() {
    let app = TestApp::spawn().await;
    let (c, agent) = app.logged_in("agent@example.com", Role::Agent).await;
    let ann = app.user("ann@example.com", Role::Customer).await;
    app.core
        .open_ticket(&ann, new_ticket("Printer jam", "Paper stuck."))
        .await
        .unwrap();
    app.core
        .open_ticket(&ann, new_ticket("Invoice", "Wrong amount."))
        .await
        .unwrap();
    let (_, html) = c.text("/tickets?q=printer").await;
    assert_eq!(numbers(&html), ["1001"]);
    let (_, html) = c.text("/tickets?q=print").await;
    assert!(numbers(&html).is_empty(), "whole words unless asked");
    let (_, html) = c.text("/tickets?q=print*").await;
    assert_eq!(numbers(&html), ["1001"], "a trailing * matches a prefix");
    let (_, html) = c.text("/tickets?q=amount").await;
    assert_eq!(numbers(&html), ["1002"], "message bodies are searched");
    app.core
        .add_message(
            &ann,
            &TicketKey::Number(1002),
            NewMessage {
                body: "The fjord-blue invoice".into(),
                ..NewMessage::default()
            },
        )
        .await
        .unwrap();
    let (_, html) = c.text("/tickets?q=fjord").await;
    assert_eq!(
        numbers(&html),
        ["1002"],
        "findable as soon as it is written"
    );
    let (_, html) = c.text("/tickets?q=%22%29%28*%20OR").await;
    assert!(numbers(&html).is_empty(), "FTS syntax is not interpreted");
    let r = c.get("/tickets?q=%231002").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&r),
        "/tickets/1002",
        "a number jumps to the ticket"
    );
    let _ = agent;
}

#[tokio::test]
async fn bulk_actions_are_all_or_nothing_with_one_event_per_ticket() {
    let app = TestApp::spawn().await;
    let (c, agent) = app.logged_in("agent@example.com", Role::Agent).await;
    let ann = app.user("ann@example.com", Role::Customer).await;
    for i in 0..3 {
        app.ticket(&ann, &format!("t{i}")).await;
    }
    let agent_id = agent.id.to_string();
    let r = c
        .post(
            "/tickets/bulk",
            &[
                ("ids", "1001"),
                ("ids", "1002"),
                ("action", "assign"),
                ("value", &agent_id),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tickets WHERE assignee_id IS NOT NULL")
            .await,
        2
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM events WHERE kind = 'assignee'")
            .await,
        2
    );
    let r = c
        .post(
            "/tickets/bulk",
            &[
                ("ids", "1001"),
                ("ids", "999999"),
                ("action", "status"),
                ("value", "resolved"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tickets WHERE status = 'resolved'")
            .await,
        0,
        "nothing changed"
    );
    let r = c
        .post(
            "/tickets/bulk",
            &[
                ("ids", "1001"),
                ("ids", "1003"),
                ("action", "priority"),
                ("value", "urgent"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tickets WHERE priority = 'urgent'")
            .await,
        2
    );
    let r = c
        .post(
            "/tickets/bulk",
            &[("ids", "1001"), ("action", "delete"), ("value", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "agents do not delete");
    let (admin, _) = app.logged_in("admin@example.com", Role::Admin).await;
    // Deleting asks first; nothing is deleted until the confirmation's button.
    let r = admin
        .post(
            "/tickets/bulk",
            &[
                ("ids", "1001"),
                ("ids", "1002"),
                ("action", "delete"),
                ("value", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let confirm = r.text().await.unwrap();
    assert!(confirm.contains("Delete 2 tickets?"), "{confirm}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tickets WHERE deleted_at IS NOT NULL")
            .await,
        0
    );
    let r = admin
        .post(
            "/tickets/bulk",
            &[
                ("ids", "1001"),
                ("ids", "1002"),
                ("action", "delete"),
                ("confirmed", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("SELECT CAST(SUM(n) AS BIGINT) FROM ticket_counts WHERE status = 'open'")
            .await,
        1,
        "maintained counts follow"
    );
    let (customer, _) = app.logged_in("cust@example.com", Role::Customer).await;
    let r = customer
        .post(
            "/tickets/bulk",
            &[("ids", "1003"), ("action", "priority"), ("value", "low")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_panel_changes_fields_records_history_and_refuses_stale_pages() {
    let app = TestApp::spawn().await;
    let (c, agent) = app.logged_in("agent@example.com", Role::Agent).await;
    let ann = app.user("ann@example.com", Role::Customer).await;
    let n = app.ticket(&ann, "Scanner").await;
    let (_, page) = c.text(&format!("/tickets/{n}")).await;
    let doc = scraper::Html::parse_document(&page);
    let value = |sel: &str| {
        let s = scraper::Selector::parse(sel).unwrap();
        doc.select(&s)
            .next()
            .unwrap()
            .value()
            .attr("value")
            .unwrap()
            .to_owned()
    };
    let (version, loaded_at) = (
        value("form[action$='/update'] input[name=version]"),
        value("form[action$='/update'] input[name=loaded_at]"),
    );
    let agent_id = agent.id.to_string();
    let fields = |version: &str, loaded: &str, status: &str| {
        vec![
            ("version", version.to_owned()),
            ("loaded_at", loaded.to_owned()),
            ("status", status.to_owned()),
            ("priority", "high".to_owned()),
            ("category", "8".to_owned()),
            ("tags", "scanner, urgent".to_owned()),
            ("assignee", agent_id.clone()),
            ("resolution", "".to_owned()),
        ]
    };
    let as_refs = |v: &Vec<(&'static str, String)>| {
        v.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>()
    };
    let post = |v: Vec<(&'static str, String)>| {
        let c = &c;
        async move {
            let pairs: Vec<(&str, &str)> = v.iter().map(|(k, v)| (*k, v.as_str())).collect();
            c.post(&format!("/tickets/{n}/update"), &pairs).await
        }
    };
    // Someone else changes the ticket after the page was loaded.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    app.core
        .add_message(
            &ann,
            &TicketKey::Number(n),
            NewMessage {
                body: "Any news?".into(),
                ..NewMessage::default()
            },
        )
        .await
        .unwrap();
    let r = post(as_refs(&fields(&version, &loaded_at, "in_progress"))).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let html = r.text().await.unwrap();
    assert!(html.contains("This ticket changed since you opened it"));
    assert!(html.contains("ann added a message."), "says what changed");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tickets WHERE priority = 'high'")
            .await,
        0,
        "not applied silently"
    );
    // Re-submitting from the refreshed page works.
    let doc = scraper::Html::parse_document(&html);
    let sel = scraper::Selector::parse("form[action$='/update'] input[name=version]").unwrap();
    let fresh = doc
        .select(&sel)
        .next()
        .unwrap()
        .value()
        .attr("value")
        .unwrap()
        .to_owned();
    let r = post(as_refs(&fields(&fresh, "0", "in_progress"))).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let t = app
        .core
        .view_ticket(&agent, &TicketKey::Number(n), false)
        .await
        .unwrap();
    assert_eq!(
        (t.status, t.priority, t.category_slug.as_str()),
        (Status::InProgress, Priority::High, "smartScan")
    );
    assert_eq!(t.assignee.map(|a| a.id), Some(agent.id));
    let (_, page) = c.text(&format!("/tickets/{n}")).await;
    let history = select(&page, ".history li");
    // Sentences with verbs and the names the pages use (labels, not ids or slugs).
    for line in [
        "agent changed the status from Open to In progress",
        "agent changed the priority from Medium to High",
        "agent changed the category from Technical to SmartScan",
        "agent set the tags to “scanner, urgent”",
        "agent assigned it to agent",
        "opened the ticket",
    ] {
        assert!(
            history.iter().any(|h| h.contains(line)),
            "{line} in {history:?}"
        );
    }
}

#[tokio::test]
async fn internal_notes_stay_with_staff_everywhere() {
    let app = TestApp::spawn().await;
    let (agent_c, _) = app.logged_in("agent@example.com", Role::Agent).await;
    let (cust, ann) = app.logged_in("ann@example.com", Role::Customer).await;
    let n = app.ticket(&ann, "Help").await;
    let r = agent_c
        .post_multipart(
            &format!("/tickets/{n}/reply"),
            &[("message", "zebra-secret note"), ("internal", "on")],
            &[("attachments", "note.txt", b"internal file".to_vec())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, staff_page) = agent_c.text(&format!("/tickets/{n}")).await;
    assert!(staff_page.contains("zebra-secret note") && staff_page.contains("Internal note"));
    let file_id: i64 = app.sql("SELECT id FROM attachments").scalar().await;

    let (_, page) = cust.text(&format!("/tickets/{n}")).await;
    assert!(!page.contains("zebra-secret") && !page.contains("note.txt"));
    let (_, list) = cust.text("/tickets").await;
    assert!(
        select(&list, "tr.unseen").is_empty(),
        "a note is not a new reply"
    );
    assert_eq!(
        cust.get(&format!("/attachments/{file_id}/note.txt"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let token = app.api_token(&ann).await;
    let http = reqwest::Client::new();
    for path in ["/v2/support-tickets", "/support-tickets"] {
        let body = http
            .get(app.url(path))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!body.contains("zebra-secret"), "{path}");
    }
    let key = app.apikey().await;
    let detail = http
        .get(app.url(&format!(
            "/api/v1/support/ticket/detailed-view/?ticket_id={n}"
        )))
        .header("apikey", key)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !detail.contains("zebra-secret") && detail.contains("\"attachments\":[]"),
        "{detail}"
    );
    let (_, agent_search) = agent_c.text("/tickets?q=zebra").await;
    assert_eq!(numbers(&agent_search), [n.to_string()], "staff find notes");
}

#[tokio::test]
async fn the_github_button_uses_the_same_core_function() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "id": 1, "number": 77, "title": "t", "html_url": "https://github.com/acme/x/issues/77"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let settings = helpdesk::config::Settings {
        github_api_url: server.uri(),
        github_repo: Some("acme/x".into()),
        github_token: Some("t".into()),
        ..Default::default()
    };
    let app = TestApp::with_settings(settings).await;
    let (c, _) = app.logged_in("agent@example.com", Role::Agent).await;
    let ann = app.user("ann@example.com", Role::Customer).await;
    let n = app.ticket(&ann, "Escalate me").await;
    let r = c.post(&format!("/tickets/{n}/github"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = c.text(&format!("/tickets/{n}")).await;
    assert!(
        page.contains("GitHub issue #77 was created.")
            && page.contains("https://github.com/acme/x/issues/77")
    );
    let r = c.post(&format!("/tickets/{n}/github"), &[]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "already created");
}

/// The filtered tab counts come from `ticket_facets`, kept by triggers: after every kind of
/// write they must equal a count of the ticket rows themselves, for every combination.
#[tokio::test]
async fn filtered_counts_stay_exact_through_every_kind_of_write() {
    let app = TestApp::sqlite().await;
    let admin = app.user("admin@example.com", Role::Admin).await;
    let a1 = app.user("a1@example.com", Role::Agent).await;
    let a2 = app.user("a2@example.com", Role::Agent).await;
    let ann = app.user("ann@example.com", Role::Customer).await;
    let priorities = [Priority::Low, Priority::High, Priority::Urgent];
    for i in 0..9 {
        let mut t = new_ticket(&format!("t{i}"), "d");
        t.priority = priorities[i % 3];
        if i % 2 == 0 {
            t.category = CategoryRef::Slug("billing".into());
        }
        app.core.open_ticket(&ann, t).await.unwrap();
    }
    let key = TicketKey::Number;
    let assign = |who: Option<i64>| TicketUpdate {
        assignee: Some(who.map(UserRef::Id)),
        ..TicketUpdate::default()
    };
    let check = |step: &'static str| {
        let app = &app;
        let admin = admin.clone();
        let (a1, a2) = (a1.id, a2.id);
        async move {
            for assignee in [
                None,
                Some(AssigneeFilter::Unassigned),
                Some(AssigneeFilter::User(a1)),
                Some(AssigneeFilter::User(a2)),
            ] {
                for priority in [None, Some(Priority::High), Some(Priority::Urgent)] {
                    for category in [None, Some(1), Some(2)] {
                        let filter = ListFilter {
                            assignee,
                            priority,
                            category_id: category,
                            ..ListFilter::default()
                        };
                        let counts = app.core.count_by_status(&admin, &filter).await.unwrap();
                        let mut sql = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
                            "SELECT status, COUNT(*) FROM tickets WHERE deleted_at IS NULL",
                        );
                        match assignee {
                            Some(AssigneeFilter::Unassigned) => {
                                sql.push(" AND assignee_id IS NULL");
                            }
                            Some(AssigneeFilter::User(id)) => {
                                sql.push(" AND assignee_id = ").push_bind(id);
                            }
                            None => {}
                        }
                        if let Some(p) = priority {
                            sql.push(" AND priority = ").push_bind(p.as_str());
                        }
                        if let Some(c) = category {
                            sql.push(" AND category_id = ").push_bind(c);
                        }
                        sql.push(" GROUP BY status");
                        let rows: Vec<(String, i64)> =
                            sql.build_query_as().fetch_all(app.db()).await.unwrap();
                        for status in Status::ALL {
                            let want = rows
                                .iter()
                                .find(|(s, _)| s == status.as_str())
                                .map_or(0, |(_, n)| *n);
                            assert_eq!(
                                counts.get(status),
                                want,
                                "after {step}: {status} under {filter:?}"
                            );
                        }
                    }
                }
            }
        }
    };
    check("opening").await;
    app.core
        .bulk_update(
            &admin,
            &[key(1001), key(1002), key(1003)],
            assign(Some(a1.id)),
        )
        .await
        .unwrap();
    check("assigning").await;
    app.core
        .update_ticket(&admin, &key(1002), assign(Some(a2.id)))
        .await
        .unwrap();
    app.core
        .update_ticket(&admin, &key(1003), assign(None))
        .await
        .unwrap();
    check("reassigning and unassigning").await;
    let change = TicketUpdate {
        priority: Some(Priority::Urgent),
        category: Some(CategoryRef::Slug("technical".into())),
        ..TicketUpdate::default()
    };
    app.core
        .update_ticket(&admin, &key(1001), change)
        .await
        .unwrap();
    check("priority and category").await;
    app.core
        .change_status(&a1, &key(1004), Status::Resolved, None)
        .await
        .unwrap();
    app.core.close_ticket(&ann, &key(1005)).await.unwrap();
    check("status changes").await;
    app.core
        .delete_tickets(&admin, &[key(1001), key(1006)])
        .await
        .unwrap();
    check("deleting").await;
    app.core.restore_ticket(&admin, 1001).await.unwrap();
    app.core.purge_ticket(&admin, 1006).await.unwrap();
    check("restoring and purging").await;
}

/// The pickers are cached in memory, but a change shows on the next page, even one made
/// by another process writing to the database.
#[tokio::test]
async fn pickers_follow_changes_made_anywhere() {
    let app = TestApp::spawn().await;
    let (c, admin) = app.logged_in("admin@example.com", Role::Admin).await;
    let (_, html) = c.text("/tickets").await;
    assert!(!select(&html, "#assignee option").contains(&"Zed Agent".to_string()));
    // As `helpdesk user create` in another process would: straight into the database.
    app.sql(
        "INSERT INTO users (public_id, email, name, role, password_hash, created_at, updated_at)
         VALUES ('zed', 'zed@example.com', 'Zed Agent', 'agent', 'x', 0, 0)",
    )
    .execute()
    .await;
    let (_, html) = c.text("/tickets").await;
    assert!(select(&html, "#assignee option").contains(&"Zed Agent".to_string()));
    let zed: i64 = app
        .sql("SELECT id FROM users WHERE email = 'zed@example.com'")
        .scalar()
        .await;
    app.accounts().set_active(zed, false).await.unwrap();
    let (_, html) = c.text("/tickets").await;
    assert!(!select(&html, "#assignee option").contains(&"Zed Agent".to_string()));

    app.core
        .save_tag(&admin, None, "Fjord", "", true)
        .await
        .unwrap();
    let (_, html) = c.text("/tickets").await;
    assert!(select(&html, "#tag option").contains(&"Fjord".to_string()));
    app.sql("UPDATE categories SET name = 'Money' WHERE slug = 'billing'")
        .execute()
        .await;
    let (_, html) = c.text("/tickets/new").await;
    assert!(select(&html, "#category option").contains(&"Money".to_string()));
}

/// The href of the pagination link named `text`, if the page has one.
fn page_link(html: &str, text: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let links = scraper::Selector::parse(".pagination a").unwrap();
    doc.select(&links)
        .find(|a| a.text().collect::<String>() == text)
        .and_then(|a| a.value().attr("href"))
        .map(str::to_owned)
}

/// The queue pages by a cursor (keyset) in every sort order, forwards with Next and
/// backwards from Last with Previous: every ticket exactly once, in order, even when many
/// share the same last-activity time, with and without filters; each page says where it
/// is, and a page number in the address jumps there.
#[tokio::test]
async fn keyset_pages_visit_every_ticket_once_in_order() {
    let app = TestApp::spawn().await;
    let (c, agent) = app.logged_in("agent@example.com", Role::Agent).await;
    // Three customers: each may have 25 open tickets.
    for who in ["ann", "bob", "cat"] {
        let customer = app
            .user(&format!("{who}@example.com"), Role::Customer)
            .await;
        for i in 0..24 {
            let word = if i % 2 == 0 { "even" } else { "odd" };
            app.ticket(&customer, &format!("{who}{i} {word}")).await;
        }
    }
    // Ties: groups of ten tickets share one activity time; priorities and assignees vary.
    app.sql(
        "UPDATE tickets SET updated_at = 1000 + (id / 10),
                assignee_id = CASE WHEN id % 3 = 0 THEN ? END,
                priority = CASE id % 4 WHEN 0 THEN 'low' WHEN 1 THEN 'medium'
                                       WHEN 2 THEN 'high' ELSE 'urgent' END",
    )
    .bind(agent.id)
    .execute()
    .await;
    let rank =
        "CASE priority WHEN 'urgent' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END";
    for (sort, order) in [
        ("activity", "updated_at DESC, id DESC".to_owned()),
        ("created", "id DESC".to_owned()),
        ("priority", format!("{rank} DESC, updated_at DESC, id DESC")),
    ] {
        for (filter, sql) in [
            ("", ""),
            ("&assignee=me", " AND assignee_id IS NOT NULL"),
            ("&status=open", " AND status = 'open'"),
            ("&priority=high", " AND priority = 'high'"),
            // Search results page in the same order.
            ("&q=even", " AND title LIKE '%even'"),
            (
                "&q=odd&assignee=me",
                " AND title LIKE '%odd' AND assignee_id IS NOT NULL",
            ),
        ] {
            let want: Vec<String> = app
                .sql(&format!(
                    "SELECT CAST(number AS TEXT) FROM tickets WHERE TRUE {sql} ORDER BY {order}"
                ))
                .scalars()
                .await;
            let list = format!("/tickets?sort={sort}{filter}");
            let total = want.len();

            // Forwards, each page saying where it is.
            let mut seen = Vec::new();
            let mut path = list.clone();
            let mut pages = 0;
            loop {
                let (_, html) = c.text(&path).await;
                let rows = numbers(&html);
                let position = select(&html, ".pagination .position");
                if total > 25 {
                    let shown = format!(
                        "{}–{} of {total} tickets",
                        seen.len() + 1,
                        seen.len() + rows.len()
                    );
                    assert_eq!(position, [shown], "{path}");
                    assert_eq!(
                        page_link(&html, "First").is_some(),
                        pages > 0,
                        "First on {path}"
                    );
                }
                seen.extend(rows);
                pages += 1;
                assert!(pages <= 10, "{list} does not end");
                match page_link(&html, "Next") {
                    Some(next) => path = next,
                    None => break,
                }
            }
            assert_eq!(seen, want, "forwards through {list}");

            // Backwards from the last page.
            let (_, first) = c.text(&list).await;
            let mut back: Vec<Vec<String>> = Vec::new();
            if let Some(last) = page_link(&first, "Last") {
                let mut path = last;
                loop {
                    let (_, html) = c.text(&path).await;
                    back.push(numbers(&html));
                    assert!(back.len() <= 10, "{list} backwards does not end");
                    match page_link(&html, "Previous") {
                        Some(prev) => path = prev,
                        None => break,
                    }
                }
            } else {
                back.push(numbers(&first));
            }
            let back: Vec<String> = back.into_iter().rev().flatten().collect();
            assert_eq!(back, want, "backwards through {list}");

            // A page number jumps (near the start and near the end).
            for page in [2_usize, 3] {
                let (_, html) = c.text(&format!("{list}&page={page}")).await;
                let from = ((page - 1) * 25).min(total.saturating_sub(1) / 25 * 25);
                let expected: Vec<String> = want.iter().skip(from).take(25).cloned().collect();
                assert_eq!(numbers(&html), expected, "{list}&page={page}");
            }
        }
    }
}

/// A staff search considers the newest tickets with a match only (so that a common word
/// stays fast) and then says its counts are lower bounds. Many matches in one ticket count
/// once.
#[tokio::test]
async fn a_search_with_very_many_matches_says_its_counts_are_lower_bounds() {
    let app = TestApp::sqlite().await;
    let (c, _) = app.logged_in("agent@example.com", Role::Agent).await;
    let ann = app.user("ann@example.com", Role::Customer).await;
    for title in ["Old walrus", "Older walrus", "Busy"] {
        app.ticket(&ann, title).await;
    }
    let (_, html) = c.text("/tickets?q=walrus").await;
    assert_eq!(numbers(&html), ["1002", "1001"]);
    assert!(select(&html, ".tabs a").contains(&"All 2".to_string()));

    let busy: i64 = app
        .sql("SELECT id FROM tickets WHERE number = 1003")
        .scalar()
        .await;
    let mut tx = app.rw().begin().await.unwrap();
    for i in 0..SEARCH_HITS_MAX {
        sqlx::query(
            "INSERT INTO messages (public_id, ticket_id, author_id, body, internal, created_at)
             VALUES (?, ?, ?, 'walrus again', 0, 0)",
        )
        .bind(format!("m{i}"))
        .bind(busy)
        .bind(ann.id)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    // As the writer does before every COMMIT.
    sqlx::raw_sql(helpdesk::db::INDEX_PENDING)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let (_, html) = c.text("/tickets?q=walrus").await;
    assert_eq!(
        numbers(&html),
        ["1003", "1002", "1001"],
        "a ticket's many matches count once"
    );
    assert!(select(&html, ".tabs a").contains(&"All 3".to_string()));

    // As many newer tickets with the word as the cap: the oldest fall outside it.
    let mut opened = 0;
    for who in 0.. {
        let customer = app
            .user(&format!("c{who}@example.com"), Role::Customer)
            .await;
        for _ in 0..20 {
            app.ticket(&customer, &format!("Walrus {opened}")).await;
            opened += 1;
        }
        if opened >= SEARCH_HITS_MAX {
            break;
        }
    }
    let (_, html) = c.text("/tickets?q=walrus&status=open").await;
    let tabs = select(&html, ".tabs a");
    assert!(
        tabs.contains(&format!("All {SEARCH_HITS_MAX}+")),
        "{tabs:?}"
    );
    assert!(
        tabs.contains(&format!("Open {SEARCH_HITS_MAX}+")),
        "{tabs:?}"
    );
    let mut seen = Vec::new();
    let mut path = "/tickets?q=walrus".to_string();
    loop {
        let (_, html) = c.text(&path).await;
        seen.extend(numbers(&html));
        let Some(next) = older_link(&html) else {
            break;
        };
        path = next;
    }
    assert_eq!(seen.len() as i64, SEARCH_HITS_MAX);
    assert!(
        !seen.contains(&"1001".to_string()),
        "the newest tickets with a match"
    );
}

/// A customer's search covers every one of their tickets, however many other tickets
/// match, and never what staff wrote in internal notes or other customers' tickets.
#[tokio::test]
async fn a_customer_searches_all_of_their_own_tickets_and_nothing_else() {
    let app = TestApp::spawn().await;
    let (agent_c, _) = app.logged_in("agent@example.com", Role::Agent).await;
    let (cust, ann) = app.logged_in("ann@example.com", Role::Customer).await;
    let first = app.ticket(&ann, "Walrus in the printer").await;
    let second = app.ticket(&ann, "Invoice").await;
    let r = agent_c
        .post_multipart(
            &format!("/tickets/{second}/reply"),
            &[
                ("message", "walrus suspected, do not tell"),
                ("internal", "on"),
            ],
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mut opened = 0;
    for who in 0.. {
        let customer = app
            .user(&format!("c{who}@example.com"), Role::Customer)
            .await;
        for _ in 0..20 {
            app.ticket(&customer, &format!("Walrus {opened}")).await;
            opened += 1;
        }
        if opened > SEARCH_HITS_MAX {
            break;
        }
    }
    let (status, html) = cust.text("/tickets?q=walrus").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(numbers(&html), [first.to_string()]);
    assert!(select(&html, ".tabs a").contains(&"All 1".to_string()));
    let (_, html) = cust.text("/tickets?q=invoice").await;
    assert_eq!(numbers(&html), [second.to_string()]);
    let (_, html) = cust.text("/tickets?q=suspected").await;
    assert!(numbers(&html).is_empty(), "internal notes are not searched");
    assert!(html.contains("No tickets match these filters."));
    let (_, html) = agent_c.text("/tickets?q=suspected").await;
    assert_eq!(numbers(&html), [second.to_string()], "staff search notes");
}

/// Counts read as words ("1 ticket", "1,234 tickets"), an empty queue says why it is
/// empty, "Create GitHub issue" is offered only where GitHub is configured, and a fresh
/// instance's login page says where the setup link is.
#[tokio::test]
async fn the_console_says_things_well() {
    let app = TestApp::spawn().await;
    let (_, login) = app.client().text("/login").await;
    assert!(login.contains("no admin yet"), "first run is explained");
    let (agent, _) = app.logged_in("agent@example.com", Role::Agent).await;
    let (_, html) = agent.text("/tickets").await;
    assert!(html.contains("No tickets yet"), "{html}");
    assert!(!html.contains("match these filters"));
    let customer = app.user("carla@example.com", Role::Customer).await;
    let number = app.ticket(&customer, "Only one").await;
    let (_, html) = agent.text("/tickets").await;
    assert_eq!(crate::select(&html, "nav.pagination span"), ["1 ticket"]);
    let (_, html) = agent.text("/tickets?priority=urgent").await;
    assert!(html.contains("No tickets match these filters"));
    let (_, page) = agent.text(&format!("/tickets/{number}")).await;
    assert!(
        !page.contains("Create GitHub issue"),
        "GitHub is not configured"
    );
    app.user("admin@example.com", Role::Admin).await;
    let (_, login) = app.client().text("/login").await;
    assert!(!login.contains("no admin yet"));
}

/// Admins delete a ticket from its own page, after a confirmation page; agents never see
/// the button; "Delete for good" in the trash asks first too.
#[tokio::test]
async fn admins_delete_from_the_ticket_page_after_a_confirmation() {
    let app = TestApp::spawn().await;
    let customer = app.user("carla@example.com", Role::Customer).await;
    let number = app.ticket(&customer, "Spam").await;
    let (agent, _) = app.logged_in("agent@example.com", Role::Agent).await;
    let (_, page) = agent.text(&format!("/tickets/{number}")).await;
    assert!(!page.contains("Delete ticket"));
    let (admin, _) = app.logged_in("admin@example.com", Role::Admin).await;
    let (_, page) = admin.text(&format!("/tickets/{number}")).await;
    assert_eq!(
        select(&page, &format!("a[href='/tickets/{number}/delete']")),
        ["Delete ticket…"]
    );
    let (status, confirm) = admin.text(&format!("/tickets/{number}/delete")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(confirm.contains(&format!("Delete ticket #{number}?")));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tickets WHERE deleted_at IS NOT NULL")
            .await,
        0,
        "asking deletes nothing"
    );
    let r = admin.post(&format!("/tickets/{number}/delete"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tickets WHERE deleted_at IS NOT NULL")
            .await,
        1
    );
    let (_, trash) = admin.text("/admin/trash").await;
    assert_eq!(
        select(&trash, &format!("a[href='/admin/trash/{number}/purge']")).len(),
        1
    );
    let (status, confirm) = admin.text(&format!("/admin/trash/{number}/purge")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(confirm.contains("for good"));
    assert_eq!(app.count("SELECT COUNT(*) FROM tickets").await, 1);
}

/// The bulk form: each action has its own field and button (no "Set status" with an
/// agent's name), and "all on this page" works without JavaScript.
#[tokio::test]
async fn bulk_actions_take_their_own_values_and_all_on_the_page() {
    let app = TestApp::spawn().await;
    let customer = app.user("carla@example.com", Role::Customer).await;
    for title in ["One", "Two", "Three"] {
        app.ticket(&customer, title).await;
    }
    let (agent, _) = app.logged_in("agent@example.com", Role::Agent).await;
    let (_, html) = agent.text("/tickets").await;
    for (select_id, button) in [
        ("#bulk-assignee", "assign"),
        ("#bulk-status", "status"),
        ("#bulk-priority", "priority"),
    ] {
        assert_eq!(select(&html, select_id).len(), 1);
        assert_eq!(
            select(&html, &format!("button[name=action][value={button}]")).len(),
            1
        );
    }
    // The browser sends every select; the button pressed decides which one counts.
    let r = agent
        .post(
            "/tickets/bulk",
            &[
                ("ids", "1002"),
                ("assignee", "none"),
                ("status", "pending"),
                ("priority", "urgent"),
                ("action", "priority"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tickets WHERE priority = 'urgent'")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tickets WHERE status = 'pending'")
            .await,
        0
    );
    // All on this page, none ticked.
    let r = agent
        .post(
            "/tickets/bulk",
            &[
                ("all", "yes"),
                ("page_ids", "1001"),
                ("page_ids", "1002"),
                ("page_ids", "1003"),
                ("status", "pending"),
                ("action", "status"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM tickets WHERE status = 'pending'")
            .await,
        3
    );
}

/// 404, 403 and 400 appear inside the layout, with the visitor's navigation.
#[tokio::test]
async fn error_pages_keep_the_navigation() {
    let app = TestApp::spawn().await;
    let (agent, _) = app.logged_in("agent@example.com", Role::Agent).await;
    for (path, status) in [
        ("/tickets/999999", StatusCode::NOT_FOUND),
        ("/admin/users", StatusCode::FORBIDDEN),
        ("/no-such-page", StatusCode::NOT_FOUND),
    ] {
        let (got, html) = agent.text(path).await;
        assert_eq!(got, status, "{path}");
        assert_eq!(
            select(&html, "nav[aria-label=Main] a[href='/tickets']"),
            ["All tickets"],
            "{path}"
        );
        assert!(html.contains("Log out"), "{path}");
        assert_eq!(select(&html, "[role=alert]").len(), 1, "{path}");
    }
    let (got, html) = app.client().text("/no-such-page").await;
    assert_eq!(got, StatusCode::NOT_FOUND);
    assert_eq!(
        select(&html, "nav[aria-label=Main] a[href='/login']"),
        ["Log in"]
    );
}
