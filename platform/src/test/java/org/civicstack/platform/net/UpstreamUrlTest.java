package org.civicstack.platform.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class UpstreamUrlTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "http://agency.gov.cn                    | http://agency.gov.cn/",
            "HTTP://Agency.GOV.cn:80/                | http://agency.gov.cn/",
            "https://agency.gov.cn:443/a/b           | https://agency.gov.cn/a/b",
            "https://agency.gov.cn:80/               | https://agency.gov.cn:80/",
            "http://agency.gov.cn:/x                 | http://agency.gov.cn/x",
            "https://agency.gov.cn./x                | https://agency.gov.cn/x",
            "https://agency.gov.cn/x?                | https://agency.gov.cn/x",
            "https://agency.gov.cn?a=1               | https://agency.gov.cn/?a=1",
            "https://agency.gov.cn/a%2Fb?q=%E4%B8%AD | https://agency.gov.cn/a%2Fb?q=%E4%B8%AD",
            "http://[2001:DB8:0:0:0:0:0:1]:8080/     | http://[2001:db8::1]:8080/",
            "https://政务.cn/                         | https://xn--zfr164b.cn/",
            "http://10.20.30.40:8443/svc             | http://10.20.30.40:8443/svc",
    })
    void canonicalForm(String input, String canonical) {
        UpstreamUrl url = UpstreamUrl.parse(input);

        assertThat(url).hasToString(canonical);
        assertThat(url.toUri()).hasToString(canonical);
        assertThat(UpstreamUrl.parse(canonical)).isEqualTo(url).hasToString(canonical);
    }

    @Test
    void parseChecksTextOnlyAndDoesNotJudgeAddresses() {
        UpstreamUrl loopback = UpstreamUrl.parse("http://127.0.0.1:8080/");

        assertThat(loopback.isIpLiteral()).isTrue();
        assertThat(loopback.host()).isEqualTo("127.0.0.1");
        assertThat(loopback.port()).isEqualTo(8080);
    }

    @Test
    void componentsAreExposedNormalised() {
        UpstreamUrl url = UpstreamUrl.parse("HTTPS://[2408:8000::10]/v1?x=1");

        assertThat(url.scheme()).isEqualTo("https");
        assertThat(url.host()).isEqualTo("2408:8000::10");
        assertThat(url.port()).isEqualTo(443);
        assertThat(url.path()).isEqualTo("/v1");
        assertThat(url.query()).contains("x=1");
        assertThat(url.isIpLiteral()).isTrue();
    }

    @Test
    void overlongInputThenMalformed() {
        String longUrl = "https://agency.gov.cn/" + "a".repeat(UpstreamUrl.MAX_LENGTH);

        assertThatThrownBy(() -> UpstreamUrl.parse(longUrl))
                .isInstanceOfSatisfying(UnsafeUpstreamException.class,
                        e -> assertThat(e.reason()).isEqualTo(UnsafeUpstreamReason.MALFORMED_URL));
    }

    @Test
    void nullOrEmptyThenMalformed() {
        assertThatThrownBy(() -> UpstreamUrl.parse(null)).isInstanceOf(UnsafeUpstreamException.class);
        assertThatThrownBy(() -> UpstreamUrl.parse("")).isInstanceOf(UnsafeUpstreamException.class);
    }
}
