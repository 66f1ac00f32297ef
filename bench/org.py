#!/usr/bin/env python3
"""The many-accounts benchmark: one Organization audited in-process and through the work queue.

It starts the loopback AWS simulator with --org-accounts N (the management account plus N members;
every member answers as the same synthetic account of --size resources), then measures, each from a
fresh start of the dspm-audit processes:

  in-process   `dspm-audit audit FRAMEWORK --all --org --region ... --no-store --output FILE`
               without DATABASE_URL, AUDIT_ACCOUNTS_PARALLEL=--parallel;
  W workers    for each W of --workers: a fresh PostgreSQL database, W `dspm-audit worker
               --parallel P --exit-when-idle 10` processes, then the same audit command with
               DATABASE_URL and AUDIT_QUEUE_LOCAL=0 (the enqueuer does no unit itself); the wall
               time is the enqueuer's.

Per row: wall s, its ratio to the in-process run, the lower bound (bench/run.py's: the longest
chain of dependent round trips x latency, or calls / calls in flight x latency, whichever is
larger; calls in flight = processes x parallel x AUDIT_CONCURRENCY), AWS calls (the simulator's
counters), CPU seconds of the dspm-audit processes (the enqueuer's from wait4(), each worker's from
/proc/<pid>/stat when the enqueuer has exited, before the worker's idle exit). Each answer is
checked: summary.accounts == N + 1, no account in ERROR (the reasons are printed), the execution
mode. Results go to --out (bench/results-org.json).

PostgreSQL (for the worker rows) runs as `nobody` (the server refuses root) from a temporary
directory, on a free loopback port, and is stopped at the end.

Usage: python3 bench/org.py [--accounts 50] [--regions us-east-1,eu-west-1,ap-northeast-2,us-west-2]
                            [--size S] [--latency-ms 40] [--workers 1,2,4] [--parallel 4]
                            [--concurrency 16] [--framework ISMS-P] [--binary build/dspm-audit]
                            [--awssim build-bench/bench/awssim] [--out bench/results-org.json]
"""
import argparse
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
sys.path.insert(0, BENCH)
import run as bench_run  # noqa: E402  (free_port, wait_port, http, cpu_seconds, bounds)

ORG_PAGE = 20  # the simulator's ListAccounts page


def post(url):
    req = urllib.request.Request(url, method="POST", data=b"")
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


def machine_busy_s():
    """CPU seconds the whole machine has been busy (all CPUs, /proc/stat): with the processes'
    own CPU it shows what else ran during a row (another build or test run shares the cores)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + (v[4] if len(v) > 4 else 0)
    return (sum(v[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def reap(proc, timeout):
    """Waits for proc with wait4(): (exit code, CPU seconds user+system, max RSS MiB). A process
    still running after timeout seconds is killed (its exit code is then negative)."""
    def kill():
        try:
            os.kill(proc.pid, signal.SIGKILL)  # not proc.kill(): its poll() could reap it first
        except OSError:
            pass

    timer = threading.Timer(timeout, kill)
    timer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0


class Postgres:
    """One PostgreSQL 15 server as `nobody` in a temporary directory; fresh databases on it."""

    def __init__(self, bindir):
        self.bindir = bindir
        self.port = bench_run.free_port()
        self.dir = tempfile.mkdtemp(prefix="dspm-org-pg-")
        os.chown(self.dir, 65534, -1)  # nobody
        os.chmod(self.dir, 0o700)
        data = os.path.join(self.dir, "data")
        self._as_nobody([os.path.join(bindir, "initdb"), "-D", data, "-U", "dspm",
                         "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"])
        self._as_nobody([os.path.join(bindir, "pg_ctl"), "-D", data, "-l",
                         os.path.join(self.dir, "log"), "-w", "-o",
                         f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1", "start"])
        self.data = data

    @staticmethod
    def _as_nobody(cmd):
        subprocess.run(["runuser", "-u", "nobody", "--"] + cmd, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def create(self, name):
        subprocess.run([os.path.join(self.bindir, "psql"), "-h", "127.0.0.1", "-p", str(self.port),
                        "-U", "dspm", "-d", "postgres", "-q", "-v", "ON_ERROR_STOP=1", "-c",
                        f'CREATE DATABASE "{name}"'], check=True, stdout=subprocess.DEVNULL)
        return f"postgresql://dspm@127.0.0.1:{self.port}/{name}"

    def stop(self):
        try:
            self._as_nobody([os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-m", "fast",
                             "-w", "stop"])
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def base_env(args, sim_port, parallel):
    """Every dspm-audit process's environment: nothing inherited but PATH."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{sim_port}",
        "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AUDIT_CONCURRENCY": str(args.concurrency),
        "AUDIT_ACCOUNTS_PARALLEL": str(parallel),
        "LOG_LEVEL": "warning",
    }


