#!/usr/bin/env python3
"""A stand-in for Aliyun's SendSms API for the token benchmark (identity alone has no local SMS adapter).

Answers every POST as Aliyun answers a successful send ({"Code":"OK",...}) and writes the login code of each
message (TemplateParam={"code":"NNNNNN"}) to <code dir>/<PhoneNumbers>, so seed-refresh.sh can sign in.
Usage: sms-sink.py <port> <code dir>. Loopback only; nothing else is done with the request.
"""
import json
import os
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, CODE_DIR = int(sys.argv[1]), sys.argv[2]


class Sink(BaseHTTPRequestHandler):
    # keep-alive as identity's HTTP client expects (HTTP/1.0 closes after each answer: a reused
    # pooled connection then fails with an IOException now and then)
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        form = urllib.parse.parse_qs(body)
        code = json.loads(form.get("TemplateParam", ["{}"])[0]).get("code", "")
        number = os.path.basename(form.get("PhoneNumbers", ["unknown"])[0])
        with open(os.path.join(CODE_DIR, number + ".tmp"), "w") as out:
            out.write(code)
        os.replace(os.path.join(CODE_DIR, number + ".tmp"), os.path.join(CODE_DIR, number))
        answer = json.dumps({"Code": "OK", "Message": "OK", "BizId": "bench", "RequestId": "bench"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", PORT), Sink).serve_forever()
