"""Alerts when a run fails: a clear line in the log, and e-mail when SMTP is configured."""

import os
import smtplib
from email.message import EmailMessage

import dagster as dg


def _send_mail(subject: str, body: str) -> bool:
    """E-mail through SMTP when ETABLERER_SMTP_HOST and ETABLERER_ALERT_TO are set."""
    host = os.environ.get("ETABLERER_SMTP_HOST")
    to = os.environ.get("ETABLERER_ALERT_TO")
    if not host or not to:
        return False
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = os.environ.get("ETABLERER_ALERT_FROM", "etablerer@localhost")
    message["To"] = to
    message.set_content(body)
    port = int(os.environ.get("ETABLERER_SMTP_PORT", "25"))
    with smtplib.SMTP(host, port, timeout=30) as smtp:
        if os.environ.get("ETABLERER_SMTP_USER"):
            smtp.starttls()
            smtp.login(os.environ["ETABLERER_SMTP_USER"], os.environ["ETABLERER_SMTP_PASSWORD"])
        smtp.send_message(message)
    return True


@dg.run_failure_sensor(name="run_failure_sensor", description="Varsler når en kjøring feiler.")
def run_failure_sensor(context: dg.RunFailureSensorContext) -> None:
    run = context.dagster_run
    partition = run.tags.get("dagster/partition", "–")
    subject = f"[etablerer] Kjøring feilet: {run.job_name} ({partition})"
    body = (
        f"Jobben {run.job_name} for {partition} feilet (run {run.run_id}).\n"
        f"Feil: {context.failure_event.message}\n"
        "Åpne Dagster-grensesnittet for detaljer. Forrige gode rapporter og data er urørt."
    )
    context.log.error(f"VARSEL: {subject}. {body}")
    if _send_mail(subject, body):
        context.log.info("Varsel sendt på e-post.")
