package org.ketaminecds.cds.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/** The ceiling endpoint exists only when asked for, and then only on loopback. */
class CeilingControllerTest {

  private final WebApplicationContextRunner context =
      new WebApplicationContextRunner().withUserConfiguration(CeilingController.class);

  @Test
  void byDefault_thereIsNoCeilingEndpoint() {
    context
        .withPropertyValues("server.address=127.0.0.1")
        .run(c -> assertThat(c).doesNotHaveBean(CeilingController.class));
  }

  @Test
  void turnedOn_onLoopback_itAnswersAnEmptyCardList() {
    context
        .withPropertyValues("cds.bench.ceiling-endpoint=true", "server.address=127.0.0.1")
        .run(
            c ->
                assertThat(c.getBean(CeilingController.class).ceiling(new byte[0]).cards())
                    .isNotNull()
                    .isEmpty());
  }

  @Test
  void turnedOn_withoutLoopbackAddress_theServiceRefusesToStart() {
    for (String address : new String[] {null, "0.0.0.0"}) {
      var run =
          address == null
              ? context.withPropertyValues("cds.bench.ceiling-endpoint=true")
              : context.withPropertyValues(
                  "cds.bench.ceiling-endpoint=true", "server.address=" + address);
      run.run(
          c ->
              assertThat(c)
                  .getFailure()
                  .rootCause()
                  .hasMessageContaining("cds.bench.ceiling-endpoint=true is for the load benchmark")
                  .hasMessageContaining("loopback"));
    }
  }
}
