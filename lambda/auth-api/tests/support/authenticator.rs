//! A software WebAuthn authenticator for the passkey tests: P-256 keys (the `p256` crate) and the
//! WebAuthn data layout built here (https://www.w3.org/TR/webauthn-3/#sctn-authenticator-data,
//! #sctn-attested-credential-data, #sctn-none-attestation, and the JSON forms of
//! #dictdef-registrationresponsejson / #dictdef-authenticationresponsejson). It signs whatever it
//! is told to, so the tests can also build refused assertions (another origin, a bad signature).
#![allow(dead_code)]

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use p256::ecdsa::{signature::Signer, Signature, SigningKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// Where the demo page runs in `make dev`; the relying-party id is `localhost`.
pub const ORIGIN: &str = "http://localhost:5173";

/// One credential held by the authenticator.
pub struct Credential {
    pub id: Vec<u8>,
    key: SigningKey,
    rp_id: String,
    /// The user handle from the creation options (`user.id`).
    pub user_handle: String,
    sign_count: u32,
}

fn random(n: usize) -> Vec<u8> {
    let mut b = vec![0u8; n];
    getrandom::getrandom(&mut b).unwrap();
    b
}

// --- minimal CBOR (RFC 8949) for the attestation object and the COSE key ---
fn cbor_head(out: &mut Vec<u8>, major: u8, n: u64) {
    let m = major << 5;
    match n {
        0..=23 => out.push(m | n as u8),
        24..=0xff => out.extend([m | 24, n as u8]),
        0x100..=0xffff => {
            out.push(m | 25);
            out.extend((n as u16).to_be_bytes());
        }
        _ => {
            out.push(m | 26);
            out.extend((n as u32).to_be_bytes());
        }
    }
}
fn cbor_int(out: &mut Vec<u8>, v: i64) {
    if v >= 0 {
        cbor_head(out, 0, v as u64)
    } else {
        cbor_head(out, 1, (-1 - v) as u64)
    }
}
fn cbor_bytes(out: &mut Vec<u8>, b: &[u8]) {
    cbor_head(out, 2, b.len() as u64);
    out.extend_from_slice(b);
}
fn cbor_text(out: &mut Vec<u8>, s: &str) {
    cbor_head(out, 3, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

impl Credential {
    /// Makes a credential for PublicKeyCredentialCreationOptionsJSON `options` and answers the
    /// RegistrationResponseJSON, with client data for `origin`.
    pub fn create(options: &Value, origin: &str) -> (Credential, Value) {
        let rp_id = options["rp"]["id"].as_str().expect("options.rp.id").to_string();
        let challenge = options["challenge"].as_str().expect("options.challenge");
        let user_handle = options["user"]["id"].as_str().expect("options.user.id").to_string();
        let key = SigningKey::from_slice(&random(32)).unwrap();
        let cred = Credential { id: random(32), key, rp_id, user_handle, sign_count: 0 };
        let client_data = json!({"type": "webauthn.create", "challenge": challenge, "origin": origin, "crossOrigin": false}).to_string();

        let point = cred.key.verifying_key().to_encoded_point(false);
        let mut cose = Vec::new();
        cbor_head(&mut cose, 5, 5);
        cbor_int(&mut cose, 1);
        cbor_int(&mut cose, 2); // kty: EC2
        cbor_int(&mut cose, 3);
        cbor_int(&mut cose, -7); // alg: ES256
        cbor_int(&mut cose, -1);
        cbor_int(&mut cose, 1); // crv: P-256
        cbor_int(&mut cose, -2);
        cbor_bytes(&mut cose, point.x().unwrap());
        cbor_int(&mut cose, -3);
        cbor_bytes(&mut cose, point.y().unwrap());

        let mut auth_data = cred.auth_data_head(0x45, 0); // UP | UV | AT
        auth_data.extend([0u8; 16]); // AAGUID
        auth_data.extend((cred.id.len() as u16).to_be_bytes());
        auth_data.extend(&cred.id);
        auth_data.extend(&cose);

        let mut att = Vec::new();
        cbor_head(&mut att, 5, 3);
        cbor_text(&mut att, "fmt");
        cbor_text(&mut att, "none");
        cbor_text(&mut att, "attStmt");
        cbor_head(&mut att, 5, 0);
        cbor_text(&mut att, "authData");
        cbor_bytes(&mut att, &auth_data);

        let id = B64.encode(&cred.id);
        let response = json!({
            "id": id,
            "rawId": id,
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": B64.encode(client_data),
                "attestationObject": B64.encode(att),
                "authenticatorData": B64.encode(&auth_data),
                "transports": ["internal"],
                "publicKeyAlgorithm": -7
            }
        });
        (cred, response)
    }

    fn auth_data_head(&self, flags: u8, count: u32) -> Vec<u8> {
        let mut d = Sha256::digest(self.rp_id.as_bytes()).to_vec();
        d.push(flags);
        d.extend(count.to_be_bytes());
        d
    }

    pub fn id_b64(&self) -> String {
        B64.encode(&self.id)
    }

    /// AuthenticationResponseJSON for PublicKeyCredentialRequestOptionsJSON `options`, signed for
    /// `origin`.
    pub fn assert(&mut self, options: &Value, origin: &str) -> Value {
        let challenge = options["challenge"].as_str().expect("options.challenge").to_string();
        self.assert_challenge(&challenge, origin)
    }

    /// The same for a given challenge (a replay signs an old one).
    pub fn assert_challenge(&mut self, challenge: &str, origin: &str) -> Value {
        self.sign_count += 1;
        let client_data = json!({"type": "webauthn.get", "challenge": challenge, "origin": origin, "crossOrigin": false}).to_string();
        let auth_data = self.auth_data_head(0x05, self.sign_count); // UP | UV
        let mut signed = auth_data.clone();
        signed.extend(Sha256::digest(client_data.as_bytes()));
        let sig: Signature = self.key.sign(&signed);
        let id = self.id_b64();
        json!({
            "id": id,
            "rawId": id,
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": B64.encode(client_data),
                "authenticatorData": B64.encode(auth_data),
                "signature": B64.encode(sig.to_der().as_bytes()),
                "userHandle": self.user_handle
            }
        })
    }
}

/// `assertion` with one byte of its signature changed.
pub fn with_bad_signature(mut assertion: Value) -> Value {
    let sig = B64.decode(assertion["response"]["signature"].as_str().unwrap()).unwrap();
    let mut sig = sig;
    let last = sig.len() - 1;
    sig[last] ^= 0x01;
    assertion["response"]["signature"] = B64.encode(sig).into();
    assertion
}
