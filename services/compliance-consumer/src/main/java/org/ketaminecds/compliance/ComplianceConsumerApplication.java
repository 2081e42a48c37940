package org.ketaminecds.compliance;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Profiles;

/**
 * The compliance consumer: reads the {@code cds.audit} stream, verifies and stores each event once,
 * and serves reports. Started with the {@code report} profile it prints one report and exits.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ComplianceConsumerApplication {

  /** The profile that turns the application into a one-shot report printer. */
  public static final String REPORT_PROFILE = "report";

  public static void main(String[] args) {
    // The embedded store lets a second process (the report command) in through a TCP server it
    // opens on demand; that server must answer only on this machine.
    if (System.getProperty("h2.bindAddress") == null) {
      System.setProperty("h2.bindAddress", "127.0.0.1");
    }
    ConfigurableApplicationContext context =
        SpringApplication.run(ComplianceConsumerApplication.class, args);
    if (context.getEnvironment().acceptsProfiles(Profiles.of(REPORT_PROFILE))) {
      System.exit(SpringApplication.exit(context));
    }
  }
}
