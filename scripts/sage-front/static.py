"""Serves a built React app under /dashboard (its "homepage"), index.html for client routes."""
import http.server
import os
import sys

root, port = sys.argv[1], int(sys.argv[2])


class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=root, **kwargs)

    def translate_path(self, path):
        rel = path.split("?")[0]
        if rel.startswith("/dashboard"):
            rel = rel[len("/dashboard"):] or "/"
        full = os.path.realpath(os.path.join(root, rel.lstrip("/")))
        if not full.startswith(os.path.realpath(root)) or not os.path.isfile(full):
            full = os.path.join(root, "index.html")
        return full

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
