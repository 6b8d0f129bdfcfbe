package dev.netlab.pingclient.service;

import dev.netlab.kit.config.InvalidConfigException;
import dev.netlab.kit.config.Settings;
import dev.netlab.kit.lifecycle.ThreadKind;
import dev.netlab.pingclient.probe.Pacing;
import dev.netlab.pingclient.probe.ProbeCodec;
import dev.netlab.pingclient.probe.ProbeMemory;
import dev.netlab.pingclient.probe.TargetAddress;
import dev.netlab.pingprotocol.Mode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The service's settings under {@code pingclient.*}, read and validated before anything starts.
 *
 * @param targets         what to probe
 * @param resolveInterval how often names are resolved again
 * @param maxAddresses    the most addresses one name expands to
 * @param statsWindow     how many recent replies the API's RTT statistics cover
 * @param maxOutstanding  the most probes one stream may have waiting for their replies (interval x timeout fits)
 * @param receiveThread   the kind of thread each probe stream's receive loop runs on (its sends go out from the
 *                        process's one send timer thread)
 * @param sendSlot        the grid every stream's sends are put on, so that streams share their wake-ups; zero for
 *                        each send at its exact time
 */
public record ProberConfig(List<TargetConfig> targets, Duration resolveInterval, int maxAddresses, int statsWindow,
                           int maxOutstanding, ThreadKind receiveThread, Duration sendSlot) {

    private static final String MAX_OUTSTANDING = "max-outstanding-probes";
    /** A slot longer than this would move a send by more than a human notices on a 1 s schedule. */
    private static final Duration MAX_SEND_SLOT = Duration.ofMillis(100);

    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> RESERVED = Set.of("target", "address", "kind", "le", "quantile");

    /** Reads {@code pingclient.*}. */
    public static ProberConfig read(Settings settings) {
        Settings pc = settings.child("pingclient");
        Duration resolveInterval = pc.duration("resolve-interval", Duration.ofMillis(10), Duration.ofDays(1));
        int maxAddresses = pc.integer("max-addresses-per-target", 1, 65_536);
        int window = pc.integer("stats-window", 1, 1_000_000);
        int maxOutstanding = pc.integer(MAX_OUTSTANDING, 1, 1 << 24);
        Settings defaults = pc.child("defaults");
        Duration interval = defaults.duration("interval", Duration.ofMillis(1), Duration.ofDays(1));
        Duration timeout = defaults.duration("timeout", Duration.ofMillis(1), Duration.ofDays(1));
        List<TargetConfig> targets = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Settings t : pc.list("targets")) {
            TargetConfig target = target(t, interval, timeout);
            String misfit = ProbeMemory.misfit(target.interval(), target.timeout(), maxOutstanding,
                    t.fullKey("timeout"), t.fullKey("interval"));
            if (misfit != null) {
                // Every waiting probe is remembered (a reply to it is never foreign), so the schedule must fit.
                throw InvalidConfigException.invalid(pc.fullKey(MAX_OUTSTANDING), Integer.toString(maxOutstanding),
                        misfit + ": raise it, or shorten the timeout or lengthen the interval");
            }
            if (!names.add(target.name())) {
                throw InvalidConfigException.invalid(t.fullKey("name"), target.name(),
                        "expected a name no other target has");
            }
            targets.add(target);
        }
        return new ProberConfig(List.copyOf(targets), resolveInterval, maxAddresses, window, maxOutstanding,
                pc.choice("receive-thread", ThreadKind.class), pc.duration("send-slot", Duration.ZERO, MAX_SEND_SLOT));
    }

    private static TargetConfig target(Settings t, Duration defaultInterval, Duration defaultTimeout) {
        String host = t.string("host");
        Mode mode = t.has("mode") ? t.choice("mode", Mode.class) : Mode.LAB;
        int port = t.has("port") ? t.integer("port", 1, 65_535) : mode.defaultPort();
        if (host.startsWith("[") || host.chars().anyMatch(Character::isWhitespace)) {
            throw InvalidConfigException.invalid(t.fullKey("host"), host,
                    "expected a host name or IP address, without brackets or spaces");
        }
        Duration interval = t.has("interval") ? t.duration("interval", Duration.ofMillis(1), Duration.ofDays(1))
                : defaultInterval;
        Duration timeout = t.has("timeout") ? t.duration("timeout", Duration.ofMillis(1), Duration.ofDays(1))
                : defaultTimeout;
        int minimum = ProbeCodec.minimumSize(mode);
        int size = t.has("size") ? (int) t.byteSize("size", Math.max(1, minimum), 65_507)
                : ProbeCodec.defaultSize(mode);
        String name = t.optionalString("name").orElse(new TargetAddress(host, port).toString());
        Map<String, String> labels = new LinkedHashMap<>();
        for (Map.Entry<String, String> label : t.stringMap("labels").entrySet()) {
            if (!LABEL.matcher(label.getKey()).matches() || RESERVED.contains(label.getKey())) {
                throw InvalidConfigException.invalid(t.fullKey("labels." + label.getKey()), label.getValue(),
                        "expected a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*) other than " + RESERVED);
            }
            labels.put(label.getKey(), label.getValue());
        }
        return new TargetConfig(name, host, port, mode, interval, timeout, size, Map.copyOf(labels));
    }

    /** How the service's streams pace their sends: on the configured grid, from the shared send timer. */
    public Pacing pacing() {
        return new Pacing(sendSlot.toNanos(), true);
    }

    /** Every label key some target sets: Prometheus wants one label set per metric name. */
    public List<String> labelKeys() {
        return targets.stream().flatMap(t -> t.labels().keySet().stream()).distinct().sorted().toList();
    }

    /**
     * Whether every target would run the same under {@code other}: the settings all targets share, and the label
     * names every series carries, are equal.
     */
    public boolean sharesSettingsWith(ProberConfig other) {
        return withoutTargets().equals(other.withoutTargets()) && labelKeys().equals(other.labelKeys());
    }

    private ProberConfig withoutTargets() {
        return new ProberConfig(List.of(), resolveInterval, maxAddresses, statsWindow, maxOutstanding, receiveThread,
                sendSlot);
    }
}
