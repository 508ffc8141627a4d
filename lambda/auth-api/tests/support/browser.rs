//! A small browser for the federation tests: follows redirects one hop at a time (so a test sees
//! every address), keeps cookies per host:port (as a browser would for these test hosts; `Secure`
//! is not enforced on http://127.0.0.1, which browsers also treat as a secure context), stops
//! before visiting an address that starts with one of `stop_at`, and fills in the local identity
//! providers' sign-in and consent forms (tests/idp/server.mjs) as a person would.
use std::collections::BTreeMap;

pub struct Browser {
    http: reqwest::Client,
    /// host:port -> cookie name -> value.
    pub jar: BTreeMap<String, BTreeMap<String, String>>,
    pub stop_at: Vec<String>,
    pub hops: Vec<String>,
}

/// A page the browser stopped on (not a redirect).
pub struct Page {
    pub url: String,
    pub status: u16,
    pub body: String,
}

pub struct Form {
    pub action: String,
    pub fields: Vec<(String, String)>,
    pub buttons: Vec<(String, String)>,
}

fn host_of(url: &str) -> String {
    let u = reqwest::Url::parse(url).unwrap();
    format!("{}:{}", u.host_str().unwrap_or(""), u.port_or_known_default().unwrap_or(0))
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let re = regex::Regex::new(&format!(r#"\b{name}="([^"]*)""#)).unwrap();
    re.captures(tag).map(|c| unescape(&c[1]))
}

/// The forms of a page, their inputs and named buttons.
pub fn forms(html: &str) -> Vec<Form> {
    let form_re = regex::Regex::new(r"(?s)<form\b([^>]*)>(.*?)</form>").unwrap();
    let input_re = regex::Regex::new(r"<input\b[^>]*>").unwrap();
    let button_re = regex::Regex::new(r"<button\b[^>]*>").unwrap();
    form_re
        .captures_iter(html)
        .map(|c| Form {
            action: attr(&c[1], "action").unwrap_or_default(),
            fields: input_re.find_iter(&c[2]).filter_map(|m| Some((attr(m.as_str(), "name")?, attr(m.as_str(), "value").unwrap_or_default()))).collect(),
            buttons: button_re.find_iter(&c[2]).filter_map(|m| Some((attr(m.as_str(), "name")?, attr(m.as_str(), "value").unwrap_or_default()))).collect(),
        })
        .collect()
}

impl Browser {
    pub fn new(stop_at: &[&str]) -> Self {
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Browser { http, jar: BTreeMap::new(), stop_at: stop_at.iter().map(|s| s.to_string()).collect(), hops: Vec::new() }
    }

    pub fn cookie(&self, url: &str, name: &str) -> Option<&String> {
        self.jar.get(&host_of(url))?.get(name)
    }

    pub fn set_cookie(&mut self, url: &str, name: &str, value: &str) {
        self.jar.entry(host_of(url)).or_default().insert(name.into(), value.into());
    }

    fn store(&mut self, url: &str, headers: &reqwest::header::HeaderMap) {
        for v in headers.get_all(reqwest::header::SET_COOKIE) {
            let Ok(c) = cookie::Cookie::parse_encoded(v.to_str().unwrap().to_string()) else { continue };
            let cookies = self.jar.entry(host_of(url)).or_default();
            if c.max_age().is_some_and(|a| a.is_zero()) || c.value().is_empty() {
                cookies.remove(c.name());
            } else {
                cookies.insert(c.name().to_string(), c.value().to_string());
            }
        }
    }

    /// Goes to `url` (GET, or POST with `form`), following redirects; `Err(url)` when it stopped
    /// before one of `stop_at`, `Ok(page)` on the first answer that is not a redirect.
    pub async fn go(&mut self, mut url: String, mut form: Option<Vec<(String, String)>>) -> Result<Page, String> {
        for _ in 0..20 {
            if self.stop_at.iter().any(|s| url.starts_with(s.as_str())) {
                return Err(url);
            }
            self.hops.push(url.clone());
            let mut req = match &form {
                Some(f) => self.http.post(&url).form(f),
                None => self.http.get(&url),
            };
            if let Some(cookies) = self.jar.get(&host_of(&url)).filter(|c| !c.is_empty()) {
                let header = cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
                req = req.header(reqwest::header::COOKIE, header);
            }
            let r = req.send().await.unwrap_or_else(|e| panic!("{url}: {e}"));
            self.store(&url, r.headers());
            let status = r.status().as_u16();
            if [301, 302, 303, 307].contains(&status) {
                let location = r.headers()[reqwest::header::LOCATION].to_str().unwrap().to_string();
                url = reqwest::Url::parse(&url).unwrap().join(&location).unwrap().to_string();
                form = None;
                continue;
            }
            return Ok(Page { url, status, body: r.text().await.unwrap_or_default() });
        }
        panic!("too many redirects: {:?}", self.hops)
    }

    /// Submits the page's first form with `values` (its hidden fields kept) and `button`.
    pub async fn submit(&mut self, page: &Page, values: &[(&str, &str)], button: Option<(&str, &str)>) -> Result<Page, String> {
        let fs = forms(&page.body);
        let f = fs.first().unwrap_or_else(|| panic!("no form on {}: {} {:.300}", page.url, page.status, page.body));
        let mut data: Vec<(String, String)> = f.fields.iter().filter(|(k, _)| !values.iter().any(|(n, _)| n == k)).cloned().collect();
        data.extend(values.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        if let Some((n, v)) = button {
            data.push((n.into(), v.into()));
        }
        let action = reqwest::Url::parse(&page.url).unwrap().join(&f.action).unwrap().to_string();
        self.go(action, Some(data)).await
    }

    /// From `start` through the provider's sign-in (and consent, `consent` = `allow` or `deny`) to
    /// where the browser stops: the address it stopped before.
    pub async fn sign_in(&mut self, start: &str, email: &str, password: &str, consent: &str) -> String {
        let mut at = match self.go(start.to_string(), None).await {
            Err(url) => return url,
            Ok(page) => {
                // A SAML IdP's sign-in page carries the refusal itself (tests/idp/server.mjs): deny there.
                let deny_here = consent == "deny" && forms(&page.body).first().is_some_and(|f| f.buttons.iter().any(|(n, v)| n == "decision" && v == "deny"));
                self.submit(&page, &[("login", email), ("password", password)], deny_here.then_some(("decision", "deny"))).await
            }
        };
        loop {
            let page = match at {
                Err(url) => return url,
                Ok(p) => p,
            };
            let fs = forms(&page.body);
            let Some(f) = fs.first() else { panic!("stuck at {}: {} {:.400}", page.url, page.status, page.body) };
            if f.buttons.iter().any(|(n, v)| n == "decision" && v == "allow") && !f.fields.iter().any(|(n, _)| n == "login") {
                at = self.submit(&page, &[], Some(("decision", consent))).await;
            } else if f.fields.iter().any(|(n, _)| n == "SAMLResponse") {
                // The IdP's auto-posting form (its script does this in a browser).
                let action = reqwest::Url::parse(&page.url).unwrap().join(&f.action).unwrap().to_string();
                at = self.go(action, Some(f.fields.clone())).await;
            } else {
                panic!("unexpected page at {}: {:.400}", page.url, page.body)
            }
        }
    }
}

/// The query parameters of `url`.
pub fn query(url: &str) -> BTreeMap<String, String> {
    reqwest::Url::parse(url).unwrap().query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}
