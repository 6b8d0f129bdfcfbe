"""Markdown tables (ratio columns first) from bench/web-server-matrix.sh's raw results.

Usage: python3 bench/web-server-matrix-table.py RESULTS DURATION IDLE_CONNECTIONS
RESULTS lines: "round row server req/s p50_ms p99_ms p99.9_ms max_ms errors bytes cpu_s" per measurement, and
"memory server rss_start_kib rss_rest_kib rss_idle_kib still_open" per server. Medians over the rounds; a ratio
cell is the median of the per-round ratios with their range.
"""
import statistics
import sys
from collections import defaultdict

SERVERS = ["ours", "nginx", "jwebserver"]
# row -> (least requests/s ratio against nginx, most p99 ratio against nginx or None)
GOALS = {"1k-ka": (1.15, 2.0), "64k-ka": (1.0, 2.0), "1k-close": (0.9, None), "64k-close": (0.9, None),
         "304": (1.0, None), "tls-1k-ka": (0.7, None)}


def read(path, duration):
    runs = defaultdict(dict)  # (row, server) -> {round: measurement}
    memory = {}
    with open(path) as lines:
        for line in lines:
            f = line.split()
            if f[0] == "memory":
                memory[f[1]] = [int(x) for x in f[2:5]] + [f[5]]
                continue
            rps, cpu = float(f[3]), float(f[10])
            runs[(f[1], f[2])][f[0]] = dict(rps=rps, p99=float(f[5]), errors=int(f[8]), bytes=float(f[9]), cpu=cpu,
                                            cpu_us=cpu * 1e6 / (rps * duration) if rps > 0 else 0.0,
                                            cpu_gb=cpu / (float(f[9]) / 1e9) if float(f[9]) > 0 else 0.0)
    return runs, memory


def ratios(runs, row, key, server, other):
    mine, theirs = runs.get((row, server), {}), runs.get((row, other), {})
    return [mine[r][key] / theirs[r][key] for r in mine if r in theirs and theirs[r][key] > 0]


def ratio_cell(values):
    if not values:
        return "-"
    med = statistics.median(values)
    return f"**{med:.2f}x** ({min(values):.2f}-{max(values):.2f})" if len(values) > 1 else f"**{med:.2f}x**"


def median(runs, row, server, key):
    values = [m[key] for m in runs.get((row, server), {}).values()]
    return statistics.median(values) if values else None


def main():
    runs, memory = read(sys.argv[1], float(sys.argv[2]))
    idle = int(sys.argv[3])
    print("| row | ours/nginx req/s | ours/jwebserver req/s | p99 ours/nginx | CPU per request ours/nginx "
          "| ours req/s, p99, CPU/req | nginx req/s, p99, CPU/req | jwebserver req/s, p99, CPU/req "
          "| errors ours/nginx/jws | goal | met |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for row, (least, p99_cap) in GOALS.items():
        if not any((row, server) in runs for server in SERVERS):
            continue  # a row left out of the run (ROWS)
        vs_nginx = ratios(runs, row, "rps", "ours", "nginx")
        vs_jws = ratios(runs, row, "rps", "ours", "jwebserver")
        p99 = ratios(runs, row, "p99", "ours", "nginx")
        cpu = ratios(runs, row, "cpu_us", "ours", "nginx")
        cells = []
        for server in SERVERS:
            rps = median(runs, row, server, "rps")
            cells.append("-" if rps is None else f"{rps:,.0f}, {median(runs, row, server, 'p99'):.2f} ms, "
                                                 f"{median(runs, row, server, 'cpu_us'):.1f} µs")
        errors = "/".join(str(sum(m["errors"] for m in runs[(row, s)].values())) if (row, s) in runs else "-"
                          for s in SERVERS)
        met = bool(vs_nginx) and statistics.median(vs_nginx) >= least
        goal = f">= {least}x nginx"
        if p99_cap:
            met = met and bool(p99) and statistics.median(p99) <= p99_cap
            goal += f", p99 <= {p99_cap:g}x"
        if vs_jws:
            met = met and statistics.median(vs_jws) >= 3.0
            goal += ", >= 3x jws"
        print(f"| {row} | {ratio_cell(vs_nginx)} | {ratio_cell(vs_jws)} | {ratio_cell(p99)} | {ratio_cell(cpu)} "
              f"| {' | '.join(cells)} | {errors} | {goal} | {'met' if met else 'missed'} |")
    print()
    cpu_gb = ratios(runs, "10m", "cpu_gb", "ours", "nginx")
    if cpu_gb:
        print("| row | CPU s/GB ours/nginx | ours CPU s/GB | nginx CPU s/GB | ours req/s | nginx req/s | goal | met |")
        print("|---|---|---|---|---|---|---|---|")
        print(f"| 10m | {ratio_cell(cpu_gb)} | {median(runs, '10m', 'ours', 'cpu_gb'):.3f} "
              f"| {median(runs, '10m', 'nginx', 'cpu_gb'):.3f} | {median(runs, '10m', 'ours', 'rps'):,.0f} "
              f"| {median(runs, '10m', 'nginx', 'rps'):,.0f} | <= 1.5x nginx "
              f"| {'met' if statistics.median(cpu_gb) <= 1.5 else 'missed'} |")
        print()
    if memory:
        print(f"| server | RSS with {idle} idle keep-alive connections | vs nginx | at rest (after the rounds) "
              "| just after start | per connection still open | still open |")
        print("|---|---|---|---|---|---|---|")
        for server, (start, rest, held, still) in memory.items():
            vs = f"{held / memory['nginx'][2]:.1f}x" if "nginx" in memory else "-"
            per = (held - rest) / int(still) if int(still) else 0
            print(f"| {server} | {held / 1024:.1f} MiB | {vs} | {rest / 1024:.1f} MiB | {start / 1024:.1f} MiB "
                  f"| {per:.1f} KiB | {still} |")


if __name__ == "__main__":
    main()
