package dev.netlab.pingclient.service;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * This JVM's live threads, virtual ones included, and its open file descriptors.
 *
 * <p>Threads are listed from the JDK's thread containers, the registry a thread dump lists them from, without the
 * dump's stack snapshots: {@code HotSpotDiagnosticMXBean.dumpThreads} crashed this test JVM twice on Temurin 25.0.3
 * (SIGSEGV in {@code GetThreadSnapshotClosure} while a virtual thread unparked in {@code afterYield}; OpenJDK
 * JDK-8364343: dumping threads while virtual threads mount and unmount). The containers are JDK-internal, so the
 * tests run with {@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED} (this module's Surefire argLine).
 */
final class ThreadCensus {

    private ThreadCensus() {
    }

    /** The live threads whose name starts with {@code prefix}, as "name virtual|platform". */
    static List<String> threads(String prefix) {
        List<String> found = new ArrayList<>();
        try {
            Method root = Class.forName("jdk.internal.vm.ThreadContainers").getMethod("root");
            Class<?> container = Class.forName("jdk.internal.vm.ThreadContainer");
            Method threads = container.getMethod("threads");
            Method children = container.getMethod("children");
            Deque<Object> containers = new ArrayDeque<>(List.of(root.invoke(null)));
            while (!containers.isEmpty()) {
                Object next = containers.pop();
                try (Stream<?> members = (Stream<?>) threads.invoke(next)) {
                    members.map(Thread.class::cast)
                            .filter(thread -> thread.isAlive() && thread.getName().startsWith(prefix))
                            .forEach(thread -> found.add(thread.getName()
                                    + (thread.isVirtual() ? " virtual" : " platform")));
                }
                try (Stream<?> inner = (Stream<?>) children.invoke(next)) {
                    inner.forEach(containers::push);
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot list the JVM's threads (run with --add-exports "
                    + "java.base/jdk.internal.vm=ALL-UNNAMED)", e);
        }
        return found;
    }

    /** How many file descriptors this process has open ({@code /proc/self/fd}, Linux). */
    static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /** One of this process's UDP sockets: its local and remote address as the kernel's tables print them (hex). */
    record UdpSocket(String local, String remote) {

        /** The local port. */
        int localPort() {
            return Integer.parseInt(local.substring(local.indexOf(':') + 1), 16);
        }

        /** Whether the socket is connected to {@code port} on any address. */
        boolean connectedToPort(int port) {
            return remote.endsWith(String.format(":%04X", port));
        }

        /** Whether the socket is connected to nothing. */
        boolean unconnected() {
            return remote.chars().allMatch(c -> c == '0' || c == ':');
        }
    }

    /**
     * This process's UDP sockets: its descriptors' socket inodes ({@code /proc/self/fd}) looked up in the kernel's UDP
     * tables ({@code /proc/self/net/udp}, {@code udp6}; Linux).
     */
    static List<UdpSocket> udpSockets() throws IOException {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // A descriptor closed between the listing and the read is not a socket of ours.
                }
            }
        }
        List<UdpSocket> sockets = new ArrayList<>();
        for (String table : List.of("/proc/self/net/udp", "/proc/self/net/udp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                if (inodes.contains(fields[9])) {
                    sockets.add(new UdpSocket(fields[1], fields[2]));
                }
            }
        }
        return sockets;
    }

    /**
     * How many of this process's UDP sockets are connected to {@code port} on any address, so sockets an earlier test
     * is still closing do not count.
     */
    static long udpSocketsConnectedTo(int port) throws IOException {
        return udpSockets().stream().filter(socket -> socket.connectedToPort(port)).count();
    }

    /** How many platform threads are alive. */
    static int platformThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }
}
