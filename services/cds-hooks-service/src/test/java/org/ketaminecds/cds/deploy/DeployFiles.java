package org.ketaminecds.cds.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.Yaml;

/**
 * The deployment files under {@code docker/}, read the way Docker and Compose read them: the
 * compose file as YAML, Dockerfiles as instructions (continuation lines joined, comments dropped),
 * the env example as {@code KEY=value} lines.
 */
final class DeployFiles {

  private static final Pattern MODULE = Pattern.compile("<module>\\s*([^<\\s]+)\\s*</module>");

  private DeployFiles() {}

  /**
   * The repository root: the nearest directory upwards that holds the Maven wrapper and docker/.
   */
  static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.exists(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("docker"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
  }

  static Path docker() {
    return root().resolve("docker");
  }

  static Path composeFile() {
    return docker().resolve("compose.yaml");
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The compose file as plain maps and lists (SnakeYAML resolves anchors and merge keys). */
  @SuppressWarnings("unchecked")
  static Map<String, Object> compose() {
    return (Map<String, Object>) new Yaml().load(read(composeFile()));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Map<String, Object>> services() {
    return (Map<String, Map<String, Object>>) compose().get("services");
  }

  /** Every Dockerfile in docker/, named {@code *.Dockerfile}. */
  static List<Path> dockerfiles() {
    try (Stream<Path> files = Files.list(docker())) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".Dockerfile"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The modules the root pom.xml builds, as paths relative to the root. */
  static List<String> reactorModules() {
    Matcher m = MODULE.matcher(read(root().resolve("pom.xml")));
    List<String> modules = new ArrayList<>();
    while (m.find()) {
      modules.add(m.group(1));
    }
    return modules;
  }

  /** docker/.env.example as ordered {@code KEY -> value}; comments and blank lines skipped. */
  static Map<String, String> envExample() {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : read(docker().resolve(".env.example")).split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      int eq = trimmed.indexOf('=');
      if (eq < 1) {
        throw new IllegalStateException(".env.example line is not KEY=value: " + line);
      }
      env.put(trimmed.substring(0, eq), trimmed.substring(eq + 1));
    }
    return env;
  }

  private static final Pattern INTERPOLATION =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}");

  /**
   * Compose's interpolation of one value: {@code ${NAME}}, {@code ${NAME:-default}} and {@code
   * ${NAME-default}} from {@code vars}; {@code ${NAME:?message}} must be set; {@code $$} is a
   * dollar.
   */
  static String interpolate(String value, Map<String, String> vars) {
    Matcher m = INTERPOLATION.matcher(value.replace("$$", "\0"));
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      String operator = m.group(2);
      String set = vars.get(name);
      boolean empty = set == null || set.isEmpty();
      String replacement;
      if (operator == null) {
        replacement = set == null ? "" : set;
      } else if (operator.endsWith("-")) {
        replacement = (operator.startsWith(":") ? empty : set == null) ? m.group(3) : set;
      } else if (empty) {
        throw new IllegalStateException(name + " must be set: " + m.group(3));
      } else {
        replacement = set;
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString().replace("\0", "$");
  }

  /**
   * A service's environment as its container gets it: compose.yaml's values interpolated with the
   * variables of .env.example, overridden by {@code overrides}.
   */
  static Map<String, String> containerEnvironment(String service, Map<String, String> overrides) {
    Map<String, String> vars = new LinkedHashMap<>(envExample());
    vars.putAll(overrides);
    Map<String, String> env = new LinkedHashMap<>();
    ComposeFileTest.environment(services().get(service))
        .forEach((key, value) -> env.put(key, value == null ? "" : interpolate(value, vars)));
    return env;
  }

  /** Whether a name looks like it holds a credential. */
  static boolean secretName(String name) {
    String n = name.toUpperCase(Locale.ROOT).replace("_", "").replace("-", "").replace(".", "");
    return Stream.of(
            "PASSWORD", "PASSWD", "SECRET", "TOKEN", "CREDENTIAL", "PRIVATE", "JAAS", "KEY")
        .anyMatch(n::contains);
  }

  /**
   * An image reference's tag, or empty when it has none. A digest ({@code @sha256:...}) counts as a
   * tag: it pins the image even more tightly.
   */
  static Optional<String> imageTag(String image) {
    int at = image.indexOf('@');
    if (at >= 0) {
      return Optional.of(image.substring(at + 1));
    }
    int colon = image.lastIndexOf(':');
    if (colon > image.lastIndexOf('/')) {
      return Optional.of(image.substring(colon + 1));
    }
    return Optional.empty();
  }

  /** Pinned: a fixed version in the tag (no "latest", no variable), or a digest. */
  static boolean pinned(String image) {
    if (image.contains("$")) {
      return false;
    }
    return imageTag(image)
        .filter(tag -> !tag.equalsIgnoreCase("latest"))
        .filter(tag -> tag.startsWith("sha256:") || tag.matches(".*\\d+\\.\\d+.*"))
        .isPresent();
  }

  /** A Dockerfile instruction: its keyword in upper case and its arguments on one line. */
  record Instruction(String keyword, String arguments) {}

  /** One build stage: its base image, its name ({@code AS name}), and its instructions. */
  record Stage(String base, String name, List<Instruction> instructions) {

    List<Instruction> all(String keyword) {
      return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    Optional<Instruction> last(String keyword) {
      List<Instruction> found = all(keyword);
      return found.isEmpty() ? Optional.empty() : Optional.of(found.get(found.size() - 1));
    }
  }

  record Dockerfile(Path path, List<Stage> stages) {

    Stage last() {
      return stages.get(stages.size() - 1);
    }

    /** Every instruction of every stage, in order. */
    List<Instruction> instructions() {
      return stages.stream().flatMap(s -> s.instructions().stream()).toList();
    }

    String name() {
      return path.getFileName().toString();
    }
  }

  static Dockerfile dockerfile(Path path) {
    List<Stage> stages = new ArrayList<>();
    String base = null;
    String name = null;
    List<Instruction> current = new ArrayList<>();
    for (Instruction instruction : instructions(read(path))) {
      if (instruction.keyword().equals("FROM")) {
        if (base != null) {
          stages.add(new Stage(base, name, List.copyOf(current)));
        }
        List<String> words =
            Stream.of(instruction.arguments().split("\\s+"))
                .filter(w -> !w.startsWith("--"))
                .toList();
        base = words.get(0);
        name = words.size() >= 3 && words.get(1).equalsIgnoreCase("AS") ? words.get(2) : null;
        current = new ArrayList<>();
      } else {
        current.add(instruction);
      }
    }
    if (base != null) {
      stages.add(new Stage(base, name, List.copyOf(current)));
    }
    return new Dockerfile(path, List.copyOf(stages));
  }

  /**
   * Splits a Dockerfile into instructions as Docker does: a trailing backslash continues the
   * instruction, comment lines (also inside a continuation) are dropped, and so are parser
   * directives at the top.
   */
  static List<Instruction> instructions(String text) {
    List<Instruction> result = new ArrayList<>();
    StringBuilder pending = new StringBuilder();
    for (String raw : text.split("\n")) {
      String line = raw.stripTrailing();
      if (line.strip().startsWith("#")) {
        continue;
      }
      if (line.endsWith("\\")) {
        pending.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      pending.append(line);
      String joined = pending.toString().strip();
      pending.setLength(0);
      if (joined.isEmpty()) {
        continue;
      }
      int space = joined.indexOf(' ');
      String keyword = (space < 0 ? joined : joined.substring(0, space)).toUpperCase(Locale.ROOT);
      String arguments = space < 0 ? "" : joined.substring(space + 1).strip();
      result.add(new Instruction(keyword, arguments));
    }
    if (!pending.isEmpty()) {
      throw new IllegalStateException("Dockerfile ends inside a continued line");
    }
    return result;
  }
}
