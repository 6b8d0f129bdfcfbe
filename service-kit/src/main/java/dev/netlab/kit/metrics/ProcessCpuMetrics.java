package dev.netlab.kit.metrics;

import com.sun.management.OperatingSystemMXBean;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.lang.management.ManagementFactory;

/**
 * CPU time of this process in seconds, exported as {@code process_cpu_seconds_total} like Prometheus' own client
 * libraries; Micrometer's {@code process_cpu_time_ns_total} is filtered out because promtool rejects its unit.
 */
final class ProcessCpuMetrics implements MeterBinder {

    @Override
    public void bindTo(MeterRegistry registry) {
        if (!(ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os)
                || os.getProcessCpuTime() < 0) {
            return;
        }
        FunctionCounter.builder("process.cpu", os, bean -> bean.getProcessCpuTime() / 1e9)
                .description("CPU time used by the process")
                .baseUnit("seconds")
                .register(registry);
    }
}
