package io.fastmmap.examples.spring;

import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.security.Principal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/** The visit counter, the cart and the account page; every answer says which instance served it. */
@RestController
public class DemoController {
    private final String instance;

    DemoController(@Value("${demo.instance:?}") String instance) {
        this.instance = instance;
    }

    /** Counts this session's visits: {"visits": N}, N going up by one per call, on whichever instance. */
    @GetMapping("/api/visits")
    Map<String, Integer> visits(HttpSession session, HttpServletResponse response) {
        // A Number, not an Integer: shared with a Catalyst app (profile "catalyst"), Perl's integers read as Long.
        Number visits = (Number) session.getAttribute("visits");
        int next = visits == null ? 1 : visits.intValue() + 1;
        session.setAttribute("visits", next);
        response.setHeader("X-Demo-Instance", instance);
        return Map.of("visits", next);
    }

    /** The cart: a list of item names, kept in the session. */
    @GetMapping("/api/cart")
    Map<String, Object> cart(HttpSession session) {
        return Map.of("items", items(session), "instance", instance);
    }

    @PostMapping("/api/cart")
    Map<String, Object> addToCart(@RequestParam("item") String item, HttpSession session) {
        List<String> items = new ArrayList<>(items(session));
        items.add(item);
        session.setAttribute("cart", items); // set again: a changed object is only saved when set
        return Map.of("items", items, "instance", instance);
    }

    /** A text in the session, for non-ASCII round trips: {"name": text or null}. */
    @GetMapping("/api/name")
    Map<String, Object> name(HttpSession session) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", session.getAttribute("name"));
        out.put("instance", instance);
        return out;
    }

    @PostMapping("/api/name")
    Map<String, Object> setName(@RequestParam("name") String name, HttpSession session) {
        session.setAttribute("name", name);
        return name(session);
    }

    @SuppressWarnings("unchecked")
    private static List<String> items(HttpSession session) {
        List<String> items = (List<String>) session.getAttribute("cart");
        return items == null ? List.of() : items;
    }

    /** Who is logged in, as JSON, for scripts: {"user": name or null, "instance": "A"}. */
    @GetMapping("/api/whoami")
    Map<String, Object> whoami(Principal principal) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("user", principal == null ? null : principal.getName());
        out.put("instance", instance);
        return out;
    }

    /** The account page; needs a login. */
    @GetMapping(value = "/account", produces = MediaType.TEXT_HTML_VALUE)
    String account(Principal principal, HttpSession session) {
        Number visits = (Number) session.getAttribute("visits");
        return "<!doctype html><html><head><title>Account on " + instance + "</title></head><body>"
                + "<h1 id=\"who\">Logged in as " + HtmlUtils.htmlEscape(principal.getName()) + " on instance "
                + instance + "</h1><p>Visits counted in this session: <span id=\"visits\">"
                + (visits == null ? 0 : visits) + "</span></p>"
                + "<p>Cart: <span id=\"cart\">" + HtmlUtils.htmlEscape(String.join(", ", items(session)))
                + "</span></p><p><a href=\"/logout\" id=\"logout\">Log out</a></p></body></html>";
    }
}
