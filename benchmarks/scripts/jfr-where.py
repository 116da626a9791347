#!/usr/bin/env python3
"""Where a worker JVM's time goes, from the JFR recordings of RedisLockBench --profile <dir>.

Usage: jfr-where.py <recording.jfr>... [--top N]

Only events from the first sample or park of a benchmark thread ("bench-...", started at GO) on
are counted, so the JVM's start-up and the contender's connection are left out.

Per thread group (thread name without its trailing number): CPU samples (jdk.ExecutionSample) and
their share, the top leaf frames and the top first frames of holdfast / Lettuce / Netty code;
then park events (jdk.ThreadPark, recorded with locking-threshold=0ms): how often and how long
each thread group parked (a park that ends is a thread wake-up); then allocation samples
(jdk.ObjectAllocationSample, by weight) per thread group, by class and by first holdfast / Lettuce /
Netty frame. Needs the JDK's `jfr` tool.
"""
import collections
import json
import re
import subprocess
import sys


def events(path, name, depth=64):
    out = subprocess.run(["jfr", "print", "--json", "--stack-depth", str(depth), "--events", name, path],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)["recording"]["events"]


def group(thread):
    name = (thread or {}).get("javaName") or (thread or {}).get("osName") or "?"
    return re.sub(r"[-#]?\d+(-\d+)*$", "", name)


def frame_name(frame):
    m = frame["method"]
    return m["type"]["name"].replace("/", ".") + "." + m["name"]


OURS = ("io.holdfast.lock", "io.lettuce", "io.netty")


def main(argv):
    top = 8
    if "--top" in argv:
        i = argv.index("--top")
        top = int(argv[i + 1])
        del argv[i:i + 2]
    samples = collections.Counter()
    leaf = collections.defaultdict(collections.Counter)
    first_ours = collections.defaultdict(collections.Counter)
    parks = collections.Counter()
    park_nanos = collections.defaultdict(list)
    park_site = collections.defaultdict(collections.Counter)
    alloc = collections.Counter()
    alloc_class = collections.defaultdict(collections.Counter)
    alloc_site = collections.defaultdict(collections.Counter)
    for path in argv:
        sampled = events(path, "jdk.ExecutionSample")
        # parks can number hundreds of thousands (Spring's lock): a shallow stack keeps them in memory
        parked = events(path, "jdk.ThreadPark", 12)
        allocated = events(path, "jdk.ObjectAllocationSample", 16)
        go = min((e["values"]["startTime"] for e in sampled + parked
                  if group(e["values"].get("sampledThread") or e["values"].get("eventThread")) == "bench"),
                 default="")
        sampled = [e for e in sampled if e["values"]["startTime"] >= go]
        parked = [e for e in parked if e["values"]["startTime"] >= go]
        allocated = [e for e in allocated if e["values"]["startTime"] >= go]
        for e in allocated:
            g = group(e["values"]["eventThread"])
            w = e["values"]["weight"]
            cls = e["values"]["objectClass"]["name"].replace("/", ".")
            frames = e["values"]["stackTrace"]["frames"] if e["values"]["stackTrace"] else []
            site = next((frame_name(f) for f in frames if frame_name(f).startswith(OURS)), "(JDK only)")
            alloc[g] += w
            alloc_class[g][cls] += w
            alloc_site[g][site] += w
        for e in sampled:
            g = group(e["values"]["sampledThread"])
            frames = e["values"]["stackTrace"]["frames"] if e["values"]["stackTrace"] else []
            samples[g] += 1
            if frames:
                leaf[g][frame_name(frames[0])] += 1
                ours = next((frame_name(f) for f in frames if frame_name(f).startswith(OURS)), "(JDK only)")
                first_ours[g][ours] += 1
        for e in parked:
            g = group(e["values"]["eventThread"])
            parks[g] += 1
            d = e["values"]["duration"]  # ISO-8601, e.g. PT0.000123S
            park_nanos[g].append(float(d[2:-1]) * 1e9 if d.endswith("S") and "M" not in d else float("nan"))
            frames = e["values"]["stackTrace"]["frames"] if e["values"]["stackTrace"] else []
            site = next((frame_name(f) for f in frames if frame_name(f).startswith(OURS)), "(JDK only)")
            park_site[g][site] += 1
    print("## CPU samples by thread group (%d samples)" % sum(samples.values()))
    shares(samples, "%6d", 1, [("leaf frames", leaf), ("first holdfast/Lettuce/Netty frame", first_ours)], top)
    print("\n## Parks (thread wake-ups) by thread group")
    for g, n in parks.most_common():
        d = sorted(x for x in park_nanos[g] if x == x)
        p50 = d[len(d) // 2] / 1e3 if d else float("nan")
        p99 = d[min(len(d) - 1, int(len(d) * 0.99))] / 1e3 if d else float("nan")
        print("%-40s %7d parks, p50 %8.1f µs, p99 %9.1f µs; where: %s" % (
            g, n, p50, p99, "; ".join("%s %d" % (s, k) for s, k in park_site[g].most_common(3))))
    print("\n## Allocation (jdk.ObjectAllocationSample weight, %.1f MB) by thread group"
          % (sum(alloc.values()) / 1e6))
    shares(alloc, "%8.1f MB", 1e6, [("by class", alloc_class), ("first holdfast/Lettuce/Netty frame", alloc_site)], top)


def shares(totals, amount, unit, breakdowns, top):
    """Per thread group: its amount and share, then its top entries of each breakdown."""
    total = sum(totals.values()) or 1
    for g, n in totals.most_common():
        print(("\n%-40s " + amount + "  %5.1f %%") % (g, n / unit, 100.0 * n / total))
        for title, counts in breakdowns:
            print("  %s:" % title)
            for f, k in counts[g].most_common(top):
                print("    %5.1f %%  %s" % (100.0 * k / n, f))


if __name__ == "__main__":
    main(sys.argv[1:])
