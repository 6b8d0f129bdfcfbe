package dev.netlab.watch;

import java.util.List;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/** The last probes' RTTs as one line of bars, scaled between their minimum and maximum; a lost probe stands out. */
final class Sparkline {

    static final AttributedStyle LOST = AttributedStyle.BOLD.foreground(AttributedStyle.RED);

    private Sparkline() {
    }

    /** The newest {@code width} outcomes (null: lost), right-aligned in {@code width} columns. */
    static AttributedString of(List<Double> outcomes, int width, Glyphs glyphs) {
        List<Double> shown = outcomes.subList(Math.max(0, outcomes.size() - width), outcomes.size());
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (Double rtt : shown) {
            if (rtt != null) {
                min = Math.min(min, rtt);
                max = Math.max(max, rtt);
            }
        }
        int levels = glyphs.bars().length();
        AttributedStringBuilder line = new AttributedStringBuilder();
        line.append(" ".repeat(width - shown.size()));
        for (Double rtt : shown) {
            if (rtt == null) {
                line.styled(LOST, String.valueOf(glyphs.lost()));
            } else {
                int level = max - min < 1e-9 ? 0 : (int) Math.round((rtt - min) / (max - min) * (levels - 1));
                line.append(glyphs.bars().charAt(level));
            }
        }
        return line.toAttributedString();
    }
}
