"""A real TCP proxy between a bench and PostgreSQL, which a test can cut and take down.

The bench's database URL points at the proxy's port; the proxy forwards every
connection to the server. ``cut()`` closes the connections open now (a network
blip: the next connection works), ``down()`` also stops listening (the server is
unreachable: connections are refused), ``up()`` listens again on the same port.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading
from collections.abc import Iterator


class DbProxy:
    def __init__(self, target: tuple[str, int]):
        self.target = target
        self._lock = threading.Lock()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._listener: socket.socket | None = None
        self._threads: list[threading.Thread] = []
        self.port = 0
        self.up()

    def up(self) -> None:
        """Listen (again, on the same port once it is known) and forward new connections."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._spawn(self._accept, listener)

    def cut(self) -> None:
        """Close every forwarded connection, as a network failure would."""
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for pair in pairs:
            for sock in pair:
                _close(sock)

    def down(self) -> None:
        """Cut, and refuse new connections until :meth:`up`."""
        listener, self._listener = self._listener, None
        if listener is not None:
            _close(listener)
        self.cut()

    def close(self) -> None:
        self.down()
        for thread in self._threads:
            thread.join(5)

    @property
    def connections(self) -> int:
        with self._lock:
            return len(self._pairs)

    def _spawn(self, target: object, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)   # type: ignore[arg-type]
        thread.start()
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return   # the listener was closed: down()
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                _close(client)
                continue
            server.settimeout(None)
            with self._lock:
                self._pairs.append((client, server))
            self._spawn(self._pump, client, server)

    def _pump(self, client: socket.socket, server: socket.socket) -> None:
        with selectors.DefaultSelector() as sel:
            sel.register(client, selectors.EVENT_READ, server)
            sel.register(server, selectors.EVENT_READ, client)
            try:
                while True:
                    for key, _ in sel.select(timeout=0.5):
                        data = key.fileobj.recv(65536)   # type: ignore[union-attr]
                        if not data:
                            return
                        key.data.sendall(data)
                    if client.fileno() < 0 or server.fileno() < 0:
                        return
            except (OSError, ValueError):
                return
            finally:
                with self._lock:
                    self._pairs = [p for p in self._pairs if p != (client, server)]
                _close(client)
                _close(server)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()


@contextlib.contextmanager
def proxy_to(host: str, port: int) -> Iterator[DbProxy]:
    proxy = DbProxy((host, port))
    try:
        yield proxy
    finally:
        proxy.close()
