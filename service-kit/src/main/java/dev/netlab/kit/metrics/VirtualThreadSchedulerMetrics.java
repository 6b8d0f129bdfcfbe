package dev.netlab.kit.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Virtual threads mounted on carriers and queued for one, and the carrier pool's size, from the JDK's
 * {@code jdk.management.VirtualThreadSchedulerMXBean} (JDK 24 and later; read by name, so the code still targets 21).
 * On an older JDK the gauges are absent: the JDK exposes no virtual thread count there.
 */
final class VirtualThreadSchedulerMetrics implements MeterBinder {

    private static final String SCHEDULER = "jdk.management:type=VirtualThreadScheduler";

    @Override
    public void bindTo(MeterRegistry registry) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name;
        try {
            name = new ObjectName(SCHEDULER);
        } catch (JMException e) {
            return;
        }
        if (!server.isRegistered(name)) {
            return;
        }
        gauge(registry, server, name, "jvm.threads.virtual.mounted", "MountedVirtualThreadCount",
                "Virtual threads mounted on a carrier thread (running)");
        gauge(registry, server, name, "jvm.threads.virtual.queued", "QueuedVirtualThreadCount",
                "Virtual threads queued to run, waiting for a carrier thread");
        gauge(registry, server, name, "jvm.threads.virtual.carriers", "PoolSize",
                "Carrier threads in the virtual thread scheduler's pool");
    }

    private static void gauge(MeterRegistry registry, MBeanServer server, ObjectName name, String meter,
                              String attribute, String description) {
        Gauge.builder(meter, () -> read(server, name, attribute)).description(description).register(registry);
    }

    private static double read(MBeanServer server, ObjectName name, String attribute) {
        try {
            return ((Number) server.getAttribute(name, attribute)).doubleValue();
        } catch (JMException | ClassCastException e) {
            // Reported as NaN, which Prometheus shows as a gap.
            return Double.NaN;
        }
    }
}
