//! A loopback App Store Connect double: a real HTTP/1.1 server on
//! 127.0.0.1 that enforces what Apple enforces on tokens (known `kid`, ES256
//! signature checked with that key's public key, `aud`, `iss` for team keys or
//! `sub: "user"` for individual keys, `exp − iat ≤ 1200`, not expired, `iat`
//! not in the future, and a `scope` naming exactly this request: stricter than Apple, which
//! accepts unscoped tokens, because the app promises to scope every token), revoked keys, per-key access for the probes,
//! Apple-shaped JSON:API error bodies, and switchable failure scenarios.
//!
//! Use from a module of the `suite` binary as `crate::support::apple_double`, or from a test
//! binary of its own with `#[path = "support/apple_double.rs"] mod apple_double;`:
//!
//! ```ignore
//! let double = AppleDouble::start();
//! double.add_key(DoubleKey::team("2X9R4HXF34", &key, ISSUER));
//! double.set_scenario(Scenario::status(503, None));
//! // point the client at double.base_url(); afterwards: double.request_count()
//! ```
//!
//! std::net + one thread per connection: no runtime to share with the test,
//! and a slow or huge answer never blocks other requests. Every response says
//! `Connection: close`, so each request is one connection.

#![allow(dead_code)]

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use p256::pkcs8::{EncodePublicKey, LineEnding};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub const AUDIENCE: &str = "appstoreconnect-v1";

/// Which requests a key may make (Apple decides this by the key's role).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Access {
    /// `GET /v1/apps`.
    pub apps: bool,
    /// `GET /v1/certificates`, `GET /v1/bundleIds`.
    pub signing: bool,
    /// `GET /v1/users`.
    pub users: bool,
}

impl Access {
    pub const ADMIN: Access = Access {
        apps: true,
        signing: true,
        users: true,
    };
    /// E.g. Sales or Marketing: sees apps, no certificates or identifiers.
    pub const NO_SIGNING: Access = Access {
        apps: true,
        signing: false,
        users: true,
    };
    /// A role that may not even list apps.
    pub const NO_APPS: Access = Access {
        apps: false,
        signing: false,
        users: false,
    };
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    Team { issuer_id: String },
    Individual,
}

/// A key Apple knows about (it only ever holds the public half).
#[derive(Debug, Clone)]
pub struct DoubleKey {
    pub key_id: String,
    pub public_key: p256::PublicKey,
    pub owner: Owner,
    pub access: Access,
    pub revoked: bool,
}

impl DoubleKey {
    pub fn team(key_id: &str, public_key: p256::PublicKey, issuer_id: &str) -> Self {
        DoubleKey {
            key_id: key_id.into(),
            public_key,
            owner: Owner::Team {
                issuer_id: issuer_id.into(),
            },
            access: Access::ADMIN,
            revoked: false,
        }
    }

    pub fn individual(key_id: &str, public_key: p256::PublicKey) -> Self {
        DoubleKey {
            key_id: key_id.into(),
            public_key,
            owner: Owner::Individual,
            access: Access::ADMIN,
            revoked: false,
        }
    }

    pub fn with_access(mut self, access: Access) -> Self {
        self.access = access;
        self
    }

    pub fn revoked(mut self) -> Self {
        self.revoked = true;
        self
    }
}