# Reads an answer in a child process and prints what the checks need: parsing a 200 MB answer
# here would grow this process to a GB, and a child spawned afterwards inherits that high-water
# mark in its ru_maxrss (Linux records the old mm's peak at exec), so every later peak RSS would
# be this process's.
DIGEST = """
import json, sys
doc = json.load(open(sys.argv[1]))
print(json.dumps({"summary": doc.get("summary", {}),
                  "accounts": [{k: a.get(k) for k in ("account", "status", "error")}
                               for a in doc.get("accounts", [])]}))
"""


def read_answer(path):
    out = subprocess.run([sys.executable, "-c", DIGEST, path], check=True, capture_output=True)
    return json.loads(out.stdout)


def check_answer(doc, n_accounts, mode):
    """Problems with an answer (empty: none) and the errors of accounts in ERROR."""
    problems, errors = [], {}
    summary = doc.get("summary", {})
    if summary.get("accounts") != n_accounts:
        problems.append(f"summary.accounts is {summary.get('accounts')}, expected {n_accounts}")
    execution = summary.get("execution") or {}
    if execution.get("mode") != mode:
        problems.append(f"summary.execution.mode is {execution.get('mode')!r}, expected {mode!r}")
    for a in doc.get("accounts", []):
        if a.get("status") == "ERROR":
            errors[a.get("account")] = a.get("error")
    if errors:
        credential = [k for k, e in errors.items()
                      if any(w in json.dumps(e).lower()
                             for w in ("credential", "assumerole", "assume", "sts", "denied"))]
        problems.append(f"{len(errors)} accounts in ERROR ({len(credential)} naming credentials)")
    return problems, errors


