package org.civicstack.identity.login;

import org.springframework.web.util.HtmlUtils;

/**
 * The login page's HTML: tiny, self-contained (inline CSS, no script, no external asset), mobile viewport, a plain
 * form per step that works without JavaScript. Every dynamic value is HTML-escaped here.
 */
final class LoginPage {

    private static final String STYLE = """
            body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f4f6f8;color:#1b1f24}
            main{max-width:26rem;margin:0 auto;padding:1.5rem 1.25rem}
            h1{font-size:1.4rem;margin:.5rem 0 1.25rem}
            label{display:block;font-weight:600;margin-bottom:.4rem}
            input[type=tel],input[type=text]{box-sizing:border-box;width:100%;font-size:1.2rem;padding:.7rem;border:1px solid #9aa4ae;border-radius:.4rem}
            button{width:100%;margin-top:1rem;font-size:1.1rem;padding:.8rem;border:0;border-radius:.4rem;background:#0b63c5;color:#fff}
            .link{background:none;color:#0b63c5;padding:.4rem;margin-top:.5rem;font-size:1rem}
            .hint{color:#4a545e;font-size:.9rem}
            .error{background:#fde8e8;color:#8a1c1c;padding:.7rem;border-radius:.4rem;margin-bottom:1rem}
            nav{text-align:right}nav a{color:#0b63c5}
            """;

    private LoginPage() {
    }

    static String mobileStep(LoginLanguage language, String csrfName, String csrfToken, String typedNumber,
            String error) {
        StringBuilder body = new StringBuilder();
        error(body, error);
        body.append("<form method=\"post\" action=\"/login/code\">")
                .append(hidden(csrfName, csrfToken)).append(hidden("lang", language.tag()))
                .append("<label for=\"mobile\">").append(e(language.message("mobile.label"))).append("</label>")
                .append("<input id=\"mobile\" name=\"mobile\" type=\"tel\" inputmode=\"tel\" autocomplete=\"tel\" "
                        + "required maxlength=\"32\" value=\"").append(e(typedNumber == null ? "" : typedNumber))
                .append("\">")
                .append("<p class=\"hint\">").append(e(language.message("mobile.hint"))).append("</p>")
                .append("<button id=\"send\" type=\"submit\">").append(e(language.message("send"))).append("</button>")
                .append("</form>");
        return page(language, body.toString());
    }

    static String codeStep(LoginLanguage language, String csrfName, String csrfToken, String maskedNumber,
            long validMinutes, String error) {
        StringBuilder body = new StringBuilder();
        error(body, error);
        body.append("<p class=\"hint\" id=\"sent\">").append(e(language.message("code.sent", maskedNumber, validMinutes)))
                .append("</p>")
                .append("<form method=\"post\" action=\"/login/verify\">")
                .append(hidden(csrfName, csrfToken)).append(hidden("lang", language.tag()))
                .append("<label for=\"code\">").append(e(language.message("code.label"))).append("</label>")
                .append("<input id=\"code\" name=\"code\" type=\"text\" inputmode=\"numeric\" "
                        + "autocomplete=\"one-time-code\" pattern=\"[0-9 ]{6,8}\" maxlength=\"8\" required>")
                .append("<button id=\"verify\" type=\"submit\">").append(e(language.message("verify")))
                .append("</button></form>")
                .append("<form method=\"post\" action=\"/login/restart\">")
                .append(hidden(csrfName, csrfToken)).append(hidden("lang", language.tag()))
                .append("<button class=\"link\" id=\"restart\" type=\"submit\">")
                .append(e(language.message("other.number"))).append("</button></form>");
        return page(language, body.toString());
    }

    static String message(LoginLanguage language, String text) {
        return page(language, "<p id=\"message\">" + e(text) + "</p>");
    }

    private static String page(LoginLanguage language, String body) {
        return "<!DOCTYPE html><html lang=\"" + language.tag() + "\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<meta name=\"referrer\" content=\"no-referrer\">"
                + "<title>" + e(language.message("title")) + "</title><style>" + STYLE + "</style></head><body><main>"
                + "<nav><a id=\"lang\" href=\"/login?lang=" + language.other().tag() + "\" hreflang=\""
                + language.other().tag() + "\">" + e(language.message("switch")) + "</a></nav>"
                + "<h1>" + e(language.message("heading")) + "</h1>" + body + "</main></body></html>";
    }

    private static void error(StringBuilder body, String error) {
        if (error != null) {
            body.append("<p class=\"error\" id=\"error\" role=\"alert\">").append(e(error)).append("</p>");
        }
    }

    private static String hidden(String name, String value) {
        return "<input type=\"hidden\" name=\"" + e(name) + "\" value=\"" + e(value) + "\">";
    }

    private static String e(String text) {
        return HtmlUtils.htmlEscape(text, "UTF-8");
    }
}