/// A canned answer.
#[derive(Debug, Clone)]
pub struct Canned {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// How the double misbehaves. Failures with `times: Some(n)` hit the first
/// `n` requests after `set_scenario`, then the double behaves normally.
#[derive(Debug, Clone)]
pub enum Scenario {
    Normal,
    /// Answer with `canned` (tokens are not even checked, as with Apple's transient errors).
    Fail {
        canned: Canned,
        times: Option<u32>,
    },
    /// Answer the next requests with these, in order (tokens unchecked), then behave normally.
    Script(Vec<Canned>),
    /// Wait this long before answering normally.
    Slow(Duration),
    /// Read the request, then close the connection without a word.
    DropConnection,
    /// `200` with an HTML body.
    Garbage200,
    /// `200` with a body of this many bytes; `declare_length` sends Content-Length,
    /// otherwise the body runs until the connection closes.
    HugeBody {
        bytes: u64,
        declare_length: bool,
    },
}

impl Scenario {
    /// Apple's generic 401 for the first `times` requests.
    pub fn unauthorized(times: Option<u32>) -> Self {
        Scenario::Fail {
            canned: error_response(401, "NOT_AUTHORIZED"),
            times,
        }
    }
    /// 403 `FORBIDDEN.REQUIRED_AGREEMENTS_MISSING_OR_EXPIRED`.
    pub fn agreement() -> Self {
        Scenario::Fail {
            canned: error_response(403, "FORBIDDEN.REQUIRED_AGREEMENTS_MISSING_OR_EXPIRED"),
            times: None,
        }
    }
    /// 403 `FORBIDDEN.PLA_NOT_ACCEPTED`, as field reports show it.
    pub fn agreement_pla() -> Self {
        Scenario::Fail {
            canned: error_response(403, "FORBIDDEN.PLA_NOT_ACCEPTED"),
            times: None,
        }
    }
    /// The older 403 `FORBIDDEN` "Access Unavailable".
    pub fn agreement_old() -> Self {
        Scenario::Fail {
            canned: error_response(403, "FORBIDDEN"),
            times: None,
        }
    }
    /// 429, with `Retry-After: <secs>` when given.
    pub fn rate_limited(retry_after: Option<u64>, times: Option<u32>) -> Self {
        let mut canned = error_response(429, "RATE_LIMIT_EXCEEDED");
        if let Some(s) = retry_after {
            canned.headers.push(("Retry-After".into(), s.to_string()));
        }
        Scenario::Fail { canned, times }
    }
    /// Any status with Apple's error body (500, 503, …).
    pub fn status(status: u16, times: Option<u32>) -> Self {
        let code = match status {
            500 => "UNEXPECTED_ERROR",
            503 => "SERVICE_UNAVAILABLE",
            _ => "ERROR",
        };
        Scenario::Fail {
            canned: error_response(status, code),
            times,
        }
    }
    /// Apple's 406, which is plain text.
    pub fn plain_text(status: u16) -> Self {
        Scenario::Fail {
            canned: Canned {
                status,
                headers: vec![("Content-Type".into(), "text/plain".into())],
                body: b"Not Acceptable".to_vec(),
            },
            times: None,
        }
    }
}

/// One request as the double saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// Path and query as sent.
    pub target: String,
    /// The bearer token, for tests that decode it.
    pub token: Option<String>,
    /// What the double answered (0 = dropped / no answer).
    pub status: u16,
    /// Why a 401 was given, for test failure messages.
    pub reason: Option<String>,
}

#[derive(Debug)]
struct State {
    keys: HashMap<String, DoubleKey>,
    scenario: Scenario,
    /// Requests answered under the current scenario.
    scenario_hits: u32,
    /// Seconds added to the double's clock (its `Date` header and token checks).
    date_offset_s: i64,
    apps: Vec<(String, String)>,
    rate_limit_header: bool,
    requests: Vec<Recorded>,
    /// Key IDs (`kid`) with a request being served now, and the most distinct ones at once.
    in_flight: Vec<String>,
    max_keys_in_flight: usize,
}

/// A request's `kid` counted as in flight until dropped.
struct InFlight {
    state: Arc<Mutex<State>>,
    kid: String,
}

impl InFlight {
    fn start(state: &Arc<Mutex<State>>, kid: String) -> InFlight {
        let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
        s.in_flight.push(kid.clone());
        let mut distinct = s.in_flight.clone();
        distinct.sort();
        distinct.dedup();
        s.max_keys_in_flight = s.max_keys_in_flight.max(distinct.len());
        InFlight {
            state: state.clone(),
            kid,
        }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = s.in_flight.iter().position(|k| *k == self.kid) {
            s.in_flight.remove(i);
        }
    }
}

/// The running double. Dropping it stops accepting new connections.
pub struct AppleDouble {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    stop: Arc<std::sync::atomic::AtomicBool>,
}

