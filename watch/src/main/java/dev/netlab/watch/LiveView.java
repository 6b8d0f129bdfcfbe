package dev.netlab.watch;

import dev.netlab.watch.Event.Key;
import java.io.IOError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jline.keymap.BindingReader;
import org.jline.keymap.KeyMap;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp.Capability;

/**
 * The full-screen view: the terminal in raw mode on its alternate screen, one thread reading keys, one reading the
 * services every interval, and this one drawing whatever happens next. The terminal is restored on every exit.
 */
final class LiveView {

    /** Exit code of an interrupt (Ctrl-C), as shells report a SIGINT. */
    static final int EXIT_INTERRUPTED = 130;

    private final Terminal terminal;
    private final Collector collector;
    private final Duration interval;
    private final FrameRenderer renderer;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final ReentrantLock restoreLock = new ReentrantLock();
    private Attributes saved;
    private boolean restored;

    LiveView(Terminal terminal, Collector collector, Duration interval, FrameRenderer renderer) {
        this.terminal = terminal;
        this.collector = collector;
        this.interval = interval;
        this.renderer = renderer;
    }

    /** Runs until {@code q} (0), Ctrl-C (130) or the end of input (0). */
    int run() throws InterruptedException {
        Thread restoreOnExit = new Thread(this::restore, "watch-restore-terminal");
        Runtime.getRuntime().addShutdownHook(restoreOnExit);
        saved = terminal.enterRawMode();
        terminal.puts(Capability.enter_ca_mode);
        terminal.puts(Capability.keypad_xmit);
        terminal.puts(Capability.cursor_invisible);
        terminal.flush();
        terminal.handle(Terminal.Signal.WINCH, signal -> events.offer(new Event.Resized()));
        terminal.handle(Terminal.Signal.INT, signal -> events.offer(Key.INTERRUPT));
        Thread keys = Thread.ofPlatform().daemon().name("watch-keys").start(this::readKeys);
        Thread poller = Thread.ofPlatform().daemon().name("watch-poll").start(this::poll);
        try {
            return loop();
        } finally {
            poller.interrupt();
            restore();
            keys.interrupt();
            try {
                Runtime.getRuntime().removeShutdownHook(restoreOnExit);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down; the hook restores the terminal once more, harmlessly.
            }
        }
    }

    private int loop() throws InterruptedException {
        Display display = new Display(terminal, true);
        Size size = terminal.getSize();
        display.resize(size.getRows(), size.getColumns());
        Figures shown = null;
        boolean paused = false;
        int scroll = 0;
        int maxScroll = 0;
        while (true) {
            Event event = events.take();
            switch (event) {
                case Event.Refreshed(Figures figures) -> {
                    if (!paused || shown == null) {
                        shown = figures;
                    }
                }
                case Event.Resized resized -> {
                    size = terminal.getSize();
                    display.clear();
                    display.resize(size.getRows(), size.getColumns());
                }
                case Event.InputClosed closed -> {
                    return 0;
                }
                case Key key -> {
                    int page = Math.max(1, (size.getRows() - 12) / 2);
                    switch (key) {
                        case QUIT -> {
                            return 0;
                        }
                        case INTERRUPT -> {
                            return EXIT_INTERRUPTED;
                        }
                        case PAUSE -> paused = !paused;
                        case UP -> scroll = Math.max(0, scroll - 1);
                        case DOWN -> scroll = Math.min(maxScroll, scroll + 1);
                        case PAGE_UP -> scroll = Math.max(0, scroll - page);
                        case PAGE_DOWN -> scroll = Math.min(maxScroll, scroll + page);
                        case HOME -> scroll = 0;
                        case END -> scroll = maxScroll;
                    }
                }
            }
            if (shown != null && size.getRows() > 0 && size.getColumns() > 0) {
                FrameRenderer.Frame frame = renderer.render(shown,
                        new FrameRenderer.View(size.getColumns(), size.getRows(), scroll, paused));
                scroll = frame.scroll();
                maxScroll = frame.maxScroll();
                // Display edits the list it is given.
                display.update(new ArrayList<>(frame.lines()), -1);
                terminal.flush();
            }
        }
    }

    /** Reads the services now and then every interval, at a fixed rate, until interrupted. */
    private void poll() {
        long next = System.nanoTime();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                events.offer(new Event.Refreshed(collector.collect()));
                next += interval.toNanos();
                long wait = next - System.nanoTime();
                if (wait < 0) {
                    // A reading took longer than the interval: start the next one now, not a burst of them.
                    next = System.nanoTime();
                } else {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // The view never dies because one reading failed; the next interval tries again.
                next = System.nanoTime() + interval.toNanos();
            }
        }
    }

    private void readKeys() {
        KeyMap<Key> keys = new KeyMap<>();
        keys.bind(Key.QUIT, "q", "Q");
        keys.bind(Key.PAUSE, "p", "P", " ");
        keys.bind(Key.UP, "k");
        keys.bind(Key.DOWN, "j");
        keys.bind(Key.HOME, "g");
        keys.bind(Key.END, "G");
        bind(keys, Key.UP, Capability.key_up);
        bind(keys, Key.DOWN, Capability.key_down);
        bind(keys, Key.PAGE_UP, Capability.key_ppage);
        bind(keys, Key.PAGE_DOWN, Capability.key_npage);
        bind(keys, Key.HOME, Capability.key_home);
        bind(keys, Key.END, Capability.key_end);
        BindingReader reader = new BindingReader(terminal.reader());
        try {
            while (true) {
                Key key = reader.readBinding(keys);
                if (key == null) {
                    events.offer(new Event.InputClosed());
                    return;
                }
                events.offer(key);
            }
        } catch (IOError | RuntimeException e) {
            // The terminal was closed under the reader: the view is ending.
        }
    }

    /** Binds the sequence the terminal's terminfo gives for a key, when it has one. */
    private void bind(KeyMap<Key> keys, Key key, Capability capability) {
        String sequence = KeyMap.key(terminal, capability);
        if (sequence != null && !sequence.isEmpty()) {
            keys.bind(key, sequence);
        }
    }

    /** Leaves the alternate screen, shows the cursor and restores the terminal's modes; once. */
    private void restore() {
        restoreLock.lock();
        try {
            if (restored || saved == null) {
                return;
            }
            restored = true;
            terminal.puts(Capability.keypad_local);
            terminal.puts(Capability.cursor_visible);
            terminal.puts(Capability.exit_ca_mode);
            terminal.setAttributes(saved);
            terminal.flush();
        } finally {
            restoreLock.unlock();
        }
    }
}
