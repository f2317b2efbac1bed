package org.civicstack.identity.assurance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PersonNameTest {

    @ParameterizedTest
    @CsvSource({"张三,张三", "' 王小明 ',王小明", "阿依古丽•买买提,阿依古丽·买买提", "阿依古丽・买买提,阿依古丽·买买提",
            "Anne-Marie Li,Anne-Marie Li"})
    void typedNamesAreNormalised(String typed, String expected) {
        assertThat(PersonName.parse(typed).value()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "张三1", "<script>", "·张三", "张三·", "张  三", "张\u0000三",
            "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一"})
    void anythingElseIsRefusedWithoutRepeatingTheInput(String typed) {
        assertThatThrownBy(() -> PersonName.parse(typed)).isInstanceOf(PersonName.InvalidPersonName.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(typed.isBlank() ? "\u0001" : typed));
    }

    @ParameterizedTest
    @ValueSource(strings = {"张三", "欧阳娜娜"})
    void toStringMasksAllButTheFirstCharacter(String name) {
        assertThat(new PersonName(name).toString()).isEqualTo("PersonName[" + name.charAt(0) + "*]");
    }
}
