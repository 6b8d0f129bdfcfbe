package dev.netlab.kit.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resident and virtual memory of this process from {@code /proc/self/status}, exported under the names that
 * Prometheus' own client libraries use ({@code process_resident_memory_bytes}), which Micrometer lacks.
 */
final class ProcessMemoryMetrics implements MeterBinder {

    private static final Path STATUS = Path.of("/proc/self/status");

    @Override
    public void bindTo(MeterRegistry registry) {
        if (!Files.isReadable(STATUS)) {
            return;
        }
        Gauge.builder("process.resident.memory", () -> kibibytes("VmRSS:") * 1024.0)
                .description("Resident set size of the process")
                .baseUnit(BaseUnits.BYTES)
                .register(registry);
        Gauge.builder("process.virtual.memory", () -> kibibytes("VmSize:") * 1024.0)
                .description("Virtual memory size of the process")
                .baseUnit(BaseUnits.BYTES)
                .register(registry);
    }

    private static double kibibytes(String field) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(field)) {
                    return Double.parseDouble(line.substring(field.length()).replace("kB", "").strip());
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Reported as NaN, which Prometheus shows as a gap.
        }
        return Double.NaN;
    }
}
