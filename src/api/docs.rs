//! The OpenAPI 3.1 document of every JSON dialect, generated from the code, and a
//! human-readable docs page served by the binary itself (Swagger UI, vendored: nothing is
//! fetched from the internet at build or run time).

use axum::Router;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_swagger_ui::SwaggerUi;

use super::{epixel, legacy, v2};
use crate::routes::Routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Helpdesk API",
        description = "Three JSON dialects over one ticket core: **v2** (`/v2/support-tickets`), \
                       **legacy** (`/support-tickets`) and **epixel** (`/api/v1/support/...`). \
                       A ticket created through one is visible through the others.",
    ),
    paths(
        v2::create, v2::list, v2::show,
        legacy::handlers::list, legacy::handlers::show, legacy::handlers::insert, legacy::handlers::add_thread, legacy::handlers::update,
        legacy::handlers::remove, legacy::handlers::bulk_delete, legacy::handlers::mark_seen, legacy::handlers::github_issue, legacy::handlers::upload,
        epixel::handlers::categories, epixel::handlers::create, epixel::handlers::history, epixel::handlers::tags,
        epixel::handlers::update, epixel::handlers::detail, epixel::handlers::download,
        epixel::handlers::conversation, epixel::handlers::status,
    ),
    modifiers(&Security),
    tags(
        (name = "v2", description = "Seeds 000, 002 and 003"),
        (name = "legacy", description = "Seed 001"),
        (name = "epixel", description = "Seed 004: form data in, `{status_code, errors, data}` out"),
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A personal API token (account page or `helpdesk token create`)",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "apikey",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "apikey",
                "An integration key (admin page or `helpdesk apikey create`)",
            ))),
        );
    }
}

pub fn router() -> Routes {
    // utoipa-swagger-ui serves the document and the UI's files under /docs.
    Routes::new().merge_foreign(
        Router::new().merge(SwaggerUi::new("/docs").url("/openapi.json", ApiDoc::openapi())),
        &["/openapi.json", "/docs", "/docs/", "/docs/{*rest}"],
    )
}
