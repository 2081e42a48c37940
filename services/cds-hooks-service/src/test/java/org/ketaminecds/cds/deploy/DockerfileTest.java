package org.ketaminecds.cds.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ketaminecds.cds.deploy.DeployFiles.Dockerfile;
import org.ketaminecds.cds.deploy.DeployFiles.Instruction;
import org.ketaminecds.cds.deploy.DeployFiles.Stage;

/**
 * The Dockerfiles in docker/, checked without a Docker engine: each builds in stages from pinned
 * images, runs as an unprivileged user and reports its health; the Java services' images build with
 * the Maven wrapper behind a dependency layer and bound their heap by the container's memory.
 */
class DockerfileTest {

  static Stream<Path> dockerfiles() {
    List<Path> files = DeployFiles.dockerfiles();
    assertThat(files).isNotEmpty();
    return files.stream();
  }

  /** The Dockerfiles that build one of our Java services with the Maven wrapper. */
  static Stream<Path> serviceDockerfiles() {
    List<Path> files =
        DeployFiles.dockerfiles().stream()
            .filter(f -> DeployFiles.read(f).contains("mvnw"))
            .toList();
    assertThat(files).isNotEmpty();
    return files.stream();
  }

  @ParameterizedTest
  @MethodSource("dockerfiles")
  void buildsInStages_fromPinnedImages(Path path) {
    Dockerfile file = DeployFiles.dockerfile(path);
    Set<String> stageNames = new HashSet<>();

    assertThat(file.stages()).as(file.name() + " stages").hasSizeGreaterThanOrEqualTo(2);
    for (Stage stage : file.stages()) {
      if (!stageNames.contains(stage.base())) {
        assertThat(DeployFiles.pinned(stage.base()))
            .as(file.name() + ": FROM " + stage.base() + " must pin a version")
            .isTrue();
      }
      if (stage.name() != null) {
        stageNames.add(stage.name());
      }
    }
  }

  @ParameterizedTest
  @MethodSource("dockerfiles")
  void runsAsAnUnprivilegedUser(Path path) {
    Stage run = DeployFiles.dockerfile(path).last();

    String user = run.last("USER").map(Instruction::arguments).orElse("");

    assertThat(user).as(path.getFileName() + ": the final stage must set USER").isNotBlank();
    String name = user.split(":")[0];
    assertThat(name).as(path.getFileName() + " runs as " + user).isNotIn("0", "root");
  }

  @ParameterizedTest
  @MethodSource("dockerfiles")
  void reportsItsHealth(Path path) {
    Stage run = DeployFiles.dockerfile(path).last();

    String check = run.last("HEALTHCHECK").map(Instruction::arguments).orElse("");

    assertThat(check)
        .as(path.getFileName() + " HEALTHCHECK")
        .contains("CMD")
        .doesNotStartWith("NONE");
  }

  @ParameterizedTest
  @MethodSource("dockerfiles")
  void hasADockerignore_thatKeepsBuildOutputAndLocalSettingsOut(Path path) {
    Path ignore = Path.of(path + ".dockerignore");

    assertThat(ignore).isRegularFile();
    List<String> rules =
        DeployFiles.read(ignore)
            .lines()
            .map(String::strip)
            .filter(l -> !l.isEmpty() && !l.startsWith("#"))
            .toList();
    // Either nothing is sent, or build output is excluded after whatever is let in.
    assertThat(rules).as(ignore.getFileName().toString()).contains("**");
    if (rules.stream().anyMatch(r -> r.startsWith("!"))) {
      assertThat(rules).contains("**/target/");
    }
  }

  @ParameterizedTest
  @MethodSource("serviceDockerfiles")
  void buildsOnAJdk_andRunsOnAJre(Path path) {
    Dockerfile file = DeployFiles.dockerfile(path);

    assertThat(file.stages().get(0).base()).contains("-jdk-");
    assertThat(file.last().base()).contains("-jre-");
    assertThat(file.stages().get(0).all("RUN"))
        .anySatisfy(run -> assertThat(run.arguments()).contains("./mvnw").contains("package"));
  }

  @ParameterizedTest
  @MethodSource("serviceDockerfiles")
  void downloadsDependenciesFromThePomsAlone_inTheirOwnLayer(Path path) {
    Stage build = DeployFiles.dockerfile(path).stages().get(0);
    List<String> copiedBeforeFirstBuild = new ArrayList<>();
    for (Instruction instruction : build.instructions()) {
      if (instruction.keyword().equals("RUN") && instruction.arguments().contains("mvnw")) {
        break;
      }
      if (instruction.keyword().equals("COPY")) {
        List<String> words =
            Stream.of(instruction.arguments().split("\\s+"))
                .filter(w -> !w.startsWith("--"))
                .toList();
        copiedBeforeFirstBuild.addAll(words.subList(0, words.size() - 1));
      }
    }
    Set<String> expected = new TreeSet<>(List.of("mvnw", "pom.xml", ".mvn/"));
    DeployFiles.reactorModules().forEach(module -> expected.add(module + "/pom.xml"));

    // Maven reads every module of the reactor, so a module missing here breaks the image build;
    // anything else here (sources) would throw the dependency cache away on every edit.
    assertThat(new TreeSet<>(copiedBeforeFirstBuild))
        .as(path.getFileName() + ": files copied before the dependency download")
        .isEqualTo(expected);
  }

  @ParameterizedTest
  @MethodSource("serviceDockerfiles")
  void boundsTheHeapByTheContainerLimit_andExitsOnOutOfMemory(Path path) {
    Stage run = DeployFiles.dockerfile(path).last();
    String env = String.join(" ", run.all("ENV").stream().map(Instruction::arguments).toList());

    assertThat(env).contains("JAVA_TOOL_OPTIONS").containsPattern("-XX:MaxRAMPercentage=\\d+");
    assertThat(env).contains("-XX:+ExitOnOutOfMemoryError");
    assertThat(env).doesNotContainPattern("-Xmx\\d");
  }

  @ParameterizedTest
  @MethodSource("serviceDockerfiles")
  void exposesItsPort_andKeepsItsDataOnAVolume(Path path) {
    Stage run = DeployFiles.dockerfile(path).last();

    assertThat(run.all("EXPOSE")).isNotEmpty();
    assertThat(run.all("VOLUME")).isNotEmpty();
    String volume = run.all("VOLUME").get(0).arguments().replaceAll("[\\[\\]\"]", "").strip();
    // The unprivileged user must be able to write there.
    assertThat(run.all("RUN"))
        .anySatisfy(r -> assertThat(r.arguments()).contains("chown").contains(volume));
  }
}
