package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** What opening a plain connection does to its socket. */
class PlainTransportTest {

    /** O_NONBLOCK in /proc/self/fdinfo's octal flags (Linux). */
    private static final int O_NONBLOCK = 04000;

    /**
     * A timed read on a socket still in blocking mode switches it to non-blocking and back (four fcntl calls) until
     * the socket's first write; opened on the connection's virtual thread, the socket is non-blocking for good.
     */
    @Test
    @EnabledOnOs(OS.LINUX)
    void aSocketOpenedOnAVirtualThreadStaysNonBlockingAcrossATimedRead() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             SocketChannel client = SocketChannel.open(server.getLocalAddress());
             SocketChannel accepted = server.accept()) {
            PlainTransport transport = new PlainTransport(accepted);
            onAVirtualThread(() -> {
                Socket socket = transport.open(System.nanoTime() + 1_000_000_000L);
                socket.setSoTimeout(20);
                assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            });
            assertThat(fileStatusFlags(accepted, client) & O_NONBLOCK)
                    .as("O_NONBLOCK on the accepted socket after a timed read").isEqualTo(O_NONBLOCK);
        }
    }

    /**
     * A read without waiting finds nothing, then what has arrived, then the end of the stream; the socket's own timed
     * reads still work after it (the channel is back in blocking mode) and the socket stays non-blocking underneath.
     */
    @Test
    @EnabledOnOs(OS.LINUX)
    void aReadNowTakesWhatHasArrivedWithoutWaitingAndLeavesTheSocketsReadsWorking() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             SocketChannel client = SocketChannel.open(server.getLocalAddress());
             SocketChannel accepted = server.accept()) {
            PlainTransport transport = new PlainTransport(accepted);
            onAVirtualThread(() -> {
                Socket socket = transport.open(System.nanoTime() + 1_000_000_000L);
                byte[] buffer = new byte[16];
                assertThat(transport.readNow(buffer, 0, buffer.length)).as("nothing sent yet").isZero();
                client.write(ByteBuffer.wrap("abc".getBytes(StandardCharsets.US_ASCII)));
                int n = readNowOnceSomethingCame(transport, buffer, 2, 10);
                assertThat(new String(buffer, 2, n, StandardCharsets.US_ASCII)).isEqualTo("abc");
                client.write(ByteBuffer.wrap("d".getBytes(StandardCharsets.US_ASCII)));
                socket.setSoTimeout(5_000);
                assertThat(socket.getInputStream().read()).isEqualTo('d');
                client.shutdownOutput();
                assertThat(readNowOnceSomethingCame(transport, buffer, 0, buffer.length)).as("the end of the stream")
                        .isEqualTo(-1);
            });
            assertThat(accepted.isBlocking()).isTrue();
            assertThat(fileStatusFlags(accepted, client) & O_NONBLOCK).isEqualTo(O_NONBLOCK);
        }
    }

    /** Ending a wait from another thread: the parked read sees the end of the stream, the output stays open. */
    @Test
    void anEndedWaitReturnsTheEndOfTheStreamAndTheSocketCanStillAnswer() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             SocketChannel client = SocketChannel.open(server.getLocalAddress());
             SocketChannel accepted = server.accept()) {
            PlainTransport transport = new PlainTransport(accepted);
            AtomicReference<Object> result = new AtomicReference<>();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    Socket socket = transport.open(System.nanoTime() + 1_000_000_000L);
                    socket.setSoTimeout(0);
                    result.set(socket.getInputStream().read());
                } catch (Throwable e) {
                    result.set(e);
                }
            });
            Poll.until(Duration.ofSeconds(5), "the read parked", () -> reader.getState() == Thread.State.WAITING);
            transport.endWait();
            reader.join(5_000);
            assertThat(result.get()).isEqualTo(-1);
            accepted.write(ByteBuffer.wrap("late".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer got = ByteBuffer.allocate(4);
            while (got.hasRemaining() && client.read(got) >= 0) {
                // until the answer is in
            }
            assertThat(new String(got.array(), StandardCharsets.US_ASCII)).isEqualTo("late");
        }
    }

    /** Work that opens a transport: run on a virtual thread (as a connection's), its failure thrown here. */
    private interface SocketWork {
        void run() throws Exception;
    }

    private static void onAVirtualThread(SocketWork work) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            try {
                work.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        }).join();
        assertThat(failure.get()).isNull();
    }

    /** What a read without waiting returns once it returns something (bytes or the end), polled with a deadline. */
    private static int readNowOnceSomethingCame(PlainTransport transport, byte[] buffer, int offset, int length) {
        int[] read = new int[1];
        Poll.until(Duration.ofSeconds(5), "something to read", () -> {
            try {
                read[0] = transport.readNow(buffer, offset, length);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return read[0] != 0;
        });
        return read[0];
    }

    /** The open file status flags of the accepted end of a loopback connection. */
    private static int fileStatusFlags(SocketChannel accepted, SocketChannel client) throws IOException {
        int local = ((InetSocketAddress) accepted.getLocalAddress()).getPort();
        int remote = ((InetSocketAddress) client.getLocalAddress()).getPort();
        return fileStatusFlags(socketInode(local, remote));
    }

    /** The inode of this process's IPv4 or IPv6 loopback TCP socket with those ports, from /proc/net/tcp{,6}. */
    private static long socketInode(int localPort, int remotePort) throws IOException {
        String local = String.format(Locale.ROOT, ":%04X", localPort);
        String remote = String.format(Locale.ROOT, ":%04X", remotePort);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length > 9 && fields[1].endsWith(local) && fields[2].endsWith(remote)) {
                    return Long.parseLong(fields[9]);
                }
            }
        }
        throw new AssertionError("no socket " + localPort + " -> " + remotePort + " in /proc/net/tcp");
    }

    /** The open file status flags of this process's descriptor for the socket with that inode. */
    private static int fileStatusFlags(long inode) throws IOException {
        String target = "socket:[" + inode + "]";
        try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
            for (Path descriptor : descriptors.toList()) {
                try {
                    if (Files.readSymbolicLink(descriptor).toString().equals(target)) {
                        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo", descriptor.getFileName().toString()))) {
                            if (line.startsWith("flags:")) {
                                return Integer.parseInt(line.substring("flags:".length()).trim(), 8);
                            }
                        }
                    }
                } catch (IOException e) {
                    // a descriptor closed while listing (the listing's own)
                }
            }
        }
        throw new AssertionError("no descriptor for " + target);
    }
}
