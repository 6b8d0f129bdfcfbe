package dev.netlab.kit.lifecycle;

import java.io.IOException;
import java.time.ZoneId;
import java.util.TimeZone;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Loads what a log call and a failure path need before the first client arrives, so that they still work when the
 * process is out of file descriptors: the time zone data (tzdb.dat, read on first use; a failed read poisons the
 * class for good), the log handlers and their formatters, and every jar on the class path (a jar the class loader
 * cannot open is dropped from the class path for the rest of the process).
 */
public final class ErrorPathPreload {

    private ErrorPathPreload() {
    }

    /** Does the loading; cheap, and safe to call more than once. */
    public static void run() {
        TimeZone.getDefault();
        ZoneId.systemDefault().getRules();
        System.getLogger(ErrorPathPreload.class.getName());
        for (Handler handler : Logger.getLogger("").getHandlers()) {
            if (handler.getFormatter() != null) {
                LogRecord record = new LogRecord(Level.WARNING, "preload");
                record.setThrown(new IOException("preload"));
                handler.getFormatter().format(record);
            }
        }
        // Looking up a resource that does not exist walks, and so opens, every jar on the class path.
        ClassLoader loader = ErrorPathPreload.class.getClassLoader();
        if (loader != null) {
            loader.getResource("dev/netlab/kit/lifecycle/absent-resource-that-opens-every-jar");
        }
    }
}
