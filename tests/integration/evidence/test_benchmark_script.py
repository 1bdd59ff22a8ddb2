"""``benchmarks/evidence_log.py`` runs end to end on a small log and every proof it
times verifies (the benchmark's figures themselves are measured outside the suite)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import REPO


def test_the_benchmark_runs_and_its_proofs_verify(pg_url: str) -> None:
    script = str(REPO / "benchmarks" / "evidence_log.py")
    done = subprocess.run(
        [sys.executable, script, "--size", "2000", "--batch", "300", "--proofs", "50"],
        env=dict(os.environ, RECOVERLY_DATABASE_URL=pg_url),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["size"] == 2000
    assert result["appends_per_s"] > 0
    assert result["inclusion_proof_ms"]["verified"] == result["inclusion_proof_ms"]["count"] == 50
    assert result["consistency_proof_ms"] is not None
