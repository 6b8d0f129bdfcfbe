package dev.netlab.webserver;

import dev.netlab.kit.testing.ServiceProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The packaged server started as {@code nobody} (uid and gid 65534), so that file permissions bind it: the tests run
 * as root, who can read everything.
 */
final class UnprivilegedServer {

    private static final Path JAR = Path.of("target/web-server.jar").toAbsolutePath();

    private UnprivilegedServer() {
    }

    /** The server serving {@code root} on an ephemeral port, its admin socket on another. */
    static ServiceProcess start(Path root) throws IOException {
        return ServiceProcess.start(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
                ServiceProcess.javaBinary(), "-jar", JAR.toString(), "--root", root.toString(), "--port", "0"),
                Map.of("ADMIN_PORT", "0"), null);
    }
}
