"""Gateway overhead: the same upstream call direct, through nginx, and through the
gateway (RS256 JWT checked against a JWKS, permission table, rate limits,
internal-token minting), all in one run.

The upstream is ticketing's `GET /tickets?limit=1` for a tenant with few tickets.
Latency is measured at a fixed moderate rate by one client taking the paths in
turn (added = path − direct, per percentile); throughput by wrk (2 threads, 16 connections). nginx
(Debian's nginx-light) and wrk are installed with apt when missing (root only); when
they cannot be, those columns are skipped and the run says so.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import time
from pathlib import Path

import httpx
from opspact.cli.stack import free_port
from opspact.testing.idp import AUDIENCE, ISSUER, FakeIdp

from bench.common import internal_token, percentile, running_stack

PATH = "/tickets?limit=1"
NGINX_CONF = """
worker_processes 2;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fcgi; uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
  upstream ticketing {{ server 127.0.0.1:{upstream}; keepalive 32; }}
  server {{
    listen 127.0.0.1:{port};
    location /api/ticketing/ {{
      proxy_pass http://ticketing/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }}
  }}
}}
"""


def ensure_tools() -> dict[str, str | None]:
    tools = {"nginx": shutil.which("nginx") or "/usr/sbin/nginx", "wrk": shutil.which("wrk")}
    missing = [n for n, p in tools.items() if not p or not Path(p).exists()]
    if missing and os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-q", "nginx-light", "wrk"],
                       capture_output=True, timeout=600)
        tools = {"nginx": shutil.which("nginx") or "/usr/sbin/nginx", "wrk": shutil.which("wrk")}
    return {n: p if p and Path(p).exists() else None for n, p in tools.items()}


def interleaved_latencies(paths: dict[str, tuple[str, dict]], rate: float,
                          count: int) -> dict[str, list[float]]:
    """One request per path in turn, `rate` rounds a second: the machine's noise falls
    on every path alike, so the differences are the paths' own."""
    clients = {name: httpx.Client(headers=headers, timeout=30)
               for name, (_, headers) in paths.items()}
    samples: dict[str, list[float]] = {name: [] for name in paths}
    try:
        for name, (url, _) in paths.items():
            for _ in range(20):
                clients[name].get(url).raise_for_status()
        start = time.monotonic()
        for i in range(count):
            pause = start + i / rate - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            for name, (url, _) in paths.items():
                t0 = time.perf_counter()
                clients[name].get(url).raise_for_status()
                samples[name].append((time.perf_counter() - t0) * 1000)
    finally:
        for client in clients.values():
            client.close()
    return samples


def wrk_rps(wrk: str, url: str, headers: dict, seconds: int) -> float:
    args = [wrk, "-t2", "-c16", f"-d{seconds}s"]
    for k, v in headers.items():
        args += ["-H", f"{k}: {v}"]
    out = subprocess.run(args + [url], capture_output=True, text=True, timeout=seconds + 30).stdout
    line = next((x for x in out.splitlines() if x.startswith("Requests/sec")), "")
    non2xx = next((x for x in out.splitlines() if "Non-2xx" in x), "")
    if non2xx:
        print(f"  warning: {url}: {non2xx.strip()}")
    return float(line.split()[-1]) if line else float("nan")


def main() -> None:
    """Tuned by BENCH_GW_RATE (req/s for latency, 50), BENCH_GW_COUNT (500) and
    BENCH_GW_SECONDS (wrk duration, 10)."""
    rate = float(os.environ.get("BENCH_GW_RATE", 50))
    count = int(os.environ.get("BENCH_GW_COUNT", 500))
    seconds = int(os.environ.get("BENCH_GW_SECONDS", 10))
    tools = ensure_tools()
    print(f"gateway overhead: {count} requests at {rate:g}/s, wrk {seconds}s; "
          f"nginx {'yes' if tools['nginx'] else 'MISSING'}, wrk {'yes' if tools['wrk'] else 'MISSING'}",
          flush=True)
    idp = FakeIdp()
    idp.add_key("bench-1", "RS256")
    idp.start()
    results: dict[str, dict] = {}
    with running_stack() as (stack, tmp):
        nginx = None
        try:
            stack.restart_process("gateway", {
                "OPSPACT_GATEWAY_JWKS_SOURCE": idp.url, "OPSPACT_GATEWAY_JWT_ISSUER": ISSUER,
                "OPSPACT_GATEWAY_JWT_AUDIENCE": AUDIENCE,
                "OPSPACT_GATEWAY_RATE_PER_CLIENT": "[1000000, 1000000]",
                "OPSPACT_GATEWAY_RATE_PER_TENANT": "[1000000, 1000000]"})
            direct_headers = {"Authorization": "Bearer " + internal_token(
                stack, "ticketing", "wuqia", ["auditor"])}
            user = idp.token("bench-1", ["wuqia"], ["auditor"], exp=int(time.time()) + 3600)
            paths = {"direct": (f"{stack.url('ticketing')}{PATH}", direct_headers),
                     "gateway": (f"{stack.url('gateway')}/api/ticketing{PATH}",
                                 {"Authorization": f"Bearer {user}"})}
            if tools["nginx"]:
                port = free_port()
                conf = Path(tmp) / "nginx.conf"
                conf.write_text(NGINX_CONF.format(tmp=tmp, port=port,
                                                  upstream=stack.ports["ticketing"]))
                nginx = subprocess.Popen([tools["nginx"], "-c", str(conf), "-g", "daemon off;"],
                                         stderr=subprocess.DEVNULL)
                time.sleep(1)
                paths["nginx"] = (f"http://127.0.0.1:{port}/api/ticketing{PATH}", direct_headers)
            for name, samples in interleaved_latencies(paths, rate, count).items():
                results[name] = {"p50": statistics.median(samples),
                                 "p99": percentile(samples, 99)}
            for name, (url, headers) in paths.items():
                results[name]["rps"] = (wrk_rps(tools["wrk"], url, headers, seconds)
                                        if tools["wrk"] else float("nan"))
        finally:
            if nginx is not None:
                nginx.terminate()
                nginx.wait(10)
            idp.stop()
    base = results["direct"]
    print(f"{'path':<9}{'p50 ms':>9}{'p99 ms':>9}{'+p50 ms':>9}{'+p99 ms':>9}{'req/s':>9}")
    for name, r in results.items():
        print(f"{name:<9}{r['p50']:>9.2f}{r['p99']:>9.2f}{r['p50'] - base['p50']:>9.2f}"
              f"{r['p99'] - base['p99']:>9.2f}{r['rps']:>9.0f}")
    gw = results["gateway"]
    print(f"gateway added p50 {gw['p50'] - base['p50']:.2f} ms (goal ≤ 1.5), "
          f"p99 {gw['p99'] - base['p99']:.2f} ms (goal ≤ 5)")
    if "nginx" in results:
        print(f"gateway / nginx req/s: {gw['rps'] / results['nginx']['rps']:.2f}× (goal ≥ 0.5×)")
