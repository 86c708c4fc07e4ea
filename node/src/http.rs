//! The node's HTTP server (axum on hyper 1): routes, limits, errors as JSON. The body limit is
//! axum's layer; connections are limited at the listener, where a layer cannot reach (tower
//! works per request): past the limit, connections wait in the kernel's backlog.
use crate::{ingest, state::Shared};
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
use bandwidth_settlement::receipt::SignedReceipt;
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
    let body = ErrorBody {
        code: code.into(),
        error: message.into(),
    };
    (status, Json(body)).into_response()
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

/// A request refused as a whole: its status, code and message.
type Refused = (StatusCode, &'static str, String);

async fn post_receipts(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    shared.metrics.requests.inc();
    let parsed = match parse(&shared, &headers, body) {
        Ok(p) => p,
        Err((status, code, message)) => {
            shared.metrics.requests_refused.inc();
            return error(status, code, message);
        }
    };
    match ingest::ingest(&shared, parsed).await {
        Ok(results) => {
            let count = |f: fn(&ReceiptResult) -> bool| results.iter().filter(|r| f(r)).count();
            let accepted = count(|r| matches!(r, ReceiptResult::Accepted { .. }));
            let duplicates = count(|r| matches!(r, ReceiptResult::Duplicate { .. }));
            let refused = results.len() - accepted - duplicates;
            let response = ReceiptsResponse {
                results,
                accepted,
                duplicates,
                refused,
            };
            Json(response).into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "receipts not stored");
            shared.metrics.requests_refused.inc();
            let message = format!("nothing of this request was acknowledged ({e}): send it again");
            error(StatusCode::SERVICE_UNAVAILABLE, "store_failed", message)
        }
    }
}

/// The receipts of a request (binary or JSON), each parsed or why not; or why the whole
/// request is refused.
fn parse(
    shared: &Shared,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Vec<Result<SignedReceipt, String>>, Refused> {
    if shared.shutting_down.load(Ordering::SeqCst) {
        let m = "the node is stopping: send again to its next start".to_string();
        return Err((StatusCode::SERVICE_UNAVAILABLE, "shutting_down", m));
    }
    let body = match body {
        Ok(b) => b,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            let m = format!(
                "the body is larger than {} bytes: send fewer receipts per request",
                shared.limits.max_body_bytes
            );
            return Err((StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", m));
        }
        Err(e) => return Err((e.status(), "malformed_body", e.body_text())),
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
        api::BINARY => {
            api::split_binary(&body).map_err(|e| (StatusCode::BAD_REQUEST, "malformed_body", e))?
        }
        "application/json" => serde_json::from_slice::<JsonReceipts>(&body)
            .map(|j| j.receipts.iter().map(api::parse_json_receipt).collect())
            .map_err(|e| {
                let m = format!("not a JSON receipts request ({{\"receipts\": [...]}}): {e}");
                (StatusCode::BAD_REQUEST, "malformed_body", m)
            })?,
        other => {
            let m = format!(
                "content type {other:?}: send {} or application/json",
                api::BINARY
            );
            return Err((
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                m,
            ));
        }
    };
    let most = shared.limits.max_receipts_per_request;
    if parsed.len() > most {
        let m = format!("{} receipts in one request: at most {most}", parsed.len());
        return Err((StatusCode::PAYLOAD_TOO_LARGE, "too_many_receipts", m));
    }
    Ok(parsed)
}

async fn get_channel(State(shared): State<Arc<Shared>>, Path(address): Path<String>) -> Response {
    let Ok(channel) = address.parse::<Pubkey>() else {
        let m = format!("{address:?} is not a base58 address");
        return error(StatusCode::BAD_REQUEST, "malformed_address", m);
    };
    let Some(c) = Book::channel(&shared.store, &channel) else {
        let m = format!("the node holds nothing for channel {channel}");
        return error(StatusCode::NOT_FOUND, "not_found", m);
    };
    Json(ChannelView {
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
    .into_response()
}

async fn get_terms(State(shared): State<Arc<Shared>>) -> Response {
    Json(shared.terms.clone()).into_response()
}

async fn health(State(shared): State<Arc<Shared>>) -> Response {
    if shared.shutting_down.load(Ordering::SeqCst) {
        return error(StatusCode::SERVICE_UNAVAILABLE, "shutting_down", "stopping");
    }
    let body = serde_json::json!({
        "status": "ok",
        "market": shared.terms.market,
        "provider": shared.terms.provider,
    });
    Json(body).into_response()
}

async fn metrics(State(shared): State<Arc<Shared>>) -> Response {
    let content_type = [(header::CONTENT_TYPE, "text/plain; version=0.0.4")];
    (content_type, shared.render_metrics()).into_response()
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
