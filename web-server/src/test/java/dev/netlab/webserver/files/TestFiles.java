package dev.netlab.webserver.files;

import dev.netlab.webserver.http.Body;
import dev.netlab.webserver.http.Response;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

/** Files written for the handler tests, and the text of the handler's answers. */
final class TestFiles {

    private TestFiles() {
    }

    /** Writes in place (same inode), then sets the modification time. */
    static void write(Path file, String text, Instant modified) throws IOException {
        Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        Files.setLastModifiedTime(file, FileTime.from(modified));
    }

    /** The whole body of a file's answer as UTF-8 text (its body closed). */
    static String text(Response response) throws IOException {
        try (Body body = response.body()) {
            return switch (body) {
                case Body.Bytes bytes -> new String(bytes.data(), StandardCharsets.UTF_8);
                case Body.FileRegion region -> {
                    ByteBuffer buffer = ByteBuffer.allocate((int) region.length());
                    region.channel().read(buffer, region.position());
                    yield new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
                }
                case Body.Empty empty -> "";
                default -> throw new AssertionError("not a whole file's body: " + body);
            };
        }
    }
}
