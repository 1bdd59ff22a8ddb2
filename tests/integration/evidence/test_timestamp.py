"""Trusted time on each database, against a real RFC 3161 TSA (`openssl ts` on loopback):
heads are stamped when signed, bundles carry the token, and `verify_bundle` (and, as an
independent check, `openssl ts -verify`) accepts it, and refuses a token for another
head, an altered token, and a TSA that does not chain to the root the reader trusts. A
TSA that is down loses no head: it is stamped on the next run."""

from __future__ import annotations

import base64
import copy
import logging
import socket
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from sqlalchemy import Engine

from recoverly.config import Settings
from recoverly.domain.evidence import tree_head_message
from recoverly.evidence import log, timestamp
from recoverly.evidence.bundle import export_case
from recoverly.evidence.errors import TimestampError
from recoverly.evidence.verify import verify_bundle
from recoverly.store.repositories import evidence as repo
from recoverly.store.repositories import tenancy
from tests.integration.evidence.test_log import AT, KEY, _event
from tests.integration.evidence.tsa import OPENSSL, Authority, LocalTsa, make_authority, serve

SEED = base64.b64encode(bytes(range(32))).decode()  # KEY's seed


@pytest.fixture(scope="module")
def authority(tmp_path_factory: pytest.TempPathFactory) -> Authority:
    return make_authority(tmp_path_factory.mktemp("tsa"))


@pytest.fixture(scope="module")
def tsa(authority: Authority) -> Iterator[LocalTsa]:
    with serve(authority) as running:
        yield running


@pytest.fixture(scope="module")
def stranger(tmp_path_factory: pytest.TempPathFactory) -> Authority:
    """Another CA and TSA: a root the reader does not trust."""
    return make_authority(tmp_path_factory.mktemp("stranger"), "Stranger")