def run_row(args, label, sim_port, workdir, n_processes, parallel, database_url=None):
    """One measured run: the enqueuer (or the in-process audit) and, with a database, the workers."""
    env = base_env(args, sim_port, parallel)
    if database_url:
        env["DATABASE_URL"] = database_url
        env["AUDIT_QUEUE_LOCAL"] = "0"
    stats_url = f"http://127.0.0.1:{sim_port}/_sim"
    post(stats_url + "/reset")
    workers = []
    try:
        for i in range(n_processes if database_url else 0):
            log = open(os.path.join(workdir, f"worker-{label}-{i}.log"), "w")
            workers.append(subprocess.Popen(
                [args.binary, "worker", "--parallel", str(parallel), "--exit-when-idle",
                 str(args.idle)], env=env, cwd=workdir, stdout=log, stderr=subprocess.STDOUT))
        if workers:
            time.sleep(1.0)  # started and polling before the run is enqueued
            dead = [w.pid for w in workers if w.poll() is not None]
            if dead:
                raise RuntimeError(f"workers {dead} exited at start; see {workdir}")
        out = os.path.join(workdir, f"answer-{label}.json")
        cmd = [args.binary, "audit", args.framework, "--all", "--org", "--region", args.regions,
               "--no-store", "--output", out]
        sim_cpu0 = bench_run.cpu_seconds(args._sim_pid)
        log = open(os.path.join(workdir, f"audit-{label}.log"), "w")
        busy0 = machine_busy_s()
        start = time.monotonic()
        audit = subprocess.Popen(cmd, env=env, cwd=workdir, stdout=log, stderr=subprocess.STDOUT)
        rc, audit_cpu, audit_rss = reap(audit, args.timeout)
        wall = time.monotonic() - start
        busy = machine_busy_s() - busy0
        sim_cpu = bench_run.cpu_seconds(args._sim_pid) - sim_cpu0
        # The workers' CPU of this run: read now, before their idle exit.
        worker_cpu = []
        for w in workers:
            try:
                worker_cpu.append(bench_run.cpu_seconds(w.pid))
            except OSError:
                worker_cpu.append(None)
        stats = bench_run.http("GET", stats_url + "/stats")
        worker_exit = [reap(w, args.idle + 60) for w in workers]
    finally:
        for w in workers:
            if w.returncode is None and w.poll() is None:
                w.kill()
                w.wait()
    doc = read_answer(out)
    n_accounts = args.accounts + 1
    problems, errors = check_answer(doc, n_accounts, "queue" if database_url else "in-process")
    if rc not in (0, 3):  # 3: something is non-compliant, as every run here is
        problems.append(f"audit exited {rc}")
    for i, (wrc, _, _) in enumerate(worker_exit):
        if wrc != 0:
            problems.append(f"worker {i} exited {wrc}")
    summary = doc.get("summary", {})
    calls = stats["calls"]
    in_flight = n_processes * parallel * args.concurrency
    latency = args.latency_ms / 1000.0
    # caller's GetCallerIdentity, the ListAccounts pages, then per member AssumeRole and the
    # GetCallerIdentity that checks the account, then that account's own chain (run.py's).
    trips = (1 + math.ceil(n_accounts / ORG_PAGE) + 2 + bench_run.dependent_trips(args.size))
    bound, parts = bench_run.lower_bound(calls, trips, latency, in_flight, 0.0)
    # Not the bound asked for, a closer one: accounts are units, taken whole. With S slots
    # (processes x parallel), ceil(units / S) accounts run one after another in some slot, each
    # for at least its calls / AUDIT_CONCURRENCY x latency.
    slots = n_processes * parallel
    per_account_s = stats["total_calls"] / n_accounts / args.concurrency * latency
    unit_bound = math.ceil(n_accounts / slots) * per_account_s
    cpu_total = audit_cpu + sum(c for c in worker_cpu if c is not None)
    return {
        "row": label, "mode": "queue" if database_url else "in-process",
        "workers": n_processes if database_url else 0, "parallel": parallel,
        "concurrency": args.concurrency, "calls_in_flight": in_flight,
        "wall_s": round(wall, 3), "duration_ms": summary.get("duration_ms"),
        "exit_code": rc, "aws_calls": stats["total_calls"], "calls_by_operation": calls,
        "throttled_answers": stats["total_throttled"], "peak_in_flight": stats["peak_in_flight"],
        "repeated_reads": stats["repeated_reads"],
        "dependent_trips": trips, "lower_bound_s": round(bound, 3),
        "lower_bound_parts": {k: round(v, 3) for k, v in parts.items()},
        "ratio_to_lower_bound": round(wall / bound, 2) if bound > 0 else None,
        "unit_bound_s": round(unit_bound, 3),
        "ratio_to_unit_bound": round(wall / unit_bound, 2) if unit_bound > 0 else None,
        "answer_bytes": os.path.getsize(out),
        "cpu_s": round(cpu_total, 2), "cpu_s_enqueuer": round(audit_cpu, 2),
        "cpu_s_workers": [round(c, 2) if c is not None else None for c in worker_cpu],
        # A worker's CPU until its idle exit (the run's plus --exit-when-idle seconds of polling).
        "cpu_s_workers_at_exit": [round(c, 2) for _, c, _ in worker_exit],
        # ru_maxrss: the process's peak, or this harness's (~tens of MiB) if that is larger.
        "peak_rss_mib_enqueuer": round(audit_rss, 1),
        "peak_rss_mib_workers": [round(r, 1) for _, _, r in worker_exit],
        "sim_cpu_s": round(sim_cpu, 2),
        # Everything else that ran on the machine meanwhile (the workers' CPU before the run is
        # in cpu_s too, a few ms).
        "machine_busy_s": round(busy, 2),
        "other_cpu_s": round(busy - cpu_total - sim_cpu, 2),
        "accounts": summary.get("accounts"), "execution": summary.get("execution"),
        "account_status_counts": summary.get("account_status_counts"),
        "requirements": summary.get("requirements"),
        "account_errors": errors, "problems": problems,
    }


