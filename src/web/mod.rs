//! The HTML face: server-rendered pages that work without JavaScript.

mod account;
mod admin;
pub mod assets;
mod draft;
pub mod error;
mod replies;
mod ticket_list;
mod ticket_page;

use askama::Template;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use percent_encoding::percent_decode_str;
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::auth::{csrf, login, sessions};
use crate::routes::Routes;
use crate::secure::secret;
use crate::tickets::Actor;
use crate::web::error::{WebError, WebResult};

const FLASH_COOKIE: &str = "hd_flash";

pub fn router() -> Routes {
    Routes::new()
        .route("/", get(home))
        .route("/healthz", get(|| async { "ok" }))
        .merge(assets::router())
        .merge(account::router())
        .merge(ticket_list::router())
        .merge(ticket_page::router())
        .merge(admin::router())
        .merge(replies::router())
        .map(|r| r.layer(axum::middleware::from_fn(csrf::origin_guard)))
}

async fn home(v: Visitor) -> Redirect {
    Redirect::to(if v.user.is_some() {
        "/tickets"
    } else {
        "/login"
    })
}

/// The message of a form shown again because its write could not be saved.
pub(crate) fn unsaved_text(lang: crate::i18n::Lang) -> String {
    lang.t("error-unsaved")
}

pub use crate::http::encode_query;

/// A `?next=` target, kept only if it is a path on this site.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control) =>
        {
            n.to_owned()
        }
        _ => "/tickets".to_owned(),
    }
}

/// What every page's frame needs: who is logged in, the form token, a one-time message.
pub struct Layout {
    pub title: String,
    pub user: Option<Actor>,
    pub csrf: String,
    pub flash: Option<String>,
    pub css: &'static str,
    /// The reader's time zone (UTC unless chosen on the account page).
    pub zone: crate::clock::Zone,
    /// When the page was made, for "3 hours ago".
    pub now: i64,
    /// The reader's language.
    pub lang: crate::i18n::Lang,
}

impl Layout {
    /// The sentence `id` in the reader's language.
    pub fn t(&self, id: &str) -> String {
        self.lang.t(id)
    }

    /// The sentence `id` with one argument.
    pub fn t1(&self, id: &str, name: &str, value: &dyn std::fmt::Display) -> String {
        self.lang.t_with(id, &[(name, value.to_string().into())])
    }

    /// A file's size in the reader's language.
    pub fn size(&self, bytes: &i64) -> String {
        self.lang.size(*bytes)
    }

    /// The name of a status, priority or role.
    pub fn label(&self, item: &dyn crate::i18n::Named) -> String {
        self.lang.t(&item.name_id())
    }

    /// The sentence `id` with a count `n` (for plurals).
    pub fn tn(&self, id: &str, n: usize) -> String {
        self.lang
            .t_with(id, &[("n", crate::i18n::Arg::Number(n as i64))])
    }

    /// A time as pages show it: how long ago in words, the exact time in the reader's
    /// zone on hover, the machine-readable instant in `datetime`.
    pub fn when(&self, ms: &i64) -> askama::filters::Safe<String> {
        use crate::clock::Ago;
        let exact = self.zone.exact(*ms);
        let n = |id: &str, n: i64| self.lang.t_with(id, &[("n", n.into())]);
        let words = match crate::clock::ago(*ms, self.now) {
            Ago::JustNow => self.t("time-just-now"),
            Ago::Minutes(m) => n("time-minutes-ago", m),
            Ago::Hours(h) => n("time-hours-ago", h),
            Ago::Days(1) => self.t("time-yesterday"),
            Ago::Days(d) => n("time-days-ago", d),
            Ago::Long => exact.get(..10).unwrap_or(&exact).to_owned(),
        };
        let escape = |text: &str| {
            askama::filters::escape(text, askama::filters::Html)
                .map(|t| t.to_string())
                .unwrap_or_default()
        };
        askama::filters::Safe(format!(
            r#"<time datetime="{}" title="{}">{}</time>"#,
            crate::clock::iso_seconds(*ms),
            escape(&exact),
            escape(&words)
        ))
    }
}

