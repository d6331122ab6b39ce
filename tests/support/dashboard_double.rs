//! A loopback merchant-dashboard double: a real HTTP/1.1 server on 127.0.0.1
//! that receives key uploads as described in `docs/upload-protocol.md` and
//! records everything it got (headers, form fields, file name, content type,
//! PEM bytes), with switchable failure scenarios.
//!
//! Use from a module of the `suite` binary as `crate::support::dashboard_double`, or from a test
//! binary of its own with `#[path = "support/dashboard_double.rs"] mod dashboard_double;`:
//!
//! ```ignore
//! let dash = DashboardDouble::start();
//! dash.expect_token("tok-123");                  // other tokens get 401
//! dash.set_scenario(Scenario::FailThenOk(1));    // one 503, then 200
//! // point the uploader at dash.upload_url(); afterwards: dash.requests(), dash.stored()
//! ```
//!
//! Like a real platform it stores an upload once per `Idempotency-Key`: a
//! retried request with the same key is answered 200 without a second copy.
//! A 503 in `FailThenOk` is sent *after* storing (the answer got lost), which
//! is exactly the case idempotency protects against.
//!
//! std::net + one thread per connection; every response says `Connection: close`.
//! `GET /settings` answers a small HTML page (the "dashboard" for the guided hand-off).

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A token tests may paste into the wizard (any token is accepted unless
/// `expect_token` was called).
pub const TOKEN: &str = "setup-token-e2e";

/// A stored upload in a compact form for assertions (see `uploads()`).
#[derive(Debug, Clone, Default)]
pub struct Upload {
    pub key_id: Option<String>,
    pub issuer_id: Option<String>,
    pub key_kind: Option<String>,
    /// The whole `Authorization` header (`Bearer …`).
    pub authorization: Option<String>,
    pub idempotency_key: Option<String>,
    pub user_agent: Option<String>,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    /// The `private_key` part as text.
    pub pem: Option<String>,
}

/// How the double answers `POST /upload`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scenario {
    /// 200 `{"status":"stored"}`.
    Ok,
    /// The first N uploads are stored but answered 503; then 200.
    FailThenOk(usize),
    /// Always 503.
    Unavailable,
    /// 401 with `{"error":{"message": …}}`.
    Unauthorized(String),
    /// 413 with a plain-text body.
    TooLarge,
    /// Read the request, then close the connection without answering.
    Drop,
    /// Wait this long, then answer 200.
    Slow(Duration),
}

/// One request as received.
#[derive(Debug, Clone, Default)]
pub struct ReceivedUpload {
    pub method: String,
    pub path: String,
    /// Header names lower-cased, in arrival order.
    pub headers: Vec<(String, String)>,
    /// Text form fields (`issuer_id`, `key_id`, `key_kind`, …).
    pub fields: HashMap<String, String>,
    /// Name of the form field holding the file (`private_key`).
    pub file_field: Option<String>,
    pub file_name: Option<String>,
    pub file_content_type: Option<String>,
    pub file_bytes: Vec<u8>,
    /// The status the double answered (0 = connection dropped).
    pub answered: u16,
}

impl ReceivedUpload {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
    pub fn idempotency_key(&self) -> Option<&str> {
        self.header("idempotency-key")
    }
    pub fn pem(&self) -> String {
        String::from_utf8_lossy(&self.file_bytes).into_owned()
    }
}

#[derive(Default)]
struct State {
    scenario: Option<Scenario>,
    failures_sent: usize,
    expected_token: Option<String>,
    requests: Vec<ReceivedUpload>,
    /// Idempotency-Key (or a running number when absent) → stored upload.
    stored: Vec<(String, ReceivedUpload)>,
    /// Token → account name, for the account look-up (`GET /upload`); these tokens are accepted.
    accounts: HashMap<String, String>,
    /// The look-up answers 404, like a dashboard that does not implement it.
    no_lookup: bool,
    /// Every look-up's bearer token and the status answered.
    lookups: Vec<(String, u16)>,
}

pub struct DashboardDouble {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
}

impl DashboardDouble {
    pub fn start() -> Self {
        Self::start_with(Scenario::Ok)
    }

    pub fn start_with(scenario: Scenario) -> Self {
        Self::start_on(0, scenario)
    }

