//! The pages around the list of tickets: the list itself (a customer's tickets, the staff
//! queue with its filters, paging and bulk actions), the new-ticket form and attachment
//! downloads. One ticket's own page is `ticket_page`.

use std::sync::Arc;

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

use super::{Checked, Layout, Staff, User, Visitor, encode_query};
use crate::AppState;
use crate::attachments::{UPLOAD_BODY_LIMIT, UploadForm, download_response, read_form};
use crate::i18n::Lang;
use crate::routes::Routes;
use crate::tickets::rules::split_tags;
use crate::tickets::{
    AssigneeFilter, Catalog, Category, CategoryRef, CoreError, Cursor, Exactness, Field,
    FieldError, ListFilter, NewTicket, Order, Priority, Problem, Status, StatusCounts, TicketKey,
    TicketSummary, TicketUpdate, UserRef,
};
use crate::web::error::{WebError, WebResult};

const PER_PAGE: i64 = 25;

pub fn router() -> Routes {
    Routes::new()
        .route("/tickets", get(list))
        .route("/tickets/bulk", post(bulk))
        .route(
            "/tickets/new",
            get(new_page)
                .post(create)
                .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route("/attachments/{id}/{filename}", get(download))
}

/// Field errors of a ticket form, looked up by field name in templates.
#[derive(Default)]
pub struct FormErrors(pub Vec<FieldError>, pub crate::i18n::Lang);

impl FormErrors {
    pub fn get(&self, field: &str) -> Option<String> {
        let messages: Vec<String> = self
            .0
            .iter()
            .filter(|e| e.field.as_str() == field)
            .map(|e| crate::i18n::field_error(self.1, e))
            .collect();
        (!messages.is_empty()).then(|| messages.join(" "))
    }
    pub fn any(&self) -> bool {
        !self.0.is_empty()
    }
    pub fn status(&self) -> StatusCode {
        if self
            .0
            .iter()
            .any(|e| matches!(e.problem, Problem::FileTooBig { .. }))
        {
            StatusCode::PAYLOAD_TOO_LARGE
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        }
    }
}

pub(super) fn too_big_errors(form: &UploadForm) -> Vec<FieldError> {
    form.too_big
        .iter()
        .map(|(_, filename)| {
            FieldError::new(
                Field::Attachments,
                Problem::FileTooBig {
                    filename: filename.clone(),
                },
            )
        })
        .collect()
}

// ---- the list (customers: their tickets; staff: the queue) ----

#[derive(Deserialize, Default)]
struct ListQuery {
    status: Option<String>,
    category: Option<String>,
    priority: Option<String>,
    assignee: Option<String>,
    tag: Option<String>,
    q: Option<String>,
    sort: Option<String>,
    page: Option<String>,
    /// Keyset paging: the next page after this row, the previous page before it, or the
    /// last page; `pos` is the position of the page's first row, carried by the links.
    after: Option<String>,
    before: Option<String>,
    last: Option<String>,
    pos: Option<String>,
}

struct Tab {
    label: String,
    value: &'static str,
    count: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "tickets/list.html")]
struct ListPage {
    layout: Layout,
    staff: bool,
    tabs: Vec<Tab>,
    /// The pickers' options.
    catalog: Arc<Catalog>,
    priorities: [Priority; 4],
    statuses: [Status; 6],
    /// The filters as given, echoed into the form and links.
    q: ListQuery,
    rows: Vec<TicketSummary>,
    total: String,
    pager: Pager,
}

/// Where a page of a list sits and the links to its neighbours.
#[derive(Default)]
struct Pager {
    /// "26–50 of 20,004 tickets" (or the total alone where the position is not known).
    position: String,
    /// "Page 2 of 801", where both are known.
    page_of: Option<String>,
    first: Option<String>,
    prev: Option<String>,
    next: Option<String>,
    last: Option<String>,
}

/// The page a list request asks for.
enum Wanted {
    First,
    /// A page number (offset paging; in the queue, a jump).
    Number(i64),
    After(Cursor, Option<i64>),
    Before(Cursor, Option<i64>),
    Last,
}

impl Wanted {
    fn of(q: &ListQuery) -> Self {
        let pos = q
            .pos
            .as_deref()
            .and_then(|p| p.parse::<i64>().ok())
            .filter(|p| (1..=1_000_000_000).contains(p));
        let cursor = |c: &Option<String>| c.as_deref().and_then(Cursor::parse);
        if let Some(c) = cursor(&q.before) {
            Wanted::Before(c, pos)
        } else if let Some(c) = cursor(&q.after) {
            Wanted::After(c, pos)
        } else if q.last.is_some() {
            Wanted::Last
        } else {
            match q.page.as_deref().and_then(|p| p.parse::<i64>().ok()) {
                Some(n) if n > 1 => Wanted::Number(n.min(1_000_000)),
                _ => Wanted::First,
            }
        }
    }
}

