package dev.netlab.webserver.http;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * A cached file kept open for sendfile: a few channels on the same file, each lent to one answer at a time.
 *
 * <p>Why not one channel shared by every answer: {@link FileChannel#transferTo} takes the channel's monitors (the
 * position lock around its fstat, the set of threads in its calls). When two carriers send the same file at once
 * and the holder's carrier is preempted inside them, the other answer's virtual thread blocks on the monitor, leaves
 * its carrier, and is resumed through the scheduler's shared queue, behind every connection in the carriers' own
 * queues: on two CPUs at 64 connections, 1 % of 64 KiB answers waited one to several rounds of the connections
 * there, and they were the p99 (bench/RESULTS.md, "The 64 KiB tail on two CPUs: a shared file's monitors"). With
 * a channel to itself an answer never meets another one's monitors. A virtual thread in sendfile is pinned to its
 * carrier (it cannot park there: a full socket returns 0), so as many channels as carriers are never all lent.
 */
public final class KeptFile implements Closeable {

    /**
     * Channels per kept file: one per carrier of the virtual-thread scheduler, at most four, fewer when the cache's
     * places for descriptors kept open run short. An answer that finds every channel lent (more carriers than
     * channels) sends from the cached bytes instead.
     */
    public static final int CHANNELS = Math.clamp(Carriers.count(), 1, 4);

    private final FileChannel[] channels;
    /** 1 where the channel is lent to an answer. */
    private final AtomicIntegerArray lent;

    /** A kept file of {@code channels}, all open on the same file; it closes them. */
    public KeptFile(List<FileChannel> channels) {
        if (channels.isEmpty()) {
            throw new IllegalArgumentException("a kept file needs a channel");
        }
        this.channels = channels.toArray(FileChannel[]::new);
        this.lent = new AtomicIntegerArray(this.channels.length);
    }

    /** A kept file of one channel (tests, and where one is all there is). */
    public static KeptFile of(FileChannel channel) {
        return new KeptFile(List.of(channel));
    }

    /**
     * Lends a channel to the caller alone until {@link #giveBack}.
     *
     * @return its number, or -1 when every channel is lent
     */
    public int borrow() {
        for (int i = 0; i < channels.length; i++) {
            if (lent.get(i) == 0 && lent.compareAndSet(i, 0, 1)) {
                return i;
            }
        }
        return -1;
    }

    /** The channel lent as {@code number}. */
    public FileChannel channel(int number) {
        return channels[number];
    }

    /** Gives back the channel lent as {@code number}. */
    public void giveBack(int number) {
        lent.set(number, 0);
    }

    /** How many channels it holds. */
    public int size() {
        return channels.length;
    }

    /** How many channels are lent now (tests). */
    public int lentNow() {
        int count = 0;
        for (int i = 0; i < channels.length; i++) {
            count += lent.get(i);
        }
        return count;
    }

    /** Whether every channel is open (the cache has not closed it). */
    public boolean isOpen() {
        for (FileChannel channel : channels) {
            if (!channel.isOpen()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Closes every channel; an answer sending from one meanwhile goes on from the cached bytes.
     *
     * @throws IOException the first close that failed (the others are closed all the same)
     */
    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (FileChannel channel : channels) {
            try {
                channel.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
