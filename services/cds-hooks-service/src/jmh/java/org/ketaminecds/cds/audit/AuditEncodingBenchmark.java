package org.ketaminecds.cds.audit;

import ca.uhn.fhir.context.FhirContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.AuditEvent;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The audit record of one answered call, the work every call does before its answer: writing the
 * FHIR AuditEvent as JSON ({@code write}), and for comparison what encoding the same event from a
 * HAPI model cost with HAPI and with the HL7 core composer (the service did the former until issue
 * 7 measured it).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AuditEncodingBenchmark {

  private final AuditEvents events = new AuditEvents("bench-node");
  private final FhirContext fhir = FhirContext.forR4Cached();
  private InvocationAudit record;
  private Optional<PatientRef> patient;
  private AuditEvent event;

  @Setup
  public void setUp() {
    record =
        new InvocationAudit(
            Instant.parse("2026-11-21T10:00:00.123Z"),
            "ketamine-order-sign",
            Optional.of("order-sign"),
            Optional.of("7b3c4a6e-1f0d-4a8e-9d7c-3f5b2e1a0c9d"),
            Optional.of("Practitioner/example"),
            Optional.of("example-patient"),
            Optional.of("Encounter/example"),
            List.of("MedicationRequest/ketamine-1"),
            List.of(
                new InvocationAudit.CardAudit(
                    "1c0f5d7e-2b6a-4e1f-8a3d-5c9b7e2f4a61", "ketamine-maoi", "critical"),
                new InvocationAudit.CardAudit(
                    "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b", "ketamine-benzodiazepine", "warning")),
            "1.4.0",
            Duration.ofMillis(4),
            200,
            Optional.empty(),
            Optional.of(
                new CallerIdentity("https://ehr.example.org", "ehr-client", Optional.empty())), false);
    patient = Optional.of(new PatientRefs("").of("example-patient"));
    event =
        fhir.newJsonParser()
            .parseResource(
                AuditEvent.class,
                new String(events.invocation("e1", record, patient), StandardCharsets.UTF_8));
  }

  @Benchmark
  public byte[] write() {
    return events.invocation("e1", record, patient);
  }

  @Benchmark
  public byte[] encodeWithHl7Core() throws java.io.IOException {
    return new org.hl7.fhir.r4.formats.JsonParser().composeBytes(event);
  }

  @Benchmark
  public byte[] encodeWithHapi() {
    return fhir.newJsonParser().encodeResourceToString(event).getBytes(StandardCharsets.UTF_8);
  }
}
