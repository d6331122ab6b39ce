//! The links waiting in this run of the app: every distinct one kept (never one replacing another), the merchant's choice, what the wizard is told, the codes used and the accounts looked up.

use super::link::{parse, refused, SetupLink};
use super::{digest, scheme};
use crate::core::destination::host_of;
use crate::core::problem::Code;
use crate::core::Problem;
use serde::Serialize;
use zeroize::Zeroizing;

/// What the wizard may know of the links: never a token, never a raw link value.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LinkInfo {
    /// "A setup link asks …" (or that several do and one must be chosen).
    pub message: String,
    /// The chosen link's account name as the link gives it (a hint, sanitised), if any.
    pub account: Option<String>,
    /// The host the chosen link names, to be confirmed before anything is sent (generic build only).
    pub confirm_host: Option<String>,
    /// A link that was refused: shown beside the pending ones, never instead of them.
    pub problem: Option<Problem>,
    /// A chosen link's code is waiting: nothing needs pasting.
    pub ready: bool,
    /// Every pending link when there are two or more (the merchant picks one), else empty.
    pub choices: Vec<LinkChoice>,
}

/// One pending link as the merchant sees it in the choice.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct LinkChoice {
    /// What `choose_setup_link` takes; stable while the link is pending.
    pub id: u32,
    /// "Setup link 1: for the account it calls “Blue Shoes”, to dash.example".
    pub label: String,
    pub chosen: bool,
}

/// At most this many distinct links wait at once; a further one is refused.
pub const MAX_PENDING: usize = 3;
/// A pending link and the id the merchant chooses it by.
struct Pending {
    id: u32,
    link: SetupLink,
}

/// The chosen link's code and destination, for one upload. `sent` identifies the code, so that
/// exactly the code sent is marked used, whatever arrives meanwhile.
pub struct LinkToken {
    pub token: Zeroizing<String>,
    pub upload_url: Option<String>,
    pub sent: [u8; 32],
}

/// What the upload may use from the links.
pub enum Pick {
    /// No link is pending.
    NoLink,
    /// Two or more are pending and the merchant has not chosen (since the last one arrived).
    Undecided,
    One(LinkToken),
}

/// The pending links (at most [`MAX_PENDING`]), which one the merchant chose, the last refused
/// one, and the codes already used (by hash), for this run of the app.
#[derive(Default)]
pub struct Links {
    pending: Vec<Pending>,
    chosen: Option<u32>,
    refused: Option<Problem>,
    used: Vec<[u8; 32]>,
    next_id: u32,
    /// What the account look-up found, by `account::answer_key` (code and destination).
    accounts: Vec<([u8; 32], Option<String>)>,
}

fn same(a: &SetupLink, b: &SetupLink) -> bool {
    digest(&a.token) == digest(&b.token) && a.account == b.account && a.upload_url == b.upload_url
}

impl Links {
    /// A link arrived (at launch, or handed on by a second launch). It never replaces a pending
    /// one: a second distinct link makes the merchant choose; a refused one is reported beside.
    pub fn receive(&mut self, raw: &str) {
        let link = match parse(
            raw,
            scheme(),
            crate::core::profile::fixed_destination().is_some(),
        ) {
            Ok(link) => link,
            Err(problem) => {
                self.refused = Some(problem);
                return;
            }
        };
        if self.used.contains(&digest(&link.token)) {
            self.refused = Some(Problem::new(
                Code::SetupLinkUsed,
                "A setup link came again whose code was already used to upload a key, so its code was not sent again.",
                "Nothing was sent. To upload again, open a new setup link from your dashboard.",
            ));
            return;
        }
        if self.pending.iter().any(|p| same(&p.link, &link)) {
            return; // the same link opened twice changes nothing
        }
        if self.pending.len() >= MAX_PENDING {
            self.refused = Some(refused(format!("Another setup link arrived while {MAX_PENDING} were already waiting; it was not kept.")));
            return;
        }
        self.next_id += 1;
        self.pending.push(Pending {
            id: self.next_id,
            link,
        });
        self.refused = None;
        // The only link is the merchant's choice; any further one undoes an earlier choice.
        self.chosen = (self.pending.len() == 1).then_some(self.next_id);
    }

