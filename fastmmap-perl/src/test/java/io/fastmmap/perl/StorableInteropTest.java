package io.fastmmap.perl;

import static io.fastmmap.perl.PerlProcess.HEX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fastmmap.CodecException;
import io.fastmmap.process.ExternalTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@link Storable} against Perl's own Storable 3.26: the same bytes, both ways, and hostile input refused. */
class StorableInteropTest {
    @RegisterExtension
    static final ExternalTool PERL = ExternalTool.PERL;

    @TempDir
    Path dir;

    @Test
    void freezeWritesPerlsExactBytes() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("n", 1);
        String perl = PerlProcess.runCode("use Storable qw(freeze); print unpack('H*', freeze(\\ {n => 1}))").get(0);
        assertThat(HEX.formatHex(Storable.freeze(value))).isEqualTo(perl)
                .isEqualTo("040b08313233343536373804080808" + "0403010000000881010000006e");
        assertThat(HEX.formatHex(Storable.freeze(1_700_000_000L))).endsWith("0600f1536500000000");
    }

    @Test
    void perlValuesSurviveJavaThawAndFreezeByIsDeeply() throws IOException {
        int count = 300;
        List<String> lines = PerlProcess.runScript("storable.pl", "gen", "17", "" + count);
        assertThat(lines).hasSize(count);
        List<String> javaLines = new ArrayList<>();
        int blessed = 0;
        for (String line : lines) {
            for (String form : line.split(" ")) {
                Object value = Storable.thaw(HEX.parseHex(form));
                blessed += value instanceof PerlObject ? 1 : 0;
                javaLines.add(HEX.formatHex(Storable.freeze(value)));
            }
        }
        Path file = dir.resolve("java.txt");
        Files.write(file, javaLines);
        List<String> tap = PerlProcess.runScript("storable.pl", "compare", "17", "" + count, file.toString());
        assertThat(tap).noneMatch(l -> l.startsWith("not ok")).contains("1.." + (1 + 4 * count));
        assertThat(blessed).as("blessed values at the top").isPositive();
    }

    /**
     * A blessed object holding itself is the object inside too, as in Perl (it used to read as the bare array, so
     * the fuzzer found a value whose second freeze differed), and the writer gives Perl's exact bytes back; a
     * blessing Perl cannot have (an array both bare and blessed, a blessed reference to a reference) is refused.
     */
    @Test
    void blessedThingsReferringToThemselvesStayObjects() {
        List<String> perl = PerlProcess.runCode("use Storable qw(freeze); my $s = bless [1], 'X'; push @$s, $s; "
                + "my $h = bless {}, 'Y'; $h->{me} = $h; print unpack('H*', freeze(\\$s)), \"\\n\", "
                + "unpack('H*', freeze(\\$h)), \"\\n\", unpack('H*', freeze(\\ (bless \\ \\ 'x', 'Z')))");
        PerlObject array = (PerlObject) Storable.thaw(HEX.parseHex(perl.get(0)));
        assertThat(((List<?>) array.value()).get(1)).isSameAs(array);
        assertThat(HEX.formatHex(Storable.freeze(array))).isEqualTo(perl.get(0));
        PerlObject hash = (PerlObject) Storable.thaw(HEX.parseHex(perl.get(1)));
        assertThat(((Map<?, ?>) hash.value()).get("me")).isSameAs(hash);
        assertThat(HEX.formatHex(Storable.freeze(hash))).isEqualTo(perl.get(1));
        assertThatThrownBy(() -> Storable.thaw(HEX.parseHex(perl.get(2)))).isInstanceOf(CodecException.class)
                .hasMessageContaining("a blessed reference to a reference");

        List<Object> list = new ArrayList<>(List.of(1L));
        assertThatThrownBy(() -> Storable.freeze(List.of(list, new PerlObject("X", list))))
                .isInstanceOf(CodecException.class).hasMessageContaining("$value[1] blesses a list written before");
        assertThatThrownBy(() -> Storable.freeze(List.of(new PerlObject("X", list), list)))
                .isInstanceOf(CodecException.class).hasMessageContaining("$value[1] is the list a PerlObject blesses");
        Object empties = List.of(List.of(), new PerlObject("X", List.of()), Map.of(), new PerlObject("Y", Map.of()));
        assertThat(Storable.freeze(Storable.thaw(Storable.freeze(empties)))).isEqualTo(Storable.freeze(empties));
    }

    @Test
    void javaTypesMapToPerlOnes() {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("id", 42);
        user.put("name", "møøse ✓");
        Map<String, Object> session = new LinkedHashMap<>();
        session.put("__created", 1_700_000_000L);
        session.put("count", 3);
        session.put("list", Arrays.asList(1L, "a", null, 2.5, List.of(), Map.of()));
        session.put("ключ", "значение");
        session.put("bytes", new byte[] {0, 1, 2, (byte) 0xFF});
        session.put("__user", new PerlObject("MyApp::User", user));
        session.put("yes", true);
        Path file = dir.resolve("one.txt");
        try {
            Files.writeString(file, HEX.formatHex(Storable.freeze(session)) + "\n");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        String dump = String.join("\n", PerlProcess.runScript("storable.pl", "thaw", "0", "0", file.toString()));
        assertThat(dump).contains("'__created' => 1700000000", "'count' => 3", "'id' => 42", "bless(",
                "'MyApp::User'", "2.5", "undef", "'yes' => 1");
        Object back = Storable.thaw(Storable.freeze(session));
        assertThat(back).isInstanceOf(Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) back;
        assertThat(map.keySet()).containsExactlyElementsOf(session.keySet());
        assertThat(map.get("count")).isEqualTo(3L);
        assertThat(map.get("ключ")).isEqualTo("значение");
        assertThat((byte[]) map.get("bytes")).containsExactly(0, 1, 2, 0xFF);
        assertThat(map.get("__user")).isEqualTo(new PerlObject("MyApp::User", Map.of("id", 42L, "name", "møøse ✓")));
    }

    @Test
    void sharedAndSelfReferencesStayOneObject() {
        String hex = PerlProcess.runCode("use Storable qw(freeze); my %h = (a => 1); my $x = [\\%h, \\%h];"
                + " my %self; $self{me} = \\%self; print unpack('H*', freeze(\\ [$x, \\%self]))").get(0);
        List<?> root = (List<?>) Storable.thaw(HEX.parseHex(hex));
        List<?> pair = (List<?>) root.get(0);
        assertThat(pair.get(0)).isSameAs(pair.get(1));
        Map<?, ?> self = (Map<?, ?>) root.get(1);
        assertThat(self.get("me")).isSameAs(self);
        byte[] again = Storable.freeze(root);
        assertThat(Storable.thaw(again)).isInstanceOf(List.class); // cycles are written as references, not forever
    }

    @Test
    void codeRefsAndHooksAreClearErrors() {
        String code = PerlProcess.runCode("use Storable qw(freeze); $Storable::Deparse = 1;"
                + " print unpack('H*', freeze(\\ {f => sub { 1 }}))").get(0);
        assertThatThrownBy(() -> Storable.thaw(HEX.parseHex(code))).isInstanceOf(CodecException.class)
                .hasMessageContaining("code reference");
        String hook = PerlProcess.runCode("package H; sub STORABLE_freeze { return ('x') }"
                + " package main; use Storable qw(freeze); print unpack('H*', freeze(\\ bless({}, 'H')))").get(0);
        assertThatThrownBy(() -> Storable.thaw(HEX.parseHex(hook))).isInstanceOf(CodecException.class)
                .hasMessageContaining("STORABLE_freeze");
        assertThatThrownBy(() -> Storable.freeze(Map.of("when", new Object()))).isInstanceOf(CodecException.class)
                .hasMessageContaining("$value->{\"when\"}").hasMessageContaining("java.lang.Object");
        assertThatThrownBy(() -> Storable.freeze(List.of("ok", "\uD800"))).isInstanceOf(CodecException.class)
                .hasMessageContaining("$value[1]").hasMessageContaining("surrogate");
        assertThatThrownBy(() -> Storable.freeze(Map.of(1, 2))).isInstanceOf(CodecException.class)
                .hasMessageContaining("keys are strings");
    }

    @Test
    void hostileInputIsRefusedWithoutRunningOutOfMemoryOrStack() {
        byte[] header = Storable.NATIVE_HEADER;
        // a hash claiming 2^31-1 entries, an array of 2^31-1 items, a string of 2^31-1 bytes
        for (String body : List.of("03ffffff7f", "02ffffff7f", "01ffffff7f", "19 00 ffffff7f".replace(" ", ""))) {
            byte[] input = concat(header, HEX.parseHex(body));
            assertThatThrownBy(() -> Storable.thaw(input)).isInstanceOf(CodecException.class)
                    .hasMessageContaining("2147483647");
        }
        byte[] deep = new byte[header.length + 200_000];
        System.arraycopy(header, 0, deep, 0, header.length);
        Arrays.fill(deep, header.length, deep.length, (byte) Storable.SX_REF);
        assertThatThrownBy(() -> Storable.thaw(deep)).isInstanceOf(CodecException.class)
                .hasMessageContaining("deeper than");
        assertThatThrownBy(() -> Storable.thaw(HEX.parseHex("040b08313233343536373808080808")))
                .isInstanceOf(CodecException.class).hasMessageContaining("another platform");
        assertThatThrownBy(() -> Storable.thaw(new byte[0])).isInstanceOf(CodecException.class);

        Map<String, Object> value = new LinkedHashMap<>();
        value.put("list", List.of(1L, "møøse", 2.5, new PerlObject("A", List.of())));
        value.put("text", "x".repeat(300));
        byte[] valid = Storable.freeze(value);
        for (int length = 0; length < valid.length; length++) {
            byte[] truncated = Arrays.copyOf(valid, length);
            assertThatThrownBy(() -> Storable.thaw(truncated)).as("truncated to %d", length)
                    .isInstanceOf(CodecException.class);
        }
        Random random = new Random(5);
        for (int round = 0; round < 20_000; round++) {
            byte[] mutated = valid.clone();
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
            }
            try {
                Storable.thaw(mutated);
            } catch (CodecException expected) {
                // the only failure allowed
            }
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
