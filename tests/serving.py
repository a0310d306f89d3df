"""A test HTTP server on 127.0.0.1: folders mounted under URL prefixes, served read-only, with
every GET counted (requests and bytes) so that a test can tell what was fetched."""

import http.server
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse


@dataclass
class Traffic:
    """What the server sent: GET requests by path, bytes of file bodies."""

    gets: list[str] = field(default_factory=list)
    bytes: int = 0


class Server:
    """Serve `mounts` (URL prefix -> folder); `url(prefix, name)` is a served file's URL."""

    def __init__(self) -> None:
        self.mounts: dict[str, Path] = {}
        self.traffic = Traffic()
        self._lock = threading.Lock()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _file(self) -> Path | None:
                path = unquote(urlparse(self.path).path).lstrip("/")
                prefix, _, rest = path.partition("/")
                root = server.mounts.get(prefix)
                if root is None or ".." in rest.split("/"):
                    return None
                file = root / rest
                return file if file.is_file() else None

            def _head(self, file: Path | None) -> bool:
                if file is None:
                    self.send_error(404)
                    return False
                self.send_response(200)
                self.send_header("Content-Length", str(file.stat().st_size))
                self.send_header("Last-Modified", self.date_time_string(file.stat().st_mtime))
                self.end_headers()
                return True

            def do_HEAD(self) -> None:
                self._head(self._file())

            def do_GET(self) -> None:
                file = self._file()
                if self._head(file):
                    body = file.read_bytes()
                    # counted before it is sent: a client that has the body may ask for the
                    # traffic at once, before this thread would get to count it afterwards
                    with server._lock:
                        server.traffic.gets.append(self.path)
                        server.traffic.bytes += len(body)
                    self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def mount(self, prefix: str, folder: Path) -> None:
        self.mounts[prefix] = Path(folder)

    def url(self, prefix: str, name: str = "") -> str:
        return f"{self.base}/{prefix}/{name}"

    def reset(self) -> Traffic:
        """The traffic so far; counting starts again."""
        with self._lock:
            traffic, self.traffic = self.traffic, Traffic()
        return traffic

    def start(self) -> "Server":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
