package org.civicstack.payments.channel.wechat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.civicstack.payments.channel.StatementLine;

/**
 * WeChat Pay's trade bill ({@code bill_type=ALL}) in our terms. The file is CSV-like but not CSV: a header row of
 * Chinese column names, then one row per payment or refund in which every field starts with a backtick (so that
 * spreadsheet programs keep long numbers as text), then a summary section that starts with {@code 总交易单数}.
 * Fields are not quoted, so a comma inside a product name would break a plain CSV reader; the backtick that starts
 * every field is what separates them reliably, and splitting on {@code ,`} is what this parser does.
 *
 * <p>Columns are found by name, not position, so the parser survives WeChat adding columns. Amounts are yuan with
 * up to two decimals and are converted to fen exactly; anything finer than a fen is refused.
 */
final class WechatPayTradeBill {

    static final ZoneId CHINA = ZoneId.of("Asia/Shanghai");

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final java.util.regex.Pattern YUAN = java.util.regex.Pattern.compile("-?[0-9]+(\\.[0-9]+)?");
    private static final String SUMMARY_HEADER = "总交易单数";
    private static final String TIME_COLUMN = "交易时间";
    private static final String TRANSACTION_ID = "微信订单号";
    private static final String OUT_TRADE_NO = "商户订单号";
    private static final String TRADE_STATE = "交易状态";
    private static final String CURRENCY = "货币种类";
    private static final String SETTLEMENT_AMOUNT = "应结订单金额";
    private static final String ORDER_AMOUNT = "订单金额";
    private static final String REFUND_ID = "微信退款单号";
    private static final String OUT_REFUND_NO = "商户退款单号";
    private static final String REFUND_AMOUNT = "退款金额";
    private static final String REQUESTED_REFUND_AMOUNT = "申请退款金额";
    private static final String REFUND_STATE = "退款状态";
    private static final String FEE = "手续费";
    /** The trade state WeChat writes on the rows that are refunds. */
    private static final String REFUND_ROW = "REFUND";

    /** The bill did not parse as WeChat's format; the message says where. */
    static final class MalformedBill extends Exception {
        MalformedBill(String message) {
            super(message);
        }
    }

    private WechatPayTradeBill() {
    }

    static List<StatementLine> parse(byte[] content) throws MalformedBill {
        String text = new String(content, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<String> lines = text.lines().filter(line -> !line.isBlank()).toList();
        if (lines.isEmpty()) {
            throw new MalformedBill("the bill is empty");
        }
        String[] names = lines.get(0).split(",", -1);
        Map<String, Integer> columns = header(names);
        List<StatementLine> statement = new ArrayList<>();
        boolean summary = false;
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith(SUMMARY_HEADER)) {
                summary = true;
                break;
            }
            String[] fields = fields(line, i + 1);
            if (fields.length != names.length) {
                throw new MalformedBill("line " + (i + 1) + " has " + fields.length + " fields, the header "
                        + names.length);
            }
            statement.add(row(columns, fields, i + 1));
        }
        if (!summary) {
            throw new MalformedBill("the bill has no summary section (" + SUMMARY_HEADER + "); it may be truncated");
        }
        return List.copyOf(statement);
    }

    private static Map<String, Integer> header(String[] names) throws MalformedBill {
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < names.length; i++) {
            columns.putIfAbsent(names[i].strip(), i);
        }
        for (String required : List.of(TIME_COLUMN, TRANSACTION_ID, OUT_TRADE_NO, TRADE_STATE, CURRENCY,
                SETTLEMENT_AMOUNT, REFUND_ID, OUT_REFUND_NO, REFUND_AMOUNT, REFUND_STATE, FEE)) {
            if (!columns.containsKey(required)) {
                throw new MalformedBill("the header has no column " + required);
            }
        }
        return columns;
    }

    private static String[] fields(String line, int lineNumber) throws MalformedBill {
        if (!line.startsWith("`")) {
            throw new MalformedBill("line " + lineNumber + " does not start with a backtick field");
        }
        String[] fields = line.substring(1).split(",`", -1);
        for (int i = 0; i < fields.length; i++) {
            fields[i] = fields[i].strip();
        }
        return fields;
    }

    private static StatementLine row(Map<String, Integer> columns, String[] fields, int lineNumber)
            throws MalformedBill {
        Row row = new Row(columns, fields, lineNumber);
        Instant at = row.time(TIME_COLUMN);
        String transactionId = row.text(TRANSACTION_ID);
        String paymentId = row.text(OUT_TRADE_NO);
        String currency = row.text(CURRENCY);
        long fee = row.fen(FEE);
        if (REFUND_ROW.equals(row.text(TRADE_STATE))) {
            String amountColumn = columns.containsKey(REQUESTED_REFUND_AMOUNT) ? REQUESTED_REFUND_AMOUNT : REFUND_AMOUNT;
            return new StatementLine(StatementLine.Kind.REFUND, paymentId, row.text(OUT_REFUND_NO), transactionId,
                    row.fen(amountColumn), currency, fee, row.text(REFUND_STATE), at);
        }
        String amountColumn = columns.containsKey(ORDER_AMOUNT) ? ORDER_AMOUNT : SETTLEMENT_AMOUNT;
        return new StatementLine(StatementLine.Kind.PAYMENT, paymentId, null, transactionId, row.fen(amountColumn),
                currency, fee, row.text(TRADE_STATE), at);
    }

    /** Yuan text ({@code 12.34}, {@code 0.0}, {@code -0.01}) to fen, exactly. */
    static long fen(String yuan) {
        if (!YUAN.matcher(yuan).matches()) {
            throw new NumberFormatException("not a plain decimal: " + yuan);
        }
        BigDecimal value = new BigDecimal(yuan);
        BigDecimal fen = value.movePointRight(2);
        if (fen.stripTrailingZeros().scale() > 0) {
            throw new ArithmeticException("finer than a fen: " + yuan);
        }
        return fen.longValueExact();
    }

    private record Row(Map<String, Integer> columns, String[] fields, int lineNumber) {

        String text(String column) throws MalformedBill {
            int index = columns.get(column);
            if (index >= fields.length) {
                throw new MalformedBill("line " + lineNumber + " has no " + column + " field");
            }
            return fields[index];
        }

        long fen(String column) throws MalformedBill {
            String text = text(column);
            try {
                return WechatPayTradeBill.fen(text);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new MalformedBill("line " + lineNumber + ": " + column + " is not an amount in yuan: " + text);
            }
        }

        Instant time(String column) throws MalformedBill {
            String text = text(column);
            try {
                return LocalDateTime.parse(text, TIME).atZone(CHINA).toInstant();
            } catch (DateTimeParseException e) {
                throw new MalformedBill("line " + lineNumber + ": " + column + " is not a time: " + text);
            }
        }
    }
}
