package org.ketaminecds.cds.errors;

import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.Host;
import org.apache.catalina.core.StandardHost;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * Tomcat as Spring Boot configures it (every {@code server.*} property and customizer still
 * applies), with {@link JsonErrorReportValve} as its host's error report valve: the host takes the
 * valve's class name before it starts, which no Spring Boot customizer reaches in time.
 */
@Configuration(proxyBeanMethods = false)
class JsonErrorPages {

  /**
   * A request Spring Security's firewall refuses (a method such as TRACE, a path with an encoded
   * '/' or a '..' segment) gets the JSON error body too; by default it gets a 400 with no body.
   */
  @Bean
  RequestRejectedHandler requestRejectedHandler() {
    return (request, response, rejected) -> {
      response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
      response.setContentType("application/json");
      response.setCharacterEncoding(StandardCharsets.UTF_8.name());
      response
          .getWriter()
          .write(
              "{\"error\":\""
                  + ErrorCode.BAD_REQUEST.code()
                  + "\",\"message\":\"the request's method or path is not accepted\"}");
    };
  }

  @Bean
  TomcatServletWebServerFactory tomcatServletWebServerFactory() {
    return new JsonErrorTomcatFactory();
  }

  /**
   * Top-level in effect (a static class): the management port's child context creates its own
   * instance of the application's factory class, and so gets JSON errors too.
   */
  static class JsonErrorTomcatFactory extends TomcatServletWebServerFactory {
    @Override
    protected void prepareContext(Host host, ServletContextInitializer[] initializers) {
      ((StandardHost) host).setErrorReportValveClass(JsonErrorReportValve.class.getName());
      super.prepareContext(host, initializers);
    }
  }
}
