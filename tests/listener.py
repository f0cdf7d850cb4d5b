"""A TCP listener on a loopback port that counts the connections it gets.

For the tests that prove nothing leaves a query process: a query that tried the
network would connect here.
"""

from __future__ import annotations

import socket
import threading
import time


class Listener:
    """Accepts (and closes) every connection on ``127.0.0.1:port``, counting them."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.socket.settimeout(0.1)
        self.port = int(self.socket.getsockname()[1])
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        """A SPARQL endpoint URL on the listener."""
        return f"http://127.0.0.1:{self.port}/sparql"

    def _accept(self) -> None:
        while self.running:
            try:
                connection, _ = self.socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            connection.close()

    def settled(self, seconds: float = 0.3) -> int:
        """The connections seen, after giving late ones ``seconds`` to arrive."""
        time.sleep(seconds)
        return self.connections

    def close(self) -> None:
        """Stop accepting and close the socket."""
        self.running = False
        self.thread.join()
        self.socket.close()
