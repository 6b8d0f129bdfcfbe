package dev.netlab.webserver;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DescriptorBudgetTest {

    @Test
    void aLowLimitLowersTheConnectionLimitToTwoDescriptorsEachAfterTheReserve() {
        // 256 - 60 in use - (64 + 64 cached files kept open + 256 / 16) reserved = 52 descriptors: 26 connections,
        // none left to linger.
        DescriptorBudget budget = new DescriptorBudget(256, 60);
        assertThat(budget.connections(10_000)).isEqualTo(26);
        assertThat(budget.lingeringRefusals(26)).isZero();
    }

    @Test
    void aHighLimitKeepsTheConfiguredLimitAndTheLingeringRefusals() {
        DescriptorBudget budget = new DescriptorBudget(1_048_576, 80);
        assertThat(budget.connections(10_000)).isEqualTo(10_000);
        assertThat(budget.lingeringRefusals(10_000)).isEqualTo(256);
    }

    @Test
    void aLimitBelowWhatIsInUseStillAllowsOneConnection() {
        assertThat(new DescriptorBudget(100, 90).connections(10_000)).isEqualTo(1);
    }

    @Test
    void anUnknownLimitChangesNothing() {
        DescriptorBudget budget = new DescriptorBudget(Long.MAX_VALUE, 0);
        assertThat(budget.connections(10_000)).isEqualTo(10_000);
        assertThat(budget.lingeringRefusals(10_000)).isEqualTo(256);
    }

    @Test
    void thisProcessHasAKnownLimitAboveWhatItUses() {
        DescriptorBudget budget = DescriptorBudget.ofThisProcess();
        assertThat(budget.limit()).isGreaterThan(budget.inUse()).isPositive();
    }
}
