#!/usr/bin/env python3
"""Summarises CPU samples of a JFR recording: `jfr print --events jdk.ExecutionSample --stack-depth 64 x.jfr | jfr_top.py`.
Prints samples per thread group, the hottest top frames (self time) and the methods present in most stacks
(inclusive), so one can see where the gateway's time goes without a profiler UI."""
import collections
import re
import sys

threads = collections.Counter()
self_frames = collections.Counter()
inclusive = collections.Counter()
samples = 0
thread = None
stack = None

def flush():
    global samples
    if stack is None:
        return
    samples += 1
    threads[re.sub(r"\d+", "#", thread or "?")] += 1
    if stack:
        self_frames[stack[0]] += 1
    for m in set(stack):
        inclusive[m] += 1

for line in sys.stdin:
    line = line.rstrip()
    if line.startswith("jdk.ExecutionSample"):
        flush()
        thread, stack = None, None
    elif "sampledThread = " in line:
        m = re.search(r'sampledThread = "([^"]*)"', line)
        thread = m.group(1) if m else "?"
    elif line.strip().startswith("stackTrace = ["):
        stack = []
    elif stack is not None and line.strip() and not line.strip().startswith(("]", "}", "...")) and "=" not in line:
        frame = re.sub(r"\s+line:.*$", "", line.strip())
        frame = re.sub(r"\(.*\)$", "", frame)
        stack.append(frame)
flush()

def show(title, counter, n):
    print(f"\n## {title}")
    for key, count in counter.most_common(n):
        print(f"{100.0 * count / max(samples, 1):6.2f}%  {count:6d}  {key}")

print(f"samples: {samples}")
show("samples by thread (digits folded)", threads, 15)
show("top frames (self)", self_frames, 40)
packages = collections.Counter()
for frame, count in self_frames.items():
    packages[".".join(frame.split(".")[:3])] += count
show("self time by package (first 3 name segments)", packages, 30)
show("methods in most stacks (inclusive)", inclusive, 80)
project = collections.Counter({k: v for k, v in inclusive.items()
                               if k.startswith(("org.civicstack", "io.github.resilience4j", "io.lettuce",
                                                "io.micrometer", "brave", "ch.qos.logback"))})
show("project, resilience4j, lettuce, micrometer, tracing and logging methods (inclusive)", project, 60)
