"""A real SMTP server for the email tests (aiosmtpd): it requires AUTH (PLAIN/LOGIN) with a
mailbox's password and delivers each message into every recipient's INBOX on the test's
Dovecot IMAP server with IMAP APPEND. Usage: smtp_relay.py PORT IMAP_PORT USERS_JSON"""
import asyncio
import imaplib
import json
import logging
import sys
import warnings

warnings.filterwarnings("ignore")
logging.getLogger("mail.log").setLevel(logging.ERROR)

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

port, imap_port, users_file = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
with open(users_file) as f:
    users = {k.lower(): v for k, v in json.load(f).items()}


def authenticate(server, session, envelope, mechanism, auth_data):
    if isinstance(auth_data, LoginPassword):
        login = auth_data.login.decode().lower()
        if users.get(login) == auth_data.password.decode():
            return AuthResult(success=True)
    return AuthResult(success=False, handled=False)


class Deliver:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() not in users:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        for rcpt in envelope.rcpt_tos:
            box = imaplib.IMAP4("127.0.0.1", imap_port)
            box.login(rcpt.lower(), users[rcpt.lower()])
            box.append("INBOX", None, None, envelope.original_content)
            box.logout()
        return "250 2.0.0 Delivered"


controller = Controller(
    Deliver(),
    hostname="127.0.0.1",
    port=port,
    authenticator=authenticate,
    auth_required=True,
    auth_require_tls=False,
)
controller.start()
print("ready", flush=True)
try:
    asyncio.get_event_loop().run_forever()
except KeyboardInterrupt:
    pass