impl ListPage {
    /// This list's URL with `extra` query pairs replacing the paging ones.
    fn link(&self, extra: &str) -> String {
        let mut pairs = Vec::new();
        let fields = [
            ("status", &self.q.status),
            ("category", &self.q.category),
            ("priority", &self.q.priority),
            ("assignee", &self.q.assignee),
            ("tag", &self.q.tag),
            ("q", &self.q.q),
            ("sort", &self.q.sort),
        ];
        for (name, value) in fields {
            if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
                pairs.push(format!("{name}={}", encode_query(v)));
            }
        }
        if !extra.is_empty() {
            pairs.push(extra.to_owned());
        }
        format!("/tickets?{}", pairs.join("&"))
    }
    fn tab_link(&self, status: &str) -> String {
        let mut q = self.link("");
        q = q.replace(
            &format!(
                "status={}",
                self.q
                    .status
                    .as_deref()
                    .map(encode_query)
                    .unwrap_or_default()
            ),
            "",
        );
        format!("{q}&status={status}")
            .replace("?&", "?")
            .replace("&&", "&")
    }
    /// Whether the list is narrowed by a search, a status or a category (the filters
    /// customers have too).
    fn filtered(&self) -> bool {
        [
            &self.q.q,
            &self.q.status,
            &self.q.category,
            &self.q.priority,
            &self.q.assignee,
            &self.q.tag,
        ]
        .into_iter()
        .any(|v| v.as_deref().is_some_and(|v| !v.trim().is_empty()))
    }
    fn is(&self, value: &Option<String>, option: &str) -> bool {
        value.as_deref() == Some(option)
    }
    fn is_id(&self, value: &Option<String>, id: &i64) -> bool {
        value.as_deref() == Some(id.to_string().as_str())
    }
}

/// "20,004 tickets", "1 ticket", "200+ tickets".
fn total_label(lang: Lang, counts: &StatusCounts, total: i64) -> String {
    lang.t_with(
        "list-tickets",
        &[
            ("n", total.into()),
            ("count", counts.label(total, |n| lang.number(n)).into()),
        ],
    )
}

/// Where the page shown starts and what its links carry, before they are made into URLs
/// (they need the page's own filters).
struct Place {
    /// The 1-based position of the page's first row, if known.
    start: Option<i64>,
    /// The whole list's size, if known exactly.
    exact_total: Option<i64>,
    first_page: bool,
    last_page: bool,
    /// Keyset links (the queue) or page numbers (search results, a customer's tickets).
    keyset: Option<(Cursor, Cursor)>,
    total: String,
}

impl Pager {
    fn from_place(place: Place, page: &ListPage) -> Self {
        let Place {
            start,
            exact_total,
            first_page,
            last_page,
            keyset,
            total,
        } = place;
        let rows = page.rows.len() as i64;
        let lang = page.layout.lang;
        let position = match start {
            // One page: its size says it all.
            _ if first_page && last_page => total,
            Some(start) if rows > 0 => lang.t_with(
                "list-position",
                &[
                    ("start", lang.number(start).into()),
                    ("end", lang.number(start + rows - 1).into()),
                    ("total", total.into()),
                ],
            ),
            _ => total,
        };
        let page_number = start.map(|s| (s - 1) / PER_PAGE + 1);
        let pages = exact_total.map(|t| ((t + PER_PAGE - 1) / PER_PAGE).max(1));
        let page_of = match (page_number, pages) {
            (Some(n), Some(of)) if of > 1 => Some(lang.t_with(
                "list-page-of",
                &[
                    ("page", lang.number(n).into()),
                    ("pages", lang.number(of).into()),
                ],
            )),
            _ => None,
        };
        let pos = |p: Option<i64>| p.map(|p| format!("&pos={}", p.max(1))).unwrap_or_default();
        let (prev, next, last) = match keyset {
            Some((top, bottom)) => (
                page.link(&format!("before={top}{}", pos(start.map(|s| s - PER_PAGE)))),
                page.link(&format!("after={bottom}{}", pos(start.map(|s| s + rows)))),
                page.link("last=1"),
            ),
            None => {
                let n = page_number.unwrap_or(1);
                (
                    if n == 2 {
                        page.link("")
                    } else {
                        page.link(&format!("page={}", n - 1))
                    },
                    page.link(&format!("page={}", n + 1)),
                    page.link(&format!("page={}", pages.unwrap_or(1))),
                )
            }
        };
        Pager {
            position,
            page_of,
            first: (!first_page).then(|| page.link("")),
            prev: (!first_page).then_some(prev),
            next: (!last_page).then_some(next),
            last: (!last_page).then_some(last),
        }
    }
}

