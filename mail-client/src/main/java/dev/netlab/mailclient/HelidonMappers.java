package dev.netlab.mailclient;

import io.helidon.common.mapper.MapperManager;

/**
 * Pins Helidon's global mapper before anything in Helidon asks for it. Helidon 4.2 maps every request's
 * {@code Content-Length} to a number through {@code MapperManager.global()}, which, while no global manager is set,
 * asks the service registry for one on every call (about 2 us, 6-9 % of the mail API's CPU per message); once set,
 * it is a field read. Setting it later, after Helidon has looked one up, logs a warning, so only {@code main} calls
 * this, first.
 */
final class HelidonMappers {

    private HelidonMappers() {
    }

    /** Makes one mapper manager the process's global one (and the service registry's). */
    @SuppressWarnings("removal")
    static void pinGlobal() {
        MapperManager.global(MapperManager.create());
    }
}
