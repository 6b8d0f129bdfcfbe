package dev.netlab.kit.metrics;

import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;

/** Creates the one Prometheus registry a service exports, with JVM and process meters bound. */
public final class MeterRegistries {

    private MeterRegistries() {
    }

    /**
     * A registry whose every meter carries {@code constantTags} (a deployment's {@code node} label, for example) and
     * which already holds the JVM and process meters.
     */
    public static PrometheusMeterRegistry create(Map<String, String> constantTags) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        List<Tag> tags = constantTags.entrySet().stream().map(e -> Tag.of(e.getKey(), e.getValue())).toList();
        registry.config().commonTags(tags);
        // Names promtool check metrics rejects: an abbreviated unit (replaced by process_cpu_seconds_total) and a
        // gauge ending in _count.
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")
                || id.getName().equals("system.cpu.count")));
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        // Lives as long as the registry: the process exits when the service stops.
        new JvmGcMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new ProcessMemoryMetrics().bindTo(registry);
        new ProcessCpuMetrics().bindTo(registry);
        new VirtualThreadSchedulerMetrics().bindTo(registry);
        return registry;
    }
}