/// Reads the page of the list that `q` asks for, with the status counts and its place.
///
/// The staff queue pages by keyset (Previous and Next carry the cursor of the row beside
/// them, Last reads the list from its end), so every link costs the same however deep;
/// the position travels in the links (`pos`), since counting the rows before a cursor
/// would cost the depth. A page number in the address (`?page=50`) is a jump by offset,
/// read from whichever end of the list is nearer. Search results and a customer's own
/// tickets are few (at most 200 candidates, one customer's tickets) and page by number.
async fn page_of_list(
    lang: Lang,
    core: &crate::tickets::Core,
    user: &crate::tickets::Actor,
    filter: &mut ListFilter,
    q: &ListQuery,
) -> WebResult<(crate::tickets::Page<TicketSummary>, StatusCounts, Place)> {
    let searching = filter
        .search
        .as_deref()
        .and_then(crate::tickets::fts_query)
        .is_some();
    let keyset = user.is_staff() && !searching;
    let wanted = Wanted::of(q);
    if !keyset {
        let n = match wanted {
            Wanted::Number(n) => n,
            _ => 1,
        };
        filter.offset = (n - 1) * PER_PAGE;
        let (mut result, mut counts) = core.list_with_counts(user, filter).await?;
        let mut n = n;
        if n > result.pages() {
            // Beyond the end: the last page.
            n = result.pages();
            filter.offset = (n - 1) * PER_PAGE;
            (result, counts) = core.list_with_counts(user, filter).await?;
        }
        let (total, pages) = (result.total, result.pages());
        let start = filter.offset + 1;
        let place = Place {
            start: Some(start),
            exact_total: Some(total),
            first_page: n == 1,
            last_page: n >= pages,
            keyset: None,
            total: total_label(lang, &counts, total),
        };
        return Ok((result, counts, place));
    }

    // The counts first: they give the total, which places a jump or the last page.
    let counts = core.list_counts(user, filter).await?;
    let total = counts.sum_or_total(&filter.statuses);
    let exact = matches!(counts.1, Exactness::Exact)
        || matches!(counts.1, Exactness::CappedAt(cap) if total <= cap);
    let exact_total = exact.then_some(total);
    let mut start: Option<i64> = Some(1);
    let mut ends_list = false;
    match wanted {
        Wanted::First => {}
        Wanted::Number(n) => {
            let skip = (n - 1) * PER_PAGE;
            match exact_total {
                Some(total) if skip >= total => {
                    // Beyond the end: the last page.
                    let rows = (total - 1).rem_euclid(PER_PAGE) + 1;
                    filter.from_end = true;
                    filter.limit = rows;
                    start = Some((total - rows + 1).max(1));
                    ends_list = true;
                }
                Some(total) if skip > total / 2 => {
                    let rows = PER_PAGE.min(total - skip);
                    filter.from_end = true;
                    filter.offset = total - skip - rows;
                    filter.limit = rows;
                    start = Some(skip + 1);
                }
                _ => {
                    filter.offset = skip;
                    start = Some(skip + 1);
                }
            }
        }
        Wanted::After(cursor, pos) => {
            filter.after = Some(cursor);
            start = pos;
        }
        Wanted::Before(cursor, pos) => {
            filter.before = Some(cursor);
            start = pos;
        }
        Wanted::Last => {
            filter.from_end = true;
            ends_list = true;
            match exact_total {
                Some(total) if total > 0 => {
                    let rows = (total - 1).rem_euclid(PER_PAGE) + 1;
                    filter.limit = rows;
                    start = Some(total - rows + 1);
                }
                _ => start = None,
            }
        }
    }
    let mut result = core.list_page_with_total(user, filter, total).await?;
    if filter.before.is_some() && (result.items.len() as i64) < PER_PAGE {
        // Back at the top (the list moved since the link was made): the first page.
        filter.before = None;
        result = core.list_page_with_total(user, filter, total).await?;
        start = Some(1);
    }
    if let (Some(s), Some(total)) = (start, exact_total) {
        start = Some(s.clamp(1, total.max(1)));
    }
    let rows = result.items.len() as i64;
    let first_page = rows == 0 || start == Some(1);
    let last_page = ends_list
        || rows < PER_PAGE
        || matches!((start, exact_total), (Some(s), Some(t)) if s + rows > t);
    let keyset = match (result.items.first(), result.items.last()) {
        (Some(top), Some(bottom)) => Some((
            Cursor::of(filter.order, top),
            Cursor::of(filter.order, bottom),
        )),
        _ => None,
    };
    let place = Place {
        start,
        exact_total,
        first_page,
        last_page,
        keyset,
        total: total_label(lang, &counts, total),
    };
    Ok((result, counts, place))
}

