package org.civicstack.payments.channel.wechat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import com.wechat.pay.java.core.notification.NotificationParser;
import com.wechat.pay.java.core.notification.RSANotificationConfig;
import com.wechat.pay.java.core.notification.RequestParam;
import com.wechat.pay.java.core.util.PemUtil;
import com.wechat.pay.java.service.payments.model.Transaction;
import org.civicstack.payments.channel.ChannelAccount;
import org.civicstack.payments.channel.ChannelException;
import org.civicstack.payments.channel.ChannelKind;
import org.civicstack.payments.channel.ChannelNotification;
import org.civicstack.payments.channel.NotificationRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Platform certificate mode (the older of WeChat's two ways to publish its keys): the account maps the
 * certificate's serial to the certificate PEM. The certificate is generated at test time with the JDK's own
 * {@code keytool} (the JDK has no public API that writes certificates), and WeChat's SDK, configured with the same
 * certificate, is the peer.
 */
class WechatPayPlatformCertificateTest {

    static java.security.PrivateKey platformKey;
    static X509Certificate certificate;
    static String serial;

    final WechatPayChannel channel = new WechatPayChannel(URI.create("http://127.0.0.1:9"), WechatPayTestKit.CLOCK,
            Duration.ofSeconds(1));

    @BeforeAll
    static void generate(@org.junit.jupiter.api.io.TempDir java.nio.file.Path directory) throws Exception {
        java.nio.file.Path store = directory.resolve("platform.p12");
        java.nio.file.Path keytool = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "platform",
                "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", "CN=Tenpay.com Root CA test",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "test-only", "-keypass",
                "test-only").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(output).isZero();
        java.security.KeyStore keyStore = java.security.KeyStore.getInstance("PKCS12");
        try (var in = java.nio.file.Files.newInputStream(store)) {
            keyStore.load(in, "test-only".toCharArray());
        }
        platformKey = (java.security.PrivateKey) keyStore.getKey("platform", "test-only".toCharArray());
        certificate = (X509Certificate) keyStore.getCertificate("platform");
        serial = PemUtil.getSerialNumber(certificate); // the SDK's rendering: upper-case hex, as WeChat sends it
    }

    static ChannelAccount account() throws Exception {
        Map<String, String> properties = new HashMap<>(WechatPayTestKit.properties());
        properties.put("platform_public_keys", "{\"" + serial + "\": \""
                + WechatPayTestKit.pem("CERTIFICATE", certificate.getEncoded()).replace("\n", "\\n") + "\"}");
        return new ChannelAccount("mca_wechat_cert", ChannelKind.WECHAT_PAY, WechatPayTestKit.MCHID, properties);
    }

    static NotificationRequest notification(String serialHeader) {
        String body = WechatPayTestKit.notificationBody("EV-cert-1", "TRANSACTION.SUCCESS", "transaction",
                "n0nce1234567", "transaction", WechatPayTestKit.encrypt(WechatPayTestKit.API_V3_KEY, "n0nce1234567",
                        "transaction", WechatPayTestKit.transactionJson("pay_1", "SUCCESS")));
        return WechatPayTestKit.notification(body, platformKey, serialHeader, WechatPayTestKit.NOW);
    }

    @Test
    void anAccountHoldingAPlatformCertificateValidates() throws Exception {
        assertThat(channel.validate(WechatPayTestKit.MCHID, account().properties())).isEmpty();
    }

    @Test
    void aNotificationSignedByTheCertificatesKeyIsAcceptedByUsAndByTheSdk() throws Exception {
        NotificationRequest request = notification(serial);

        ChannelNotification ours = channel.verifyNotification(account(), request).block();
        Transaction sdk = new NotificationParser(new RSANotificationConfig.Builder().certificates(certificate)
                .apiV3Key(WechatPayTestKit.API_V3_KEY).build())
                .parse(new RequestParam.Builder().serialNumber(request.header("Wechatpay-Serial"))
                        .nonce(request.header("Wechatpay-Nonce")).signature(request.header("Wechatpay-Signature"))
                        .timestamp(request.header("Wechatpay-Timestamp"))
                        .body(new String(request.body(), java.nio.charset.StandardCharsets.UTF_8)).build(),
                        Transaction.class);

        assertThat(((ChannelNotification.PaymentNotification) ours).payment().paymentId())
                .isEqualTo(sdk.getOutTradeNo());
    }

    @Test
    void anotherSerialIsRefusedEvenWithTheRightSignature() throws Exception {
        NotificationRequest request = notification("0" + serial);

        assertThatThrownBy(() -> channel.verifyNotification(account(), request).block())
                .isInstanceOf(ChannelException.NotificationRejected.class)
                .hasMessageContaining("unknown platform key serial");
    }
}
