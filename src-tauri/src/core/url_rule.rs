//! Which addresses are this computer, and which carry a user name: the part of the destination
//! rule (`core::destination`) that `build.rs` also needs for platform profiles, so this file uses
//! no other module of the crate.

use std::net::IpAddr;
use url::{Host, Url};

/// 127.0.0.0/8, ::1, and `localhost` spelled exactly (any case). `localhost.` (a fully
/// qualified name) or `localhost.example` go to DNS, so they are not this computer.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// `user:password@` in the address: refused (it would add a second Authorization header).
pub fn has_user_info(url: &Url) -> bool {
    !url.username().is_empty() || url.password().is_some()
}