fn parse_sort(q: &ListQuery) -> Order {
    match q.sort.as_deref() {
        Some("created") => Order::Created,
        Some("priority") => Order::Priority,
        _ => Order::Updated,
    }
}

async fn list(
    State(state): State<AppState>,
    User(v, user): User,
    Query(q): Query<ListQuery>,
) -> WebResult<Response> {
    let core = &state.core;
    let staff = user.is_staff();
    // A ticket number typed in the search box jumps to the ticket.
    if let Some(n) =
        q.q.as_deref()
            .map(str::trim)
            .map(|t| t.trim_start_matches('#'))
        && !n.is_empty()
        && n.len() <= 18
        && n.chars().all(|c| c.is_ascii_digit())
    {
        return Ok(v.redirect(&format!("/tickets/{n}"), None));
    }
    let id = |text: &Option<String>| text.as_deref().and_then(|c| c.parse::<i64>().ok());
    let status = q.status.as_deref().and_then(Status::parse);
    let order = parse_sort(&q);
    let mut filter = ListFilter {
        statuses: status.into_iter().collect(),
        category_id: id(&q.category),
        priority: q.priority.as_deref().and_then(Priority::parse),
        assignee: match q.assignee.as_deref() {
            Some("me") if staff => Some(AssigneeFilter::User(user.id)),
            Some("none") if staff => Some(AssigneeFilter::Unassigned),
            Some(other) if staff => other.parse().ok().map(AssigneeFilter::User),
            _ => None,
        },
        tag_id: if staff { id(&q.tag) } else { None },
        search: q.q.clone(),
        order,
        limit: PER_PAGE,
        ..ListFilter::default()
    };
    let (result, counts, place) = page_of_list(v.lang, core, &user, &mut filter, &q).await?;
    let mut tabs = vec![Tab {
        label: v.lang.t("list-all"),
        value: "",
        count: counts.label(counts.total(), |n| v.lang.number(n)),
        current: status.is_none(),
    }];
    tabs.extend(Status::ALL.into_iter().map(|s| Tab {
        label: v.lang.t(&crate::i18n::Named::name_id(&s)),
        value: s.as_str(),
        count: counts.label(counts.get(s), |n| v.lang.number(n)),
        current: status == Some(s),
    }));
    let catalog = core.catalog(v.catalog_version).await?;
    let layout = v.layout(v.lang.t(if staff {
        "list-title-staff"
    } else {
        "list-title-customer"
    }));
    let list_page = ListPage {
        layout,
        staff,
        tabs,
        catalog,
        priorities: Priority::ALL,
        statuses: Status::ALL,
        total: total_label(v.lang, &counts, result.total),
        pager: Pager::default(),
        rows: result.items,
        q,
    };
    let list_page = ListPage {
        pager: Pager::from_place(place, &list_page),
        ..list_page
    };
    v.page(StatusCode::OK, list_page)
}

#[derive(Deserialize)]
struct BulkForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    ids: Vec<i64>,
    action: String,
    #[serde(default)]
    value: String,
    /// Set by the confirmation page: deleting goes ahead.
    #[serde(default)]
    confirmed: String,
    /// Each action's own field (the button pressed names the action).
    #[serde(default)]
    assignee: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    priority: String,
    /// "All tickets on this page": the page's tickets instead of the ticked ones.
    #[serde(default)]
    all: String,
    #[serde(default)]
    page_ids: Vec<i64>,
}

