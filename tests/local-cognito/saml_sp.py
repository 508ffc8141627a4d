"""The pool as a SAML 2.0 service provider, as Cognito is one for a SAML identity provider:
SP-initiated sign-in only (IdP-initiated is off by default: IDPInit), an AuthnRequest sent with the
HTTP-Redirect binding, the response received with HTTP-POST at /saml2/idpresponse, its signature
checked against the signing certificates of the provider's metadata (any of them), and the
assertion's conditions checked.

Cognito's side: https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-saml-idp-things-to-know.html
(POST binding, "determines that the SAML assertion is valid if it matches any certificate in the
SAML metadata", the ACS URL <domain>/saml2/idpresponse, the audience / SP entity id
urn:amazon:cognito:sp:<poolId>, RelayState), session initiation
https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-SAML-session-initiation.html
("In SP-initiated SSO, Amazon Cognito sets state parameters that validate a SAML response against
the original request"), the endpoint https://docs.aws.amazon.com/cognito/latest/developerguide/saml2-idpresponse-endpoint.html
(assertions up to 100,000 characters). The rules applied to the assertion are SAML 2.0 Core and
Profiles (Web Browser SSO, 4.1.4.3): Issuer, Destination, InResponseTo, Recipient,
NotBefore/NotOnOrAfter, AudienceRestriction. XML signatures are verified by signxml.
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets
import urllib.parse
import zlib
from typing import Any

from lxml import etree
from signxml import XMLVerifier
from signxml.exceptions import InvalidInput, InvalidSignature

import federation
from federation import FederationError

NS = {
    "samlp": "urn:oasis:names:tc:SAML:2.0:protocol",
    "saml": "urn:oasis:names:tc:SAML:2.0:assertion",
    "md": "urn:oasis:names:tc:SAML:2.0:metadata",
    "ds": "http://www.w3.org/2000/09/xmldsig#",
}
REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
MAX_RESPONSE_CHARACTERS = 100_000
# No entities, no network, no huge trees: a SAML response is untrusted input.
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


def sp_entity_id(pool: Any) -> str:
    return f"urn:amazon:cognito:sp:{pool.id}"


def _parse(data: bytes) -> Any:
    try:
        return etree.fromstring(data, PARSER)
    except etree.XMLSyntaxError:
        raise FederationError("invalid_request", "Invalid SAML response") from None


def metadata(idp: Any) -> dict[str, Any]:
    """entityID, the HTTP-Redirect SingleSignOnService and the signing certificates of the
    provider's metadata (MetadataFile, or fetched from MetadataURL)."""
    d = federation.details(idp)
    raw = d.get("MetadataFile")
    if not raw:
        status, body = federation._http(d.get("MetadataURL", ""))
        if status != 200:
            raise FederationError("invalid_request", f"{idp.name} Error - {status} error getting metadata")
        raw = body.decode()
    root = _parse(raw.encode() if isinstance(raw, str) else raw)
    sso = root.xpath("//md:IDPSSODescriptor/md:SingleSignOnService[@Binding=$b]/@Location", namespaces=NS, b=REDIRECT)
    certs = root.xpath(
        "//md:IDPSSODescriptor/md:KeyDescriptor[not(@use) or @use='signing']/ds:KeyInfo/ds:X509Data/ds:X509Certificate/text()", namespaces=NS
    )
    if not sso or not certs:
        raise FederationError("invalid_request", f"{idp.name} Error - metadata without an HTTP-Redirect SingleSignOnService or a signing certificate")
    pem = ["-----BEGIN CERTIFICATE-----\n" + "".join(c.split()) + "\n-----END CERTIFICATE-----\n" for c in certs]
    return {"entity_id": root.get("entityID"), "sso": sso[0], "certificates": pem}


