package org.ketaminecds.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The benchmark measures the service as its container image runs it. */
class BenchSettingsTest {

  @Test
  void serviceJvm_isTheContainerImagesJvm() throws Exception {
    Path dockerfile = Path.of("../../docker/cds-hooks-service.Dockerfile");
    Matcher options =
        Pattern.compile("JAVA_TOOL_OPTIONS=\"([^\"]+)\"").matcher(Files.readString(dockerfile));
    assertThat(options.find()).as("JAVA_TOOL_OPTIONS in %s", dockerfile).isTrue();
    // The image's options, plus the compose stack's memory limit that the container would impose.
    assertThat(BenchSettings.CONTAINER_JVM)
        .containsExactly(("-XX:MaxRAM=768m " + options.group(1)).split("\\s+"));
    String text = Files.readString(dockerfile);
    BenchSettings.CONTAINER_ENV.forEach(
        (name, value) -> assertThat(text).contains("    " + name + "=" + value + " "));
  }
}
