"""A small Kubernetes client for the controller benchmark (controller.py): the harness's own
requests (server-side apply, create, get, list, watch) with the admin client certificate of a
scripts/controlplane directory, apiserver_request_total scraping, and /proc readings of a process.

Every request the harness makes is counted by (verb, resource) in the apiserver's own labels, so
that controller.py can subtract the harness's share from the apiserver's counters.
Thread-safety: Client is thread-safe (one connection per thread; the counter is locked).
"""
import collections
import http.client
import json
import os
import re
import ssl
import threading
import time
import urllib.parse


class ApiError(Exception):
    def __init__(self, status, body):
        super().__init__(f"HTTP {status}: {body[:300]}")
        self.status = status


class Client:
    def __init__(self, cp_dir):
        env = dict(line.split("=", 1) for line in open(os.path.join(cp_dir, "env")).read().split())
        url = urllib.parse.urlparse(env["KRO_CP_SERVER"])
        self.host, self.port = url.hostname, url.port
        pki = os.path.join(cp_dir, "pki")
        self.ctx = ssl.create_default_context(cafile=os.path.join(pki, "ca.crt"))
        self.ctx.load_cert_chain(os.path.join(pki, "admin.crt"), os.path.join(pki, "admin.key"))
        self.local = threading.local()
        self.lock = threading.Lock()
        self.counts = collections.Counter()  # (verb, resource) -> requests made by the harness

    def _conn(self):
        c = getattr(self.local, "conn", None)
        if c is None:
            c = http.client.HTTPSConnection(self.host, self.port, context=self.ctx, timeout=60)
            self.local.conn = c
        return c

    def count(self, verb, resource):
        with self.lock:
            self.counts[(verb, resource)] += 1

    def request(self, method, path, body=None, content_type="application/json", count=None):
        """Returns (status, parsed JSON or text). `count` = (verb, resource) for the tally."""
        if count is not None:
            self.count(*count)
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = body if isinstance(body, (bytes, str)) else json.dumps(body)
            headers["Content-Type"] = content_type
        for attempt in range(3):
            c = self._conn()
            try:
                c.request(method, path, body=data, headers=headers)
                r = c.getresponse()
                raw = r.read()
                break
            except (http.client.HTTPException, OSError):
                c.close()
                self.local.conn = None
                if attempt == 2:
                    raise
        text = raw.decode()
        try:
            return r.status, json.loads(text)
        except ValueError:
            return r.status, text

    def apply(self, path, obj, resource, manager="kro-bench"):
        """Server-side apply (apiserver verb APPLY) of obj at path (the object's own URL)."""
        q = urllib.parse.urlencode({"fieldManager": manager, "force": "true"})
        st, body = self.request("PATCH", f"{path}?{q}", obj, "application/apply-patch+yaml",
                                count=("APPLY", resource))
        if st >= 300:
            raise ApiError(st, json.dumps(body))
        return body

    def create(self, path, obj, resource):
        st, body = self.request("POST", path, obj, count=("POST", resource))
        if st >= 300:
            raise ApiError(st, json.dumps(body))
        return body

    def get(self, path, resource):
        return self.request("GET", path, count=("GET", resource))

    def list(self, path, resource):
        st, body = self.request("GET", path, count=("LIST", resource))
        if st >= 300:
            raise ApiError(st, json.dumps(body))
        return body

    def metrics(self):
        """apiserver_request_total as {(verb, resource, subresource): count} (not counted: /metrics
        is not a resource request)."""
        st, text = self.request("GET", "/metrics")
        if st != 200:
            raise ApiError(st, str(text))
        out = collections.Counter()
        for line in text.splitlines():
            if not line.startswith("apiserver_request_total{"):
                continue
            labels = dict(re.findall(r'(\w+)="([^"]*)"', line[: line.rindex("}")]))
            out[(labels.get("verb", ""), labels.get("resource", ""),
                 labels.get("subresource", ""))] += float(line.rsplit(" ", 1)[1])
        return out


class Watcher(threading.Thread):
    """Watches a collection URL and records, per object name, the first time (time.monotonic())
    at which pred(object) held. Reconnects until stopped."""

    def __init__(self, client, path, resource, pred):
        super().__init__(daemon=True)
        self.client, self.path, self.resource, self.pred = client, path, resource, pred
        self.first = {}
        self.cond = threading.Condition()
        self.stopped = False
        self.rv = ""

    def run(self):
        while not self.stopped:
            try:
                self._watch_once()
            except (http.client.HTTPException, OSError, ValueError):
                time.sleep(0.2)

    def _watch_once(self):
        q = {"watch": "1", "timeoutSeconds": "3600", "allowWatchBookmarks": "true"}
        if self.rv:
            q["resourceVersion"] = self.rv
        conn = http.client.HTTPSConnection(self.client.host, self.client.port,
                                           context=self.client.ctx, timeout=3700)
        self.client.count("WATCH", self.resource)
        conn.request("GET", f"{self.path}?{urllib.parse.urlencode(q)}",
                     headers={"Accept": "application/json"})
        r = conn.getresponse()
        if r.status != 200:
            r.read()
            conn.close()
            self.rv = ""
            time.sleep(0.5)  # e.g. the CRD is not served yet
            return
        while not self.stopped:
            line = r.readline()
            if not line:
                break
            ev = json.loads(line)
            obj = ev.get("object", {})
            if ev.get("type") == "ERROR":
                self.rv = ""
                break
            self.rv = obj.get("metadata", {}).get("resourceVersion", self.rv)
            if ev.get("type") == "BOOKMARK":
                continue
            name = obj.get("metadata", {}).get("name")
            if name and name not in self.first and self.pred(obj):
                with self.cond:
                    self.first[name] = time.monotonic()
                    self.cond.notify_all()
        conn.close()

    def wait_for(self, names, timeout):
        """True when every name in `names` has satisfied pred, False after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while not all(n in self.first for n in names):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.cond.wait(min(left, 1.0))
        return True


def proc_cpu_seconds(pid):
    """utime + stime of a live process (all its threads), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_status_kb(pid, key):
    """A kB value of /proc/PID/status (VmHWM: peak RSS, VmRSS: current RSS)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return None