def authn_request(pool: Any, idp: Any, acs: str, relay_state: str) -> tuple[str, str]:
    """(the URL to send the browser to, the request's ID): an AuthnRequest over HTTP-Redirect
    (DEFLATE, base64, SAML Bindings 3.4.4)."""
    meta = metadata(idp)
    request_id = "_" + secrets.token_hex(16)
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    xml = (
        f'<samlp:AuthnRequest xmlns:samlp="{NS["samlp"]}" xmlns:saml="{NS["saml"]}" ID="{request_id}" Version="2.0" '
        f'IssueInstant="{now}" Destination="{_attr(meta["sso"])}" AssertionConsumerServiceURL="{_attr(acs)}" ProtocolBinding="{POST}">'
        f"<saml:Issuer>{_attr(sp_entity_id(pool))}</saml:Issuer>"
        '<samlp:NameIDPolicy AllowCreate="true"/></samlp:AuthnRequest>'
    )
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    encoded = base64.b64encode(deflater.compress(xml.encode()) + deflater.flush()).decode()
    sep = "&" if "?" in meta["sso"] else "?"
    return f"{meta['sso']}{sep}{urllib.parse.urlencode({'SAMLRequest': encoded, 'RelayState': relay_state})}", request_id


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _time(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise FederationError("invalid_request", "Invalid SAML response: bad time value") from None


def verified_assertion(pool: Any, idp: Any, saml_response: str, acs: str, request_id: str) -> dict[str, Any]:
    """The NameID and attributes of a response to `request_id`, once every check passed.

    Only what the signature covers is read: the signed Response's own assertion, or the signed
    assertion itself (never an element beside it: XML signature wrapping)."""
    if len(saml_response) > MAX_RESPONSE_CHARACTERS:
        raise FederationError("invalid_request", "SAML response is too long")
    try:
        raw = base64.b64decode(saml_response, validate=False)
    except ValueError:
        raise FederationError("invalid_request", "Invalid SAML response") from None
    root = _parse(raw)
    if etree.QName(root).localname != "Response" or etree.QName(root).namespace != NS["samlp"]:
        raise FederationError("invalid_request", "Invalid SAML response")
    meta = metadata(idp)
    status = root.xpath("samlp:Status/samlp:StatusCode/@Value", namespaces=NS)
    if status != [SUCCESS]:
        detail = root.xpath("samlp:Status/samlp:StatusCode/samlp:StatusCode/@Value", namespaces=NS)
        raise FederationError("invalid_request", f"{idp.name} Error - SAML status {(detail or status or ['none'])[0].rsplit(':', 1)[-1]}")
    if root.get("Destination") not in (None, acs):
        raise FederationError("invalid_request", "Invalid SAML response: Destination")
    if root.get("InResponseTo") not in (None, request_id):
        raise FederationError("invalid_request", "Invalid SAML response: InResponseTo")

    assertions = root.xpath("saml:Assertion", namespaces=NS)
    if len(assertions) != 1 or root.xpath("saml:EncryptedAssertion", namespaces=NS):
        raise FederationError("invalid_request", "Invalid SAML response: expected one plain assertion")
    if root.xpath("ds:Signature", namespaces=NS):
        signed = _verify(raw, meta["certificates"])
        signed_assertions = signed.xpath("saml:Assertion", namespaces=NS)
        if len(signed_assertions) != 1:
            raise FederationError("invalid_request", "Invalid SAML response: expected one plain assertion")
        assertion = signed_assertions[0]
    else:
        assertion = _verify(etree.tostring(assertions[0]), meta["certificates"])
        if etree.QName(assertion).localname != "Assertion":
            raise FederationError("invalid_request", "Invalid SAML response: the signature does not cover the assertion")

    now = dt.datetime.now(dt.timezone.utc)
    issuer = assertion.xpath("saml:Issuer/text()", namespaces=NS)
    if issuer != [meta["entity_id"]]:
        raise FederationError("invalid_request", "Invalid SAML response: Issuer")
    conditions = assertion.xpath("saml:Conditions", namespaces=NS)
    if conditions:
        c = conditions[0]
        before, after = _time(c.get("NotBefore")), _time(c.get("NotOnOrAfter"))
        if (before and now < before) or (after and now >= after):
            raise FederationError("invalid_request", "Invalid SAML response: the assertion is not valid now")
        audiences = c.xpath("saml:AudienceRestriction/saml:Audience/text()", namespaces=NS)
        if c.xpath("saml:AudienceRestriction", namespaces=NS) and sp_entity_id(pool) not in audiences:
            raise FederationError("invalid_request", "Invalid SAML response: Audience")
    bearer = assertion.xpath("saml:Subject/saml:SubjectConfirmation[@Method='urn:oasis:names:tc:SAML:2.0:cm:bearer']/saml:SubjectConfirmationData", namespaces=NS)
    if not any(_confirms(b, acs, request_id, now) for b in bearer):
        raise FederationError("invalid_request", "Invalid SAML response: no bearer confirmation for this request")
    name_id = assertion.xpath("saml:Subject/saml:NameID/text()", namespaces=NS)
    if not name_id or not name_id[0].strip():
        raise FederationError("invalid_request", "Invalid SAML response: no NameID")
    attributes: dict[str, Any] = {}
    for a in assertion.xpath("saml:AttributeStatement/saml:Attribute", namespaces=NS):
        values = [v.text or "" for v in a.xpath("saml:AttributeValue", namespaces=NS)]
        attributes[a.get("Name")] = values[0] if len(values) == 1 else values
    return {"name_id": name_id[0].strip(), "attributes": attributes}


def _confirms(data: Any, acs: str, request_id: str, now: dt.datetime) -> bool:
    after = _time(data.get("NotOnOrAfter"))
    return data.get("Recipient") == acs and data.get("InResponseTo") in (None, request_id) and after is not None and now < after


def _verify(xml: bytes, certificates: list[str]) -> Any:
    for cert in certificates:
        try:
            return XMLVerifier().verify(xml, x509_cert=cert, expect_references=1).signed_xml
        except (InvalidSignature, InvalidInput):
            continue
    raise FederationError("invalid_request", "Invalid SAML response: signature")
