package org.civicstack.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class RequestIdsTest {

    @Test
    void freshIdsAreVersion4UuidsAndDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = RequestIds.create();
            UUID uuid = UUID.fromString(id);
            assertThat(uuid.version()).isEqualTo(4);
            assertThat(uuid.variant()).isEqualTo(2);
            assertThat(seen.add(id)).isTrue();
        }
    }

    @Test
    void aPlainCallerIdIsKeptAndAnythingElseReplaced() {
        assertThat(RequestIds.acceptOrCreate("app-req-000042")).isEqualTo("app-req-000042");
        assertThat(RequestIds.acceptOrCreate("short")).isNotEqualTo("short");
        assertThat(RequestIds.acceptOrCreate("bad id with spaces\r\nX-Injected: 1")).doesNotContain(" ");
        assertThat(RequestIds.acceptOrCreate(null)).hasSize(36);
    }
}