def closed_port_url() -> str:
    """A loopback URL where nothing listens: a TSA that is down."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/tsr"


def settings(url: str | None, cert: Path | None) -> Settings:
    return Settings(evidence_key=SEED, tsa_url=url, tsa_cert_file=cert, tsa_timeout_seconds=5)


def roots(authority: Authority) -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(authority.ca_pem.read_bytes())


def _append(engine: Engine, count: int, first: int = 0) -> int:
    with engine.begin() as conn:
        tenant_id = tenancy.ensure_tenant(conn, "acme", AT)
        log.append(conn, [_event(tenant_id, f"C{n % 2}", n) for n in range(first, count)], AT)
    return tenant_id


def _export(engine: Engine, tenant_id: int) -> dict[str, Any]:
    with engine.connect() as conn:
        return export_case(conn, tenant_id, "C1")


def test_a_signed_head_is_stamped_and_its_bundle_verifies_offline(
    engine: Engine, tsa: LocalTsa, tmp_path: Path
) -> None:
    tenant_id = _append(engine, 7)
    before = datetime.now(UTC) - timedelta(seconds=2)
    head = log.sign_if_configured(engine, settings(tsa.url, tsa.authority.ca_pem), AT)
    assert head is not None
    with engine.connect() as conn:
        kept = repo.head_timestamp(conn, head.tree_size, head.key_id)
    assert kept is not None
    assert before <= kept.gen_time <= datetime.now(UTC) + timedelta(seconds=2)

    bundle = _export(engine, tenant_id)
    assert set(bundle["timestamp"]) == {"token", "gen_time", "tsa_chain"}
    assert len(bundle["timestamp"]["tsa_chain"]) == 2  # the TSA's certificate and its root
    found = verify_bundle(copy.deepcopy(bundle), trusted_tsa=roots(tsa.authority))
    assert found.ok, found.failures
    assert found.gen_time == kept.gen_time
    assert found.tsa == "CN=Test TSA"
    assert found.tsa_trusted
    alone = verify_bundle(copy.deepcopy(bundle))  # the chain the bundle carries
    assert alone.ok, alone.failures
    assert not alone.tsa_trusted

    # OpenSSL's own verifier agrees: the token stamps this head's message.
    assert OPENSSL is not None
    message = tmp_path / "head.txt"
    message.write_bytes(tree_head_message(bundle["log_id"], 7, bytes.fromhex(bundle["root_hash"])))
    token = tmp_path / "head.tst"
    token.write_bytes(base64.b64decode(bundle["timestamp"]["token"]))
    checked = subprocess.run(
        [
            OPENSSL,
            "ts",
            "-verify",
            "-data",
            str(message),
            "-in",
            str(token),
            "-token_in",
            "-CAfile",
            str(tsa.authority.ca_pem),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
    assert "Verification: OK" in checked.stdout


def test_signing_again_keeps_the_first_stamp(engine: Engine, tsa: LocalTsa) -> None:
    _append(engine, 3)
    configured = settings(tsa.url, tsa.authority.ca_pem)
    head = log.sign_if_configured(engine, configured, AT)
    assert head is not None
    with engine.connect() as conn:
        first = repo.head_timestamp(conn, head.tree_size, head.key_id)
    assert log.sign_if_configured(engine, configured, AT) == head
    with engine.connect() as conn:
        assert repo.head_timestamp(conn, head.tree_size, head.key_id) == first


def test_a_token_for_another_head_is_refused(engine: Engine, tsa: LocalTsa) -> None:
    configured = settings(tsa.url, tsa.authority.ca_pem)
    tenant_id = _append(engine, 4)
    earlier = log.sign_if_configured(engine, configured, AT)
    _append(engine, 6, first=4)
    assert log.sign_if_configured(engine, configured, AT) is not None
    bundle = _export(engine, tenant_id)
    assert earlier is not None
    with engine.connect() as conn:
        other = repo.head_timestamp(conn, earlier.tree_size, earlier.key_id)
    assert other is not None

    bundle["timestamp"] = timestamp.bundle_field(other)  # a real token, for size 4
    found = verify_bundle(bundle, trusted_tsa=roots(tsa.authority))
    assert found.failures == [
        "timestamp: the token stamps another message: its imprint is not the sha256 "
        "of this tree head's"
    ]
    assert found.gen_time is None


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("signature", "timestamp: the TSA's signature does not verify"),
        ("gen_time", "timestamp: the TSA's signature does not verify"),
        ("stated", "timestamp: the bundle says genTime '1999-01-01T00:00:00+00:00'"),
    ],
)
def test_an_altered_token_is_refused(
    engine: Engine, tsa: LocalTsa, where: str, expected: str
) -> None:
    tenant_id = _append(engine, 5)
    log.sign_if_configured(engine, settings(tsa.url, tsa.authority.ca_pem), AT)
    bundle = _export(engine, tenant_id)
    token = bytearray(base64.b64decode(bundle["timestamp"]["token"]))
    if where == "signature":
        token[-3] ^= 0x01  # inside the ECDSA signature, the token's last field
    elif where == "gen_time":  # another second in the signed TSTInfo's genTime
        at = token.index(b"\x18\x0f20") + 2 + 13  # GeneralizedTime YYYYMMDDHHMMSSZ
        token[at] = ord("0") + (token[at] - ord("0") + 1) % 10
    else:
        bundle["timestamp"]["gen_time"] = "1999-01-01T00:00:00+00:00"
    bundle["timestamp"]["token"] = base64.b64encode(bytes(token)).decode()
    found = verify_bundle(bundle, trusted_tsa=roots(tsa.authority))
    assert len(found.failures) == 1
    assert found.failures[0].startswith(expected), found.failures


def test_a_tsa_that_does_not_chain_to_the_trusted_root_is_refused(
    engine: Engine, tsa: LocalTsa, stranger: Authority
) -> None:
    tenant_id = _append(engine, 5)
    log.sign_if_configured(engine, settings(tsa.url, tsa.authority.ca_pem), AT)
    bundle = _export(engine, tenant_id)
    found = verify_bundle(bundle, trusted_tsa=roots(stranger))
    assert len(found.failures) == 1
    assert found.failures[0].startswith(
        "timestamp: the TSA's signature does not verify against the trusted TSA certificates"
    ), found.failures
    assert "unable to get local issuer certificate" in found.failures[0]


def test_a_bundle_without_a_stamp_fails_when_a_trusted_tsa_is_given(
    engine: Engine, authority: Authority
) -> None:
    tenant_id = _append(engine, 3)
    log.sign_if_configured(engine, settings(None, None), AT)
    bundle = _export(engine, tenant_id)
    assert "timestamp" not in bundle
    assert verify_bundle(copy.deepcopy(bundle)).ok
    found = verify_bundle(bundle, trusted_tsa=roots(authority))
    assert found.failures == [
        "timestamp: the bundle has none, and trusted TSA certificates were given"
    ]


def test_a_tsa_outage_loses_no_head_and_the_next_run_stamps_it(
    engine: Engine, tsa: LocalTsa, caplog: pytest.LogCaptureFixture
) -> None:
    tenant_id = _append(engine, 6)
    down = closed_port_url()
    with caplog.at_level(logging.WARNING, logger="recoverly.evidence"):
        head = log.sign_if_configured(engine, settings(down, tsa.authority.ca_pem), AT)
    assert head is not None
    assert f"TSA {down}: no answer (ConnectError" in caplog.text
    with engine.connect() as conn:
        assert repo.head_timestamp(conn, head.tree_size, head.key_id) is None
        assert repo.unstamped_heads(conn, head.log_id) == [head]
    assert "timestamp" not in _export(engine, tenant_id)

    ready = timestamp.configured(settings(tsa.url, tsa.authority.ca_pem))
    assert ready is not None
    run = timestamp.stamp_pending(engine, ready)
    assert run.failure is None
    assert [h for h, _ in run.stamped] == [head]
    found = verify_bundle(_export(engine, tenant_id), trusted_tsa=roots(tsa.authority))
    assert found.ok, found.failures
    assert timestamp.stamp_pending(engine, ready).stamped == []


def test_a_token_that_does_not_chain_to_the_configured_certificates_is_not_kept(
    engine: Engine, tsa: LocalTsa, stranger: Authority
) -> None:
    _append(engine, 2)
    misconfigured = timestamp.configured(settings(tsa.url, stranger.ca_pem))
    assert misconfigured is not None
    with engine.begin() as conn:
        head, _ = log.sign(conn, KEY, AT)
    with pytest.raises(TimestampError, match="does not verify against RECOVERLY_TSA_CERT_FILE"):
        timestamp.stamp(engine, misconfigured, head)
    with engine.connect() as conn:
        assert repo.head_timestamp(conn, head.tree_size, head.key_id) is None


def test_a_tsa_url_needs_its_certificates() -> None:
    with pytest.raises(TimestampError, match="RECOVERLY_TSA_CERT_FILE is not set"):
        timestamp.configured(settings("http://127.0.0.1:1/tsr", None))


def test_a_refusal_names_the_tsa_and_its_reason(
    engine: Engine, tmp_path_factory: pytest.TempPathFactory
) -> None:
    picky = make_authority(tmp_path_factory.mktemp("picky"), "Picky", digests="sha512")
    _append(engine, 2)
    with engine.begin() as conn:
        head, _ = log.sign(conn, KEY, AT)
    with serve(picky) as running:
        configured = timestamp.configured(settings(running.url, picky.ca_pem))
        assert configured is not None
        with pytest.raises(TimestampError) as refused:
            timestamp.stamp(engine, configured, head)
    assert refused.value.message.startswith(f"TSA {running.url}: refused (status 2: ")
    assert "algorithm" in refused.value.message.lower()
