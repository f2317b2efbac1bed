/**
 * The Alipay open-platform adapter ({@link org.civicstack.payments.channel.ChannelKind#ALIPAY}): app payments by a
 * signed order string, trade query, close, refund, refund query, asynchronous notifications and the daily trade
 * bill, all in RSA2 keys mode (no certificate mode). {@link org.civicstack.payments.channel.alipay.AlipayChannel}
 * is the only public type; its Javadoc lists the account properties and the failure mapping.
 *
 * <p>Pieces, each testable alone: {@code AlipaySignatures} (canonical sign content, SHA256withRSA),
 * {@code GatewayAnswer} (the response node cut from the raw body and verified), {@code AlipayNotifications}
 * (form notifications: signature, app, seller, time window), {@code AlipayTradeBill} (the GBK zip/CSV bill),
 * {@code Yuan} (exact yuan ↔ fen), {@code AlipayTimes} (Beijing local time ↔ instants), {@code AlipayAccount} (the
 * account's keys, parsed once per call; parsing is the validation).
 *
 * <p>Tests play Alipay with WireMock and keys generated at test time, and cross-check against Alipay's own Java
 * SDK (test scope only).
 */
package org.civicstack.payments.channel.alipay;
