"""The pseudonym key: never the public demo key by accident, and never two keys at once."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ingestion.operators import PseudonymKeyMissing
from ingestion.operators.identifiers import (
    DEMO_KEY,
    SYNTHETIC_DATA_ENV,
    load_pseudonym_key,
    refuse_demo_key,
)
from ingestion.paths import OPERATOR_SAMPLE_DIR, PROJECT_ROOT

KEY_VARS = ("ETABLERER_PSEUDONYM_KEY", "ETABLERER_PSEUDONYM_KEY_FILE")


def _key_file(tmp_path: Path, secret: str = "a-real-secret-from-the-vault") -> Path:
    path = tmp_path / "vault" / "pseudonym.key"
    path.parent.mkdir()
    path.write_text(secret + "\n")
    return path


def test_key_and_key_file_both_set_is_an_error(tmp_path: Path, monkeypatch) -> None:
    """Both set gave the key from the environment (the Makefile's demo key) and ignored the file."""
    monkeypatch.setenv("ETABLERER_PSEUDONYM_KEY_FILE", str(_key_file(tmp_path)))
    with pytest.raises(PseudonymKeyMissing, match="Både ETABLERER_PSEUDONYM_KEY og") as caught:
        load_pseudonym_key()
    assert "Behold bare én" in str(caught.value)


def test_an_empty_key_beside_the_key_file_is_no_conflict(tmp_path: Path, monkeypatch) -> None:
    """.env.example leaves ETABLERER_PSEUDONYM_KEY= empty; `dagster dev` reads it as ''."""
    monkeypatch.setenv("ETABLERER_PSEUDONYM_KEY", " ")
    monkeypatch.setenv("ETABLERER_PSEUDONYM_KEY_FILE", str(_key_file(tmp_path)))
    assert load_pseudonym_key() == b"a-real-secret-from-the-vault"


def _makefile_key(tmp_path: Path, env: dict[str, str], dotenv: str | None = None) -> str:
    """ETABLERER_PSEUDONYM_KEY as the Makefile's recipes see it, run from a folder holding
    `dotenv` as .env (the project's own .env, if any, must not decide the test)."""
    workdir = tmp_path / "make"
    workdir.mkdir(parents=True)
    if dotenv is not None:
        (workdir / ".env").write_text(dotenv)
    clean = {k: v for k, v in os.environ.items() if k not in KEY_VARS and not k.startswith("MAKE")}
    out = subprocess.run(
        [
            shutil.which("make") or "make",
            "-s",
            "-C",
            str(workdir),
            "-f",
            str(PROJECT_ROOT / "Makefile"),
            "--eval",
            'print-key: ; @echo "[$$ETABLERER_PSEUDONYM_KEY]"',
            "print-key",
        ],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def test_makefile_sets_the_demo_key_only_when_no_key_is_configured(tmp_path: Path) -> None:
    demo = f"[{DEMO_KEY.decode()}]"
    assert _makefile_key(tmp_path / "a", {}) == demo
    assert _makefile_key(tmp_path / "b2", {}, dotenv="") == demo
    # A key file in the environment or in .env (which make passes on): no demo key.
    key_file = {"ETABLERER_PSEUDONYM_KEY_FILE": "/etc/etablerer/pseudonym.key"}
    assert _makefile_key(tmp_path / "c", key_file) == "[]"
    assert _makefile_key(tmp_path / "d", {}, dotenv="ETABLERER_PSEUDONYM_KEY_FILE=/k\n") == "[]"
    # A key in .env is the one make passes on, to `etablerer run` as to `dagster dev`.
    assert (
        _makefile_key(tmp_path / "e", {}, dotenv="ETABLERER_PSEUDONYM_KEY=s3cret\n") == "[s3cret]"
    )
    assert _makefile_key(tmp_path / "f", {"ETABLERER_PSEUDONYM_KEY": "own"}) == "[own]"


def test_makefile_copy_of_env_example_keeps_the_demo_key(tmp_path: Path) -> None:
    """A fresh `cp .env.example .env` sets no key: `make run` still runs the sample."""
    dotenv = (PROJECT_ROOT / ".env.example").read_text()
    assert _makefile_key(tmp_path, {}, dotenv=dotenv) == f"[{DEMO_KEY.decode()}]"


def test_demo_key_is_refused_for_files_outside_the_bundled_sample(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.delenv(SYNTHETIC_DATA_ENV, raising=False)
    real = tmp_path / "operators" / "ringeriksregionen" / "2026" / "klienter.csv"
    with pytest.raises(PseudonymKeyMissing, match="Demonøkkelen") as caught:
        refuse_demo_key(DEMO_KEY, [OPERATOR_SAMPLE_DIR, real])
    message = str(caught.value)
    assert "ETABLERER_PSEUDONYM_KEY_FILE" in message and str(real) in message
    # The same with the key as the Makefile exports it, and as a key file holds it.
    with pytest.raises(PseudonymKeyMissing):
        refuse_demo_key(DEMO_KEY + b"\n", [real])
    # A sample path spelled with "..": still outside when it leaves the sample.
    with pytest.raises(PseudonymKeyMissing):
        refuse_demo_key(DEMO_KEY, [OPERATOR_SAMPLE_DIR / ".." / "landing" / "x.csv"])


def test_demo_key_is_accepted_for_the_sample_and_declared_synthetic_data(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.delenv(SYNTHETIC_DATA_ENV, raising=False)
    sample_file = OPERATOR_SAMPLE_DIR / "ringeriksregionen" / "2025" / "klienter.csv"
    refuse_demo_key(DEMO_KEY, [OPERATOR_SAMPLE_DIR, sample_file])
    generated = tmp_path / "bench" / "hallingdal" / "2026"
    refuse_demo_key(b"a-real-secret-from-the-vault", [generated])  # a real key goes anywhere
    for not_an_opt_in in ("0", "", "yes"):
        monkeypatch.setenv(SYNTHETIC_DATA_ENV, not_an_opt_in)
        with pytest.raises(PseudonymKeyMissing):
            refuse_demo_key(DEMO_KEY, [generated])
    monkeypatch.setenv(SYNTHETIC_DATA_ENV, "1")
    refuse_demo_key(DEMO_KEY, [generated])
