#!/usr/bin/env python3
"""The audit benchmark: full framework audits against a loopback AWS simulator.

For each account size (S=100, M=1,000, L=5,000, XL=50,000 resources), framework and
AUDIT_CONCURRENCY it starts the loopback AWS simulator (build/bench/awssim, or bench/awssim.py with
--simulator python: fixed latency per call, per-operation throttling), starts `dspm-audit serve`
pointed at it, runs POST /audit/<framework>/_all, and records wall time, AWS calls by operation,
retries, peak RSS, CPU time (per 1,000 calls too) and peak thread count of the service, and the
simulator's CPU time and peak calls in flight, next to the lower bound of the same work. It then
runs the sequential baseline (one call at a time, no sharing between requirements: the seed's way)
in the same harness.

Usage: bench/run.py [--sizes S,M,L] [--latency-ms 40] [--rate 0] [--baseline-sizes S,M]
                    [--concurrency 16,64,256] [--simulator cpp|python]
"""
import argparse
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIZES = {"S": 100, "M": 1000, "L": 5000, "XL": 50000}
FRAMEWORKS = ["ISMS-P", "iso-27017"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


def http(method, url, timeout=3600, timed=None):
    """The answer, parsed. timed: a list that gets the seconds until its last byte arrived (the
    client's wait; parsing 1.25 GB of JSON in Python afterwards is not the service's time)."""
    start = time.monotonic()
    req = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        body = resp.read()
    if timed is not None:
        timed.append(time.monotonic() - start)
    return json.loads(body)


def cpu_seconds(pid):
    """CPU seconds (user+system) of a live process."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_usage(pid):
    """Peak RSS (MiB) and CPU seconds (user+system) of a live process."""
    rss = 0.0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                rss = int(line.split()[1]) / 1024.0
    return rss, cpu_seconds(pid)


class ThreadSampler(threading.Thread):
    """The largest `Threads:` of /proc/<pid>/status, sampled every 20 ms until stop(): the kernel
    keeps no high-water mark of a process's threads."""

    def __init__(self, pid, interval=0.02):
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak = pid, interval, 0
        self._done = threading.Event()

    def sample(self):
        try:
            with open(f"/proc/{self.pid}/status") as f:
                for line in f:
                    if line.startswith("Threads:"):
                        self.peak = max(self.peak, int(line.split()[1]))
                        return
        except OSError:
            pass

    def run(self):
        while not self._done.is_set():
            self.sample()
            self._done.wait(self.interval)

    def stop(self):
        self._done.set()
        self.join()
        self.sample()
        return self.peak


def lower_bound(calls_by_op, dependent_trips, latency_s, concurrency, rate):
    """The fastest any client could do the same calls: the largest of three limits."""
    total = sum(calls_by_op.values())
    chain = dependent_trips * latency_s
    parallel = total / concurrency * latency_s
    throttle = max((n / rate for n in calls_by_op.values()), default=0.0) if rate > 0 else 0.0
    return max(chain, parallel, throttle), {"chain_s": chain, "parallel_s": parallel,
                                           "rate_s": throttle}


def dependent_trips(size, page=100):
    """Longest chain of calls that must happen one after another, for the synthetic account.

    STS (account) first, then per kind: its list pages in sequence, then one dependent read per
    resource (S3: location then encryption). The longest kind decides.
    """
    n = SIZES_N[size]
    rds = max(1, int(n * 0.2))
    kinds = {
        "s3": 1 + 2,                                    # ListBuckets (one page), location, encryption
        "rds": math.ceil((rds - rds // 5) / page),      # DescribeDBInstances pages
        "dynamodb": math.ceil(max(1, int(n * 0.2)) / page) + 1,  # ListTables pages, DescribeTable
        "redshift": math.ceil(max(1, int(n * 0.1)) / page),
        "cloudfront": math.ceil(max(1, int(n * 0.1)) / page),
        "sso": 3,                                       # instances, permission sets, details
        "organizations": 3,
    }
    return 1 + max(kinds.values())


SIZES_N = dict(SIZES)


def simulator_command(args, port, size_key):
    flags = ["--port", str(port), "--size", str(SIZES[size_key]),
             "--latency-ms", str(args.latency_ms), "--rate", str(args.rate)]
    if args.simulator == "cpp":
        return [args.awssim] + flags
    return [sys.executable, os.path.join(ROOT, "bench", "awssim.py")] + flags


def run_one(binary, size_key, framework, mode, args, concurrency):
    """One audit against a fresh simulator and a fresh service (so VmHWM is this run's)."""
    sim_port, svc_port = free_port(), free_port()
    store_dir = tempfile.mkdtemp(prefix="dspm-bench-store-")
    sim = subprocess.Popen(simulator_command(args, sim_port, size_key),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = dict(os.environ)
    env.update({
        "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{sim_port}",
        "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "PORT": str(svc_port), "HOST": "127.0.0.1", "LOG_LEVEL": "warning",
        "AUDIT_CONCURRENCY": str(concurrency),
        # Every audit is stored (the store's write is part of what a client waits for); in a
        # folder of its own, never the repository's data/.
        "DATA_DIR": store_dir,
    })
    if mode == "sequential":
        env["AUDIT_MODE"] = "sequential"
    if args.client_rate > 0:
        env["AUDIT_AWS_RATE_LIMIT"] = str(args.client_rate)
    for k in ("MAPPING_BASE_URL", "COLLECTOR_BASE_URL", "AUDIT_API_TOKEN", "AUDIT_REGIONS",
              "DATABASE_URL"):
        env.pop(k, None)
    svc = subprocess.Popen([binary, "serve"], env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    try:
        wait_port(sim_port)
        wait_port(svc_port)
        threads = ThreadSampler(svc.pid)
        svc_cpu0, sim_cpu0 = cpu_seconds(svc.pid), cpu_seconds(sim.pid)
        threads.start()
        timed = []
        result = http("POST", f"http://127.0.0.1:{svc_port}/audit/{framework}/_all", timed=timed)
        wall = timed[0]
        peak_threads = threads.stop()
        rss, cpu = proc_usage(svc.pid)
        svc_cpu_run, sim_cpu_run = cpu - svc_cpu0, cpu_seconds(sim.pid) - sim_cpu0
        stats = http("GET", f"http://127.0.0.1:{sim_port}/_sim/stats")
    finally:
        for p in (svc, sim):
            p.send_signal(signal.SIGTERM)
        for p in (svc, sim):
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(store_dir, ignore_errors=True)
    summary = result.get("summary", {})
    # Evaluations by status over the distinct mapping results (a result is repeated under every
    # requirement naming its code): an ERROR evaluation can hide under a NON_COMPLIANT roll-up.
    evaluations, seen = {}, set()
    throttled_errors = 0
    for req in result.get("results", []):
        for m in req.get("results", []):
            if m.get("mapping_code") in seen:
                continue
            seen.add(m.get("mapping_code"))
            for e in m.get("evaluations", []):
                evaluations[e.get("status")] = evaluations.get(e.get("status"), 0) + 1
                if e.get("status") == "ERROR" and "hrottl" in json.dumps(e):
                    throttled_errors += 1
    calls = stats["calls"]
    lb, parts = lower_bound(calls, dependent_trips(size_key), args.latency_ms / 1000.0,
                            concurrency, args.rate)
    if mode != "engine":
        lb, parts = 0.0, {}  # the bound is of the engine's work; the baseline does more
    reads = [k for k in calls]
    # Every request the service sent, throttled ones included: each cost it a round trip.
    requests = stats["total_calls"] + stats["total_throttled"]
    return {
        "size": size_key, "resources": stats["resources"], "framework": framework, "mode": mode,
        "concurrency": concurrency, "simulator": args.simulator,
        "wall_s": round(wall, 3), "aws_calls": stats["total_calls"],
        "throttled_answers": stats["total_throttled"],
        "calls_per_resource": round(stats["total_calls"] / max(1, stats["resources"]), 2),
        "calls_by_operation": calls, "operations": len(reads),
        "peak_in_flight": stats["peak_in_flight"],
        "distinct_reads": stats["distinct_reads"], "repeated_reads": stats["repeated_reads"],
        "error_requirements": (summary.get("counts") or {}).get("ERROR"),
        "evaluations": evaluations, "throttled_errors": throttled_errors,
        "peak_rss_mib": round(rss, 1), "cpu_s": round(cpu, 2),
        # The audit's own CPU (cpu_s also holds the service's start), per 1,000 requests sent.
        "cpu_s_run": round(svc_cpu_run, 3),
        "cpu_s_per_1k_calls": round(svc_cpu_run / requests * 1000, 3) if requests else None,
        "peak_threads": peak_threads,
        "sim_cpu_s": round(sim_cpu_run, 2),
        "lower_bound_s": round(lb, 3) if lb else None, "lower_bound_parts": parts,
        "ratio_to_lower_bound": round(wall / lb, 2) if lb > 0 else None,
        # The engine's part (the service's duration_ms: checks and reads), apart from what follows
        # it before the last byte (the answer's text, the run store, the transfer).
        "audit_s": round(summary.get("duration_ms", 0) / 1000.0, 3),
        "audit_ratio_to_lower_bound": (round(summary.get("duration_ms", 0) / 1000.0 / lb, 2)
                                       if lb > 0 else None),
        "status_counts": summary.get("counts", summary.get("by_status")),
        "service_summary": summary,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="S,M,L")
    parser.add_argument("--baseline-sizes", default="S,M",
                        help="sizes whose sequential baseline is run in full; the others are "
                             "projected from the largest of these (it scales with the calls)")
    parser.add_argument("--frameworks", default=",".join(FRAMEWORKS))
    parser.add_argument("--latency-ms", type=float, default=40.0)
    parser.add_argument("--rate", type=float, default=0.0,
                        help="simulator's allowed requests/s per operation (0: no throttling)")
    parser.add_argument("--client-rate", type=float, default=0.0,
                        help="the service's AUDIT_AWS_RATE_LIMIT (requests/s per operation)")
    parser.add_argument("--concurrency", default="16",
                        help="AUDIT_CONCURRENCY of the engine runs; a list (16,64,256) runs each")
    parser.add_argument("--binary", default=os.path.join(ROOT, "build", "dspm-audit"))
    parser.add_argument("--simulator", choices=["cpp", "python"],
                        help="cpp: the compiled simulator (default when it is built), python: "
                             "bench/awssim.py (serves too few requests/s for high concurrency)")
    parser.add_argument("--awssim", help="the compiled simulator (default: bench/awssim beside "
                                         "--binary)")
    parser.add_argument("--out", default=os.path.join(ROOT, "bench", "results.json"))
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    concurrencies = [int(c) for c in args.concurrency.split(",") if c.strip()]
    if not concurrencies or min(concurrencies) < 1:
        parser.error("--concurrency: one or more positive integers, e.g. 16,64,256")
    for size in args.sizes.split(","):
        if size not in SIZES:
            parser.error(f"--sizes: {size!r} is none of {','.join(SIZES)}")
    if args.awssim is None:
        args.awssim = os.path.join(os.path.dirname(os.path.abspath(args.binary)), "bench", "awssim")

    if not args.no_build:
        subprocess.run([os.path.join(ROOT, "scripts", "build.sh")], check=True)
        if args.simulator != "python":
            build_dir = os.path.dirname(os.path.dirname(args.awssim))
            subprocess.run(["cmake", "--build", build_dir, "--target", "awssim"], check=True)
    if args.simulator is None:
        args.simulator = "cpp" if os.access(args.awssim, os.X_OK) else "python"
    if args.simulator == "cpp" and not os.access(args.awssim, os.X_OK):
        sys.exit(f"{args.awssim} is not built: cmake --build build --target awssim")
    print(f"simulator: {args.awssim if args.simulator == 'cpp' else 'bench/awssim.py'}",
          flush=True)
    rows = []
    for size in args.sizes.split(","):
        for fw in args.frameworks.split(","):
            runs = [("engine", c) for c in concurrencies]
            if size in args.baseline_sizes.split(","):
                runs.append(("sequential", 1))
            for mode, concurrency in runs:
                row = run_one(args.binary, size, fw, mode, args, concurrency)
                rows.append(row)
                print(json.dumps({k: row[k] for k in ("size", "framework", "mode", "concurrency",
                                                      "wall_s", "aws_calls", "lower_bound_s",
                                                      "ratio_to_lower_bound", "audit_s",
                                                      "audit_ratio_to_lower_bound", "peak_rss_mib",
                                                      "cpu_s", "cpu_s_per_1k_calls",
                                                      "peak_threads", "sim_cpu_s",
                                                      "peak_in_flight")}), flush=True)
    project_baselines(rows)
    with open(args.out, "w") as f:
        json.dump({"latency_ms": args.latency_ms, "rate": args.rate,
                   "client_rate": args.client_rate, "concurrency": concurrencies,
                   "simulator": args.simulator, "rows": rows}, f, indent=1)
    print_table(rows)


def project_baselines(rows):
    """A full sequential run at L takes hours (every call alone, every check re-run per
    requirement). Its time is calls × per-call time, and its calls grow with the resources in the
    same proportion as the engine's, so it is projected from the largest measured size."""
    measured = [r for r in rows if r["mode"] == "sequential"]
    for fw in {r["framework"] for r in rows}:
        base = [r for r in measured if r["framework"] == fw]
        if not base:
            continue
        ref = max(base, key=lambda r: r["resources"])
        ref_engine = next((r for r in rows if r["mode"] == "engine" and r["framework"] == fw
                           and r["size"] == ref["size"]), None)
        if ref_engine is None:
            continue
        engine = [r for r in rows if r["mode"] == "engine" and r["framework"] == fw]
        # One projection per size (not per concurrency), from the engine run at ref_engine's
        # concurrency when there is one.
        for size in dict.fromkeys(r["size"] for r in engine):
            if any(b["size"] == size for b in base):
                continue
            at_size = [r for r in engine if r["size"] == size]
            r = next((e for e in at_size if e["concurrency"] == ref_engine["concurrency"]),
                     at_size[0])
            factor = r["aws_calls"] / max(1, ref_engine["aws_calls"])
            rows.append({
                "size": r["size"], "resources": r["resources"], "framework": fw,
                "mode": "sequential (projected)", "wall_s": round(ref["wall_s"] * factor, 1),
                "aws_calls": int(ref["aws_calls"] * factor), "throttled_answers": 0,
                "calls_per_resource": ref["calls_per_resource"], "lower_bound_s": None,
                "ratio_to_lower_bound": None, "peak_rss_mib": None, "cpu_s": None,
                "projected_from": ref["size"], "distinct_reads": None, "repeated_reads": None,
                "concurrency": 1, "cpu_s_per_1k_calls": None, "peak_threads": None,
                "sim_cpu_s": None, "peak_in_flight": None, "audit_s": None,
                "audit_ratio_to_lower_bound": None,
            })


def print_table(rows):
    print("| size | framework | mode | concurrency | wall s | AWS calls | calls/resource | "
          "repeated reads | throttled | lower bound s | × bound | audit s | audit × bound | "
          "speed-up vs sequential | peak RSS MiB | CPU s | CPU s/1k calls | peak threads | "
          "sim CPU s | sim peak in flight |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    seq = {(r["size"], r["framework"]): r["wall_s"] for r in rows
           if r["mode"].startswith("sequential")}
    rows = sorted(rows, key=lambda r: (r["resources"], r["framework"], r["mode"],
                                       r.get("concurrency") or 0))
    for r in rows:
        base = seq.get((r["size"], r["framework"]))
        speed = f"{base / r['wall_s']:.1f}×" if base and r["mode"] == "engine" else ""
        print(f"| {r['size']} ({r['resources']}) | {r['framework']} | {r['mode']} "
              f"| {r.get('concurrency')} | {r['wall_s']} "
              f"| {r['aws_calls']} | {r['calls_per_resource']} | {r.get('repeated_reads')} "
              f"| {r['throttled_answers']} "
              f"| {r['lower_bound_s']} | {r['ratio_to_lower_bound']} | {r.get('audit_s')} "
              f"| {r.get('audit_ratio_to_lower_bound')} | {speed} "
              f"| {r['peak_rss_mib']} | {r['cpu_s']} | {r.get('cpu_s_per_1k_calls')} "
              f"| {r.get('peak_threads')} | {r.get('sim_cpu_s')} | {r.get('peak_in_flight')} |")


if __name__ == "__main__":
    main()
