/**
 * The WeChat Pay adapter: {@link org.civicstack.payments.channel.wechat.WechatPayChannel} speaks WeChat Pay API v3
 * in direct merchant mode. Everything else here is its private help: the account's parsed keys, the v3
 * cryptography on the JDK, and the trade bill parser.
 */
package org.civicstack.payments.channel.wechat;
