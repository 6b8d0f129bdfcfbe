package dev.netlab.pingserver.engine;

import dev.netlab.kit.log.ThrottledLog;
import dev.netlab.pingprotocol.Mode;
import dev.netlab.pingserver.engine.PingMetrics.FaultKind;
import dev.netlab.pingserver.faults.Fate;
import dev.netlab.pingserver.protocol.Reflector;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Sends one listener's replies with their simulated faults. A plain reply goes out at once from the receive thread;
 * a delayed one is scheduled (never slept on the receive loop); a duplicated one goes out twice, back to back; a
 * reordered one is held until the next reply has gone out (or {@code reorder-hold} passes). At most one reply is
 * held, so no datagram ever gets more than two replies.
 */
final class ReplySender {

    private static final Logger LOG = System.getLogger(ReplySender.class.getName());

    /** At most this many delayed replies wait per listener; more are dropped as a full queue would drop them. */
    static final int MAX_DELAYED = 65_536;

    /** A reply that leaves the receive loop's buffer: its own copy of the bytes. */
    private record Outgoing(byte[] data, InetSocketAddress to, boolean duplicate) {
    }

    private final Mode mode;
    private final DatagramChannel channel;
    private final Reflector reflector;
    private final PingMetrics metrics;
    private final ScheduledExecutorService scheduler;
    private final long reorderHoldNanos;
    // Delayed replies are copies waiting in the scheduler: bounded, like a real link's queue.
    private final AtomicInteger delayed = new AtomicInteger();
    // Guards held and orders sends when the scheduler and the receive thread both send.
    private final ReentrantLock lock = new ReentrantLock();
    // A peer can make every send fail (an address the kernel refuses): one line per interval at most.
    private final ThrottledLog sendFailures = ThrottledLog.every(Receiver.LOG_INTERVAL, LOG);
    private Outgoing held;
    private ScheduledFuture<?> holdTimer;

    ReplySender(Mode mode, DatagramChannel channel, Reflector reflector, PingMetrics metrics,
                ScheduledExecutorService scheduler, Duration reorderHold) {
        this.mode = mode;
        this.channel = channel;
        this.reflector = reflector;
        this.metrics = metrics;
        this.scheduler = scheduler;
        this.reorderHoldNanos = reorderHold.toNanos();
    }

    /**
     * Sends {@code reply} (position to limit) to {@code to} as {@code fate} says; the buffer may be reused after.
     *
     * @return false when the reply was dropped because too many delayed replies are already waiting
     */
    boolean send(ByteBuffer reply, InetSocketAddress to, Fate fate) {
        if (fate.plain()) {
            lock.lock();
            try {
                if (held == null) {
                    transmit(reply, to);
                    return true;
                }
            } finally {
                lock.unlock();
            }
        }
        byte[] copy = new byte[reply.remaining()];
        reply.get(reply.position(), copy);
        Outgoing outgoing = new Outgoing(copy, to, fate.duplicate());
        if (fate.delayNanos() > 0) {
            if (delayed.incrementAndGet() > MAX_DELAYED) {
                delayed.decrementAndGet();
                return false;
            }
            metrics.fault(mode, FaultKind.DELAYED);
            try {
                scheduler.schedule(() -> {
                    delayed.decrementAndGet();
                    release(outgoing, fate.reorder());
                }, fate.delayNanos(), TimeUnit.NANOSECONDS);
                return true;
            } catch (RejectedExecutionException e) {
                delayed.decrementAndGet(); // shutting down: send now rather than lose it
            }
        }
        release(outgoing, fate.reorder());
        return true;
    }

    private void release(Outgoing outgoing, boolean reorder) {
        lock.lock();
        try {
            if (held != null) {
                Outgoing overtaken = held;
                held = null;
                holdTimer.cancel(false); // so a drain does not wait for it
                metrics.fault(mode, FaultKind.REORDERED);
                transmit(outgoing);
                transmit(overtaken);
                return;
            }
            if (reorder) {
                try {
                    holdTimer = scheduler.schedule(() -> flush(outgoing), reorderHoldNanos, TimeUnit.NANOSECONDS);
                    held = outgoing;
                    return;
                } catch (RejectedExecutionException e) {
                    // shutting down: nothing will come after it
                }
            }
            transmit(outgoing);
        } finally {
            lock.unlock();
        }
    }

    /** Sends a held reply that no later reply overtook in time. */
    private void flush(Outgoing outgoing) {
        lock.lock();
        try {
            if (held == outgoing) {
                held = null;
                transmit(outgoing);
            }
        } finally {
            lock.unlock();
        }
    }

    private void transmit(Outgoing outgoing) {
        ByteBuffer buffer = ByteBuffer.wrap(outgoing.data());
        transmit(buffer, outgoing.to());
        if (outgoing.duplicate()) {
            buffer.rewind();
            if (write(buffer, outgoing.to())) {
                metrics.fault(mode, FaultKind.DUPLICATED);
            }
        }
    }

    private void transmit(ByteBuffer reply, InetSocketAddress to) {
        if (write(reply, to)) {
            metrics.reflected(mode);
        }
    }

    private boolean write(ByteBuffer reply, InetSocketAddress to) {
        int start = reply.position();
        reflector.beforeSend(reply);
        try {
            channel.send(reply, to);
            return true;
        } catch (ClosedChannelException e) {
            return false;
        } catch (IOException e) {
            sendFailures.log(Level.DEBUG, () -> mode.label() + ": cannot send a reply to " + to, e);
            return false;
        } finally {
            reply.position(start);
        }
    }
}
