"""Sending e-mail through an SMTP server (the standard library's client), for invitations,
password resets and, later, reminders. The messages carry links and no health data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from email.message import EmailMessage

TIMEOUT_S = 20


class MailNotSent(RuntimeError):
    """The mail server could not be reached or refused the message; the message says which."""


@dataclass(frozen=True)
class Mailer:
    """An SMTP server, from a URL: smtp://, smtp+starttls:// or smtps://[user:password@]host."""

    url: str
    sender: str

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    def message(
        self, to: str, subject: str, text: str, message_id: str | None = None
    ) -> EmailMessage:
        from email.message import EmailMessage
        from email.utils import formatdate, make_msgid

        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = to
        mail["Subject"] = subject
        mail["Date"] = formatdate(localtime=False)
        domain = self.sender.rpartition("@")[2].rstrip(">") or "unknot.invalid"
        mail["Message-ID"] = message_id or make_msgid(domain=domain)
        mail.set_content(text)
        return mail

    def send(self, mail: EmailMessage) -> str:
        """Send it; its Message-ID. Raises MailNotSent."""
        import smtplib
        import ssl

        parts = urlsplit(self.url)
        default = 465 if parts.scheme == "smtps" else 587 if parts.scheme == "smtp+starttls" else 25
        port = parts.port or default
        host = parts.hostname or "localhost"
        try:
            client: smtplib.SMTP
            if parts.scheme == "smtps":
                client = smtplib.SMTP_SSL(
                    host, port, timeout=TIMEOUT_S, context=ssl.create_default_context()
                )
            else:
                client = smtplib.SMTP(host, port, timeout=TIMEOUT_S)
            with client:
                if parts.scheme == "smtp+starttls":
                    client.starttls(context=ssl.create_default_context())
                if parts.username:
                    client.login(unquote(parts.username), unquote(parts.password or ""))
                client.send_message(mail)
        except (OSError, smtplib.SMTPException) as error:
            raise MailNotSent(f"the mail server {host}:{port} did not take it ({error})") from None
        return str(mail["Message-ID"])