/// The browser behind a request: its user (from the session cookie), its CSRF token and
/// any flash message. Cookies to set go out with the response it renders.
pub struct Visitor {
    pub user: Option<Actor>,
    /// Read with the session: lets pages reuse the cached pickers (`Core::catalog`).
    pub catalog_version: Option<i64>,
    pub csrf: String,
    pub flash: Option<String>,
    /// The user's time zone, from their account (UTC if none).
    pub zone: crate::clock::Zone,
    /// The language pages speak to this visitor (see [`crate::i18n`]).
    pub lang: crate::i18n::Lang,
    session_token: Option<String>,
    /// The device cookie of a browser that logged in before (see [`crate::auth::login`]).
    device: Option<String>,
    secure: bool,
    jar: CookieJar,
}

/// The client's address: the peer's, or from `X-Forwarded-For` when the peer is a trusted
/// proxy (see [`crate::Site::client_addr`]).
pub struct ClientAddr(pub std::net::IpAddr);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(std::net::IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED));
        Ok(ClientAddr(state.site.client_addr(peer, &parts.headers)))
    }
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> WebResult<Self> {
        let incoming = CookieJar::from_headers(&parts.headers);
        let session_token = incoming.get(sessions::COOKIE).map(|c| c.value().to_owned());
        let device = incoming
            .get(login::DEVICE_COOKIE)
            .map(|c| c.value().to_owned());
        let session = match &session_token {
            Some(token) => state.accounts().resolve_session(token).await?,
            None => None,
        };
        let catalog_version = session.as_ref().map(|s| s.catalog_version);
        let zone = crate::clock::Zone::named(session.as_ref().and_then(|s| s.time_zone.as_deref()));
        let lang = crate::i18n::Lang::choose(
            session.as_ref().and_then(|s| s.language.as_deref()),
            &parts.headers,
        );
        let user = session.map(|s| s.actor);
        let secure = state.site.secure_cookies;
        let mut jar = CookieJar::new();
        let csrf = match incoming.get(csrf::COOKIE) {
            Some(c) if c.value().len() == 64 => c.value().to_owned(),
            _ => {
                let token = secret();
                jar = jar.add(cookie(csrf::COOKIE, token.clone(), secure));
                token
            }
        };
        let flash = incoming.get(FLASH_COOKIE).map(|c| {
            jar = std::mem::take(&mut jar).add(expired(FLASH_COOKIE));
            percent_decode_str(c.value())
                .decode_utf8_lossy()
                .into_owned()
        });
        Ok(Visitor {
            user,
            catalog_version,
            csrf,
            flash,
            zone,
            lang,
            session_token,
            device,
            secure,
            jar,
        })
    }
}

fn cookie(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .build()
}

