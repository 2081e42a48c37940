package org.ketaminecds.compliance.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The store directory ({@code compliance.store.directory}) holds the embedded database, with
 * patient references and clinicians' comments, and the generated report password: it is made its
 * owner's alone (rwx------) before the database opens, whatever the umask would give its files.
 */
@Configuration(proxyBeanMethods = false)
class StoreDirectoryConfiguration {

  private static final Logger log = LoggerFactory.getLogger(StoreDirectoryConfiguration.class);

  @Bean
  static BeanFactoryPostProcessor storeDirectoryOwnerOnly(Environment environment) {
    return beanFactory -> {
      String directory = environment.getProperty("compliance.store.directory");
      if (directory != null && !directory.isBlank()) {
        ownerOnly(Path.of(directory));
      }
    };
  }

  static void ownerOnly(Path directory) {
    try {
      Files.createDirectories(directory);
      if (!Files.getFileStore(directory).supportsFileAttributeView(PosixFileAttributeView.class)) {
        return;
      }
      var ownerOnly = PosixFilePermissions.fromString("rwx------");
      if (!Files.getPosixFilePermissions(directory).equals(ownerOnly)) {
        try {
          Files.setPosixFilePermissions(directory, ownerOnly);
        } catch (IOException | SecurityException e) {
          log.warn(
              "the store directory {} is open to other users and could not be restricted: {}",
              directory,
              e.getClass().getSimpleName());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the store directory " + directory, e);
    }
  }
}
