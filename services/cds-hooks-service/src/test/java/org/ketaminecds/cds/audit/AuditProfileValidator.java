package org.ketaminecds.cds.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.ValueSet;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * HAPI's instance validator with the R4 core definitions and our audit profile, code system and
 * value set exactly as shipped in the fhir-profiles jar. Built once per test JVM: it is slow to
 * start and safe to share.
 */
final class AuditProfileValidator {

  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static FhirValidator validator;

  private AuditProfileValidator() {}

  /** Validation messages of ERROR or FATAL severity for an AuditEvent in FHIR JSON. */
  static synchronized List<String> errors(String json) {
    if (validator == null) {
      validator = build();
    }
    var options = new ValidationOptions().addProfile(AuditEvents.PROFILE);
    return validator.validateWithResult(json, options).getMessages().stream()
        .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
        .map(AuditProfileValidator::describe)
        .toList();
  }

  private static String describe(SingleValidationMessage m) {
    return m.getSeverity() + " " + m.getLocationString() + ": " + m.getMessage();
  }

  private static FhirValidator build() {
    var ours = new PrePopulatedValidationSupport(FHIR);
    try {
      Resource[] files =
          new PathMatchingResourcePatternResolver()
              .getResources("classpath*:knowledge/profiles/*.json");
      if (files.length == 0) {
        throw new IllegalStateException("no profiles under knowledge/profiles on the class path");
      }
      for (Resource file : files) {
        try (InputStream in = file.getInputStream()) {
          var resource = FHIR.newJsonParser().parseResource(in);
          if (resource instanceof StructureDefinition sd) {
            ours.addStructureDefinition(sd);
          } else if (resource instanceof CodeSystem cs) {
            ours.addCodeSystem(cs);
          } else if (resource instanceof ValueSet vs) {
            ours.addValueSet(vs);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    var chain =
        new ValidationSupportChain(
            new DefaultProfileValidationSupport(FHIR),
            ours,
            new CommonCodeSystemsTerminologyService(FHIR),
            new InMemoryTerminologyServerValidationSupport(FHIR),
            new SnapshotGeneratingValidationSupport(FHIR));
    var module = new FhirInstanceValidator(chain);
    // Warnings remain warnings: no narrative (dom-6) and our entity types outside the extensible
    // audit-entity-type value set are expected.
    return FHIR.newValidator().registerValidatorModule(module);
  }
}
