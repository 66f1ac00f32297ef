"""One long-lived Python for the fix tests' boto3 snippets (tests/fix/fix_case.hpp).

Starting python3 and importing boto3 costs about a second of CPU, and an end-to-end fix case runs
seven snippets; this process imports boto3 once and runs each snippet POSTed to it on
127.0.0.1:PORT (argv[1]). The X-Endpoint header names the moto the snippet's c() talks to. The
answer is the exit status on the first line, then what the snippet printed.
"""
import contextlib
import http.server
import io
import json
import os
import sys
import traceback

import boto3

clients = {}


def client_for(endpoint):
    def c(service, region="us-east-1"):
        key = (endpoint, service, region)
        if key not in clients:
            clients[key] = boto3.client(service, region_name=region, endpoint_url=endpoint,
                                        aws_access_key_id="testing",
                                        aws_secret_access_key="testing")
        return clients[key]
    return c


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        script = self.rfile.read(length).decode()
        endpoint = self.headers.get("X-Endpoint", "")
        out = io.StringIO()
        rc = 0
        scope = {"boto3": boto3, "json": json, "sys": sys, "E": endpoint,
                 "c": client_for(endpoint), "__name__": "__fix_case__"}
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                exec(compile(script, "<fix case>", "exec"), scope)
        except SystemExit as e:
            rc = e.code if isinstance(e.code, int) else 1
        except BaseException:  # the snippet's own failure is the test's answer
            out.write(traceback.format_exc())
            rc = 1
        body = (f"{rc}\n" + out.getvalue()).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


# Ends with the test process that started it, even when that one crashed and could not stop it.
parent = os.getppid()
server = http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
server.timeout = 2
while os.getppid() == parent:
    server.handle_request()