/// Bulk actions on selected rows of the queue: assign, status, priority, delete (admins).
/// All or nothing, one event per ticket.
async fn bulk(
    State(state): State<AppState>,
    Staff(v, user): Staff,
    Checked(form): Checked<BulkForm>,
) -> WebResult<Response> {
    let lang = v.lang;
    let mut form = form;
    if form.all == "yes" {
        form.ids = std::mem::take(&mut form.page_ids);
    }
    // Each action reads its own field, so a wrong combination cannot be sent (`value`
    // stays for scripts written against the older form).
    let own = match form.action.as_str() {
        "assign" => &form.assignee,
        "status" => &form.status,
        "priority" => &form.priority,
        _ => &form.value,
    };
    if !own.is_empty() {
        form.value = own.clone();
    }
    if form.ids.is_empty() {
        return Ok(v.redirect("/tickets", Some(&lang.t("bulk-select-one"))));
    }
    let keys: Vec<TicketKey> = form.ids.iter().map(|n| TicketKey::Number(*n)).collect();
    let invalid = || WebError::BadRequest(lang.t("bulk-invalid"));
    let update = match form.action.as_str() {
        "assign" => TicketUpdate {
            assignee: Some(match form.value.as_str() {
                "none" => None,
                id => Some(UserRef::Id(id.parse().map_err(|_| invalid())?)),
            }),
            ..TicketUpdate::default()
        },
        "status" => TicketUpdate {
            status: Some(Status::parse(&form.value).ok_or_else(invalid)?),
            ..TicketUpdate::default()
        },
        "priority" => TicketUpdate {
            priority: Some(Priority::parse(&form.value).ok_or_else(invalid)?),
            ..TicketUpdate::default()
        },
        "delete" if form.confirmed != "yes" => {
            crate::tickets::delete::may_delete(&user)?;
            let mut fields: Vec<(String, String)> = form
                .ids
                .iter()
                .map(|n| ("ids".to_owned(), n.to_string()))
                .collect();
            fields.push(("action".into(), "delete".into()));
            fields.push(("confirmed".into(), "yes".into()));
            let n = form.ids.len() as i64;
            let page = super::ConfirmPage {
                layout: v.layout(lang.t("bulk-delete-title")),
                heading: lang.t_with(
                    "bulk-delete-heading",
                    &[("n", n.into()), ("count", lang.number(n).into())],
                ),
                explanation: lang.t("bulk-delete-explanation"),
                items: form.ids.iter().map(|n| format!("#{n}")).collect(),
                action: "/tickets/bulk".into(),
                fields,
                button: lang.t("bulk-delete-button"),
                back: "/tickets".into(),
            };
            return v.page(StatusCode::OK, page);
        }
        "delete" => {
            let n = state.core.delete_tickets(&user, &keys).await?;
            let n = i64::try_from(n).unwrap_or(i64::MAX);
            let said = lang.t_with(
                "bulk-deleted",
                &[("n", n.into()), ("count", lang.number(n).into())],
            );
            return Ok(v.redirect("/tickets", Some(&said)));
        }
        _ => return Err(invalid()),
    };
    state.core.bulk_update(&user, &keys, update).await?;
    Ok(v.redirect(
        "/tickets",
        Some(&lang.t_with(
            "bulk-updated",
            &[
                ("n", (keys.len() as i64).into()),
                ("count", lang.number(keys.len() as i64).into()),
            ],
        )),
    ))
}

// ---- a new ticket ----

#[derive(Template)]
#[template(path = "tickets/new.html")]
struct NewPage {
    layout: Layout,
    categories: Vec<Category>,
    priorities: [Priority; 4],
    title: String,
    category: String,
    priority: String,
    description: String,
    tags: String,
    errors: FormErrors,
    general: Option<String>,
}

async fn new_page(State(state): State<AppState>, User(v, _me): User) -> WebResult<Response> {
    let categories = active_categories(&state, &v).await?;
    let layout = v.layout(v.lang.t("new-title"));
    let page = NewPage {
        layout,
        categories,
        priorities: Priority::ALL,
        title: String::new(),
        category: String::new(),
        priority: Priority::Medium.as_str().into(),
        description: String::new(),
        tags: String::new(),
        errors: FormErrors::default(),
        general: None,
    };
    v.page(StatusCode::OK, page)
}

/// The new-ticket form with a ticket carried through a login (see [`super::draft`]).
pub(super) async fn ticket_draft(
    state: &AppState,
    v: Visitor,
    draft: &super::draft::Draft,
) -> WebResult<Response> {
    let categories = active_categories(state, &v).await?;
    let layout = v.layout(v.lang.t("new-title"));
    let page = NewPage {
        layout,
        categories,
        priorities: Priority::ALL,
        title: draft.draft_title.clone(),
        category: draft.draft_category.clone(),
        priority: draft.draft_priority.clone(),
        description: draft.draft_description.clone(),
        tags: draft.draft_tags.clone(),
        errors: FormErrors::default(),
        general: None,
    };
    v.page(StatusCode::OK, page)
}

