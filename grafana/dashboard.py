#!/usr/bin/env python3
"""Writes grafana/dashboards/netlab.json, the Netlab dashboard, from the panel list below.

    python3 grafana/dashboard.py          write the JSON
    python3 grafana/dashboard.py --check  exit 1 when the committed JSON differs from what this script writes

The JSON is provisioned as is (no __inputs, no ${DS_...} placeholders): every panel reads the `datasource`
variable, every query filters on the `instance` (and ping queries on the `target`) variable, and every rate()
uses $__rate_interval so panels work whatever the scrape interval. Edit this file, not the JSON.
"""
import json
import sys
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent / "dashboards" / "netlab.json"
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
JOBS = "web-server|ping-server|ping-client|mail-client"

# Label filters of each family of series.
INST = 'instance=~"$instance"'
PING = 'instance=~"$instance", target=~"$target"'

GREEN, YELLOW, ORANGE, RED, BLUE = "green", "yellow", "orange", "red", "blue"


def rate(metric, selector, by=None):
    """sum by (by) (rate(metric{selector}[$__rate_interval])), or without the sum when by is None."""
    inner = f"rate({metric}{{{selector}}}[$__rate_interval])"
    return inner if by is None else f"sum by ({by}) ({inner})"


def quantile(q, metric, selector, by):
    return f"histogram_quantile({q}, {rate(metric, selector, by + ', le' if by else 'le')})"


def query(expr, legend, instant=False, fmt=None):
    q = {"expr": expr, "legendFormat": legend, "instant": instant, "range": not instant}
    if fmt:
        q["format"] = fmt
    return q


def thresholds(*steps):
    """Absolute thresholds: the base colour, then (value, colour) pairs."""
    base, rest = steps[0], steps[1:]
    return {"mode": "absolute",
            "steps": [{"color": base, "value": None}] + [{"color": c, "value": v} for v, c in rest]}


def colour(name, colour_name, regex=False):
    """An override that fixes the colour of the series named (or matching) name."""
    return {"matcher": {"id": "byRegexp" if regex else "byName", "options": name},
            "properties": [{"id": "color", "value": {"mode": "fixed", "fixedColor": colour_name}}]}


def timeseries(title, description, unit, queries, *, steps=None, overrides=(), stack=False, minimum=0,
               threshold_lines=False, width=8):
    custom = {"drawStyle": "line", "lineWidth": 1, "fillOpacity": 10, "showPoints": "never",
              "spanNulls": False, "axisSoftMin": minimum,
              "stacking": {"mode": "normal" if stack else "none", "group": "A"},
              "thresholdsStyle": {"mode": "line" if threshold_lines else "off"}}
    return {"type": "timeseries", "title": title, "description": description, "width": width,
            "fieldConfig": {"defaults": {"unit": unit, "custom": custom, "color": {"mode": "palette-classic"},
                                         "thresholds": thresholds(*(steps or (GREEN,)))},
                            "overrides": list(overrides)},
            "options": {"legend": {"displayMode": "list", "placement": "bottom", "showLegend": True, "calcs": []},
                        "tooltip": {"mode": "multi", "sort": "desc"}},
            "targets": queries}


def stat(title, description, unit, queries, *, steps=None, mappings=(), width=8, height=8):
    return {"type": "stat", "title": title, "description": description, "width": width, "height": height,
            "fieldConfig": {"defaults": {"unit": unit, "color": {"mode": "thresholds"}, "mappings": list(mappings),
                                         "thresholds": thresholds(*(steps or (GREEN,)))},
                            "overrides": []},
            "options": {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                        "colorMode": "background", "graphMode": "none", "justifyMode": "auto",
                        "orientation": "auto", "textMode": "value_and_name"},
            "targets": queries}


def heatmap(title, description, unit, queries, width=8):
    return {"type": "heatmap", "title": title, "description": description, "width": width,
            "fieldConfig": {"defaults": {"unit": unit, "custom": {"hideFrom": {"legend": False, "tooltip": False,
                                                                                "viz": False},
                                                                   "scaleDistribution": {"type": "linear"}}},
                            "overrides": []},
            "options": {"calculate": False, "cellGap": 1, "yAxis": {"axisPlacement": "left", "unit": unit},
                        "rowsFrame": {"layout": "auto"},
                        "color": {"mode": "scheme", "scheme": "Oranges", "steps": 64, "exponent": 0.5,
                                  "fill": "dark-orange", "reverse": False},
                        "cellValues": {"unit": "pps"}, "filterValues": {"le": 1e-9},
                        "tooltip": {"mode": "single", "yHistogram": True, "showColorScale": False},
                        "legend": {"show": True}, "exemplars": {"color": "rgba(255,0,255,0.7)"}},
            "targets": queries}


