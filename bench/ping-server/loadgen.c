/* Load generator for UDP echo servers: keeps WINDOW datagrams outstanding against 127.0.0.1:PORT for SECONDS
 * (after WARMUP seconds that are not measured) and prints replies per second and RTT percentiles.
 * Each datagram carries its sequence number and send time; a window that goes quiet for 50 ms is refilled
 * (counted as lost). Usage: loadgen PORT WINDOW SECONDS [WARMUP] [SIZE] */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: loadgen PORT WINDOW SECONDS [WARMUP] [SIZE]\n"); return 2; }
    int port = atoi(argv[1]), window = atoi(argv[2]);
    double seconds = atof(argv[3]), warmup = argc > 4 ? atof(argv[4]) : 0;
    int size = argc > 5 ? atoi(argv[5]) : 64;
    if (size < 16) size = 16;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    int rcvbuf = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) { perror("connect"); return 1; }

    size_t cap = 20000000;
    uint32_t *rtts = malloc(cap * sizeof *rtts); /* RTTs in ns, capped at 4 s */
    size_t n_rtt = 0;
    char buf[65536];
    memset(buf, 'x', sizeof buf);
    uint64_t seq = 0, replies = 0, lost = 0;
    int outstanding = 0;
    uint64_t start = now_ns();
    uint64_t measure_from = start + (uint64_t)(warmup * 1e9);
    uint64_t end = measure_from + (uint64_t)(seconds * 1e9);
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    for (;;) {
        while (outstanding < window) {
            uint64_t t = now_ns();
            memcpy(buf, &seq, 8);
            memcpy(buf + 8, &t, 8);
            if (send(fd, buf, (size_t)size, 0) == size) { outstanding++; seq++; }
            else break;
        }
        uint64_t t = now_ns();
        if (t >= end) break;
        int ready = poll(&pfd, 1, 50);
        if (ready == 0) { lost += (uint64_t)outstanding; outstanding = 0; continue; }
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n < 16) continue;
        uint64_t sent;
        memcpy(&sent, buf + 8, 8);
        uint64_t back = now_ns();
        outstanding--;
        if (back >= measure_from && sent >= measure_from) {
            replies++;
            uint64_t rtt = back - sent;
            if (n_rtt < cap) rtts[n_rtt++] = (uint32_t)(rtt > 4000000000ull ? 4000000000ull : rtt);
        }
    }
    double elapsed = (double)(now_ns() - measure_from) / 1e9;
    qsort(rtts, n_rtt, sizeof *rtts, cmp);
    double p50 = n_rtt ? rtts[n_rtt / 2] / 1000.0 : 0;
    double p99 = n_rtt ? rtts[(size_t)(n_rtt * 0.99)] / 1000.0 : 0;
    printf("window=%d replies_per_s=%.0f median_us=%.1f p99_us=%.1f replies=%llu lost=%llu\n", window,
           replies / elapsed, p50, p99, (unsigned long long)replies, (unsigned long long)lost);
    return 0;
}
