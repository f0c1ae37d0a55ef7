package io.fastmmap.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fastmmap.session.SessionSerializationException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.Serializable;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.RememberMeAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.web.HttpSessionOAuth2AuthorizationRequestRepository;
import org.springframework.security.oauth2.client.web.HttpSessionOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.OidcUserInfo;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUserAuthority;
import org.springframework.security.web.WebAttributes;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.web.http.SessionRepositoryFilter;
import org.springframework.web.servlet.FlashMap;
import org.springframework.web.servlet.support.SessionFlashMapManager;

/**
 * What real Spring applications put into sessions, written by one instance and read by another (two application
 * contexts, each with its own store on one file, so every value is really deserialized), through Spring Session's
 * filter with cookies and the very Spring Security and Spring MVC classes that do it in an application. No
 * serialization property is set: these must work by default.
 */
class SessionContentsAcrossInstancesTest {
    @TempDir
    Path dir;

    private WebApplicationContextRunner instance(String... properties) {
        return new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(FastMmapSessionAutoConfiguration.class,
                        FastMmapSessionAutoConfigurationTest.bootSessionAutoConfiguration()))
                .withPropertyValues("fastmmap.session.file=" + dir.resolve("shared.sessions"),
                        "fastmmap.session.cache-size=2MB", "fastmmap.session.page-size=64KB")
                .withPropertyValues(properties);
    }

    /**
     * Runs {@code work} in a request through the instance's session filter.
     *
     * @param target path, with a query string of parameters if any
     * @return the session cookie after the request
     */
    private static Cookie request(ApplicationContext instance, Cookie cookie, String target,
            BiConsumer<HttpServletRequest, HttpServletResponse> work) throws Exception {
        String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
        MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
        request.setServerName("shop.example");
        if (!path.equals(target)) {
            request.setQueryString(target.substring(path.length() + 1));
            for (String pair : request.getQueryString().split("&")) {
                request.addParameter(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
            }
        }
        if (cookie != null) {
            request.setCookies(cookie);
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        FilterChain chain = (req, res) -> work.accept((HttpServletRequest) req, (HttpServletResponse) res);
        instance.getBean("springSessionRepositoryFilter", SessionRepositoryFilter.class)
                .doFilter(request, response, chain);
        Cookie set = response.getCookie("SESSION");
        return set != null ? set : cookie;
    }

    @Test
    void formLoginWithItsSavedRequestCsrfTokenAndRememberMeWorksOnTheOtherInstance() {
        HttpSessionRequestCache requestCache = new HttpSessionRequestCache();
        HttpSessionCsrfTokenRepository csrf = new HttpSessionCsrfTokenRepository();
        HttpSessionSecurityContextRepository contexts = new HttpSessionSecurityContextRepository();
        instance().run(a -> instance().run(b -> {
            CsrfToken[] token = new CsrfToken[1];
            // instance A: an anonymous visit to a protected page saves the request and a CSRF token
            Cookie cookie = request(a, null, "/orders", (req, res) -> {
                requestCache.saveRequest(req, res);
                token[0] = csrf.generateToken(req);
                csrf.saveToken(token[0], req, res);
            });
            // instance B: the login form's POST fails once, then succeeds
            cookie = request(b, cookie, "/login", (req, res) -> {
                assertThat(csrf.loadToken(req).getToken()).isEqualTo(token[0].getToken());
                req.getSession().setAttribute(WebAttributes.AUTHENTICATION_EXCEPTION,
                        new BadCredentialsException("Bad credentials"));
            });
            cookie = request(a, cookie, "/login", (req, res) -> {
                assertThat(((Exception) req.getSession().getAttribute(WebAttributes.AUTHENTICATION_EXCEPTION))
                        .getMessage()).isEqualTo("Bad credentials");
                UserDetails user = User.withUsername("ann").password("{noop}secret").roles("USER").build();
                UsernamePasswordAuthenticationToken login = UsernamePasswordAuthenticationToken.authenticated(
                        user, null, user.getAuthorities());
                login.setDetails(new WebAuthenticationDetails(req));
                req.getSession().removeAttribute(WebAttributes.AUTHENTICATION_EXCEPTION);
                req.changeSessionId();
                contexts.saveContext(new SecurityContextImpl(login), req, res);
            });
            // instance B: the saved request is replayed for the logged-in user
            cookie = request(b, cookie, "/orders", (req, res) -> {
                SecurityContext context = contexts.loadDeferredContext(req).get();
                assertThat(context.getAuthentication().getName()).isEqualTo("ann");
                assertThat(context.getAuthentication().getAuthorities()).extracting(Object::toString)
                        .containsExactly("ROLE_USER");
                assertThat(((WebAuthenticationDetails) context.getAuthentication().getDetails()).getRemoteAddress())
                        .isEqualTo("127.0.0.1");
                SavedRequest saved = requestCache.getRequest(req, res);
                assertThat(saved.getRedirectUrl()).contains("shop.example").contains("/orders");
                // a later visit from a remember-me cookie
                RememberMeAuthenticationToken remembered = new RememberMeAuthenticationToken("key", "ann",
                        AuthorityUtils.createAuthorityList("ROLE_USER"));
                contexts.saveContext(new SecurityContextImpl(remembered), req, res);
            });
            request(a, cookie, "/orders", (req, res) -> assertThat(contexts.loadDeferredContext(req).get()
                    .getAuthentication()).isInstanceOf(RememberMeAuthenticationToken.class));
            assertThat(b.getBean(FindByIndexNameSessionRepository.class).findByPrincipalName("ann")).hasSize(1);
        }));
    }

    @Test
    void oidcLoginWithItsTokensAndClaimsWorksOnTheOtherInstance() {
        HttpSessionSecurityContextRepository contexts = new HttpSessionSecurityContextRepository();
        HttpSessionOAuth2AuthorizedClientRepository clients = new HttpSessionOAuth2AuthorizedClientRepository();
        HttpSessionOAuth2AuthorizationRequestRepository authorizations =
                new HttpSessionOAuth2AuthorizationRequestRepository();
        ClientRegistration registration = ClientRegistration.withRegistrationId("idp").clientId("shop")
                .clientSecret("s3cret").authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri("{baseUrl}/login/oauth2/code/{registrationId}").scope("openid", "email")
                .authorizationUri("https://idp.example/auth").tokenUri("https://idp.example/token")
                .jwkSetUri("https://idp.example/certs").userInfoUri("https://idp.example/userinfo")
                .userNameAttributeName("sub").issuerUri("https://idp.example/realms/shop")
                .providerConfigurationMetadata(Map.of("end_session_endpoint", "https://idp.example/logout"))
                .build();
        Instant issued = Instant.parse("2026-12-06T20:00:00Z");
        instance().run(a -> instance().run(b -> {
            // instance A: the redirect to the identity provider saves the authorization request
            Cookie cookie = request(a, null, "/oauth2/authorization/idp", (req, res) -> authorizations
                    .saveAuthorizationRequest(OAuth2AuthorizationRequest.authorizationCode()
                            .authorizationUri("https://idp.example/auth").clientId("shop")
                            .redirectUri("https://shop.example/login/oauth2/code/idp").scopes(Set.of("openid"))
                            .state("st4te").attributes(attrs -> attrs.put("registration_id", "idp"))
                            .additionalParameters(Map.of("nonce", "n0nce")).build(), req, res));
            // instance B: the callback; the login is built as Spring Security's OIDC login builds it
            cookie = request(b, cookie, "/login/oauth2/code/idp?state=st4te&code=c0de", (req, res) -> {
                OAuth2AuthorizationRequest started = authorizations.removeAuthorizationRequest(req, res);
                assertThat(started.getAttributes()).containsEntry("registration_id", "idp");
                Map<String, Object> claims = new LinkedHashMap<>();
                try {
                    claims.put("iss", new URL("https://idp.example/realms/shop"));
                } catch (java.net.MalformedURLException e) {
                    throw new IllegalStateException(e);
                }
                claims.put("sub", "248289761001");
                claims.put("aud", List.of("shop"));
                claims.put("iat", issued);
                claims.put("exp", issued.plusSeconds(300));
                claims.put("email", "ann@example.com");
                claims.put("email_verified", true);
                OidcIdToken idToken = new OidcIdToken("id.token.jwt", issued, issued.plusSeconds(300), claims);
                OidcUserInfo userInfo = new OidcUserInfo(Map.of("sub", "248289761001", "name", "Ann"));
                OidcUser user = new DefaultOidcUser(List.of(new OidcUserAuthority(idToken, userInfo),
                        new SimpleGrantedAuthority("SCOPE_openid")), idToken, userInfo, "email");
                OAuth2AuthenticationToken login = new OAuth2AuthenticationToken(user, user.getAuthorities(), "idp");
                req.changeSessionId();
                contexts.saveContext(new SecurityContextImpl(login), req, res);
                OAuth2AccessToken access = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "access.jwt",
                        issued, issued.plusSeconds(300), Set.of("openid", "email"));
                clients.saveAuthorizedClient(new OAuth2AuthorizedClient(registration, "ann@example.com", access,
                        new OAuth2RefreshToken("refresh", issued)), login, req, res);
            });
            // instance A: the next request
            request(a, cookie, "/account", (req, res) -> {
                Authentication login = contexts.loadDeferredContext(req).get().getAuthentication();
                assertThat(login).isInstanceOf(OAuth2AuthenticationToken.class);
                assertThat(login.getName()).isEqualTo("ann@example.com");
                OidcUser user = (OidcUser) login.getPrincipal();
                assertThat(user.getIssuer().toString()).isEqualTo("https://idp.example/realms/shop");
                assertThat(user.getAudience()).containsExactly("shop");
                assertThat(user.getIssuedAt()).isEqualTo(issued);
                assertThat(user.getEmailVerified()).isTrue();
                assertThat(user.getIdToken().getTokenValue()).isEqualTo("id.token.jwt");
                assertThat(user.getUserInfo().getFullName()).isEqualTo("Ann");
                OAuth2AuthorizedClient client = clients.loadAuthorizedClient("idp", login, req);
                assertThat(client.getAccessToken().getTokenValue()).isEqualTo("access.jwt");
                assertThat(client.getAccessToken().getScopes()).containsExactlyInAnyOrder("openid", "email");
                assertThat(client.getRefreshToken().getTokenValue()).isEqualTo("refresh");
                assertThat(client.getClientRegistration().getProviderDetails().getIssuerUri())
                        .isEqualTo("https://idp.example/realms/shop");
            });
            assertThat(a.getBean(FindByIndexNameSessionRepository.class).findByPrincipalName("ann@example.com"))
                    .hasSize(1);
        }));
    }

    @Test
    void flashAttributesSurviveThePostRedirectGetAcrossInstances() {
        SessionFlashMapManager flash = new SessionFlashMapManager();
        instance().run(a -> instance().run(b -> {
            // instance A: the POST handler adds a flash attribute and redirects
            Cookie cookie = request(a, null, "/orders", (req, res) -> {
                FlashMap output = new FlashMap();
                output.put("message", "Order 7 saved");
                output.put("total", new BigDecimal("12.50"));
                output.setTargetRequestPath("/orders/7");
                output.addTargetRequestParam("tab", "summary");
                flash.saveOutputFlashMap(output, req, res);
            });
            // instance B: the redirect target finds it, once
            cookie = request(b, cookie, "/orders/7?tab=summary", (req, res) -> {
                FlashMap input = flash.retrieveAndUpdate(req, res);
                assertThat((Object) input).isNotNull();
                assertThat(input.get("message")).isEqualTo("Order 7 saved");
                assertThat(input.get("total")).isEqualTo(new BigDecimal("12.50"));
            });
            request(a, cookie, "/orders/7?tab=summary", (req, res) -> {
                assertThat((Object) flash.retrieveAndUpdate(req, res)).isNull();
            });
        }));
    }

    @Test
    void jdkValueTypesComeBackAsTheyWereOnTheOtherInstance() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("uri", URI.create("https://example.com/a"));
        values.put("when", ZonedDateTime.parse("2026-12-06T21:00:00+01:00[Europe/Berlin]"));
        values.put("day", LocalDate.of(2026, 12, 6));
        values.put("wait", Duration.ofMinutes(3));
        values.put("price", new BigDecimal("9.99"));
        values.put("id", UUID.fromString("0b3f4c2e-9f1d-4c55-8e0a-6a1b2c3d4e5f"));
        values.put("locale", Locale.GERMANY);
        values.put("tags", new TreeSet<>(Set.of("b", "a")));
        values.put("counts", new HashMap<>(Map.of("x", 1L)));
        values.put("fixed", List.of("a", "b"));
        values.put("plain", new ArrayList<>(List.of(1, "two")));
        instance().run(a -> instance().run(b -> {
            Cookie cookie = request(a, null, "/", (req, res) -> values.forEach(req.getSession()::setAttribute));
            request(b, cookie, "/", (req, res) -> values.forEach((name, value) ->
                    assertThat(req.getSession().getAttribute(name)).as(name).isEqualTo(value)
                            .hasSameClassAs(value)));
        }));
    }

    /** An application's own class. */
    record Basket(List<String> items) implements Serializable {
    }

    @Test
    void theApplicationsOwnClassesNeedOnePropertyAndTheRefusalSaysWhich() {
        instance().run(a -> assertThatThrownBy(() -> request(a, null, "/", (req, res) ->
                req.getSession().setAttribute("basket", new Basket(List.of("tea")))))
                .isInstanceOf(SessionSerializationException.class).hasMessageContaining(Basket.class.getName())
                .hasMessageContaining("fastmmap.session.serialization.java-allowed-classes=io.fastmmap.spring.boot.*"));
        String allow = "fastmmap.session.serialization.java-allowed-classes=io.fastmmap.spring.boot.*";
        instance(allow).run(a -> instance(allow).run(b -> {
            Cookie cookie = request(a, null, "/", (req, res) ->
                    req.getSession().setAttribute("basket", new Basket(List.of("tea"))));
            request(b, cookie, "/", (req, res) -> assertThat(req.getSession().getAttribute("basket"))
                    .isEqualTo(new Basket(List.of("tea"))));
        }));
    }
}
