package org.ketaminecds.cds;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The CDS Hooks service: discovery, order-select, order-sign and feedback. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class CdsHooksApplication {

  public static void main(String[] args) {
    SpringApplication.run(CdsHooksApplication.class, args);
  }
}
