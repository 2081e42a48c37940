package org.ketaminecds.cds.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ketaminecds.cds.CdsHooksApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestTemplate;

/**
 * Authentication off is for development on one machine: the service starts that way only when it
 * listens on loopback, and says so on every start. Started as a user starts it (SpringApplication),
 * not as a cached test context.
 */
@ExtendWith(OutputCaptureExtension.class)
class UnauthenticatedModeIntegrationTest {

  /**
   * Starts the service with these settings as command-line arguments (which, unlike the builder's
   * default properties, outrank application.yml), or fails as the service would.
   */
  private static ConfigurableApplicationContext start(String... settings) {
    List<String> args = new ArrayList<>(List.of("--cds.security.enabled=false", "--server.port=0"));
    Stream.of(settings).map(s -> "--" + s).forEach(args::add);
    return new SpringApplicationBuilder(CdsHooksApplication.class).run(args.toArray(String[]::new));
  }

  private static void assertRefusesToStart(String... settings) {
    assertThatThrownBy(
            () -> {
              // Closed at once should it start after all, so no listener outlives the test.
              start(settings).close();
            })
        .hasRootCauseInstanceOf(LoopbackOnlyException.class);
  }

  @ParameterizedTest(name = "server.address={0}")
  @ValueSource(strings = {"0.0.0.0", "::", "unset"})
  void givenAuthenticationOff_whenNotBoundToLoopback_thenTheServiceRefusesToStart(
      String address, CapturedOutput output) {
    if (address.equals("unset")) {
      assertRefusesToStart();
    } else {
      assertRefusesToStart("server.address=" + address);
    }
    assertThat(output.getAll()).contains("APPLICATION FAILED TO START", "SERVER_ADDRESS=127.0.0.1");
  }

  @Test
  void givenAuthenticationOff_whenTheManagementPortListensEverywhere_thenRefusesToStart() {
    assertRefusesToStart("server.address=127.0.0.1", "management.server.port=0");
  }

  @Test
  void givenAuthenticationOff_onLoopback_thenCallsNeedNoToken_andEveryStartWarns(
      CapturedOutput output) {
    try (ConfigurableApplicationContext context = start("server.address=127.0.0.1")) {
      int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
      HttpHeaders headers = new HttpHeaders();
      headers.setContentType(MediaType.APPLICATION_JSON);

      var response =
          new RestTemplate()
              .postForEntity(
                  "http://127.0.0.1:" + port + "/cds-services/ketamine-order-sign",
                  new HttpEntity<>(HookBodies.orderSignPrefetched(), headers),
                  String.class);

      assertThat(response.getStatusCode().value()).isEqualTo(200);
      assertThat(output.getAll()).contains("AUTHENTICATION IS OFF");
    }
  }
}
