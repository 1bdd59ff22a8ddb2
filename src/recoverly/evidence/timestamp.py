"""Trusted time for tree heads: an RFC 3161 time-stamping authority (TSA) signs that a
head existed at a moment by its clock, and the token is kept with the head and put in
bundles, where anyone can check it offline.

What is stamped is the SHA-256 of the head's signed message
(``recoverly-tree-head:v1:<log_id>:<tree_size>:<root_hash hex>``), not of its Ed25519
signature. The message is what the head commits to, so the token dates the log's
content itself: a head forged later, even with a stolen key, cannot show an earlier
genTime for a root it did not have. A verifier recomputes the message from the bundle's
own fields, and the stamp stays valid across a key rotation (the same head signed by a
new key has the same message).

The TSA is asked over HTTP only after the head is committed, never inside the
transaction that signs it: a slow or absent TSA must neither hold the database's write
lock nor lose a signed head. A head left unstamped is stamped by
``recoverly evidence timestamp``. Each token is checked against the configured TSA
certificates (``RECOVERLY_TSA_CERT_FILE``) before it is kept, and kept with the path of
certificates it verified against, so a bundle can be checked with nothing else.

Parsing and the CMS signature check are rfc3161-client's (Trail of Bits, as sigstore
uses it; the PKCS#7 check is OpenSSL's). It reads a TimeStampResp, so a stored token is
wrapped back into a granted response to be checked (``_as_response``).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import httpx
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimestampRequestBuilder,
    TimeStampResponse,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)
from sqlalchemy import Engine

from recoverly.config import Settings
from recoverly.domain.evidence import HeadTimestamp, TreeHead
from recoverly.evidence.errors import TimestampError
from recoverly.store.repositories import evidence as repo

QUERY_TYPE = "application/timestamp-query"
REPLY_TYPE = "application/timestamp-reply"
_DIGESTS = {  # the message-imprint algorithms a token may use (we ask for SHA-256)
    "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384",
    "2.16.840.1.101.3.4.2.3": "sha512",
}
_GRANTED_STATUS = bytes.fromhex("3003020100")  # PKIStatusInfo ::= SEQUENCE { granted (0) }


@dataclass(frozen=True, slots=True)
class Tsa:
    """A configured time-stamping authority and the certificates its tokens must chain to."""

    url: str
    trusted: tuple[x509.Certificate, ...]
    timeout: float


@dataclass(frozen=True, slots=True)
class TokenCheck:
    """What checking a token found: its genTime and TSA when valid, else why not."""

    gen_time: datetime | None = None
    tsa: str | None = None  # the signing certificate's subject
    failure: str | None = None


@dataclass
class StampRun:
    """What ``stamp_pending`` did: the heads stamped, and why it stopped early, if it did."""

    stamped: list[tuple[TreeHead, HeadTimestamp]] = field(default_factory=list)
    left: int = 0  # heads still without a stamp
    failure: str | None = None


def load_certificates(path: Path, where: str) -> tuple[x509.Certificate, ...]:
    """The PEM certificates in ``path``; ``where`` names the source in errors."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TimestampError(f"{where}: cannot read it ({exc.strerror})") from None
    try:
        certificates = tuple(x509.load_pem_x509_certificates(data))
    except ValueError as exc:
        raise TimestampError(f"{where}: not PEM certificates ({exc})") from None
    return certificates


def configured(settings: Settings) -> Tsa | None:
    """The configured TSA, or None when ``RECOVERLY_TSA_URL`` is unset.

    The certificate file is required with the URL: a token whose signature nobody can
    check proves nothing, so none is kept unchecked.
    """
    if not settings.tsa_url:
        return None
    path = settings.tsa_cert_file
    if path is None:
        raise TimestampError(
            f"RECOVERLY_TSA_URL is {settings.tsa_url} but RECOVERLY_TSA_CERT_FILE is not set: "
            "name a PEM file with the TSA's root (and intermediate) certificates"
        )
    trusted = load_certificates(path, f"RECOVERLY_TSA_CERT_FILE {path}")
    return Tsa(url=settings.tsa_url, trusted=trusted, timeout=settings.tsa_timeout_seconds)


