"""A quiet console logger for `etablerer run`: one line per step and per check, not per event,
and inside the long dbt step one line per mart as dbt finishes it."""

from __future__ import annotations

import logging
import re
import sys
from typing import TYPE_CHECKING

import dagster as dg

if TYPE_CHECKING:
    from dagster_shared.error import SerializableErrorInfo

_SHOWN = {
    "STEP_START": "▶",
    "STEP_SUCCESS": "✔",
    "STEP_FAILURE": "✘",
    "STEP_SKIPPED": "⏭",
    "ASSET_CHECK_EVALUATION": "☑",
}


# Marts, as dbt names them: what an analyst queries, so worth a line while dbt runs.
_MART_PREFIXES = ("fct_", "dim_")
# Dagster's warning for each step after a failed one: the summary lists what was not built.
_DEPENDENCY_NOISE = "Dependencies for step "


def user_error(error: SerializableErrorInfo | None) -> SerializableErrorInfo | None:
    """The user's own error under Dagster's wrapping (the last cause)."""
    while error is not None and error.cause is not None:
        error = error.cause
    return error


def error_line(error: SerializableErrorInfo | None) -> str:
    """The first line of the user's error, without its class path: our errors are Norwegian
    sentences (`ingestion.operators.api.IngestError: klienter.csv: …` → `klienter.csv: …`)."""
    error = user_error(error)
    if error is None:
        return "ukjent feil"
    first = error.message.strip().splitlines()[0] if error.message.strip() else error.cls_name
    prefix = re.match(rf"^[\w.]*{re.escape(error.cls_name)}: ", first)
    return first[prefix.end() :] if prefix else first


class _ProgressHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self._marts_shown: set[str] = set()  # a range run materialises a mart once per partition

    def emit(self, record: logging.LogRecord) -> None:
        # Dagster puts its event on the record as `dagster_meta`, undocumented and with no public
        # accessor: tests/orchestration/test_private_api_guards.py checks it is still there.
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        if event is not None and event.event_type_value == "ASSET_MATERIALIZATION":
            asset = event.asset_key.to_user_string()
            if asset.startswith(_MART_PREFIXES) and asset not in self._marts_shown:
                self._marts_shown.add(asset)
                print(f"    · {asset}", file=sys.stderr, flush=True)
        elif event is not None:
            symbol = _SHOWN.get(event.event_type_value)
            if symbol is None:
                return
            label = meta.get("step_key") or ""
            if event.event_type_value == "STEP_FAILURE":
                label = f"{label}: {error_line(event.event_specific_data.error)}"
            if event.event_type_value == "ASSET_CHECK_EVALUATION":
                evaluation = event.event_specific_data
                # A year runs some 130 dbt tests: show those that fail, and every GX suite.
                is_gx = evaluation.asset_check_key.name.startswith("gx_")
                if evaluation.passed and not is_gx:
                    return
                outcome = "bestått" if evaluation.passed else "FEILET"
                label = f"{evaluation.asset_check_key.name}: {outcome}"
                symbol = symbol if evaluation.passed else "✘"
            print(f"  {symbol} {label}", file=sys.stderr, flush=True)
        elif record.levelno >= logging.WARNING:
            message = meta.get("orig_message", record.getMessage())
            if not message.startswith(_DEPENDENCY_NOISE):
                print(f"  ! {message}", file=sys.stderr)


@dg.logger(description="Én linje per steg og kontroll.")
def progress_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.getLogger("etablerer.progress")
    logger.setLevel(logging.DEBUG)  # step events are logged at DEBUG
    logger.handlers = [_ProgressHandler()]
    logger.propagate = False
    return logger