impl AppleDouble {
    /// Listen on 127.0.0.1 with an OS-chosen port and serve on a background thread.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State {
            keys: HashMap::new(),
            scenario: Scenario::Normal,
            scenario_hits: 0,
            date_offset_s: 0,
            apps: vec![("Demo Shop".into(), "com.example.shop".into())],
            rate_limit_header: true,
            requests: Vec::new(),
            in_flight: Vec::new(),
            max_keys_in_flight: 0,
        }));
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (st, sp) = (state.clone(), stop.clone());
        std::thread::Builder::new()
            .name("apple-double".into())
            .spawn(move || {
                for conn in listener.incoming() {
                    if sp.load(std::sync::atomic::Ordering::SeqCst) {
                        break;
                    }
                    let Ok(conn) = conn else { continue };
                    let st = st.clone();
                    std::thread::spawn(move || serve(conn, st));
                }
            })
            .unwrap();
        AppleDouble { addr, state, stop }
    }

    /// `http://127.0.0.1:<port>`: pass as `--api-base` or `ASC_API_BASE`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn add_key(&self, key: DoubleKey) {
        self.lock().keys.insert(key.key_id.clone(), key);
    }

    pub fn revoke(&self, key_id: &str) {
        if let Some(k) = self.lock().keys.get_mut(key_id) {
            k.revoked = true;
        }
    }

    pub fn set_scenario(&self, scenario: Scenario) {
        let mut s = self.lock();
        s.scenario = scenario;
        s.scenario_hits = 0;
    }

    /// Shift the double's clock: its `Date` header and its token checks.
    pub fn set_date_offset(&self, secs: i64) {
        self.lock().date_offset_s = secs;
    }

    /// The apps `/v1/apps` lists: `(name, bundle ID)`.
    pub fn set_apps(&self, apps: &[(&str, &str)]) {
        self.lock().apps = apps
            .iter()
            .map(|(n, b)| (n.to_string(), b.to_string()))
            .collect();
    }

    /// Send `X-Rate-Limit` (default) or leave it out.
    pub fn set_rate_limit_header(&self, on: bool) {
        self.lock().rate_limit_header = on;
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.lock().requests.clone()
    }

    /// The most distinct keys (`kid`) whose requests were served at the same time so far.
    pub fn max_keys_in_flight(&self) -> usize {
        self.lock().max_keys_in_flight
    }

    pub fn request_count(&self) -> usize {
        self.lock().requests.len()
    }

    /// Requests whose path starts with `prefix` (e.g. "/v1/apps").
    pub fn count_path(&self, prefix: &str) -> usize {
        self.lock()
            .requests
            .iter()
            .filter(|r| r.target.starts_with(prefix))
            .count()
    }

    pub fn tokens(&self) -> Vec<String> {
        self.lock()
            .requests
            .iter()
            .filter_map(|r| r.token.clone())
            .collect()
    }

    pub fn clear_requests(&self) {
        self.lock().requests.clear();
    }

    /// Serve until the process ends (for running the double standalone).
    pub fn block(&self) -> ! {
        loop {
            std::thread::sleep(Duration::from_secs(3600));
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for AppleDouble {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
    }
}

/// Run the double standalone: registers the keys given, prints
/// `ASC_API_BASE=<url>` on stdout and serves until the process ends.
pub fn run_standalone(keys: Vec<DoubleKey>) -> ! {
    let double = AppleDouble::start();
    for k in keys {
        double.add_key(k);
    }
    println!("ASC_API_BASE={}", double.base_url());
    let _ = std::io::stdout().flush();
    double.block()
}

/// Apple's JSON:API error document (status as a string, dotted code).
pub fn error_body(status: u16, code: &str) -> Value {
    let (title, detail) = match code {
        "NOT_AUTHORIZED" => (
            "Authentication credentials are missing or invalid.",
            "Provide a properly configured and signed bearer token, and make sure that it has not expired.",
        ),
        "FORBIDDEN_ERROR" => ("This request is forbidden for security reasons", "The API key in use does not allow this request"),
        "FORBIDDEN" => ("Access Unavailable", "You currently don't have access to this membership resource."),
        "FORBIDDEN.PLA_NOT_ACCEPTED" => (
            "The Program License Agreement has not been accepted.",
            "The Account Holder must accept the latest Program License Agreement.",
        ),
        c if c.starts_with("FORBIDDEN.REQUIRED_AGREEMENTS") => (
            "A required agreement is missing or has expired.",
            "This request requires an in-effect agreement that has not been signed or has expired.",
        ),
        "RATE_LIMIT_EXCEEDED" => ("The request rate limit has been reached.", "Too many requests for this key in the last hour."),
        "NOT_FOUND" => ("The specified resource does not exist", "The path provided does not match a defined resource type."),
        _ => ("An unexpected error occurred.", "The server had trouble answering; try again later."),
    };
    json!({"errors": [{
        "id": uuid::Uuid::new_v4().to_string(),
        "status": status.to_string(),
        "code": code,
        "title": title,
        "detail": detail,
    }]})
}

pub fn error_response(status: u16, code: &str) -> Canned {
    Canned {
        status,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: serde_json::to_vec(&error_body(status, code)).unwrap(),
    }
}

fn json_response(status: u16, body: &Value) -> Canned {
    Canned {
        status,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: serde_json::to_vec(body).unwrap(),
    }
}

fn serve(mut conn: TcpStream, state: Arc<Mutex<State>>) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
    let Some((method, target, headers)) = read_request(&conn) else {
        return;
    };
    let token = headers
        .get("authorization")
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::to_owned);
    let kid = token
        .as_deref()
        .and_then(|t| jsonwebtoken::decode_header(t).ok())
        .and_then(|h| h.kid);
    let _in_flight = kid.map(|kid| InFlight::start(&state, kid));

    // Decide under the lock, act (sleep, stream, write) without it.
    let (scenario, offset, apps, rl_header, keys) = {
        let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
        let active = match &s.scenario {
            Scenario::Fail { times: Some(n), .. } if s.scenario_hits >= *n => Scenario::Normal,
            Scenario::Script(list) => match list.get(s.scenario_hits as usize) {
                Some(canned) => Scenario::Fail {
                    canned: canned.clone(),
                    times: None,
                },
                None => Scenario::Normal,
            },
            other => other.clone(),
        };
        s.scenario_hits += 1;
        (
            active,
            s.date_offset_s,
            s.apps.clone(),
            s.rate_limit_header,
            s.keys.clone(),
        )
    };
    let now = shifted_now(offset);
    let record = |status: u16, reason: Option<String>| {
        let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
        s.requests.push(Recorded {
            method: method.clone(),
            target: target.clone(),
            token: token.clone(),
            status,
            reason,
        });
    };

    let answer = match scenario {
        Scenario::DropConnection => {
            record(0, None);
            let _ = conn.shutdown(Shutdown::Both);
            return;
        }
        Scenario::HugeBody {
            bytes,
            declare_length,
        } => {
            record(200, None);
            let mut head = format!(
                "HTTP/1.1 200 OK\r\nDate: {}\r\nContent-Type: application/json\r\nConnection: close\r\n",
                httpdate::fmt_http_date(now)
            );
            if declare_length {
                head.push_str(&format!("Content-Length: {bytes}\r\n"));
            }
            head.push_str("\r\n");
            if conn.write_all(head.as_bytes()).is_err() {
                return;
            }
            let chunk = vec![b' '; 64 * 1024];
            let mut left = bytes;
            while left > 0 {
                let n = left.min(chunk.len() as u64) as usize;
                if conn.write_all(&chunk[..n]).is_err() {
                    return; // the client stopped reading: exactly what we want
                }
                left -= n as u64;
            }
            let _ = conn.shutdown(Shutdown::Both);
            return;
        }
        Scenario::Garbage200 => Canned {
            status: 200,
            headers: vec![("Content-Type".into(), "text/html".into())],
            body: b"<html><body>Service temporarily moved</body></html>".to_vec(),
        },
        Scenario::Fail { canned, .. } => canned,
        // Resolved to `Fail` or `Normal` under the lock above.
        Scenario::Script(_) => unreachable!("a script is resolved per request"),
        Scenario::Slow(wait) => {
            let (canned, reason) = route(&method, &target, token.as_deref(), &keys, now, &apps);
            record(canned.status, reason);
            std::thread::sleep(wait);
            write_response(&mut conn, &canned, shifted_now(offset), rl_header, &state);
            return;
        }
        Scenario::Normal => {
            let (canned, reason) = route(&method, &target, token.as_deref(), &keys, now, &apps);
            record(canned.status, reason);
            write_response(&mut conn, &canned, now, rl_header, &state);
            return;
        }
    };
    record(answer.status, None);
    write_response(&mut conn, &answer, now, rl_header, &state);
}

