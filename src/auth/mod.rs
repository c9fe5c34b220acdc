//! Who is calling: accounts, passwords, sessions, CSRF, throttling and the secrets that
//! identify API clients.

pub mod accounts;
pub mod bearer;
pub mod csrf;
pub mod login;
pub mod password;
pub mod reset;
pub mod sessions;
pub mod signup;
pub mod throttle;
pub mod tokens;
pub mod users;
