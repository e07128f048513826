//! Outbound, used by the service layer and push: requests the server makes to the outside on
//! a client's behalf (fetching the photo at an Open311 `media_url`, calling a UnifiedPush
//! endpoint), looking an `address_string` up with the configured geocoder, and the client
//! for the services it is configured to call.
//!
//! A URL a client hands us must not reach inside the city's network (server-side request
//! forgery): names are resolved by a resolver that drops every loopback, private,
//! link-local and other non-public address, literal addresses are checked the same way,
//! redirects included, and bodies are read up to a limit, within a deadline.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Why a fetch gave nothing.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("not an http(s) URL")]
    BadUrl,
    #[error("the address is not a public one")]
    NotPublic,
    #[error("the server answered {0}")]
    Status(u16),
    #[error("larger than {0} bytes")]
    TooLarge(usize),
    #[error("{0}")]
    Network(String),
}

/// Whether an address is one anyone on the internet could reach (not this host, not a
/// private or link-local network, not multicast or reserved).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => public_v4(v4),
            None => {
                let first = v6.segments()[0];
                !(v6.is_loopback()
                    || v6.is_unspecified()
                    || v6.is_multicast()
                    || (first & 0xfe00) == 0xfc00 // unique local
                    || (first & 0xffc0) == 0xfe80 // link-local
                    || (first == 0x2001 && v6.segments()[1] == 0x0db8)) // documentation
            }
        },
    }
}

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..=127).contains(&b)) // carrier-grade NAT
        || (a == 192 && b == 0 && c == 0)
        || a >= 240)
}

/// Resolves names to their public addresses only.
struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let found = tokio::net::lookup_host((name.as_str(), 0)).await?;
            let public: Vec<SocketAddr> = found.filter(|a| is_public(a.ip())).collect();
            if public.is_empty() {
                return Err(format!("{} has no public address", name.as_str()).into());
            }
            let addrs: Addrs = Box::new(public.into_iter());
            Ok(addrs)
        })
    }
}

/// Whether a URL someone gave us may be called from this server: `http(s)`, and a host that is
/// neither a literal address outside the public internet nor a name that only means something
/// inside a network (`localhost`, `*.local`, `*.internal`, `*.localhost`). Names that resolve
/// to private addresses are caught by the resolver of the clients below.
pub fn public_url(url: &reqwest::Url) -> bool {
    matches!(url.scheme(), "http" | "https") && host_allowed(url, false)
}

/// A name that only means something inside a network. `localhost.` is `localhost`: a name's
/// final dot only says it is fully qualified.
fn local_name(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host == "localhost" || [".localhost", ".local", ".internal", ".localdomain"].iter().any(|s| host.ends_with(s))
}

/// The client for services this server is configured to call (FCM, Google's token endpoint;
/// UnifiedPush's when the public-only one cannot be built): short timeouts, no redirects.
pub fn service_client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_default()
}

