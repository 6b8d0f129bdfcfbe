package dev.netlab.kit.lifecycle;

/**
 * The kind of thread a service runs a hot receive loop on ({@code receive-thread: virtual | platform}). Virtual is
 * the default everywhere (the design card's choice); a platform thread blocks in the system call itself, so the
 * kernel wakes it directly instead of through the JDK's poller and a carrier.
 */
public enum ThreadKind {
    VIRTUAL,
    PLATFORM;

    /** A builder of this kind's threads named {@code name}; platform threads are daemons. */
    public Thread.Builder builder(String name) {
        return this == VIRTUAL ? Thread.ofVirtual().name(name) : Thread.ofPlatform().daemon().name(name);
    }
}