fn expired(name: &'static str) -> Cookie<'static> {
    let mut c = Cookie::build((name, "")).path("/").build();
    c.make_removal();
    c
}

impl Visitor {
    /// Checks the CSRF token of a multipart form (the reply and new-ticket forms, which
    /// read their body themselves; other forms are [`Checked`]).
    pub fn check_csrf(&self, submitted: &str) -> WebResult<()> {
        if csrf::verify(Some(&self.csrf), submitted) {
            Ok(())
        } else {
            Err(WebError::Csrf)
        }
    }

    pub fn layout(&self, title: impl Into<String>) -> Layout {
        Layout {
            title: title.into(),
            user: self.user.clone(),
            csrf: self.csrf.clone(),
            flash: self.flash.clone(),
            css: assets::stylesheet_url(),
            zone: self.zone.clone(),
            now: crate::clock::now_ms(),
            lang: self.lang,
        }
    }

    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }

    /// Logs in: a new session cookie and a new CSRF token (renewed at every login).
    pub fn start_session(&mut self, token: String) {
        let mut session = cookie(sessions::COOKIE, token, self.secure);
        session.set_max_age(time::Duration::milliseconds(sessions::LIFETIME_MS));
        self.csrf = secret();
        let jar = std::mem::take(&mut self.jar);
        self.jar = jar
            .add(session)
            .add(cookie(csrf::COOKIE, self.csrf.clone(), self.secure));
    }

    pub fn device(&self) -> Option<&str> {
        self.device.as_deref()
    }

    /// Remembers this browser as one that logged in (kept across logouts).
    pub fn trust_device(&mut self, token: String) {
        let mut device = cookie(login::DEVICE_COOKIE, token, self.secure);
        device.set_max_age(time::Duration::milliseconds(login::DEVICE_LIFETIME_MS));
        let jar = std::mem::take(&mut self.jar);
        self.jar = jar.add(device);
    }

    /// Logs out: the session cookie goes and the CSRF token is renewed.
    pub fn end_session(&mut self) {
        self.csrf = secret();
        let jar = std::mem::take(&mut self.jar);
        self.jar = jar.add(expired(sessions::COOKIE)).add(cookie(
            csrf::COOKIE,
            self.csrf.clone(),
            self.secure,
        ));
    }

    /// Renders a page with its status and the cookies this visit has to set.
    pub fn page(self, status: StatusCode, page: impl Template) -> WebResult<Response> {
        let html = page.render()?;
        Ok((status, self.jar, Html(html)).into_response())
    }

    /// Redirects after a POST, with a message shown once on the next page.
    pub fn redirect(self, to: &str, flash: Option<&str>) -> Response {
        let mut jar = self.jar;
        if let Some(message) = flash {
            jar = jar.add(cookie(FLASH_COOKIE, encode_query(message), self.secure));
        }
        (jar, Redirect::to(to)).into_response()
    }

    /// [`Visitor::redirect`] with the message `id` in the visitor's language.
    pub fn redirect_said(self, to: &str, id: &str, args: &[(&str, crate::i18n::Arg)]) -> Response {
        let message = self.lang.t_with(id, args);
        self.redirect(to, Some(&message))
    }
}

#[derive(Template)]
#[template(path = "error_in_layout.html")]
struct ErrorInLayout {
    layout: Layout,
    heading: String,
    message: String,
}

/// Puts a page's error (404, 403, 400...) inside the layout, with the visitor's own
/// navigation, so a mistake never leaves the application. JSON errors pass untouched.
pub async fn errors_in_layout(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: Request,
    next: axum::middleware::Next,
) -> Response {
    let mut head = axum::http::Request::builder()
        .uri(request.uri().clone())
        .body(())
        .map(|r| r.into_parts().0);
    if let Ok(parts) = head.as_mut() {
        parts.headers = request.headers().clone();
    }
    let response = next.run(request).await;
    let Some(shown) = response
        .extensions()
        .get::<crate::web::error::Shown>()
        .cloned()
    else {
        return response;
    };
    let status = response.status();
    let Ok(mut parts) = head else {
        return response;
    };
    let Ok(v) = Visitor::from_request_parts(&mut parts, &state).await else {
        return response;
    };
    let title = shown.title(v.lang);
    let page = ErrorInLayout {
        message: shown.message(v.lang),
        layout: v.layout(title.clone()),
        heading: title,
    };
    let retry = response
        .headers()
        .get(axum::http::header::RETRY_AFTER)
        .cloned();
    match v.page(status, page) {
        Ok(mut rendered) => {
            if let Some(value) = retry {
                rendered
                    .headers_mut()
                    .insert(axum::http::header::RETRY_AFTER, value);
            }
            rendered
        }
        Err(_) => response,
    }
}

/// "Are you sure?" before something is destroyed: pages work without JavaScript, so the
/// question is a page of its own whose button makes the real request.
#[derive(Template)]
#[template(path = "confirm.html")]
pub struct ConfirmPage {
    pub layout: Layout,
    pub heading: String,
    pub explanation: String,
    pub items: Vec<String>,
    /// Where the button posts, with these hidden fields.
    pub action: String,
    pub fields: Vec<(String, String)>,
    pub button: String,
    pub back: String,
}

/// A form that carries nothing but its CSRF token (buttons: logout, revoke, restore...).
#[derive(serde::Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
}

/// `axum::Form` whose rejection is a page with a 400, not a bare text body.
pub struct WebForm<T>(pub T);

