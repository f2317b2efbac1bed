#!/usr/bin/env python3
"""Machine and JVM view of a JFR recording: `jfr print --events jdk.CPULoad,jdk.GarbageCollection,jdk.Compilation x.jfr
| jfr_stats.py`. Average CPU of the JVM vs the whole machine (other processes, wrk and nginx included), GC pauses and
JIT compilation time during the recording."""
import re
import sys

event = None
fields = {}
cpu = []
gcs = []
compilations = []

def value(text):
    m = re.match(r"\s*([0-9.]+)\s*(%|ms|s|us|ns)?", text)
    if not m:
        return None
    number, unit = float(m.group(1)), m.group(2)
    return {"%": number, "ms": number, "s": number * 1000, "us": number / 1000, "ns": number / 1e6, None: number}[unit]

def flush():
    if event == "jdk.CPULoad":
        cpu.append((fields.get("jvmUser"), fields.get("jvmSystem"), fields.get("machineTotal")))
    elif event == "jdk.GarbageCollection":
        gcs.append((fields.get("name", "?"), fields.get("sumOfPauses") or 0.0))
    elif event == "jdk.Compilation":
        compilations.append(fields.get("duration") or 0.0)

for line in sys.stdin:
    m = re.match(r"^(jdk\.\w+) \{", line)
    if m:
        flush()
        event, fields = m.group(1), {}
        continue
    m = re.match(r"^\s+(\w+) = (.*)$", line)
    if m and event:
        key, text = m.group(1), m.group(2).strip().strip('"')
        fields[key] = text if key == "name" else value(text)
flush()

if cpu:
    def avg(i):
        values = [c[i] for c in cpu if c[i] is not None]
        return sum(values) / len(values) if values else float("nan")
    print(f"CPU load over {len(cpu)} samples (share of all cores): JVM user {avg(0):.1f}%, JVM system {avg(1):.1f}%, "
          f"whole machine {avg(2):.1f}% (the rest of the machine: {avg(2) - avg(0) - avg(1):.1f}%)")
pauses = sum(g[1] for g in gcs)
print(f"GC: {len(gcs)} collections, {pauses:.0f} ms of pauses in total")
print(f"JIT: {len(compilations)} compilations, {sum(compilations):.0f} ms compiling")
