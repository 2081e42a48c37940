package org.ketaminecds.cds.config;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.CorsRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** CORS for browser-based CDS clients such as the CDS Hooks sandbox. */
@Configuration
class WebConfiguration implements WebMvcConfigurer {

  private final CdsProperties properties;

  WebConfiguration(CdsProperties properties) {
    this.properties = properties;
  }

  @Override
  public void addCorsMappings(CorsRegistry registry) {
    var origins = properties.cors().allowedOrigins();
    if (origins.isEmpty()) {
      return;
    }
    registry
        .addMapping("/cds-services/**")
        .allowedOrigins(origins.toArray(String[]::new))
        .allowedMethods("GET", "POST", "OPTIONS")
        .allowedHeaders("Authorization", "Content-Type")
        .maxAge(3600);
  }
}
