package io.fastmmap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * fastmmap-bom lists every published module of the build, and nothing else, at the parent's version. A module is
 * published unless its pom sets fastmmap.publish.skip or maven.deploy.skip to true. Lives in core's suite because
 * core is built first and always; it reads the poms beside it (with patterns, not an XML parser: core's tests run
 * in module io.fastmmap, which reads no java.xml, and these poms are plain).
 */
class BomCompletenessTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern COMMENT = Pattern.compile("<!--.*?-->", Pattern.DOTALL);
    private static final Pattern MODULE = Pattern.compile("<module>\\s*([^<]+?)\\s*</module>");
    private static final Pattern PARENT = Pattern.compile("<parent>.*?</parent>", Pattern.DOTALL);
    private static final Pattern ARTIFACT = Pattern.compile("<artifactId>([^<]+)</artifactId>");
    private static final Pattern FASTMMAP_DEPENDENCY = Pattern.compile(
            "<dependency>\\s*<groupId>io\\.fastmmap</groupId>\\s*<artifactId>([^<]+)</artifactId>");

    @Test
    void shouldListEveryPublishedModuleAndNothingElse() throws IOException {
        String parent = read(ROOT.resolve("pom.xml"));
        Set<String> published = new TreeSet<>();
        Matcher modules = MODULE.matcher(parent); // <modules> and every profile's
        while (modules.find()) {
            String module = read(ROOT.resolve(modules.group(1)).resolve("pom.xml"));
            Matcher artifact = ARTIFACT.matcher(PARENT.matcher(module).replaceFirst(""));
            assertThat(artifact.find()).as("the artifactId of module %s", modules.group(1)).isTrue();
            if (!artifact.group(1).equals("fastmmap-bom") && !module.contains("<fastmmap.publish.skip>true<")
                    && !module.contains("<maven.deploy.skip>true<")) {
                published.add(artifact.group(1));
            }
        }
        Path bomFile = ROOT.resolve("fastmmap-bom/pom.xml");
        String bom = read(bomFile);
        Set<String> listed = new TreeSet<>();
        Matcher dependencies = FASTMMAP_DEPENDENCY.matcher(bom);
        while (dependencies.find()) {
            listed.add(dependencies.group(1));
        }

        assertThat(listed)
                .as("the io.fastmmap entries of %s: add each published module of %s there (or set "
                        + "fastmmap.publish.skip in a module that is not published), and remove what is not built",
                        bomFile, ROOT.resolve("pom.xml"))
                .containsExactlyInAnyOrderElementsOf(published);
        assertThat(firstVersion(bom))
                .as("%s has no parent: its <version> must be changed together with fastmmap-parent's", bomFile)
                .isEqualTo(firstVersion(parent.substring(parent.indexOf("<artifactId>fastmmap-parent<"))));
    }

    private static String read(Path pom) throws IOException {
        assertThat(pom).as("a pom of the build").exists();
        return COMMENT.matcher(Files.readString(pom)).replaceAll("");
    }

    private static String firstVersion(String pom) {
        Matcher version = Pattern.compile("<version>([^<]+)</version>").matcher(pom);
        assertThat(version.find()).isTrue();
        return version.group(1);
    }
}