def _der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    octets = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(octets)]) + octets


def _as_response(token: bytes) -> bytes:
    """``TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken }`` around a
    stored token (RFC 3161 section 2.4.2), so that the library can read it."""
    body = _GRANTED_STATUS + token
    return b"\x30" + _der_length(len(body)) + body


def _reason(exc: Exception) -> str:
    """The readable part of a verification error (OpenSSL's reasons, not its error stack)."""
    text = str(exc)
    reasons = re.findall(r'(?:reason|data): "([^"]*)"', text)
    return "; ".join(dict.fromkeys(reasons)) if reasons else text


def _signer(response: TimeStampResponse) -> x509.Certificate | None:
    """The certificate in the token that its one SignerInfo names."""
    infos = list(response.signed_data.signer_infos)
    if len(infos) != 1:
        return None
    for der in response.signed_data.certificates:
        cert = x509.load_der_x509_certificate(der)
        if cert.issuer == infos[0].issuer and cert.serial_number == infos[0].serial_number:
            return cert
    return None


def _check(
    token: bytes, message: bytes, trusted: Sequence[x509.Certificate], against: str
) -> tuple[TimeStampResponse | None, TokenCheck]:
    if not trusted:
        return None, TokenCheck(failure=f"no certificate to check the TSA's signature ({against})")
    try:
        response = decode_timestamp_response(_as_response(token))
    except ValueError as exc:
        return None, TokenCheck(failure=f"the token does not parse as RFC 3161 ({exc})")
    imprint = response.tst_info.message_imprint
    algorithm = _DIGESTS.get(imprint.hash_algorithm.dotted_string)
    if algorithm is None:
        return None, TokenCheck(
            failure=f"the token's imprint uses {imprint.hash_algorithm.dotted_string}, "
            "not SHA-256/384/512"
        )
    digest = hashlib.new(algorithm, message).digest()
    if imprint.message != digest:
        return None, TokenCheck(
            failure=f"the token stamps another message: its imprint is not the {algorithm} "
            "of this tree head's"
        )
    builder = VerifierBuilder()
    seen: set[bytes] = set()
    for cert in trusted:
        der = cert.public_bytes(Encoding.DER)
        if der not in seen:
            seen.add(der)
            builder = builder.add_root_certificate(cert)
    try:
        builder.build().verify(response, digest)
    except (VerificationError, ValueError) as exc:
        return None, TokenCheck(
            failure=f"the TSA's signature does not verify against {against} ({_reason(exc)})"
        )
    signer = _signer(response)
    return response, TokenCheck(
        gen_time=response.tst_info.gen_time,
        tsa=signer.subject.rfc4514_string() if signer else None,
    )


def check_token(
    token: bytes, message: bytes, trusted: Sequence[x509.Certificate], against: str
) -> TokenCheck:
    """Check a token offline: it parses, its imprint is the hash of ``message``, and the
    TSA's signature over it verifies with a certificate (critical extendedKeyUsage
    timeStamping) that chains to one of ``trusted`` at its genTime.

    Args:
        against: names ``trusted`` in the failure (``"the trusted TSA certificates"``).
    """
    return _check(token, message, trusted, against)[1]


def _path(signer: x509.Certificate, pool: Sequence[x509.Certificate]) -> list[x509.Certificate]:
    """``signer`` and its issuers found in ``pool``, up to a self-issued root."""
    path = [signer]
    while path[-1].issuer != path[-1].subject and len(path) < 10:
        parent = next((c for c in pool if c.subject == path[-1].issuer and c not in path), None)
        if parent is None:
            break
        path.append(parent)
    return path


