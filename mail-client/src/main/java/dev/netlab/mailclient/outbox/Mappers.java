package dev.netlab.mailclient.outbox;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The service's JSON mapper. Its buffers are recycled through one shared pool, not Jackson's default per-thread one:
 * records and requests run on virtual threads that live for one batch or one connection, and each new thread paid
 * for a new set of buffers and a thread-local map.
 */
public final class Mappers {

    /** Shared by every thread (an {@code ObjectMapper} is thread-safe once configured). */
    public static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.newConcurrentDequePool()).build());

    private Mappers() {
    }
}
