//! A request body must keep arriving: after a grace period it has to have delivered a
//! minimum number of bytes a second on average, or it is cut off. Without this, a client
//! that announces a large body and sends a byte every few seconds holds a connection (and
//! a file descriptor) for as long as it likes; a thousand of them starve real users.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Bytes;
use http_body::{Body, Frame, SizeHint};
use tokio::time::{Instant, Sleep};

/// How long any body may take before the rate applies: a slow phone's first bytes.
pub const GRACE: Duration = Duration::from_secs(10);
/// The average rate a body must keep after the grace period: 2 KiB/s (a 2 MiB upload may
/// take 17 minutes; a trickle of a byte a second is cut after the grace period).
pub const MIN_BYTES_PER_SECOND: u64 = 2048;

/// Why a body was cut off.
#[derive(Debug, thiserror::Error)]
#[error("the request body arrived too slowly and was cut off")]
pub struct TooSlow;

/// Wraps a body with the rate rule.
pub struct RateLimited<B> {
    inner: Pin<Box<B>>,
    started: Instant,
    received: u64,
    grace: Duration,
    min_rate: u64,
    deadline: Pin<Box<Sleep>>,
}

impl<B> RateLimited<B> {
    pub fn new(inner: B, grace: Duration, min_rate: u64) -> Self {
        let started = Instant::now();
        Self {
            inner: Box::pin(inner),
            started,
            received: 0,
            grace,
            min_rate,
            deadline: Box::pin(tokio::time::sleep_until(started + grace)),
        }
    }

    /// The moment by which the next byte must have come for the average to hold.
    fn next_deadline(&self) -> Instant {
        let allowed = Duration::from_secs_f64(self.received as f64 / self.min_rate as f64);
        self.started + self.grace + allowed
    }
}

impl<B> Body for RateLimited<B>
where
    B: Body<Data = Bytes>,
    B::Error: Into<axum::BoxError>,
{
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        match self.inner.as_mut().poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    self.received += data.len() as u64;
                    let next = self.next_deadline();
                    self.deadline.as_mut().reset(next);
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e.into()))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => match self.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(TooSlow)))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