impl<T, S> FromRequest<S> for WebForm<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> WebResult<Self> {
        axum_extra::extract::Form::<T>::from_request(req, state)
            .await
            .map(|axum_extra::extract::Form(v)| WebForm(v))
            .map_err(|e| {
                WebError::Said(
                    StatusCode::BAD_REQUEST,
                    "error-form-unreadable",
                    vec![("cause", e.body_text().into())],
                )
            })
    }
}

/// A form whose CSRF token matched the browser's before the handler runs: a handler that
/// takes a `Checked` form never sees a forged one. (A missing or stale token is the 403
/// page, which says to reload.)
pub struct Checked<T>(pub T);

/// A form with a CSRF token field.
pub trait HasCsrf {
    fn csrf(&self) -> &str;
}

/// Implements [`HasCsrf`] for form structs with a `csrf` field.
macro_rules! has_csrf {
    ($($form:ty),+ $(,)?) => {
        $(impl $crate::web::HasCsrf for $form {
            fn csrf(&self) -> &str {
                &self.csrf
            }
        })+
    };
}
pub(crate) use has_csrf;

has_csrf!(CsrfForm);

impl<T, S> FromRequest<S> for Checked<T>
where
    T: DeserializeOwned + HasCsrf,
    S: Send + Sync,
{
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> WebResult<Self> {
        let cookie = CookieJar::from_headers(req.headers())
            .get(csrf::COOKIE)
            .map(|c| c.value().to_owned());
        let WebForm(form) = WebForm::<T>::from_request(req, state).await?;
        if csrf::verify(cookie.as_deref(), form.csrf()) {
            Ok(Checked(form))
        } else {
            Err(WebError::Csrf)
        }
    }
}

/// The caller of a page, checked before its handler runs: any logged-in user. Anyone else
/// is sent to the login page, which leads back to where they were.
pub struct User(pub Visitor, pub Actor);

/// A logged-in agent or admin; customers get 403.
pub struct Staff(pub Visitor, pub Actor);

/// A logged-in admin; everyone else logged in gets 403.
pub struct Admin(pub Visitor, pub Actor);

impl FromRequestParts<AppState> for User {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> WebResult<Self> {
        let v = Visitor::from_request_parts(parts, state).await?;
        match v.user.clone() {
            Some(me) => Ok(User(v, me)),
            None => Err(WebError::LoginRequired {
                next: back_to(parts),
            }),
        }
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> WebResult<Self> {
        let User(v, me) = User::from_request_parts(parts, state).await?;
        if me.is_staff() {
            Ok(Staff(v, me))
        } else {
            Err(WebError::Forbidden)
        }
    }
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> WebResult<Self> {
        let User(v, me) = User::from_request_parts(parts, state).await?;
        if me.is_admin() {
            Ok(Admin(v, me))
        } else {
            Err(WebError::Forbidden)
        }
    }
}

/// Where the login page leads back to: the page asked for, or for a form sent without a
/// session, the page the form was on (its `Referer`, when it is on this site).
fn back_to(parts: &Parts) -> String {
    use axum::http::{Method, header};
    if parts.method == Method::GET || parts.method == Method::HEAD {
        return parts
            .uri
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_owned();
    }
    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok());
    parts
        .headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| url::Url::parse(r).ok())
        .filter(|u| {
            let authority = match u.port() {
                Some(port) => format!("{}:{port}", u.host_str().unwrap_or_default()),
                None => u.host_str().unwrap_or_default().to_owned(),
            };
            host == Some(authority.as_str())
        })
        .map(|u| match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_owned(),
        })
        .map_or_else(|| "/tickets".to_owned(), |p| safe_next(Some(&p)))
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/tickets/1001")), "/tickets/1001");
        assert_eq!(safe_next(Some("//evil.test/")), "/tickets");
        assert_eq!(safe_next(Some("https://evil.test/")), "/tickets");
        assert_eq!(safe_next(Some("/\\evil.test")), "/tickets");
        assert_eq!(safe_next(None), "/tickets");
    }
}
