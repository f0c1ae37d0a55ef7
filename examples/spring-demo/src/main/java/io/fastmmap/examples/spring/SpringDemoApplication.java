package io.fastmmap.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A shop-like demo whose HTTP sessions live in one fastmmap file: start it twice on one host (ports 8081 and 8082,
 * see ./run-demo.sh) and a visitor's session, login and cart follow them from one instance to the other.
 */
@SpringBootApplication
public class SpringDemoApplication {
    public static void main(String[] args) {
        SpringApplication.run(SpringDemoApplication.class, args);
    }
}
