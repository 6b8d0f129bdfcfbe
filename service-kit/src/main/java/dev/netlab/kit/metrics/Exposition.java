package dev.netlab.kit.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@code /metrics} exposition: the registry's families as Micrometer writes them, with the families a service
 * writes itself ({@link MetricFamilies}) merged in where their names sort, so the whole stays in one order.
 */
public final class Exposition {

    private static final String HELP = "# HELP ";
    private static final int BUFFER = 64 * 1024;

    private Exposition() {
    }

    /** Writes the whole exposition to {@code out} (which it flushes, not closes). */
    public static void write(PrometheusMeterRegistry registry, List<MetricFamilies> services, OutputStream out)
            throws IOException {
        Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), BUFFER);
        write(registry, services, writer);
        writer.flush();
    }

    /**
     * Writes the whole exposition from a platform thread of its own and waits for it. A long scrape on a virtual
     * thread holds its carrier until it ends (virtual threads are not preempted), and every virtual thread waiting for
     * that carrier waits with it: with one core, every probe of the ping-client. The OS preempts a platform thread.
     */
    public static void writeOnPlatformThread(PrometheusMeterRegistry registry, List<MetricFamilies> services,
                                             OutputStream out) throws IOException, InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = Thread.ofPlatform().name("metrics-scrape").daemon().start(() -> {
            try {
                write(registry, services, out);
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        writer.join();
        switch (failure.get()) {
            case null -> {
            }
            case IOException e -> throw e;
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            case Throwable e -> throw new IllegalStateException(e);
        }
    }

    /** The whole exposition as text (tests, and callers without a stream). */
    public static String scrape(PrometheusMeterRegistry registry, List<MetricFamilies> services) {
        if (services.isEmpty()) {
            return registry.scrape();
        }
        StringWriter text = new StringWriter();
        try {
            write(registry, services, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    private static void write(PrometheusMeterRegistry registry, List<MetricFamilies> services, Writer out)
            throws IOException {
        List<Chunk> registryFamilies = chunks(registry.scrape());
        List<Own> own = new ArrayList<>();
        for (MetricFamilies service : services) {
            for (String name : service.names()) {
                own.add(new Own(name, service));
            }
        }
        own.sort((a, b) -> a.name().compareTo(b.name()));
        int next = 0;
        for (Chunk chunk : registryFamilies) {
            while (next < own.size() && own.get(next).name().compareTo(chunk.name()) < 0) {
                own.get(next).write(out);
                next++;
            }
            out.write(chunk.text());
        }
        for (; next < own.size(); next++) {
            own.get(next).write(out);
        }
    }

    /** Splits Micrometer's text at its {@code # HELP} lines: one chunk per family, named as its HELP line names it. */
    static List<Chunk> chunks(String text) {
        List<Chunk> chunks = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf("\n" + HELP, start);
            end = end < 0 ? text.length() : end + 1;
            String family = text.substring(start, end);
            String name = family.startsWith(HELP)
                    ? family.substring(HELP.length(), indexOrEnd(family, ' ', HELP.length())) : "";
            chunks.add(new Chunk(name, family));
            start = end;
        }
        return chunks;
    }

    private static int indexOrEnd(String text, char c, int from) {
        int at = text.indexOf(c, from);
        return at < 0 ? text.length() : at;
    }

    /** One family of the registry's text. */
    record Chunk(String name, String text) {
    }

    /** One family a service writes. */
    private record Own(String name, MetricFamilies source) {

        void write(Writer out) throws IOException {
            source.write(name, out);
        }
    }
}
