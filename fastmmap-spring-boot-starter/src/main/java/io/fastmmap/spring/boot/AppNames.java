package io.fastmmap.spring.boot;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * The application name that names the session file. Without {@code spring.application.name} every Boot application
 * would share {@code application.sessions}, and two unrelated ones would read each other's sessions; the main
 * ({@code @SpringBootConfiguration}) class tells them apart.
 */
final class AppNames {
    private static final int MAX_LENGTH = 64;

    private AppNames() {
    }

    /**
     * @return {@code fastmmap.session.app-name}, else {@code spring.application.name} (characters a file name cannot
     *     take replaced by '-'), else the main class's name, else "application" when {@code fastmmap.session.file}
     *     names the file
     * @throws IllegalStateException when none of these is there, saying what to set
     */
    static String of(FastMmapSessionProperties properties, Environment environment, ListableBeanFactory beans) {
        if (properties.getAppName() != null) {
            return properties.getAppName(); // checked by SessionStoreConfig, which names the property's value
        }
        String springName = environment.getProperty("spring.application.name");
        if (springName != null && !springName.isBlank()) {
            return fileSafe(springName.trim());
        }
        String[] main = beans.getBeanNamesForAnnotation(SpringBootConfiguration.class);
        if (main.length == 1) {
            Class<?> type = beans.getType(main[0]);
            if (type != null) {
                return fromClass(ClassUtils.getUserClass(type).getName());
            }
        }
        if (properties.getFile() != null) {
            return "application";
        }
        throw new IllegalStateException("fastmmap.session: no name for the session file: set spring.application.name"
                + " (or fastmmap.session.app-name, or fastmmap.session.file). Every instance of one application must"
                + " use the same name, and unrelated applications different ones; found no single"
                + " @SpringBootApplication class to take the name from");
    }

    /** @return the class's name as a file name ('$' of nested classes as '-'); past 64, its simple name + digest */
    static String fromClass(String className) {
        String name = fileSafe(className);
        if (name.length() < MAX_LENGTH) {
            return name;
        }
        String simple = className.substring(className.lastIndexOf('.') + 1);
        return fileSafe(simple.substring(0, Math.min(simple.length(), MAX_LENGTH - 9)) + "-" + digest(className));
    }

    private static String fileSafe(String name) {
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "-").replaceFirst("^\\.+", "");
        return safe.length() < MAX_LENGTH ? safe : safe.substring(0, MAX_LENGTH - 9) + "-" + digest(name);
    }

    private static String digest(String name) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
