//! Building the router while keeping a table of its paths.
//!
//! Every face adds its routes through [`Routes`] instead of `axum::Router`, so the table
//! can not miss one. The authorization matrix in the tests walks this table (and probes
//! each path's methods on the real router), so a route added without its row fails there.

use axum::Router;
use axum::routing::MethodRouter;

use crate::AppState;

pub struct Routes<S = AppState> {
    router: Router<S>,
    paths: Vec<String>,
}

impl<S: Clone + Send + Sync + 'static> Default for Routes<S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S: Clone + Send + Sync + 'static> Routes<S> {
    pub fn new() -> Self {
        Routes {
            router: Router::new(),
            paths: Vec::new(),
        }
    }

    /// `Router::route`, remembered.
    pub fn route(mut self, path: &str, method_router: MethodRouter<S>) -> Self {
        self.router = self.router.route(path, method_router);
        self.paths.push(path.to_owned());
        self
    }

    /// `Router::merge`, tables included.
    pub fn merge(mut self, other: Routes<S>) -> Self {
        self.router = self.router.merge(other.router);
        self.paths.extend(other.paths);
        self
    }

    /// Merges a router built elsewhere (the API docs) whose paths are given.
    pub fn merge_foreign(mut self, router: Router<S>, paths: &[&str]) -> Self {
        self.router = self.router.merge(router);
        self.paths.extend(paths.iter().map(|p| (*p).to_owned()));
        self
    }

    /// Applies `f` (a layer for every route so far) to the router.
    pub fn map(mut self, f: impl FnOnce(Router<S>) -> Router<S>) -> Self {
        self.router = f(self.router);
        self
    }

    pub fn paths(&self) -> &[String] {
        &self.paths
    }

    pub fn into_router(self) -> Router<S> {
        self.router
    }
}
