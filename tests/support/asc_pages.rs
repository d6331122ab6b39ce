//! A loopback stand-in of the App Store Connect pages the embedded window guides through: sign-in,
//! Users and Access, Integrations, the API keys tab with its Issuer ID, the Generate dialog, and a
//! key row whose Download hands the key over in one of four ways (`Kind`). A real HTTP/1.1 server on
//! 127.0.0.1 (std::net, one thread per connection, `Connection: close`), like the other doubles.
//!
//! ```ignore
//! #[path = "support/asc_pages.rs"] mod asc_pages;
//! let asc = asc_pages::AscPages::start(pem, "2X9R4HXF34", "57246542-96fe-1a63-e053-0824d011072a");
//! asc.set_kind(asc_pages::Kind::Blob);
//! // point the window at asc.base() (ASC_WIZARD_E2E_ASC_BASE in an e2e-seam build)
//! ```
//!
//! Like Apple, the key can be fetched once: every later fetch or attachment answers 410 with a JSON
//! error body. The pages use the same paths as App Store Connect and mark controls by structure
//! (`href`, `role`, `aria-*`, `download`), never only by their English words.

#![allow(dead_code)]

use base64ct::{Base64, Encoding};
use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// How the key row's Download hands the key over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The page fetches the key and clicks an `<a download>` on a `data:` URL (base64 PEM).
    DataUrl,
    /// The page fetches the key and clicks an `<a download>` on a `blob:` URL.
    Blob,
    /// A plain link to a response with `Content-Disposition: attachment`.
    Attachment,
}

/// The link on every page that leaves App Store Connect (the window must hand it to the browser).
pub const OFF_LIST_LINK: &str = "https://developer.apple.com/help/app-store-connect/";

struct State {
    pem: String,
    key_id: String,
    issuer_id: String,
    kind: Kind,
    downloads: usize,
    requests: Vec<String>,
    /// Every `Cookie` header received.
    cookies: Vec<String>,
    /// Whether App Store Connect's pages send a visitor without the session cookie to sign in.
    require_sign_in: bool,
    /// What the merchant does next in the window (`Act`), taken by the page that can do it.
    acts: std::collections::VecDeque<Act>,
}

/// What the stand-in merchant does in the window, for journeys whose WebDriver session drives only
/// the wizard's window: every page asks `/__merchant` what to do next and does it with the page's
/// own controls (found by id, as a person finds them by sight).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// Fill the sign-in form and submit it (not counted: signing in to Apple is not the wizard's).
    SignIn,
    /// + , the key's name, Admin access, Generate: four actions.
    Generate,
    /// Download on the new key's row: one action.
    Download,
    /// Follow the footer's help link, which leaves App Store Connect.
    OffListLink,
}

impl Act {
    fn word(self) -> &'static str {
        match self {
            Act::SignIn => "sign_in",
            Act::Generate => "generate",
            Act::Download => "download",
            Act::OffListLink => "off_list",
        }
    }

    /// The page path where this act can be done.
    fn page(self) -> &'static [&'static str] {
        match self {
            Act::SignIn => &["/", "/login"],
            _ => &["/access/integrations/api"],
        }
    }

    /// The merchant's actions it stands for (clicks, a choice, typing the name).
    pub fn actions(self) -> usize {
        match self {
            Act::SignIn => 0,
            Act::Generate => 4,
            Act::Download | Act::OffListLink => 1,
        }
    }
}

pub struct AscPages {
    port: u16,
    state: Arc<Mutex<State>>,
}

impl AscPages {
    pub fn start(pem: &str, key_id: &str, issuer_id: &str) -> AscPages {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the stand-in");
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State {
            pem: pem.to_string(),
            key_id: key_id.to_string(),
            issuer_id: issuer_id.to_string(),
            kind: Kind::DataUrl,
            downloads: 0,
            requests: Vec::new(),
            cookies: Vec::new(),
            require_sign_in: false,
            acts: Default::default(),
        }));
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = shared.clone();
                std::thread::spawn(move || serve(stream, &state));
            }
        });
        AscPages { port, state }
    }

    /// `http://127.0.0.1:PORT/`
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    pub fn set_kind(&self, kind: Kind) {
        self.state.lock().unwrap().kind = kind;
    }

    /// Send visitors without the session cookie to the sign-in page first, as Apple does.
    pub fn require_sign_in(&self) {
        self.state.lock().unwrap().require_sign_in = true;
    }

    /// The merchant does `act` next, on the first page that can.
    pub fn act(&self, act: Act) {
        self.state.lock().unwrap().acts.push_back(act);
    }

    /// Acts not yet taken by a page.
    pub fn acts_left(&self) -> usize {
        self.state.lock().unwrap().acts.len()
    }

    /// The key counts as downloaded once already: the next download answers 410.
    pub fn mark_downloaded(&self) {
        self.state.lock().unwrap().downloads = 1;
    }

    /// How many times the key was handed out (the first is the only one answered 200).
    pub fn downloads(&self) -> usize {
        self.state.lock().unwrap().downloads
    }

    /// Every `Cookie` header the pages received (the sign-in sets `myacinfo`, for a day, as a
    /// stand-in for Apple's session: it must not survive "Sign out of Apple in this app").
    pub fn cookies(&self) -> Vec<String> {
        self.state.lock().unwrap().cookies.clone()
    }

    /// Every request line's path, in order.
    pub fn requests(&self) -> Vec<String> {
        self.state.lock().unwrap().requests.clone()
    }
}