LOSS = (f'{rate("pingclient_packets_lost_total", PING, "target")}\n/\n'
        f'{rate("pingclient_packets_sent_total", PING, "target")}')
LOSS_OVER_RANGE = (f'sum by (target) (increase(pingclient_packets_lost_total{{{PING}}}[$__range]))\n/\n'
                   f'sum by (target) (increase(pingclient_packets_sent_total{{{PING}}}[$__range]))')
STAMP = 'instance=~"$instance", mode="stamp"'
STATUS_CLASS = (f'sum by (class) (label_replace({rate("webserver_requests_total", INST)}, '
                f'"class", "${{1}}xx", "status", "(.).."))')
HEAP = 'instance=~"$instance", area="heap"'
JVM = "{{job}} {{instance}}"

ROWS = [
    ("Overview", [
        stat("Services up", "1 when Prometheus' last scrape of the service's /metrics succeeded (alert: ScrapeTargetDown).",
             "none", [query(f'up{{job=~"{JOBS}", {INST}}}', "{{job}}", instant=True)],
             steps=(RED, (1, GREEN)), width=24, height=4,
             mappings=[{"type": "value", "options": {"0": {"text": "down", "color": RED, "index": 0},
                                                     "1": {"text": "up", "color": GREEN, "index": 1}}}]),
    ]),
    ("Ping", [
        heatmap("RTT distribution",
                "Replies per second in each RTT bucket (pingclient_rtt_seconds), all selected targets together.",
                "s", [query(rate("pingclient_rtt_seconds_bucket", PING, "le"), "{{le}}", fmt="heatmap")]),
        timeseries("RTT p50 / p90 / p99",
                   "RTT quantiles per target from the histogram; the line marks the PingRttHigh alert (p99 > 250 ms).",
                   "s", [query(quantile(q, "pingclient_rtt_seconds_bucket", PING, "target"), f"{{{{target}}}} p{n}")
                         for q, n in ((0.5, 50), (0.9, 90), (0.99, 99))],
                   steps=(GREEN, (0.25, RED)), threshold_lines=True),
        stat("Loss over the time range",
             "Probes lost / probes sent per target over the dashboard's time range (lab targets drop 4/11 on purpose).",
             "percentunit", [query(LOSS_OVER_RANGE, "{{target}}", instant=True)],
             steps=(GREEN, (0.05, ORANGE), (0.5, RED))),
        timeseries("Loss per target", "Probes lost / probes sent; the lines mark the loss alert (5%, lossy targets 50%).",
                   "percentunit", [query(LOSS, "{{target}}")],
                   steps=(GREEN, (0.05, ORANGE), (0.5, RED)), threshold_lines=True),
        timeseries("Probes and replies", "Probes sent and replies received within their timeout, per target.",
                   "pps", [query(rate("pingclient_packets_sent_total", PING, "target"), "{{target}} sent"),
                           query(rate("pingclient_packets_received_total", PING, "target"), "{{target}} received")]),
        timeseries("Jitter", "RFC 3550 interarrival jitter of the RTT per target (pingclient_jitter_seconds).",
                   "s", [query(f'max by (target) (pingclient_jitter_seconds{{{PING}}})', "{{target}}")]),
        timeseries("Late, duplicate and reordered replies",
                   "Replies after their timeout (already counted lost), repeated replies, replies overtaken by a later one.",
                   "pps", [query(rate(f"pingclient_packets_{kind}_total", PING, "target"), f"{{{{target}}}} {kind}")
                           for kind in ("late", "duplicate", "reordered")]),
        timeseries("Errors by kind",
                   "resolve (DNS), unreachable (ICMP port unreachable), malformed and foreign (replies not ours).",
                   "cps", [query(rate("pingclient_errors_total", PING, "target, kind"), "{{target}} {{kind}}")]),
        timeseries("STAMP loss by direction (reflector's view)",
                   "Forward: probes that never reached the STAMP reflector (its sequence gaps) over probes sent to it; "
                   "reverse: replies the reflector dropped (simulated loss) over probes it received. Per target, the "
                   "ping-client's GET /api/targets splits its own loss the same way.",
                   "percentunit",
                   [query(f'{rate("pingserver_forward_lost_packets_total", STAMP, "instance")}\n/\n'
                          f'({rate("pingserver_packets_received_total", STAMP, "instance")}\n+ '
                          f'{rate("pingserver_forward_lost_packets_total", STAMP, "instance")})', "forward {{instance}}"),
                    query(f'{rate("pingserver_packets_dropped_total", STAMP + ", reason=" + chr(34) + "simulated" + chr(34), "instance")}\n/\n'
                          f'{rate("pingserver_packets_received_total", STAMP, "instance")}', "reverse {{instance}}")],
                   overrides=[colour("forward .*", BLUE, regex=True), colour("reverse .*", ORANGE, regex=True)]),
        timeseries("Reflector: received, reflected, dropped",
                   "Datagrams per second by listener (lab, echo, stamp); drops by reason: simulated, malformed, rate_limited.",
                   "pps", [query(rate("pingserver_packets_received_total", INST, "mode"), "{{mode}} received"),
                           query(rate("pingserver_packets_reflected_total", INST, "mode"), "{{mode}} reflected"),
                           query(rate("pingserver_packets_dropped_total", INST, "mode, reason"),
                                 "{{mode}} dropped {{reason}}")],
                   overrides=[colour(".* dropped .*", RED, regex=True)]),
        timeseries("Reflector: faults by kind",
                   "Replies touched by a simulated fault: delayed, duplicated, reordered.",
                   "pps", [query(rate("pingserver_faults_total", INST, "mode, kind"), "{{mode}} {{kind}}")]),
        timeseries("Reflector: senders", "Senders in the reflector's table: active, or silent for pingserver.senders.silence.",
                   "short", [query(f'sum by (state) (pingserver_senders{{{INST}}})', "{{state}}")]),
        timeseries("Reflector: forward loss",
                   "Sequence numbers senders skipped that never arrived, per listener (lab and stamp senders number their probes).",
                   "pps", [query(rate("pingserver_forward_lost_packets_total", INST, "mode"), "{{mode}}")]),
    ]),
    ("Web", [
        timeseries("Requests by status class", "Responses per second, by the first digit of the status.",
                   "reqps", [query(STATUS_CLASS, "{{class}}")], stack=True,
                   overrides=[colour("2xx", GREEN), colour("3xx", BLUE), colour("4xx", ORANGE), colour("5xx", RED)]),
        timeseries("Latency p50 / p99", "From the first byte of a request to the last byte of its response.",
                   "s", [query(quantile(q, "webserver_request_duration_seconds_bucket", INST, "instance"),
                               f"p{n} {{{{instance}}}}") for q, n in ((0.5, 50), (0.99, 99))]),
        timeseries("Bytes sent", "Response bytes per second, headers and bodies.",
                   "Bps", [query(rate("webserver_response_bytes_total", INST, "instance"), "{{instance}}")]),
        timeseries("Active connections", "Open client connections (webserver.max-connections caps them).",
                   "short", [query(f'sum by (instance) (webserver_connections_active{{{INST}}})', "{{instance}}")]),
        timeseries("Refused and timed-out connections",
                   "Refused at the connection limit (503), and closed by a timeout: head, idle, send.",
                   "cps", [query(rate("webserver_connections_refused_total", INST, "instance"), "refused {{instance}}"),
                           query(rate("webserver_timeouts_total", INST, "kind"), "timeout {{kind}}")],
                   overrides=[colour("refused .*", RED, regex=True)]),
    ]),
    ("Mail", [
        timeseries("SMTP replies by code", "Replies of the relay per second, by reply code (2xx green, 4xx orange, 5xx red).",
                   "cps", [query(rate("mailclient_smtp_replies_total", INST, "code"), "{{code}}")],
                   overrides=[colour("^[23]..$", GREEN, regex=True), colour("^4..$", ORANGE, regex=True),
                              colour("^5..$", RED, regex=True)]),
        timeseries("Messages by outcome", "Messages per second that were sent, deferred (retried later) or failed for good.",
                   "cps", [query(rate("mailclient_messages_total", INST, "outcome"), "{{outcome}}")],
                   overrides=[colour("sent", GREEN), colour("deferred", ORANGE), colour("failed", RED)]),
        timeseries("Outbox depth", "Messages waiting in the durable outbox.",
                   "short", [query(f'sum by (instance) (mailclient_outbox_messages{{{INST}}})', "{{instance}}")]),
        timeseries("Delivery latency p50 / p99", "From acceptance into the outbox to the relay's final reply.",
                   "s", [query(quantile(q, "mailclient_delivery_duration_seconds_bucket", INST, "instance"),
                               f"p{n} {{{{instance}}}}") for q, n in ((0.5, 50), (0.99, 99))]),
    ]),
    ("JVM", [
        timeseries("Heap used vs max", "Heap in use and the most the JVM may grow it to, per service.",
                   "bytes", [query(f'sum by (job, instance) (jvm_memory_used_bytes{{{HEAP}}})', f"{JVM} used"),
                             query(f'sum by (job, instance) (jvm_memory_max_bytes{{{HEAP}}} > 0)', f"{JVM} max")]),
        timeseries("Threads", "Live platform threads and of those daemon threads; virtual threads mounted on a carrier "
                   "and queued for one (on JDK 24 and later, which exposes them).",
                   "short", [query(f'sum by (job, instance) (jvm_threads_live_threads{{{INST}}})', f"{JVM} live"),
                             query(f'sum by (job, instance) (jvm_threads_daemon_threads{{{INST}}})', f"{JVM} daemon"),
                             query(f'sum by (job, instance) (jvm_threads_virtual_mounted{{{INST}}})',
                                   f"{JVM} virtual mounted"),
                             query(f'sum by (job, instance) (jvm_threads_virtual_queued{{{INST}}})',
                                   f"{JVM} virtual queued")]),
        timeseries("GC pause time", "Share of wall-clock time spent in GC pauses.",
                   "percentunit", [query(rate("jvm_gc_pause_seconds_sum", INST, "job, instance"), JVM)]),
        timeseries("Longest GC pause", "The longest pause in the last couple of minutes (Micrometer's decaying max).",
                   "s", [query(f'max by (job, instance) (jvm_gc_pause_seconds_max{{{INST}}})', JVM)]),
        timeseries("Process CPU", "CPU time per second: 100% is one core busy.",
                   "percentunit", [query(rate("process_cpu_seconds_total", INST, "job, instance"), JVM)]),
        timeseries("Resident memory", "Resident set size of the process (VmRSS).",
                   "bytes", [query(f'sum by (job, instance) (process_resident_memory_bytes{{{INST}}})', JVM)]),
        timeseries("Open file descriptors", "Open descriptors (sockets included) of the process.",
                   "short", [query(f'sum by (job, instance) (process_files_open_files{{{INST}}})', JVM)]),
    ]),
]


