package org.civicstack.platform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UsageStreamTest {

    @Test
    void readsRecordsByTheHeadersNamesWithEmptyValuesAsEmpty() {
        List<Map<String, String>> records = UsageStream.decode("service\tstatus\tjti\nsz-a\t200\t\nsz-b\t401\tj-1\n");

        assertThat(records).containsExactly(Map.of("service", "sz-a", "status", "200", "jti", ""),
                Map.of("service", "sz-b", "status", "401", "jti", "j-1"));
    }

    @Test
    void aHeaderWithoutRecordsIsNoRecords() {
        assertThat(UsageStream.decode("service\tstatus\n")).isEmpty();
    }

    @Test
    void escapesRoundTrip() {
        String value = "a\tb\\n\\\\c\r\nd\\";
        String text = "request_id\tcaller\n" + UsageStream.escape(value) + "\t" + UsageStream.escape(null) + "\n";

        assertThat(text).doesNotContain("a\tb");
        assertThat(UsageStream.decode(text)).singleElement()
                .isEqualTo(Map.of("request_id", value, "caller", ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "service\tstatus", "service\tstatus\nsz-a\n", "service\tstatus\nsz-a\t1\t2\n",
            "service\tstatus\nsz-a\\x\t1\n", "service\tstatus\nsz-a\\", "service\t\nsz-a\t1\n",
            "service\tstatus\nsz-a\t1\\\n"})
    void refusesTextNotInTheFormat(String text) {
        assertThatThrownBy(() -> UsageStream.decode(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesMoreRecordsThanAnEntryMayHold() {
        String text = "service\n" + "s\n".repeat(UsageStream.MAX_RECORDS_PER_ENTRY + 1);

        assertThatThrownBy(() -> UsageStream.decode(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than");
    }

    @Test
    void theGatewaysFieldsAreTheDocumentedOnes() {
        assertThat(UsageStream.FIELDS).startsWith("service", "status", "latency_us").contains("jti", "sid", "sub",
                "client_id", "agency", "refusal").doesNotHaveDuplicates();
        // the hash tag is the stream's whole name: the same Redis Cluster slot as the stream
        assertThat(UsageStream.recordCountKey(UsageStream.TOKEN_STREAM)).isEqualTo("{cs:gateway:usage}:records");
    }
}
