package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.webserver.http.Body;
import dev.netlab.webserver.http.Headers;
import dev.netlab.webserver.http.HttpDate;
import dev.netlab.webserver.http.KeptFile;
import dev.netlab.webserver.http.Response;
import dev.netlab.webserver.http.ResponseWriter;
import dev.netlab.webserver.http.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cached file that the cache keeps open goes to a plain socket with sendfile after a first page sent with the head,
 * and an answer is whole whatever happens to the file: closed by the cache meanwhile, or a client reading slowly.
 * Real sockets on loopback.
 */
class KeptFileSendTest {

    private static final HttpDate DATE =
            new HttpDate(Clock.fixed(Instant.parse("2026-12-01T05:00:00Z"), ZoneOffset.UTC));
    private static final int FIRST_PAGE = 4096;

    @TempDir
    Path dir;
    ServerSocketChannel listener;
    SocketChannel client;
    SocketChannel server;

    @BeforeEach
    void connect() throws IOException {
        listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        client = SocketChannel.open(listener.getLocalAddress());
        server = listener.accept();
    }

    @AfterEach
    void close() throws IOException {
        client.close();
        server.close();
        listener.close();
    }

    @Test
    void theBytesAfterTheFirstPageComeFromTheKeptFile() throws Exception {
        // The buffer and the file differ after the first page only so that the answer shows which one was sent.
        byte[] buffered = pattern(40 * 1024, 1);
        byte[] onDisk = buffered.clone();
        Arrays.fill(onDisk, FIRST_PAGE, onDisk.length, (byte) 'f');
        try (FileChannel file = open(onDisk)) {
            long sent = write(new Body.Shared(direct(buffered), KeptFile.of(file)));
            byte[] body = readBody(buffered.length);
            assertThat(Arrays.copyOfRange(body, 0, FIRST_PAGE)).isEqualTo(Arrays.copyOfRange(buffered, 0, FIRST_PAGE));
            assertThat(Arrays.copyOfRange(body, FIRST_PAGE, body.length))
                    .isEqualTo(Arrays.copyOfRange(onDisk, FIRST_PAGE, onDisk.length));
            assertThat(sent).isEqualTo(headLength(buffered.length) + buffered.length);
        }
    }

    @Test
    void anAnswerGoesOnFromTheBufferWhenTheCacheHasClosedTheFile() throws Exception {
        byte[] buffered = pattern(40 * 1024, 2);
        FileChannel file = open(new byte[buffered.length]);
        file.close();
        write(new Body.Shared(direct(buffered), KeptFile.of(file)));
        assertThat(readBody(buffered.length)).isEqualTo(buffered);
    }

    @Test
    void anAnswerThatFindsEveryChannelLentGoesOutFromTheBufferAndLeavesTheOthersLent() throws Exception {
        // Buffer and disk differ after the first page: the answer shows it did not touch the lent channel.
        byte[] buffered = pattern(40 * 1024, 5);
        try (FileChannel file = open(new byte[buffered.length])) {
            KeptFile kept = KeptFile.of(file);
            int lentElsewhere = kept.borrow();
            write(new Body.Shared(direct(buffered), kept));
            assertThat(readBody(buffered.length)).isEqualTo(buffered);
            assertThat(kept.lentNow()).isEqualTo(1);
            kept.giveBack(lentElsewhere);
        }
    }

    @Test
    void anAnswerGivesBackTheChannelItSentFrom() throws Exception {
        byte[] content = pattern(40 * 1024, 6);
        Path file = Files.write(dir.resolve("two-channels.bin"), content);
        try (FileChannel first = FileChannel.open(file); FileChannel second = FileChannel.open(file)) {
            KeptFile kept = new KeptFile(List.of(first, second));
            write(new Body.Shared(direct(content), kept));
            assertThat(readBody(content.length)).isEqualTo(content);
            assertThat(kept.lentNow()).isZero();
        }
    }

    @Test
    void aFileNoLargerThanTheFirstPageGoesOutWithTheHead() throws Exception {
        byte[] buffered = pattern(FIRST_PAGE, 3);
        try (FileChannel file = open(new byte[FIRST_PAGE])) {
            write(new Body.Shared(direct(buffered), KeptFile.of(file)));
            assertThat(readBody(buffered.length)).isEqualTo(buffered);
        }
    }

    @Test
    void aClientThatStopsReadingGetsEveryByteOnceItReadsAgain() throws Exception {
        // Small socket buffers on both sides: 256 KiB cannot fit, so the writer waits for the client mid-answer.
        server.setOption(StandardSocketOptions.SO_SNDBUF, 8 * 1024);
        client.setOption(StandardSocketOptions.SO_RCVBUF, 8 * 1024);
        byte[] content = pattern(256 * 1024, 4);
        try (FileChannel file = open(content)) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            // A virtual thread, as a connection's: its socket is non-blocking underneath, so sendfile returns 0 when
            // the send buffer is full and the writer must wait some other way.
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    write(new Body.Shared(direct(content), KeptFile.of(file)));
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            Poll.until(Duration.ofSeconds(10), "the writer waits for the client",
                    () -> writer.getState() == Thread.State.WAITING || !writer.isAlive());
            assertThat(writer.isAlive()).as("still writing when the client had read nothing").isTrue();
            byte[] body = readBody(content.length);
            writer.join(Duration.ofSeconds(10));
            assertThat(failure.get()).isNull();
            assertThat(body).isEqualTo(content);
        }
    }

    private long write(Body body) throws IOException {
        return new ResponseWriter(server, 16 * 1024, DATE)
                .write(new Response(Status.OK, new Headers(), body), false, false, false);
    }

    private byte[] readBody(int length) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        String head = null;
        ByteBuffer piece = ByteBuffer.allocate(8192);
        while (head == null || received.size() < length) {
            piece.clear();
            int n = client.read(piece);
            assertThat(n).as("the server closed before the whole answer").isPositive();
            received.write(piece.array(), 0, n);
            if (head == null) {
                String text = received.toString(StandardCharsets.ISO_8859_1);
                int end = text.indexOf("\r\n\r\n");
                if (end >= 0) {
                    head = text.substring(0, end + 4);
                    byte[] rest = Arrays.copyOfRange(received.toByteArray(), end + 4, received.size());
                    received.reset();
                    received.write(rest);
                }
            }
        }
        assertThat(head).startsWith("HTTP/1.1 200 OK\r\n").contains("Content-Length: " + length + "\r\n");
        assertThat(received.size()).isEqualTo(length);
        return received.toByteArray();
    }

    private static int headLength(int length) {
        return ("HTTP/1.1 200 OK\r\nDate: Tue, 01 Dec 2026 05:00:00 GMT\r\nServer: netlab\r\nContent-Length: " + length
                + "\r\n\r\n").length();
    }

    private FileChannel open(byte[] content) throws IOException {
        Path file = Files.createTempFile(dir, "kept", ".bin");
        Files.write(file, content);
        return FileChannel.open(file, StandardOpenOption.READ);
    }

    private static ByteBuffer direct(byte[] content) {
        return ByteBuffer.allocateDirect(content.length).put(content).flip().asReadOnlyBuffer();
    }

    private static byte[] pattern(int size, int seed) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31 + seed + i / 253);
        }
        return bytes;
    }
}
