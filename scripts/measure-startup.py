#!/usr/bin/env python3
"""Start-up time and memory of the wizard vs. a bare Tauri window (issue 5 §4).

For each binary, N times (interleaved so both see the same machine load):
  start tauri-driver -> POST /session (t0) -> poll until the first step's heading
  ([data-step="prereqs"] h2) has text (t1) -> sum PSS over the app,
  WebKitWebProcess and WebKitNetworkProcess (/proc/PID/smaps_rollup) -> close.
Standard library only (WebDriver is plain HTTP + JSON). Called by measure-startup.sh.
"""
import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

PROBE = """
const h = document.querySelector('[data-step="prereqs"] h2');
return h && h.textContent.trim().length > 0 && !h.closest('[hidden]');
"""


FOCUS = """
document.querySelector('[data-step="prereqs"] h2').focus();
"""


LOG = open(os.environ.get("MEASURE_LOG", "/dev/null"), "ab")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wd(port, method, path, body=None, timeout=60):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=data, method=method,
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read() or b"{}")


def children_map():
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                stat = f.read()
            ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        except (OSError, ValueError):
            continue
        kids.setdefault(ppid, []).append(int(d))
    return kids


def descendants(root):
    kids, out, todo = children_map(), [], [root]
    while todo:
        p = todo.pop()
        for c in kids.get(p, []):
            out.append(c)
            todo.append(c)
    return out


def exe_name(pid):
    try:
        return os.path.basename(os.readlink(f"/proc/{pid}/exe"))
    except OSError:
        try:
            with open(f"/proc/{pid}/comm") as f:
                return f.read().strip()
        except OSError:
            return ""


def pss_kib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def measure_once(binary, driver, display, timeout):
    port, native = free_port(), free_port()
    # The caller's HOME, as a user would have it (the warm-up run fills caches).
    env = dict(os.environ, DISPLAY=display, NO_AT_BRIDGE="1")
    env.pop("WEBKIT_DISABLE_COMPOSITING_MODE", None)  # same setting as the e2e tests
    proc = subprocess.Popen([driver, "--port", str(port), "--native-port", str(native)],
                            env=env, stdout=subprocess.DEVNULL, stderr=LOG,
                            start_new_session=True)
    session = None
    try:
        # Both tauri-driver and the WebKitWebDriver it spawns must listen.
        deadline = time.monotonic() + 15
        for p in (port, native):
            while True:
                try:
                    socket.create_connection(("127.0.0.1", p), timeout=0.2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or proc.poll() is not None:
                        raise RuntimeError("tauri-driver did not start")
                    time.sleep(0.02)
        caps = {"capabilities": {"alwaysMatch": {"tauri:options": {"application": binary}}}}
        t0 = time.monotonic()
        resp = wd(port, "POST", "/session", caps, timeout=timeout)
        session = resp["value"]["sessionId"]
        while True:
            v = wd(port, "POST", f"/session/{session}/execute/sync",
                   {"script": PROBE, "args": []})["value"]
            if v is True:
                break
            if time.monotonic() - t0 > timeout:
                raise RuntimeError("first step never appeared")
            time.sleep(0.005)
        elapsed = time.monotonic() - t0
        time.sleep(0.5)  # let the page settle before reading memory
        app = os.path.basename(binary)

        def pss_parts():
            parts = {}
            for pid in descendants(proc.pid):
                name = exe_name(pid)
                key = ("app" if name == app else
                       "web" if name.startswith("WebKitWebProces") else
                       "net" if name.startswith("WebKitNetworkPr") else None)
                if key:
                    parts[key] = parts.get(key, 0) + pss_kib(pid)
            return parts

        parts = pss_parts()
        missing = {"app", "web", "net"} - parts.keys()
        if missing:
            print(f"warning: no {', '.join(sorted(missing))} process found for {app}",
                  file=sys.stderr)
        # The first focus in a page makes WebKitGTK build its accessibility
        # objects; every user pays it at the first click or Tab, so report it.
        wd(port, "POST", f"/session/{session}/execute/sync", {"script": FOCUS, "args": []})
        time.sleep(0.5)
        focused = sum(pss_parts().values()) / 1024.0
        return elapsed, sum(parts.values()) / 1024.0, parts, focused
    finally:
        if session:
            try:
                wd(port, "DELETE", f"/session/{session}", timeout=10)
            except Exception:
                pass
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=5)
        except Exception:
            pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--app", required=True)
    ap.add_argument("--bare", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--driver", default="tauri-driver")
    ap.add_argument("--timeout", type=float, default=60)
    a = ap.parse_args()
    display = os.environ.get("DISPLAY")
    if not display:
        sys.exit("DISPLAY is not set (run under Xvfb; measure-startup.sh does that)")

    # One warm-up each (page cache, fontconfig cache), not counted.
    for b in (a.bare, a.app):
        measure_once(b, a.driver, display, a.timeout)
    res = {a.app: [], a.bare: []}
    for i in range(a.runs):
        for b in (a.bare, a.app):
            try:
                t, mb, parts, focused = measure_once(b, a.driver, display, a.timeout)
            except Exception as e:  # a flaky start is reported and retried once
                print(f"run {i + 1}: {os.path.basename(b)} failed ({e!r}); retrying", file=sys.stderr)
                t, mb, parts, focused = measure_once(b, a.driver, display, a.timeout)
            res[b].append((t, mb, focused))
            print(f"run {i + 1}/{a.runs} {os.path.basename(b):<16} {t * 1000:7.0f} ms "
                  f"{mb:7.1f} MB PSS  (app {parts.get('app', 0) / 1024:.1f}, "
                  f"web {parts.get('web', 0) / 1024:.1f}, net {parts.get('net', 0) / 1024:.1f}); "
                  f"{focused:.1f} MB after the first focus",
                  file=sys.stderr)

    def summary(b):
        ts = [r[0] for r in res[b]]
        ms = [r[1] for r in res[b]]
        fs = [r[2] for r in res[b]]
        return (statistics.median(ts), min(ts), max(ts), statistics.median(ms),
                statistics.median(fs))

    at, amin, amax, am, af = summary(a.app)
    bt, bmin, bmax, bm, bf = summary(a.bare)
    asz = os.path.getsize(a.app) / 1e6
    bsz = os.path.getsize(a.bare) / 1e6
    print()
    print(f"Runs per binary: {a.runs} (medians; min–max in brackets)")
    print(f"| {'':30} | {'wizard':>22} | {'bare window':>22} | {'ratio':>6} | target |")
    print(f"|{'-' * 32}|{'-' * 24}|{'-' * 24}|{'-' * 8}|--------|")
    ta = f"{at:.3f} s ({amin:.2f}–{amax:.2f})"
    tb = f"{bt:.3f} s ({bmin:.2f}–{bmax:.2f})"
    print(f"| {'session start → first step':30} | {ta:>22} | {tb:>22} | {at / bt:5.2f}× | ≤ 1.2× |")
    print(f"| {'PSS app+WebProcess+Network':30} | {am:19.1f} MB | {bm:19.1f} MB |"
          f" {am / bm:5.2f}× | ≤ 1.15× |")
    print(f"| {'PSS after the first focus':30} | {af:19.1f} MB | {bf:19.1f} MB |"
          f" {af / bf:5.2f}× | (info) |")
    print(f"| {'binary size':30} | {asz:19.2f} MB | {bsz:19.2f} MB |"
          f" {'':6} | ≤ 13 MB |")


if __name__ == "__main__":
    main()