fn serve(mut stream: TcpStream, state: &Arc<Mutex<State>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let mut signed_in = false;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).map_or(true, |n| n == 0) || h == "\r\n" || h == "\n" {
            break;
        }
        if let Some((name, value)) = h.split_once(':') {
            if name.eq_ignore_ascii_case("cookie") {
                signed_in |= value.contains("myacinfo=");
                state.lock().unwrap().cookies.push(value.trim().to_string());
            }
        }
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let (status, headers, body) = answer(&path, signed_in, state);
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n{headers}\r\n",
        body.len()
    );
    let _ = stream
        .write_all(head.as_bytes())
        .and_then(|_| stream.write_all(&body));
    let _ = stream.shutdown(Shutdown::Both);
}

const HTML: &str = "Content-Type: text/html; charset=utf-8\r\n";
const JSON: &str = "Content-Type: application/json\r\n";

fn answer(
    path: &str,
    signed_in: bool,
    state: &Arc<Mutex<State>>,
) -> (&'static str, String, Vec<u8>) {
    let mut s = state.lock().unwrap();
    let route = path.split('?').next().unwrap_or("/");
    if route == "/__merchant" {
        // The page asks what the merchant does next; only a page that can do it takes it.
        let here = path.split("page=").nth(1).unwrap_or("").replace("%2F", "/");
        let here = here.split('&').next().unwrap_or("");
        let next = s.acts.front().copied().filter(|a| a.page().contains(&here));
        let word = next.map_or("", |a| {
            s.acts.pop_front();
            a.word()
        });
        return (
            "200 OK",
            "Content-Type: text/plain\r\nCache-Control: no-store\r\n".into(),
            word.into(),
        );
    }
    s.requests.push(path.to_string());
    if s.require_sign_in && !signed_in && route.starts_with("/access") && !path.contains("account=")
    {
        return ("302 Found", "Location: /login\r\n".into(), Vec::new());
    }
    let key_path = format!("/iris/v1/apiKeys/{}", s.key_id);
    let attachment_path = format!("/download/{}", s.key_id);
    if route == key_path || route == attachment_path {
        s.downloads += 1;
        if s.downloads > 1 {
            let body = r#"{"errors":[{"status":"410","code":"GONE","detail":"can only be downloaded one time"}]}"#;
            // A download link keeps its download headers on the error too, so the web view
            // downloads Apple's answer instead of showing it: the case the wizard must explain.
            // (Served as JSON, WebKit would show it in the window, where the merchant reads it.)
            let headers = if route == attachment_path {
                format!("Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"AuthKey_{}.p8\"\r\n", s.key_id)
            } else {
                JSON.into()
            };
            return ("410 Gone", headers, body.into());
        }
        if route == attachment_path {
            let name = format!("AuthKey_{}.p8", s.key_id);
            let headers = format!("Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"{name}\"\r\n");
            return ("200 OK", headers, s.pem.clone().into_bytes());
        }
        let body = format!(
            r#"{{"data":{{"type":"apiKeys","id":"{}","attributes":{{"privateKey":"{}"}}}}}}"#,
            s.key_id,
            Base64::encode_string(s.pem.as_bytes())
        );
        return ("200 OK", JSON.into(), body.into_bytes());
    }
    if route == "/access/users" && path.contains("account=") {
        // The sign-in form's answer: a session cookie kept for a day, as Apple's is; where the
        // visitor was sent to sign in, back to the keys page (Apple returns to the page asked for).
        let cookie = "Set-Cookie: myacinfo=signed-in; Path=/; Max-Age=86400\r\n";
        if s.require_sign_in {
            return (
                "302 Found",
                format!("Location: /access/integrations/api\r\n{cookie}"),
                Vec::new(),
            );
        }
        let headers = format!("{HTML}{cookie}");
        return (
            "200 OK",
            headers,
            page("Users and Access", &tabs("")).into_bytes(),
        );
    }
    let page = match route {
        "/" | "/login" => page("Sign In", SIGN_IN),
        "/access/users" => page("Users and Access", &tabs("")),
        "/access/integrations" => page("Integrations", &tabs("")),
        "/access/integrations/api" => page("App Store Connect API", &(tabs(&keys_tab(&s)))),
        _ => {
            return (
                "404 Not Found",
                HTML.into(),
                page("Not found", "<p>Not found</p>").into_bytes(),
            )
        }
    };
    ("200 OK", HTML.into(), page.into_bytes())
}

