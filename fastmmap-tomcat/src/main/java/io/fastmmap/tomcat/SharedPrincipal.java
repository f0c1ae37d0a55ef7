package io.fastmmap.tomcat;

import java.security.Principal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.catalina.realm.GenericPrincipal;

/**
 * The user an authenticator cached in the session ({@code AuthenticatorBase cache="true"}, the default), kept in the
 * stored session so that every process knows who is logged in, as Tomcat's own cluster managers replicate the
 * principal and auth type. Stored as a plain JSON value under a reserved attribute that applications never see: the
 * user's name, roles and auth type, from which any process rebuilds a {@link GenericPrincipal}, as Tomcat's realms
 * give. A principal of another class (a custom realm's) is not shared: other processes see no user, and its
 * authenticator asks again.
 *
 * @param principal the user
 * @param authType how the user logged in (FORM, BASIC, ...), or null
 */
record SharedPrincipal(GenericPrincipal principal, String authType) {
    /** The attribute holding it in the stored session. */
    static final String ATTRIBUTE = "io.fastmmap.tomcat.principal";

    /** @return the stored form of {@code principal}, or null (removing the attribute) when there is none to share */
    static Map<String, Object> value(Principal principal, String authType) {
        if (!(principal instanceof GenericPrincipal user)) {
            return null;
        }
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("name", user.getName());
        value.put("roles", Arrays.asList(user.getRoles()));
        if (authType != null) {
            value.put("authType", authType);
        }
        return value;
    }

    /** @return the user stored as {@code value}, or null when there is none or it is not of this form */
    static SharedPrincipal from(Object value) {
        if (!(value instanceof Map<?, ?> map) || !(map.get("name") instanceof String name)
                || !(map.get("roles") instanceof List<?> stored)) {
            return null;
        }
        List<String> roles = new ArrayList<>(stored.size());
        for (Object role : stored) {
            if (!(role instanceof String r)) {
                return null;
            }
            roles.add(r);
        }
        Object authType = map.get("authType");
        return new SharedPrincipal(new GenericPrincipal(name, roles), authType instanceof String s ? s : null);
    }
}
