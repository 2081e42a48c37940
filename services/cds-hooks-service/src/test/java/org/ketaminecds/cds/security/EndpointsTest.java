package org.ketaminecds.cds.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

/** The aud a token must carry is the URL of the endpoint called (CDS Hooks 2.0). */
class EndpointsTest {

  private static MockHttpServletRequest request(String method, String path) {
    MockHttpServletRequest request = new MockHttpServletRequest(method, path);
    request.setScheme("https");
    request.setServerName("cds.example.org");
    request.setServerPort(443);
    return request;
  }

  @Test
  void aServiceIdIsReadAsSpringRoutesIt_decoded() {
    assertThat(Endpoints.serviceId(request("POST", "/cds-services/%6betamine-order-sign")))
        .contains("ketamine-order-sign");
    assertThat(Endpoints.serviceId(request("POST", "/cds-services/ketamine-order-sign/feedback")))
        .contains("ketamine-order-sign");
    assertThat(Endpoints.serviceId(request("POST", "/cds-services/bad%zzescape"))).isPresent();
  }

  @Test
  void serviceCall_expectsTheServiceUrl() {
    var endpoints = new Endpoints("", List.of());

    assertThat(endpoints.audiences(request("POST", "/cds-services/ketamine-order-sign")))
        .containsExactly("https://cds.example.org/cds-services/ketamine-order-sign");
  }

  @Test
  void feedback_acceptsTheServiceUrlOrItsFeedbackUrl() {
    var endpoints = new Endpoints("", List.of());

    assertThat(endpoints.audiences(request("POST", "/cds-services/ketamine-order-sign/feedback")))
        .containsExactly(
            "https://cds.example.org/cds-services/ketamine-order-sign",
            "https://cds.example.org/cds-services/ketamine-order-sign/feedback");
  }

  @Test
  void givenPublicUrl_thenTheHostHeaderDoesNotMatter() {
    var endpoints = new Endpoints("https://cds.hospital.example/ketamine/", List.of());
    MockHttpServletRequest request = request("POST", "/cds-services/ketamine-order-sign");
    request.setServerName("attacker.example");

    assertThat(endpoints.audiences(request))
        .containsExactly("https://cds.hospital.example/ketamine/cds-services/ketamine-order-sign");
  }

  @Test
  void configuredAudiencesAreAcceptedToo() {
    var endpoints = new Endpoints("", List.of("https://cds.example.org/cds-services/other/"));

    assertThat(endpoints.audiences(request("POST", "/cds-services/ketamine-order-sign")))
        .endsWith("https://cds.example.org/cds-services/other");
  }

  @Test
  void openDiscoveryTakesNoToken_butServicesDo() {
    assertThat(Endpoints.takesToken(request("GET", "/cds-services"), true)).isFalse();
    assertThat(Endpoints.takesToken(request("GET", "/cds-services"), false)).isTrue();
    assertThat(Endpoints.takesToken(request("POST", "/cds-services/x"), true)).isTrue();
    assertThat(Endpoints.takesToken(request("GET", "/rules/x"), true)).isFalse();
  }
}
