package dev.netlab.pingserver.engine;

import dev.netlab.pingprotocol.Mode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The meters of docs/architecture.md, every label value at zero at start so that {@code rate()} has data before the
 * first packet. Labels come from fixed enums only: nothing from the network becomes a label.
 */
public final class PingMetrics {

    /** Why a datagram got no reply. */
    public enum DropReason { SIMULATED, MALFORMED, RATE_LIMITED }

    /** Which simulated fault touched a reply. */
    public enum FaultKind { DELAYED, DUPLICATED, REORDERED }

    /** A sender's state in the table. */
    public enum SenderState { ACTIVE, STOPPED }

    private final Map<Mode, Counter> received = new EnumMap<>(Mode.class);
    private final Map<Mode, Counter> reflected = new EnumMap<>(Mode.class);
    private final Map<Mode, Map<DropReason, Counter>> dropped = new EnumMap<>(Mode.class);
    private final Map<Mode, Map<FaultKind, Counter>> faults = new EnumMap<>(Mode.class);
    private final Map<Mode, Counter> forwardLost = new EnumMap<>(Mode.class);

    /** Registers every meter; {@code senders} counts the table's senders in a state when scraped. */
    public PingMetrics(MeterRegistry registry, ToDoubleFunction<SenderState> senders) {
        for (Mode mode : Mode.values()) {
            String m = mode.label();
            received.put(mode, Counter.builder("pingserver.packets.received")
                    .description("Datagrams read by a listener, answered or not").tag("mode", m).register(registry));
            reflected.put(mode, Counter.builder("pingserver.packets.reflected")
                    .description("Replies sent (a duplicate copy is counted as a fault, not here)")
                    .tag("mode", m).register(registry));
            Map<DropReason, Counter> drops = new EnumMap<>(DropReason.class);
            for (DropReason reason : DropReason.values()) {
                drops.put(reason, Counter.builder("pingserver.packets.dropped")
                        .description("Datagrams that got no reply, by reason")
                        .tags("mode", m, "reason", label(reason)).register(registry));
            }
            dropped.put(mode, drops);
            Map<FaultKind, Counter> kinds = new EnumMap<>(FaultKind.class);
            for (FaultKind kind : FaultKind.values()) {
                kinds.put(kind, Counter.builder("pingserver.faults")
                        .description("Replies touched by a simulated fault, by kind")
                        .tags("mode", m, "kind", label(kind)).register(registry));
            }
            faults.put(mode, kinds);
            if (mode != Mode.ECHO) { // the lab and STAMP listeners follow sequence numbers
                forwardLost.put(mode, Counter.builder("pingserver.forward.lost.packets")
                        .description("Sequence numbers that senders used and that never arrived (forward loss), "
                                + "counted when the gap is seen")
                        .tag("mode", m).register(registry));
            }
        }
        for (SenderState state : SenderState.values()) {
            Gauge.builder("pingserver.senders", () -> senders.applyAsDouble(state))
                    .description("Senders in the lab and STAMP sender table, by state")
                    .tag("state", label(state)).register(registry);
        }
    }

    private static String label(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    public void received(Mode mode) {
        received.get(mode).increment();
    }

    public void reflected(Mode mode) {
        reflected.get(mode).increment();
    }

    public void dropped(Mode mode, DropReason reason) {
        dropped.get(mode).get(reason).increment();
    }

    public void fault(Mode mode, FaultKind kind) {
        faults.get(mode).get(kind).increment();
    }

    public void forwardLost(Mode mode, long count) {
        Counter counter = forwardLost.get(mode);
        if (counter != null && count > 0) {
            counter.increment(count);
        }
    }

    /** The received count of {@code mode} (tests pace floods on it). */
    public double receivedCount(Mode mode) {
        return received.get(mode).count();
    }
}
