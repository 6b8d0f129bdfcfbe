package dev.netlab.watch;

import java.io.IOException;
import java.util.function.LongSupplier;

/** Reads one service's figures from its admin socket; it may keep the last reading to compute rates. */
interface ServiceReader<T> {

    T read(AdminClient client, AdminAddress address, LongSupplier nanoTime) throws IOException, InterruptedException;

    /** Forgets earlier readings: the service was unreachable, its counters may restart. */
    default void reset() {
    }
}
