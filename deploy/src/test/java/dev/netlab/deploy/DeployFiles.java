package dev.netlab.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The repository's deploy files as the deploy tests read them, and the facts they share (services, uid). */
final class DeployFiles {

    static final Path ROOT = Path.of(System.getProperty("netlab.root", "..")).toAbsolutePath().normalize();
    static final List<String> SERVICES = List.of("web-server", "ping-server", "ping-client", "mail-client");

    private DeployFiles() {
    }

    /** The non-root uid the images run as: the Dockerfile's {@code ARG UID=} default. */
    static String imageUid() {
        Matcher uid = Pattern.compile("(?m)^ARG UID=(\\d+)$").matcher(read("deploy/docker/Dockerfile"));
        if (!uid.find()) {
            throw new AssertionError("deploy/docker/Dockerfile has no ARG UID=<number>");
        }
        return uid.group(1);
    }

    /** The text of a file under the repository root. */
    static String read(String path) {
        try {
            return Files.readString(ROOT.resolve(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
