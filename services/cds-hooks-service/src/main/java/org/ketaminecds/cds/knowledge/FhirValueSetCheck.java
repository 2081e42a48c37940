package org.ketaminecds.cds.knowledge;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.StrictErrorHandler;
import org.hl7.fhir.r4.model.ValueSet;
import org.ketaminecds.engine.knowledge.KnowledgePackException;
import org.ketaminecds.engine.knowledge.KnowledgePackLoader;

/**
 * Refuses a value set file that is not a valid FHIR R4 ValueSet, parsed strictly with HAPI: an
 * unknown element or an invalid value is a fault, because a code the parser would drop is a code
 * the service would silently never match.
 */
final class FhirValueSetCheck implements KnowledgePackLoader.ValueSetCheck {

  private final FhirContext fhir;

  FhirValueSetCheck(FhirContext fhir) {
    this.fhir = fhir;
  }

  @Override
  public void check(String path, String json) {
    try {
      fhir.newJsonParser()
          .setParserErrorHandler(new StrictErrorHandler())
          .parseResource(ValueSet.class, json);
    } catch (DataFormatException | ClassCastException e) {
      String message = e.getMessage() == null ? "unreadable" : e.getMessage();
      throw new KnowledgePackException(
          path, "not a valid FHIR R4 ValueSet: " + message.replaceFirst("^HAPI-\\d+: ", ""));
    }
  }
}
