"""A real RFC 3161 time-stamping authority on loopback, for tests: `openssl ts -reply`
behind a small HTTP server, with a throwaway CA and a TSA certificate it issued.

Nothing here imitates a TSA: every reply is made and signed by OpenSSL's own TSA code,
so Recoverly's client and verifier are tested against tokens it did not write.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

OPENSSL = shutil.which("openssl")

_CONFIG = """\
[ tsa ]
default_tsa = tsa_config1

[ tsa_config1 ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
digests = {digests}
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


@dataclass(frozen=True)
class Authority:
    """A CA and the TSA certificate it issued, as files."""

    dir: Path
    ca_pem: Path  # the root a reader trusts
    tsa_pem: Path
    tsa_key: Path


@dataclass(frozen=True)
class LocalTsa:
    url: str
    authority: Authority


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def make_authority(
    where: Path, name: str = "Test", digests: str = "sha256, sha384, sha512"
) -> Authority:
    """A self-signed CA and a TSA certificate under it: extendedKeyUsage timeStamping,
    critical, as RFC 3161 section 2.3 requires of a TSA's certificate. The TSA stamps
    imprints made with ``digests`` only, and refuses others."""
    where.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC) - timedelta(minutes=5)
    later = now + timedelta(days=2)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{name} Root CA"))
        .issuer_name(_name(f"{name} Root CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(later)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    tsa_key = ec.generate_private_key(ec.SECP256R1())
    tsa = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{name} TSA"))
        .issuer_name(ca.subject)
        .public_key(tsa_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(later)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    authority = Authority(
        dir=where, ca_pem=where / "ca.pem", tsa_pem=where / "tsa.pem", tsa_key=where / "tsa.key"
    )
    authority.ca_pem.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    authority.tsa_pem.write_bytes(tsa.public_bytes(serialization.Encoding.PEM))
    _write_key(authority.tsa_key, tsa_key)
    (where / "serial").write_text("01\n")
    (where / "openssl.cnf").write_text(_CONFIG.format(dir=where, digests=digests))
    return authority


def reply(authority: Authority, query: bytes) -> bytes:
    """OpenSSL's TSA answer to a DER time-stamp query."""
    assert OPENSSL is not None, "openssl is not installed (make system installs it)"
    query_file = authority.dir / f"query-{threading.get_ident()}.tsq"
    query_file.write_bytes(query)
    done = subprocess.run(
        [
            OPENSSL,
            "ts",
            "-reply",
            "-config",
            str(authority.dir / "openssl.cnf"),
            "-queryfile",
            str(query_file),
            "-signer",
            str(authority.tsa_pem),
            "-inkey",
            str(authority.tsa_key),
        ],
        capture_output=True,
        timeout=30,
        check=True,
    )
    return done.stdout


@contextmanager
def serve(authority: Authority) -> Iterator[LocalTsa]:
    """Serve ``authority`` over HTTP on 127.0.0.1 (a free port) until the block ends."""
    lock = threading.Lock()  # openssl ts -reply bumps the serial file: one at a time

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            query = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.headers.get("Content-Type") != "application/timestamp-query":
                self.send_error(415, "want application/timestamp-query")
                return
            try:
                with lock:
                    body = reply(authority, query)
            except subprocess.CalledProcessError as exc:
                self.send_error(400, exc.stderr.decode(errors="replace")[:200])
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LocalTsa(url=f"http://127.0.0.1:{server.server_port}/tsr", authority=authority)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


if __name__ == "__main__":  # a local TSA to try `recoverly evidence` with (docs/evidence.md)
    import sys
    import time

    where = Path(sys.argv[1] if len(sys.argv) > 1 else "local-tsa").resolve()
    with serve(make_authority(where)) as running:
        print(f"RECOVERLY_TSA_URL={running.url}", flush=True)
        print(f"RECOVERLY_TSA_CERT_FILE={running.authority.ca_pem}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
