package dev.netlab.pingclient.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** This JVM's live threads, virtual ones included (a JSON thread dump), and its open file descriptors. */
final class ThreadCensus {

    private ThreadCensus() {
    }

    /** The live threads whose name starts with {@code prefix}, as "name virtual|platform". */
    static List<String> threads(Path dir, String prefix) throws IOException {
        Path dump = dir.resolve("threads-" + System.nanoTime() + ".json");
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
        List<String> found = new ArrayList<>();
        for (JsonNode container : new ObjectMapper().readTree(dump.toFile()).get("threadDump").get("threadContainers")) {
            for (JsonNode thread : container.get("threads")) {
                String name = thread.path("name").asText();
                if (name.startsWith(prefix)) {
                    found.add(name + (thread.path("virtual").asBoolean() ? " virtual" : " platform"));
                }
            }
        }
        Files.delete(dump);
        return found;
    }

    /** How many file descriptors this process has open ({@code /proc/self/fd}, Linux). */
    static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /** How many platform threads are alive. */
    static int platformThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }
}
