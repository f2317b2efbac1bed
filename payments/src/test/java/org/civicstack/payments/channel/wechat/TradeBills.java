package org.civicstack.payments.channel.wechat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds trade bills in WeChat's published layout ({@code bill_type=ALL}): fixture builder for the tests. */
final class TradeBills {

    static final List<String> HEADER = List.of("交易时间", "公众账号ID", "商户号", "特约商户号", "设备号", "微信订单号",
            "商户订单号", "用户标识", "交易类型", "交易状态", "付款银行", "货币种类", "应结订单金额", "代金券金额", "微信退款单号",
            "商户退款单号", "退款金额", "充值券退款金额", "退款类型", "退款状态", "商品名称", "商户数据包", "手续费", "费率", "订单金额",
            "申请退款金额", "费率备注");

    private final List<Map<String, String>> rows = new ArrayList<>();

    static TradeBills aTradeBill() {
        return new TradeBills();
    }

    TradeBills payment(String time, String paymentId, String transactionId, String yuan, String feeYuan) {
        Map<String, String> row = base(time, paymentId, transactionId, "SUCCESS");
        row.put("应结订单金额", yuan);
        row.put("订单金额", yuan);
        row.put("手续费", feeYuan);
        rows.add(row);
        return this;
    }

    TradeBills refund(String time, String paymentId, String transactionId, String refundId, String yuan,
            String feeYuan) {
        Map<String, String> row = base(time, paymentId, transactionId, "REFUND");
        row.put("微信退款单号", "50000000382019052709732678859");
        row.put("商户退款单号", refundId);
        row.put("退款金额", yuan);
        row.put("申请退款金额", yuan);
        row.put("退款类型", "ORIGINAL");
        row.put("退款状态", "SUCCESS");
        row.put("手续费", feeYuan);
        rows.add(row);
        return this;
    }

    private static Map<String, String> base(String time, String paymentId, String transactionId, String state) {
        Map<String, String> row = new LinkedHashMap<>();
        for (String column : HEADER) {
            row.put(column, "");
        }
        row.put("交易时间", time);
        row.put("公众账号ID", WechatPayTestKit.APP_ID);
        row.put("商户号", WechatPayTestKit.MCHID);
        row.put("特约商户号", "0");
        row.put("微信订单号", transactionId);
        row.put("商户订单号", paymentId);
        row.put("用户标识", "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
        row.put("交易类型", "APP");
        row.put("交易状态", state);
        row.put("付款银行", "OTHERS");
        row.put("货币种类", "CNY");
        row.put("应结订单金额", "0.00");
        row.put("代金券金额", "0.00");
        row.put("微信退款单号", "0");
        row.put("商户退款单号", "0");
        row.put("退款金额", "0.00");
        row.put("充值券退款金额", "0.00");
        row.put("商品名称", "市民卡补办, 工本费"); // a comma inside a field, as real product names have
        row.put("费率", "0.60%");
        row.put("订单金额", "0.00");
        row.put("申请退款金额", "0.00");
        return row;
    }

    String build() {
        StringBuilder out = new StringBuilder(String.join(",", HEADER)).append("\r\n");
        for (Map<String, String> row : rows) {
            List<String> fields = new ArrayList<>();
            for (String column : HEADER) {
                fields.add("`" + row.get(column));
            }
            out.append(String.join(",", fields)).append("\r\n");
        }
        out.append("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\r\n");
        out.append("`").append(rows.size()).append(",`0.00,`0.00,`0.00,`0.00,`0.00,`0.00\r\n");
        return out.toString();
    }
}
