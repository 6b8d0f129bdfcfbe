package dev.netlab.webserver.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EntityTagTest {

    private static final EntityTag CURRENT = EntityTag.parse("\"a-1\"");

    @Test
    void parsesStrongAndWeakTags() {
        assertThat(CURRENT).isEqualTo(new EntityTag(false, "\"a-1\""));
        assertThat(EntityTag.parse("W/\"a-1\"")).isEqualTo(new EntityTag(true, "\"a-1\""));
        assertThat(EntityTag.parse("a-1")).isNull();
        assertThat(EntityTag.parse("\"a-1")).isNull();
    }

    @Test
    void listsMayHoldCommasInsideTagsAndSpanSeveralLines() {
        EntityTag.Condition condition = EntityTag.condition(List.of("\"x,y\" , W/\"z\"", "\"a-1\""));
        assertThat(condition.tags()).hasSize(3);
        assertThat(condition.matches(CURRENT, true)).isTrue();
    }

    @Test
    void weakComparisonIgnoresThePrefixStrongDoesNot() {
        EntityTag.Condition weak = EntityTag.condition(List.of("W/\"a-1\""));
        assertThat(weak.matches(CURRENT, false)).isTrue();
        assertThat(weak.matches(CURRENT, true)).isFalse();
    }

    @Test
    void starMatchesAnyAndGarbageIsNoCondition() {
        assertThat(EntityTag.condition(List.of("*")).matches(CURRENT, true)).isTrue();
        assertThat(EntityTag.condition(List.of("\"a\" junk"))).isNull();
    }

    @Test
    void starOnOneLineAndTagsOnAnotherIsNeitherStarNorAList() {
        // The lines are one field value: "x", * matches neither form of the grammar ("*" / #entity-tag).
        assertThat(EntityTag.condition(List.of("\"x\"", "*"))).isNull();
        assertThat(EntityTag.condition(List.of("*", "\"a-1\""))).isNull();
        assertThat(EntityTag.condition(List.of("*", " * ")).any()).isTrue();
    }
}
