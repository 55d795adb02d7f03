"""A quiet console logger for `etablerer run`: one line per step and per check, not per event."""

import logging
import sys

import dagster as dg

_SHOWN = {
    "STEP_START": "▶",
    "STEP_SUCCESS": "✔",
    "STEP_FAILURE": "✘",
    "STEP_SKIPPED": "⏭",
    "ASSET_CHECK_EVALUATION": "☑",
}


class _ProgressHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        if event is not None:
            symbol = _SHOWN.get(event.event_type_value)
            if symbol is None:
                return
            label = meta.get("step_key") or ""
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
            print(f"  ! {meta.get('orig_message', record.getMessage())}", file=sys.stderr)


@dg.logger(description="Én linje per steg og kontroll.")
def progress_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.getLogger("etablerer.progress")
    logger.setLevel(logging.DEBUG)  # step events are logged at DEBUG
    logger.handlers = [_ProgressHandler()]
    logger.propagate = False
    return logger
