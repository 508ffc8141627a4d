//! The benchmark's test CA, made fresh for each run: root -> intermediate -> server certificate for
//! 127.0.0.1 / localhost, as AWS endpoints present a leaf and an intermediate. The stubs serve
//! HTTPS with it; the functions under test trust it for that run only, through the environment:
//!
//! - the Rust `bootstrap`: `SSL_CERT_FILE` pointing at a bundle = the system's CA bundle + the test
//!   root. The product's HTTPS client (aws-smithy-http-client's rustls client, `state::sdk_builder`)
//!   loads its roots with rustls-native-certs, which reads `SSL_CERT_FILE` instead of the system
//!   store when it is set (documented at docs.rs/rustls-native-certs). The bundle keeps the
//!   system's roots so init still parses a full store, as it does in Lambda. Lambda never sets
//!   `SSL_CERT_FILE` (it is not among the runtime's variables:
//!   https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime)
//!   and the construct does not either, so production trust is the system store, unchanged.
//! - the Node baseline: `NODE_EXTRA_CA_CERTS` = the test root alone (Node adds it to its bundled roots).
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio_rustls::TlsAcceptor;

type Error = Box<dyn std::error::Error + Send + Sync>;

/// Where the system CA bundle usually is (Debian/Ubuntu, then Amazon Linux / Fedora).
pub const SYSTEM_BUNDLES: [&str; 2] = ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"];

pub struct TestCa {
    /// The test root alone (PEM).
    pub root_pem: PathBuf,
    /// The system bundle + the test root (PEM): what `SSL_CERT_FILE` points at.
    pub bundle: PathBuf,
    /// How many system roots the bundle carries (0 when no system bundle was found).
    pub system_roots: usize,
    /// The stubs' server side: leaf + intermediate, ECDSA P-256.
    pub acceptor: TlsAcceptor,
}

fn ca_params(name: &str) -> Result<CertificateParams, Error> {
    let mut p = CertificateParams::new(Vec::<String>::new())?;
    p.distinguished_name.push(DnType::CommonName, name);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    Ok(p)
}

impl TestCa {
    /// Generates the CA and writes its files under `dir`.
    pub fn create(dir: &Path) -> Result<Self, Error> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        std::fs::create_dir_all(dir)?;
        let root_key = KeyPair::generate()?;
        let root_params = ca_params("auth-bench test root (this run only)")?;
        let root = root_params.self_signed(&root_key)?;
        let root_issuer = Issuer::new(root_params, root_key);

        let int_key = KeyPair::generate()?;
        let int_params = ca_params("auth-bench test intermediate")?;
        let int = int_params.signed_by(&int_key, &root_issuer)?;
        let int_issuer = Issuer::new(int_params, int_key);

        let leaf_key = KeyPair::generate()?;
        let mut leaf_params = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])?;
        leaf_params.distinguished_name.push(DnType::CommonName, "localhost");
        let leaf = leaf_params.signed_by(&leaf_key, &int_issuer)?;

        let root_pem = dir.join("test-ca.pem");
        std::fs::write(&root_pem, root.pem())?;
        let system = SYSTEM_BUNDLES.iter().find_map(|p| std::fs::read_to_string(p).ok()).unwrap_or_default();
        let system_roots = system.matches("-----BEGIN CERTIFICATE-----").count();
        let bundle = dir.join("ca-bundle.pem");
        std::fs::write(&bundle, format!("{system}\n{}", root.pem()))?;

        let chain = vec![leaf.der().clone(), int.der().clone()];
        let key = rustls::pki_types::PrivateKeyDer::try_from(leaf_key.serialize_der())?;
        let mut cfg = rustls::ServerConfig::builder().with_no_client_auth().with_single_cert(chain, key)?;
        cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(TestCa {
            root_pem: std::fs::canonicalize(root_pem)?,
            bundle: std::fs::canonicalize(bundle)?,
            system_roots,
            acceptor: TlsAcceptor::from(Arc::new(cfg)),
        })
    }
}
