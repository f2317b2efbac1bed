#!/usr/bin/env python3
"""Where the CPU samples of a JFR recording go, by framework layer:
`jfr print --events jdk.ExecutionSample --stack-depth 96 x.jfr | jfr_categories.py`.
Each sample is given to the first category that matches one of its 6 topmost frames (so roughly "self time of the
layer and the small helpers it calls"); then, separately, the share of samples whose stack passes through each
component at any depth (inclusive)."""
import collections
import re
import sys

SELF = [
    ("Reactor context propagation / thread-local restore (spring.reactor.context-propagation=auto)",
     r"ContextPropagation|RestoringThreadLocals|ContextSnapshot|ThreadLocalAccessor|setThreadLocals|ObservationThreadLocal|ThreadLocalCurrentTraceContext|brave\.propagation|MDC"),
    ("Micrometer observation / tracing", r"io\.micrometer\.(observation|tracing)|^brave\.|io\.micrometer\.common"),
    ("Micrometer meters", r"io\.micrometer\.core"),
    ("Lettuce (Redis client)", r"io\.lettuce"),
    ("Logback", r"ch\.qos\.logback"),
    ("Netty", r"^io\.netty"),
    ("Reactor Netty", r"^reactor\.netty"),
    ("Reactor core operators", r"^reactor\.core"),
    ("Spring HTTP / util (headers)", r"org\.springframework\.(http|util)"),
    ("Spring Cloud Gateway", r"org\.springframework\.cloud"),
    ("Spring WebFlux", r"org\.springframework\.web"),
    ("CivicStack code", r"org\.civicstack"),
]
INCLUSIVE = [
    ("dispatch handler (DispatchConnectionHandler/DispatchExchange and below)", r"org\.civicstack\.gateway\.dispatch\.Dispatch(ConnectionHandler|Exchange)"),
    ("rate limiter (RedisTokenBucketRateLimiter, LocalFallbackLimiter)", r"org\.civicstack\.gateway\.ratelimit"),
    ("UsageRecorder", r"UsageRecorder"),
    ("resilience4j (breaker, bulkhead)", r"resilience4j"),
    ("upstream side (UpstreamHandler, UpstreamConnector)", r"org\.civicstack\.gateway\.dispatch\.Upstream"),
    ("header hygiene (ProxyHeaders)", r"ProxyHeaders"),
    ("Spring web stack / Spring Cloud Gateway (should be ~0 for /s/**)", r"org\.springframework\.(web|cloud)"),
    ("CivicStack platform web filters (request id, problems)", r"org\.civicstack\.platform"),
    ("Lettuce", r"io\.lettuce"),
    ("Micrometer observation", r"io\.micrometer\.observation"),
]

samples, current = [], None
for line in sys.stdin:
    s = line.strip()
    if s.startswith("jdk.ExecutionSample"):
        if current is not None:
            samples.append(current)
        current = []
    elif current is not None and s and "=" not in s and not s.startswith(("]", "}", "...")):
        current.append(re.sub(r"\(.*$", "", s))
if current is not None:
    samples.append(current)
n = max(len(samples), 1)
print(f"samples: {len(samples)}\n\n## by layer (first match among the 6 topmost frames)")
layers = collections.Counter()
for stack in samples:
    for name, pattern in SELF:
        if any(re.search(pattern, f) for f in stack[:6]):
            layers[name] += 1
            break
    else:
        layers["other (JDK collections, strings, ...)"] += 1
for name, count in layers.most_common():
    print(f"{100.0 * count / n:6.1f}%  {name}")
print("\n## stacks passing through (inclusive)")
for name, pattern in INCLUSIVE:
    count = sum(1 for stack in samples if any(re.search(pattern, f) for f in stack))
    print(f"{100.0 * count / n:6.1f}%  {name}")
