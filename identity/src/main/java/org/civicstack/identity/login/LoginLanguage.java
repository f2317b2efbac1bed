package org.civicstack.identity.login;

import java.util.Locale;
import java.util.Map;

/**
 * The two languages of the login page. Chosen by an explicit {@code lang} switch ({@code zh-CN} or {@code en}),
 * else by the first supported language of {@code Accept-Language}, else zh-CN.
 */
enum LoginLanguage {
    ZH_CN("zh-CN", Map.ofEntries(
            Map.entry("title", "登录"),
            Map.entry("heading", "短信验证码登录"),
            Map.entry("mobile.label", "手机号码"),
            Map.entry("mobile.hint", "我们将向该号码发送 6 位验证码。首次登录将自动创建账号。"),
            Map.entry("send", "获取验证码"),
            Map.entry("code.label", "验证码"),
            Map.entry("code.sent", "如果该号码可以接收短信，验证码已发送至 %s，%d 分钟内有效。"),
            Map.entry("verify", "登录"),
            Map.entry("other.number", "使用其他号码"),
            Map.entry("resend", "重新发送验证码"),
            Map.entry("error.number", "请输入有效的手机号码，例如 138 0013 8000。"),
            Map.entry("error.rate", "发送过于频繁，请在 %d 秒后重试。"),
            Map.entry("error.sms", "短信暂时无法发送，请稍后重试。"),
            Map.entry("error.code.format", "验证码为 6 位数字。"),
            Map.entry("error.code.wrong", "验证码不正确，还可尝试 %d 次。"),
            Map.entry("error.code.dead", "该验证码已失效，请重新获取。"),
            Map.entry("error.disabled", "该账号已停用，请联系客服。"),
            Map.entry("error.session", "页面已过期，请重新开始登录。"),
            Map.entry("error.unavailable", "服务暂时不可用，请稍后重试。"),
            Map.entry("done", "您已登录，请返回应用。"),
            Map.entry("switch", "English"))),
    EN("en", Map.ofEntries(
            Map.entry("title", "Sign in"),
            Map.entry("heading", "Sign in with an SMS code"),
            Map.entry("mobile.label", "Mobile number"),
            Map.entry("mobile.hint", "We will text a 6-digit code to this number. Signing in the first time creates your account."),
            Map.entry("send", "Send code"),
            Map.entry("code.label", "Code"),
            Map.entry("code.sent", "If this number can receive texts, a code was sent to %s. It is valid for %d minutes."),
            Map.entry("verify", "Sign in"),
            Map.entry("other.number", "Use another number"),
            Map.entry("resend", "Send a new code"),
            Map.entry("error.number", "Enter a valid mobile number, e.g. 138 0013 8000."),
            Map.entry("error.rate", "Too many codes requested. Try again in %d seconds."),
            Map.entry("error.sms", "The text message could not be sent. Please try again later."),
            Map.entry("error.code.format", "The code is 6 digits."),
            Map.entry("error.code.wrong", "That code is not right. %d tries left."),
            Map.entry("error.code.dead", "This code can no longer be used. Request a new one."),
            Map.entry("error.disabled", "This account is disabled. Please contact support."),
            Map.entry("error.session", "This page has expired. Please start signing in again."),
            Map.entry("error.unavailable", "The service is unavailable right now. Please try again later."),
            Map.entry("done", "You are signed in. Return to the app."),
            Map.entry("switch", "中文")));

    private final String tag;
    private final Map<String, String> messages;

    LoginLanguage(String tag, Map<String, String> messages) {
        this.tag = tag;
        this.messages = messages;
    }

    /** The BCP 47 tag, as in {@code <html lang>} and the {@code lang} switch. */
    String tag() {
        return tag;
    }

    LoginLanguage other() {
        return this == ZH_CN ? EN : ZH_CN;
    }

    String message(String key, Object... arguments) {
        String text = messages.get(key);
        if (text == null) {
            throw new IllegalArgumentException("no message " + key);
        }
        return arguments.length == 0 ? text : String.format(Locale.ROOT, text, arguments);
    }

    /** An explicit {@code lang} value; empty when it names neither language. */
    static java.util.Optional<LoginLanguage> fromTag(String tag) {
        if (tag == null) {
            return java.util.Optional.empty();
        }
        String lower = tag.trim().toLowerCase(Locale.ROOT);
        if (lower.equals("en") || lower.startsWith("en-")) {
            return java.util.Optional.of(EN);
        }
        if (lower.equals("zh") || lower.startsWith("zh-")) {
            return java.util.Optional.of(ZH_CN);
        }
        return java.util.Optional.empty();
    }

    /** The first of zh/en in an {@code Accept-Language} header by preference, else zh-CN. */
    static LoginLanguage fromAcceptLanguage(String header) {
        if (header == null || header.isBlank()) {
            return ZH_CN;
        }
        try {
            for (Locale.LanguageRange range : Locale.LanguageRange.parse(header)) {
                java.util.Optional<LoginLanguage> language = fromTag(range.getRange());
                if (language.isPresent()) {
                    return language.get();
                }
            }
        } catch (IllegalArgumentException malformed) {
            return ZH_CN;
        }
        return ZH_CN;
    }
}
