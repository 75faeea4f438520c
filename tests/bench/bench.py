#!/usr/bin/env python3
"""make bench: issue 14's budgets, one table, then the scaling table.

Run by tests/bench/run.sh inside private network and mount namespaces.
Every row is measured side by side in one hyperfine run (medians are what
count on a shared machine), against its reference and its floor
(tests/bench/floor.c). BENCH_QUICK=1 makes a smoke test of it: few runs,
budgets not enforced, the 20,000-mount and 2,000-pair cases still built.
"""
import json
import re
import shlex
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile

HT = os.path.abspath("hosttune")
FLOOR = os.path.abspath(sys.argv[1])
# the floor linked dynamically, as hosttune is: shown, not budgeted
FLOOR_DYN = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None
# tests/bench/faultcost.c, built beside the floor: what a fault costs
FAULTCOST = os.path.join(os.path.dirname(FLOOR), "faultcost")
QUICK = os.environ.get("BENCH_QUICK") == "1"
TMP = tempfile.mkdtemp(prefix="htbench.")
ROWS = []  # (work, what, median, min, max, ratio, budget, ok)
SCALE = []  # (series, n, median ms, per item us)
failed = False


def sh(cmd, **kw):
    return subprocess.run(cmd, shell=True, check=True, **kw)


