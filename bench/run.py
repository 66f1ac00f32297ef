#!/usr/bin/env python3
"""The audit benchmark: full framework audits against a loopback AWS simulator.

For each account size (S=100, M=1,000, L=5,000 resources) and framework it starts bench/awssim.py
(fixed latency per call, per-operation throttling), starts `dspm-audit serve` pointed at it, runs
POST /audit/<framework>/_all, and records wall time, AWS calls by operation, retries, peak RSS and
CPU time of the service, next to the lower bound of the same work. It then runs the sequential
baseline (one call at a time, no sharing between requirements: the seed's way) in the same harness.

Usage: bench/run.py [--sizes S,M,L] [--latency-ms 40] [--rate 0] [--baseline-sizes S,M]
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
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIZES = {"S": 100, "M": 1000, "L": 5000}
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


def http(method, url, timeout=3600):
    req = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.loads(resp.read())


def proc_usage(pid):
    """Peak RSS (MiB) and CPU seconds (user+system) of a live process."""
    rss = 0.0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                rss = int(line.split()[1]) / 1024.0
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    return rss, cpu


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


def run_one(binary, size_key, framework, mode, args):
    sim_port, svc_port = free_port(), free_port()
    store_dir = tempfile.mkdtemp(prefix="dspm-bench-store-")
    sim = subprocess.Popen([sys.executable, os.path.join(ROOT, "bench", "awssim.py"),
                            "--port", str(sim_port), "--size", str(SIZES[size_key]),
                            "--latency-ms", str(args.latency_ms), "--rate", str(args.rate)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = dict(os.environ)
    env.update({
        "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{sim_port}",
        "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "PORT": str(svc_port), "HOST": "127.0.0.1", "LOG_LEVEL": "warning",
        "AUDIT_CONCURRENCY": str(args.concurrency if mode == "engine" else 1),
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
        start = time.monotonic()
        result = http("POST", f"http://127.0.0.1:{svc_port}/audit/{framework}/_all")
        wall = time.monotonic() - start
        rss, cpu = proc_usage(svc.pid)
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
                            args.concurrency, args.rate)
    if mode != "engine":
        lb, parts = 0.0, {}  # the bound is of the engine's work; the baseline does more
    reads = [k for k in calls]
    return {
        "size": size_key, "resources": stats["resources"], "framework": framework, "mode": mode,
        "wall_s": round(wall, 3), "aws_calls": stats["total_calls"],
        "throttled_answers": stats["total_throttled"],
        "calls_per_resource": round(stats["total_calls"] / max(1, stats["resources"]), 2),
        "calls_by_operation": calls, "operations": len(reads),
        "peak_in_flight": stats["peak_in_flight"],
        "distinct_reads": stats["distinct_reads"], "repeated_reads": stats["repeated_reads"],
        "error_requirements": (summary.get("counts") or {}).get("ERROR"),
        "evaluations": evaluations, "throttled_errors": throttled_errors,
        "peak_rss_mib": round(rss, 1), "cpu_s": round(cpu, 2),
        "lower_bound_s": round(lb, 3) if lb else None, "lower_bound_parts": parts,
        "ratio_to_lower_bound": round(wall / lb, 2) if lb > 0 else None,
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
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--binary", default=os.path.join(ROOT, "build", "dspm-audit"))
    parser.add_argument("--out", default=os.path.join(ROOT, "bench", "results.json"))
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()

    if not args.no_build:
        subprocess.run([os.path.join(ROOT, "scripts", "build.sh")], check=True)
    rows = []
    for size in args.sizes.split(","):
        for fw in args.frameworks.split(","):
            modes = ["engine"] + (["sequential"] if size in args.baseline_sizes.split(",") else [])
            for mode in modes:
                row = run_one(args.binary, size, fw, mode, args)
                rows.append(row)
                print(json.dumps({k: row[k] for k in ("size", "framework", "mode", "wall_s",
                                                      "aws_calls", "lower_bound_s",
                                                      "ratio_to_lower_bound", "peak_rss_mib",
                                                      "cpu_s")}), flush=True)
    project_baselines(rows)
    with open(args.out, "w") as f:
        json.dump({"latency_ms": args.latency_ms, "rate": args.rate,
                   "client_rate": args.client_rate,
                   "concurrency": args.concurrency, "rows": rows}, f, indent=1)
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
        for r in [r for r in rows if r["mode"] == "engine" and r["framework"] == fw]:
            if any(b["size"] == r["size"] for b in base):
                continue
            factor = r["aws_calls"] / max(1, ref_engine["aws_calls"])
            rows.append({
                "size": r["size"], "resources": r["resources"], "framework": fw,
                "mode": "sequential (projected)", "wall_s": round(ref["wall_s"] * factor, 1),
                "aws_calls": int(ref["aws_calls"] * factor), "throttled_answers": 0,
                "calls_per_resource": ref["calls_per_resource"], "lower_bound_s": None,
                "ratio_to_lower_bound": None, "peak_rss_mib": None, "cpu_s": None,
                "projected_from": ref["size"], "distinct_reads": None, "repeated_reads": None,
            })


def print_table(rows):
    print("| size | framework | mode | wall s | AWS calls | calls/resource | repeated reads | "
          "throttled | lower bound s | × bound | speed-up vs sequential | peak RSS MiB | CPU s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    seq = {(r["size"], r["framework"]): r["wall_s"] for r in rows
           if r["mode"].startswith("sequential")}
    rows = sorted(rows, key=lambda r: (r["resources"], r["framework"], r["mode"]))
    for r in rows:
        base = seq.get((r["size"], r["framework"]))
        speed = f"{base / r['wall_s']:.1f}×" if base and r["mode"] == "engine" else ""
        print(f"| {r['size']} ({r['resources']}) | {r['framework']} | {r['mode']} | {r['wall_s']} "
              f"| {r['aws_calls']} | {r['calls_per_resource']} | {r.get('repeated_reads')} "
              f"| {r['throttled_answers']} "
              f"| {r['lower_bound_s']} | {r['ratio_to_lower_bound']} | {speed} "
              f"| {r['peak_rss_mib']} | {r['cpu_s']} |")


if __name__ == "__main__":
    main()