/// A client for a URL someone gave us (a UnifiedPush endpoint): names resolve only to public
/// addresses, no redirect is followed.
pub fn public_only_client(timeout: Duration) -> Result<reqwest::Client, FetchError> {
    reqwest::Client::builder()
        .user_agent(concat!("civic-server/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(5))
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .dns_resolver(Arc::new(PublicOnly))
        .build()
        .map_err(|e| FetchError::Network(e.to_string()))
}

fn host_allowed(url: &reqwest::Url, allow_private: bool) -> bool {
    let Some(host) = url.host_str() else { return false };
    // A literal address is never resolved, so it is checked here; a name, by the resolver
    // (which a local name may never reach: it is refused by name first).
    match host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() {
        Ok(ip) => allow_private || is_public(ip),
        Err(_) => allow_private || !local_name(host),
    }
}

/// The client for URLs clients give us. `allow_private` is for tests on loopback only.
fn untrusted_client(allow_private: bool) -> Result<reqwest::Client, FetchError> {
    static PUBLIC: OnceLock<reqwest::Client> = OnceLock::new();
    static ANY: OnceLock<reqwest::Client> = OnceLock::new();
    let cell = if allow_private { &ANY } else { &PUBLIC };
    if let Some(c) = cell.get() {
        return Ok(c.clone());
    }
    let redirects = reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() >= 3 {
            attempt.error("too many redirects")
        } else if !matches!(attempt.url().scheme(), "http" | "https") || !host_allowed(attempt.url(), allow_private) {
            attempt.error("redirected to an address that is not public")
        } else {
            attempt.follow()
        }
    });
    let mut builder = reqwest::Client::builder()
        .user_agent(concat!("civic-server/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(20))
        .redirect(redirects);
    if !allow_private {
        builder = builder.dns_resolver(Arc::new(PublicOnly));
    }
    let client = builder.build().map_err(|e| FetchError::Network(e.to_string()))?;
    Ok(cell.get_or_init(|| client).clone())
}

/// GETs a URL a client gave, with at most `max` bytes of body.
pub async fn fetch_untrusted(url: &str, max: usize, allow_private: bool) -> Result<Vec<u8>, FetchError> {
    let parsed = reqwest::Url::parse(url).map_err(|_| FetchError::BadUrl)?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(FetchError::BadUrl);
    }
    if !host_allowed(&parsed, allow_private) {
        return Err(FetchError::NotPublic);
    }
    let client = untrusted_client(allow_private)?;
    read_limited(client.get(parsed), max).await
}

async fn read_limited(req: reqwest::RequestBuilder, max: usize) -> Result<Vec<u8>, FetchError> {
    let network = |e: reqwest::Error| {
        // The resolver's refusal surfaces as a connect error; say what it was.
        let text = format!("{e:?}");
        if text.contains("no public address") { FetchError::NotPublic } else { FetchError::Network(e.to_string()) }
    };
    let mut response = req.send().await.map_err(network)?;
    if !response.status().is_success() {
        return Err(FetchError::Status(response.status().as_u16()));
    }
    if response.content_length().is_some_and(|n| n > max as u64) {
        return Err(FetchError::TooLarge(max));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(network)? {
        if body.len() + chunk.len() > max {
            return Err(FetchError::TooLarge(max));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Looks an address up with a Nominatim-compatible geocoder (`/search`), within the city's
/// bounds: the first match's `(lat, lon)`, or None when nothing there matches. The geocoder
/// is the operator's choice, so it may be on the city's own network.
pub async fn geocode(geocoder: &str, address: &str, city: &str, bounds: (f64, f64, f64, f64)) -> Result<Option<(f64, f64)>, FetchError> {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    let client = match CLIENT.get() {
        Some(c) => c.clone(),
        None => {
            let c = reqwest::Client::builder()
                .user_agent(concat!("civic-server/", env!("CARGO_PKG_VERSION")))
                .timeout(Duration::from_secs(10))
                .build()
                .map_err(|e| FetchError::Network(e.to_string()))?;
            CLIENT.get_or_init(|| c).clone()
        }
    };
    let (min_lat, min_lon, max_lat, max_lon) = bounds;
    let viewbox = format!("{min_lon},{max_lat},{max_lon},{min_lat}");
    let query = format!("{address}, {city}");
    let req = client.get(geocoder).query(&[
        ("q", query.as_str()),
        ("format", "jsonv2"),
        ("limit", "1"),
        ("viewbox", viewbox.as_str()),
        ("bounded", "1"),
        ("accept-language", "vi"),
    ]);
    let body = read_limited(req, 1 << 20).await?;
    let found: Vec<serde_json::Value> = serde_json::from_slice(&body).map_err(|e| FetchError::Network(format!("geocoder: {e}")))?;
    let coord = |v: &serde_json::Value| -> Option<f64> {
        match v {
            serde_json::Value::String(s) => s.parse().ok(),
            other => other.as_f64(),
        }
        .filter(|x: &f64| x.is_finite())
    };
    Ok(found.first().and_then(|f| Some((coord(&f["lat"])?, coord(&f["lon"])?))))
}

#[cfg(test)]
mod tests {
    use super::is_public;

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "224.0.0.1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["1.1.1.1", "203.162.4.190", "2606:4700::1111"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }
}
