"""``recoverly evidence sign|timestamp|verify --tsa-cert`` as a user runs them, against a
real RFC 3161 TSA (`openssl ts` on loopback), and with that TSA down."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.cli.test_evidence_cli import _append
from tests.integration.cli.test_import_cli import RECOVERLY
from tests.integration.evidence.test_timestamp import SEED, closed_port_url
from tests.integration.evidence.tsa import Authority, LocalTsa, make_authority, serve


@pytest.fixture(scope="module")
def tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalTsa]:
    with serve(make_authority(tmp_path_factory.mktemp("tsa"))) as running:
        yield running


@pytest.fixture(scope="module")
def stranger(tmp_path_factory: pytest.TempPathFactory) -> Authority:
    return make_authority(tmp_path_factory.mktemp("stranger"), "Stranger")


def run(
    url: str, tsa_url: str | None, tsa: LocalTsa, *args: str
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, RECOVERLY_DATABASE_URL=url, RECOVERLY_EVIDENCE_KEY=SEED, COLUMNS="200")
    env.pop("RECOVERLY_EVIDENCE_KEY_FILE", None)
    if tsa_url is not None:
        env.update(RECOVERLY_TSA_URL=tsa_url, RECOVERLY_TSA_CERT_FILE=str(tsa.authority.ca_pem))
    return subprocess.run(
        [str(RECOVERLY), "evidence", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_sign_stamps_and_verify_reports_the_gen_time(
    database_url: str, tsa: LocalTsa, stranger: Authority, tmp_path: Path
) -> None:
    _append(database_url, 6)
    signed = run(database_url, tsa.url, tsa, "sign")
    assert signed.returncode == 0, signed.stderr
    assert "signed: tree size 6" in signed.stdout
    assert "time-stamped: genTime 20" in signed.stdout

    bundle = tmp_path / "c1.json"
    done = run(
        database_url, None, tsa, "export", "--case", "C1", "--tenant", "acme", "--out", str(bundle)
    )
    assert done.returncode == 0, done.stderr
    gen_time = json.loads(bundle.read_text())["timestamp"]["gen_time"]

    trusted = run(
        database_url, None, tsa, "verify", str(bundle), "--tsa-cert", str(tsa.authority.ca_pem)
    )
    assert trusted.returncode == 0, trusted.stderr
    assert "verified: 3 entries under a tree of size 6" in trusted.stdout
    assert (
        f"time-stamped: genTime {gen_time} by CN=Test TSA (chains to the trusted --tsa-cert)"
        in trusted.stdout
    )
    alone = run(database_url, None, tsa, "verify", str(bundle))
    assert alone.returncode == 0, alone.stderr
    assert "pass --tsa-cert to check the TSA" in alone.stdout

    wrong = run(database_url, None, tsa, "verify", str(bundle), "--tsa-cert", str(stranger.ca_pem))
    assert wrong.returncode == 1
    assert (
        "FAILED timestamp: the TSA's signature does not verify against the trusted TSA certificates"
        in wrong.stderr
    )
    assert "time-stamped" not in wrong.stdout

    missing = run(
        database_url, None, tsa, "verify", str(bundle), "--tsa-cert", str(tmp_path / "no.pem")
    )
    assert missing.returncode == 2
    assert "no.pem: cannot read it" in missing.stderr


def test_a_tsa_outage_keeps_the_head_and_timestamp_stamps_it_later(
    database_url: str, tsa: LocalTsa, tmp_path: Path
) -> None:
    _append(database_url, 4)
    down = closed_port_url()
    signed = run(database_url, down, tsa, "sign")
    assert signed.returncode == 3
    assert "signed: tree size 4" in signed.stdout
    assert f"not time-stamped: TSA {down}: no answer" in signed.stderr
    assert "run `recoverly evidence timestamp`" in signed.stderr
    again = run(database_url, down, tsa, "timestamp")
    assert again.returncode == 3
    assert "1 signed head still without a time-stamp" in again.stderr

    bundle = tmp_path / "c1.json"

    def export() -> None:
        exported = run(
            database_url,
            None,
            tsa,
            "export",
            "--case",
            "C1",
            "--tenant",
            "acme",
            "--out",
            str(bundle),
        )
        assert exported.returncode == 0, exported.stderr

    export()
    unstamped = run(
        database_url, None, tsa, "verify", str(bundle), "--tsa-cert", str(tsa.authority.ca_pem)
    )
    assert unstamped.returncode == 1
    assert "FAILED timestamp: the bundle has none" in unstamped.stderr

    stamped = run(database_url, tsa.url, tsa, "timestamp")
    assert stamped.returncode == 0, stamped.stderr
    assert "time-stamped tree size 4" in stamped.stdout
    assert "already" in run(database_url, tsa.url, tsa, "timestamp").stdout
    export()
    checked = run(
        database_url, None, tsa, "verify", str(bundle), "--tsa-cert", str(tsa.authority.ca_pem)
    )
    assert checked.returncode == 0, checked.stderr
    assert "time-stamped: genTime" in checked.stdout


def test_timestamp_without_a_tsa_is_bad_input(database_url: str, tsa: LocalTsa) -> None:
    done = run(database_url, None, tsa, "timestamp")
    assert done.returncode == 2
    assert "set RECOVERLY_TSA_URL and RECOVERLY_TSA_CERT_FILE" in done.stderr
