package dev.netlab.pingserver.config;

import dev.netlab.kit.config.InvalidConfigException;
import dev.netlab.kit.config.Settings;
import dev.netlab.kit.lifecycle.ThreadKind;
import dev.netlab.pingprotocol.Mode;
import dev.netlab.pingserver.faults.Chance;
import dev.netlab.pingserver.faults.FaultConfig;
import dev.netlab.pingserver.faults.JitterDistribution;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Every ping-server setting, read and validated before anything is bound.
 *
 * @param listeners      every listener, enabled or not, in start-line order
 * @param senders        the sender table
 * @param stamp          STAMP reflector behaviour
 * @param receiveThread  the kind of thread each socket's receive loop runs on
 * @param addressRefresh how often a listener bound to a wildcard address re-reads the host's addresses
 */
public record PingServerConfig(List<ListenerConfig> listeners, SenderTableConfig senders, StampConfig stamp,
                               ThreadKind receiveThread, Duration addressRefresh) {

    /** Reads {@code pingserver.*}; throws {@link InvalidConfigException} naming the key on a bad value. */
    public static PingServerConfig read(Settings settings) {
        List<ListenerConfig> listeners = new ArrayList<>();
        for (Mode mode : Mode.values()) {
            listeners.add(listener(mode, settings.child(prefix(mode))));
        }
        Settings table = settings.child("pingserver.senders");
        SenderTableConfig senders = new SenderTableConfig(table.integer("max-entries", 1, 10_000_000),
                table.duration("silence", Duration.ofMillis(1), Duration.ofDays(1)));
        Settings stamp = settings.child(prefix(Mode.STAMP));
        Settings server = settings.child("pingserver");
        return new PingServerConfig(List.copyOf(listeners), senders,
                new StampConfig(stamp.bool("stateful"), stamp.bool("clock-synchronized")),
                server.choice("receive-thread", ThreadKind.class),
                server.duration("address-refresh", Duration.ofMillis(10), Duration.ofHours(1)));
    }

    /** The configuration section of {@code mode}'s listener: {@code pingserver.listeners.<mode>}. */
    public static String prefix(Mode mode) {
        return "pingserver.listeners." + mode.label();
    }

    /** The settings of {@code mode}'s listener. */
    public ListenerConfig listener(Mode mode) {
        return listeners.stream().filter(l -> l.mode() == mode).findFirst().orElseThrow();
    }

    private static ListenerConfig listener(Mode mode, Settings s) {
        boolean enabled = s.bool("enabled");
        var bind = s.bindAddress("bind-address");
        int port = s.port("port");
        int maxDatagram = (int) s.byteSize("max-datagram", 1, 65_527);
        int receiveBuffer = (int) s.byteSize("receive-buffer", 4096, 256L * 1024 * 1024);
        long perSecond = s.longValue("rate-limit", 0, 1_000_000_000L);
        long burst = s.longValue("rate-limit-burst", 1, 1_000_000_000L);
        return new ListenerConfig(mode, enabled, bind, port, maxDatagram, receiveBuffer, faults(s),
                perSecond == 0 ? RateLimit.OFF : new RateLimit(perSecond, burst));
    }

    private static FaultConfig faults(Settings s) {
        OptionalLong seed = s.optionalString("seed").map(value -> {
            try {
                return OptionalLong.of(Long.parseLong(value.replace("_", "")));
            } catch (NumberFormatException e) {
                throw InvalidConfigException.invalid(s.fullKey("seed"), value,
                        "expected an integer seed, or no value for a random one");
            }
        }).orElse(OptionalLong.empty());
        return new FaultConfig(chance(s, "loss"),
                s.duration("delay", Duration.ZERO, Duration.ofMinutes(1)),
                s.duration("jitter", Duration.ZERO, Duration.ofMinutes(1)),
                s.choice("jitter-distribution", JitterDistribution.class),
                chance(s, "duplicate"),
                chance(s, "reorder"),
                s.duration("reorder-hold", Duration.ofMillis(1), Duration.ofMinutes(1)),
                seed);
    }

    private static Chance chance(Settings s, String key) {
        double p = s.probability(key);
        return Chance.of(s.string(key), p);
    }
}