fn shifted_now(offset_s: i64) -> SystemTime {
    let now = SystemTime::now();
    if offset_s >= 0 {
        now + Duration::from_secs(offset_s as u64)
    } else {
        now - Duration::from_secs(offset_s.unsigned_abs())
    }
}

fn write_response(
    conn: &mut TcpStream,
    c: &Canned,
    now: SystemTime,
    rl_header: bool,
    state: &Arc<Mutex<State>>,
) {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nDate: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        c.status,
        reason_phrase(c.status),
        httpdate::fmt_http_date(now),
        c.body.len()
    );
    if rl_header {
        let used = state.lock().map(|s| s.requests.len()).unwrap_or(0) as u32;
        head.push_str(&format!(
            "X-Rate-Limit: user-hour-lim:3600;user-hour-rem:{};\r\n",
            3600u32.saturating_sub(used)
        ));
    }
    for (k, v) in &c.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = conn.write_all(head.as_bytes());
    let _ = conn.write_all(&c.body);
    let _ = conn.flush();
    let _ = conn.shutdown(Shutdown::Write);
    // Let the client read everything before the socket goes away.
    let mut sink = [0u8; 256];
    let _ = conn.set_read_timeout(Some(Duration::from_millis(500)));
    while matches!(conn.read(&mut sink), Ok(n) if n > 0) {}
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        406 => "Not Acceptable",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// Request line and headers (names lower-cased); bodies are not expected (GET only).
fn read_request(conn: &TcpStream) -> Option<(String, String, HashMap<String, String>)> {
    let mut reader = BufReader::new(conn.try_clone().ok()?.take(64 * 1024));
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).ok()? == 0 {
            break;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
        }
    }
    Some((method, target, headers))
}

