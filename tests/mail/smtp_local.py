"""A real SMTP server (aiosmtpd) on 127.0.0.1 at a free port, run in a
thread of the test that needs it and stopped when the block ends:

    with LocalSMTP() as smtp:
        ... send to smtp+insecure://127.0.0.1:{smtp.port} ...
    smtp.received  # [(mail_from, [rcpt, ...], raw bytes), ...]

Importing this module needs python3-aiosmtpd; a test checks for it first."""
import asyncio
import socket
import threading

from aiosmtpd.smtp import SMTP


class LocalSMTP:
    def __init__(self):
        self.received = []
        self.port = None

    def __enter__(self):
        received = self.received

        class Keep:
            async def handle_DATA(self, server, session, envelope):
                received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
                return "250 OK"

        self._loop = asyncio.new_event_loop()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        self.port = sock.getsockname()[1]
        ready = threading.Event()

        def serve():
            asyncio.set_event_loop(self._loop)
            self._server = self._loop.run_until_complete(self._loop.create_server(
                lambda: SMTP(Keep(), hostname="test.invalid", decode_data=False), sock=sock))
            ready.set()
            self._loop.run_forever()
        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def __exit__(self, *exc):
        def close():
            self._server.close()
            self._loop.stop()
        self._loop.call_soon_threadsafe(close)
        self._thread.join(10)
        return False
