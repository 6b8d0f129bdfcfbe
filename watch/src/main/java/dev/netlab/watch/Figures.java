package dev.netlab.watch;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Everything one frame shows, read at {@code at}. Rates are null until two readings exist. */
record Figures(Instant at, Reading<PingClient> pingClient, Reading<PingServer> pingServer,
               Reading<WebServer> webServer, Reading<MailClient> mailClient) {

    /** The prober's targets, one entry per target and resolved address. */
    record PingClient(List<Target> targets) {
    }

    /**
     * One target and address. {@code recent} holds the last probes' RTTs in ms, oldest first, null for a lost
     * probe; {@code windowLossPercent} is the loss among them. {@code reflector} is STAMP's reflector kind
     * (stateful, stateless), null outside STAMP; the forward and reverse lost counts need a stateful one.
     */
    record Target(String target, String address, String mode, long sent, Double windowLossPercent,
                  double lossPercent, Double lastMs, Double p50Ms, Double p99Ms, Double jitterMs, long late,
                  long duplicates, String reflector, Long forwardLost, Long reverseLost, List<Double> recent,
                  String lastError) {
    }

    /** The reflector: per listener (mode) rates, and the senders heard from lately. */
    record PingServer(List<Listener> listeners, long activeSenders) {
    }

    /** One listener's packets per second; {@code droppedPerSecond} by reason. */
    record Listener(String mode, Double receivedPerSecond, Double reflectedPerSecond,
                    Map<String, Double> droppedPerSecond) {
    }

    /** Requests per second by status class (2xx...), p99 latency over the last interval, open connections. */
    record WebServer(Map<String, Double> requestsPerSecond, Double p99Ms, long openConnections) {
    }

    /** Outbox depth, messages by outcome since start, SMTP replies per minute by class (2xx...). */
    record MailClient(long outbox, Map<String, Long> messages, Map<String, Double> repliesPerMinute) {
    }
}