fn page(title: &str, body: &str) -> String {
    format!("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head><body><main>{body}</main><footer><a id=\"off-list\" href=\"{OFF_LIST_LINK}\">Help</a> <a id=\"new-window\" target=\"_blank\" href=\"{OFF_LIST_LINK}\">Help in a new window</a></footer>{MERCHANT}</body></html>")
}

/// Every page asks what the stand-in merchant does next (`Act`) and does it with its own controls.
const MERCHANT: &str = r#"<script>
setInterval(async () => {
  const act = (await (await fetch('/__merchant?page=' + encodeURIComponent(location.pathname))).text()).trim();
  const byId = (id) => document.getElementById(id);
  if (act === 'sign_in') {
    const f = byId('sign-in');
    f.elements.namedItem('account').value = 'merchant@example.com';
    f.elements.namedItem('password').value = 'stand-in';
    f.submit();
  } else if (act === 'generate') {
    byId('generate').click();
    const f = byId('generate-form');
    f.elements.namedItem('name').value = 'Acme Shops';
    f.elements.namedItem('access').value = 'ADMIN';
    f.requestSubmit();
  } else if (act === 'download') {
    byId('download-key').click();
  } else if (act === 'off_list') {
    byId('off-list').click();
  }
}, 300);
</script>"#;

const SIGN_IN: &str = r#"<h1>Sign in to App Store Connect</h1>
<form id="sign-in" action="/access/users" method="get">
<label>Apple Account <input name="account" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign In</button></form>"#;

fn tabs(inner: &str) -> String {
    format!(
        r#"<h1>Users and Access</h1><nav role="tablist">
<a role="tab" href="/access/users">People</a> <a role="tab" href="/access/users/sandbox">Sandbox</a>
<a role="tab" href="/access/integrations">Integrations</a></nav>
<nav role="tablist"><a role="tab" href="/access/integrations/api">App Store Connect API</a></nav>{inner}"#
    )
}

fn keys_tab(s: &State) -> String {
    let kind = match s.kind {
        Kind::DataUrl => "data",
        Kind::Blob => "blob",
        Kind::Attachment => "attachment",
    };
    format!(
        r#"<h2>Team Keys</h2><p>Issuer ID <span id="issuer-id">{issuer}</span></p>
<button id="generate" aria-haspopup="dialog" aria-controls="generate-dialog">+</button>
<dialog id="generate-dialog"><form method="dialog" id="generate-form">
<label>Name <input name="name" required></label>
<label>Access <select name="access"><option value="ADMIN">Admin</option><option value="DEVELOPER">Developer</option></select></label>
<button type="submit" value="generate">Generate</button></form></dialog>
<table><tbody id="keys"></tbody></table><p role="alert" id="download-error" hidden></p>
<script>
const KEY_ID = "{key_id}", KIND = "{kind}";
document.getElementById('generate').onclick = () => document.getElementById('generate-dialog').showModal();
document.getElementById('generate-form').addEventListener('submit', () => {{
  const row = document.createElement('tr');
  const name = new FormData(document.getElementById('generate-form')).get('name');
  row.innerHTML = '<td></td><td>' + KEY_ID + '</td><td></td>';
  row.cells[0].textContent = name;
  const link = document.createElement('a');
  link.id = 'download-key'; link.textContent = 'Download';
  if (KIND === 'attachment') {{ link.href = '/download/' + KEY_ID; }}
  else {{ link.href = '#'; link.setAttribute('role', 'button'); link.onclick = (e) => {{ e.preventDefault(); fetchKey(); }}; }}
  row.cells[2].appendChild(link);
  document.getElementById('keys').appendChild(row);
}});
async function fetchKey() {{
  const r = await fetch('/iris/v1/apiKeys/' + KEY_ID + '?fields[apiKeys]=privateKey');
  if (r.status === 410) {{ const e = document.getElementById('download-error'); e.hidden = false; e.textContent = 'This key can only be downloaded one time.'; return; }}
  const b64 = (await r.json()).data.attributes.privateKey;
  const a = document.createElement('a');
  a.download = 'AuthKey_' + KEY_ID + '.p8';
  a.href = KIND === 'blob' ? URL.createObjectURL(new Blob([atob(b64)], {{type: 'application/octet-stream'}}))
                           : 'data:application/octet-stream;base64,' + b64;
  document.body.appendChild(a); a.click(); a.remove();
}}
</script>"#,
        issuer = s.issuer_id,
        key_id = s.key_id
    )
}
