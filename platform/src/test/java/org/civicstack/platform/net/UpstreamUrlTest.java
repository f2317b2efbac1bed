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

    /** The canonicalisation corpus: what the registry stores, shows and routes for what an agency typed. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            // upper-case scheme and host
            "HTTPS://PUBLIC.AGENCY.TEST/v1                  | https://public.agency.test/v1",
            "Http://Public.Agency.Test/V1/Items             | http://public.agency.test/V1/Items",
            // full-width (NFKC) letters, digits and dots in the host
            "https://ＰＵＢＬＩＣ.agency.test/v1                | https://public.agency.test/v1",
            "https://ｐｕｂｌｉｃ．ａｇｅｎｃｙ．ｔｅｓｔ/v1         | https://public.agency.test/v1",
            "https://api２.agency.test/v1                    | https://api2.agency.test/v1",
            // IDN to punycode, also with an ideographic full stop as label separator
            "https://深圳.政务.cn/api                         | https://xn--fes124c.xn--zfr164b.cn/api",
            "https://深圳。政务。cn/api                         | https://xn--fes124c.xn--zfr164b.cn/api",
            "https://MÜNCHEN.example/                       | https://xn--mnchen-3ya.example/",
            // trailing dot of a fully qualified name
            "https://public.agency.test./v1                 | https://public.agency.test/v1",
            // default ports removed, other ports kept
            "https://public.agency.test:443/v1              | https://public.agency.test/v1",
            "http://public.agency.test:80/v1                | http://public.agency.test/v1",
            "http://public.agency.test:443/v1               | http://public.agency.test:443/v1",
            "http://[2001:db8::1]:80/                       | http://[2001:db8::1]/",
            // percent-encoding: hex in upper case, unreserved characters decoded
            "https://public.agency.test/a%2fb?q=%e4%b8%ad   | https://public.agency.test/a%2Fb?q=%E4%B8%AD",
            "https://public.agency.test/%7Euser/%41pi       | https://public.agency.test/~user/Api",
            // dot segments removed from the path (also percent-encoded ones)
            "https://public.agency.test/v1/./x/../y         | https://public.agency.test/v1/y",
            "https://public.agency.test/a/%2E%2E/b          | https://public.agency.test/b",
            "https://public.agency.test/../..               | https://public.agency.test/",
            "https://public.agency.test/v1/.                | https://public.agency.test/v1/",
            // already canonical: unchanged
            "https://public.agency.test/v1                  | https://public.agency.test/v1",
            "http://101.132.0.10:8080/api/v2?x=1&y=%2F      | http://101.132.0.10:8080/api/v2?x=1&y=%2F",
            "https://[2400:3200::1]/his                     | https://[2400:3200::1]/his",
            "https://xn--fes124c.xn--zfr164b.cn/api         | https://xn--fes124c.xn--zfr164b.cn/api",
    })
    void canonicalisationCorpus(String typed, String canonical) {
        UpstreamUrl url = UpstreamUrl.parse(typed);

        assertThat(url).hasToString(canonical);
        assertThat(UpstreamUrl.parse(url.toString())).as("canonical form is a fixed point").hasToString(canonical);
        assertThat(url.toUri().getHost()).as("every HTTP client reads the same host").isEqualTo(
                url.isIpLiteral() && url.host().contains(":") ? "[" + url.host() + "]" : url.host());
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
