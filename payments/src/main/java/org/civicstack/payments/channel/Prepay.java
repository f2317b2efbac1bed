package org.civicstack.payments.channel;

import java.util.Map;

/**
 * What the app needs to open the channel for this payment, already signed where the channel requires it: WeChat
 * Pay's APP or JSAPI parameters ({@code appid, partnerid, prepayid, package, noncestr, timestamp, sign} or
 * {@code appId, timeStamp, nonceStr, package, signType, paySign}), Alipay's signed order string, the sandbox's
 * checkout URL. Values are strings, passed to the app as they are.
 *
 * @param channelReference the channel's id for the prepared payment, if it gives one (WeChat {@code prepay_id})
 */
public record Prepay(String channelReference, Map<String, String> appParameters) {

    public Prepay {
        appParameters = Map.copyOf(appParameters);
    }
}
