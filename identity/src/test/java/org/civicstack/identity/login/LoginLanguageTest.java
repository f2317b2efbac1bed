package org.civicstack.identity.login;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LoginLanguageTest {

    @Test
    void acceptLanguagePicksTheFirstSupportedLanguageByPreference() {
        assertThat(LoginLanguage.fromAcceptLanguage("en-US,en;q=0.9")).isEqualTo(LoginLanguage.EN);
        assertThat(LoginLanguage.fromAcceptLanguage("fr;q=1, zh-TW;q=0.8, en;q=0.5")).isEqualTo(LoginLanguage.ZH_CN);
        assertThat(LoginLanguage.fromAcceptLanguage("de")).isEqualTo(LoginLanguage.ZH_CN);
        assertThat(LoginLanguage.fromAcceptLanguage(null)).isEqualTo(LoginLanguage.ZH_CN);
        assertThat(LoginLanguage.fromAcceptLanguage(";;;garbage")).isEqualTo(LoginLanguage.ZH_CN);
    }

    @Test
    void everyMessageExistsInBothLanguages() {
        for (String key : new String[] {"title", "heading", "mobile.label", "send", "code.label", "verify",
                "error.number", "error.code.dead", "error.session", "done", "switch"}) {
            assertThat(LoginLanguage.EN.message(key)).isNotBlank();
            assertThat(LoginLanguage.ZH_CN.message(key)).isNotBlank().isNotEqualTo(LoginLanguage.EN.message(key));
        }
    }

    @Test
    void thePageEscapesWhatTheCitizenTyped() {
        String page = LoginPage.mobileStep(LoginLanguage.EN, "_csrf", "t", "\"><script>x</script>", "e");
        assertThat(page).doesNotContain("<script>").contains("&lt;script&gt;");
    }
}
