package dev.netlab.watch;

import dev.netlab.watch.Figures.Listener;
import dev.netlab.watch.Figures.MailClient;
import dev.netlab.watch.Figures.PingClient;
import dev.netlab.watch.Figures.PingServer;
import dev.netlab.watch.Figures.Target;
import dev.netlab.watch.Figures.WebServer;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * Draws figures into a screen of a fixed size: exactly {@code height} lines of at most {@code width} columns. The
 * ping-client's targets scroll between a fixed header and the other services at the bottom.
 */
final class FrameRenderer {

    /** What the screen is: its size, the first target shown, whether the view is paused. */
    record View(int width, int height, int scroll, boolean paused) {
    }

    /** A drawn screen, and the scroll position it used (clamped to what the targets allow). */
    record Frame(List<AttributedString> lines, int scroll, int maxScroll) {

        /** The lines as plain text, without styles. */
        List<String> plain() {
            return lines.stream().map(AttributedString::toString).toList();
        }
    }

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final AttributedStyle TITLE = AttributedStyle.BOLD;
    private static final AttributedStyle HEADER = AttributedStyle.INVERSE;
    private static final AttributedStyle PAUSED = AttributedStyle.INVERSE.foreground(AttributedStyle.YELLOW);
    private static final AttributedStyle DOWN = AttributedStyle.BOLD.foreground(AttributedStyle.RED);
    private static final AttributedStyle LOSSY = AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW);
    private static final AttributedStyle DIM = AttributedStyle.DEFAULT.faint();
    /** Columns of a target's first line after its name: mode, then ten right-aligned figures. */
    private static final String TARGET_COLUMNS = "%-6s%7s%7s%7s%7s%7s%7s%7s%5s%4s";
    private static final int FIGURE_COLUMNS = 64;
    private static final int MIN_NAME = 10;
    private static final int SPARK = 60;
    private static final String LISTENER_COLUMNS = "  %-8s%9s%10s%11s%11s%14s";

    private final Glyphs glyphs;
    private final boolean colour;
    private final Duration interval;

    FrameRenderer(Glyphs glyphs, boolean colour, Duration interval) {
        this.glyphs = glyphs;
        this.colour = colour;
        this.interval = interval;
    }

    /** The live screen: exactly {@code view.height()} lines, the targets scrolled to {@code view.scroll()}. */
    Frame render(Figures figures, View view) {
        int width = Math.max(1, view.width());
        List<AttributedString> top = new ArrayList<>();
        top.add(header(figures, width, view.paused(), true));
        List<AttributedString> bottom = others(figures, width, true);
        List<List<AttributedString>> targets = targetBlocks(figures, width);
        int room = view.height() - 2 - (targets.isEmpty() ? 0 : 1) - bottom.size();
        int shown = targets.isEmpty() ? 0 : Math.max(1, Math.min(targets.size(), room / 2));
        int maxScroll = targets.size() - shown;
        int scroll = Math.max(0, Math.min(view.scroll(), maxScroll));
        top.add(pingClientTitle(figures.pingClient(), width, scroll, shown, targets.size(), true));
        if (!targets.isEmpty()) {
            top.add(columnHeader(width));
        }
        for (List<AttributedString> block : targets.subList(scroll, scroll + shown)) {
            top.addAll(block);
        }
        while (top.size() + bottom.size() < view.height()) {
            top.add(AttributedString.EMPTY);
        }
        top.addAll(bottom);
        List<AttributedString> lines = new ArrayList<>(top.subList(0, Math.min(top.size(), view.height())));
        return new Frame(lines.stream().map(this::finish).toList(), scroll, maxScroll);
    }

    /** Every line, no height limit and no key hints: the frame of {@code --once}. */
    List<AttributedString> renderAll(Figures figures, int width) {
        List<AttributedString> lines = new ArrayList<>();
        lines.add(header(figures, width, false, false));
        List<List<AttributedString>> targets = targetBlocks(figures, width);
        lines.add(pingClientTitle(figures.pingClient(), width, 0, targets.size(), targets.size(), false));
        if (!targets.isEmpty()) {
            lines.add(columnHeader(width));
        }
        targets.forEach(lines::addAll);
        lines.addAll(others(figures, width, false));
        return lines.stream().map(this::finish).toList();
    }

    private AttributedString finish(AttributedString line) {
        return colour ? line : new AttributedString(line.toString());
    }

    private AttributedString header(Figures figures, int width, boolean paused, boolean live) {
        String left = " netlab watch " + glyphs.separator() + " " + CLOCK.format(figures.at()) + " "
                + glyphs.separator() + " every " + human(interval) + " ";
        AttributedStringBuilder line = new AttributedStringBuilder().styled(HEADER, left);
        if (paused) {
            line.styled(PAUSED, " PAUSED ");
        }
        if (live) {
            String keys = " q quit  p " + (paused ? "resume" : "pause") + "  j/k scroll ";
            int gap = width - line.columnLength() - keys.length();
            if (gap >= 0) {
                line.styled(HEADER, " ".repeat(gap)).styled(HEADER, keys);
            } else {
                line.styled(HEADER, " ".repeat(Math.max(0, width - line.columnLength())));
            }
        }
        return cut(line.toAttributedString(), width);
    }

    private AttributedString pingClientTitle(Reading<PingClient> reading, int width, int scroll, int shown,
                                             int total, boolean live) {
        AttributedStringBuilder line = title(ServiceName.PING_CLIENT, reading, live);
        if (reading instanceof Reading.Up<PingClient>) {
            line.append(total == 1 ? "1 target" : total + " targets");
            if (shown < total) {
                line.append(" (" + (scroll + 1) + "-" + (scroll + shown) + " shown)");
            }
            line.styled(DIM, "  RTT in ms; LOSS60: last 60 probes");
        }
        return cut(line.toAttributedString(), width);
    }

    private AttributedString columnHeader(int width) {
        String columns = String.format(Locale.ROOT, "%-" + nameWidth(width) + "s " + TARGET_COLUMNS, "TARGET",
                "MODE", "SENT", "LOSS60", "LOSS", "LAST", "P50", "P99", "JITTER", "LATE", "DUP");
        return cut(new AttributedString(columns, TITLE), width);
    }

    private List<List<AttributedString>> targetBlocks(Figures figures, int width) {
        List<List<AttributedString>> blocks = new ArrayList<>();
        if (figures.pingClient() instanceof Reading.Up<PingClient>(var address, var pingClient)) {
            for (Target target : pingClient.targets()) {
                blocks.add(List.of(cut(targetFigures(target, width), width), cut(targetProbes(target, width), width)));
            }
        }
        return blocks;
    }

    private AttributedString targetFigures(Target t, int width) {
        int nameWidth = nameWidth(width);
        AttributedStringBuilder line = new AttributedStringBuilder();
        line.append(pad(ellipsis(safe(t.target()), nameWidth), nameWidth)).append(" ");
        line.append(String.format(Locale.ROOT, "%-6s%7s", ellipsis(safe(t.mode()), 5), t.sent()));
        line.styled(lossStyle(t.windowLossPercent()), String.format(Locale.ROOT, "%7s", percent(t.windowLossPercent())));
        line.styled(lossStyle(t.lossPercent()), String.format(Locale.ROOT, "%7s", percent(t.lossPercent())));
        line.append(String.format(Locale.ROOT, "%7s%7s%7s%7s%5s%4s", millis(t.lastMs()), millis(t.p50Ms()),
                millis(t.p99Ms()), millis(t.jitterMs()), t.late(), t.duplicates()));
        return line.toAttributedString();
    }

    private AttributedString targetProbes(Target t, int width) {
        AttributedStringBuilder line = new AttributedStringBuilder().append("  ");
        if (t.address() == null) {
            return line.styled(DOWN, "no address: " + safe(t.lastError() == null ? "not resolved yet" : t.lastError()))
                    .toAttributedString();
        }
        line.append(Sparkline.of(t.recent(), Math.max(0, Math.min(SPARK, width - 2)), glyphs));
        if (t.forwardLost() != null) {
            line.append("  lost fwd " + t.forwardLost() + " rev " + t.reverseLost());
        } else if (t.reflector() != null) {
            line.styled(DIM, "  " + safe(t.reflector()) + ": no fwd/rev");
        }
        if (!t.address().equals(t.target())) {
            line.append("  " + safe(t.address()));
        }
        return line.toAttributedString();
    }

    private List<AttributedString> others(Figures figures, int width, boolean live) {
        List<AttributedString> lines = new ArrayList<>();
        lines.add(cut(title(ServiceName.PING_SERVER, figures.pingServer(), live).toAttributedString(), width));
        if (figures.pingServer() instanceof Reading.Up<PingServer>(var address, var pingServer)) {
            lines.set(lines.size() - 1, cut(title(ServiceName.PING_SERVER, figures.pingServer(), live)
                    .append("active senders " + pingServer.activeSenders())
                    .styled(DIM, "  packets/s, dropped by reason").toAttributedString(), width));
            lines.add(cut(new AttributedString(String.format(Locale.ROOT, LISTENER_COLUMNS, "LISTENER", "RECEIVED",
                    "REFLECTED", "SIMULATED", "MALFORMED", "RATE_LIMITED"), TITLE), width));
            for (Listener listener : pingServer.listeners()) {
                Map<String, Double> dropped = listener.droppedPerSecond();
                lines.add(cut(new AttributedString(String.format(Locale.ROOT, LISTENER_COLUMNS,
                        ellipsis(safe(listener.mode()), 8), rate(listener.receivedPerSecond()),
                        rate(listener.reflectedPerSecond()), rate(dropped.get("simulated")),
                        rate(dropped.get("malformed")), rate(dropped.get("rate_limited")))), width));
            }
        }
        lines.add(cut(title(ServiceName.WEB_SERVER, figures.webServer(), live).toAttributedString(), width));
        if (figures.webServer() instanceof Reading.Up<WebServer>(var address, var web)) {
            AttributedStringBuilder line = new AttributedStringBuilder().append("  requests/s");
            WebServerReader.CLASSES.forEach(c -> line.append(" " + c + " " + rate(web.requestsPerSecond().get(c))));
            line.append("   p99 " + (web.p99Ms() == null ? "-" : millis(web.p99Ms()) + " ms"))
                    .append("   open connections " + web.openConnections());
            lines.add(cut(line.toAttributedString(), width));
        }
        lines.add(cut(title(ServiceName.MAIL_CLIENT, figures.mailClient(), live).toAttributedString(), width));
        if (figures.mailClient() instanceof Reading.Up<MailClient>(var address, var mail)) {
            AttributedStringBuilder line = new AttributedStringBuilder().append("  outbox " + mail.outbox() + " ");
            MailClientReader.OUTCOMES.forEach(o -> line.append(" " + o + " " + mail.messages().getOrDefault(o, 0L)));
            line.append("  replies/min");
            MailClientReader.CLASSES.forEach(c -> line.append(" " + c + " " + whole(mail.repliesPerMinute().get(c))));
            lines.add(cut(line.toAttributedString(), width));
        }
        return lines;
    }

    /** {@code name address } then, for a service that is down, why and that it is retried. */
    private AttributedStringBuilder title(ServiceName service, Reading<?> reading, boolean live) {
        AttributedStringBuilder line = new AttributedStringBuilder().styled(TITLE, service.label())
                .append(" " + safe(reading.address()) + "  ");
        if (reading instanceof Reading.Down<?>(var address, var reason)) {
            line.styled(DOWN, "DOWN").append(" " + safe(reason) + (live ? " (retrying every " + human(interval) + ")" : ""));
        }
        return line;
    }

    private int nameWidth(int width) {
        return Math.max(MIN_NAME, width - FIGURE_COLUMNS - 1);
    }

    private AttributedString cut(AttributedString line, int width) {
        return line.columnLength() <= width ? line : line.columnSubSequence(0, width);
    }

    private String ellipsis(String text, int width) {
        return text.length() <= width ? text : text.substring(0, Math.max(0, width - 1)) + glyphs.more();
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }

    /** Text from the network with every control character replaced: nothing reaches the terminal raw. */
    static String safe(String text) {
        if (text == null) {
            return "-";
        }
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c)
                || Character.getType(c) == Character.FORMAT ? '?' : c));
        return out.toString();
    }

    private static AttributedStyle lossStyle(Double percent) {
        return percent != null && percent > 0 ? LOSSY : AttributedStyle.DEFAULT;
    }

    static String percent(Double value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%.1f%%", value);
    }

    static String millis(Double value) {
        if (value == null) {
            return "-";
        }
        String pattern = value < 10 ? "%.2f" : value < 1000 ? "%.1f" : "%.0f";
        return String.format(Locale.ROOT, pattern, value);
    }

    static String rate(Double value) {
        return value == null ? "-" : String.format(Locale.ROOT, value < 1000 ? "%.1f" : "%.0f", value);
    }

    static String whole(Double value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%.0f", value);
    }

    static String human(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }
}