    /// The merchant picked the link with this id (from [`LinkInfo::choices`]).
    pub fn choose(&mut self, id: u32) -> Result<(), Problem> {
        if !self.pending.iter().any(|p| p.id == id) {
            return Err(Problem::new(
                Code::SetupLinkChoiceNeeded,
                "That setup link is no longer waiting.",
                "Choose one of the setup links the wizard shows now.",
            ));
        }
        self.chosen = Some(id);
        Ok(())
    }

    fn label(link: &SetupLink) -> String {
        let mut s = match &link.account {
            Some(a) => format!("for the account it calls “{a}”"),
            None => "naming no account".to_owned(),
        };
        if let Some(u) = &link.upload_url {
            s.push_str(&format!(
                ", to {}",
                crate::core::text::shown(&host_of(u), 120)
            ));
        }
        s
    }

    /// What the wizard shows; `None` when no link came.
    pub fn info(&self) -> Option<LinkInfo> {
        if self.pending.is_empty() {
            let problem = self.refused.clone()?;
            return Some(LinkInfo {
                message: problem.message.clone(),
                account: None,
                confirm_host: None,
                problem: Some(problem),
                ready: false,
                choices: Vec::new(),
            });
        }
        let chosen = self
            .pending
            .iter()
            .find(|p| Some(p.id) == self.chosen)
            .map(|p| &p.link);
        let choices = if self.pending.len() < 2 && chosen.is_some() {
            Vec::new()
        } else {
            self.pending
                .iter()
                .enumerate()
                .map(|(i, p)| LinkChoice {
                    id: p.id,
                    label: format!("Setup link {}: {}", i + 1, Self::label(&p.link)),
                    chosen: Some(p.id) == self.chosen,
                })
                .collect()
        };
        let message = match (chosen, self.pending.len()) {
            (None, 1) => "A setup link asks to upload the key; it arrived beside another one. Choose it only if you opened it yourself; nothing is sent until you do.".to_owned(),
            (None, n) => format!(
                "{n} setup links ask to upload the key, for different accounts or addresses. Choose the one you opened yourself; nothing is sent until you do."
            ),
            (Some(l), n) => {
                let mut m = match &l.account {
                    Some(a) => format!("A setup link asks to upload the key into the account it calls “{a}”. Nothing needs pasting."),
                    None => "A setup link asks to upload the key with its setup code. Nothing needs pasting.".to_owned(),
                };
                if n > 1 {
                    m.push_str(&format!(" {} other setup link{} also arrived: check that this is the one you opened.", n - 1, if n > 2 { "s" } else { "" }));
                }
                m
            }
        };
        Some(LinkInfo {
            message,
            account: chosen.and_then(|l| l.account.clone()),
            confirm_host: chosen
                .and_then(|l| l.upload_url.as_deref())
                .map(|u| crate::core::text::shown(&host_of(u), 120)),
            problem: self.refused.clone(),
            ready: chosen.is_some(),
            choices,
        })
    }

    /// The chosen link's code and (generic build) its upload address, for one upload.
    pub fn pick(&self) -> Pick {
        if self.pending.is_empty() {
            return Pick::NoLink;
        }
        match self.pending.iter().find(|p| Some(p.id) == self.chosen) {
            None => Pick::Undecided,
            Some(p) => Pick::One(LinkToken {
                token: p.link.token.clone(),
                upload_url: p.link.upload_url.clone(),
                sent: digest(&p.link.token),
            }),
        }
    }

    /// Remember what the dashboard said about the account of one code and destination.
    pub fn remember_account(&mut self, key: [u8; 32], name: Option<String>) {
        self.accounts.retain(|(k, _)| *k != key);
        self.accounts.push((key, name));
    }

    /// What the look-up found for this code and destination (`Some(None)`: it could not say).
    pub fn account(&self, key: &[u8; 32]) -> Option<&Option<String>> {
        self.accounts.iter().find(|(k, _)| k == key).map(|(_, n)| n)
    }

    /// The upload of the code with this hash succeeded: forget every pending link holding it,
    /// and refuse it if it comes again. Links that arrived meanwhile stay.
    pub fn used(&mut self, sent: [u8; 32]) {
        self.used.push(sent);
        self.pending.retain(|p| digest(&p.link.token) != sent);
        // A link that arrived beside the one used is never taken up on its own: chosen again.
        if !self.pending.iter().any(|p| Some(p.id) == self.chosen) {
            self.chosen = None;
        }
    }
}
