package org.civicstack.payments.channel.alipay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.civicstack.payments.channel.alipay.AlipayFixtures.ALIPAY;
import static org.civicstack.payments.channel.alipay.AlipayFixtures.sign;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class GatewayAnswerTest {

    static final JsonMapper JSON = GatewayAnswer.jsonMapper();
    static final String ROOT = "alipay_trade_query_response";

    static GatewayAnswer read(String body) {
        return GatewayAnswer.read(body, ROOT, ALIPAY.getPublic(), JSON);
    }

    @Test
    void signatureIsOverTheNodesExactCharactersWhereverTheSignStands() {
        String node = "{ \"code\" : \"10000\",\n \"msg\":\"Success\", \"nested\": {\"sign\": \"not this one\"},"
                + " \"total_amount\": 90071992547409.93 }";
        String body = "{\"sign\":\"" + sign(node, ALIPAY.getPrivate()) + "\", \"other\": [1, {\"a\": 2}], \"" + ROOT
                + "\" :  " + node + " }";

        GatewayAnswer answer = read(body);

        assertThat(answer.signed()).isTrue();
        assertThat(answer.succeeded()).isTrue();
        // a bare number, which a double cannot hold to the fen (2^53 + 1 fen)
        assertThat(Yuan.parse(answer.text("total_amount"))).isEqualTo(9_007_199_254_740_993L);
    }

    @Test
    void nodeSignedBeforeSlashEscapingIsAcceptedAsTheSdkDoes() {
        String escaped = "{\"code\":\"10000\",\"msg\":\"Success\",\"bill_download_url\":\"http:\\/\\/dwbillcenter.alipay.com\\/x\"}";
        String body = "{\"" + ROOT + "\":" + escaped + ",\"sign\":\"" + sign(escaped.replace("\\/", "/"),
                ALIPAY.getPrivate()) + "\"}";

        assertThat(read(body).text("bill_download_url")).isEqualTo("http://dwbillcenter.alipay.com/x");
    }

    @Test
    void twoResponseNodesAreRefused() {
        String node = "{\"code\":\"10000\",\"msg\":\"Success\"}";
        String body = "{\"" + ROOT + "\":" + node + ",\"" + ROOT + "\":{\"code\":\"10000\",\"msg\":\"other\"},"
                + "\"sign\":\"" + sign(node, ALIPAY.getPrivate()) + "\"}";

        assertThatThrownBy(() -> read(body)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two");
    }

    @Test
    void unsignedErrorIsReadButMarkedUnsigned() {
        GatewayAnswer answer = read("{\"error_response\":{\"code\":\"40002\",\"msg\":\"Invalid Arguments\","
                + "\"sub_code\":\"isv.invalid-signature\",\"sub_msg\":\"验签出错\"}}");

        assertThat(answer.signed()).isFalse();
        assertThat(answer.subCode()).isEqualTo("isv.invalid-signature");
    }

    @Test
    void errorWithABadSignatureIsRefused() {
        String node = "{\"code\":\"40004\",\"msg\":\"Business Failed\",\"sub_code\":\"ACQ.TRADE_NOT_EXIST\"}";
        String body = "{\"" + ROOT + "\":" + node + ",\"sign\":\"" + sign(node + " ", ALIPAY.getPrivate()) + "\"}";

        assertThatThrownBy(() -> read(body)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("signature");
    }

    @Test
    void bodyWithoutTheResponseNodeIsRefused() {
        assertThatThrownBy(() -> read("{\"alipay_trade_close_response\":{\"code\":\"10000\"},\"sign\":\"x\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(ROOT);
    }
}