def hyperfine(cmds, runs=40, warmup=5, rounds=1):
    """Median, min, max (seconds) of each command, measured together.

    hyperfine runs all of one command's runs, then the next's: on a
    shared machine a slow minute can fall on one command alone. With
    rounds > 1 it is called that many times, runs / rounds each, the
    commands' order turned by one each round, and each command's figures
    are over all its runs: a drift then falls on every command alike."""
    out = os.path.join(TMP, "hf.json")
    runs, warmup = (3, 1) if QUICK else (runs, warmup)
    rounds = 1 if QUICK else rounds
    times = [[] for _ in cmds]
    for r in range(rounds):
        order = [(i + r) % len(cmds) for i in range(len(cmds))]
        args = ["hyperfine", "-N", "-i", "--style", "none", "--warmup",
                str(warmup), "--runs", str(max(2, runs // rounds)),
                "--export-json", out]
        for i in order:
            args.append(cmds[i])
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        for i, res in zip(order, json.load(open(out))["results"]):
            times[i].extend(res["times"])
    return [(statistics.median(t), min(t), max(t)) for t in times]


def peak_rss(cmd, runs=11, field="%M"):
    """Median peak RSS (KiB) from /usr/bin/time (field "%R": minor page
    faults instead)."""
    vals = []
    # /usr/bin/time runs the command itself: through "sh -c 'exec ...'"
    # the shell's own pages counted too (the kernel keeps a task's peak
    # across exec), which put a floor of ~1.5 MiB under every figure.
    for _ in range(3 if QUICK else runs):
        r = subprocess.run(["/usr/bin/time", "-o", f"{TMP}/rss", "-f", field]
                           + shlex.split(cmd), stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        vals.append(int(open(f"{TMP}/rss").read().strip().splitlines()[-1]))
    vals.sort()
    return vals[len(vals) // 2]


def row(work, what, t, ref, budget, unit="ms"):
    global failed
    ratio = t[0] / ref[0] if ref[0] else float("inf")
    ok = ratio <= budget
    if not ok and not QUICK:
        failed = True
    ROWS.append((work, what, t, ratio, budget, ok, unit))


def info(work, what, text):
    ROWS.append((work, what, None, None, None, None, text))


def flag(work, what, ok, text):
    global failed
    if not ok:
        failed = True
    ROWS.append((work, what, None, None, None, ok, text))


def checks_of(cmd):
    r = subprocess.run(cmd + " -f json", shell=True, stdout=subprocess.PIPE,
                       text=True)
    return json.loads(r.stdout)["summary"]["checks"]


# ---- sysctl keys ------------------------------------------------------

def sysctl_keys():
    """Readable single-line keys, sorted as a walk finds them, values that
    do not change between reads (counters and random ones left out)."""
    keys = []
    for root, dirs, files in os.walk("/proc/sys"):
        dirs.sort()
        for f in sorted(files):
            p = os.path.join(root, f)
            rel = p[len("/proc/sys/"):]
            key = ".".join(c.replace(".", "/") for c in rel.split("/"))
            if any(s in key for s in ("binfmt", "random", "ns_last_pid",
                                      "-nr", "_nr", "inode", "dentry",
                                      "stat", "tainted", "perf_event")):
                continue
            try:
                if not os.stat(p).st_mode & 0o444:
                    continue
                v = open(p).read()
            except OSError:
                continue
            if v.count("\n") > 1 or len(v) > 200 or not v.strip():
                continue
            keys.append((key, " ".join(v.split())))
    return keys


def sysctl_profile(keys, n):
    path = os.path.join(TMP, f"sysctl{n}.ini")
    with open(path, "w") as f:
        f.write("[sysctl]\n")
        for k, v in keys[:n]:
            f.write(f"{k} = {v}\n")
    return path


def bench_sysctl():
    keys = sysctl_keys()
    p100 = sysctl_profile(keys, 100)
    names = " ".join(k for k, _ in keys[:100])
    cmds = [f"{HT} audit {p100}", f"sysctl -n {names}",
            f"{FLOOR} sysctl {names}"]
    if FLOOR_DYN:
        cmds.append(f"{FLOOR_DYN} sysctl {names}")
    t = hyperfine(cmds, runs=300, warmup=30, rounds=5)
    row("audit of 100 sysctls", "vs sysctl -n (same keys)", t[0], t[1], 0.8)
    row("audit of 100 sysctls", "vs floor (open/read/close)", t[0], t[2],
        1.2)
    if FLOOR_DYN:
        info("audit of 100 sysctls", "floor linked as hosttune (libc.so)",
             f"{t[3][0]*1000:.3f} ms (static {t[2][0]*1000:.3f}); "
             f"hosttune/it {t[0][0]/t[3][0]:.2f}")
    rss_h = peak_rss(f"{HT} audit {p100}")
    rss_s = peak_rss(f"sysctl -n {names}")
    rss_f = peak_rss(f"{FLOOR} sysctl {names}")
    row("audit of 100 sysctls", "peak RSS vs sysctl (KiB)",
        (rss_h, rss_h, rss_h), (rss_s,) * 3, 1.0, unit="KiB")
    rss_d = peak_rss(f"{FLOOR_DYN} sysctl {names}") if FLOOR_DYN else "-"
    rss_v = peak_rss(f"{HT} --version")
    info("audit of 100 sysctls", "peak RSS (KiB)",
         f"hosttune {rss_h} (--version {rss_v}), sysctl {rss_s}, "
         f"floor {rss_f} (dynamic {rss_d})")
    # page faults: each costs a cleared page (anonymous) or a 64 KiB
    # window mapped (a file's pages); faultcost says how much, here
    pf = {name: peak_rss(cmd, field="%R") for name, cmd in (
        ("hosttune", f"{HT} audit {p100}"), ("sysctl", f"sysctl -n {names}"),
        ("floor", f"{FLOOR} sysctl {names}"),
        ("floor-dynamic", f"{FLOOR_DYN} sysctl {names}" if FLOOR_DYN
         else None)) if cmd}
    info("audit of 100 sysctls", "minor page faults",
         ", ".join(f"{k} {v}" for k, v in pf.items()))
    if os.access(FAULTCOST, os.X_OK):
        r = subprocess.run([FAULTCOST], stdout=subprocess.PIPE, text=True)
        cost = [l.split(": ")[-1] for l in r.stdout.splitlines()]
        if len(cost) == 2:
            info("audit of 100 sysctls", "a page fault costs (faultcost)",
                 f"{cost[0]} (anonymous), {cost[1]} (file, 64 KiB mapped)")
    # where the time goes: system calls and instructions
    for name, cmd in (("hosttune", f"{HT} audit {p100}"),
                      ("sysctl", f"sysctl -n {names}"),
                      ("floor", f"{FLOOR} sysctl {names}")):
        r = subprocess.run(f"strace -f -c -o {TMP}/sc {cmd} >/dev/null",
                           shell=True)
        total = [l for l in open(f"{TMP}/sc") if l.strip().endswith("total")]
        # % time, seconds, usecs/call, calls, [errors,] total
        calls = total[0].split()[3] if total else "?"
        info("audit of 100 sysctls", f"system calls ({name})", calls)
    if shutil.which("valgrind") and not QUICK:
        subprocess.run(f"valgrind --tool=callgrind --callgrind-out-file="
                       f"{TMP}/cg {HT} audit {p100} >/dev/null 2>{TMP}/cg.err",
                       shell=True)
        ir = [l for l in open(f"{TMP}/cg.err") if "refs:" in l]
        info("audit of 100 sysctls", "instructions (callgrind)",
             ir[0].split()[-1] if ir else "?")

    # snapshot --all: state on a tmpfs, so the fsync is measured apart
    st = os.path.join(TMP, "state-tmpfs")
    os.mkdir(st)
    sh(f"mount -t tmpfs -o mode=0755 bench-state {st}")
    # the floor reads the same files: the /proc/sys walk, and the cpu,
    # numa and block values (sysfs) that hosttune reads, by their paths
    extra = snapshot_sysfs_files(st)
    info("snapshot --all", "floor reads too (sysfs values hosttune reads)",
         f"{len(extra)} files" if extra is not None else
         "none: no strace to learn which")
    t = hyperfine([f"{HT} snapshot --all -s {st}", "sysctl -a",
                   f"{FLOOR} walk " + " ".join(shlex.quote(f)
                                              for f in extra or [])],
                  runs=100, warmup=5, rounds=5)
    row("snapshot --all", "vs sysctl -a", t[0], t[1], 0.8)
    row("snapshot --all", "vs floor (getdents walk)", t[0], t[2], 1.3)
    disk = os.path.join(os.getcwd(), "build", "bench", "state")
    shutil.rmtree(disk, ignore_errors=True)
    os.makedirs(disk)
    d = hyperfine([f"{HT} snapshot --all -s {disk}",
                   f"{HT} snapshot --all -s {st}"], runs=20, warmup=2)
    info("snapshot --all", "fsync'd to disk (not budgeted)",
         f"median {d[0][0]*1000:.2f} ms on disk vs {d[1][0]*1000:.2f} ms "
         f"on tmpfs: {1000*(d[0][0]-d[1][0]):.2f} ms of durable write")
    shutil.rmtree(disk, ignore_errors=True)
    sh(f"umount {st}")

    # scaling: 10, 100, 1000, all keys
    for n in sorted({10, 100, min(1000, len(keys)), len(keys)}):
        p = sysctl_profile(keys, n)
        t = hyperfine([f"{HT} audit {p}"], runs=40, warmup=3)
        SCALE.append(("sysctl keys", n, t[0][0]))
    return keys


# ---- mounts -----------------------------------------------------------

def bench_mounts():
    base = os.path.join(TMP, "mnt")
    os.mkdir(base)
    sh(f"mount -t tmpfs bench-base {base}")
    have = 0
    target = os.path.join(base, "m50")
    prof = os.path.join(TMP, "mount.ini")
    with open(prof, "w") as f:
        f.write(f"[mount {target}]\noptions = rw\n")
    for n in (100, 1000, 10000, 20000):
        sh(f"{FLOOR} mkmounts {base} {have} {n - have}")
        have = n
        t = hyperfine([f"{HT} audit {prof}", f"findmnt -M {target}",
                       f"{FLOOR} mount {target}"], runs=20, warmup=2)
        SCALE.append(("mounts (one looked up)", n, t[0][0]))
        if n == 20000:
            r = subprocess.run(f"{HT} audit {prof}", shell=True,
                               stdout=subprocess.PIPE, text=True)
            flag("one mount among 20,000", "works (audit ok, exit 0)",
                 r.returncode == 0 and "1 ok" in r.stdout,
                 r.stdout.strip().splitlines()[-1] if r.stdout else "")
            row("one mount among 20,000", "vs findmnt -M", t[0], t[1], 1.5)
            info("one mount among 20,000", "floor (read + scan)",
                 f"{t[2][0]*1000:.2f} ms; hosttune/floor "
                 f"{t[0][0]/t[2][0]:.2f}")
    # one detach takes the 20,000 with it (umount -R rereads mountinfo
    # for each: minutes); the namespace would drop them anyway
    sh(f"umount -l {base}")


# ---- interfaces -------------------------------------------------------

def bench_net():
    prof = os.path.join(TMP, "net.ini")
    with open(prof, "w") as f:
        f.write("[net v*]\nmtu = 1500\ntxqueuelen = 1000\n")
    have = 0
    for links in (10, 100, 1000, 2000, 4000):
        pairs = links // 2
        with open(os.path.join(TMP, "links"), "w") as f:
            for i in range(have, pairs):
                f.write(f"link add va{i} type veth peer name vb{i}\n")
        sh(f"ip -batch {TMP}/links")
        have = pairs
        t = hyperfine([f"{HT} audit {prof}", "ip -o link show",
                       f"{FLOOR} links"], runs=20, warmup=2)
        if links <= 2000:
            SCALE.append(("interfaces [net v*]", links, t[0][0]))
        else:
            n = checks_of(f"{HT} audit {prof}")
            info("[net v*] over 2,000 veth pairs", "checks",
                 f"{n} ({links} links)")
            row("[net v*] over 2,000 veth pairs", "vs ip -o link show",
                t[0], t[1], 1.5)
            info("[net v*] over 2,000 veth pairs", "floor (one dump)",
                 f"{t[2][0]*1000:.2f} ms; hosttune/floor "
                 f"{t[0][0]/t[2][0]:.2f}")
            r = subprocess.run(f"strace -f -e trace=socket -o {TMP}/so "
                               f"{HT} audit {prof} >/dev/null", shell=True)
            info("[net v*] over 2,000 veth pairs", "sockets opened",
                 str(sum(1 for _ in open(f"{TMP}/so"))))
    sh("ip -all netns delete 2>/dev/null || true")


# ---- CPU and disk fixtures --------------------------------------------

def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text + "\n")


def fixture(cpus, disks):
    root = os.path.join(TMP, f"fx-{cpus}-{disks}")
    cpu = os.path.join(root, "sys/devices/system/cpu")
    write(f"{cpu}/online", f"0-{cpus - 1}")
    write(f"{cpu}/present", f"0-{cpus - 1}")
    write(f"{cpu}/possible", f"0-{cpus - 1}")
    for c in range(cpus):
        pol = f"{cpu}/cpufreq/policy{c}"
        write(f"{pol}/scaling_governor", "performance")
        write(f"{pol}/scaling_available_governors", "performance powersave")
        write(f"{pol}/scaling_driver", "acpi-cpufreq")
        write(f"{pol}/affected_cpus", str(c))
        write(f"{pol}/related_cpus", str(c))
        os.makedirs(f"{cpu}/cpu{c}", exist_ok=True)
        os.symlink(f"../cpufreq/policy{c}", f"{cpu}/cpu{c}/cpufreq")
        for s, lat in enumerate((0, 1, 10, 50, 200, 800)):
            d = f"{cpu}/cpu{c}/cpuidle/state{s}"
            write(f"{d}/name", f"C{s}")
            write(f"{d}/latency", str(lat))
            write(f"{d}/disable", "0" if lat <= 1000 else "1")
    for i in range(disks):
        q = os.path.join(root, f"sys/block/sd{i}/queue")
        write(f"{q}/scheduler", "[none] mq-deadline")
        write(f"{q}/read_ahead_kb", "128")
        write(f"{q}/nr_requests", "64")
        write(f"{q}/rq_affinity", "1")
        write(f"{q}/add_random", "0")
        write(f"{q}/nomerges", "0")
        os.makedirs(os.path.join(root, f"sys/block/sd{i}/device"))
    return root


def bench_fixtures():
    prof = os.path.join(TMP, "cpublock.ini")
    with open(prof, "w") as f:
        f.write("[cpu]\ngovernor = performance\nidle_max_latency_us = 1000\n"
                "[block sd*]\nscheduler = none\nread_ahead_kb = 128\n"
                "nr_requests = 64\n")
    small, big = fixture(32, 60), fixture(512, 1000)
    ns = checks_of(f"{HT} -r {small} audit {prof}")
    nb = checks_of(f"{HT} -r {big} audit {prof}")
    t = hyperfine([f"{HT} -r {big} audit {prof}",
                   f"{HT} -r {small} audit {prof}"], runs=20, warmup=2)
    per_b, per_s = t[0][0] / nb, t[1][0] / ns
    row("512 CPUs x 6 states, 1,000 disks", "time per check vs 32/60",
        (per_b, per_b, per_b), (per_s,) * 3, 1.3, unit="us/check")
    info("512 CPUs x 6 states, 1,000 disks", "checks, median",
         f"{nb} checks {t[0][0]*1000:.1f} ms; 32/60: {ns} checks "
         f"{t[1][0]*1000:.1f} ms")


# ---- process limits ---------------------------------------------------

def bench_rlimit():
    exe = os.path.join(TMP, "htbsleep")
    shutil.copy("/bin/sleep", exe)
    procs = [subprocess.Popen([exe, "600"]) for _ in range(100)]
    try:
        pids = [str(p.pid) for p in procs]
        prof = os.path.join(TMP, "rlimit.ini")
        with open(prof, "w") as f:
            f.write("[rlimit htbsleep]\nnofile = >=1\n")
        loop = os.path.join(TMP, "prlimit.sh")
        with open(loop, "w") as f:
            for p in pids:
                f.write(f"prlimit --pid {p} --nofile >/dev/null\n")
        n = checks_of(f"{HT} audit {prof}")
        t = hyperfine([f"{HT} audit {prof}", f"sh {loop}",
                       f"{FLOOR} limits {' '.join(pids)}"], runs=10,
                      warmup=1)
        info("audit of 100 processes' limits", "checks", str(n))
        row("audit of 100 processes' limits", "vs one prlimit a process",
            t[0], t[1], 1.0)
        info("audit of 100 processes' limits", "floor (read limits)",
             f"{t[2][0]*1000:.2f} ms; hosttune/floor {t[0][0]/t[2][0]:.2f}")
    finally:
        for p in procs:
            os.kill(p.pid, signal.SIGKILL)
            p.wait()


# ---- no work a verb does not need -------------------------------------

def snapshot_sysfs_files(st):
    """The sysfs files hosttune snapshot --all reads a value from (strace
    -y), in its order, each once; None without strace."""
    if not shutil.which("strace"):
        return None
    tr = os.path.join(TMP, "snap-files")
    subprocess.run(f"strace -f -y -e trace=pread64 -o {tr} {HT} snapshot "
                   f"--all -s {st} >/dev/null 2>&1", shell=True)
    files = []
    for line in open(tr, errors="replace"):
        m = re.match(r"^\d+\s+pread64\(\d+<(/sys/[^>]*)>, .*, 0\) = "
                     r"[1-9]", line)
        if m and m.group(1) not in files:
            files.append(m.group(1))
    return files


def traced(cmd, calls):
    subprocess.run(f"strace -f -e trace={calls} -o {TMP}/tr {cmd} "
                   ">/dev/null 2>&1", shell=True)
    return open(f"{TMP}/tr").read()


def bench_verbs(keys):
    p = sysctl_profile(keys, 100)
    tr = traced(f"{HT} audit {p}", "socket,openat")
    flag("every verb", "audit without [net]: no socket",
         "socket(" not in tr, f"{tr.count('socket(')} sockets")
    flag("every verb", "audit without [net]: no libmnl mapped",
         "libmnl" not in tr, "not opened" if "libmnl" not in tr
         else "opened")
    st = os.path.join(TMP, "st-verbs")
    tr = traced(f"{HT} snapshot --all -s {st}", "socket,openat,openat2")
    flag("every verb", "snapshot --all: no socket, no profile",
         "socket(" not in tr and ".ini\"" not in tr.replace(st, ""),
         f"{tr.count('socket(')} sockets")
    for verb in (f"lint {p}", "show baseline", "list profiles"):
        tr = traced(f"{HT} {verb}", "socket,openat,openat2")
        bad = "socket(" in tr or "proc/sys" in tr or "sys/class" in tr
        flag("every verb", f"{verb.split()[0]}: reads no host state", not bad,
             "no socket, no /proc/sys, no /sys" if not bad else "reads host")


# ---- the table --------------------------------------------------------

def fmt(v, unit):
    if unit == "ms":
        return f"{v*1000:8.3f}"
    if unit == "us/check":
        return f"{v*1e6:8.2f}"
    return f"{v:8.0f}"


def print_tables():
    print(f"\n{'work':<34} {'measure':<36} {'median':>8} {'min':>8} "
          f"{'max':>8} {'ratio':>6} {'budget':>6}  result")
    print("-" * 124)
    for work, what, t, ratio, budget, ok, unit in ROWS:
        if t is None:
            res = "" if ok is None else ("pass" if ok else "FAIL")
            print(f"{work:<34} {what:<36} {'':>8} {'':>8} {'':>8} {'':>6} "
                  f"{'':>6}  {res + ('  ' if res else '')}{unit}")
            continue
        res = "pass" if ok else ("over (quick)" if QUICK else "FAIL")
        print(f"{work:<34} {what:<36} {fmt(t[0], unit)} {fmt(t[1], unit)} "
              f"{fmt(t[2], unit)} {ratio:6.2f} {budget:6.2f}  {res}"
              f"{'' if unit == 'ms' else '  (' + unit + ')'}")
    print("\nscaling (median of the whole run; per item: over the first "
          "size's cost, i.e. marginal)")
    print(f"{'series':<26} {'items':>7} {'median ms':>10} {'per item us':>12}"
          f" {'flat':>5}")
    series = {}
    for s, n, t in SCALE:
        series.setdefault(s, []).append((n, t))
    all_flat = True
    for s, pts in series.items():
        n0, t0 = pts[0]
        per = []
        for n, t in pts:
            p = (t - t0) / (n - n0) * 1e6 if n > n0 else None
            per.append(p)
        real = [p for p in per if p is not None and p > 0]
        for (n, t), p in zip(pts, per):
            print(f"{s:<26} {n:>7} {t*1000:10.3f} "
                  f"{'' if p is None else f'{p:12.3f}':>12}")
        flat = bool(real) and max(real) <= 2.0 * min(real)
        all_flat &= flat
        print(f"{s:<26} {'':>7} {'':>10} {'':>12} {'yes' if flat else 'NO':>5}")
    return all_flat


def private_namespaces():
    """True only inside the network and mount namespaces run.sh made:
    the bench makes 4,000 links and 20,000 mounts, which must never land
    in the host's own namespaces."""
    for ns in ("net", "mnt"):
        host = os.environ.get(f"HT_BENCH_HOST_{ns.upper()}")
        try:
            if not host or os.readlink(f"/proc/self/ns/{ns}") == host:
                return False
        except OSError:
            return False
    return True


def main():
    global failed
    if not private_namespaces():
        os.rmdir(TMP)
        sys.exit("bench.py: run it through tests/bench/run.sh (make bench): "
                 "it needs the private network and mount namespaces made "
                 "there")
    try:
        keys = bench_sysctl()
        bench_mounts()
        bench_net()
        bench_fixtures()
        bench_rlimit()
        bench_verbs(keys)
    finally:
        flat = print_tables()
        for m in ("mnt", "state-tmpfs"):
            subprocess.run(["umount", "-l", os.path.join(TMP, m)],
                           stderr=subprocess.DEVNULL)
        subprocess.run(["rm", "-rf", TMP])
    if not flat and not QUICK:
        failed = True
    print("\nbench:", "every row within budget" if not failed else
          "over budget (see FAIL)", "(quick: budgets not enforced)"
          if QUICK else "")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
