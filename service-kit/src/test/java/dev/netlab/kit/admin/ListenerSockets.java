package dev.netlab.kit.admin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The kernel's view of one TCP port on this host ({@code /proc/net/tcp} and {@code tcp6}): how many connections wait
 * in its listener's accept queue, and how many the process has accepted. A connection the process has not accepted
 * yet has no file, so its inode is 0; a listener's rx_queue is its accept-queue length.
 */
record ListenerSockets(int acceptQueue, int accepted) {

    private static final String LISTEN = "0A";
    private static final String ESTABLISHED = "01";

    static ListenerSockets of(int port) throws IOException {
        int queue = 0;
        int accepted = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path path = Path.of(table);
            if (!Files.exists(path)) {
                continue;
            }
            List<String> lines = Files.readAllLines(path);
            for (String line : lines.subList(1, lines.size())) {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                String[] f = line.trim().split("\\s+");
                String local = f[1];
                if (Integer.parseInt(local.substring(local.indexOf(':') + 1), 16) != port) {
                    continue;
                }
                if (f[3].equals(LISTEN)) {
                    queue += Integer.parseInt(f[4].substring(f[4].indexOf(':') + 1), 16);
                } else if (f[3].equals(ESTABLISHED) && !f[9].equals("0")) {
                    accepted++;
                }
            }
        }
        return new ListenerSockets(queue, accepted);
    }
}
