package org.ketaminecds.engine.knowledge;

/** The knowledge pack is invalid; the message names the file and the fault. It never goes live. */
public final class KnowledgePackException extends RuntimeException {

  public KnowledgePackException(String file, String fault) {
    super(file + ": " + fault);
  }

  public KnowledgePackException(String file, String fault, Throwable cause) {
    super(file + ": " + fault, cause);
  }
}