async fn active_categories(state: &AppState, v: &Visitor) -> WebResult<Vec<Category>> {
    let catalog = state.core.catalog(v.catalog_version).await?;
    Ok(catalog
        .categories
        .iter()
        .filter(|c| c.active)
        .cloned()
        .collect())
}

async fn create(
    State(state): State<AppState>,
    v: Visitor,
    multipart: Multipart,
) -> WebResult<Response> {
    let mut form = read_form(multipart).await.map_err(upload_error)?;
    let Some(user) = v.user.clone() else {
        let draft = super::draft::Draft::ticket(&form);
        return super::account::login_to_continue(&state, v, "/tickets/new", draft).await;
    };
    v.check_csrf(form.text("csrf").unwrap_or_default())?;
    let text = |name: &str| form.text(name).unwrap_or_default().to_owned();
    let (title, category, priority, description, tags) = (
        text("title"),
        text("category"),
        text("priority"),
        text("description"),
        text("tags"),
    );

    let mut errors = too_big_errors(&form);
    let parsed_priority = Priority::parse(&priority);
    if parsed_priority.is_none() {
        errors.push(FieldError::new(Field::Priority, Problem::Invalid));
    }
    let category_id = category.parse::<i64>().ok();
    if category_id.is_none() {
        errors.push(FieldError::new(Field::Category, Problem::Invalid));
    }
    let input = NewTicket {
        title: title.clone(),
        subject: None,
        description: description.clone(),
        priority: parsed_priority.unwrap_or_default(),
        category: CategoryRef::Id(category_id.unwrap_or_default()),
        tags: split_tags(&tags),
        api: None,
        uploads: form.take_files("attachments"),
        links: Vec::new(),
        attachment_ids: Vec::new(),
    };
    errors.extend(input.check().0);

    let mut general = None;
    let mut status = StatusCode::TOO_MANY_REQUESTS;
    if errors.is_empty() {
        match state.core.open_ticket(&user, input).await {
            Ok(opened) => {
                let to = format!("/tickets/{}", opened.number);
                let flash = v
                    .lang
                    .t_with("flash-ticket-opened", &[("number", opened.number.into())]);
                return Ok(v.redirect(&to, Some(&flash)));
            }
            Err(CoreError::Invalid(list)) => errors = list,
            Err(e @ CoreError::OpenTicketLimit { .. }) => {
                general = Some(WebError::from(e).message_in(v.lang))
            }
            Err(e) => match WebError::from(e) {
                WebError::Unavailable => {
                    general = Some(super::unsaved_text(v.lang));
                    status = StatusCode::SERVICE_UNAVAILABLE;
                }
                other => return Err(other),
            },
        }
    }
    let errors = FormErrors(errors, v.lang);
    if general.is_none() {
        status = errors.status();
    }
    let layout = v.layout(v.lang.t("new-title"));
    let page = NewPage {
        layout,
        categories: active_categories(&state, &v).await?,
        priorities: Priority::ALL,
        title,
        category,
        priority,
        description,
        tags,
        errors,
        general,
    };
    v.page(status, page)
}

pub(super) fn upload_error(e: crate::attachments::UploadError) -> WebError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        WebError::Said(
            StatusCode::PAYLOAD_TOO_LARGE,
            "error-upload-too-large",
            Vec::new(),
        )
    } else {
        WebError::BadRequest(e.to_string())
    }
}

// ---- downloads ----

/// A download for the logged-in browser, or for an API client's Bearer token (the JSON
/// dialects link uploaded files here).
async fn download(
    State(state): State<AppState>,
    v: Visitor,
    headers: HeaderMap,
    Path((id, _filename)): Path<(String, String)>,
) -> WebResult<Response> {
    let user = match v.user.clone() {
        Some(user) => Some(user),
        None => match crate::auth::bearer::bearer(&state, &headers).await? {
            crate::auth::bearer::Bearer::User(actor) => Some(actor),
            _ => None,
        },
    };
    let (Some(user), Ok(id)) = (user, id.parse::<i64>()) else {
        return Err(WebError::NotFound);
    };
    let file = state.core.download(&user, id).await?;
    Ok(download_response(file))
}

super::has_csrf!(BulkForm,);
