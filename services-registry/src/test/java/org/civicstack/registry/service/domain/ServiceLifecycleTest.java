package org.civicstack.registry.service.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ServiceLifecycleTest {

    /** The whole table, written out independently: every (status, event) pair not listed here must be illegal. */
    static final Map<String, ServiceStatus> LEGAL = Map.of(
            "DRAFT/SUBMIT", ServiceStatus.SUBMITTED,
            "SUBMITTED/APPROVE", ServiceStatus.PUBLISHED,
            "SUBMITTED/REJECT", ServiceStatus.DRAFT,
            "PUBLISHED/SUSPEND", ServiceStatus.SUSPENDED,
            "SUSPENDED/RESUME", ServiceStatus.PUBLISHED,
            "PUBLISHED/RETIRE", ServiceStatus.RETIRED,
            "SUSPENDED/RETIRE", ServiceStatus.RETIRED);

    @Test
    void everyStatusAndEventPairIsEitherTheListedTransitionOrIllegal() {
        int checked = 0;
        for (ServiceStatus from : ServiceStatus.values()) {
            for (LifecycleEvent event : LifecycleEvent.values()) {
                ServiceStatus expected = LEGAL.get(from + "/" + event);
                assertThat(ServiceLifecycle.next(from, event)).as("%s --%s-->", from, event)
                        .isEqualTo(Optional.ofNullable(expected));
                if (expected == null) {
                    assertThatThrownBy(() -> ServiceLifecycle.apply(from, event))
                            .isInstanceOf(ServiceLifecycle.IllegalTransition.class)
                            .hasMessageContaining(event.apiValue()).hasMessageContaining(from.apiValue());
                }
                checked++;
            }
        }
        assertThat(checked).isEqualTo(ServiceStatus.values().length * LifecycleEvent.values().length);
        assertThat(ServiceLifecycle.TRANSITIONS).hasSize(LEGAL.size());
    }

    @Test
    void retiredIsFinal() {
        for (LifecycleEvent event : LifecycleEvent.values()) {
            assertThat(ServiceLifecycle.next(ServiceStatus.RETIRED, event)).isEmpty();
        }
    }

    @Test
    void onlyPublishedSuspendedAndRetiredServicesAreKnownToTheGateway() {
        assertThat(ServiceStatus.PUBLISHED.isRouted()).isTrue();
        assertThat(ServiceStatus.SUSPENDED.isRouted()).isTrue();
        assertThat(ServiceStatus.RETIRED.isRouted()).isTrue();
        assertThat(ServiceStatus.DRAFT.isRouted()).isFalse();
        assertThat(ServiceStatus.SUBMITTED.isRouted()).isFalse();
    }

    @Test
    void serviceCodesAreStableSlugs() {
        assertThat(ServiceCode.isValid("sz-hospital-registration")).isTrue();
        assertThat(ServiceCode.isValid("a1b")).isTrue();
        assertThat(ServiceCode.isValid("Hospital")).isFalse();
        assertThat(ServiceCode.isValid("ab")).isFalse();
        assertThat(ServiceCode.isValid("-abc")).isFalse();
        assertThat(ServiceCode.isValid("abc-")).isFalse();
        assertThat(ServiceCode.isValid("a--b")).isFalse();
        assertThat(ServiceCode.isValid("a/b/c")).isFalse();
        assertThat(ServiceCode.isValid("挂号服务")).isFalse();
    }
}
