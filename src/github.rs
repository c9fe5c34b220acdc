//! The outbound GitHub client: creates an issue for an escalated ticket. Its base URL is
//! configurable so that tests talk to a local fake, never to GitHub.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Where and as whom to create issues.
#[derive(Debug, Clone)]
pub struct GithubConfig {
    pub api_url: String,
    /// `owner/name`.
    pub repo: String,
    pub token: String,
}

#[derive(Debug, Serialize)]
pub struct NewIssue {
    pub title: String,
    pub body: String,
    pub labels: Vec<String>,
}

/// The parts of GitHub's answer we keep and pass on.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Issue {
    pub id: i64,
    pub number: i64,
    pub title: String,
    pub html_url: String,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub labels: Vec<Value>,
    #[serde(default)]
    pub assignees: Vec<Value>,
}

#[derive(Debug, thiserror::Error)]
pub enum GithubError {
    #[error("GitHub could not be reached: {0}")]
    Unreachable(String),
    #[error("GitHub answered {status}")]
    Refused { status: u16 },
    #[error("GitHub answered something unexpected: {0}")]
    Unexpected(String),
}

/// reqwest is built without a default TLS provider (to avoid building aws-lc); this installs
/// ring's. Call before building any HTTP client; calling it again is harmless.
pub fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// `POST {api_url}/repos/{repo}/issues`, with a 10-second timeout.
pub async fn create_issue(config: &GithubConfig, issue: &NewIssue) -> Result<Issue, GithubError> {
    install_tls_provider();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .user_agent(concat!("helpdesk/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| GithubError::Unreachable(e.to_string()))?;
    let url = format!(
        "{}/repos/{}/issues",
        config.api_url.trim_end_matches('/'),
        config.repo
    );
    let response = client
        .post(url)
        .bearer_auth(&config.token)
        .header("Accept", "application/vnd.github+json")
        .json(issue)
        .send()
        .await
        .map_err(|e| GithubError::Unreachable(e.to_string()))?;
    if !response.status().is_success() {
        return Err(GithubError::Refused {
            status: response.status().as_u16(),
        });
    }
    response
        .json::<Issue>()
        .await
        .map_err(|e| GithubError::Unexpected(e.to_string()))
}