def variables():
    datasource = {"name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus",
                  "current": {"selected": False, "text": "Prometheus", "value": "netlab-prometheus"},
                  "hide": 0, "refresh": 1, "regex": "", "options": []}

    def label_values(name, label, metric, title):
        definition = f"label_values({metric}, {label})"
        return {"name": name, "label": title, "type": "query", "datasource": DATASOURCE,
                "definition": definition, "query": {"query": definition, "refId": f"{name}-values"},
                "includeAll": True, "allValue": ".*", "multi": True, "refresh": 2, "sort": 1, "hide": 0,
                "current": {"selected": True, "text": ["All"], "value": ["$__all"]}, "options": [], "regex": ""}

    return [datasource,
            label_values("instance", "instance", f'up{{job=~"{JOBS}"}}', "Instance"),
            label_values("target", "target", f'pingclient_packets_sent_total{{{INST}}}', "Ping target")]


def build():
    panels = []
    next_id = 1
    y = 0
    for title, row_panels in ROWS:
        panels.append({"type": "row", "title": title, "id": next_id, "collapsed": False,
                       "gridPos": {"h": 1, "w": 24, "x": 0, "y": y}, "panels": []})
        next_id += 1
        y += 1
        x = 0
        for panel in row_panels:
            width = panel.pop("width")
            height = panel.pop("height", 8)
            if x + width > 24:
                x = 0
                y += 8
            panel["id"] = next_id
            next_id += 1
            panel["datasource"] = DATASOURCE
            panel["gridPos"] = {"h": height, "w": width, "x": x, "y": y}
            for ref, target in zip("ABCDEFGH", panel["targets"]):
                target["refId"] = ref
                target["datasource"] = DATASOURCE
                target["editorMode"] = "code"
            panels.append(panel)
            x += width
        y += max(p["gridPos"]["h"] for p in panels if p["type"] != "row" and p["gridPos"]["y"] == y)
    return {
        "uid": "netlab",
        "title": "Netlab",
        "description": "The four Netlab services: ping RTT and loss, the reflector, the web-server, the mail-client "
                       "and their JVMs. Generated by grafana/dashboard.py.",
        "tags": ["netlab"],
        "editable": True,
        "graphTooltip": 1,
        "schemaVersion": 39,
        "version": 1,
        "time": {"from": "now-1h", "to": "now"},
        "refresh": "10s",
        "timezone": "browser",
        "fiscalYearStartMonth": 0,
        "liveNow": False,
        "weekStart": "",
        "links": [],
        "annotations": {"list": [{"builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"},
                                  "enable": True, "hide": True, "iconColor": "rgba(0, 211, 255, 1)",
                                  "name": "Annotations & Alerts", "type": "dashboard"}]},
        "templating": {"list": variables()},
        "panels": panels,
    }


def render():
    return json.dumps(build(), indent=2) + "\n"


if __name__ == "__main__":
    text = render()
    if sys.argv[1:] == ["--check"]:
        if not OUTPUT.exists() or OUTPUT.read_text() != text:
            print(f"{OUTPUT} is not what grafana/dashboard.py writes: run python3 grafana/dashboard.py", file=sys.stderr)
            sys.exit(1)
    elif sys.argv[1:]:
        print("usage: dashboard.py [--check]", file=sys.stderr)
        sys.exit(2)
    else:
        OUTPUT.parent.mkdir(parents=True, exist_ok=True)
        OUTPUT.write_text(text)
