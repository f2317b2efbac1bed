package org.civicstack.platform.web;

import java.util.Locale;

/** The two languages citizens see (api-conventions.md): which one an {@code Accept-Language} header asks for first. */
public final class Languages {

    public enum Language { ZH_CN, EN }

    private Languages() {
    }

    /**
     * Whichever of zh-* or en-* comes first in the caller's preference order; {@code whenUnknown} when the header is
     * absent, unusable or names neither.
     */
    public static Language preferred(String acceptLanguage, Language whenUnknown) {
        if (acceptLanguage == null || acceptLanguage.isBlank()) {
            return whenUnknown;
        }
        try {
            for (Locale.LanguageRange range : Locale.LanguageRange.parse(acceptLanguage)) {
                if (range.getRange().startsWith("zh")) {
                    return Language.ZH_CN;
                }
                if (range.getRange().startsWith("en")) {
                    return Language.EN;
                }
            }
        } catch (IllegalArgumentException e) {
            return whenUnknown;
        }
        return whenUnknown;
    }
}
