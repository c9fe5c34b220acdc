//! Saved replies: the team writes them once, inserts them into replies with the
//! placeholders filled, without JavaScript; customers never see them.

use helpdesk::tickets::Role;
use reqwest::StatusCode;

use crate::{TestApp, location, select};

#[tokio::test]
async fn agents_write_saved_replies_and_insert_them_into_a_reply() {
    let app = TestApp::spawn().await;
    let customer = app.user("carla@example.com", Role::Customer).await;
    app.sql("UPDATE users SET name = 'Carla Díaz' WHERE id = ?")
        .bind(customer.id)
        .execute()
        .await;
    let number = app.ticket(&customer, "Printer jams").await;
    let (agent, _) = app.logged_in("agent@example.com", Role::Agent).await;

    let r = agent
        .post(
            "/replies",
            &[
                ("title", "Greeting"),
                (
                    "body",
                    "Hello {customer_name}, about #{ticket_number} ({ticket_title}): on it. {agent_name}",
                ),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Titles are unique whatever their case; a mistake keeps what was typed.
    let r = agent
        .post("/replies", &[("title", "greeting"), ("body", "Other text")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Another one already has this title."),
        "{html}"
    );
    assert!(html.contains("Other text"));
    let r = agent.post("/replies", &[("title", ""), ("body", "")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let id: i64 = app.sql("SELECT id FROM saved_replies").scalar().await;
    let (_, list) = agent.text("/replies").await;
    assert_eq!(select(&list, "tbody td:first-child a"), ["Greeting"]);

    // The ticket page offers it; Insert fills the reply box.
    let (_, page) = agent.text(&format!("/tickets/{number}")).await;
    assert_eq!(select(&page, "#insert option"), ["Greeting"]);
    let (status, page) = agent.text(&format!("/tickets/{number}?insert={id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        select(&page, "#message"),
        [format!(
            "Hello Carla Díaz, about #{number} (Printer jams): on it. agent"
        )]
    );

    // Edit, then delete after a confirmation page.
    let r = agent
        .post(
            &format!("/replies/{id}"),
            &[("title", "Greeting"), ("body", "Hi {customer_name}!")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = agent.text(&format!("/tickets/{number}?insert={id}")).await;
    assert_eq!(select(&page, "#message"), ["Hi Carla Díaz!"]);
    let (status, confirm) = agent.text(&format!("/replies/{id}/delete")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(confirm.contains("Delete “Greeting”?"));
    assert_eq!(app.count("SELECT COUNT(*) FROM saved_replies").await, 1);
    let r = agent.post(&format!("/replies/{id}/delete"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/replies");
    assert_eq!(app.count("SELECT COUNT(*) FROM saved_replies").await, 0);
    let (status, _) = agent.text(&format!("/replies/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn customers_never_see_saved_replies() {
    let app = TestApp::spawn().await;
    let (agent, _) = app.logged_in("agent@example.com", Role::Agent).await;
    agent
        .post(
            "/replies",
            &[("title", "Secret"), ("body", "Internal wording")],
        )
        .await;
    let id: i64 = app.sql("SELECT id FROM saved_replies").scalar().await;
    let (customer, carla) = app.logged_in("carla@example.com", Role::Customer).await;
    let number = app.ticket(&carla, "Mine").await;
    let (status, _) = customer.text("/replies").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, page) = customer
        .text(&format!("/tickets/{number}?insert={id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("Internal wording"));
    assert!(select(&page, "#insert").is_empty());
}
