package io.fastmmap.spring.session;

import io.fastmmap.session.AttributeSerializer;
import io.fastmmap.session.DefaultAttributeSerializer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.springframework.util.ClassUtils;

/**
 * The classes Spring itself puts into HTTP sessions, which Java serialization must read back besides the JDK value
 * types ({@link DefaultAttributeSerializer#JDK_VALUE_CLASSES}): each group is allowed when its framework is on the
 * class path, so form login, OAuth2/OIDC login and flash attributes work with no setting, and nothing is allowed
 * for a framework the application does not use.
 */
public final class SpringSessionClasses {
    /**
     * Spring Security: the security context and its authentication tokens, user details, authorities, OAuth2/OIDC
     * users, tokens, authorized clients and authorization requests, saved requests, CSRF and remember-me tokens, and
     * the authentication exception a failed form login leaves in the session (with the JDK's exception classes).
     */
    public static final List<String> SPRING_SECURITY = List.of("org.springframework.security.**",
            "java.lang.Throwable", "java.lang.Exception", "java.lang.RuntimeException", "java.lang.StackTraceElement");
    /** Spring MVC flash attributes: {@code FlashMap} and the target-parameter map it holds. */
    public static final List<String> SPRING_MVC_FLASH = List.of("org.springframework.web.servlet.FlashMap",
            "org.springframework.util.LinkedMultiValueMap", "org.springframework.util.MultiValueMapAdapter");

    private static final String SECURITY_MARKER = "org.springframework.security.core.context.SecurityContextImpl";
    private static final String MVC_MARKER = "org.springframework.web.servlet.FlashMap";

    private SpringSessionClasses() {
    }

    /**
     * @param classLoader where the application's classes are; null for the default
     * @return true when Spring Security is on the class path
     */
    public static boolean springSecurityPresent(ClassLoader classLoader) {
        return ClassUtils.isPresent(SECURITY_MARKER, classLoader);
    }

    /**
     * @param classLoader where the application's classes are; null for the default
     * @param springSecurity whether to allow Spring Security's classes: null to allow them when it is on the class
     *     path
     * @param applicationPatterns the application's own class patterns ({@code com.example.cart.*})
     * @return the serializer: {@link DefaultAttributeSerializer#standard()} plus the groups present and the patterns
     */
    public static AttributeSerializer serializer(ClassLoader classLoader, Boolean springSecurity,
            Collection<String> applicationPatterns) {
        List<String> allowed = new ArrayList<>(applicationPatterns);
        if (springSecurity != null ? springSecurity : springSecurityPresent(classLoader)) {
            allowed.addAll(SPRING_SECURITY);
        }
        if (ClassUtils.isPresent(MVC_MARKER, classLoader)) {
            allowed.addAll(SPRING_MVC_FLASH);
        }
        return allowed.isEmpty() ? DefaultAttributeSerializer.standard()
                : DefaultAttributeSerializer.withJavaSerialization(allowed.toArray(String[]::new));
    }
}
