//! Escalating a ticket to a GitHub issue: one function for the staff page and the JSON API.

use super::Core;
use super::events;
use super::model::{Actor, TicketKey};
use super::rules::{CoreError, CoreResult};
use super::view::TicketDetail;
use crate::clock::now_ms;
use crate::github::{self, GithubConfig, Issue, NewIssue};

/// The GitHub repository and token: the saved ones first, then the command line's.
pub(crate) fn github_config(
    defaults: &crate::config::Settings,
    saved_repo: Option<String>,
    saved_token: Option<String>,
) -> Option<GithubConfig> {
    let repo = saved_repo.or_else(|| defaults.github_repo.clone());
    let token = saved_token.or_else(|| defaults.github_token.clone());
    match (repo, token) {
        (Some(repo), Some(token)) if !repo.trim().is_empty() && !token.trim().is_empty() => {
            Some(GithubConfig {
                api_url: defaults.github_api_url.clone(),
                repo,
                token,
            })
        }
        _ => None,
    }
}

/// The issue a ticket becomes: titled `"<title> - Ticket #<number>"`, labelled `support`
/// (and the ticket's `api`), with a link back to `site_url`.
pub(crate) fn issue_for(t: &TicketDetail, site_url: &str) -> NewIssue {
    let mut labels = vec!["support".to_owned()];
    labels.extend(t.api.clone());
    let body = format!(
        "Escalated from the help desk.\n\n\
         - Ticket: #{number} {title}\n- Status: {status}\n- Priority: {priority}\n\
         - Category: {category}\n- Customer: {customer}\n\n{description}\n\n\
         [Open ticket #{number}]({site}/tickets/{number})",
        number = t.number,
        title = t.title,
        status = t.status.label(),
        priority = t.priority.label(),
        category = t.category_name,
        customer = t.client.name,
        description = t.description(),
        site = site_url.trim_end_matches('/'),
    );
    NewIssue {
        title: format!("{} - Ticket #{}", t.title, t.number),
        body,
        labels,
    }
}

impl Core {
    /// A saved setting, if an admin saved one.
    pub async fn setting(&self, key: &str) -> CoreResult<Option<String>> {
        let (db, _) = sqlite_or!(self, pool => super::pg::setting(pool, key).await);
        Ok(
            sqlx::query_scalar!("SELECT value FROM settings WHERE key = ?", key)
                .fetch_optional(db)
                .await?,
        )
    }

    /// The GitHub repository and token: saved settings first, then the command line.
    pub async fn github_config(&self) -> CoreResult<Option<GithubConfig>> {
        Ok(github_config(
            &self.defaults,
            self.setting("github_repo").await?,
            self.setting("github_token").await?,
        ))
    }

    /// Creates a GitHub issue for a ticket and stores its URL on the ticket. Staff only.
    /// Titled `"<title> - Ticket #<number>"`, labelled `support` (and the ticket's `api`),
    /// with a link back to `site_url`. Nothing is stored when GitHub fails.
    pub async fn create_github_issue(
        &self,
        actor: &Actor,
        key: &TicketKey,
        site_url: &str,
    ) -> CoreResult<Issue> {
        let (_, writer) = sqlite_or!(self, pool => {
            super::pg::create_github_issue(pool, &self.defaults, actor, key, site_url).await
        });
        if !actor.is_staff() {
            return Err(CoreError::Forbidden);
        }
        let t = self.view_ticket(actor, key, false).await?;
        if t.issue_url.is_some() {
            return Err(CoreError::AlreadyEscalated);
        }
        let config = self
            .github_config()
            .await?
            .ok_or(CoreError::NotConfigured)?;
        let request = issue_for(&t, site_url);
        let issue = github::create_issue(&config, &request)
            .await
            .map_err(|e| CoreError::Upstream(e.to_string()))?;

        let now = now_ms();
        let (actor_id, ticket_id) = (actor.id, t.id);
        writer
            .write(move |tx| {
                Box::pin(async move {
                    let stored = sqlx::query!(
                        "UPDATE tickets SET issue_url = ?, updated_at = ?, version = version + 1
             WHERE id = ? AND issue_url IS NULL AND deleted_at IS NULL",
                        issue.html_url,
                        now,
                        ticket_id
                    )
                    .execute(&mut *tx)
                    .await?;
                    if stored.rows_affected() != 1 {
                        return Err(CoreError::AlreadyEscalated);
                    }
                    events::record(
                        &mut *tx,
                        ticket_id,
                        actor_id,
                        "issue_url",
                        None,
                        Some(&issue.html_url),
                    )
                    .await?;
                    Ok(issue)
                })
            })
            .await
    }
}
