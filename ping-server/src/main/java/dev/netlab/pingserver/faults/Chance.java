package dev.netlab.pingserver.faults;

import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A probability as configured. A fraction {@code a/b} of integers draws like the lab's {@code randint(0, b-1) < a}
 * ({@code 4/11}: {@code randint(0, 10) < 4}), so a seeded run reproduces the lab's loss pattern exactly; a decimal
 * draws {@code nextDouble() < p}. A zero chance never draws, so it does not shift the random sequence.
 *
 * @param numerator   {@code a} of {@code a/b}, or -1 for a decimal
 * @param denominator {@code b} of {@code a/b}, or -1 for a decimal
 * @param probability the probability in [0, 1]
 */
public record Chance(int numerator, int denominator, double probability) {

    private static final Pattern FRACTION = Pattern.compile("\\s*(\\d{1,9})\\s*/\\s*(\\d{1,9})\\s*");

    /** Never happens. */
    public static final Chance NEVER = new Chance(-1, -1, 0);

    /**
     * The chance written as {@code raw}, already validated as a probability in [0, 1] worth {@code probability}.
     */
    public static Chance of(String raw, double probability) {
        Matcher m = FRACTION.matcher(raw);
        if (m.matches()) {
            int a = Integer.parseInt(m.group(1));
            int b = Integer.parseInt(m.group(2));
            if (b > 0 && a <= b) {
                return new Chance(a, b, probability);
            }
        }
        return new Chance(-1, -1, probability);
    }

    /** A decimal chance. */
    public static Chance of(double probability) {
        return new Chance(-1, -1, probability);
    }

    /** Whether this chance can ever happen (and so draws from the generator). */
    public boolean possible() {
        return probability > 0;
    }

    /** Draws once (unless impossible) and says whether the event happens. */
    public boolean draw(RandomGenerator random) {
        if (!possible()) {
            return false;
        }
        if (denominator > 0) {
            return random.nextInt(denominator) < numerator;
        }
        return random.nextDouble() < probability;
    }

    @Override
    public String toString() {
        return denominator > 0 ? numerator + "/" + denominator : Double.toString(probability);
    }
}
