package org.ketaminecds.compliance.intake;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the audit stream is read from and how failures are handled ({@code compliance.intake.*}).
 *
 * @param enabled whether to consume at all (off for the report command)
 * @param topic the audit topic
 * @param deadLetterTopic where records that cannot be stored go, with the reason in headers
 * @param groupId the consumer group: committed offsets are kept under it
 * @param retry how often and how fast to retry a record that failed for another reason than being
 *     invalid
 */
@ConfigurationProperties("compliance.intake")
record IntakeProperties(
    boolean enabled, String topic, String deadLetterTopic, String groupId, Retry retry) {

  /**
   * @param attempts retries of a failing record before it is dead-lettered
   * @param interval the first wait between retries, doubled each time
   * @param maxInterval the longest wait; also the pace of retries while the store is unreachable,
   *     which go on until it is back (such records are fine, so they are not dead-lettered)
   */
  record Retry(int attempts, Duration interval, Duration maxInterval) {}
}