def request(tsa: Tsa, message: bytes) -> HeadTimestamp:
    """Ask ``tsa`` to stamp the SHA-256 of ``message`` and check its answer: the nonce
    is ours, and the token verifies against the configured certificates."""
    query = (
        TimestampRequestBuilder()
        .data(message)
        .hash_algorithm(HashAlgorithm.SHA256)
        .nonce(nonce=True)
        .cert_request(cert_request=True)  # the TSA's certificate travels in the token
        .build()
    )
    try:
        reply = httpx.post(
            tsa.url,
            content=query.as_bytes(),
            headers={"Content-Type": QUERY_TYPE, "Accept": REPLY_TYPE},
            timeout=tsa.timeout,
        )
    except httpx.HTTPError as exc:
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise TimestampError(f"TSA {tsa.url}: no answer ({detail})") from None
    if reply.status_code != httpx.codes.OK:
        raise TimestampError(
            f"TSA {tsa.url}: HTTP {reply.status_code} {reply.reason_phrase} "
            f"({reply.text[:200].strip()!r})"
        )
    try:
        response = decode_timestamp_response(reply.content)
    except ValueError as exc:
        raise TimestampError(
            f"TSA {tsa.url}: the reply is not an RFC 3161 response ({exc})"
        ) from None
    if response.status not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
        said = "; ".join(response.status_string) or "no reason given"
        raise TimestampError(f"TSA {tsa.url}: refused (status {response.status}: {said})")
    if response.tst_info.nonce != query.nonce:
        raise TimestampError(f"TSA {tsa.url}: the token answers another request (nonce)")
    token = response.time_stamp_token()
    checked, found = _check(token, message, tsa.trusted, "RECOVERLY_TSA_CERT_FILE")
    if checked is None or found.gen_time is None:
        raise TimestampError(f"TSA {tsa.url}: {found.failure}")
    signer = _signer(checked)
    chain = _path(signer, tsa.trusted) if signer else []
    return HeadTimestamp(
        token=token,
        gen_time=found.gen_time,
        tsa_chain="".join(c.public_bytes(Encoding.PEM).decode() for c in chain),
    )


def stamp(engine: Engine, tsa: Tsa, head: TreeHead) -> HeadTimestamp:
    """Stamp a committed head and keep the token with it (in a transaction of its own,
    opened only once the TSA has answered)."""
    found = request(tsa, head.message)
    with engine.begin() as conn:
        if not repo.set_timestamp(conn, head, found):  # stamped meanwhile: keep that one
            kept = repo.head_timestamp(conn, head.tree_size, head.key_id)
            return kept or found
    return found


def stamp_if_configured(engine: Engine, settings: Settings, head: TreeHead) -> HeadTimestamp | None:
    """Stamp ``head`` when a TSA is configured and it has no stamp yet; its stamp, if any.

    Raises ``TimestampError`` when the TSA fails; the head stays signed and stored.
    """
    tsa = configured(settings)
    if tsa is None:
        return None
    with engine.connect() as conn:
        kept = repo.head_timestamp(conn, head.tree_size, head.key_id)
    return kept if kept is not None else stamp(engine, tsa, head)


def stamp_pending(engine: Engine, tsa: Tsa) -> StampRun:
    """Stamp every signed head that has no stamp yet, smallest first; stops at the first
    failure (the TSA is most likely down: the rest waits for the next run)."""
    with engine.connect() as conn:
        state = repo.log_state(conn)
        heads = repo.unstamped_heads(conn, state[0]) if state else []
    run = StampRun()
    for n, head in enumerate(heads):
        try:
            run.stamped.append((head, stamp(engine, tsa, head)))
        except TimestampError as exc:
            run.failure = exc.message
            run.left = len(heads) - n
            break
    return run


def bundle_field(found: HeadTimestamp) -> dict[str, object]:
    """The bundle's optional ``timestamp``: the token, its genTime, and the TSA's
    certificates it verified against (base64 DER, signer first), for offline checks."""
    chain = x509.load_pem_x509_certificates(found.tsa_chain.encode()) if found.tsa_chain else []
    return {
        "token": base64.b64encode(found.token).decode(),
        "gen_time": found.gen_time.isoformat(),
        "tsa_chain": [base64.b64encode(c.public_bytes(Encoding.DER)).decode() for c in chain],
    }