def print_table(rows):
    base = next((r["wall_s"] for r in rows if r["mode"] == "in-process"), None)
    print("| run | wall s | ratio to in-process | bound s | wall / bound | calls | CPU s "
          "| audit s (duration_ms) | unit bound s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        name = ("in-process" if r["mode"] == "in-process" else
                f"{r['workers']} worker" + ("s" if r["workers"] > 1 else ""))
        ratio = f"{r['wall_s'] / base:.2f}" if base else ""
        print(f"| {name} | {r['wall_s']:.2f} | {ratio} | {r['lower_bound_s']:.2f} "
              f"| {r['ratio_to_lower_bound']:.2f} | {r['aws_calls']:,} | {r['cpu_s']:.2f} "
              f"| {(r['duration_ms'] or 0) / 1000:.2f} | {r['unit_bound_s']:.2f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=50,
                        help="member accounts besides the management account (default 50)")
    parser.add_argument("--regions", default="us-east-1,eu-west-1,ap-northeast-2,us-west-2")
    parser.add_argument("--size", default="S", choices=list(bench_run.SIZES),
                        help="resources of the (every) account: S=100, M=1,000, ...")
    parser.add_argument("--latency-ms", type=float, default=40.0)
    parser.add_argument("--workers", default="1,2,4", help="worker processes, one row per value")
    parser.add_argument("--parallel", type=int, default=4,
                        help="AUDIT_ACCOUNTS_PARALLEL, and each worker's --parallel (default 4)")
    parser.add_argument("--concurrency", type=int, default=16, help="AUDIT_CONCURRENCY")
    parser.add_argument("--framework", default="ISMS-P")
    parser.add_argument("--binary", default=os.path.join(ROOT, "build", "dspm-audit"))
    parser.add_argument("--awssim", help="the compiled simulator with --org-accounts (default: "
                                         "build-bench/bench/awssim, else bench/awssim beside "
                                         "--binary)")
    parser.add_argument("--pg-bin", default="/usr/lib/postgresql/15/bin")
    parser.add_argument("--idle", type=int, default=10, help="workers' --exit-when-idle seconds")
    parser.add_argument("--timeout", type=float, default=1800,
                        help="seconds before a run is killed")
    parser.add_argument("--out", default=os.path.join(BENCH, "results-org.json"))
    args = parser.parse_args()
    workers = [int(w) for w in args.workers.split(",") if w.strip()]
    if args.accounts < 1 or args.parallel < 1 or args.concurrency < 1 or min(workers + [1]) < 1:
        parser.error("--accounts, --parallel, --concurrency and --workers must be positive")
    if args.awssim is None:
        args.awssim = os.path.join(ROOT, "build-bench", "bench", "awssim")
        if not os.access(args.awssim, os.X_OK):
            args.awssim = os.path.join(os.path.dirname(os.path.abspath(args.binary)), "bench",
                                       "awssim")
    for path in (args.binary, args.awssim):
        if not os.access(path, os.X_OK):
            sys.exit(f"{path} is not built")
    help_text = subprocess.run([args.awssim, "--help"], capture_output=True, text=True).stdout
    if "--org-accounts" not in help_text:
        sys.exit(f"{args.awssim} has no --org-accounts: rebuild its awssim target")

    started = time.time()
    workdir = tempfile.mkdtemp(prefix="dspm-org-bench-")  # no .env; answers and logs
    sim_port = bench_run.free_port()
    sim = subprocess.Popen([args.awssim, "--port", str(sim_port), "--size",
                            str(bench_run.SIZES[args.size]), "--latency-ms", str(args.latency_ms),
                            "--org-accounts", str(args.accounts)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    args._sim_pid = sim.pid
    pg = None
    rows = []
    try:
        bench_run.wait_port(sim_port)
        print(f"simulator {args.awssim} on {sim_port}: {args.accounts} + 1 accounts x "
              f"{len(args.regions.split(','))} regions, size {args.size}, {args.latency_ms} ms; "
              f"work dir {workdir}", flush=True)
        plan = [("in-process", 1, None)] + [(f"workers-{w}", w, True) for w in workers]
        if workers:
            pg = Postgres(args.pg_bin)
        for label, n, queue in plan:
            url = pg.create(f"bench_{label.replace('-', '_')}") if queue else None
            row = run_row(args, label, sim_port, workdir, n, args.parallel, url)
            rows.append(row)
            print(json.dumps({k: row[k] for k in ("row", "wall_s", "duration_ms", "aws_calls",
                                                  "lower_bound_s", "ratio_to_lower_bound",
                                                  "unit_bound_s", "answer_bytes",
                                                  "cpu_s", "cpu_s_workers", "sim_cpu_s",
                                                  "other_cpu_s",
                                                  "peak_in_flight", "execution", "problems")}),
                  flush=True)
            for account, error in row["account_errors"].items():
                print(f"  ERROR {account}: {json.dumps(error)[:300]}", flush=True)
    finally:
        sim.send_signal(signal.SIGTERM)
        try:
            sim.wait(timeout=10)
        except subprocess.TimeoutExpired:
            sim.kill()
            sim.wait()
        if pg is not None:
            pg.stop()
    base = next((r["wall_s"] for r in rows if r["mode"] == "in-process"), None)
    for r in rows:
        r["ratio_to_in_process"] = round(r["wall_s"] / base, 3) if base else None
    with open(args.out, "w") as f:
        json.dump({"date": time.strftime("%Y-%m-%d", time.gmtime(started)),
                   "command": " ".join([os.path.basename(sys.executable)] + sys.argv),
                   "accounts": args.accounts + 1, "member_accounts": args.accounts,
                   "regions": args.regions.split(","), "size": args.size,
                   "resources_per_account": bench_run.SIZES[args.size],
                   "latency_ms": args.latency_ms, "parallel": args.parallel,
                   "concurrency": args.concurrency, "framework": args.framework,
                   "cpus": os.cpu_count(), "benchmark_wall_s": round(time.time() - started, 1),
                   "rows": rows}, f, indent=1)
    print_table(rows)
    bad = [r["row"] for r in rows if r["problems"]]
    if bad:
        print(f"problems in {', '.join(bad)} (see {args.out}; answers and logs in {workdir})")
        sys.exit(1)
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
