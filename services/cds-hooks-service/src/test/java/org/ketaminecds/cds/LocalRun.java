package org.ketaminecds.cds;

/**
 * The README's run command starts this (spring-boot:test-run): it brings up what a developer
 * machine lacks, then the service itself. It lives on the test class path so none of it ships in
 * the production jar.
 */
public final class LocalRun {

  private LocalRun() {}

  public static void main(String[] args) {
    CdsHooksApplication.main(args);
  }
}
