package org.civicstack.payments.channel.alipay;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.civicstack.payments.channel.StatementLine;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.csv.CsvMapper;
import tools.jackson.dataformat.csv.CsvReadFeature;
import tools.jackson.dataformat.csv.CsvSchema;

/**
 * Alipay's daily {@code trade} bill as downloaded: a zip holding a detail file ({@code …_业务明细.csv}) and a summary
 * ({@code …_业务明细(汇总).csv}), both GBK, each with {@code #} comment lines around a header row and data rows
 * whose cells Alipay pads with tabs. Only the detail file is read. Columns are found by their header text, so
 * Alipay adding or reordering columns does not shift amounts into the wrong field; a file missing a needed column,
 * or with a row that does not parse, is refused whole rather than reconciled in part.
 *
 * <p>Amounts: a payment line's amount is 订单金额 (the order total the citizen was charged); a refund line's is the
 * absolute value of 商家实收 (what left the merchant; Alipay writes it negative, while 订单金额 there repeats the
 * original order). The fee is the absolute value of 服务费.
 */
final class AlipayTradeBill {

    static final Charset GBK = Charset.forName("GBK");

    /** Guards against a zip bomb; a city agency's day is far below this. */
    static final int MAX_UNZIPPED_BYTES = 64 * 1024 * 1024;

    static final String TRADE_NO = "支付宝交易号";
    static final String OUT_TRADE_NO = "商户订单号";
    static final String BUSINESS_TYPE = "业务类型";
    static final String COMPLETED_AT = "完成时间";
    static final String ORDER_AMOUNT = "订单金额（元）";
    static final String RECEIVED = "商家实收（元）";
    static final String FEE = "服务费（元）";
    static final String REFUND_REQUEST_NO = "退款批次号/请求号";

    static final String PAYMENT_TYPE = "交易";
    static final String REFUND_TYPE = "退款";

    private static final List<String> REQUIRED = List.of(TRADE_NO, OUT_TRADE_NO, BUSINESS_TYPE, COMPLETED_AT,
            ORDER_AMOUNT, RECEIVED, FEE, REFUND_REQUEST_NO);

    private static final CsvMapper CSV = CsvMapper.builder()
            .enable(CsvReadFeature.WRAP_AS_ARRAY)
            .enable(CsvReadFeature.ALLOW_COMMENTS)
            .enable(CsvReadFeature.SKIP_EMPTY_LINES)
            .build();

    private AlipayTradeBill() {
    }

    /** @throws IllegalArgumentException when the zip, the detail file or any of its rows is malformed */
    static List<StatementLine> parse(byte[] zip, String currency) {
        return parseDetail(decode(detailFile(zip)), currency);
    }

    private static byte[] detailFile(byte[] zip) {
        try (ZipInputStream entries = new ZipInputStream(new ByteArrayInputStream(zip), GBK)) {
            ZipEntry entry;
            while ((entry = entries.getNextEntry()) != null) {
                String name = entry.getName();
                if (!entry.isDirectory() && name.endsWith("业务明细.csv")) {
                    return readBounded(entries);
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the bill is not a readable zip: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("the bill zip has no 业务明细.csv detail file");
    }

    private static byte[] readBounded(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int read;
        while ((read = in.read(buffer)) != -1) {
            if (out.size() + read > MAX_UNZIPPED_BYTES) {
                throw new IllegalArgumentException("the bill's detail file is larger than " + MAX_UNZIPPED_BYTES);
            }
            out.write(buffer, 0, read);
        }
        return out.toByteArray();
    }

    /** Strict GBK: a byte sequence that is not GBK means a corrupt or foreign file, not a character to guess. */
    private static String decode(byte[] bytes) {
        try {
            return GBK.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the bill's detail file is not GBK text", e);
        }
    }

    static List<StatementLine> parseDetail(String text, String currency) {
        List<StatementLine> lines = new ArrayList<>();
        try (MappingIterator<String[]> rows = CSV.readerFor(String[].class)
                .with(CsvSchema.emptySchema())
                .readValues(new StringReader(text))) {
            if (!rows.hasNextValue()) {
                throw new IllegalArgumentException("the bill's detail file has no header row");
            }
            Map<String, Integer> columns = columns(rows.nextValue());
            int row = 1;
            while (rows.hasNextValue()) {
                row++;
                String[] cells = rows.nextValue();
                if (cells.length != columns.size()) {
                    throw new IllegalArgumentException("row " + row + " has " + cells.length + " cells, the header "
                            + columns.size());
                }
                try {
                    lines.add(line(cells, columns, currency));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("row " + row + ": " + e.getMessage(), e);
                }
            }
        } catch (JacksonException e) {
            throw new IllegalArgumentException("the bill's detail file is not CSV: " + e.getOriginalMessage(), e);
        }
        return lines;
    }

    private static Map<String, Integer> columns(String[] header) {
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < header.length; i++) {
            columns.put(header[i].strip(), i);
        }
        for (String required : REQUIRED) {
            if (!columns.containsKey(required)) {
                throw new IllegalArgumentException("the bill's header has no " + required + " column");
            }
        }
        return columns;
    }

    private static StatementLine line(String[] cells, Map<String, Integer> columns, String currency) {
        String type = cell(cells, columns, BUSINESS_TYPE);
        String tradeNo = required(cells, columns, TRADE_NO);
        String paymentId = required(cells, columns, OUT_TRADE_NO);
        Instant at = AlipayTimes.parse(required(cells, columns, COMPLETED_AT));
        long fee = Math.abs(Yuan.parse(orZero(cell(cells, columns, FEE))));
        return switch (type) {
            case PAYMENT_TYPE -> new StatementLine(StatementLine.Kind.PAYMENT, paymentId, null, tradeNo,
                    positive(Yuan.parse(required(cells, columns, ORDER_AMOUNT))), currency, fee, type, at);
            case REFUND_TYPE -> new StatementLine(StatementLine.Kind.REFUND, paymentId,
                    required(cells, columns, REFUND_REQUEST_NO), tradeNo,
                    positive(Math.abs(Yuan.parse(required(cells, columns, RECEIVED)))), currency, fee, type, at);
            default -> throw new IllegalArgumentException("unknown 业务类型 " + type);
        };
    }

    private static long positive(long fen) {
        if (fen <= 0) {
            throw new IllegalArgumentException("amount must be positive, was " + fen + " fen");
        }
        return fen;
    }

    private static String orZero(String text) {
        return text.isEmpty() ? "0" : text;
    }

    private static String required(String[] cells, Map<String, Integer> columns, String column) {
        String value = cell(cells, columns, column);
        if (value.isEmpty()) {
            throw new IllegalArgumentException(column + " is empty");
        }
        return value;
    }

    /** Alipay pads cells with a tab (so spreadsheets keep long numbers as text); the padding is not data. */
    private static String cell(String[] cells, Map<String, Integer> columns, String column) {
        return cells[columns.get(column)].strip();
    }
}