    /// On a fixed port: a platform build's test profile names its destination at build time.
    pub fn start_on(port: u16, scenario: Scenario) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind loopback");
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State {
            scenario: Some(scenario),
            ..State::default()
        }));
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let shared = shared.clone();
                std::thread::spawn(move || handle(stream, &shared));
            }
        });
        DashboardDouble { addr, state }
    }

    pub fn set_scenario(&self, scenario: Scenario) {
        let mut s = self.state.lock().unwrap();
        s.scenario = Some(scenario);
        s.failures_sent = 0;
    }

    /// Uploads with another bearer token are answered 401.
    pub fn expect_token(&self, token: &str) {
        self.state.lock().unwrap().expected_token = Some(token.to_owned());
    }

    /// The account look-up names `name` for `token`, and `token` is accepted for uploads too.
    pub fn account_for(&self, token: &str, name: &str) {
        self.state
            .lock()
            .unwrap()
            .accounts
            .insert(token.to_owned(), name.to_owned());
    }

    /// Answer the account look-up with 404, like a dashboard without it.
    pub fn without_lookup(&self) {
        self.state.lock().unwrap().no_lookup = true;
    }

    /// Every account look-up received: (bearer token, status answered).
    pub fn lookups(&self) -> Vec<(String, u16)> {
        self.state.lock().unwrap().lookups.clone()
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
    pub fn upload_url(&self) -> String {
        format!("http://{}/upload", self.addr)
    }
    pub fn dashboard_url(&self) -> String {
        format!("http://{}/settings", self.addr)
    }

    /// Every POST received, in order (including refused and dropped ones).
    pub fn requests(&self) -> Vec<ReceivedUpload> {
        self.state.lock().unwrap().requests.clone()
    }

    pub fn request_count(&self) -> usize {
        self.state.lock().unwrap().requests.len()
    }

    /// What the platform kept (one per Idempotency-Key), in the compact form.
    pub fn uploads(&self) -> Vec<Upload> {
        self.stored()
            .into_iter()
            .map(|r| Upload {
                key_id: r.fields.get("key_id").cloned(),
                issuer_id: r.fields.get("issuer_id").cloned(),
                key_kind: r.fields.get("key_kind").cloned(),
                authorization: r.header("authorization").map(str::to_owned),
                idempotency_key: r.idempotency_key().map(str::to_owned),
                user_agent: r.header("user-agent").map(str::to_owned),
                file_name: r.file_name.clone(),
                content_type: r.file_content_type.clone(),
                pem: (!r.file_bytes.is_empty()).then(|| r.pem()),
            })
            .collect()
    }

    /// What the platform kept: one per Idempotency-Key.
    pub fn stored(&self) -> Vec<ReceivedUpload> {
        self.state
            .lock()
            .unwrap()
            .stored
            .iter()
            .map(|(_, u)| u.clone())
            .collect()
    }
}

