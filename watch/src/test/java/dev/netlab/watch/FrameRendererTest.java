package dev.netlab.watch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netlab.watch.FrameRenderer.Frame;
import dev.netlab.watch.FrameRenderer.View;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jline.utils.AttributedString;
import org.junit.jupiter.api.Test;

/** The frame drawn into a fixed-size screen buffer, no terminal involved. */
class FrameRendererTest {

    private final FrameRenderer renderer = new FrameRenderer(Glyphs.UNICODE, true, Duration.ofSeconds(1));

    private static void assertFits(Frame frame, int width, int height) {
        assertThat(frame.lines()).hasSize(height);
        assertThat(frame.lines()).allSatisfy(line -> assertThat(line.columnLength()).isLessThanOrEqualTo(width));
    }

    private static int lineWith(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void theDefaultStackIsReadableAt80x24WithEveryService() {
        Frame frame = renderer.render(Fixtures.defaultStack(), new View(80, 24, 0, false));

        assertFits(frame, 80, 24);
        List<String> lines = frame.plain();
        assertThat(lines.getFirst()).startsWith(" netlab watch · 00:31:05 UTC · every 1s").contains("q quit");
        assertThat(lines.get(1)).startsWith("ping-client 127.0.0.1:9082  2 targets");
        assertThat(lines.get(2).trim().split(" +")).containsExactly("TARGET", "MODE", "SENT", "LOSS60", "LOSS",
                "LAST", "P50", "P99", "JITTER", "LATE", "DUP");
        assertThat(lines.get(3).trim().split(" +")).containsExactly("127.0.0.1:12000", "lab", "345", "33.3%",
                "36.4%", "0.21", "0.19", "1.20", "0.05", "0", "0");
        assertThat(lines.get(5)).startsWith("127.0.0.1:8620").contains("stamp");
        assertThat(lines.get(6)).contains("lost fwd 0 rev 0");
        assertThat(lines.get(lineWith(lines, "ping-server 127.0.0.1:9081"))).contains("active senders 1");
        assertThat(lines.get(lineWith(lines, "  lab ")).trim().split(" +"))
                .containsExactly("lab", "1.0", "0.6", "0.4", "0.0", "0.0");
        assertThat(lines.get(lineWith(lines, "requests/s"))).contains("2xx 12.0").contains("4xx 1.0")
                .contains("p99 1.25 ms").contains("open connections 3");
        assertThat(lines.get(lineWith(lines, "outbox"))).contains("outbox 2").contains("sent 5").contains("deferred 1")
                .contains("failed 0").contains("replies/min 2xx 30 3xx 6 4xx 0 5xx 0");
        assertThat(lines.getLast()).startsWith("  outbox");
    }

    @Test
    void aTargetListLongerThanTheScreenScrollsBetweenTheHeaderAndTheOtherServices() {
        Figures figures = Fixtures.figures(Fixtures.manyTargets(20));

        Frame top = renderer.render(figures, new View(80, 24, 0, false));
        Frame scrolled = renderer.render(figures, new View(80, 24, 3, false));
        Frame beyond = renderer.render(figures, new View(80, 24, 999, false));

        assertFits(top, 80, 24);
        // 24 rows: header, title, column header; 9 rows of the other services; 12 left: 6 targets of 2 lines.
        assertThat(top.maxScroll()).isEqualTo(14);
        assertThat(top.plain().get(1)).contains("20 targets (1-6 shown)");
        assertThat(top.plain().get(3)).startsWith("10.0.0.0:12000");
        assertThat(scrolled.plain().get(1)).contains("(4-9 shown)");
        assertThat(scrolled.plain().get(3)).startsWith("10.0.0.3:12000");
        assertThat(scrolled.plain()).noneMatch(line -> line.startsWith("10.0.0.2:") || line.startsWith("10.0.0.9:"));
        assertThat(beyond.scroll()).isEqualTo(14);
        assertThat(beyond.plain().get(3)).startsWith("10.0.0.14:12000");
        for (Frame frame : List.of(top, scrolled, beyond)) {
            assertThat(frame.plain().getLast()).startsWith("  outbox");
            assertThat(frame.plain().get(lineWith(frame.plain(), "ping-server"))).startsWith("ping-server");
        }
    }

    @Test
    void aDownServiceIsMarkedDownWithItsReasonWhileTheOthersStillShow() {
        Figures up = Fixtures.defaultStack();
        Figures figures = new Figures(up.at(), new Reading.Down<>("127.0.0.1:9082", "connection refused"),
                up.pingServer(), new Reading.Down<>("127.0.0.1:9080", "no answer within 1000 ms"), up.mailClient());

        Frame frame = renderer.render(figures, new View(80, 24, 0, false));

        assertFits(frame, 80, 24);
        List<String> lines = frame.plain();
        assertThat(lines.get(1)).isEqualTo("ping-client 127.0.0.1:9082  DOWN connection refused (retrying every 1s)");
        assertThat(lines.get(lineWith(lines, "web-server"))).contains("DOWN no answer within 1000 ms");
        assertThat(lines).noneMatch(line -> line.contains("requests/s") || line.contains("TARGET"));
        assertThat(lines).anyMatch(line -> line.contains("active senders 1"));
        assertThat(lines).anyMatch(line -> line.contains("outbox 2"));
        AttributedString title = frame.lines().get(1);
        int down = lines.get(1).indexOf("DOWN");
        assertThat(title.styleAt(down)).isEqualTo(Sparkline.LOST);
    }

    @Test
    void aLostProbeHasItsOwnGlyphAndColourInTheSparkline() {
        List<Double> recent = new ArrayList<>(List.of(1.0, 1.0, 3.0));
        recent.add(null);
        recent.add(2.0);
        Figures figures = Fixtures.figures(List.of(new Figures.Target("lossy", "lossy", "lab", 5, 20.0, 20.0, 0.3,
                0.2, 0.4, 0.01, 0, 0, null, null, null, recent, null)));

        AttributedString line = renderer.render(figures, new View(80, 24, 0, false)).lines().get(4);
        String plain = line.toString();
        AttributedString ascii = new FrameRenderer(Glyphs.ASCII, false, Duration.ofSeconds(1))
                .render(figures, new View(80, 24, 0, false)).lines().get(4);

        // Right-aligned in 60 columns after a 2-column indent: the newest probe last.
        assertThat(plain.substring(2, 62)).isEqualTo(" ".repeat(55) + "▁▁█×▅");
        assertThat(line.styleAt(2 + 58)).isEqualTo(Sparkline.LOST);
        assertThat(line.styleAt(2 + 57)).isNotEqualTo(Sparkline.LOST);
        assertThat(ascii.toString().substring(57, 62)).isEqualTo("__#x=");
        assertThat(ascii.styleAt(60)).isNotEqualTo(Sparkline.LOST);
    }

    @Test
    void aNarrowTerminalCutsEveryLineToItsWidthAndKeepsTheNames() {
        Frame frame = renderer.render(Fixtures.figures(Fixtures.manyTargets(5)), new View(40, 15, 0, false));

        assertFits(frame, 40, 15);
        List<String> lines = frame.plain();
        assertThat(lines.get(0)).startsWith(" netlab watch");
        assertThat(lines.get(3)).startsWith("10.0.0.0:… lab");
        assertThat(lines.get(4)).hasSize(40);
        assertThat(frame.maxScroll()).isEqualTo(4);
    }

    @Test
    void aScreenTooShortForEverythingStillShowsOneTargetAndTheHeader() {
        Frame frame = renderer.render(Fixtures.defaultStack(), new View(80, 6, 0, false));

        assertFits(frame, 80, 6);
        assertThat(frame.plain().get(3)).startsWith("127.0.0.1:12000");
    }

    @Test
    void pausedIsShownAndTheKeysSayHowToResume() {
        List<String> lines = renderer.render(Fixtures.defaultStack(), new View(80, 24, 0, true)).plain();

        assertThat(lines.getFirst()).contains(" PAUSED ").contains("p resume");
    }

    @Test
    void textFromTheNetworkNeverReachesTheTerminalRaw() {
        Figures figures = Fixtures.figures(List.of(Fixtures.lab("evil\u001b[2J\u0007name")));
        Figures down = new Figures(Fixtures.AT, figures.pingClient(), new Reading.Down<>("127.0.0.1:9081",
                "unreadable answer: line 3: bad value '\u001b]0;x\u0007'"), figures.webServer(), figures.mailClient());

        List<String> lines = renderer.render(down, new View(80, 24, 0, false)).plain();

        assertThat(String.join("\n", lines)).doesNotContain("\u001b").doesNotContain("\u0007");
        assertThat(lines.get(3)).startsWith("evil?[2J?name");
    }

    @Test
    void withoutColourTheLinesCarryNoStyle() {
        FrameRenderer plain = new FrameRenderer(Glyphs.UNICODE, false, Duration.ofSeconds(1));

        Frame frame = plain.render(Fixtures.defaultStack(), new View(80, 24, 0, false));

        for (AttributedString line : frame.lines()) {
            for (int i = 0; i < line.length(); i++) {
                assertThat(line.styleAt(i)).isEqualTo(org.jline.utils.AttributedStyle.DEFAULT);
            }
        }
    }

    @Test
    void theOnceFrameHasEveryTargetAndNoKeyHints() {
        List<AttributedString> lines = new FrameRenderer(Glyphs.ASCII, false, Duration.ofSeconds(1))
                .renderAll(Fixtures.figures(Fixtures.manyTargets(20)), 80);

        List<String> plain = lines.stream().map(AttributedString::toString).toList();
        assertThat(plain).hasSize(3 + 40 + 9);
        assertThat(plain.getFirst()).doesNotContain("quit");
        assertThat(plain.get(1)).contains("20 targets").doesNotContain("shown");
    }
}
