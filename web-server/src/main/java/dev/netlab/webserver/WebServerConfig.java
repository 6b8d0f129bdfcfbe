package dev.netlab.webserver;

import dev.netlab.kit.config.InvalidConfigException;
import dev.netlab.kit.config.Settings;
import dev.netlab.webserver.files.DotfilePolicy;
import dev.netlab.webserver.files.SymlinkPolicy;
import dev.netlab.webserver.http.HttpLimits;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Every {@code webserver.*} setting, read and validated before anything is bound.
 *
 * @param root             the directory served
 * @param bindAddress      the address the web listener binds
 * @param port             its port (0: any free one)
 * @param limits           the parser's limits
 * @param headTimeout      how long a request head may take to arrive, from its first byte (408 and close)
 * @param idleTimeout      how long a kept-alive connection may wait for its next request
 * @param sendTimeout      how long one write may stay blocked by a client that does not read
 * @param lingerTimeout    how long a closing connection drains what the client still sends
 * @param maxConnections   open connections beyond which a new one gets 503
 * @param keepAliveRequests requests answered on one connection, the last with Connection: close
 * @param directoryListing whether a directory without index.html is listed (else 404)
 * @param dotfiles         what names starting with "." get
 * @param symlinks         which symbolic links are followed
 */
record WebServerConfig(Path root, InetAddress bindAddress, int port, HttpLimits limits, Duration headTimeout,
                       Duration idleTimeout, Duration sendTimeout, Duration lingerTimeout, int maxConnections, int keepAliveRequests,
                       boolean directoryListing,
                       DotfilePolicy dotfiles, SymlinkPolicy symlinks) {

    private static final Duration MIN_TIMEOUT = Duration.ofMillis(1);
    private static final Duration MAX_TIMEOUT = Duration.ofHours(1);

    /** Reads the {@code webserver} section. */
    static WebServerConfig from(Settings settings) {
        Settings web = settings.child("webserver");
        Settings limits = web.child("limits");
        Settings timeouts = web.child("timeouts");
        return new WebServerConfig(
                root(web),
                web.bindAddress("bind-address"),
                web.port("port"),
                new HttpLimits(
                        (int) limits.byteSize("request-line", 64, 1024 * 1024),
                        (int) limits.byteSize("header-section", 64, 16 * 1024 * 1024),
                        limits.integer("header-fields", 1, 10_000),
                        limits.byteSize("request-body", 0, Long.MAX_VALUE / 2)),
                timeouts.duration("head", MIN_TIMEOUT, MAX_TIMEOUT),
                timeouts.duration("idle", MIN_TIMEOUT, MAX_TIMEOUT),
                timeouts.duration("send", MIN_TIMEOUT, MAX_TIMEOUT),
                timeouts.duration("linger", Duration.ZERO, Duration.ofMinutes(1)),
                web.integer("max-connections", 1, 1_000_000),
                limits.integer("keepalive-requests", 1, Integer.MAX_VALUE),
                web.bool("directory-listing"),
                web.choice("dotfiles", DotfilePolicy.class),
                web.choice("symlinks", SymlinkPolicy.class));
    }

    private static Path root(Settings web) {
        String value = web.string("root");
        try {
            Path root = Path.of(value).toAbsolutePath().normalize();
            if (Files.isDirectory(root)) {
                return root;
            }
        } catch (InvalidPathException e) {
            // reported below
        }
        throw InvalidConfigException.invalid(web.fullKey("root"), value, "expected an existing directory");
    }
}