fn handle(stream: TcpStream, state: &Mutex<State>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let Some(mut req) = read_request(&mut reader) else {
        return;
    };
    let mut out = stream;
    if req.method == "GET" && req.path == "/upload" {
        return look_up(&mut out, &req, state);
    }
    if req.method == "GET" {
        let body =
            "<!doctype html><title>Acme Shops settings</title><h1>App Store Connect API key</h1>";
        respond(&mut out, 200, "text/html; charset=utf-8", body);
        return;
    }
    let expected_auth = state
        .lock()
        .unwrap()
        .expected_token
        .clone()
        .map(|t| format!("Bearer {t}"));
    let scenario = state
        .lock()
        .unwrap()
        .scenario
        .clone()
        .unwrap_or(Scenario::Ok);
    let bearer = req
        .header("authorization")
        .and_then(|a| a.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_owned();
    let authorized = expected_auth
        .as_deref()
        .is_none_or(|e| req.header("authorization") == Some(e))
        || state.lock().unwrap().accounts.contains_key(&bearer);
    let complete =
        req.file_field.as_deref() == Some("private_key") && req.fields.contains_key("key_id");

    let (status, ctype, body): (u16, &str, String) = if !authorized {
        (
            401,
            "application/json",
            r#"{"error":{"message":"This setup token is not valid."}}"#.into(),
        )
    } else {
        match &scenario {
            Scenario::Unauthorized(m) => (
                401,
                "application/json",
                serde_json::json!({"error": {"message": m}}).to_string(),
            ),
            Scenario::TooLarge => (
                413,
                "text/plain",
                "Payload Too Large: uploads are limited.".into(),
            ),
            Scenario::Unavailable => (503, "text/plain", "Service Unavailable".into()),
            _ if !complete => (
                400,
                "application/json",
                r#"{"error":{"message":"Missing key_id or private_key."}}"#.into(),
            ),
            Scenario::FailThenOk(n) => {
                let mut s = state.lock().unwrap();
                store(&mut s, &req);
                if s.failures_sent < *n {
                    s.failures_sent += 1;
                    (503, "text/plain", "Service Unavailable".into())
                } else {
                    (200, "application/json", r#"{"status":"stored"}"#.into())
                }
            }
            Scenario::Slow(d) => {
                std::thread::sleep(*d);
                store(&mut state.lock().unwrap(), &req);
                (200, "application/json", r#"{"status":"stored"}"#.into())
            }
            Scenario::Ok | Scenario::Drop => {
                store(&mut state.lock().unwrap(), &req);
                (
                    200,
                    "application/json",
                    r#"{"status":"stored","message":"Key received."}"#.into(),
                )
            }
        }
    };
    if scenario == Scenario::Drop && authorized {
        req.answered = 0;
        state.lock().unwrap().requests.push(req);
        let _ = out.shutdown(Shutdown::Both);
        return;
    }
    req.answered = status;
    state.lock().unwrap().requests.push(req);
    respond(&mut out, status, ctype, &body);
}

/// `GET /upload` (docs/upload-protocol.md, "Whose account"): 200 `{"account":{"name":…}}` for a
/// known token ("Test Merchant" for any token when none is expected), 401 for another, 404
/// when told there is no look-up.
fn look_up(out: &mut TcpStream, req: &ReceivedUpload, state: &Mutex<State>) {
    let mut s = state.lock().unwrap();
    let bearer = req
        .header("authorization")
        .and_then(|a| a.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_owned();
    let (status, body) = if s.no_lookup {
        (404, r#"{"error":{"message":"Not found."}}"#.to_owned())
    } else if let Some(name) = s.accounts.get(&bearer) {
        (
            200,
            serde_json::json!({"account": {"name": name}}).to_string(),
        )
    } else if s.expected_token.as_deref().is_none_or(|t| t == bearer) && !bearer.is_empty() {
        (200, r#"{"account":{"name":"Test Merchant"}}"#.to_owned())
    } else {
        (
            401,
            r#"{"error":{"message":"This setup token is not valid."}}"#.to_owned(),
        )
    };
    s.lookups.push((bearer, status));
    drop(s);
    respond(out, status, "application/json", &body);
}

fn store(s: &mut State, req: &ReceivedUpload) {
    let id = req
        .idempotency_key()
        .map(str::to_owned)
        .unwrap_or_else(|| format!("#{}", s.stored.len()));
    if !s.stored.iter().any(|(k, _)| *k == id) {
        s.stored.push((id, req.clone()));
    }
}

fn respond(out: &mut TcpStream, status: u16, ctype: &str, body: &str) {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        413 => "Payload Too Large",
        503 => "Service Unavailable",
        _ => "Status",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = out.write_all(head.as_bytes());
    let _ = out.write_all(body.as_bytes());
    let _ = out.flush();
    let _ = out.shutdown(Shutdown::Write);
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<ReceivedUpload> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).ok()? == 0 {
            return None;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':')?;
        headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
    }
    let mut req = ReceivedUpload {
        method,
        path,
        headers,
        ..Default::default()
    };
    let body = if req
        .header("transfer-encoding")
        .is_some_and(|t| t.eq_ignore_ascii_case("chunked"))
    {
        read_chunked(reader)?
    } else {
        let len: usize = req
            .header("content-length")
            .and_then(|l| l.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; len.min(1 << 20)];
        reader.read_exact(&mut body).ok()?;
        body
    };
    if let Some(boundary) = req.header("content-type").and_then(boundary_of) {
        parse_multipart(&body, &boundary, &mut req);
    }
    Some(req)
}

fn read_chunked(reader: &mut BufReader<TcpStream>) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut size = String::new();
        reader.read_line(&mut size).ok()?;
        let n = usize::from_str_radix(size.trim().split(';').next()?, 16).ok()?;
        let mut chunk = vec![0; n + 2];
        reader.read_exact(&mut chunk).ok()?;
        if n == 0 {
            return Some(body);
        }
        body.extend_from_slice(&chunk[..n]);
    }
}

fn boundary_of(ctype: &str) -> Option<String> {
    if !ctype
        .to_ascii_lowercase()
        .starts_with("multipart/form-data")
    {
        return None;
    }
    ctype
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))
        .map(|b| b.trim_matches('"').to_owned())
}

fn parse_multipart(body: &[u8], boundary: &str, req: &mut ReceivedUpload) {
    let delim = format!("--{boundary}");
    let text = body; // binary-safe split on the delimiter
    let mut starts = Vec::new();
    let mut i = 0;
    while let Some(pos) = find(&text[i..], delim.as_bytes()) {
        starts.push(i + pos);
        i += pos + delim.len();
    }
    for w in starts.windows(2) {
        let part = &text[w[0] + delim.len()..w[1]];
        let part = part.strip_prefix(b"\r\n").unwrap_or(part);
        let part = part.strip_suffix(b"\r\n").unwrap_or(part);
        let Some(split) = find(part, b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&part[..split]).into_owned();
        let content = &part[split + 4..];
        let mut name = None;
        let mut file_name = None;
        let mut ctype = None;
        for line in head.split("\r\n") {
            let (k, v) = line.split_once(':').unwrap_or((line, ""));
            match k.trim().to_ascii_lowercase().as_str() {
                "content-disposition" => {
                    for p in v.split(';') {
                        let p = p.trim();
                        if let Some(n) = p.strip_prefix("name=") {
                            name = Some(n.trim_matches('"').to_owned());
                        } else if let Some(f) = p.strip_prefix("filename=") {
                            file_name = Some(f.trim_matches('"').to_owned());
                        }
                    }
                }
                "content-type" => ctype = Some(v.trim().to_owned()),
                _ => {}
            }
        }
        let Some(name) = name else { continue };
        if file_name.is_some() {
            req.file_field = Some(name);
            req.file_name = file_name;
            req.file_content_type = ctype;
            req.file_bytes = content.to_vec();
        } else {
            req.fields
                .insert(name, String::from_utf8_lossy(content).into_owned());
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}