/// Authenticate, then answer by path and the key's access.
fn route(
    method: &str,
    target: &str,
    token: Option<&str>,
    keys: &HashMap<String, DoubleKey>,
    now: SystemTime,
    apps: &[(String, String)],
) -> (Canned, Option<String>) {
    let key = match authenticate(method, target, token, keys, now) {
        Ok(k) => k,
        Err(reason) => return (error_response(401, "NOT_AUTHORIZED"), Some(reason)),
    };
    let path = target.split('?').next().unwrap_or(target);
    let allowed = match path {
        "/v1/apps" => key.access.apps,
        "/v1/certificates" | "/v1/bundleIds" => key.access.signing,
        "/v1/users" => key.access.users,
        _ => return (error_response(404, "NOT_FOUND"), None),
    };
    if !allowed {
        return (error_response(403, "FORBIDDEN_ERROR"), None);
    }
    let body = match path {
        "/v1/apps" => {
            let data: Vec<Value> = apps
                .iter()
                .enumerate()
                .take(200)
                .map(|(i, (name, bundle))| {
                    json!({"type": "apps", "id": format!("{}", 1_000_000 + i),
                           "attributes": {"name": name, "bundleId": bundle}})
                })
                .collect();
            json!({"data": data, "links": {"self": target},
                   "meta": {"paging": {"total": apps.len(), "limit": 200}}})
        }
        _ => {
            json!({"data": [], "links": {"self": target}, "meta": {"paging": {"total": 0, "limit": 1}}})
        }
    };
    (json_response(200, &body), None)
}

/// Apple's token rules; `Err(reason)` becomes the generic 401.
fn authenticate<'k>(
    method: &str,
    target: &str,
    token: Option<&str>,
    keys: &'k HashMap<String, DoubleKey>,
    now: SystemTime,
) -> Result<&'k DoubleKey, String> {
    let token = token.ok_or("no bearer token")?;
    let header = jsonwebtoken::decode_header(token).map_err(|e| format!("bad header: {e}"))?;
    if header.alg != Algorithm::ES256 {
        return Err(format!("alg {:?}", header.alg));
    }
    if header.typ.as_deref() != Some("JWT") {
        return Err(format!("typ {:?}", header.typ));
    }
    let kid = header.kid.ok_or("no kid")?;
    let key = keys.get(&kid).ok_or_else(|| format!("unknown kid {kid}"))?;
    let pem = key.public_key.to_public_key_pem(LineEnding::LF).unwrap();
    let decoding = DecodingKey::from_ec_pem(pem.as_bytes()).unwrap();
    let mut v = Validation::new(Algorithm::ES256);
    // Time is checked below against the double's (possibly shifted) clock.
    v.validate_exp = false;
    v.leeway = 0;
    v.set_audience(&[AUDIENCE]);
    v.set_required_spec_claims(&["aud", "exp"]);
    let data = jsonwebtoken::decode::<Value>(token, &decoding, &v)
        .map_err(|e| format!("rejected: {e}"))?;
    let c = data.claims;
    let now_s = now.duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
    let exp = c["exp"].as_i64().ok_or("exp not a number")?;
    if exp <= now_s {
        return Err("expired".into());
    }
    let start = match c.get("iat") {
        Some(iat) => {
            let iat = iat.as_i64().ok_or("iat not a number")?;
            if iat > now_s {
                return Err("iat in the future".into());
            }
            iat
        }
        None => now_s,
    };
    if exp - start > 1200 {
        return Err("lifetime over 20 minutes".into());
    }
    match &key.owner {
        Owner::Team { issuer_id } => {
            if c["iss"].as_str() != Some(issuer_id.as_str()) {
                return Err("wrong iss".into());
            }
        }
        Owner::Individual => {
            if c["sub"].as_str() != Some("user") || c.get("iss").is_some() {
                return Err("individual key needs sub=user and no iss".into());
            }
        }
    }
    // Method, one space, path and query exactly as requested.
    let scope = c.get("scope").ok_or("no scope")?;
    let wanted = format!("{method} {target}");
    let ok = scope
        .as_array()
        .is_some_and(|a| a.iter().any(|s| s.as_str() == Some(wanted.as_str())));
    if !ok {
        return Err(format!("scope does not cover {wanted}"));
    }
    if key.revoked {
        return Err("revoked".into());
    }
    Ok(key)
}
