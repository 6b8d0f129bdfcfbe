package dev.netlab.watch;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The services the view reads, in the order it shows them, with their contract admin ports. */
enum ServiceName {
    PING_CLIENT("ping-client", 9082),
    PING_SERVER("ping-server", 9081),
    WEB_SERVER("web-server", 9080),
    MAIL_CLIENT("mail-client", 9083);

    private final String label;
    private final int adminPort;

    ServiceName(String label, int adminPort) {
        this.label = label;
        this.adminPort = adminPort;
    }

    String label() {
        return label;
    }

    int adminPort() {
        return adminPort;
    }

    static Optional<ServiceName> of(String label) {
        return Arrays.stream(values()).filter(s -> s.label.equals(label)).findFirst();
    }

    /** The labels, for messages: {@code ping-client, ping-server, web-server, mail-client}. */
    static String labels() {
        return Arrays.stream(values()).map(ServiceName::label).collect(Collectors.joining(", "));
    }
}
