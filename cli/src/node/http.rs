//! The node's HTTP server (axum on hyper 1): routes, limits, errors as JSON.
use super::{ingest, Shared};
use anchor_lang::prelude::Pubkey;
use axum::{
    body::Bytes,
    extract::{rejection::BytesRejection, DefaultBodyLimit, Path, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use bandwidth_client::{
    api::{self, ChannelView, ErrorBody, JsonReceipts, ReceiptResult, ReceiptsResponse, U64},
    receipts::store::Book,
};
use std::{
    io,
    net::SocketAddr,
    pin::Pin,
    sync::{atomic::Ordering, Arc},
    task::{Context, Poll},
};
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::{TcpListener, TcpStream},
    sync::{OwnedSemaphorePermit, Semaphore},
};

fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    (
        status,
        Json(ErrorBody {
            code: code.into(),
            error: message.into(),
        }),
    )
        .into_response()
}

pub fn router(shared: Arc<Shared>) -> Router {
    let limit = shared.limits.max_body_bytes;
    Router::new()
        .route(api::RECEIPTS_PATH, post(post_receipts))
        .route(&format!("{}/{{address}}", api::CHANNELS_PATH), get(get_channel))
        .route(api::TERMS_PATH, get(get_terms))
        .route(api::HEALTH_PATH, get(health))
        .route(api::METRICS_PATH, get(metrics))
        .fallback(|| async {
            error(
                StatusCode::NOT_FOUND,
                "not_found",
                "no such path: see /v1/receipts, /v1/channels/{address}, /v1/terms, /healthz, /metrics",
            )
        })
        .layer(DefaultBodyLimit::max(limit))
        .with_state(shared)
}

async fn post_receipts(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    shared.metrics.requests.fetch_add(1, Ordering::Relaxed);
    let refuse = |status, code: &str, message: String| {
        shared
            .metrics
            .requests_refused
            .fetch_add(1, Ordering::Relaxed);
        error(status, code, message)
    };
    if shared.shutting_down.load(Ordering::SeqCst) {
        return refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "shutting_down",
            "the node is stopping: send again to its next start".into(),
        );
    }
    let body = match body {
        Ok(b) => b,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                format!(
                    "the body is larger than {} bytes: send fewer receipts per request",
                    shared.limits.max_body_bytes
                ),
            )
        }
        Err(e) => return refuse(e.status(), "malformed_body", e.body_text()),
    };
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or(api::BINARY)
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let parsed = match media.as_str() {
        api::BINARY => match api::split_binary(&body) {
            Ok(p) => p,
            Err(e) => return refuse(StatusCode::BAD_REQUEST, "malformed_body", e),
        },
        "application/json" => match serde_json::from_slice::<JsonReceipts>(&body) {
            Ok(j) => j.receipts.iter().map(api::parse_json_receipt).collect(),
            Err(e) => {
                return refuse(
                    StatusCode::BAD_REQUEST,
                    "malformed_body",
                    format!("not a JSON receipts request ({{\"receipts\": [...]}}): {e}"),
                )
            }
        },
        other => {
            return refuse(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                format!(
                    "content type {other:?}: send {} or application/json",
                    api::BINARY
                ),
            )
        }
    };
    if parsed.len() > shared.limits.max_receipts_per_request {
        return refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_many_receipts",
            format!(
                "{} receipts in one request: at most {}",
                parsed.len(),
                shared.limits.max_receipts_per_request
            ),
        );
    }
    match ingest::ingest(&shared, parsed).await {
        Ok(results) => {
            let count = |f: fn(&ReceiptResult) -> bool| results.iter().filter(|r| f(r)).count();
            let accepted = count(|r| matches!(r, ReceiptResult::Accepted { .. }));
            let duplicates = count(|r| matches!(r, ReceiptResult::Duplicate { .. }));
            let refused = results.len() - accepted - duplicates;
            Json(ReceiptsResponse {
                results,
                accepted,
                duplicates,
                refused,
            })
            .into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "receipts not stored");
            refuse(
                StatusCode::SERVICE_UNAVAILABLE,
                "store_failed",
                format!("nothing of this request was acknowledged ({e}): send it again"),
            )
        }
    }
}

async fn get_channel(State(shared): State<Arc<Shared>>, Path(address): Path<String>) -> Response {
    let Ok(channel) = address.parse::<Pubkey>() else {
        return error(
            StatusCode::BAD_REQUEST,
            "malformed_address",
            format!("{address:?} is not a base58 address"),
        );
    };
    match Book::channel(&shared.store, &channel) {
        Some(c) => Json(ChannelView {
            channel: channel.to_string(),
            deposit: U64(c.terms.deposit),
            best: c.best.map(|b| hex::encode(b.encode())),
            best_amount: U64(c.best.map(|b| b.receipt.amount).unwrap_or(0)),
            best_bytes: U64(c.best.map(|b| b.receipt.bytes).unwrap_or(0)),
            settled_amount: U64(c.settled_amount),
            settled_bytes: U64(c.settled_bytes),
            unsettled: U64(c.unsettled()),
            closing_deadline: c.close_deadline,
            closed: c.closed,
        })
        .into_response(),
        None => error(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("the node holds nothing for channel {channel}"),
        ),
    }
}

async fn get_terms(State(shared): State<Arc<Shared>>) -> Response {
    Json(shared.terms.clone()).into_response()
}

async fn health(State(shared): State<Arc<Shared>>) -> Response {
    if shared.shutting_down.load(Ordering::SeqCst) {
        return error(StatusCode::SERVICE_UNAVAILABLE, "shutting_down", "stopping");
    }
    Json(serde_json::json!({ "status": "ok", "market": shared.terms.market, "provider": shared.terms.provider }))
        .into_response()
}

pub fn render_metrics(shared: &Shared) -> String {
    let channels = Book::channels(&shared.store);
    let unsettled = channels.iter().map(|c| c.unsettled()).sum();
    shared
        .metrics
        .render(&shared.commit_stats, unsettled, channels.len())
}

async fn metrics(State(shared): State<Arc<Shared>>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        render_metrics(&shared),
    )
        .into_response()
}

/// Serves until `stop` turns true, then finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> io::Result<()> {
    let limited = Limited {
        inner: listener,
        permits: Arc::new(Semaphore::new(shared.limits.max_connections.max(1))),
    };
    axum::serve(limited, router(shared))
        .with_graceful_shutdown(async move {
            let _ = stop.wait_for(|s| *s).await;
        })
        .await
}

/// A listener that holds at most `permits` connections open; the next ones wait in the
/// kernel's backlog until one closes.
struct Limited {
    inner: TcpListener,
    permits: Arc<Semaphore>,
}

impl axum::serve::Listener for Limited {
    type Io = LimitedStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (LimitedStream, SocketAddr) {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        loop {
            match self.inner.accept().await {
                Ok((stream, addr)) => {
                    let _ = stream.set_nodelay(true);
                    return (
                        LimitedStream {
                            stream,
                            _permit: permit,
                        },
                        addr,
                    );
                }
                Err(e) => {
                    // Out of file descriptors and the like: wait a little, as hyper's
                    // own listener does.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

pub struct LimitedStream {
    stream: TcpStream,
    _permit: OwnedSemaphorePermit,
}

impl AsyncRead for LimitedStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for LimitedStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }
    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}
