package org.civicstack.payments.channel;

/**
 * The HTTP answer a channel expects to a notification, exactly: WeChat Pay v3 wants 200/204 for accepted and a 4xx/5xx
 * with {@code {"code":"FAIL","message":…}} to be sent again; Alipay wants the body {@code success} (anything else
 * and it retries).
 */
public record NotificationReply(int status, String contentType, String body) {
}
